"""SearchCases filters: a ``CaseFilter`` is checked against the domain's fields once and
compiled into a plan, a function from the domain's index to the exact set of matching
cases (``docsets.Docs``), so ``totalCount`` is the size of that set.

Operators by field type (see docs/behaviour.md, "Search"), and what each looks up:

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

* ``equalTo`` on a string or a boolean, and a tag: one posting;
* ranges, and ``equalTo`` on numbers and instants: a slice of the field's ``Ordered``
  structure (two binary searches), as a bitmap;
* ``contains`` and ``searchTerm``: the trigram index of the distinct texts;
* ``not``: the complement within every case; ``emptyValue``: the complement of the
  cases with a value; ``andAll`` and ``orAll``: intersection and union.

A comparison never matches a case that has no value for the field (so ``not`` of it
does). Filters may name deleted fields; they match the values cases still hold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from casemock._errors import validation_error
from casemock._timestamps import parse_instant
from casemock.backend._values import FIELD_MEMBERS, MEMBERS, OPERATORS, search_rule
from casemock.backend.search import docsets
from casemock.backend.search.docsets import EMPTY, Docs
from casemock.backend.search.fields import PREFIX, text_of

if TYPE_CHECKING:
    from casemock.backend._records import Domain
    from casemock.backend.search.index import CaseSearchIndex

MAX_DEPTH = 10
"""Nesting limit: CaseFilter objects on the longest path from the root (a leaf is 1)."""

Plan = Callable[["CaseSearchIndex"], Docs]

_FILTER_KINDS = ("field", "not", "tag", "andAll", "orAll")


def compile_filter(domain: Domain, case_filter: dict[str, Any] | None) -> Plan | None:
    """Check ``case_filter`` against ``domain`` (ValidationException) and compile it;
    None when it is no constraint."""
    if not case_filter:
        return None
    return _compile(domain, case_filter, "filter", 1)


def compile_search_term(search_term: str | None) -> Plan | None:
    """A case-insensitive substring match over the case's string values (None when the
    term is empty after trimming surrounding whitespace)."""
    needle = (search_term or "").strip().casefold()
    if not needle:
        return None
    return lambda index: index.containing(list(index.fields), needle)


def everything(index: CaseSearchIndex) -> Docs:
    return index.alive


def all_of(plans: list[Plan]) -> Plan:
    """Cases matching every plan (every case when there is none)."""
    if not plans:
        return everything
    if len(plans) == 1:
        return plans[0]

    def intersection(index: CaseSearchIndex) -> Docs:
        found = [plan(index) for plan in plans]
        found.sort(key=lambda docs: type(docs) is int)  # small sets first: they stay small
        result = found[0]
        for docs in found[1:]:
            if not result:
                break
            result = docsets.both(result, docs)
        return result

    return intersection


def _any_of(plans: list[Plan]) -> Plan:
    def union(index: CaseSearchIndex) -> Docs:
        return docsets.union_of([plan(index) for plan in plans], index.dense)

    return union


def _compile(domain: Domain, node: dict[str, Any], path: str, depth: int) -> Plan:
    if depth > MAX_DEPTH:
        raise validation_error(
            f"The filter is nested more than {MAX_DEPTH} levels deep at {path}; "
            "flatten it with andAll/orAll."
        )
    (kind, body) = _member(node, _FILTER_KINDS, path)
    if kind == "field":
        return _field(domain, body, f"{path}.field")
    if kind == "tag":
        (_, tag) = _member(body, ("equalTo",), f"{path}.tag")
        key: str | None = tag.get("key")
        value: str | None = tag.get("value")
        if key is None or value is None:
            raise validation_error(f"{path}.tag.equalTo needs both key and value.")
        return lambda index: index.tagged(key, value)
    if kind == "not":
        inner = _compile(domain, body, f"{path}.not", depth + 1)
        return lambda index: docsets.without(inner(index), index.alive)
    children = [
        _compile(domain, child, f"{path}.{kind}[{number}]", depth + 1)
        for number, child in enumerate(body)
    ]
    if kind == "andAll":
        return all_of(children)
    if not children:
        return lambda index: EMPTY
    return children[0] if len(children) == 1 else _any_of(children)


def _member(union: dict[str, Any], names: tuple[str, ...], path: str) -> tuple[str, Any]:
    """The one member set in a union (the validator has already counted them)."""
    for name in names:
        item = union.get(name)
        if item is not None:
            return name, item
    raise validation_error(f"{path} must have exactly one member set.")


def _field(domain: Domain, body: dict[str, Any], path: str) -> Plan:
    (op, operand) = _member(body, OPERATORS, path)
    where = f"{path}.{op}"
    field_id: str = operand["id"]
    value: dict[str, Any] = operand["value"]
    (member, given) = _member(value, MEMBERS, f"{where}.value")
    found = domain.fields.get(field_id)
    if found is None:
        raise validation_error(
            f"{where}: field {field_id} does not exist in domain {domain.domain_id}."
        )
    if member == "emptyValue":
        if op != "equalTo":
            raise validation_error(f"{where}: emptyValue can only be used with equalTo.")
        return lambda index: docsets.without(index.filled(field_id), index.alive)
    expected, operators = search_rule(found.type)
    allowed = {expected} | FIELD_MEMBERS.get(field_id, frozenset())
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
        return lambda index: in_range(index, field_id, "t", op, instant)
    if found.type == "Number":
        bound = float(given)
        return lambda index: in_range(index, field_id, "n", op, bound)
    if found.type == "Boolean":
        if not isinstance(given, bool):
            return lambda index: EMPTY
        return lambda index: index.flag(field_id, given)
    if op == "contains":
        needle = given.casefold()
        return lambda index: index.containing((field_id,), needle)
    if op == "equalTo":
        return lambda index: index.strings(field_id, given)
    return lambda index: _text_range(index, field_id, op, given)


def _positions(size: int, op: str, lower: int, upper: int) -> tuple[int, int]:
    """The positions of the entries an operator keeps, given those of the bound's group."""
    if op == "equalTo":
        return lower, upper
    if op == "greaterThan":
        return upper, size
    if op == "greaterThanOrEqualTo":
        return lower, size
    if op == "lessThan":
        return 0, lower
    return 0, upper


