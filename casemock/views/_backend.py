"""Typed, read-only views of what a mock stores, for assertions without API calls.

``CasesMock.backend(region)`` returns a :class:`BackendView`. Collections (domains, the
fields or cases of a domain) are live mappings over the store; each record you take from
them (a :class:`CaseView`, a :class:`FieldView`, ...) is a frozen copy made when you read
it. Nested data is frozen too (``FrozenMap`` for objects, tuples for lists), so nothing
reached through a view can change the store.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from casemock._timestamps import from_micros, parse_instant
from casemock.backend._records import Case, Domain, Field, RegionState
from casemock.views._records import (
    AuditEventView,
    CaseRuleView,
    FieldView,
    FrozenMap,
    LayoutView,
    RelatedItemView,
    TemplateView,
    freeze,
    tags_view,
)

if TYPE_CHECKING:
    from casemock.backend._store import Store

V = TypeVar("V")
R = TypeVar("R")


class RecordMap(Mapping[str, V], Generic[R, V]):
    """A live, read-only mapping over one of the store's dicts (in creation order); each
    item is a view built when it is read."""

    __slots__ = ("_build", "_lock", "_noun", "_records")

    def __init__(
        self,
        records: dict[str, R],
        build: Callable[[R], V],
        lock: threading.RLock,
        noun: str,
    ) -> None:
        self._records = records
        self._build = build
        self._lock = lock
        self._noun = noun

    def __getitem__(self, key: str) -> V:
        with self._lock:
            return self._build(self._records[key])

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._records))

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, key: object) -> bool:
        return key in self._records

    def __repr__(self) -> str:
        from casemock.views._html import count

        return f"<{count(len(self), self._noun)}>"

    def _repr_html_(self) -> str:
        from casemock.views import _html

        return _html.records_html(self._noun, self)


def plain_value(value: Mapping[str, Any] | None, field_type: str | None) -> Any:
    """The Python value of a FieldValueUnion: str, float, bool, None (empty or unset);
    a DateTime field's ISO string becomes an aware ``datetime``."""
    if not value:
        return None
    member, item = next(iter(value.items()))
    if member == "emptyValue":
        return None
    if field_type == "DateTime" and isinstance(item, str):
        # read as search reads it: any ISO-8601 form, UTC when no offset is given
        micros = parse_instant(item)
        return item if micros is None else from_micros(micros)
    return item


@dataclass(frozen=True)
class CaseView:
    case_id: str
    arn: str
    template_id: str
    values: Mapping[str, Mapping[str, Any]]  # field id -> FieldValueUnion, as stored
    tags: Mapping[str, str]
    related_items: Mapping[str, RelatedItemView]
    audit: tuple[AuditEventView, ...]  # oldest first
    _domain: Domain = dataclasses.field(repr=False, compare=False)

    @classmethod
    def of(cls, record: Case, domain: Domain) -> CaseView:
        return cls(
            record.case_id,
            record.arn,
            record.template_id,
            freeze(record.values),
            tags_view(record.tags),
            FrozenMap({k: RelatedItemView.of(v) for k, v in record.related_items.items()}),
            tuple(AuditEventView.of(event) for event in record.audit),
            domain,
        )

    def value(self, field: str, default: Any = None) -> Any:
        """The plain value of a field, by id (``"title"``) or by name (custom fields):
        ``str``, ``float``, ``bool``, a ``datetime`` for DateTime fields, or ``default``
        when the case has no value. KeyError if the domain has no such field."""
        record = _find_field(self._domain, field)
        result = plain_value(self.values.get(record.field_id), record.type)
        return default if result is None else result

    @property
    def title(self) -> str | None:
        return self.value("title")  # type: ignore[no-any-return]

    @property
    def status(self) -> str | None:
        return self.value("status")  # type: ignore[no-any-return]

    @property
    def reference_number(self) -> str | None:
        return self.value("reference_number")  # type: ignore[no-any-return]

    @property
    def created(self) -> datetime | None:
        return self.value("created_datetime")  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return (
            f"CaseView(case_id={self.case_id!r}, title={self.title!r}, "
            f"status={self.status!r}, reference_number={self.reference_number!r})"
        )

    def _repr_html_(self) -> str:
        from casemock.views import _html

        return _html.case_html(self)


def _find_field(domain: Domain, name_or_id: str) -> Field:
    record = domain.fields.get(name_or_id)
    if record is not None:
        return record
    for candidate in domain.fields.values():
        if candidate.name == name_or_id and not candidate.deleted:
            return candidate
    raise KeyError(f"domain {domain.domain_id} has no field with id or name {name_or_id!r}")


def _by_name(views: Mapping[str, V], name_or_id: str, what: str, name: Callable[[V], str]) -> V:
    if name_or_id in views:
        return views[name_or_id]
    for view in views.values():
        if name(view) == name_or_id and not getattr(view, "deleted", False):
            return view
    known = ", ".join(repr(name(v)) for v in views.values()) or "none"
    raise KeyError(f"no {what} with id or name {name_or_id!r} (known: {known})")


