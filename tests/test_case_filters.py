"""The compiled filter evaluator, the case index and the search order against
straightforward reference implementations, on random cases and random filter trees."""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any, cast

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from casemock._errors import ServiceError
from casemock._timestamps import parse_instant
from casemock.backend._context import Context, Runtime
from casemock.backend._records import Case, Domain, Field, RegionState
from casemock.backend.search.cases import find_cases, search_cases
from casemock.backend.search.filters import MAX_DEPTH, compile_filter, compile_search_term
from casemock.backend.search.index import CaseIndex, index_for

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
FIELD_TYPES = {
    "text": "Text",
    "url": "Url",
    "num": "Number",
    "flag": "Boolean",
    "when": "DateTime",
    "pick": "SingleSelect",
    "who": "User",
    "gone": "Text",  # deleted: filters still match what cases hold
}
WORDS = ["", "a", "A", "ab", "aB", "b", "ba", "Ä", "ä"]
NUMBERS = [-1.5, 0.0, 1.0, 2.0, 2.5]
USERS = [f"arn:aws:connect:us-east-1:123456789012:instance/i/user/{x}" for x in "xyz"]
INSTANTS = [NOW + timedelta(hours=h) for h in (-2, 0, 1, 1, 3)]
TAGS = [("team", "red"), ("team", "blue"), ("tier", "")]
RANGE_OPS = ["greaterThan", "greaterThanOrEqualTo", "lessThan", "lessThanOrEqualTo"]


def make_domain() -> Domain:
    domain = Domain(1, "d", "arn:aws:cases:us-east-1:123456789012:domain/d", "d", NOW)
    for field_id, kind in FIELD_TYPES.items():
        domain.fields[field_id] = Field(
            1, field_id, f"{domain.arn}/field/{field_id}", field_id, kind, "Custom", None, None,
            NOW, NOW, deleted=field_id == "gone",
        )  # fmt: skip
    return domain


# -- random values, cases and filters -------------------------------------------------------


@st.composite
def datetimes(draw: st.DrawFn) -> str:
    """One of a few instants, spelled in one of the ISO-8601 forms."""
    moment: datetime = draw(st.sampled_from(INSTANTS))
    spelling = draw(st.sampled_from(["ms", "plain", "offset"]))
    if spelling == "ms":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if spelling == "plain":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.astimezone(timezone(timedelta(hours=2))).isoformat()


def stored_value(field_id: str) -> st.SearchStrategy[dict[str, Any]]:
    kind = FIELD_TYPES[field_id]
    if kind in ("Text", "Url"):
        return st.sampled_from(WORDS).map(lambda w: {"stringValue": w})
    if kind == "Number":
        return st.sampled_from(NUMBERS).map(lambda x: {"doubleValue": x})
    if kind == "Boolean":
        return st.booleans().map(lambda x: {"booleanValue": x})
    if kind == "DateTime":
        return datetimes().map(lambda x: {"stringValue": x})
    if kind == "SingleSelect":
        return st.sampled_from(["open", "closed"]).map(lambda x: {"stringValue": x})
    return st.sampled_from(USERS).map(lambda x: {"userArnValue": x})


@st.composite
def cases(draw: st.DrawFn, number: int) -> Case:
    values: dict[str, Any] = {}
    for field_id in FIELD_TYPES:
        if draw(st.booleans()):
            values[field_id] = draw(stored_value(field_id))
    tags = dict(draw(st.lists(st.sampled_from(TAGS), max_size=2)))
    case_id = f"case-{number:03d}"
    return Case(number, case_id, f"arn/{case_id}", "template", values, tags)


@st.composite
def case_lists(draw: st.DrawFn) -> list[Case]:
    size = draw(st.integers(min_value=0, max_value=12))
    return [draw(cases(number)) for number in range(size)]


OPERATORS = {
    "Text": ["equalTo", "contains", *RANGE_OPS],
    "Url": ["equalTo", "contains", *RANGE_OPS],
    "Number": ["equalTo", *RANGE_OPS],
    "DateTime": ["equalTo", *RANGE_OPS],
    "Boolean": ["equalTo"],
    "SingleSelect": ["equalTo"],
    "User": ["equalTo"],
}


