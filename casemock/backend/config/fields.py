"""Case fields: the system fields seeded in every domain and the custom fields an
administrator creates (CreateField, UpdateField, DeleteField, ListFields, BatchGetField).

``live_field`` and ``require_field`` are the lookups other families use to resolve a
field id (cases, case rules, search). Fields are soft-deleted: a deleted field keeps its
id, BatchGetField still returns it (``deleted: true``), everything else ignores it.
"""

from __future__ import annotations

from typing import Any

from casemock import _model
from casemock._errors import conflict, not_found, quota_exceeded, validation_error
from casemock.backend._context import Context
from casemock.backend._pagination import page_by_creation
from casemock.backend._records import Domain, Field
from casemock.backend._registry import operation
from casemock.backend.config import system_fields

DEFAULT_PAGE_SIZE = 100


def live_field(domain: Domain, field_id: str) -> Field | None:
    """The field with this id if it exists in the domain and is not deleted."""
    found = domain.fields.get(field_id)
    if found is None or found.deleted:
        return None
    return found


def require_field(domain: Domain, field_id: str) -> Field:
    """The live field with this id; ResourceNotFoundException (resourceType Field) if none."""
    found = live_field(domain, field_id)
    if found is None:
        raise not_found(
            "Field", field_id, f"Field {field_id} not found in domain {domain.domain_id}"
        )
    return found


def stored_field(domain: Domain, field_id: str) -> Field:
    """The field with this id, deleted or not; ResourceNotFoundException if it never existed."""
    found = domain.fields.get(field_id)
    if found is None:
        raise not_found(
            "Field", field_id, f"Field {field_id} not found in domain {domain.domain_id}"
        )
    return found


def _supports_attributes() -> bool:
    return _model.has_member("FieldAttributes", "text")


def _check_attributes(attributes: dict[str, Any] | None, field_type: str) -> None:
    if attributes is None:
        return
    if "text" in attributes and field_type != "Text":
        raise validation_error(
            f"attributes.text applies to Text fields only; this field is of type {field_type}."
        )


def _check_name_free(domain: Domain, name: str, except_id: str | None = None) -> None:
    for other in domain.fields.values():
        if other.name == name and not other.deleted and other.field_id != except_id:
            raise conflict(
                f"A field named {name!r} already exists in domain {domain.domain_id} "
                f"({other.field_id})."
            )


def _summary(record: Field) -> dict[str, Any]:
    item: dict[str, Any] = {
        "fieldId": record.field_id,
        "fieldArn": record.arn,
        "name": record.name,
        "type": record.type,
        "namespace": record.namespace,
    }
    if record.attributes is not None and _model.has_member("FieldSummary", "attributes"):
        item["attributes"] = record.attributes
    return item


def _details(record: Field) -> dict[str, Any]:
    item: dict[str, Any] = {
        "fieldId": record.field_id,
        "name": record.name,
        "fieldArn": record.arn,
        "type": record.type,
        "namespace": record.namespace,
        "tags": dict(record.tags),
        "deleted": record.deleted,
        "createdTime": record.created_time,
        "lastModifiedTime": record.last_modified_time,
    }
    if record.description is not None:
        item["description"] = record.description
    if record.attributes is not None and _model.has_member("GetFieldResponse", "attributes"):
        item["attributes"] = record.attributes
    return item


@operation("CreateField")
def create_field(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    name: str = params["name"]
    field_type: str = params["type"]
    attributes = params.get("attributes") if _supports_attributes() else None
    _check_attributes(attributes, field_type)
    _check_name_free(domain, name)
    custom = sum(1 for f in domain.fields.values() if f.namespace == "Custom" and not f.deleted)
    if custom >= ctx.settings.fields:
        raise quota_exceeded(
            f"Domain {domain.domain_id} already has {custom} custom fields, "
            f"the quota is {ctx.settings.fields}."
        )
    field_id = ctx.new_id()
    now = ctx.now()
    record = Field(
        seq=ctx.next_seq(),
        field_id=field_id,
        arn=f"{domain.arn}/field/{field_id}",
        name=name,
        type=field_type,
        namespace="Custom",
        description=params.get("description"),
        attributes=attributes,
        created_time=now,
        last_modified_time=now,
    )
    domain.fields[field_id] = record
    return {"fieldId": field_id, "fieldArn": record.arn}


@operation("UpdateField")
def update_field(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    record = stored_field(domain, params["fieldId"])
    if record.deleted:
        raise validation_error(f"Field {record.field_id} has been deleted and cannot be updated.")
    name: str | None = params.get("name")
    description: str | None = params.get("description")
    attributes = params.get("attributes") if _supports_attributes() else None
    if record.namespace == "System":
        changed = [
            member
            for member, new, old in (
                ("name", name, record.name),
                ("description", description, record.description),
            )
            if new is not None and new != old
        ]
        if attributes is not None:
            changed.append("attributes")
        if changed:
            raise validation_error(
                f"The {', '.join(changed)} of system field {record.field_id} cannot be changed."
            )
    _check_attributes(attributes, record.type)
    if name is not None:
        _check_name_free(domain, name, except_id=record.field_id)
    if name is None and description is None and attributes is None:
        return {}
    if name is not None:
        record.name = name
    if description is not None:
        record.description = description
    if attributes is not None:
        record.attributes = attributes
    record.last_modified_time = ctx.now()
    return {}


@operation("DeleteField")
def delete_field(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    record = stored_field(domain, params["fieldId"])
    if record.namespace == "System":
        raise validation_error(f"System field {record.field_id} cannot be deleted.")
    if not record.deleted:
        record.deleted = True
        record.last_modified_time = ctx.now()
    return {}


@operation("ListFields")
def list_fields(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    items, token = page_by_creation(
        (
            f
            for f in domain.fields.values()
            if not f.deleted and system_fields.is_listed(f.field_id)
        ),
        params,
        ["ListFields", domain.domain_id],
        DEFAULT_PAGE_SIZE,
    )
    result: dict[str, Any] = {"fields": [_summary(f) for f in items]}
    if token:
        result["nextToken"] = token
    return result


@operation("BatchGetField")
def batch_get_field(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    found: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for identifier in params["fields"]:
        field_id: str = identifier["id"]
        if field_id in seen:
            continue
        seen.add(field_id)
        record = domain.fields.get(field_id)
        if record is None:
            errors.append(
                {
                    "id": field_id,
                    "errorCode": "ResourceNotFoundException",
                    "message": f"Field {field_id} not found in domain {domain.domain_id}",
                }
            )
        else:
            found.append(_details(record))
    return {"fields": found, "errors": errors}
