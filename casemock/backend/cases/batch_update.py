"""BatchUpdateCase (newer models): the same field values written to up to 100 cases.

The whole request is refused, and nothing is written, when the domain does not exist, a
reference ID names no case, a case is named twice, nothing is to be updated, or a field
identifier is unusable (unknown id or name, a name with ``|`` or ``,``, or ``title`` /
``status`` / ``customer_id`` in ``fields``). Otherwise each case is updated on its own,
exactly as UpdateCase would update it (``cases.plan_update`` / ``cases.apply_update``:
same checks, audit history and case events); a case that UpdateCase would refuse is
reported in ``failedCases`` with the batch error code and the others are still updated.
"""

from __future__ import annotations

from typing import Any

from casemock._errors import ServiceError, validation_error
from casemock.backend._access import check_case_access
from casemock.backend._context import Context
from casemock.backend._records import Domain
from casemock.backend._registry import operation
from casemock.backend.cases import _batch
from casemock.backend.cases.lifecycle import apply_update, plan_update, refuse_merging

# Top-level request members and the system fields they write.
TOP_LEVEL = {"title": "title", "status": "status", "customerId": "customer_id"}
_NAME_FORBIDDEN = ("|", ",")


def _field_id(domain: Domain, identifier: dict[str, Any]) -> str:
    """The field an entry of ``fields`` names (by id, or by the name of a live field)."""
    field_id: str | None = identifier.get("id")
    if field_id is not None:
        if field_id not in domain.fields:
            raise validation_error(
                f"fields: field id {field_id} does not exist in domain {domain.domain_id}."
            )
        return field_id
    name: str = identifier["name"]
    if any(char in name for char in _NAME_FORBIDDEN):
        raise validation_error(
            f"fields: field name {name!r} contains '|' or ','; identify this field by its id."
        )
    for found in domain.fields.values():
        if found.name == name and not found.deleted:
            return found.field_id
    raise validation_error(f"fields: no field named {name!r} in domain {domain.domain_id}.")


def _update_fields(domain: Domain, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The request as an UpdateCase ``fields`` list (top-level members first)."""
    fields = [
        {"id": field_id, "value": {"stringValue": params[member]}}
        for member, field_id in TOP_LEVEL.items()
        if params.get(member) is not None
    ]
    entries: list[dict[str, Any]] = params["fields"]
    if not fields and not entries:
        raise validation_error(
            "The request updates nothing: provide at least one entry in fields, or title, "
            "status or customerId."
        )
    for entry in entries:
        field_id = _field_id(domain, entry["fieldIdentifier"])
        if field_id in TOP_LEVEL.values():
            member = next(m for m, f in TOP_LEVEL.items() if f == field_id)
            raise validation_error(
                f"fields must not include {field_id}; set it with the top-level {member} parameter."
            )
        fields.append({"id": field_id, "value": entry["value"]})
    return fields


@operation("BatchUpdateCase")
def batch_update_case(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    token: str | None = params.get("clientToken") or None
    request = _batch.fingerprint(params)
    answered = _batch.replay(domain.case_batches, token, request, "BatchUpdateCase")
    if answered is not None:
        return answered
    case_ids = [case_id for case_id, _ in _batch.resolve_case_identifiers(domain, params["cases"])]
    fields = _update_fields(domain, params)

    performed_by = params.get("performedBy")
    succeeded: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for case_id in case_ids:
        identifier = _batch.case_identifier(domain, case_id)
        case = domain.cases.get(case_id)
        if case is None:
            message = f"Case {case_id} not found in domain {domain.domain_id}."
            failed.append(_batch.failure(identifier, "CASE_NOT_FOUND", message))
            continue
        try:
            check_case_access(ctx, case)
            refuse_merging(domain, case)
            after, changed = plan_update(domain, case, fields, ctx.settings)
        except ServiceError as error:  # this case only: report it and go on
            failed.append(_batch.refused(identifier, error))
            continue
        if changed:
            apply_update(ctx, domain, case, after, changed, performed_by)
        succeeded.append({"caseIdentifier": identifier})
    result = {"successfulCases": succeeded, "failedCases": failed}
    _batch.remember(domain.case_batches, token, request, result)
    return result
