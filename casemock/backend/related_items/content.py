"""The content of related items: what CreateRelatedItem and UpdateRelatedItem accept for
each type, what is stored, and how stored content reads back (spec section 10).

Stored content has the shape of the model's ``RelatedItemContent`` union, keyed by the
type's member (``{"comment": {"body": ..., "contentType": ...}}``), with timestamps as
aware datetimes. SLA status is not stored: it is computed when the item is read, from the
case's audit history and the mock's clock (spec 10.5).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from casemock._errors import quota_exceeded, validation_error
from casemock._settings import Settings
from casemock._timestamps import format_timestamp, micros, parse_datetime
from casemock.backend._records import Case, Domain, RelatedItem, thaw_audit_fields
from casemock.backend.cases.values import check_value
from casemock.backend.external import CONTACT_ARN, FILE_ARN, ExternalResources

# RelatedItemType -> the member of RelatedItemInputContent / RelatedItemContent it uses.
TYPE_MEMBERS: dict[str, str] = {
    "Contact": "contact",
    "Comment": "comment",
    "File": "file",
    "Sla": "sla",
    "ConnectCase": "connectCase",
    "Custom": "custom",
}
# Attribute names in RELATED_ITEM.* events (the documented example uses comment.commentText).
EVENT_ATTRIBUTES: dict[str, list[str]] = {
    "contact": ["contact.contactArn"],
    "comment": ["comment.commentText"],
    "file": ["file.fileArn"],
    "sla": ["sla.slaConfiguration"],
    "connectCase": ["connectCase.caseId"],
    "custom": ["custom.fields"],
}
DEFAULT_CHANNEL = "VOICE"


def member_of(content: Mapping[str, Any]) -> str:
    """The one member set in a content union (the validator has counted them)."""
    for name, value in content.items():
        if value is not None:
            return name
    raise validation_error("content must have exactly one member set.")


def require_matching_type(item_type: str, content: Mapping[str, Any]) -> str:
    """The content member, which must be the one ``item_type`` uses."""
    member = member_of(content)
    expected = TYPE_MEMBERS[item_type]
    if member != expected:
        raise validation_error(
            f"A related item of type {item_type} takes content.{expected}, not content.{member}."
        )
    return member


def build(
    domain: Domain,
    case: Case,
    item_type: str,
    content: Mapping[str, Any],
    now: datetime,
    settings: Settings,
    external: ExternalResources | None = None,
) -> dict[str, Any]:
    """Check CreateRelatedItem ``content`` for ``item_type``; return the content to store
    (a contact's channel and time from ``external`` when it is registered there)."""
    member = require_matching_type(item_type, content)
    body: Mapping[str, Any] = content[member]
    if member == "contact":
        return {"contact": _contact(body["contactArn"], now, settings, external)}
    if member == "comment":
        return {"comment": {"body": body["body"], "contentType": body["contentType"]}}
    if member == "file":
        arn: str = body["fileArn"]
        if FILE_ARN.fullmatch(arn) is None:
            raise validation_error(
                f"{arn!r} is not an Amazon Connect attached file ARN "
                "(arn:aws:connect:<region>:<account>:instance/<instanceId>/file/<fileId>)."
            )
        return {"file": {"fileArn": arn}}
    if member == "sla":
        return {"sla": {"slaConfiguration": _sla(domain, case, body, now, settings)}}
    if member == "connectCase":
        target: str = body["caseId"]
        if target == case.case_id:
            raise validation_error("A case cannot be linked to itself (content.connectCase).")
        if target not in domain.cases:
            raise validation_error(
                f"content.connectCase.caseId: case {target} does not exist in domain "
                f"{domain.domain_id}."
            )
        return {"connectCase": {"caseId": target}}
    return {"custom": {"fields": custom_fields(domain, body["fields"], settings)}}


def _contact(
    arn: str, now: datetime, settings: Settings, external: ExternalResources | None
) -> dict[str, Any]:
    if CONTACT_ARN.fullmatch(arn) is None:
        raise validation_error(
            f"{arn!r} is not an Amazon Connect contact ARN "
            "(arn:aws:connect:<region>:<account>:instance/<instanceId>/contact/<contactId>)."
        )
    registered = external.contacts.get(arn) if external is not None else None
    if registered is not None:
        return {
            "contactArn": arn,
            "channel": registered.channel,
            "connectedToSystemTime": registered.connected_at,
        }
    resolved: Mapping[str, Any] = {}
    if settings.contact_resolver is not None:
        resolved = settings.contact_resolver(arn) or {}
    return {
        "contactArn": arn,
        "channel": resolved.get("channel") or DEFAULT_CHANNEL,
        "connectedToSystemTime": resolved.get("connectedToSystemTime") or now,
    }


def _sla(
    domain: Domain, case: Case, body: Mapping[str, Any], now: datetime, settings: Settings
) -> dict[str, Any]:
    config: Mapping[str, Any] = body["slaInputConfiguration"]
    field_id: str | None = config.get("fieldId")
    targets: list[dict[str, Any]] | None = config.get("targetFieldValues")
    if field_id is None or not targets:
        raise validation_error(
            "An SLA of type CaseField needs fieldId and targetFieldValues "
            "(content.sla.slaInputConfiguration)."
        )
    found = domain.fields.get(field_id)
    if found is None or found.deleted:
        raise validation_error(
            f"content.sla.slaInputConfiguration.fieldId: field {field_id} does not exist in "
            f"domain {domain.domain_id} or has been deleted."
        )
    if found.type != "SingleSelect":
        raise validation_error(
            f"content.sla.slaInputConfiguration.fieldId: field {field_id} is of type "
            f"{found.type}; an SLA tracks a single-select field (such as status)."
        )
    stored_targets = [check_value(found, value, None, settings) for value in targets]
    stored: dict[str, Any] = {
        "name": config["name"],
        "type": config["type"],
        "status": "Active",
        "fieldId": field_id,
        "targetFieldValues": stored_targets,
        "targetTime": now + timedelta(minutes=config["targetSlaMinutes"]),
    }
    if case.values.get(field_id) in stored_targets:
        stored["completionTime"] = now  # the case already holds the target value
    return stored


def custom_fields(
    domain: Domain, fields: list[dict[str, Any]], settings: Settings
) -> list[dict[str, Any]]:
    """Check the fields of Custom content: existing, non-deleted custom fields, each once,
    values of the field's type, at most ``fields_per_custom_related_item`` of them."""
    ids = [entry["id"] for entry in fields]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise validation_error(f"Fields [{', '.join(repeated)}] appear more than once.")
    unknown = [i for i in ids if i not in domain.fields or domain.fields[i].deleted]
    if unknown:
        raise validation_error(
            f"Fields [{', '.join(unknown)}] do not exist in domain {domain.domain_id} "
            "or have been deleted."
        )
    system = [i for i in ids if domain.fields[i].namespace != "Custom"]
    if system:
        raise validation_error(
            f"Fields [{', '.join(system)}] are system fields; a Custom related item takes "
            "custom fields only."
        )
    limit = settings.fields_per_custom_related_item
    if len(ids) > limit:
        raise quota_exceeded(
            f"A Custom related item can have at most {limit} fields; the request has {len(ids)}."
        )
    return [
        {
            "id": entry["id"],
            "value": check_value(domain.fields[entry["id"]], entry["value"], None, settings),
        }
        for entry in fields
    ]


# -- reading ------------------------------------------------------------------------------


def newest_first(item: RelatedItem) -> tuple[int, int]:
    """Sort key and page position: association time descending, then creation descending."""
    return (-micros(item.association_time), -item.seq)


def sla_state(case: Case, item: RelatedItem, now: datetime) -> tuple[str, datetime | None]:
    """The SLA's status at ``now`` and its completion time.

    Met/NotMet once the case's field took a target value (at or before / after the target
    time); the first such change after the SLA was added counts and later changes do not
    reopen it. Otherwise Overdue after the target time, else Active.
    """
    config: dict[str, Any] = item.content["sla"]["slaConfiguration"]
    completion: datetime | None = config.get("completionTime")
    if completion is None:
        completion = _completion(case, item, config)
        if completion is not None:
            config["completionTime"] = completion
    target: datetime = config["targetTime"]
    if completion is not None:
        return ("Met" if completion <= target else "NotMet"), completion
    return ("Overdue" if now > target else "Active"), None


def _completion(case: Case, item: RelatedItem, config: dict[str, Any]) -> datetime | None:
    field_id = config.get("fieldId")
    targets = config.get("targetFieldValues") or []
    for event in case.audit:
        if event.seq <= item.seq:
            continue
        for entry in thaw_audit_fields(event.fields):
            if entry.get("eventFieldId") == field_id and entry.get("newValue") in targets:
                return event.performed_time
    if case.values.get(field_id or "") in targets:
        # Changed without an audit entry: the case's last update is the best estimate.
        updated = case.values.get("last_updated_datetime", {}).get("stringValue")
        moment = parse_datetime(updated) if updated else None
        return max(moment, item.association_time) if moment else item.association_time
    return None


def next_sla_breach(case: Case, now: datetime) -> datetime | None:
    """The earliest target time among the case's SLAs that are not yet met (the value of
    the ``next_sla_breach_datetime`` system field), or None."""
    times = [
        item.content["sla"]["slaConfiguration"]["targetTime"]
        for item in case.related_items.values()
        if item.type == "Sla" and sla_state(case, item, now)[0] in ("Active", "Overdue")
    ]
    return min(times) if times else None


NEXT_SLA_BREACH = "next_sla_breach_datetime"


def next_sla_breach_value(case: Case, now: datetime) -> dict[str, Any] | None:
    """The ``next_sla_breach_datetime`` value GetCase and SearchCases answer: computed when
    read, absent without an SLA that is not met yet (docs/behaviour.md#cases)."""
    if not any(item.type == "Sla" for item in case.related_items.values()):
        return None
    moment = next_sla_breach(case, now)
    return {"stringValue": format_timestamp(moment)} if moment is not None else None


def render(case: Case, item: RelatedItem, now: datetime) -> dict[str, Any]:
    """The item's content as the API returns it (RelatedItemContent)."""
    content = copy.deepcopy(item.content)
    if item.type == "Sla":
        status, completion = sla_state(case, item, now)
        config = content["sla"]["slaConfiguration"]
        config["status"] = status
        if completion is not None:
            config["completionTime"] = completion
    return content


def sla_status(case: Case, item: RelatedItem, now: datetime) -> str | None:
    """The computed status of an Sla item (None for other types)."""
    return sla_state(case, item, now)[0] if item.type == "Sla" else None
