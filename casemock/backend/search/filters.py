"""SearchCases filters: a ``CaseFilter`` is checked against the domain's fields once and
compiled into a predicate over cases plus an index plan (the candidate cases an index
lookup can name, when the filter allows one).

Operators by field type (see docs/behaviour.md, "Search"):

=============  ==================  ============================================
type           value member        operators
=============  ==================  ============================================
Text, Url      stringValue         equalTo (exact), contains (case-insensitive),
                                   greater/less than (code point order)
Number         doubleValue         equalTo and the four range operators
DateTime       stringValue (ISO)   equalTo and the four range operators (instants)
Boolean        booleanValue        equalTo
SingleSelect   stringValue         equalTo (option value)
User           userArnValue        equalTo
any            emptyValue          equalTo: the case has no value for the field
=============  ==================  ============================================

A comparison never matches a case that has no value for the field (so ``not`` of it
does). Filters may name deleted fields; they match the values cases still hold.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casemock._errors import validation_error
from casemock._timestamps import parse_instant
from casemock.backend.search.index import SEPARATOR, CaseIndex, index_for, text_of

if TYPE_CHECKING:
    from casemock.backend._records import Case, Domain

MAX_DEPTH = 10
"""Nesting limit: CaseFilter objects on the longest path from the root (a leaf is 1)."""

Predicate = Callable[["Case"], bool]
Plan = Callable[[], Collection[str]]

_RANGE = {
    "greaterThan": operator.gt,
    "greaterThanOrEqualTo": operator.ge,
    "lessThan": operator.lt,
    "lessThanOrEqualTo": operator.le,
}
_ALL_OPERATORS = frozenset({"equalTo", "contains", *_RANGE})
_ORDERED = frozenset({"equalTo", *_RANGE})
_EQUAL = frozenset({"equalTo"})
# field type -> (value member, operators)
_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "Text": ("stringValue", _ALL_OPERATORS),
    "Url": ("stringValue", _ALL_OPERATORS),
    "Number": ("doubleValue", _ORDERED),
    "DateTime": ("stringValue", _ORDERED),
    "Boolean": ("booleanValue", _EQUAL),
    "SingleSelect": ("stringValue", _EQUAL),
    "User": ("userArnValue", _EQUAL),
}
# Text fields that also take userArnValue (assigned_user holds a Connect user ARN).
_USER_ARN_TEXT = frozenset({"assigned_user"})


_FILTER_KINDS = ("field", "not", "tag", "andAll", "orAll")
_OPERATORS = ("equalTo", "contains", *_RANGE)
_VALUE_MEMBERS = ("stringValue", "doubleValue", "booleanValue", "emptyValue", "userArnValue")


@dataclass(frozen=True)
class CompiledFilter:
    matches: Predicate
    # Ids of a superset of the matching cases, or None: every case is a candidate.
    candidates: Plan | None = None
    # True: the candidates come from an index lookup (cheap); False: from one scan of the
    # prepared texts of every case (cheaper than the predicate, still linear).
    indexed: bool = True
    exact: bool = False  # the candidates are exactly the matching cases
    check: Predicate | None = None  # what candidates must pass, when less than ``matches``

    @property
    def residual(self) -> Predicate | None:
        """What the candidates must still pass; None when they are the matches."""
        return None if self.exact else (self.check or self.matches)


def _always(case: Case) -> bool:
    return True


MATCH_ALL = CompiledFilter(_always)


def compile_filter(domain: Domain, case_filter: dict[str, Any] | None) -> CompiledFilter:
    """Check ``case_filter`` against ``domain`` (ValidationException) and compile it."""
    index = index_for(domain)
    if not case_filter:
        return MATCH_ALL
    return _compile(domain, index, case_filter, "filter", 1)


def compile_search_term(index: CaseIndex, search_term: str | None) -> CompiledFilter:
    """A case-insensitive substring match over the case's string values (no constraint
    when the term is empty after trimming surrounding whitespace)."""
    index.refresh()
    term = (search_term or "").strip().casefold()
    if not term:
        return MATCH_ALL
    texts = index.texts
    if SEPARATOR in term:  # the joined text could match across two values: check each

        def each_value(case: Case) -> bool:
            return any(
                term in text.casefold()
                for value in case.values.values()
                if (text := text_of(value)) is not None
            )

        return CompiledFilter(each_value, _text_scan(index, term), indexed=False)

    def joined(case: Case) -> bool:
        return term in texts.get(case.case_id, "")

    return CompiledFilter(joined, _text_scan(index, term), indexed=False, exact=True)


def all_of(filters: list[CompiledFilter]) -> CompiledFilter:
    """Cases matching every filter; the cheapest candidate plan of the filters."""
    useful = [f for f in filters if f is not MATCH_ALL]
    if not useful:
        return MATCH_ALL
    if len(useful) == 1:
        return useful[0]
    matches = _conjunction([f.matches for f in useful])
    used = [f for f in useful if f.candidates is not None and f.indexed]
    if not used:  # no index lookup: one text scan, preferably an exact one
        scans = sorted((f for f in useful if f.candidates is not None), key=lambda f: not f.exact)
        used = scans[:1]
    if not used:
        return CompiledFilter(matches)
    plans = [f.candidates for f in used if f.candidates is not None]
    left = [r for f in used if (r := f.residual) is not None]
    left += [f.matches for f in useful if not any(f is u for u in used)]
    return CompiledFilter(
        matches,
        plans[0] if len(plans) == 1 else _intersection(plans),
        indexed=used[0].indexed,
        exact=not left,
        check=_conjunction(left) if left else None,
    )


def _text_scan(index: CaseIndex, needle: str) -> Plan:
    """The cases whose joined text contains ``needle``: a superset of the cases with a
    value containing it (the joined text holds every value)."""
    texts = index.texts
    return lambda: [case_id for case_id, text in texts.items() if needle in text]


def _conjunction(predicates: list[Predicate]) -> Predicate:
    if len(predicates) == 1:
        return predicates[0]
    if len(predicates) == 2:
        first, second = predicates
        return lambda case: first(case) and second(case)

    def every(case: Case) -> bool:
        for predicate in predicates:  # noqa: SIM110 (no generator per case: faster)
            if not predicate(case):
                return False
        return True

    return every


def _intersection(plans: list[Plan]) -> Plan:
    def intersect() -> Collection[str]:
        found = sorted((plan() for plan in plans), key=len)
        if len(found) == 1:
            return found[0]
        result = set(found[0])
        for other in found[1:]:
            if not result:
                break
            result.intersection_update(other)
        return result

    return intersect


def _compile(
    domain: Domain, index: CaseIndex, node: dict[str, Any], path: str, depth: int
) -> CompiledFilter:
    if depth > MAX_DEPTH:
        raise validation_error(
            f"The filter is nested more than {MAX_DEPTH} levels deep at {path}; "
            "flatten it with andAll/orAll."
        )
    (kind, body) = _member(node, _FILTER_KINDS, path)
    if kind == "field":
        return _field(domain, index, body, f"{path}.field")
    if kind == "tag":
        (_, tag) = _member(body, ("equalTo",), f"{path}.tag")
        key: str | None = tag.get("key")
        value: str | None = tag.get("value")
        if key is None or value is None:
            raise validation_error(f"{path}.tag.equalTo needs both key and value.")

        def tagged(case: Case) -> bool:
            return case.tags.get(key) == value

        return CompiledFilter(tagged, lambda: index.cases_with_tag(key, value), exact=True)
    if kind == "not":
        inner = _compile(domain, index, body, f"{path}.not", depth + 1).matches

        def negated(case: Case) -> bool:
            return not inner(case)

        return CompiledFilter(negated)
    children = [
        _compile(domain, index, child, f"{path}.{kind}[{number}]", depth + 1)
        for number, child in enumerate(body)
    ]
    if kind == "andAll":
        return _and(children)
    return _or(children)


def _member(union: dict[str, Any], names: tuple[str, ...], path: str) -> tuple[str, Any]:
    """The one member set in a union (the validator has already counted them)."""
    for name in names:
        item = union.get(name)
        if item is not None:
            return name, item
    raise validation_error(f"{path} must have exactly one member set.")


def _and(children: list[CompiledFilter]) -> CompiledFilter:
    if not children:
        return MATCH_ALL
    return all_of(children)


def _or(children: list[CompiledFilter]) -> CompiledFilter:
    predicates = [child.matches for child in children]

    def any_match(case: Case) -> bool:
        for predicate in predicates:  # noqa: SIM110 (no generator per case: faster)
            if predicate(case):
                return True
        return False

    plans = [child.candidates for child in children if child.candidates is not None]
    if not plans or len(plans) < len(children):
        return CompiledFilter(any_match)

    def union() -> Collection[str]:
        result: set[str] = set()
        for plan in plans:
            result.update(plan())
        return result

    return CompiledFilter(
        any_match,
        union,
        indexed=all(c.indexed for c in children),
        exact=all(c.exact for c in children),
    )


def _field(domain: Domain, index: CaseIndex, body: dict[str, Any], path: str) -> CompiledFilter:
    (op, operand) = _member(body, _OPERATORS, path)
    where = f"{path}.{op}"
    field_id: str = operand["id"]
    value: dict[str, Any] = operand["value"]
    (member, given) = _member(value, _VALUE_MEMBERS, f"{where}.value")
    found = domain.fields.get(field_id)
    if found is None:
        raise validation_error(
            f"{where}: field {field_id} does not exist in domain {domain.domain_id}."
        )
    if member == "emptyValue":
        if op != "equalTo":
            raise validation_error(f"{where}: emptyValue can only be used with equalTo.")
        return CompiledFilter(_unset(field_id))
    expected, operators = _TYPES.get(found.type, ("stringValue", _EQUAL))
    allowed = {expected} | ({"userArnValue"} if field_id in _USER_ARN_TEXT else set())
    if member not in allowed:
        raise validation_error(
            f"{where}: field {field_id} is of type {found.type} and takes {expected}, not {member}."
        )
    if op not in operators:
        raise validation_error(
            f"{where}: the {op} operator does not apply to {found.type} field {field_id} "
            f"(it takes {', '.join(sorted(operators))})."
        )
    if found.type == "DateTime":
        instant = parse_instant(given)
        if instant is None:
            raise validation_error(
                f"{where}: {given!r} is not an ISO-8601 date-time (e.g. 2024-05-01T12:00:00Z)."
            )
        matches = _instant(index, field_id, op, instant)
    elif found.type == "Number":
        matches = _number(field_id, op, given)
    elif found.type == "Boolean":
        matches = _boolean(field_id, given)
    elif op == "contains":
        return CompiledFilter(
            _contains(index, field_id, given), _text_scan(index, given.casefold()), indexed=False
        )
    else:
        matches = _text(field_id, op, given)
    if op != "equalTo":
        return CompiledFilter(matches)
    # The index keys date-time-like strings by instant: exact for DateTime fields only.
    exact = found.type == "DateTime" or not isinstance(given, str) or parse_instant(given) is None
    return CompiledFilter(matches, lambda: index.cases_with_value(field_id, value), exact=exact)


def _unset(field_id: str) -> Predicate:
    def unset(case: Case) -> bool:
        value = case.values.get(field_id)
        if not value or "emptyValue" in value:
            return True
        return text_of(value) == ""  # a blank string is no value (as for required fields)

    return unset


def _text(field_id: str, op: str, given: str) -> Predicate:
    compare = _RANGE.get(op, operator.eq)

    def text_matches(case: Case) -> bool:
        value = case.values.get(field_id)
        if value is None:
            return False
        text = value.get("stringValue")
        if text is None:
            text = value.get("userArnValue")
            if text is None:
                return False
        return bool(compare(text, given))

    return text_matches


def _contains(index: CaseIndex, field_id: str, given: str) -> Predicate:
    needle = given.casefold()
    texts = index.texts

    def contains(case: Case) -> bool:
        # The joined text holds every value of the case: a cheap way to rule most out.
        if needle not in texts.get(case.case_id, ""):
            return False
        value = case.values.get(field_id)
        text = None if value is None else text_of(value)
        return text is not None and needle in text.casefold()

    return contains


def _number(field_id: str, op: str, given: float) -> Predicate:
    compare = _RANGE.get(op, operator.eq)
    bound = float(given)

    def number_matches(case: Case) -> bool:
        value = case.values.get(field_id)
        if value is None:
            return False
        number = value.get("doubleValue")
        return number is not None and bool(compare(number, bound))

    return number_matches


def _boolean(field_id: str, given: bool) -> Predicate:
    def boolean_matches(case: Case) -> bool:
        value = case.values.get(field_id)
        return value is not None and value.get("booleanValue") is given

    return boolean_matches


def _instant(index: CaseIndex, field_id: str, op: str, bound: int) -> Predicate:
    compare = _RANGE.get(op, operator.eq)
    by_case = index.instants.get(field_id, {})  # a filter lives for one request

    def instant_matches(case: Case) -> bool:
        instant = by_case.get(case.case_id)
        return instant is not None and bool(compare(instant, bound))

    return instant_matches
