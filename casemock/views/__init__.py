"""Typed, read-only views of what a mock stores: the types ``CasesMock.backend()``
returns, for assertions without API calls (see docs/inspection.md).

``BackendView`` -> ``DomainView`` (fields, layouts, templates, case rules, cases) ->
``CaseView`` (values, tags, related items, audit history). Collections are live,
read-only mappings; each record is a frozen snapshot taken when it is read.
"""

from __future__ import annotations

from casemock.views._backend import BackendView, CaseView, DomainView, RecordMap
from casemock.views._records import (
    AuditEventView,
    CaseRuleView,
    FieldOptionView,
    FieldView,
    FrozenMap,
    LayoutView,
    RelatedItemView,
    TemplateView,
)

__all__ = [
    "AuditEventView",
    "BackendView",
    "CaseRuleView",
    "CaseView",
    "DomainView",
    "FieldOptionView",
    "FieldView",
    "FrozenMap",
    "LayoutView",
    "RecordMap",
    "RelatedItemView",
    "TemplateView",
]
