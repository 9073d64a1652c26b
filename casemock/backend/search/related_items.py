"""SearchRelatedItems (one case) and SearchAllRelatedItems (the whole domain), spec 10.4.

``filters`` is a list of ``RelatedItemTypeFilter`` unions: an item matches when it
matches any entry (no entries: every item). Within one entry the sub-fields that are set
must all hold: ``contact {channel, contactArn}`` (channel: any of the listed channels),
``comment {}`` (every comment), ``file {fileArn}``, ``sla {name, status}`` (status as
computed now), ``connectCase {caseId}``, ``custom {fields}`` where ``fields`` is a
``CustomFieldsFilter`` tree (``field``, ``not``, ``andAll``, ``orAll``) over the item's
custom fields, with the operators SearchCases allows for each field type.

Default order: association time, newest first, then the later-created item first.
SearchAllRelatedItems ``sorts`` on AssociationTime / CaseId, the first sort deciding.

SearchRelatedItems reads one case's items. SearchAllRelatedItems reads the domain's
``RelatedIndex`` (``related_index``): when every filter entry names a contact, file,
linked case or SLA name, only the items with those values are checked; otherwise the items
are walked in the requested order (per type, for the types the entries name, in the
default order) and checked until the page is full. ListCasesForContact reads
``RelatedIndex.latest_contacts``.
"""

from __future__ import annotations

import heapq
import operator
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, NamedTuple

from casemock._errors import validation_error
from casemock._timestamps import micros, parse_instant
from casemock.backend._access import case_filter
from casemock.backend._context import Context
from casemock.backend._pagination import decode_token, encode_token, page
from casemock.backend._records import Case, Domain, RelatedItem
from casemock.backend._registry import operation
from casemock.backend._values import RANGE, search_rule
from casemock.backend.consistency import searchable, visible_case
from casemock.backend.related_items import content
from casemock.backend.related_items.content import newest_first
from casemock.backend.search.index import index_for
from casemock.backend.search.related_index import RelatedIndex, from_default

PAGE_SIZE = 25  # maxResults 1-25; the default is undocumented
MAX_DEPTH = 10  # CustomFieldsFilter objects on the longest path (as for SearchCases)

Match = Callable[[Case, RelatedItem, datetime], bool]
Values = dict[str, dict[str, Any]]
ValueTest = Callable[[Values], bool]


# -- filters ------------------------------------------------------------------------------


class Entry(NamedTuple):
    """One compiled filter entry: the item type it takes, the index lookup that names
    its candidates when it has one, and the full test."""

    item_type: str
    lookup: tuple[str, str] | None
    matches: Match


def compile_entries(domain: Domain, filters: list[dict[str, Any]] | None) -> list[Entry]:
    """Check ``filters`` against the domain (ValidationException) and compile them."""
    return [_entry(domain, entry, f"filters[{n}]") for n, entry in enumerate(filters or [])]


def compile_filters(domain: Domain, filters: list[dict[str, Any]] | None) -> Match:
    """The predicate of ``filters``: an item matches any entry (every item: no entry)."""
    return _any_entry(compile_entries(domain, filters))


def _any_entry(entries: list[Entry]) -> Match:
    if not entries:
        return lambda case, item, now: True
    tests = [entry.matches for entry in entries]
    return lambda case, item, now: any(test(case, item, now) for test in tests)


def _one(union: dict[str, Any], path: str) -> tuple[str, Any]:
    for name, value in union.items():
        if value is not None:
            return name, value
    raise validation_error(f"{path} must have exactly one member set.")


def _entry(domain: Domain, entry: dict[str, Any], path: str) -> Entry:
    member, body = _one(entry, path)
    item_type = next(t for t, m in content.TYPE_MEMBERS.items() if m == member)
    checks: list[Callable[[Case, RelatedItem, datetime], bool]] = []
    lookup: tuple[str, str] | None = None
    if member == "contact":
        channels = set(body.get("channel") or [])
        arn = body.get("contactArn")
        if channels:
            checks.append(lambda c, i, now: i.content["contact"]["channel"] in channels)
        if arn is not None:
            checks.append(lambda c, i, now: i.content["contact"]["contactArn"] == arn)
            lookup = ("contact", arn)
    elif member in ("file", "connectCase"):
        key = "fileArn" if member == "file" else "caseId"
        wanted = body.get(key)
        if wanted is not None:
            checks.append(lambda c, i, now: i.content[member][key] == wanted)
            lookup = (member, wanted)
    elif member == "sla":
        name, status = body.get("name"), body.get("status")
        if name is not None:
            checks.append(lambda c, i, now: i.content["sla"]["slaConfiguration"]["name"] == name)
            lookup = ("sla", name)
        if status is not None:
            checks.append(lambda c, i, now: content.sla_status(c, i, now) == status)
    elif member == "custom" and body.get("fields") is not None:
        test = _custom(domain, body["fields"], f"{path}.custom.fields", 1)
        checks.append(lambda c, i, now: test(_values(i)))

    def matches(case: Case, item: RelatedItem, now: datetime) -> bool:
        return item.type == item_type and all(check(case, item, now) for check in checks)

    return Entry(item_type, lookup, matches)


