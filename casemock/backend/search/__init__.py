"""Search over a domain's cases and related items, served from indexes.

The map, from the bottom up:

* ``docsets``: sets of cases as postings (doc numbers or bitmaps) and as query sets (a
  Python ``int`` bitmap or a small ``frozenset``), and their algebra;
* ``ordered``: ``Ordered``, cases sorted by (value, case id) in value-aligned buckets,
  for ranges and sorts;
* ``fields``: ``FieldIndex``, everything one field's values are looked up by (exact
  texts, trigrams of the distinct texts, numbers, instants, booleans, filled);
* ``related_index``: ``RelatedIndex``, related items in default order, per type, by
  contact/file/linked case/SLA name, and per requested ``sorts``;
* ``index``: ``CaseSearchIndex``, a domain's cases numbered and indexed, kept up to date
  from the handlers' ``CaseIndex.add``/``remove`` marks; ``index_for`` builds it on a
  domain's first search (records hold only the ``Unindexed`` placeholder);
* ``filters``: a ``CaseFilter`` or searchTerm checked and compiled into a plan that
  evaluates to the exact set of matching cases;
* ``order`` and ``pages``: sort keys and tokens, and the page (sorted matches or a walk
  of the first sort's order);
* ``cases``: SearchCases; ``related_items``: SearchRelatedItems, SearchAllRelatedItems and
  the lookup behind ListCasesForContact.
"""
