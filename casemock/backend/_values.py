"""Field values, in one place: the members of the ``FieldValueUnion``, the member and the
search operators each field type takes, and the helpers that read a stored value.

Field types (docs/behaviour.md#fields-and-options, docs/behaviour.md#search):

=============  ==================  ============================================
type           value member        search operators
=============  ==================  ============================================
Text, Url      stringValue         equalTo, contains, the four range operators
Number         doubleValue         equalTo and the four range operators
DateTime       stringValue (ISO)   equalTo and the four range operators
Boolean        booleanValue        equalTo
SingleSelect   stringValue         equalTo
User           userArnValue        equalTo
any            emptyValue          equalTo: the field has no value
=============  ==================  ============================================

The system field ``assigned_user`` is a Text field that holds a Connect user ARN: it takes
``userArnValue`` as well as ``stringValue``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

MEMBERS = ("stringValue", "doubleValue", "booleanValue", "emptyValue", "userArnValue")
EMPTY: dict[str, Any] = {"emptyValue": {}}

RANGE: dict[str, Callable[[Any, Any], bool]] = {
    "greaterThan": operator.gt,
    "greaterThanOrEqualTo": operator.ge,
    "lessThan": operator.lt,
    "lessThanOrEqualTo": operator.le,
}
OPERATORS = ("equalTo", "contains", *RANGE)
_ALL = frozenset(OPERATORS)
_ORDERED = frozenset({"equalTo", *RANGE})
_EQUAL = frozenset({"equalTo"})

RANGE_OPERATORS = tuple(RANGE)
EQUAL_ONLY = _EQUAL

# field type -> (value member, search operators)
TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "Text": ("stringValue", _ALL),
    "Url": ("stringValue", _ALL),
    "Number": ("doubleValue", _ORDERED),
    "DateTime": ("stringValue", _ORDERED),
    "Boolean": ("booleanValue", _EQUAL),
    "SingleSelect": ("stringValue", _EQUAL),
    "User": ("userArnValue", _EQUAL),
}
# Fields that take more members than their type does, by field id.
FIELD_MEMBERS = {"assigned_user": frozenset({"stringValue", "userArnValue"})}
_TYPE_MEMBERS = {name: frozenset({member}) for name, (member, _) in TYPES.items()}
_NO_MEMBERS: frozenset[str] = frozenset()
MEMBER_SET = frozenset(MEMBERS)


def search_rule(field_type: str) -> tuple[str, frozenset[str]]:
    """The value member a search filter on a field of ``field_type`` uses, and the
    operators it may use (an unknown type: ``stringValue`` with ``equalTo``)."""
    return TYPES.get(field_type, ("stringValue", _EQUAL))


def members_for(field_id: str, field_type: str) -> frozenset[str]:
    """The value members a field accepts (besides ``emptyValue``)."""
    special = FIELD_MEMBERS.get(field_id)
    if special is not None:
        return special
    return _TYPE_MEMBERS.get(field_type, _NO_MEMBERS)


def member_of(value: Mapping[str, Any]) -> tuple[str, Any]:
    """The union member a value uses and its content (``("emptyValue", {})`` if none)."""
    if len(value) == 1:  # a validated union: its one member
        ((member, item),) = value.items()
        if item is not None and member in MEMBER_SET:
            return member, item
    for member in MEMBERS:
        item = value.get(member)
        if item is not None:
            return member, item
    return "emptyValue", {}


def has_value(value: Mapping[str, Any] | None) -> bool:
    """Whether a stored or submitted value counts as a value (not empty, not blank)."""
    if not value:
        return False
    member, item = member_of(value)
    if member == "emptyValue":
        return False
    return not (member in ("stringValue", "userArnValue") and item == "")
