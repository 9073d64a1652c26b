"""Field values on cases: what CreateCase and UpdateCase accept for each field.

A request's ``fields`` are checked against the domain's fields
(docs/behaviour.md#fields-and-options, docs/behaviour.md#cases): the field exists, is not
deleted (UpdateCase may still write a deleted field the case already holds), appears
once, is not set by the service, and its value uses the union member of the field's type
within the length limits. Then the required-ness rules apply: ``title`` always, the
template's ``requiredFields`` and the ``required`` case rules attached to the template.
Everything here only reads state; the handlers mutate after all checks have passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from casemock import _model
from casemock._errors import ServiceError, validation_error
from casemock._settings import Settings
from casemock._timestamps import parse_instant
from casemock.backend._records import Case, Domain, Field, FieldValueUnion, Template
from casemock.backend._values import (
    EMPTY,
    FIELD_MEMBERS,
    MEMBER_SET,
    MEMBERS,
    TYPES,
    has_value,
    member_of,
    members_for,
)
from casemock.backend.config import system_fields
from casemock.backend.config.case_rules import rules_for_template
from casemock.backend.config.rule_evaluator import evaluate_rules
from casemock.backend.external import PROFILE_ARN, USER_ARN

SUMMARY_LIMIT = 3000
# title takes what BatchUpdateCase's top-level ``title`` (the model's CaseTitle, botocore
# 1.43.126 and newer) takes, on every operation that writes it.
TITLE_LIMIT = 500
ALWAYS_REQUIRED = ("title",)


_LIMITED = frozenset({"summary", "title"})  # limited whatever their type (_text_limit)


def _text_limit(field: Field, settings: Settings) -> int | None:
    if field.field_id == "summary":
        return SUMMARY_LIMIT
    if field.field_id == "title":
        return TITLE_LIMIT
    if field.namespace != "Custom" or field.type != "Text":
        return None
    text = (field.attributes or {}).get("text") or {}
    if text.get("isMultiline"):
        return None
    return settings.single_line_text_limit


def check_value(
    field: Field,
    value: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    settings: Settings,
) -> FieldValueUnion:
    """The stored form of ``value`` for ``field``; ValidationException if the field does
    not take it. ``previous`` is the case's current value (UpdateCase), which may keep an
    option that has been deactivated since."""
    if len(value) == 1:  # a validated union: its one member (member_of, inlined)
        ((member, item),) = value.items()
        if item is None or member not in MEMBER_SET:
            member, item = member_of(value)
    else:
        member, item = member_of(value)
    if member == "emptyValue":
        return EMPTY
    field_id = field.field_id
    field_type = field.type
    special = FIELD_MEMBERS.get(field_id)  # members_for, inlined
    if member != _TYPE_MEMBER.get(field_type) if special is None else member not in special:
        expected = " or ".join(sorted(members_for(field_id, field_type)))
        raise validation_error(
            f"Field {field_id} is of type {field_type} and takes {expected}, not {member}."
        )
    if member == "stringValue":
        _check_string(field, field_type, item, previous, settings)
    elif member == "doubleValue":
        # JSON clients send 1.0 as 1; the service stores and answers a double.
        item = float(item)
    elif member == "userArnValue" and USER_ARN.fullmatch(item) is None:
        raise validation_error(
            f"The value of field {field_id} must be an Amazon Connect user ARN "
            "(arn:aws:connect:<region>:<account>:instance/<instanceId>/user/<userId>)."
        )
    return {member: item}


_TYPE_MEMBER = {name: member for name, (member, _) in TYPES.items()}


MEMBER_TYPES: dict[str, tuple[type, ...]] = {
    "stringValue": (str,),
    "userArnValue": (str,),
    "doubleValue": (float, int),
    "booleanValue": (bool,),
}


def union_problem(value: Any) -> str | None:
    """Why ``value`` is not a FieldValueUnion as the API answers it (exactly one member,
    of its JSON type; ``emptyValue`` is ``{}``), or None."""
    if type(value) is not dict or len(value) != 1:
        return f"a field value must be an object with exactly one of {', '.join(MEMBERS)}"
    ((member, item),) = value.items()
    if member == "emptyValue":
        return None if item == {} else "emptyValue must be {}"
    kinds = MEMBER_TYPES.get(member)
    if kinds is None:
        return f"{member!r} is not one of {', '.join(MEMBERS)}"
    if type(item) not in kinds or (member == "doubleValue" and item != item):
        return f"{member} holds {type(item).__name__} {item!r}"[:200]
    return None


def allowed_members(field: Field) -> frozenset[str]:
    """The union members a value of ``field`` may use (besides ``emptyValue``)."""
    return members_for(field.field_id, field.type)


def stored_value_problem(field: Field, value: Any) -> str | None:
    """Why ``value`` cannot be the stored value of ``field`` (a restored document must
    hold only values the API could have stored), or None. Lenient where history allows:
    a deactivated option, a text longer than today's limit."""
    problem = union_problem(value)
    if problem is not None:
        return problem
    ((member, item),) = value.items()
    if member == "emptyValue":
        return None
    allowed = allowed_members(field)
    if member not in allowed:
        return f"field {field.field_id} is of type {field.type} and takes " + (
            f"{' or '.join(sorted(allowed))}, not {member}"
        )
    if field.type == "DateTime" and member == "stringValue" and parse_instant(item) is None:
        return f"field {field.field_id} is a DateTime field; {item!r} is not a date-time"[:200]
    return None


