"""Options of single-select fields: BatchPutFieldOptions and ListFieldOptions.

An option is identified by its ``value``; BatchPutFieldOptions adds new values and
updates the name and ``active`` flag of existing ones. Options are never removed, only
deactivated. They are listed in the order they were first added.
"""

from __future__ import annotations

from typing import Any

from casemock._errors import quota_exceeded, validation_error
from casemock.backend._context import Context
from casemock.backend._pagination import page
from casemock.backend._records import Field, FieldOption
from casemock.backend._registry import operation
from casemock.backend.config import system_fields
from casemock.backend.config.fields import DEFAULT_PAGE_SIZE, stored_field


def _option_error(value: str, message: str) -> dict[str, Any]:
    return {"value": value, "errorCode": "ValidationException", "message": message}


def _refusal(record: Field, option: dict[str, Any], seen: set[str]) -> str | None:
    """Why one option of the request cannot be applied, or None."""
    value: str = option["value"]
    if value in seen:
        return f"Option value {value!r} appears more than once in the request."
    if record.field_id == "status" and value in system_fields.FIXED_STATUS_VALUES:
        current = record.options.get(value)
        if current is not None and (option["name"] != current.name or not option["active"]):
            return f"The status option {value!r} cannot be renamed or deactivated."
    return None


@operation("BatchPutFieldOptions")
def batch_put_field_options(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    record = stored_field(domain, params["fieldId"])
    if record.deleted:
        raise validation_error(
            f"Field {record.field_id} has been deleted; its options cannot be changed."
        )
    if record.type != "SingleSelect":
        raise validation_error(
            f"Field {record.field_id} is of type {record.type}; "
            "only SingleSelect fields have options."
        )
    errors: list[dict[str, Any]] = []
    accepted: list[dict[str, Any]] = []
    seen: set[str] = set()
    for option in params["options"]:
        reason = _refusal(record, option, seen)
        seen.add(option["value"])
        if reason is None:
            accepted.append(option)
        else:
            errors.append(_option_error(option["value"], reason))
    added = sum(1 for option in accepted if option["value"] not in record.options)
    total = len(record.options) + added
    if total > ctx.settings.field_options:
        raise quota_exceeded(
            f"Field {record.field_id} would have {total} options, "
            f"the quota is {ctx.settings.field_options}."
        )
    changed = False
    for option in accepted:
        value = option["value"]
        current = record.options.get(value)
        if current is None:
            record.options[value] = FieldOption(option["name"], value, option["active"])
            changed = True
        elif (current.name, current.active) != (option["name"], option["active"]):
            current.name = option["name"]
            current.active = option["active"]
            changed = True
    if changed:
        record.last_modified_time = ctx.now()
    return {"errors": errors}


@operation("ListFieldOptions")
def list_field_options(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    record = stored_field(domain, params["fieldId"])
    wanted: list[str] = params.get("values") or []
    # Options are never removed, so the insertion index is a stable position.
    options = [
        (index, option)
        for index, option in enumerate(record.options.values())
        if not wanted or option.value in wanted
    ]
    items, token = page(
        options,
        lambda item: item[0],
        params.get("maxResults", DEFAULT_PAGE_SIZE),
        params.get("nextToken"),
        ["ListFieldOptions", domain.domain_id, record.field_id, wanted],
    )
    result: dict[str, Any] = {
        "options": [
            {"name": option.name, "value": option.value, "active": option.active}
            for _, option in items
        ]
    }
    if token:
        result["nextToken"] = token
    return result
