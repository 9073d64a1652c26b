"""Cases: CreateCase, GetCase, UpdateCase, DeleteCase (docs/behaviour.md#cases).

A case stores its values as ``{field id: FieldValueUnion}``, the service-set system fields
included, so every reader treats system and custom fields alike. Values are checked by
``case_values``; the service-set ones are written here. Every change is recorded in the
case's audit history, published as a case event when the domain's configuration enables
events, and reflected in the domain's case index.
"""

from __future__ import annotations

import functools
from typing import Any

from casemock._errors import CasesMockError, conflict, validation_error
from casemock._settings import Settings
from casemock._timestamps import format_timestamp
from casemock.backend._access import check_case_access, check_create_access
from casemock.backend._context import Context
from casemock.backend._records import (
    AuditEvent,
    Case,
    Domain,
    FieldValueUnion,
    Template,
    freeze_created_fields,
    freeze_json,
    thaw_json,
)
from casemock.backend._registry import operation
from casemock.backend.cases import audit, events
from casemock.backend.cases.values import (
    check_fields,
    check_rules,
    missing,
    refuse_cleared,
    refuse_missing,
    template_required,
)
from casemock.backend.config.templates import require_template
from casemock.backend.consistency import created, written
from casemock.backend.related_items.content import NEXT_SLA_BREACH, next_sla_breach_value
from casemock.backend.tags import check_tags

DEFAULT_STATUS = "open"
CLOSED = "closed"
# Fields the service derives from a status change (recorded in the audit history).
_STATUS_TIMES = ("last_closed_datetime", "last_reopened_datetime")


def refuse_merging(domain: Domain, case: Case, *, deleting: bool = False) -> None:
    """ConflictException while ``case`` is the secondary case of a running merge, or, when
    ``deleting``, either case of one (StartMergeCases)."""
    merge = domain.merges.get(case.merge_id) if case.merge_id else None
    if merge is None or merge.completed:
        return
    role = "secondary" if merge.secondary_id == case.case_id else "primary"
    if deleting or role == "secondary":
        raise conflict(
            f"Case {case.case_id} is the {role} case of merge {merge.merge_id}, which is still "
            "running; check it with GetMergeCasesStatus and retry when it has completed."
        )


# -- CreateCase ---------------------------------------------------------------------------


def _request(params: dict[str, Any]) -> dict[str, Any]:
    """What makes two CreateCase requests "the same" for idempotency (compared as data:
    key order aside, ``1`` equals ``1.0``; a case keeps it frozen, ``Case.request``)."""
    return {
        "templateId": params["templateId"],
        "fields": params["fields"],
        "tags": params.get("tags"),
        "performedBy": params.get("performedBy"),
    }


def _service_values(
    values: dict[str, FieldValueUnion], case_id: str, reference: str, now: str, user_arn: str | None
) -> dict[str, FieldValueUnion]:
    """What the service writes into a new case, in the order it is written: the ids, the
    default status (``values`` may hold one), the times (one dict for both: stored values
    are replaced, never changed in place), the performing user, the closing time of a case
    created closed."""
    status = values.get("status") or {"stringValue": DEFAULT_STATUS}
    stamp = {"stringValue": now}
    written: dict[str, FieldValueUnion] = {
        "case_id": {"stringValue": case_id},
        "reference_number": {"stringValue": reference},
        "status": status,
        "created_datetime": stamp,
        "last_updated_datetime": stamp,
    }
    if user_arn:
        written["created_by"] = written["last_updated_user"] = {"userArnValue": user_arn}
    if status.get("stringValue") == CLOSED:
        written["last_closed_datetime"] = stamp
    return written


def _usable_template(domain: Domain, template_id: str) -> Template:
    template = require_template(domain, template_id)
    if template.deleted:
        raise validation_error(
            f"Template {template_id} has been deleted and cannot be used to create cases."
        )
    if template.status != "Active":
        raise validation_error(
            f"Template {template_id} is not active ({template.status}) and cannot be used "
            "to create cases."
        )
    return template


def _case_tags(template: Template, requested: dict[str, str] | None, limit: int) -> dict[str, str]:
    """The template's propagated tags, overridden by the request's tags."""
    tags: dict[str, str] = {}
    for configuration in template.tag_propagation:
        if configuration.get("resourceType") == "Cases":
            tags.update(configuration.get("tagMap") or {})
    if requested:
        check_tags(requested)
        tags.update(requested)
    if len(tags) > limit:
        raise validation_error(
            f"The case would carry {len(tags)} tags (template and request); "
            f"a resource can have at most {limit}."
        )
    return tags


