"""The handler registry: which backend module answers which operation.

``MODULES`` is the map a newcomer opens first: every operation casemock implements and
the module whose handler answers it (a test checks it against the installed model and
against what each module registers). ``@operation("Name")`` is the only way to register
a handler; it ignores names the installed botocore model lacks, so an operation newer
than the installed botocore does not exist in casemock either.

``handler_for(name)`` imports only the module that answers ``name``, so the first call of
a process does not pay for importing the whole backend; ``handlers()`` imports them all.

The members each operation implements are listed in ``_handled.HANDLED``; every handler
is registered behind a guard that raises ``UnsupportedMemberError`` when a request uses a
member of the installed model that the table lacks (a no-op while there is none).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

import botocore

from casemock import _model
from casemock._errors import UnsupportedMemberError
from casemock.backend._context import Context, Handler
from casemock.backend._handled import first_unhandled
from casemock.backend.external import check_performer

_CONFIG = "casemock.backend.config"
_CASES = "casemock.backend.cases"
_ITEMS = "casemock.backend.related_items"
_SEARCH = "casemock.backend.search"

MODULES: dict[str, str] = {
    # Configuration: domains and their schema.
    "CreateDomain": f"{_CONFIG}.domains",
    "GetDomain": f"{_CONFIG}.domains",
    "ListDomains": f"{_CONFIG}.domains",
    "DeleteDomain": f"{_CONFIG}.domains",
    "CreateField": f"{_CONFIG}.fields",
    "UpdateField": f"{_CONFIG}.fields",
    "DeleteField": f"{_CONFIG}.fields",
    "ListFields": f"{_CONFIG}.fields",
    "BatchGetField": f"{_CONFIG}.fields",
    "BatchPutFieldOptions": f"{_CONFIG}.field_options",
    "ListFieldOptions": f"{_CONFIG}.field_options",
    "CreateLayout": f"{_CONFIG}.layouts",
    "GetLayout": f"{_CONFIG}.layouts",
    "UpdateLayout": f"{_CONFIG}.layouts",
    "DeleteLayout": f"{_CONFIG}.layouts",
    "ListLayouts": f"{_CONFIG}.layouts",
    "CreateTemplate": f"{_CONFIG}.templates",
    "GetTemplate": f"{_CONFIG}.templates",
    "UpdateTemplate": f"{_CONFIG}.templates",
    "DeleteTemplate": f"{_CONFIG}.templates",
    "ListTemplates": f"{_CONFIG}.templates",
    "CreateCaseRule": f"{_CONFIG}.case_rules",
    "UpdateCaseRule": f"{_CONFIG}.case_rules",
    "DeleteCaseRule": f"{_CONFIG}.case_rules",
    "ListCaseRules": f"{_CONFIG}.case_rules",
    "BatchGetCaseRule": f"{_CONFIG}.case_rules",
    # Cases.
    "CreateCase": f"{_CASES}.lifecycle",
    "GetCase": f"{_CASES}.lifecycle",
    "UpdateCase": f"{_CASES}.lifecycle",
    "DeleteCase": f"{_CASES}.lifecycle",
    "BatchUpdateCase": f"{_CASES}.batch_update",
    "StartMergeCases": f"{_CASES}.merge",
    "GetMergeCasesStatus": f"{_CASES}.merge",
    "GetCaseAuditEvents": f"{_CASES}.audit",
    "GetCaseEventConfiguration": f"{_CASES}.events",
    "PutCaseEventConfiguration": f"{_CASES}.events",
    # Related items.
    "CreateRelatedItem": f"{_ITEMS}.items",
    "UpdateRelatedItem": f"{_ITEMS}.items",
    "DeleteRelatedItem": f"{_ITEMS}.items",
    "BatchCreateRelatedItem": f"{_ITEMS}.items",
    "ListCasesForContact": f"{_ITEMS}.items",
    # Search.
    "SearchCases": f"{_SEARCH}.cases",
    "SearchRelatedItems": f"{_SEARCH}.related_items",
    "SearchAllRelatedItems": f"{_SEARCH}.related_items",
    # Tags (any taggable resource).
    "TagResource": "casemock.backend.tags",
    "UntagResource": "casemock.backend.tags",
    "ListTagsForResource": "casemock.backend.tags",
}

_HANDLERS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of operation ``name``; a no-op when
    the installed botocore model does not have ``name``."""

    def register(handler: Handler) -> Handler:
        if not _model.has_operation(name):
            return handler
        if name in _HANDLERS:
            raise RuntimeError(f"two handlers for {name}")
        _HANDLERS[name] = _guarded(name, handler)
        return handler

    return register


def _guarded(name: str, handler: Handler) -> Handler:
    """``handler`` behind a check that the request uses no member casemock does not
    implement (the installed botocore is newer than this casemock)."""

    @functools.wraps(handler)
    def guarded(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
        member = first_unhandled(name, params)
        if member is not None:
            raise UnsupportedMemberError(name, member, botocore.__version__)
        if "performedBy" in params:  # every write that names a performer
            check_performer(params)
        return handler(ctx, params)

    return guarded


@functools.lru_cache(maxsize=1)
def handlers() -> dict[str, Handler]:
    """Every registered handler (imports every backend module of ``MODULES``)."""
    for module in sorted(set(MODULES.values())):
        importlib.import_module(module)
    return _HANDLERS


def handler_for(name: str) -> Handler | None:
    """The handler of operation ``name`` or None, importing only the module that answers it."""
    handler = _HANDLERS.get(name)
    if handler is None:
        module = MODULES.get(name)
        if module is not None:
            importlib.import_module(module)
            handler = _HANDLERS.get(name)
    return handler