def _check_string(
    field: Field,
    field_type: str,
    text: str,
    previous: Mapping[str, Any] | None,
    settings: Settings,
) -> None:
    field_id = field.field_id
    limit = _text_limit(field, settings) if field_type == "Text" or field_id in _LIMITED else None
    if limit is not None and len(text) > limit:
        raise validation_error(
            f"The value of field {field_id} is {len(text)} characters long; "
            f"the field takes at most {limit}."
        )
    if field_id == "customer_id" and PROFILE_ARN.fullmatch(text) is None:
        raise validation_error(
            "customer_id must be a Customer Profiles profile ARN "
            "(arn:aws:profile:<region>:<account>:domains/<domain>/profiles/<profileId>)."
        )
    if field_id == "reference_number" and text:  # empty: the service generates one
        _check_reference_number(text)
    if field_type == "DateTime":
        if parse_instant(text) is None:
            raise validation_error(
                f"The value of field {field_id} must be an ISO-8601 date-time such as "
                f"2024-05-01T12:00:00.000Z, not {text!r}."
            )
    elif field_type == "SingleSelect":
        option = field.options.get(text)
        kept = previous is not None and previous.get("stringValue") == text
        if (option is None or not option.active) and not kept:
            state = "not an option" if option is None else "an inactive option"
            raise validation_error(f"{text!r} is {state} of field {field_id}.")


def _check_reference_number(text: str) -> None:
    """A caller's reference number must be one the API can name a case by (the model's
    ``ReferenceNumber``, as BatchUpdateCase's ``referenceId`` takes it): ValidationException
    otherwise. Without that shape in the installed model, any text is kept."""
    constraints = _model.string_constraints("ReferenceNumber")
    if constraints is None:
        return
    low, high, pattern = constraints
    if len(text) < low or (high is not None and len(text) > high):
        raise validation_error(
            f"reference_number {text[:60]!r} is {len(text)} characters long; a reference "
            f"number has {low} to {high} characters."
        )
    if pattern is not None and pattern.fullmatch(text) is None:
        raise validation_error(
            f"reference_number {text[:60]!r} must satisfy the pattern {pattern.pattern}."
        )


def check_fields(
    domain: Domain,
    fields: list[dict[str, Any]],
    case: Case | None,
    settings: Settings,
) -> dict[str, FieldValueUnion]:
    """Validate a CreateCase (``case`` None) or UpdateCase ``fields`` list; return the
    values to write by field id, in request order (``emptyValue`` for a cleared field).

    The ids are checked before any value: repeated ids, then unknown, deleted and
    service-set ones, each refusal naming every offending id. (One pass: a value's
    refusal waits until every id has been seen.)"""
    known = domain.fields
    stored = _NO_VALUES if case is None else case.values
    read_only = _READ_ONLY_ON_CREATE if case is None else _READ_ONLY_ON_UPDATE
    previous = stored.get
    changes: dict[str, FieldValueUnion] = {}
    refused: ServiceError | None = None
    for item in fields:
        field_id = item["id"]
        record = known.get(field_id)
        if (
            record is None
            or field_id in changes
            or field_id in read_only
            or (record.deleted and field_id not in stored)
        ):
            _refuse_ids(domain, [item["id"] for item in fields], stored, read_only)
        try:
            changes[field_id] = check_value(record, item["value"], previous(field_id), settings)
        except ServiceError as error:
            refused = refused or error
            changes[field_id] = EMPTY  # seen; the refusal follows the id checks
    if refused is not None:
        raise refused
    return changes