def _values(item: RelatedItem) -> Values:
    return {entry["id"]: entry["value"] for entry in item.content["custom"]["fields"]}


def _custom(domain: Domain, node: dict[str, Any], path: str, depth: int) -> ValueTest:
    if depth > MAX_DEPTH:
        raise validation_error(f"The custom fields filter is nested too deeply at {path}.")
    kind, body = _one(node, path)
    if kind == "field":
        return _field(domain, body, f"{path}.field")
    if kind == "not":
        inner = _custom(domain, body, f"{path}.not", depth + 1)
        return lambda values: not inner(values)
    children = [
        _custom(domain, child, f"{path}.{kind}[{n}]", depth + 1) for n, child in enumerate(body)
    ]
    if kind == "andAll":
        return lambda values: all(child(values) for child in children)
    return lambda values: any(child(values) for child in children)


def _field(domain: Domain, body: dict[str, Any], path: str) -> ValueTest:
    op, operand = _one(body, path)
    where = f"{path}.{op}"
    field_id: str = operand["id"]
    member, given = _one(operand["value"], f"{where}.value")
    found = domain.fields.get(field_id)
    if found is None:
        raise validation_error(
            f"{where}: field {field_id} does not exist in domain {domain.domain_id}."
        )
    if found.namespace != "Custom":
        raise validation_error(
            f"{where}: {field_id} is a system field; Custom related items hold custom fields only."
        )
    if member == "emptyValue":
        if op != "equalTo":
            raise validation_error(f"{where}: emptyValue can only be used with equalTo.")
        return lambda values: _empty(values.get(field_id))
    expected, operators = search_rule(found.type)
    if member != expected:
        raise validation_error(
            f"{where}: field {field_id} is of type {found.type} and takes {expected}, not {member}."
        )
    if op not in operators:
        raise validation_error(
            f"{where}: the {op} operator does not apply to {found.type} field {field_id}."
        )
    compare: Callable[[Any, Any], bool] = RANGE.get(op, operator.eq)
    if op == "contains":
        needle = given.casefold()

        def contains(values: Values) -> bool:
            stored = _get(values, field_id, member)
            return isinstance(stored, str) and needle in stored.casefold()

        return contains
    if found.type == "DateTime":
        bound = parse_instant(given)
        if bound is None:
            raise validation_error(f"{where}: {given!r} is not an ISO-8601 date-time.")

        def instant_matches(values: Values) -> bool:
            text = _get(values, field_id, member)
            instant = parse_instant(text) if isinstance(text, str) else None
            return instant is not None and bool(compare(instant, bound))

        return instant_matches

    def value_matches(values: Values) -> bool:
        stored = _get(values, field_id, member)
        try:
            return stored is not None and bool(compare(stored, given))
        except TypeError:  # a value of another type (the field was recreated): no match
            return False

    return value_matches


def _get(values: Values, field_id: str, member: str) -> Any:
    value = values.get(field_id)
    return None if value is None else value.get(member)


def _empty(value: dict[str, Any] | None) -> bool:
    return not value or "emptyValue" in value or value.get("stringValue") == ""


# -- operations ---------------------------------------------------------------------------


def _wire(case: Case, item: RelatedItem, now: datetime, with_case: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"relatedItemId": item.related_item_id}
    if with_case:
        result["caseId"] = case.case_id
    result.update(
        type=item.type,
        associationTime=item.association_time,
        content=content.render(case, item, now),
        tags=dict(item.tags),
    )
    if item.performed_by:
        result["performedBy"] = dict(item.performed_by)
    return result


