"""Search over a domain's cases and related items.

A search runs in four phases: the case index (``index``) names candidate cases for the
filter parts it can look up; the filter plan (``filters``) verifies candidates with a
compiled predicate; sort keys are computed for the matches only; the keyset page takes
the smallest keys after the position a ``nextToken`` carries (``cases`` for SearchCases,
``related_items`` for SearchRelatedItems and SearchAllRelatedItems)."""
