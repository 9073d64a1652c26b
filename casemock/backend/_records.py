"""What the backend stores, per (account, region) and per domain.

Every record carries ``seq``, a number from the mock's counter that orders records by
creation for listing and keyset pagination. Configuration resources are soft-deleted
(``deleted``), cases and related items are removed for real.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from casemock.backend.search.index import CaseIndex

FieldValueUnion = dict[
    str, Any
]  # exactly one of stringValue/doubleValue/booleanValue/emptyValue/userArnValue


@dataclass
class FieldOption:
    name: str
    value: str
    active: bool


@dataclass
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


@dataclass
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


@dataclass
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


@dataclass
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


@dataclass
class AuditEvent:
    seq: int
    event_id: str
    type: str
    performed_time: datetime
    fields: list[dict[str, Any]]
    performed_by: dict[str, Any]
    related_item_type: str | None = None
    merge_metadata: dict[str, Any] | None = None  # AuditMergeMetadata of Case.Merged events


@dataclass
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


@dataclass
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


@dataclass
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
    # what the CreateCase request asked for (templateId, fields, tags, performedBy): a
    # retry with the same clientToken must ask for the same
    request: dict[str, Any] | None = None
    merge_id: str | None = None  # running merge (either role), or completed as secondary


@dataclass
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
    case_index: CaseIndex = field(default_factory=CaseIndex, repr=False)


@dataclass
class RegionState:
    """Everything stored for one (account, region). Handlers run under ``lock``."""

    account_id: str
    region: str
    domains: dict[str, Domain] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
