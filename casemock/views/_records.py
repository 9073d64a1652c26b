"""Frozen views of single records (fields, layouts, templates, case rules, audit events,
related items) and the immutable containers they use: ``FrozenMap`` for objects, tuples
for lists. A view is a copy made when it is built; nothing reached through it can change
the store."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from casemock.backend._records import (
    AuditEvent,
    CaseRule,
    Field,
    Layout,
    RelatedItem,
    Template,
    thaw_audit_fields,
)

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping[K, V]):
    """An immutable mapping; compares equal to a ``dict`` with the same items."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[K, V]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return repr(self._data)


def freeze(value: Any) -> Any:
    """A deep, immutable copy of JSON-like data: dicts become FrozenMaps, lists tuples."""
    if isinstance(value, dict):
        return FrozenMap({key: freeze(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(item) for item in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


def tags_view(tags: dict[str, str]) -> FrozenMap[str, str]:
    return FrozenMap(tags)


@dataclass(frozen=True)
class FieldOptionView:
    name: str
    value: str
    active: bool


@dataclass(frozen=True)
class FieldView:
    field_id: str
    arn: str
    name: str
    type: str
    namespace: str
    description: str | None
    attributes: Mapping[str, Any] | None
    created_time: datetime
    last_modified_time: datetime
    options: Mapping[str, FieldOptionView]  # by option value, in the order they were added
    deleted: bool
    tags: Mapping[str, str]

    @classmethod
    def of(cls, record: Field) -> FieldView:
        options = {v: FieldOptionView(o.name, o.value, o.active) for v, o in record.options.items()}
        return cls(
            record.field_id,
            record.arn,
            record.name,
            record.type,
            record.namespace,
            record.description,
            freeze(record.attributes),
            record.created_time,
            record.last_modified_time,
            FrozenMap(options),
            record.deleted,
            tags_view(record.tags),
        )


@dataclass(frozen=True)
class LayoutView:
    layout_id: str
    arn: str
    name: str
    content: Mapping[str, Any]
    created_time: datetime
    last_modified_time: datetime
    deleted: bool
    tags: Mapping[str, str]

    @classmethod
    def of(cls, record: Layout) -> LayoutView:
        return cls(
            record.layout_id,
            record.arn,
            record.name,
            freeze(record.content),
            record.created_time,
            record.last_modified_time,
            record.deleted,
            tags_view(record.tags),
        )


@dataclass(frozen=True)
class TemplateView:
    template_id: str
    arn: str
    name: str
    description: str | None
    status: str
    layout_id: str | None  # layoutConfiguration.defaultLayout
    required_field_ids: tuple[str, ...]
    rules: tuple[Mapping[str, Any], ...]  # {caseRuleId, fieldId?}
    tag_propagation: tuple[Mapping[str, Any], ...]
    created_time: datetime
    last_modified_time: datetime
    deleted: bool
    tags: Mapping[str, str]

    @classmethod
    def of(cls, record: Template) -> TemplateView:
        layout = (record.layout_configuration or {}).get("defaultLayout")
        return cls(
            record.template_id,
            record.arn,
            record.name,
            record.description,
            record.status,
            layout,
            tuple(item["fieldId"] for item in record.required_fields),
            freeze(record.rules),
            freeze(record.tag_propagation),
            record.created_time,
            record.last_modified_time,
            record.deleted,
            tags_view(record.tags),
        )


@dataclass(frozen=True)
class CaseRuleView:
    case_rule_id: str
    arn: str
    name: str
    description: str | None
    rule: Mapping[str, Any]  # CaseRuleDetails as sent
    created_time: datetime
    last_modified_time: datetime
    deleted: bool
    tags: Mapping[str, str]

    @property
    def kind(self) -> str:
        """``required``, ``hidden`` or ``fieldOptions``."""
        return next(iter(self.rule))

    @classmethod
    def of(cls, record: CaseRule) -> CaseRuleView:
        return cls(
            record.case_rule_id,
            record.arn,
            record.name,
            record.description,
            freeze(record.rule),
            record.created_time,
            record.last_modified_time,
            record.deleted,
            tags_view(record.tags),
        )


@dataclass(frozen=True)
class AuditEventView:
    event_id: str
    type: str
    performed_time: datetime
    fields: tuple[Mapping[str, Any], ...]  # {eventFieldId, oldValue?, newValue}
    performed_by: Mapping[str, Any]
    related_item_type: str | None

    @classmethod
    def of(cls, record: AuditEvent) -> AuditEventView:
        return cls(
            record.event_id,
            record.type,
            record.performed_time,
            freeze(thaw_audit_fields(record.fields)),
            freeze(record.performed_by),
            record.related_item_type,
        )


@dataclass(frozen=True)
class RelatedItemView:
    related_item_id: str
    arn: str
    case_id: str
    type: str
    content: Mapping[str, Any]
    association_time: datetime
    performed_by: Mapping[str, Any] | None
    last_updated_user: Mapping[str, Any] | None
    tags: Mapping[str, str]

    @classmethod
    def of(cls, record: RelatedItem) -> RelatedItemView:
        return cls(
            record.related_item_id,
            record.arn,
            record.case_id,
            record.type,
            freeze(record.content),
            record.association_time,
            freeze(record.performed_by),
            freeze(record.last_updated_user),
            tags_view(record.tags),
        )
