"""casemock: an in-process mock of Amazon Connect Cases (botocore ``connectcases``)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from casemock._errors import (
    CasesMockError,
    MockNotStartedError,
    OutputShapeError,
    SnapshotFormatError,
    UnsupportedMemberError,
    UnsupportedOperationError,
)
from casemock._mock import Call, CasesClient, CasesMock, mock_cases
from casemock._settings import Settings

if TYPE_CHECKING:
    from casemock._snapshots.document import StateDocument
    from casemock.seeding import SeededDomain, create_cases, seed_domain
    from casemock.views._backend import (
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

# Imported on first use, so that `import casemock` stays cheap.
_LAZY = {
    "StateDocument": "casemock._snapshots.document",
    "AuditEventView": "casemock.views._backend",
    "BackendView": "casemock.views._backend",
    "CaseRuleView": "casemock.views._backend",
    "CaseView": "casemock.views._backend",
    "DomainView": "casemock.views._backend",
    "FieldOptionView": "casemock.views._backend",
    "FieldView": "casemock.views._backend",
    "FrozenMap": "casemock.views._backend",
    "LayoutView": "casemock.views._backend",
    "RelatedItemView": "casemock.views._backend",
    "TemplateView": "casemock.views._backend",
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
    "UnsupportedMemberError",
    "UnsupportedOperationError",
    "create_cases",
    "mock_cases",
    "seed_domain",
]
