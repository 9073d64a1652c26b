"""The case rule evaluator: pure functions over a case's field values.

A case's values are ``{field_id: FieldValueUnion wire dict}``, e.g.
``{"status": {"stringValue": "closed"}}``; a field that is absent, or holds
``{"emptyValue": {}}``, has no value. Rules are the stored ``CaseRuleDetails`` wire
dicts (``{"required": {...}}``, ``{"hidden": {...}}``, ``{"fieldOptions": {...}}``).

Semantics (docs/behaviour.md#case-rules):

- ``required`` / ``hidden``: the first condition that holds dictates the rule's value;
  when none holds, ``defaultValue`` applies.
- ``equalTo`` holds when the value of ``operandOne.fieldId`` equals ``operandTwo``;
  ``notEqualTo`` is its exact negation. ``emptyValue`` as ``operandTwo`` means "the field
  has no value".
- ``andAll`` / ``orAll`` hold when all / any of their conditions hold; their value is
  the ``result`` of their first leaf (depth first).
- ``fieldOptions``: when the parent holds a mapped value (or has no value and the empty
  parent value ``""`` is mapped), only the mapped child values are allowed; otherwise the
  child is unrestricted.

Nothing here reads or changes stored state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Values = Mapping[str, Mapping[str, Any]]
Condition = Mapping[str, Any]

LEAF_KINDS = ("equalTo", "notEqualTo")
COMPOUND_KINDS = ("andAll", "orAll")


@dataclass
class RuleOutcome:
    """What the rules say about one set of field values.

    ``allowed_options`` maps a child field id to the option values it may hold, or to
    ``None`` when no mapping restricts it for the current parent value.
    """

    required: set[str] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)
    allowed_options: dict[str, set[str] | None] = field(default_factory=dict)

    def option_allowed(self, field_id: str, value: str) -> bool:
        allowed = self.allowed_options.get(field_id)
        return allowed is None or value in allowed


def condition_kind(condition: Condition) -> str | None:
    """The union member a condition uses (``equalTo``, ``andAll``, ...), if any."""
    for kind in (*LEAF_KINDS, *COMPOUND_KINDS):
        if condition.get(kind) is not None:
            return kind
    return None


def iter_leaves(conditions: Iterable[Condition]) -> Iterator[Mapping[str, Any]]:
    """Every leaf's ``BooleanOperands``, depth first, in document order."""
    for condition in conditions:
        kind = condition_kind(condition)
        if kind in LEAF_KINDS:
            yield condition[kind]
        elif kind in COMPOUND_KINDS:
            yield from iter_leaves(condition[kind].get("conditions", []))


def nesting_depth(conditions: Sequence[Condition]) -> int:
    """Levels of conditions: a flat list of leaves is 1, leaves in an ``andAll`` are 2."""
    depth = 0
    for condition in conditions:
        kind = condition_kind(condition)
        if kind in COMPOUND_KINDS:
            depth = max(depth, 1 + nesting_depth(condition[kind].get("conditions", [])))
        elif kind is not None:
            depth = max(depth, 1)
    return depth


def has_no_value(values: Values, field_id: str) -> bool:
    value = values.get(field_id)
    return not value or "emptyValue" in value


def operands_equal(operands: Mapping[str, Any], values: Values) -> bool:
    """Whether ``operandOne``'s field value equals ``operandTwo`` (the ``equalTo`` test)."""
    field_id = operands["operandOne"].get("fieldId")
    expected = operands["operandTwo"]
    if field_id is None:
        return False
    if "emptyValue" in expected:
        return has_no_value(values, field_id)
    actual = values.get(field_id) or {}
    if "stringValue" in expected:
        text = actual.get("stringValue", actual.get("userArnValue"))
        return isinstance(text, str) and text == expected["stringValue"]
    if "booleanValue" in expected:
        flag = actual.get("booleanValue")
        return isinstance(flag, bool) and flag is bool(expected["booleanValue"])
    if "doubleValue" in expected:
        number = actual.get("doubleValue")
        return (
            isinstance(number, (int, float))
            and not isinstance(number, bool)
            and float(number) == float(expected["doubleValue"])
        )
    return False


def evaluate_condition(condition: Condition, values: Values) -> bool:
    """Whether a ``BooleanCondition`` holds for ``values``."""
    kind = condition_kind(condition)
    if kind == "equalTo":
        return operands_equal(condition[kind], values)
    if kind == "notEqualTo":
        return not operands_equal(condition[kind], values)
    if kind == "andAll":
        return all(evaluate_condition(c, values) for c in condition[kind].get("conditions", []))
    if kind == "orAll":
        return any(evaluate_condition(c, values) for c in condition[kind].get("conditions", []))
    return False


def condition_result(condition: Condition) -> bool | None:
    """The rule value a condition dictates when it holds: its own ``result`` for a leaf,
    the first leaf's ``result`` for a compound (``None`` for a compound without leaves)."""
    for operands in iter_leaves([condition]):
        return bool(operands["result"])
    return None


def rule_value(rule: Mapping[str, Any], values: Values) -> bool:
    """The value of a ``RequiredCaseRule`` or ``HiddenCaseRule`` for ``values``."""
    for condition in rule.get("conditions", []):
        result = condition_result(condition)
        if result is not None and evaluate_condition(condition, values):
            return result
    return bool(rule["defaultValue"])


def allowed_child_options(rule: Mapping[str, Any], values: Values) -> set[str] | None:
    """The child option values a ``FieldOptionsCaseRule`` allows for ``values``; ``None``
    when the parent's current value is not mapped (the child is then unrestricted)."""
    parent_id = rule.get("parentFieldId")
    parent_value: Any = ""
    if parent_id is not None and not has_no_value(values, parent_id):
        parent_value = values[parent_id].get("stringValue")
    for mapping in rule.get("parentChildFieldOptionsMappings", []):
        if mapping["parentFieldOptionValue"] == parent_value:
            return set(mapping["childFieldOptionValues"])
    return None


def evaluate_rules(rules: Iterable[tuple[Mapping[str, Any], str]], values: Values) -> RuleOutcome:
    """Apply rules (``(CaseRuleDetails, target field id)`` pairs, as a template attaches
    them) to ``values``. A field is required (hidden) if any rule on it says so; several
    fieldOptions rules on one child field allow the intersection of what each allows.
    A fieldOptions rule acts on its own ``childFieldId`` (the target when it has none)."""
    outcome = RuleOutcome()
    for details, target in rules:
        if details.get("required") is not None:
            if rule_value(details["required"], values):
                outcome.required.add(target)
        elif details.get("hidden") is not None:
            if rule_value(details["hidden"], values):
                outcome.hidden.add(target)
        elif details.get("fieldOptions") is not None:
            options = details["fieldOptions"]
            child = options.get("childFieldId") or target
            allowed = allowed_child_options(options, values)
            known = outcome.allowed_options.get(child)
            if known is not None and allowed is not None:
                allowed = known & allowed
            elif known is not None:
                allowed = known
            outcome.allowed_options[child] = allowed
    return outcome
