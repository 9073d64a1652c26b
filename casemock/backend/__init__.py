"""The in-memory Connect Cases service, grouped by resource family.

Map (``_registry.MODULES`` names the module of every operation):

- ``_registry``   operation -> module table; ``@operation("Name")`` registers a handler.
- ``_context``    what a handler gets: the region's state, the store's clock and ids, the
                  caller's access scope; ``ctx.domain(...)`` / ``ctx.case(...)`` lookups.
- ``_records``    the stored dataclasses (``RegionState``, ``Domain``, ``Case``, ...).
- ``_pagination`` keyset ``nextToken`` encoding shared by every paged operation.
- ``tags``        TagResource, UntagResource, ListTagsForResource.
- ``config/``     domains, fields (with the system fields and options), layouts,
                  templates, case rules and the rule evaluator.
- ``cases/``      case lifecycle, field values, batch update, merge, audit history,
                  case events.
- ``related_items/``  related items and their content.
- ``search/``     SearchCases and the related-item searches over the case index.
- realism switches (docs/realism.md): ``throttle`` (documented request rates, token
  buckets), ``external`` (the registry of contacts, users, files and customer profiles),
  ``consistency`` (writes the searches do not see yet), ``settle`` (all of it now).

Handlers run under the region's lock, take ``(Context, params)`` with params already
decoded and validated against the model, and return the output shape as a dict, or raise
a ``ServiceError``. The backend never sees HTTP and never imports the protocol layer.
"""