_NO_VALUES: dict[str, FieldValueUnion] = {}
_READ_ONLY_ON_CREATE = system_fields.SERVICE_SET
_READ_ONLY_ON_UPDATE = system_fields.SERVICE_SET | {"reference_number"}


def _refuse_ids(
    domain: Domain,
    ids: list[str],
    stored: Mapping[str, FieldValueUnion],
    read_only: frozenset[str],
) -> NoReturn:
    """Refuse a request whose ids are not all unique, known, live (or already held) and
    writable, naming the offending ids of the first kind of problem found."""
    _refuse(_repeated(ids), "appear more than once in the request")
    _refuse(
        [i for i in ids if i not in domain.fields], f"do not exist in domain {domain.domain_id}"
    )
    _refuse([i for i in ids if domain.fields[i].deleted and i not in stored], "have been deleted")
    _refuse([i for i in ids if i in read_only], "are set by the service and cannot be written")
    raise AssertionError(f"no refusal for the field ids {ids}")  # unreachable


def _repeated(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for field_id in ids:
        if field_id in seen and field_id not in repeated:
            repeated.append(field_id)
        seen.add(field_id)
    return repeated


def _refuse(ids: list[str], reason: str) -> None:
    if ids:
        raise validation_error(f"Fields [{', '.join(ids)}] {reason}.")


def template_required(domain: Domain, template: Template, settings: Settings) -> list[str]:
    """The fields a case of ``template`` must always hold: ``title``, the template's live
    ``requiredFields`` and (strict switch) ``customer_id``."""
    required = list(ALWAYS_REQUIRED)
    if settings.require_customer_id:
        required.append("customer_id")
    for entry in template.required_fields:
        field_id = entry["fieldId"]
        found = domain.fields.get(field_id)
        if found is not None and not found.deleted and field_id not in required:
            required.append(field_id)
    return required


def missing(required: Iterable[str], values: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The ids in ``required`` without a value in ``values``."""
    return [field_id for field_id in required if not has_value(values.get(field_id))]


def refuse_missing(ids: list[str], why: str) -> None:
    if ids:
        raise validation_error(f"Required field(s) [{', '.join(ids)}] {why}.")


def refuse_cleared(changes: Mapping[str, FieldValueUnion], required: Iterable[str]) -> None:
    """emptyValue (or a blank string) on a required field: ValidationException."""
    cleared = [i for i in required if i in changes and not has_value(changes[i])]
    if cleared:
        raise validation_error(
            f"Fields [{', '.join(cleared)}] are required on this case's template and "
            "cannot be emptied."
        )


def check_rules(
    domain: Domain,
    template: Template,
    before: Mapping[str, Mapping[str, Any]] | None,
    after: Mapping[str, Mapping[str, Any]],
    changes: Mapping[str, FieldValueUnion],
    settings: Settings,
) -> None:
    """Apply the template's case rules to the case as it would be after the request.

    ``required`` rules (``Settings.enforce_required_rules``): a field the rules require
    must hold a value; on UpdateCase (``before`` given) only a violation the update
    introduces is refused, so a case that predates a rule can still be edited.
    ``fieldOptions`` rules (``Settings.enforce_field_option_rules``): a single-select
    value written by this request must be one the rules allow for its parent's value.
    ``hidden`` rules only shape the agent UI and are never enforced.
    """
    if not (settings.enforce_required_rules or settings.enforce_field_option_rules):
        return
    if not template.rules:
        return
    pairs = [
        (details, target)
        for details, target in rules_for_template(domain, template)
        if target in domain.fields and not domain.fields[target].deleted
    ]
    if not pairs:
        return
    outcome = evaluate_rules(pairs, after)
    if settings.enforce_required_rules:
        violations = set(missing(outcome.required, after))
        if before is not None and violations:
            violations -= set(missing(evaluate_rules(pairs, before).required, before))
        refuse_missing(sorted(violations), "are required by the template's case rules")
    if settings.enforce_field_option_rules:
        for field_id, value in changes.items():
            text = value.get("stringValue")
            if text is not None and not outcome.option_allowed(field_id, text):
                raise validation_error(
                    f"{text!r} is not an allowed option of field {field_id} for the current "
                    "value of its parent field (case rule)."
                )