def _reference_number(
    ctx: Context, domain: Domain, values: dict[str, FieldValueUnion], case_id: str
) -> str:
    """The caller's reference number (ConflictException if taken, case-insensitively) or a
    new one that is unique in the domain."""
    supplied = values.get("reference_number", {}).get("stringValue")
    if supplied:
        owner = domain.reference_numbers.get(supplied.upper())
        if owner is not None:
            raise conflict(
                f"Reference number {supplied} is already used by case {owner} in domain "
                f"{domain.domain_id}."
            )
        return str(supplied)
    settings = ctx.settings
    alphabet, length = settings.reference_number_alphabet, settings.reference_number_length
    source = case_id
    for _ in range(_DRAWS):
        candidate = _spell(source, alphabet, length)
        if candidate is None:
            candidate = ctx.runtime.random_choice(alphabet, length)
        if candidate.upper() not in domain.reference_numbers:
            return candidate
        source = ctx.new_id()
    raise CasesMockError(
        f"No free reference number after {_DRAWS} draws: the domain's "
        f"{len(domain.reference_numbers)} cases use up most of the "
        f"{len(alphabet)}**{length} numbers of Settings.reference_number_length={length} "
        "and reference_number_alphabet; make them longer."
    )


_DRAWS = 1000  # a domain using up 99.9% of its reference numbers is refused, not hung


def _spell(random_id: str, alphabet: str, length: int) -> str | None:
    """``length`` characters of ``alphabet`` taken from the random bits of a (UUID4) id: as
    random as ``random_choice`` and as reproducible under a seed, at a tenth of the cost.
    None when the id cannot supply enough randomness."""
    speller = _speller(alphabet, length)
    if speller is None:
        return None
    pairs, half, odd = speller
    try:
        number = int(random_id.replace("-", ""), 16)
    except ValueError:
        return None
    # The base-len(alphabet) digits of the number, least significant first, two at a time.
    square = len(pairs)
    parts = []
    for _ in range(half):
        number, pair = divmod(number, square)
        parts.append(pairs[pair])
    if odd:
        parts.append(alphabet[number % len(alphabet)])
    return "".join(parts)