def _answer(items: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {"relatedItems": items}
    if token:
        result["nextToken"] = token
    return result


@operation("SearchRelatedItems")
def search_related_items(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    case = ctx.case(domain, params["caseId"])
    if domain.pending_writes:  # docs/realism.md#search-consistency
        case = visible_case(ctx, domain, case)
    filters = params.get("filters")
    match = compile_filters(domain, filters)
    now = ctx.now()
    found = sorted(
        (item for item in case.related_items.values() if match(case, item, now)),
        key=newest_first,
    )
    chunk, token = page(
        found,
        newest_first,
        params.get("maxResults", PAGE_SIZE),
        params.get("nextToken"),
        ["SearchRelatedItems", domain.domain_id, case.case_id, filters],
    )
    return _answer([_wire(case, item, now, with_case=False) for item in chunk], token)


def _string_key(text: str, descending: bool) -> list[int]:
    """A list of ints ordering like ``text`` (or its reverse), for JSON page positions."""
    if not descending:
        return [ord(ch) for ch in text] + [-1]
    return [-ord(ch) for ch in text] + [1]


def _sort_part(entry: dict[str, Any]) -> Callable[[RelatedItem, str], Any]:
    descending = entry["sortOrder"] == "Desc"
    if entry["sortProperty"] == "CaseId":
        return lambda item, case_id: _string_key(case_id, descending)
    sign = -1 if descending else 1
    return lambda item, case_id: sign * micros(item.association_time)


def _sort_key(sorts: list[dict[str, Any]]) -> Callable[[RelatedItem, str], list[Any]]:
    """Sort key and page position of an item on a case: the requested sorts, then the
    default order."""
    parts = [_sort_part(entry) for entry in sorts]

    def key(item: RelatedItem, case_id: str) -> list[Any]:
        return [part(item, case_id) for part in parts] + list(newest_first(item))

    return key


def _frozen(value: Any) -> Any:
    """A position as a comparable value (lists become tuples)."""
    if isinstance(value, list):
        return tuple(_frozen(part) for part in value)
    return value


FEW = 512  # looked-up candidates below which they are sorted rather than walked


def _walk(
    related: RelatedIndex, entries: list[Entry], sorts: list[dict[str, Any]], after: Any
) -> Iterator[int]:
    """Item numbers in the requested order after ``after``, unchecked: every item that
    may match (the candidates of the entries' lookups, or of their types, or all)."""
    key = _sort_key(sorts)
    if entries and all(entry.lookup is not None for entry in entries):
        numbers = {n for e in entries if e.lookup for n in related.looked_up(*e.lookup)}
        if len(numbers) <= FEW:
            keyed = sorted(
                (_frozen(key(related.item(n), related.item_case[n])), n) for n in numbers
            )
            yield from (n for k, n in keyed if after is None or after < k)
            return
    if sorts:
        spec = tuple((entry["sortProperty"], entry["sortOrder"]) for entry in sorts)
        ordered = related.sorted(spec, lambda item, case_id: _frozen(key(item, case_id)))
        start = 0 if after is None else ordered.upper(after)
        yield from (number for _, number in ordered.ascending(start))
        return
    start_key = None if after is None else from_default(list(after))
    if not entries:
        streams = [related.order]
    else:
        types = {entry.item_type for entry in entries}
        streams = [related.by_type[t] for t in sorted(types) if t in related.by_type]
    iterators: list[Iterable[tuple[Any, int]]] = [
        s.ascending(0 if start_key is None else s.upper(start_key)) for s in streams
    ]
    merged = iterators[0] if len(iterators) == 1 else heapq.merge(*iterators)
    yield from (number for _, number in merged)


@operation("SearchAllRelatedItems")
def search_all_related_items(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    if domain.pending_writes:  # docs/realism.md#search-consistency
        domain = searchable(ctx, domain)
    filters = params.get("filters")
    sorts = params.get("sorts") or []
    entries = compile_entries(domain, filters)
    match = _any_entry(entries)
    query = ["SearchAllRelatedItems", domain.domain_id, filters, sorts]
    token = params.get("nextToken")
    after = _frozen(decode_token(token, query)) if token else None
    if after is not None and not (
        isinstance(after, tuple) and len(after) == len(sorts) + 2 and _well_formed(after)
    ):
        raise validation_error("The nextToken is not valid.")
    size = params.get("maxResults", PAGE_SIZE)
    now = ctx.now()
    visible = case_filter(ctx)
    related = index_for(domain).related
    found: list[tuple[Case, RelatedItem]] = []
    for number in _walk(related, entries, sorts, after):
        item = related.item(number)
        case = domain.cases[item.case_id]
        if (visible is None or visible(case)) and match(case, item, now):
            found.append((case, item))
            if len(found) > size:
                break
    chunk = found[:size]
    next_token = None
    if len(found) > size:
        case, item = chunk[-1]
        next_token = encode_token(_sort_key(sorts)(item, case.case_id), query)
    return _answer([_wire(case, item, now, with_case=True) for case, item in chunk], next_token)


def _well_formed(position: tuple[Any, ...]) -> bool:
    def part(value: Any) -> bool:
        if isinstance(value, tuple):
            return all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        return isinstance(value, int) and not isinstance(value, bool)

    return all(part(value) for value in position)