@st.composite
def field_filters(draw: st.DrawFn) -> dict[str, Any]:
    field_id = draw(st.sampled_from(sorted(FIELD_TYPES)))
    if draw(st.integers(0, 6)) == 0:
        return {"field": {"equalTo": {"id": field_id, "value": {"emptyValue": {}}}}}
    op = draw(st.sampled_from(OPERATORS[FIELD_TYPES[field_id]]))
    value = draw(stored_value(field_id))
    return {"field": {op: {"id": field_id, "value": value}}}


def tag_filters() -> st.SearchStrategy[dict[str, Any]]:
    pairs = st.sampled_from([*TAGS, ("team", "green"), ("other", "red")])
    return pairs.map(lambda kv: {"tag": {"equalTo": {"key": kv[0], "value": kv[1]}}})


def filters() -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        field_filters() | tag_filters(),
        lambda inner: (
            inner.map(lambda f: {"not": f})
            | st.lists(inner, max_size=4).map(lambda fs: {"andAll": fs})
            | st.lists(inner, max_size=4).map(lambda fs: {"orAll": fs})
        ),
        max_leaves=10,
    )


def depth(node: dict[str, Any]) -> int:
    if "not" in node:
        return 1 + depth(node["not"])
    children = node.get("andAll", node.get("orAll"))
    if children is not None:
        return 1 + max((depth(c) for c in children), default=0)
    return 1


# -- the reference -------------------------------------------------------------------------


def reference_instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "equalTo": operator.eq,
    "greaterThan": operator.gt,
    "greaterThanOrEqualTo": operator.ge,
    "lessThan": operator.lt,
    "lessThanOrEqualTo": operator.le,
}


def reference_matches(domain: Domain, case: Case, node: dict[str, Any]) -> bool:
    if "not" in node:
        return not reference_matches(domain, case, node["not"])
    if "andAll" in node:
        return all(reference_matches(domain, case, child) for child in node["andAll"])
    if "orAll" in node:
        return any(reference_matches(domain, case, child) for child in node["orAll"])
    if "tag" in node:
        wanted = node["tag"]["equalTo"]
        return wanted["key"] in case.tags and case.tags[wanted["key"]] == wanted["value"]
    ((op, operand),) = node["field"].items()
    ((member, given),) = operand["value"].items()
    stored = case.values.get(operand["id"])
    if member == "emptyValue":
        return stored is None or list(stored.values()) in ([{}], [""])
    if stored is None:
        return False
    ((_, held),) = stored.items()
    kind = domain.fields[operand["id"]].type
    if kind == "DateTime":
        held, given = reference_instant(held), reference_instant(given)
    if op == "contains":
        return bool(given.casefold() in held.casefold())
    return COMPARE[op](held, given)


def reference_term(case: Case, term: str) -> bool:
    term = term.strip().casefold()
    texts = [v for value in case.values.values() for v in value.values() if isinstance(v, str)]
    return not term or any(term in text.casefold() for text in texts)


def indexed(domain: Domain, stored: list[Case]) -> Domain:
    for case in stored:
        domain.cases[case.case_id] = case
    index_for(domain)  # built from the stored cases; later changes are told to it
    return domain


# -- properties ----------------------------------------------------------------------------


TERMS = ["", " ", "a", "B", "ä", "user/y", "T10", "+02:00", "1.0", "open"]


@settings(max_examples=250, deadline=None)
@given(stored=case_lists(), case_filter=filters(), term=st.sampled_from(TERMS))
def test_compiled_filter_agrees_with_reference(
    stored: list[Case], case_filter: dict[str, Any], term: str
) -> None:
    assume(depth(case_filter) <= MAX_DEPTH)
    domain = indexed(make_domain(), stored)
    expected = {c.case_id for c in stored if reference_matches(domain, c, case_filter)}
    compiled = compile_filter(domain, case_filter)
    assert {c.case_id for c in stored if compiled.matches(c)} == expected
    if compiled.candidates is not None:  # a plan names a superset of the matches
        assert set(compiled.candidates()) >= expected
        if compiled.exact:
            assert set(compiled.candidates()) == expected
    assert {c.case_id for c in find_cases(domain, {"filter": case_filter})} == expected
    with_term = {c for c in expected if reference_term(domain.cases[c], term)}
    found = find_cases(domain, {"filter": case_filter, "searchTerm": term})
    assert {c.case_id for c in found} == with_term


