"""Case rules ("case field conditions"): CreateCaseRule, UpdateCaseRule, DeleteCaseRule,
ListCaseRules, BatchGetCaseRule.

A rule is a ``required``, ``hidden`` or ``fieldOptions`` rule; templates attach rules to
fields (``rules: [{caseRuleId, fieldId}]``). ``rules_for_template`` hands a template's
live rules to the evaluator in ``rule_evaluator``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from casemock import _model
from casemock._errors import conflict, not_found, quota_exceeded, validation_error
from casemock.backend._context import Context
from casemock.backend._pagination import page_by_creation
from casemock.backend._records import CaseRule, Domain, Field, Template
from casemock.backend._registry import operation
from casemock.backend.config.fields import live_field
from casemock.backend.config.rule_evaluator import COMPOUND_KINDS, condition_kind, iter_leaves

MAX_CONDITIONS = 5  # "a maximum of 5 conditions, spread across a maximum of 2 levels"
MAX_NESTING = 2
RULE_TYPES = {"required": "Required", "hidden": "Hidden", "fieldOptions": "FieldOptions"}


def live_case_rule(domain: Domain, case_rule_id: str) -> CaseRule | None:
    """The case rule with this id if it exists in the domain and is not deleted."""
    found = domain.case_rules.get(case_rule_id)
    if found is None or found.deleted:
        return None
    return found


def rules_for_template(domain: Domain, template: Template) -> list[tuple[dict[str, Any], str]]:
    """The template's live rules as ``(CaseRuleDetails, target field id)`` pairs for
    ``rule_evaluator.evaluate_rules``; a fieldOptions rule targets its ``childFieldId``."""
    pairs = []
    for entry in template.rules:
        rule = live_case_rule(domain, entry["caseRuleId"])
        if rule is None:
            continue
        options = rule.rule.get("fieldOptions") or {}
        target = options.get("childFieldId") or entry.get("fieldId")
        if target:
            pairs.append((rule.rule, target))
    return pairs


def _require_rule(domain: Domain, case_rule_id: str) -> CaseRule:
    found = domain.case_rules.get(case_rule_id)
    if found is None:
        raise not_found(
            "CaseRule", case_rule_id, f"Case rule {case_rule_id} not found in the domain"
        )
    return found


# -- validation -----------------------------------------------------------------------


def check_rule(domain: Domain, rule: Mapping[str, Any]) -> None:
    """ValidationException unless ``rule`` (a CaseRuleDetails) fits the domain's fields."""
    if rule.get("fieldOptions") is not None:
        _check_field_options(domain, rule["fieldOptions"])
        return
    kind = "required" if rule.get("required") is not None else "hidden"
    _check_conditions(domain, rule[kind]["conditions"], f"rule.{kind}.conditions")


def _check_conditions(domain: Domain, conditions: Sequence[Mapping[str, Any]], where: str) -> None:
    leaves = list(iter_leaves(conditions))
    if len(leaves) > MAX_CONDITIONS:
        raise validation_error(
            f"A case rule can have at most {MAX_CONDITIONS} conditions; {where} has {len(leaves)}."
        )
    _check_nesting(conditions, where, 1)
    for operands in leaves:
        field_id = operands["operandOne"].get("fieldId")
        if field_id is None:
            raise validation_error(f"Every condition in {where} needs operandOne.fieldId.")
        if live_field(domain, field_id) is None:
            raise validation_error(
                f"Field {field_id} in {where} does not exist in the domain or has been deleted."
            )


def _check_nesting(conditions: Sequence[Mapping[str, Any]], where: str, level: int) -> None:
    for condition in conditions:
        kind = condition_kind(condition)
        if kind not in COMPOUND_KINDS:
            continue
        children = condition[kind]["conditions"]
        if level >= MAX_NESTING:
            raise validation_error(
                f"Conditions in {where} can be nested at most {MAX_NESTING} levels deep."
            )
        if not children:
            raise validation_error(f"A {kind} condition in {where} needs at least one condition.")
        _check_nesting(children, where, level + 1)


def _single_select(domain: Domain, field_id: str | None, role: str) -> Field:
    if field_id is None:
        raise validation_error(f"A fieldOptions rule needs {role}FieldId.")
    found = live_field(domain, field_id)
    if found is None:
        raise validation_error(
            f"The {role} field {field_id} does not exist in the domain or has been deleted."
        )
    if found.type != "SingleSelect":
        raise validation_error(
            f"The {role} field {field_id} is a {found.type} field; fieldOptions rules need "
            "SingleSelect fields."
        )
    return found