@functools.lru_cache(maxsize=8)
def _speller(alphabet: str, length: int) -> tuple[tuple[str, ...], int, bool] | None:
    """For ``_spell``: every two-digit spelling by value, the number of pairs and whether
    one digit is left; None if ``length`` digits need more than 96 random bits."""
    base = len(alphabet)
    if base < 2 or base**length > 2**96:
        return None
    pairs = tuple(alphabet[value % base] + alphabet[value // base] for value in range(base**2))
    return pairs, length // 2, bool(length % 2)


@operation("CreateCase")
def create_case(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    token: str | None = params.get("clientToken") or None
    known = domain.cases.get(domain.idempotency.get(token, "")) if token is not None else None
    if known is not None:
        if known.request is None or thaw_json(known.request) != _request(params):
            raise conflict(
                f"The clientToken {token} was already used for a different CreateCase request."
            )
        check_case_access(ctx, known)
        return {"caseId": known.case_id, "caseArn": known.arn}

    settings = ctx.settings
    template = _usable_template(domain, params["templateId"])
    changes = check_fields(domain, params["fields"], None, settings)
    values = changes  # without the cleared fields: a new case has no empty values
    if any("emptyValue" in value for value in changes.values()):
        values = {k: v for k, v in changes.items() if "emptyValue" not in v}
    user_arn = (params.get("performedBy") or {}).get("userArn")
    # Required fields and rules see the case as it will be stored: the service's own
    # values (a default status, the ids and times it writes) count as values.
    unset = missing(template_required(domain, template, settings), values)
    if unset:
        service = _service_values(values, "", "", "", user_arn)  # which fields, not values
        refuse_missing([i for i in unset if i not in service], "need a value")
    stored = values
    if template.rules and "status" not in values:
        stored = {**values, "status": {"stringValue": DEFAULT_STATUS}}
    check_rules(domain, template, None, stored, changes, settings)
    tags = _case_tags(template, params.get("tags"), settings.tags_per_resource)
    check_create_access(ctx, tags)
    case_id = ctx.new_id()
    reference = _reference_number(ctx, domain, values, case_id)

    # Everything is valid: store.
    moment = ctx.now()
    now = format_timestamp(moment)
    values.update(_service_values(values, case_id, reference, now, user_arn))
    case = Case(  # positional: seq, case_id, arn, template_id, values, tags
        ctx.next_seq(),
        case_id,
        f"{domain.arn}/case/{case_id}",
        template.template_id,
        values,
        tags,
        client_token=token,
        request=freeze_json(_request(params)) if token is not None else None,
    )
    domain.cases[case_id] = case
    domain.reference_numbers[reference.upper()] = case_id
    if token is not None:
        domain.idempotency[token] = case_id
    domain.case_index.add(case)
    if ctx.settings.search_delay:  # docs/realism.md#search-consistency
        created(ctx, domain, case_id)
    performed_by = params.get("performedBy")
    audit.record(
        ctx,
        case,
        "Case.Created",
        freeze_created_fields(values),
        performed_by,
        now=moment,
    )
    events.publish_case_event(ctx, domain, case, "CASE.CREATED", values, performed_by, now=moment)
    return {"caseId": case_id, "caseArn": case.arn}


# -- GetCase ------------------------------------------------------------------------------


@operation("GetCase")
def get_case(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    case = ctx.case(domain, params["caseId"])
    values = case.values
    fields = []
    seen: set[str] = set()
    for item in params["fields"]:
        field_id = item["id"]
        value = values.get(field_id)
        if field_id == NEXT_SLA_BREACH:
            value = next_sla_breach_value(case, ctx.now())
        if value is not None and field_id not in seen:
            seen.add(field_id)
            fields.append({"id": field_id, "value": value})  # shared, never changed
    return {"fields": fields, "templateId": case.template_id, "tags": dict(case.tags)}


# -- UpdateCase ---------------------------------------------------------------------------


def _derived(
    before: dict[str, FieldValueUnion],
    after: dict[str, FieldValueUnion],
    now: str,
    user_arn: str | None,
) -> dict[str, FieldValueUnion]:
    """The service-set values an update writes."""
    derived: dict[str, FieldValueUnion] = {"last_updated_datetime": {"stringValue": now}}
    if user_arn:
        derived["last_updated_user"] = {"userArnValue": user_arn}
    old_status = before.get("status", {}).get("stringValue")
    new_status = after.get("status", {}).get("stringValue")
    if new_status != old_status:
        if new_status == CLOSED:
            derived["last_closed_datetime"] = {"stringValue": now}
        elif old_status == CLOSED and new_status is not None:
            derived["last_reopened_datetime"] = {"stringValue": now}
    return derived


def _audit_entry(field_id: str, old: FieldValueUnion | None, new: FieldValueUnion | None) -> Any:
    entry: dict[str, Any] = {"eventFieldId": field_id}
    if old is not None:
        entry["oldValue"] = old
    entry["newValue"] = new if new is not None else {"emptyValue": {}}
    return entry


def plan_update(
    domain: Domain, case: Case, fields: list[dict[str, Any]], settings: Settings
) -> tuple[dict[str, FieldValueUnion], list[str]]:
    """Check an UpdateCase ``fields`` list against ``case`` (ValidationException where the
    service refuses it) and return the values the case would hold and the ids whose value
    changes. Nothing is written."""
    changes = check_fields(domain, fields, case, settings)
    if not changes:
        return case.values, []
    template = domain.templates.get(case.template_id)
    before = case.values
    after = dict(before)
    for field_id, value in changes.items():
        if "emptyValue" in value:
            after.pop(field_id, None)
        else:
            after[field_id] = value
    if template is not None:
        refuse_cleared(changes, template_required(domain, template, settings))
        check_rules(domain, template, before, after, changes, settings)
    else:
        refuse_cleared(changes, ["title"])
    return after, [k for k in changes if before.get(k) != after.get(k)]


def apply_update(
    ctx: Context,
    domain: Domain,
    case: Case,
    after: dict[str, FieldValueUnion],
    changed: list[str],
    performed_by: dict[str, Any] | None,
    audit_type: str = "Case.Updated",
) -> AuditEvent:
    """Store ``after`` (from ``plan_update``) on ``case`` with the service-set values, and
    record the change: audit event ``audit_type`` (returned), case event, case index."""
    before = case.values
    after = dict(after)
    moment = ctx.now()
    derived = _derived(before, after, format_timestamp(moment), (performed_by or {}).get("userArn"))
    derived_changed = [k for k, v in derived.items() if before.get(k) != v]
    after.update(derived)
    if ctx.settings.search_delay:  # docs/realism.md#search-consistency
        written(ctx, domain, case)
    case.values = after
    domain.case_index.add(case)  # replaces what was indexed for the case
    entries = [_audit_entry(k, before.get(k), after.get(k)) for k in changed]
    entries += [
        _audit_entry(k, before.get(k), after[k]) for k in _STATUS_TIMES if k in derived_changed
    ]
    event = audit.record(ctx, case, audit_type, entries, performed_by, now=moment)
    events.publish_case_event(
        ctx, domain, case, "CASE.UPDATED", changed + derived_changed, performed_by, now=moment
    )
    return event


@operation("UpdateCase")
def update_case(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    case = ctx.case(domain, params["caseId"])
    refuse_merging(domain, case)
    after, changed = plan_update(domain, case, params["fields"], ctx.settings)
    if changed:  # Everything is valid: store.
        apply_update(ctx, domain, case, after, changed, params.get("performedBy"))
    return {}


# -- DeleteCase ---------------------------------------------------------------------------


@operation("DeleteCase")
def delete_case(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    case = ctx.case(domain, params["caseId"])
    refuse_merging(domain, case, deleting=True)
    if ctx.settings.search_delay:  # docs/realism.md#search-consistency
        written(ctx, domain, case)
    domain.case_index.remove(case)
    del domain.cases[case.case_id]
    reference = case.values.get("reference_number", {}).get("stringValue")
    if reference and domain.reference_numbers.get(reference.upper()) == case.case_id:
        del domain.reference_numbers[reference.upper()]
    token = case.client_token
    if token is not None and domain.idempotency.get(token) == case.case_id:
        del domain.idempotency[token]
    events.publish_case_event(ctx, domain, case, "CASE.DELETED", [], None, include_fields=False)
    return {}