@settings(max_examples=200, deadline=None)
@given(
    stored=case_lists(),
    term=st.sampled_from(TERMS),
)
def test_search_term_agrees_with_reference(stored: list[Case], term: str) -> None:
    domain = indexed(make_domain(), stored)
    expected = {c.case_id for c in stored if reference_term(c, term)}
    assert {c.case_id for c in find_cases(domain, {"searchTerm": term})} == expected


@settings(max_examples=200, deadline=None)
@given(stored=case_lists(), changes=st.lists(st.tuples(st.integers(0, 11), st.booleans())))
def test_index_after_updates_and_deletes_equals_a_fresh_index(
    stored: list[Case], changes: list[tuple[int, bool]]
) -> None:
    domain = indexed(make_domain(), stored)
    for number, delete in changes:
        case = domain.cases.get(f"case-{number:03d}")
        if case is None:
            continue
        if delete:
            domain.case_index.remove(case)
            del domain.cases[case.case_id]
        else:  # the new values come from another case
            other = stored[(number + 1) % len(stored)]
            case.values, case.tags = dict(other.values), dict(other.tags)
            domain.case_index.add(case)
    fresh = CaseIndex()
    fresh.rebuild(domain.cases.values())
    fresh.refresh()
    assert index_for(domain) == fresh


def reference_sort_key(domain: Domain, case: Case, sorts: list[dict[str, Any]]) -> list[Any]:
    """Missing values last; Desc reverses present values only; case id last."""
    key: list[Any] = []
    for sort in sorts:
        value = case.values.get(sort["fieldId"])
        if value is None:
            key.append((1, 0))
            continue
        ((_, held),) = value.items()
        if domain.fields[sort["fieldId"]].type == "DateTime":
            held = reference_instant(held).timestamp()
        if sort["sortOrder"] == "Desc":
            held = _Reversed(held)
        key.append((0, held))
    return [*key, case.case_id]


class _Reversed:
    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(other.value == self.value)


def context(domain: Domain) -> Context:
    state = RegionState("123456789012", "us-east-1", {domain.domain_id: domain})
    return Context(cast(Runtime, None), state, "SearchCases")


sort_lists = st.lists(
    st.fixed_dictionaries(
        {
            "fieldId": st.sampled_from(sorted(FIELD_TYPES)),
            "sortOrder": st.sampled_from(["Asc", "Desc"]),
        }
    ),
    min_size=1,
    max_size=2,
)


@settings(max_examples=200, deadline=None)
@given(stored=case_lists(), sorts=sort_lists, size=st.integers(1, 5))
def test_pages_follow_the_reference_order(
    stored: list[Case], sorts: list[dict[str, Any]], size: int
) -> None:
    domain = indexed(make_domain(), stored)
    ctx = context(domain)
    expected = [
        c.case_id for c in sorted(stored, key=lambda c: reference_sort_key(domain, c, sorts))
    ]
    found: list[str] = []
    params: dict[str, Any] = {"domainId": "d", "sorts": sorts, "maxResults": size}
    while True:
        answer = search_cases(ctx, params)
        assert answer["totalCount"] == len(stored)
        assert len(answer["cases"]) <= size
        found += [item["caseId"] for item in answer["cases"]]
        if "nextToken" not in answer:
            break
        params = {**params, "nextToken": answer["nextToken"]}
    assert found == expected


