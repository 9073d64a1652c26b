"""Layouts: which fields the agent UI shows in the top panel and the "More information"
tab (CreateLayout, GetLayout, UpdateLayout, DeleteLayout, ListLayouts).

Layouts are soft-deleted: GetLayout still answers with ``deleted: true``, ListLayouts
omits them. Fields deleted after a layout was saved disappear from GetLayout's content.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from casemock._errors import conflict, not_found, quota_exceeded, validation_error
from casemock.backend._context import Context
from casemock.backend._pagination import page_by_creation
from casemock.backend._records import Domain, Layout
from casemock.backend._registry import operation
from casemock.backend.config.fields import DEFAULT_PAGE_SIZE, live_field

# Title and Status are always shown by the agent UI and cannot be placed in a layout.
NOT_IN_LAYOUTS = ("title", "status")
_PANELS = ("topPanel", "moreInfo")


def refuse_deletion_beyond(kind: str, deleted: int, limit: int) -> None:
    """DeleteLayout/DeleteTemplate: "You can delete up to 100 layouts (templates) per
    domain". The model lists no ServiceQuotaExceededException for these operations, so the
    refusal is the modeled ValidationException."""
    if deleted >= limit:
        raise validation_error(
            f"The domain already has {deleted} deleted {kind}; you can delete up to {limit} "
            f"{kind} per domain."
        )


def require_layout(domain: Domain, layout_id: str) -> Layout:
    """The layout with this id, deleted or not; ResourceNotFoundException if none."""
    found = domain.layouts.get(layout_id)
    if found is None:
        raise not_found(
            "Layout", layout_id, f"Layout {layout_id} not found in domain {domain.domain_id}"
        )
    return found


def _field_groups(content: dict[str, Any]) -> Iterator[dict[str, Any]]:
    basic = content.get("basic") or {}
    for panel in _PANELS:
        for section in (basic.get(panel) or {}).get("sections", []):
            if "fieldGroup" in section:
                yield section["fieldGroup"]


def _check_content(ctx: Context, domain: Domain, content: dict[str, Any]) -> None:
    ids = [item["id"] for group in _field_groups(content) for item in group["fields"]]
    banned = sorted({i for i in ids if i in NOT_IN_LAYOUTS})
    if banned:
        raise validation_error(f"Fields {banned} cannot be placed in a layout.")
    unknown = sorted({i for i in ids if live_field(domain, i) is None})
    if unknown:
        raise validation_error(
            f"Fields {unknown} do not exist in domain {domain.domain_id} or have been deleted."
        )
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise validation_error(f"Fields {repeated} appear more than once in the layout.")
    if len(ids) > ctx.settings.fields_per_layout:
        raise quota_exceeded(
            f"The layout has {len(ids)} fields, the quota is {ctx.settings.fields_per_layout}."
        )


def _check_name_free(domain: Domain, name: str, except_id: str | None = None) -> None:
    for other in domain.layouts.values():
        if other.name == name and not other.deleted and other.layout_id != except_id:
            raise conflict(
                f"A layout named {name!r} already exists in domain {domain.domain_id} "
                f"({other.layout_id})."
            )


def _visible_content(domain: Domain, content: dict[str, Any]) -> dict[str, Any]:
    """The stored content without the fields deleted since it was saved."""
    shown = copy.deepcopy(content)
    for group in _field_groups(shown):
        group["fields"] = [item for item in group["fields"] if live_field(domain, item["id"])]
    return shown


@operation("CreateLayout")
def create_layout(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    name: str = params["name"]
    content: dict[str, Any] = params["content"]
    _check_content(ctx, domain, content)
    _check_name_free(domain, name)
    live = sum(1 for layout in domain.layouts.values() if not layout.deleted)
    if live >= ctx.settings.layouts:
        raise quota_exceeded(
            f"Domain {domain.domain_id} already has {live} layouts, "
            f"the quota is {ctx.settings.layouts}."
        )
    layout_id = ctx.new_id()
    now = ctx.now()
    record = Layout(
        seq=ctx.next_seq(),
        layout_id=layout_id,
        arn=f"{domain.arn}/layout/{layout_id}",
        name=name,
        content=copy.deepcopy(content),
        created_time=now,
        last_modified_time=now,
    )
    domain.layouts[layout_id] = record
    return {"layoutId": layout_id, "layoutArn": record.arn}


@operation("GetLayout")
def get_layout(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    record = require_layout(domain, params["layoutId"])
    return {
        "layoutId": record.layout_id,
        "layoutArn": record.arn,
        "name": record.name,
        "content": _visible_content(domain, record.content),
        "tags": dict(record.tags),
        "deleted": record.deleted,
        "createdTime": record.created_time,
        "lastModifiedTime": record.last_modified_time,
    }


@operation("UpdateLayout")
def update_layout(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    record = require_layout(domain, params["layoutId"])
    if record.deleted:
        raise validation_error(f"Layout {record.layout_id} has been deleted and cannot be updated.")
    name: str | None = params.get("name")
    content: dict[str, Any] | None = params.get("content")
    if content is not None:
        _check_content(ctx, domain, content)
    if name is not None:
        _check_name_free(domain, name, except_id=record.layout_id)
    if name is None and content is None:
        return {}
    if name is not None:
        record.name = name
    if content is not None:
        record.content = copy.deepcopy(content)
    record.last_modified_time = ctx.now()
    return {}


@operation("DeleteLayout")
def delete_layout(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    record = require_layout(domain, params["layoutId"])
    if record.deleted:
        return {}
    users = sorted(
        t.template_id
        for t in domain.templates.values()
        if not t.deleted and (t.layout_configuration or {}).get("defaultLayout") == record.layout_id
    )
    if users:
        raise conflict(
            f"Layout {record.layout_id} is the default layout of templates {users}; "
            "change or delete those templates first."
        )
    refuse_deletion_beyond(
        "layouts",
        sum(1 for x in domain.layouts.values() if x.deleted),
        ctx.settings.deleted_layouts,
    )
    record.deleted = True
    record.last_modified_time = ctx.now()
    return {}


@operation("ListLayouts")
def list_layouts(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    items, token = page_by_creation(
        (x for x in domain.layouts.values() if not x.deleted),
        params,
        ["ListLayouts", domain.domain_id],
        DEFAULT_PAGE_SIZE,
    )
    result: dict[str, Any] = {
        "layouts": [{"layoutId": x.layout_id, "layoutArn": x.arn, "name": x.name} for x in items]
    }
    if token:
        result["nextToken"] = token
    return result
