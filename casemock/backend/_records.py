"""What the backend stores, per (account, region) and per domain.

Every record carries ``seq``, a number from the mock's counter that orders records by
creation for listing and keyset pagination. Configuration resources are soft-deleted
(``deleted``), cases and related items are removed for real.

The search index is derived data and lives in ``backend/search``, above these records:
a domain only holds it, typed by the ``CaseIndex`` protocol (what handlers tell it:
a case was stored or changed, a case was deleted). A new or restored domain holds
``Unindexed``, which ignores changes; the search package builds the real index from
``Domain.cases`` the first time a search needs it and puts it in its place. So this
module imports nothing from ``search``, and snapshots never carry the index
(``case_index`` is not an ``__init__`` field, which the snapshot codec skips).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NewType, Protocol

import orjson

# JSON data kept as its encoded bytes (``freeze_json``/``thaw_json``): what a case keeps of each
# write (audit entries, the idempotent request) costs one bytes object the garbage
# collector never scans, instead of a dozen small dicts it scans on every full
# collection; snapshots hold the decoded data, as before.
FrozenJson = NewType("FrozenJson", bytes)


def kept_json(value: Any) -> bytes:
    """``orjson.dumps(value)`` in a buffer of its own size, to be kept: orjson answers in a
    buffer of at least 4 KiB, which a kept result would hold as long as it lives (a
    stored case would cost 4 KiB more per write)."""
    return kept(orjson.dumps(value))


def kept(data: bytes) -> bytes:
    """A copy of ``data`` in a buffer of its own size (see ``kept_json``)."""
    return memoryview(data).tobytes()


def freeze_json(value: Any) -> FrozenJson:
    """``value`` as JSON bytes (compare thawed data, not the bytes: key order differs)."""
    return FrozenJson(kept_json(value))


def thaw_json(data: FrozenJson) -> Any:
    return orjson.loads(data)


# The fields of an audit event as JSON bytes: the list of ``{eventFieldId, oldValue?,
# newValue}`` entries, or, for a creation (every entry a newValue), the ``{field id:
# value}`` mapping those entries are made of, which costs one encoding and no list.
AuditFields = NewType("AuditFields", bytes)


def freeze_audit_fields(entries: list[dict[str, Any]]) -> AuditFields:
    return AuditFields(kept_json(entries))


def freeze_created_fields(values: dict[str, Any]) -> AuditFields:
    """The entries ``[{"eventFieldId": id, "newValue": value}, ...]`` of ``values``."""
    return AuditFields(kept_json(values))


def thaw_audit_fields(data: AuditFields) -> list[dict[str, Any]]:
    """The entries, in the order they were recorded."""
    value = orjson.loads(data)
    if type(value) is dict:
        return [{"eventFieldId": key, "newValue": item} for key, item in value.items()]
    entries: list[dict[str, Any]] = value
    return entries


FieldValueUnion = dict[
    str, Any
]  # exactly one of stringValue/doubleValue/booleanValue/emptyValue/userArnValue


@dataclass(slots=True)
class FieldOption:
    name: str
    value: str
    active: bool


@dataclass(slots=True)
class Field:
    seq: int
    field_id: str
    arn: str
    name: str
    type: str
    namespace: str  # "System" | "Custom"
    description: str | None
    attributes: dict[str, Any] | None
    created_time: datetime
    last_modified_time: datetime
    options: dict[str, FieldOption] = field(default_factory=dict)  # by option value
    deleted: bool = False
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Layout:
    seq: int
    layout_id: str
    arn: str
    name: str
    content: dict[str, Any]
    created_time: datetime
    last_modified_time: datetime
    deleted: bool = False
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Template:
    seq: int
    template_id: str
    arn: str
    name: str
    description: str | None
    layout_configuration: dict[str, Any] | None
    required_fields: list[dict[str, Any]]
    status: str
    rules: list[dict[str, Any]]
    tag_propagation: list[dict[str, Any]]
    created_time: datetime
    last_modified_time: datetime
    deleted: bool = False
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class CaseRule:
    seq: int
    case_rule_id: str
    arn: str
    name: str
    description: str | None
    rule: dict[str, Any]
    created_time: datetime
    last_modified_time: datetime
    deleted: bool = False
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class AuditEvent:
    seq: int
    event_id: str
    type: str
    performed_time: datetime
    fields: AuditFields  # thaw_audit_fields: [{eventFieldId, oldValue?, newValue}]
    performed_by: dict[str, Any]
    related_item_type: str | None = None
    merge_metadata: dict[str, Any] | None = None  # AuditMergeMetadata of Case.Merged events


@dataclass(slots=True)
class RelatedItem:
    seq: int
    related_item_id: str
    arn: str
    case_id: str
    type: str
    content: dict[str, Any]
    association_time: datetime
    performed_by: dict[str, Any] | None = None
    last_updated_user: dict[str, Any] | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Merge:
    """A StartMergeCases merge of ``secondary_id`` into ``primary_id``.

    Running until ``completed``; afterwards only the secondary case refers to it (a merged
    secondary cannot be merged again)."""

    merge_id: str
    primary_id: str
    secondary_id: str
    field_ids: list[str]  # fields whose values the primary takes from the secondary
    move_types: list[str]  # related item types moved to the primary
    performed_by: dict[str, Any] | None
    # GetMergeCasesStatus polls still answered IN_PROGRESS before it completes (None: the
    # polls do not complete it)
    polls_left: int | None
    completed: bool = False
    due: datetime | None = None  # when it completes on the mock's clock (None: not timed)


@dataclass
class PendingWrite:
    """A write to a case that the searches do not see yet (``Settings.search_delay``):
    until ``visible_at`` they see ``before``, the case as it was (None: no case yet)."""

    visible_at: datetime
    before: Case | None


@dataclass(slots=True)
class Case:
    seq: int
    case_id: str
    arn: str
    template_id: str
    values: dict[str, FieldValueUnion]  # field id -> value; system values included
    tags: dict[str, str] = field(default_factory=dict)
    related_items: dict[str, RelatedItem] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)
    client_token: str | None = None  # the CreateCase clientToken that created it
    # what the CreateCase request asked for (templateId, fields, tags, performedBy; as JSON
    # bytes): a retry with the same clientToken must ask for the same (compared as data)
    request: FrozenJson | None = None
    merge_id: str | None = None  # running merge (either role), or completed as secondary


class CaseIndex(Protocol):
    """What handlers need of a domain's search index: to hear about every change.

    ``add(case)`` after a case is stored or changed (its values, its tags or its related
    items); ``remove(case)`` when it is deleted. Both are cheap: the index records the
    case and catches up when the next search reads it. A change to a case's values
    replaces ``case.values`` with a new dict (as UpdateCase does) rather than editing the
    stored one in place: the index compares what it indexed with what the case holds."""

    def add(self, case: Case) -> None: ...

    def remove(self, case: Case) -> None: ...


class Unindexed:
    """The index of a domain no search has read yet: changes are ignored, because the
    real index is built from ``Domain.cases`` when a search first needs it."""

    __slots__ = ()

    def add(self, case: Case) -> None:
        pass

    def remove(self, case: Case) -> None:
        pass


@dataclass(slots=True)
class Domain:
    seq: int
    domain_id: str
    arn: str
    name: str
    created_time: datetime
    status: str = "Active"
    tags: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)
    layouts: dict[str, Layout] = field(default_factory=dict)
    templates: dict[str, Template] = field(default_factory=dict)
    case_rules: dict[str, CaseRule] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    event_config: dict[str, Any] | None = None
    # clientToken -> id of the case it created (the request is kept as Case.request)
    idempotency: dict[str, str] = field(default_factory=dict)
    # upper-cased reference number -> case id
    reference_numbers: dict[str, str] = field(default_factory=dict)
    # BatchCreateRelatedItem clientToken -> (request fingerprint, response)
    related_item_batches: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    # BatchUpdateCase clientToken -> (request fingerprint, response)
    case_batches: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    merges: dict[str, Merge] = field(default_factory=dict)  # StartMergeCases, by merge id
    # Settings.search_delay: case id -> its writes the searches do not see yet, oldest first
    pending_writes: dict[str, list[PendingWrite]] = field(default_factory=dict)
    # derived, not stored: see the module docstring
    case_index: CaseIndex = field(default_factory=Unindexed, init=False, repr=False, compare=False)


@dataclass(slots=True)
class RegionState:
    """Everything stored for one (account, region). Handlers run under ``lock``."""

    account_id: str
    region: str
    domains: dict[str, Domain] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
