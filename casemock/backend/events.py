"""Case events: the EventBridge events the service publishes when a domain's case event
configuration is enabled, recorded on the mock (``CasesMock.events``) with the documented
envelope (Admin Guide, "Case event payload and schema")."""

from __future__ import annotations

from typing import Any

from casemock._protocol.encoder import format_timestamp
from casemock.backend._context import Context
from casemock.backend._records import Case, Domain, RelatedItem

SOURCE = "aws.cases"
DETAIL_TYPE = "Amazon Connect Cases Change"


def _enabled(domain: Domain) -> dict[str, Any] | None:
    config = domain.event_config or {}
    bridge = config.get("eventBridge") or {}
    return bridge if bridge.get("enabled") else None


def _envelope(ctx: Context, resources: list[str], detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "0",
        "id": ctx.new_id(),
        "detail-type": DETAIL_TYPE,
        "source": SOURCE,
        "account": ctx.account_id,
        "time": format_timestamp(ctx.now()),
        "region": ctx.region,
        "resources": resources,
        "detail": detail,
    }


def _performed_by(ctx: Context, requested: dict[str, Any] | None) -> dict[str, Any]:
    result: dict[str, Any] = {"iamPrincipalArn": ctx.iam_principal_arn}
    if requested:
        result["user"] = dict(requested)
    return result


def publish_case_event(
    ctx: Context,
    domain: Domain,
    case: Case,
    event_type: str,
    changed_field_ids: list[str],
    requested_by: dict[str, Any] | None,
) -> None:
    """Record CASE.CREATED / CASE.UPDATED / CASE.DELETED if events are enabled."""
    bridge = _enabled(domain)
    if bridge is None:
        return
    included = ((bridge.get("includedData") or {}).get("caseData") or {}).get("fields") or []
    fields = {
        f["id"]: {"value": case.values[f["id"]]}
        for f in included
        if f["id"] in case.values and "emptyValue" not in case.values[f["id"]]
    }
    created = case.values.get("created_datetime", {}).get("stringValue")
    case_detail: dict[str, Any] = {
        "caseId": case.case_id,
        "caseArn": case.arn,
        "templateId": case.template_id,
    }
    if created:
        case_detail["createdDateTime"] = created
    if fields:
        case_detail["fields"] = fields
    detail = {
        "version": "0",
        "eventType": event_type,
        "approximateChangeTime": format_timestamp(ctx.now()),
        "changedFieldIds": list(changed_field_ids),
        "performedBy": _performed_by(ctx, requested_by),
        "case": case_detail,
    }
    ctx.runtime.publish(_envelope(ctx, [domain.arn, case.arn], detail))


def publish_related_item_event(
    ctx: Context,
    domain: Domain,
    case: Case,
    item: RelatedItem,
    event_type: str,
    changed_attributes: list[str],
    requested_by: dict[str, Any] | None,
) -> None:
    """Record RELATED_ITEM.CREATED (and the like) if events are enabled."""
    bridge = _enabled(domain)
    if bridge is None:
        return
    include_content = bool(
        ((bridge.get("includedData") or {}).get("relatedItemData") or {}).get("includeContent")
    )
    related: dict[str, Any] = {
        "relatedItemType": item.type,
        "relatedItemId": item.related_item_id,
        "caseId": case.case_id,
        "createdDateTime": format_timestamp(item.association_time),
    }
    if include_content:
        related.update(_wire_content(item.content))
    detail = {
        "version": "0",
        "eventType": event_type,
        "approximateChangeTime": format_timestamp(ctx.now()),
        "changedAttributes": list(changed_attributes),
        "performedBy": _performed_by(ctx, requested_by),
        "relatedItem": related,
    }
    ctx.runtime.publish(_envelope(ctx, [domain.arn, item.arn], detail))


def _wire_content(content: dict[str, Any]) -> dict[str, Any]:
    """Content as JSON-ready data (timestamps as ISO strings)."""
    out: dict[str, Any] = {}
    for key, value in content.items():
        if isinstance(value, dict):
            out[key] = _wire_content(value)
        elif hasattr(value, "isoformat"):
            out[key] = format_timestamp(value)
        else:
            out[key] = value
    return out
