"""Case events: the EventBridge events the service publishes when a domain's case event
configuration is enabled, recorded on the mock (``CasesMock.events``) with the documented
envelope (Admin Guide, "Case event payload and schema"), and the configuration itself
(PutCaseEventConfiguration, GetCaseEventConfiguration)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from casemock._errors import validation_error
from casemock._timestamps import format_timestamp
from casemock.backend._context import Context
from casemock.backend._records import Case, Domain, RelatedItem
from casemock.backend._registry import operation
from casemock.backend.cases.audit import performed_by

SOURCE = "aws.cases"
DETAIL_TYPE = "Amazon Connect Cases Change"
DISABLED: dict[str, Any] = {"eventBridge": {"enabled": False}}
# autoIncludeFields (newer models): which stored fields a category adds to events.
_AUTO_NAMESPACES = {"All": ("System", "Custom"), "System": ("System",), "Custom": ("Custom",)}


def _enabled(domain: Domain) -> dict[str, Any] | None:
    config = domain.event_config or {}
    bridge = config.get("eventBridge") or {}
    return bridge if bridge.get("enabled") else None


def _event_time(now: datetime) -> str:
    """The envelope's ``time``: EventBridge writes whole seconds in UTC."""
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _envelope(
    ctx: Context, resources: list[str], detail: dict[str, Any], now: datetime
) -> dict[str, Any]:
    return {
        "version": "0",
        "id": ctx.new_id(),
        "detail-type": DETAIL_TYPE,
        "source": SOURCE,
        "account": ctx.account_id,
        "time": _event_time(now),
        "region": ctx.region,
        "resources": resources,
        "detail": detail,
    }


def _included_fields(domain: Domain, bridge: dict[str, Any], case: Case) -> dict[str, Any]:
    """The case's non-empty values of the configured fields (``caseData.fields`` and the
    ``autoIncludeFields`` category), keyed by field id; deleted fields are left out."""
    case_data = (bridge.get("includedData") or {}).get("caseData") or {}
    wanted = [item["id"] for item in case_data.get("fields") or []]
    namespaces = _AUTO_NAMESPACES.get(case_data.get("autoIncludeFields") or "", ())
    if namespaces:
        wanted += [
            field_id
            for field_id in case.values
            if field_id in domain.fields and domain.fields[field_id].namespace in namespaces
        ]
    included: dict[str, Any] = {}
    for field_id in wanted:
        value = case.values.get(field_id)
        found = domain.fields.get(field_id)
        if value is None or found is None or found.deleted or field_id in included:
            continue
        included[field_id] = {"value": dict(value)}
    return included


def publish_case_event(
    ctx: Context,
    domain: Domain,
    case: Case,
    event_type: str,
    changed_field_ids: Iterable[str],
    requested_by: dict[str, Any] | None,
    include_fields: bool = True,
    now: datetime | None = None,
) -> None:
    """Record CASE.CREATED / CASE.UPDATED / CASE.DELETED if events are enabled.

    ``detail.case.fields`` holds the configured fields as the case is after the change
    (none for CASE.DELETED: ``include_fields=False``); ``now`` is the time of the change
    (default: the mock's clock)."""
    bridge = _enabled(domain)
    if bridge is None:
        return
    now = now or ctx.now()
    case_detail: dict[str, Any] = {
        "caseId": case.case_id,
        "caseArn": case.arn,
        "templateId": case.template_id,
    }
    created = case.values.get("created_datetime", {}).get("stringValue")
    if created:
        case_detail["createdDateTime"] = created
    if include_fields:
        fields = _included_fields(domain, bridge, case)
        if fields:
            case_detail["fields"] = fields
    detail = {
        "version": "0",
        "eventType": event_type,
        "approximateChangeTime": format_timestamp(now),
        "changedFieldIds": list(changed_field_ids),
        "performedBy": performed_by(ctx, requested_by),
        "case": case_detail,
    }
    ctx.runtime.publish(_envelope(ctx, [domain.arn, case.arn], detail, now))


def publish_related_item_event(
    ctx: Context,
    domain: Domain,
    case: Case,
    item: RelatedItem,
    event_type: str,
    changed_attributes: list[str],
    requested_by: dict[str, Any] | None,
    now: datetime | None = None,
) -> None:
    """Record RELATED_ITEM.CREATED (and the like) if events are enabled."""
    bridge = _enabled(domain)
    if bridge is None:
        return
    now = now or ctx.now()
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
        "approximateChangeTime": format_timestamp(now),
        "changedAttributes": list(changed_attributes),
        "performedBy": performed_by(ctx, requested_by),
        "relatedItem": related,
    }
    ctx.runtime.publish(_envelope(ctx, [domain.arn, item.arn], detail, now))


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


# -- configuration ------------------------------------------------------------------------


@operation("PutCaseEventConfiguration")
def put_case_event_configuration(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    bridge: dict[str, Any] = params["eventBridge"]
    case_data = (bridge.get("includedData") or {}).get("caseData") or {}
    ids = [item["id"] for item in case_data.get("fields") or []]
    unknown = [i for i in ids if i not in domain.fields or domain.fields[i].deleted]
    if unknown:
        raise validation_error(
            f"Fields [{', '.join(unknown)}] of includedData.caseData do not exist in domain "
            f"{domain.domain_id} or have been deleted."
        )
    domain.event_config = {"eventBridge": copy.deepcopy(bridge)}
    return {}


@operation("GetCaseEventConfiguration")
def get_case_event_configuration(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    if domain.event_config is None:
        return copy.deepcopy(DISABLED)
    config = copy.deepcopy(domain.event_config)
    case_data = (config["eventBridge"].get("includedData") or {}).get("caseData")
    if case_data is not None:
        case_data["fields"] = [
            item
            for item in case_data.get("fields") or []
            if item["id"] in domain.fields and not domain.fields[item["id"]].deleted
        ]
    return config