def in_range(index: CaseSearchIndex, field_id: str, kind: str, op: str, bound: Any) -> Docs:
    """Cases whose ``kind`` value in the field compares with ``bound`` as ``op`` says."""
    ordered = index.ordered(field_id, kind)
    if ordered is None or not ordered.size:
        return EMPTY
    start, stop = _positions(ordered.size, op, ordered.lower(bound), ordered.upper(bound))
    return ordered.bits(start, stop)


_COMPARE: dict[str, Callable[[str, str], bool]] = {
    "greaterThan": str.__gt__,
    "greaterThanOrEqualTo": str.__ge__,
    "lessThan": str.__lt__,
    "lessThanOrEqualTo": str.__le__,
}


def _text_range(index: CaseSearchIndex, field_id: str, op: str, given: str) -> Docs:
    """Code point comparison. The structure orders the first 255 characters: exact for a
    bound shorter than that; with a longer bound, the cases whose text starts with its
    first 255 characters are compared in full."""
    if len(given) < PREFIX:
        return in_range(index, field_id, "s", op, given)
    ordered = index.ordered(field_id, "s")
    if ordered is None or not ordered.size:
        return EMPTY
    head = given[:PREFIX]
    lower, upper = ordered.lower(head), ordered.upper(head)
    sure = ordered.bits(upper, ordered.size) if op[0] == "g" else ordered.bits(0, lower)
    compare = _COMPARE[op]
    undecided = []
    for doc in ordered.docs_between(lower, upper):
        text = text_of(index.case(doc).values[field_id])
        if text is not None and compare(text, given):
            undecided.append(doc)
    return docsets.either(sure, frozenset(undecided), index.dense)
