"""Audit history of a case: recording (called by cases and related items) and
GetCaseAuditEvents."""

from __future__ import annotations

from typing import Any

from casemock.backend._context import Context
from casemock.backend._records import AuditEvent, Case


def performed_by(ctx: Context, requested: dict[str, Any] | None) -> dict[str, Any]:
    """The audit ``performedBy``: the request's user (userArn or customEntity) if given,
    and always the IAM principal that made the call."""
    result: dict[str, Any] = {"iamPrincipalArn": ctx.iam_principal_arn}
    if requested:
        result["user"] = dict(requested)
    return result


def record(
    ctx: Context,
    case: Case,
    event_type: str,
    fields: list[dict[str, Any]],
    requested_by: dict[str, Any] | None,
    related_item_type: str | None = None,
) -> AuditEvent:
    """Append an audit event to ``case``.

    ``event_type`` is one of Case.Created, Case.Updated, RelatedItem.Created,
    RelatedItem.Updated, RelatedItem.Deleted; ``fields`` are
    ``{"eventFieldId", "oldValue"?, "newValue"}`` entries.
    """
    event = AuditEvent(
        seq=ctx.next_seq(),
        event_id=ctx.new_id(),
        type=event_type,
        performed_time=ctx.now(),
        fields=fields,
        performed_by=performed_by(ctx, requested_by),
        related_item_type=related_item_type,
    )
    case.audit.append(event)
    return event
