"""Related items: the six types, their content and SLA state (``content``) and the
operations that create, update, delete and list them (``items``)."""