# -- plain unit checks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:00:00.000Z", datetime(2024, 5, 1, 12, tzinfo=timezone.utc)),
        ("2024-05-01T12:00:00Z", datetime(2024, 5, 1, 12, tzinfo=timezone.utc)),
        ("2024-05-01T14:00:00+02:00", datetime(2024, 5, 1, 12, tzinfo=timezone.utc)),
        ("2024-05-01T10:30:00-0130", datetime(2024, 5, 1, 12, tzinfo=timezone.utc)),
        ("2024-05-01T12:00:00.123456789Z", datetime(2024, 5, 1, 12, 0, 0, 123456, timezone.utc)),
        ("2024-05-01T12:00", datetime(2024, 5, 1, 12, tzinfo=timezone.utc)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=timezone.utc)),
    ],
)
def test_parse_instant(text: str, expected: datetime) -> None:
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert parse_instant(text) == (expected - epoch) // timedelta(microseconds=1)


@pytest.mark.parametrize(
    "text",
    ["", "2024", "2024-02-30", "2024-05-01T25:00:00Z", "2024-05-01T12:00:00+24:00", "x" * 12],
)
def test_parse_instant_refuses(text: str) -> None:
    assert parse_instant(text) is None


def leaf(op: str, field_id: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"field": {op: {"id": field_id, "value": value}}}


TEXT_A = leaf("equalTo", "text", {"stringValue": "a"})
HAS_A = leaf("contains", "text", {"stringValue": "a"})
NUM_1 = leaf("equalTo", "num", {"doubleValue": 1})
BELOW_1 = leaf("lessThan", "num", {"doubleValue": 1})
RED = {"tag": {"equalTo": {"key": "team", "value": "red"}}}


@pytest.mark.parametrize(
    ("case_filter", "planned"),
    [
        (TEXT_A, True),
        (RED, True),
        ({"andAll": [HAS_A, NUM_1]}, True),
        ({"orAll": [TEXT_A, RED]}, True),
        ({"orAll": [TEXT_A, BELOW_1]}, False),
        ({"andAll": []}, False),
        (HAS_A, False),
        (leaf("greaterThan", "when", {"stringValue": "2024-01-01T00:00:00Z"}), False),
        (leaf("equalTo", "text", {"emptyValue": {}}), False),
        ({"not": TEXT_A}, False),
    ],
)
def test_selective_filters_use_the_index(case_filter: dict[str, Any], planned: bool) -> None:
    compiled = compile_filter(make_domain(), case_filter)
    assert (compiled.candidates is not None and compiled.indexed) is planned


def test_contains_and_search_term_scan_the_prepared_texts() -> None:
    domain = make_domain()
    stored = [
        Case(i, f"c{i}", "arn", "t", {"text": {"stringValue": w}}) for i, w in enumerate(WORDS)
    ]
    indexed(domain, stored)
    contains = compile_filter(domain, HAS_A)
    assert contains.candidates is not None and not contains.indexed
    term = compile_search_term(index_for(domain), "A")
    assert term.candidates is not None and not term.indexed
    with_a = {c.case_id for c in stored if "a" in c.values["text"]["stringValue"].casefold()}
    assert set(contains.candidates()) == set(term.candidates()) == with_a
    # with an index lookup in the same andAll, the lookup names the candidates
    both = compile_filter(domain, {"andAll": [HAS_A, TEXT_A]})
    assert both.candidates is not None and both.indexed
    assert set(both.candidates()) == {"c1"}


def test_equal_to_candidates_come_from_the_index_only() -> None:
    domain = make_domain()
    stored = [
        Case(i, f"c{i}", "arn", "t", {"num": {"doubleValue": float(i % 3)}}) for i in range(9)
    ]
    indexed(domain, stored)
    compiled = compile_filter(domain, leaf("equalTo", "num", {"doubleValue": 1}))
    assert compiled.candidates is not None
    assert set(compiled.candidates()) == {"c1", "c4", "c7"}


def test_too_deep_filter_is_refused() -> None:
    node = leaf("equalTo", "text", {"stringValue": "a"})
    for _ in range(MAX_DEPTH):
        node = {"not": node}
    with pytest.raises(ServiceError) as excinfo:
        compile_filter(make_domain(), node)
    assert excinfo.value.code == "ValidationException"
