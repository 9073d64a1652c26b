"""Cases: create/get/update/delete (``lifecycle``), field values checked against the
domain's fields (``values``), BatchUpdateCase, merges, the audit history and case events."""