@dataclass(frozen=True)
class DomainView:
    domain_id: str
    arn: str
    name: str
    created_time: datetime
    status: str
    tags: Mapping[str, str]
    event_config: Mapping[str, Any] | None
    fields: Mapping[str, FieldView]  # system and custom, deleted ones included
    layouts: Mapping[str, LayoutView]
    templates: Mapping[str, TemplateView]
    case_rules: Mapping[str, CaseRuleView]
    cases: Mapping[str, CaseView]
    _record: Domain = dataclasses.field(repr=False, compare=False)

    @classmethod
    def of(cls, record: Domain, lock: threading.RLock) -> DomainView:
        return cls(
            record.domain_id,
            record.arn,
            record.name,
            record.created_time,
            record.status,
            tags_view(record.tags),
            freeze(record.event_config),
            RecordMap(record.fields, FieldView.of, lock, "fields"),
            RecordMap(record.layouts, LayoutView.of, lock, "layouts"),
            RecordMap(record.templates, TemplateView.of, lock, "templates"),
            RecordMap(record.case_rules, CaseRuleView.of, lock, "case rules"),
            RecordMap(record.cases, lambda case: CaseView.of(case, record), lock, "cases"),
            record,
        )

    def field(self, name_or_id: str) -> FieldView:
        """A field by id or by name."""
        return _by_name(self.fields, name_or_id, "field", lambda v: v.name)

    def template(self, name_or_id: str) -> TemplateView:
        return _by_name(self.templates, name_or_id, "template", lambda v: v.name)

    def layout(self, name_or_id: str) -> LayoutView:
        return _by_name(self.layouts, name_or_id, "layout", lambda v: v.name)

    def case_rule(self, name_or_id: str) -> CaseRuleView:
        return _by_name(self.case_rules, name_or_id, "case rule", lambda v: v.name)

    def case_by_reference(self, reference_number: str) -> CaseView:
        """A case by its reference number (not case-sensitive)."""
        wanted = reference_number.upper()
        for case in self._record.cases.values():
            stored = case.values.get("reference_number", {}).get("stringValue")
            if isinstance(stored, str) and stored.upper() == wanted:
                return self.cases[case.case_id]
        raise KeyError(f"no case with reference number {reference_number!r}")

    def _repr_html_(self) -> str:
        from casemock.views import _html

        return _html.domain_html(self)


class BackendView:
    """What a mock stores for one (account, region): ``domains`` (by id), ``events`` (the
    case events published in this region), ``tags`` (by ARN)."""

    def __init__(self, store: Store, region: str) -> None:
        self._store = store
        self.account_id = store.account_id
        self.region = region

    @property
    def _state(self) -> RegionState:
        return self._store.region(self.region)

    @property
    def domains(self) -> Mapping[str, DomainView]:
        state = self._state
        return RecordMap(
            state.domains, lambda d: DomainView.of(d, state.lock), state.lock, "domains"
        )

    def domain(self, name_or_id: str) -> DomainView:
        """A domain by id or by name."""
        return _by_name(self.domains, name_or_id, "domain", lambda v: v.name)

    @property
    def events(self) -> tuple[Mapping[str, Any], ...]:
        """The EventBridge events the mock recorded for this region, oldest first."""
        return tuple(
            freeze(event)
            for event in list(self._store.events)
            if event.get("region") == self.region
        )

    @property
    def tags(self) -> Mapping[str, Mapping[str, str]]:
        """The tags of every resource that has some, by ARN."""
        found: dict[str, Mapping[str, str]] = {}
        state = self._state
        with state.lock:
            for domain in state.domains.values():
                resources: list[Any] = [domain]
                for records in (domain.fields, domain.layouts, domain.templates):
                    resources.extend(records.values())
                resources.extend(domain.case_rules.values())
                for case in domain.cases.values():
                    resources.append(case)
                    resources.extend(case.related_items.values())
                for resource in resources:
                    if resource.tags:
                        found[resource.arn] = tags_view(resource.tags)
        return FrozenMap(found)

    def __repr__(self) -> str:
        domains = self.domains
        lines = [
            f"<casemock backend {self.account_id}/{self.region}: {_count(len(domains), 'domain')}"
        ]
        for view in domains.values():
            record = view._record
            custom = sum(1 for f in record.fields.values() if f.namespace == "Custom")
            lines.append(
                f"  domain {view.name!r} ({view.domain_id}): {_count(custom, 'custom field')}, "
                f"{_count(len(record.layouts), 'layout')}, "
                f"{_count(len(record.templates), 'template')}, "
                f"{_count(len(record.case_rules), 'case rule')}, "
                f"{_count(len(record.cases), 'case')}"
            )
        return "\n".join(lines) + ">"

    def _repr_html_(self) -> str:
        from casemock.views import _html

        return _html.backend_html(self)


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
