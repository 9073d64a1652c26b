"""The case rule evaluator on its own: spec examples, then hypothesis against a
straightforward reference implementation."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from casemock.backend.config.rule_evaluator import (
    RuleOutcome,
    allowed_child_options,
    evaluate_condition,
    evaluate_rules,
    iter_leaves,
    nesting_depth,
    rule_value,
)


def leaf(kind: str, field_id: str, operand: dict[str, Any], result: bool = True) -> dict[str, Any]:
    return {kind: {"operandOne": {"fieldId": field_id}, "operandTwo": operand, "result": result}}


def eq(field_id: str, operand: dict[str, Any], result: bool = True) -> dict[str, Any]:
    return leaf("equalTo", field_id, operand, result)


def ne(field_id: str, operand: dict[str, Any], result: bool = True) -> dict[str, Any]:
    return leaf("notEqualTo", field_id, operand, result)


EMPTY: dict[str, Any] = {"emptyValue": {}}
CLOSE_REASON_RULE = {"defaultValue": False, "conditions": [eq("status", {"stringValue": "closed"})]}


# -- examples from the spec ---------------------------------------------------------------


def test_close_reason_is_required_when_status_is_closed() -> None:
    """S5: "If Status = Closed, then the Close Reason field must be populated"."""
    rules = [({"required": CLOSE_REASON_RULE}, "close_reason")]
    closed = evaluate_rules(rules, {"status": {"stringValue": "closed"}})
    assert closed.required == {"close_reason"}
    assert evaluate_rules(rules, {"status": {"stringValue": "open"}}).required == set()
    assert evaluate_rules(rules, {}).required == set()


def test_required_when_date_opened_is_not_blank() -> None:
    """S5: Agent Handle Reason is required once Date/Time Opened is not blank."""
    rule = {"defaultValue": False, "conditions": [ne("created_datetime", EMPTY)]}
    assert rule_value(rule, {"created_datetime": {"stringValue": "2025-01-01T00:00:00Z"}})
    assert not rule_value(rule, {})
    assert not rule_value(rule, {"created_datetime": {"emptyValue": {}}})


def test_default_value_applies_when_no_condition_holds() -> None:
    assert rule_value({"defaultValue": True, "conditions": []}, {}) is True
    assert rule_value({**CLOSE_REASON_RULE, "defaultValue": True}, {}) is True


def test_the_first_condition_that_holds_dictates_the_value() -> None:
    closed = {"stringValue": "closed"}
    rule: Any = {
        "defaultValue": True,
        "conditions": [eq("status", {"stringValue": "open"}), eq("status", closed, False)],
    }
    values = {"status": closed}
    assert rule_value(rule, values) is False
    rule["conditions"].append(eq("status", closed, True))
    assert rule_value(rule, values) is False


def test_a_compound_takes_the_result_of_its_first_leaf() -> None:
    """Spec 19 #12: a compound holds when all/any children hold; its value is the result
    of its first leaf."""
    values: dict[str, Any] = {"a": {"stringValue": "x"}, "b": {"booleanValue": True}}
    both = {
        "andAll": {
            "conditions": [eq("a", {"stringValue": "x"}, False), eq("b", {"booleanValue": True})]
        }
    }
    assert rule_value({"defaultValue": True, "conditions": [both]}, values) is False
    either = {
        "orAll": {
            "conditions": [
                eq("a", {"stringValue": "y"}, True),
                eq("b", {"booleanValue": True}, False),
            ]
        }
    }
    assert evaluate_condition(either, values)
    assert rule_value({"defaultValue": False, "conditions": [either]}, values) is True
    assert not evaluate_condition(both, {"a": {"stringValue": "x"}})


def test_empty_value_means_absent_or_emptied() -> None:
    assert evaluate_condition(eq("f", EMPTY), {})
    assert evaluate_condition(eq("f", EMPTY), {"f": {"emptyValue": {}}})
    assert not evaluate_condition(eq("f", EMPTY), {"f": {"stringValue": ""}})
    assert not evaluate_condition(eq("f", EMPTY), {"f": {"booleanValue": False}})


def test_values_compare_by_type() -> None:
    assert not evaluate_condition(eq("f", {"doubleValue": 1.0}), {"f": {"booleanValue": True}})
    assert not evaluate_condition(eq("f", {"booleanValue": True}), {"f": {"doubleValue": 1.0}})
    assert not evaluate_condition(eq("f", {"stringValue": "1"}), {"f": {"doubleValue": 1.0}})
    assert evaluate_condition(eq("f", {"doubleValue": 2}), {"f": {"doubleValue": 2.0}})
    assert not evaluate_condition(eq("f", {"stringValue": "x"}), {})


def test_a_user_value_compares_with_a_string_operand() -> None:
    arn = "arn:aws:connect:us-east-1:123456789012:instance/i/user/u"
    assert evaluate_condition(
        eq("assigned_user", {"stringValue": arn}), {"assigned_user": {"userArnValue": arn}}
    )


def test_hidden_rules_mark_their_target() -> None:
    show_when_refund = {
        "hidden": {
            "defaultValue": True,
            "conditions": [eq("case_reason", {"stringValue": "refund"}, False)],
        }
    }
    rules = [(show_when_refund, "amount")]
    assert evaluate_rules(rules, {}).hidden == {"amount"}
    assert evaluate_rules(rules, {"case_reason": {"stringValue": "refund"}}).hidden == set()


# -- fieldOptions -------------------------------------------------------------------------

COUNTRY_STATE = {
    "parentFieldId": "country",
    "childFieldId": "state",
    "parentChildFieldOptionsMappings": [
        {"parentFieldOptionValue": "usa", "childFieldOptionValues": ["ny", "wa"]},
        {"parentFieldOptionValue": "canada", "childFieldOptionValues": ["on"]},
    ],
}


def test_a_mapped_parent_value_allows_only_its_children() -> None:
    assert allowed_child_options(COUNTRY_STATE, {"country": {"stringValue": "usa"}}) == {"ny", "wa"}


def test_an_unmapped_parent_value_leaves_the_child_unrestricted() -> None:
    assert allowed_child_options(COUNTRY_STATE, {"country": {"stringValue": "mexico"}}) is None
    assert allowed_child_options(COUNTRY_STATE, {}) is None


def test_the_empty_parent_value_maps_a_parent_without_value() -> None:
    rule = {
        **COUNTRY_STATE,
        "parentChildFieldOptionsMappings": [
            {"parentFieldOptionValue": "", "childFieldOptionValues": []},
        ],
    }
    assert allowed_child_options(rule, {}) == set()
    assert allowed_child_options(rule, {"country": {"emptyValue": {}}}) == set()
    assert allowed_child_options(rule, {"country": {"stringValue": "usa"}}) is None


def test_field_options_rules_on_one_child_intersect() -> None:
    narrower = {
        **COUNTRY_STATE,
        "parentFieldId": "region",
        "parentChildFieldOptionsMappings": [
            {"parentFieldOptionValue": "east", "childFieldOptionValues": ["ny", "on"]}
        ],
    }
    values = {"country": {"stringValue": "usa"}, "region": {"stringValue": "east"}}
    rules = [({"fieldOptions": COUNTRY_STATE}, "ignored"), ({"fieldOptions": narrower}, "state")]
    outcome = evaluate_rules(rules, values)
    assert outcome.allowed_options == {"state": {"ny"}}
    assert outcome.option_allowed("state", "ny")
    assert not outcome.option_allowed("state", "wa")
    assert outcome.option_allowed("other", "anything")
    unrestricted = evaluate_rules(rules, {"country": {"stringValue": "usa"}})
    assert unrestricted.allowed_options == {"state": {"ny", "wa"}}


def test_no_rules_mean_no_outcome() -> None:
    assert evaluate_rules([], {"status": {"stringValue": "open"}}) == RuleOutcome()


def test_structure_helpers() -> None:
    flat = [eq("a", EMPTY), ne("b", EMPTY)]
    nested = [{"andAll": {"conditions": [{"orAll": {"conditions": flat}}]}}]
    assert nesting_depth([]) == 0
    assert nesting_depth(flat) == 1
    assert nesting_depth(nested) == 3
    assert [o["operandOne"]["fieldId"] for o in iter_leaves(nested)] == ["a", "b"]


# -- hypothesis: against a reference implementation -----------------------------------------

FIELDS = ("a", "b", "c")
field_values = st.one_of(
    st.builds(lambda s: {"stringValue": s}, st.sampled_from(["", "x", "y"])),
    st.builds(lambda s: {"userArnValue": s}, st.sampled_from(["x", "u"])),
    st.builds(lambda b: {"booleanValue": b}, st.booleans()),
    st.builds(lambda d: {"doubleValue": d}, st.sampled_from([0.0, 1.0, 2.5])),
    st.just({"emptyValue": {}}),
)
case_values = st.dictionaries(st.sampled_from(FIELDS), field_values)
operands = st.one_of(
    st.builds(lambda s: {"stringValue": s}, st.sampled_from(["x", "y"])),
    st.builds(lambda b: {"booleanValue": b}, st.booleans()),
    st.builds(lambda d: {"doubleValue": d}, st.sampled_from([0.0, 1.0, 2.5])),
    st.just({"emptyValue": {}}),
)
leaves = st.builds(
    leaf,
    st.sampled_from(["equalTo", "notEqualTo"]),
    st.sampled_from(FIELDS),
    operands,
    st.booleans(),
)
conditions = st.recursive(
    leaves,
    lambda children: st.builds(
        lambda kind, cs: {kind: {"conditions": cs}},
        st.sampled_from(["andAll", "orAll"]),
        st.lists(children, max_size=3),
    ),
    max_leaves=6,
)
rules = st.fixed_dictionaries(
    {"defaultValue": st.booleans(), "conditions": st.lists(conditions, max_size=4)}
)


def normal(value: dict[str, Any] | None) -> tuple[str, Any] | None:
    """A value as (type, payload), or None when blank; user ARNs are strings."""
    if value is None or "emptyValue" in value:
        return None
    if "stringValue" in value or "userArnValue" in value:
        return ("string", value.get("stringValue", value.get("userArnValue")))
    if "booleanValue" in value:
        return ("boolean", value["booleanValue"])
    return ("number", float(value["doubleValue"]))


def reference_holds(condition: dict[str, Any], values: dict[str, Any]) -> bool:
    [(kind, body)] = condition.items()
    if kind in ("andAll", "orAll"):
        results = [reference_holds(c, values) for c in body["conditions"]]
        return all(results) if kind == "andAll" else any(results)
    same = normal(values.get(body["operandOne"]["fieldId"])) == normal(body["operandTwo"])
    return same if kind == "equalTo" else not same


def reference_leaves(condition: dict[str, Any]) -> list[dict[str, Any]]:
    [(kind, body)] = condition.items()
    if kind in ("andAll", "orAll"):
        return [x for c in body["conditions"] for x in reference_leaves(c)]
    return [body]


def reference_rule_value(rule: dict[str, Any], values: dict[str, Any]) -> bool:
    for condition in rule["conditions"]:
        found = reference_leaves(condition)
        if found and reference_holds(condition, values):
            return bool(found[0]["result"])
    return bool(rule["defaultValue"])


@given(conditions, case_values)
def test_conditions_agree_with_the_reference(
    condition: dict[str, Any], values: dict[str, Any]
) -> None:
    assert evaluate_condition(condition, values) == reference_holds(condition, values)


@given(rules, case_values)
def test_rule_values_agree_with_the_reference(rule: dict[str, Any], values: dict[str, Any]) -> None:
    assert rule_value(rule, values) == reference_rule_value(rule, values)


@given(st.sampled_from(FIELDS), operands, st.booleans(), case_values)
def test_not_equal_to_is_the_negation_of_equal_to(
    field_id: str, operand: dict[str, Any], result: bool, values: dict[str, Any]
) -> None:
    assert evaluate_condition(ne(field_id, operand, result), values) is not evaluate_condition(
        eq(field_id, operand, result), values
    )


@given(st.lists(leaves, min_size=1, max_size=4), case_values)
def test_or_all_is_not_and_all_of_the_negations(
    children: list[dict[str, Any]], values: dict[str, Any]
) -> None:
    negated = [
        {("notEqualTo" if "equalTo" in c else "equalTo"): next(iter(c.values()))} for c in children
    ]
    or_all = {"orAll": {"conditions": children}}
    and_all = {"andAll": {"conditions": negated}}
    assert evaluate_condition(or_all, values) is not evaluate_condition(and_all, values)


@given(rules, case_values, st.sampled_from(["required", "hidden"]))
def test_evaluate_rules_applies_rule_value_to_the_target(
    rule: dict[str, Any], values: dict[str, Any], kind: str
) -> None:
    outcome = evaluate_rules([({kind: rule}, "target")], values)
    marked = outcome.required if kind == "required" else outcome.hidden
    assert ("target" in marked) is rule_value(rule, values)
    assert outcome.allowed_options == {}


@given(
    st.dictionaries(
        st.sampled_from(["", "p", "q"]), st.sets(st.sampled_from(["1", "2", "3"])), min_size=1
    ),
    st.one_of(st.none(), st.sampled_from(["p", "q", "r"])),
)
def test_field_options_follow_the_mapping(mapping: dict[str, set[str]], parent: str | None) -> None:
    rule = {
        "parentFieldId": "parent",
        "childFieldId": "child",
        "parentChildFieldOptionsMappings": [
            {"parentFieldOptionValue": p, "childFieldOptionValues": sorted(c)}
            for p, c in mapping.items()
        ],
    }
    values = {} if parent is None else {"parent": {"stringValue": parent}}
    assert allowed_child_options(rule, values) == mapping.get(parent or "")
