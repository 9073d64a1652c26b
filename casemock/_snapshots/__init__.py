"""Snapshots: the versioned state document (``document``), its JSON codec derived from
the record types (``codec``), and the checks a restored document must pass so that what
loads reads back (``checks``, walking regions, domains and configuration; ``case_checks``
for cases; ``rules``, the shape and reference checks both use)."""
