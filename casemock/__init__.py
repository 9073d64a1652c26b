"""casemock: an in-process mock of Amazon Connect Cases (botocore ``connectcases``)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from casemock._errors import (
    CasesMockError,
    MockNotStartedError,
    OutputShapeError,
    SnapshotFormatError,
    UnsupportedOperationError,
)
from casemock._mock import Call, CasesClient, CasesMock, mock_cases
from casemock._settings import Settings

if TYPE_CHECKING:
    from casemock._snapshot import StateDocument
    from casemock._views import (
        AuditEventView,
        BackendView,
        CaseRuleView,
        CaseView,
        DomainView,
        FieldOptionView,
        FieldView,
        FrozenMap,
        LayoutView,
        RelatedItemView,
        TemplateView,
    )
    from casemock.seeding import SeededDomain, create_cases, seed_domain

# Imported on first use, so that `import casemock` stays cheap.
_LAZY = {
    "StateDocument": "casemock._snapshot",
    "AuditEventView": "casemock._views",
    "BackendView": "casemock._views",
    "CaseRuleView": "casemock._views",
    "CaseView": "casemock._views",
    "DomainView": "casemock._views",
    "FieldOptionView": "casemock._views",
    "FieldView": "casemock._views",
    "FrozenMap": "casemock._views",
    "LayoutView": "casemock._views",
    "RelatedItemView": "casemock._views",
    "TemplateView": "casemock._views",
    "SeededDomain": "casemock.seeding",
    "create_cases": "casemock.seeding",
    "seed_domain": "casemock.seeding",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'casemock' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "AuditEventView",
    "BackendView",
    "Call",
    "CaseRuleView",
    "CaseView",
    "CasesClient",
    "CasesMock",
    "CasesMockError",
    "DomainView",
    "FieldOptionView",
    "FieldView",
    "FrozenMap",
    "LayoutView",
    "MockNotStartedError",
    "OutputShapeError",
    "RelatedItemView",
    "SeededDomain",
    "Settings",
    "SnapshotFormatError",
    "StateDocument",
    "TemplateView",
    "UnsupportedOperationError",
    "create_cases",
    "mock_cases",
    "seed_domain",
]
