"""Snapshots: the versioned state document (``document``) and its JSON codec derived
from the record types (``codec``)."""