def _check_field_options(domain: Domain, rule: Mapping[str, Any]) -> None:
    parent = _single_select(domain, rule.get("parentFieldId"), "parent")
    child = _single_select(domain, rule.get("childFieldId"), "child")
    if parent.field_id == child.field_id:
        raise validation_error("The parent and child fields of a fieldOptions rule must differ.")
    seen: set[str] = set()
    for mapping in rule["parentChildFieldOptionsMappings"]:
        value = mapping["parentFieldOptionValue"]
        if value in seen:
            raise validation_error(f"The parent option value {value!r} is mapped twice.")
        seen.add(value)
        if value and value not in parent.options:
            raise validation_error(
                f"{value!r} is not an option of the parent field {parent.field_id}."
            )
        unknown = [v for v in mapping["childFieldOptionValues"] if v not in child.options]
        if unknown:
            raise validation_error(
                f"{unknown} are not options of the child field {child.field_id}."
            )


def _check_name_free(domain: Domain, name: str, own_id: str | None) -> None:
    for rule in domain.case_rules.values():
        if rule.name == name and not rule.deleted and rule.case_rule_id != own_id:
            raise conflict(f"A case rule named {name!r} already exists in this domain.")


# -- operations -----------------------------------------------------------------------


@operation("CreateCaseRule")
def create_case_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    check_rule(domain, params["rule"])
    _check_name_free(domain, params["name"], None)
    live = sum(1 for r in domain.case_rules.values() if not r.deleted)
    if live >= ctx.settings.case_rules:
        raise quota_exceeded(
            f"The domain already has {live} case rules, the quota is {ctx.settings.case_rules}."
        )
    rule_id = ctx.new_id()
    now = ctx.now()
    rule = CaseRule(
        seq=ctx.next_seq(),
        case_rule_id=rule_id,
        arn=f"{domain.arn}/case-rule/{rule_id}",
        name=params["name"],
        description=params.get("description"),
        rule=copy.deepcopy(params["rule"]),
        created_time=now,
        last_modified_time=now,
    )
    domain.case_rules[rule_id] = rule
    return {"caseRuleId": rule_id, "caseRuleArn": rule.arn}


@operation("UpdateCaseRule")
def update_case_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    rule = _require_rule(domain, params["caseRuleId"])
    if rule.deleted:
        raise validation_error(f"Case rule {rule.case_rule_id} has been deleted.")
    name, description, details = params.get("name"), params.get("description"), params.get("rule")
    if details is not None:
        check_rule(domain, details)
    if name is not None:
        _check_name_free(domain, name, rule.case_rule_id)
    if name is None and description is None and details is None:
        return {}
    if name is not None:
        rule.name = name
    if description is not None:
        rule.description = description
    if details is not None:
        rule.rule = copy.deepcopy(details)
    rule.last_modified_time = ctx.now()
    return {}


@operation("DeleteCaseRule")
def delete_case_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    rule = _require_rule(domain, params["caseRuleId"])
    if rule.deleted:
        return {}
    for template in domain.templates.values():
        if not template.deleted and any(
            entry.get("caseRuleId") == rule.case_rule_id for entry in template.rules
        ):
            raise conflict(
                f"Case rule {rule.case_rule_id} is used by template {template.template_id}; "
                "remove it from the template first."
            )
    rule.deleted = True
    rule.last_modified_time = ctx.now()
    return {}


@operation("ListCaseRules")
def list_case_rules(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    items, token = page_by_creation(
        (r for r in domain.case_rules.values() if not r.deleted),
        params,
        {"operation": "ListCaseRules", "domainId": domain.domain_id},
    )
    result: dict[str, Any] = {"caseRules": [_summary(r) for r in items]}
    if token:
        result["nextToken"] = token
    return result


def _summary(rule: CaseRule) -> dict[str, Any]:
    summary = {
        "caseRuleId": rule.case_rule_id,
        "name": rule.name,
        "caseRuleArn": rule.arn,
        "ruleType": next(RULE_TYPES[k] for k in RULE_TYPES if rule.rule.get(k) is not None),
    }
    if rule.description is not None:
        summary["description"] = rule.description
    return summary


@operation("BatchGetCaseRule")
def batch_get_case_rule(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    found: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for rule_id in dict.fromkeys(item["id"] for item in params["caseRules"]):
        rule = domain.case_rules.get(rule_id)
        if rule is None:
            errors.append(
                {
                    "id": rule_id,
                    "errorCode": "ResourceNotFoundException",
                    "message": f"Case rule {rule_id} not found in the domain",
                }
            )
        else:
            found.append(_details(rule))
    result: dict[str, Any] = {"caseRules": found, "errors": errors}
    if _model.has_member("BatchGetCaseRuleResponse", "unprocessedCaseRules"):
        result["unprocessedCaseRules"] = []
    return result


def _details(rule: CaseRule) -> dict[str, Any]:
    details: dict[str, Any] = {
        "caseRuleId": rule.case_rule_id,
        "name": rule.name,
        "caseRuleArn": rule.arn,
        "rule": copy.deepcopy(rule.rule),
        "deleted": rule.deleted,
        "createdTime": rule.created_time,
        "lastModifiedTime": rule.last_modified_time,
        "tags": dict(rule.tags),
    }
    if rule.description is not None:
        details["description"] = rule.description
    return details
