"""Audit history of a case: recording (called by cases and related items) and
GetCaseAuditEvents."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from casemock import _model
from casemock.backend._context import Context
from casemock.backend._pagination import page
from casemock.backend._records import (
    AuditEvent,
    AuditFields,
    Case,
    freeze_audit_fields,
    thaw_audit_fields,
)
from casemock.backend._registry import operation

MAX_PAGE_SIZE = 25  # GetCaseAuditEventsRequest maxResults: 1-25, default 25


def performed_by(ctx: Context, requested: dict[str, Any] | None) -> dict[str, Any]:
    """The audit ``performedBy``: the request's user (userArn or customEntity) if given,
    and always the IAM principal that made the call."""
    result: dict[str, Any] = {"iamPrincipalArn": ctx.iam_principal_arn}
    if requested:
        result["user"] = dict(requested)
    return result


@functools.lru_cache(maxsize=64)
def _by_principal(arn: str) -> dict[str, Any]:
    """The ``performedBy`` of an event without a requested user, one dict shared by every
    such event of the principal (an audit event's ``performed_by`` is only ever read)."""
    return {"iamPrincipalArn": arn}


def record(
    ctx: Context,
    case: Case,
    event_type: str,
    fields: list[dict[str, Any]] | AuditFields,
    requested_by: dict[str, Any] | None,
    related_item_type: str | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append an audit event to ``case``.

    ``event_type`` is one of Case.Created, Case.Updated, RelatedItem.Created,
    RelatedItem.Updated, RelatedItem.Deleted; ``fields`` are
    ``{"eventFieldId", "oldValue"?, "newValue"}`` entries, or already frozen
    (``freeze_created_fields`` of a new case's values); ``now`` (default: the mock's
    clock) lets a handler stamp the event with the time it wrote into the case.
    """
    event = AuditEvent(  # positional: seq, event_id, type, performed_time, fields, ...
        ctx.next_seq(),
        ctx.new_id(),
        event_type,
        now or ctx.now(),
        fields if isinstance(fields, bytes) else freeze_audit_fields(fields),
        performed_by(ctx, requested_by) if requested_by else _by_principal(ctx.iam_principal_arn),
        related_item_type,
    )
    case.audit.append(event)
    return event


def _wire(event: AuditEvent) -> dict[str, Any]:
    item: dict[str, Any] = {
        "eventId": event.event_id,
        "type": event.type,
        "performedTime": event.performed_time,
        "fields": thaw_audit_fields(event.fields),
        "performedBy": dict(event.performed_by),
    }
    if event.related_item_type is not None:
        item["relatedItemType"] = event.related_item_type
    if event.merge_metadata is not None and _model.has_member("AuditEvent", "mergeMetadata"):
        item["mergeMetadata"] = dict(event.merge_metadata)
    return item


@operation("GetCaseAuditEvents")
def get_case_audit_events(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """The case's audit history, oldest first."""
    domain = ctx.domain(params["domainId"])
    case_id: str = params["caseId"]
    case = ctx.case(domain, case_id)
    events, token = page(
        case.audit,
        lambda event: event.seq,
        params.get("maxResults", MAX_PAGE_SIZE),
        params.get("nextToken"),
        ["GetCaseAuditEvents", domain.domain_id, case_id],
    )
    result: dict[str, Any] = {"auditEvents": [_wire(event) for event in events]}
    if token:
        result["nextToken"] = token
    return result
