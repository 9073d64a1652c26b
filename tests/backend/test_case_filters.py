"""SearchCases against a straightforward reference scan, on random domains and random
filters, with cases created, updated, retagged and deleted between searches, random sorts
and every page followed through ``nextToken``.

The reference is written here from the documented semantics (docs/behaviour.md, "Search")
and shares no code with the index: it reads ``case.values`` and compares. The index runs
with tiny thresholds (buckets of a few entries, bitmaps from a few cases) and with each
page plan forced in turn, so every path of the planner meets the reference."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any
from unittest import mock

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from casemock._errors import ServiceError
from casemock._settings import Settings
from casemock._timestamps import parse_instant
from casemock.backend._context import Context
from casemock.backend._records import Case, Domain, Field, RegionState, Unindexed
from casemock.backend._store import Store
from casemock.backend.search import cases as search_module
from casemock.backend.search import docsets, ordered, pages
from casemock.backend.search import index as index_module
from casemock.backend.search.cases import find_cases, search_cases
from casemock.backend.search.filters import MAX_DEPTH, compile_filter
from casemock.backend.search.index import CaseSearchIndex, index_for

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
FIELD_TYPES = {
    "text": "Text",
    "url": "Url",
    "num": "Number",
    "flag": "Boolean",
    "when": "DateTime",
    "last_updated_datetime": "DateTime",
    "pick": "SingleSelect",
    "who": "User",
    "gone": "Text",  # deleted: filters still match what cases hold
}
WORDS = ["", "a", "A", "ab", "aB", "b", "ba", "Ä", "ä", "abc", "xabcx", "ABCD", "ß", "Straße"]
NUMBERS = [-1.5, 0.0, 1.0, 2.0, 2.5, 3]
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
def field_values(draw: st.DrawFn) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field_id in FIELD_TYPES:
        if draw(st.booleans()):
            values[field_id] = draw(stored_value(field_id))
    return values


def tag_sets() -> st.SearchStrategy[dict[str, str]]:
    return st.lists(st.sampled_from(TAGS), max_size=2).map(dict)


def new_case(number: int, values: dict[str, Any], tags: dict[str, str]) -> Case:
    case_id = f"case-{number:03d}"
    return Case(number, case_id, f"arn/{case_id}", "template", values, tags)


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
    if op == "contains" and draw(st.booleans()):
        value = {
            "stringValue": draw(st.sampled_from(["bc", "BC", "abc", "xab", "Ä", "SS", "asse"]))
        }
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
        max_leaves=8,
    )


def depth(node: dict[str, Any]) -> int:
    if "not" in node:
        return 1 + depth(node["not"])
    children = node.get("andAll", node.get("orAll"))
    if children is not None:
        return 1 + max((depth(c) for c in children), default=0)
    return 1


sort_lists = st.lists(
    st.fixed_dictionaries(
        {
            "fieldId": st.sampled_from(sorted(FIELD_TYPES)),
            "sortOrder": st.sampled_from(["Asc", "Desc"]),
        }
    ),
    max_size=2,
)
TERMS = ["", " ", "a", "B", "ä", "user/y", "T10", "+02:00", "1.0", "open", " abc ", "XAB", "ss"]


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


class _Reversed:
    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(other.value == self.value)


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


def reference_search(domain: Domain, params: dict[str, Any]) -> list[str]:
    sorts = params.get("sorts") or [{"fieldId": "last_updated_datetime", "sortOrder": "Desc"}]
    found = [
        case
        for case in domain.cases.values()
        if reference_matches(domain, case, params.get("filter") or {"andAll": []})
        and reference_term(case, params.get("searchTerm") or "")
    ]
    found.sort(key=lambda case: reference_sort_key(domain, case, sorts))
    return [case.case_id for case in found]


# -- running SearchCases -------------------------------------------------------------------


def context(domain: Domain) -> Context:
    state = RegionState("123456789012", "us-east-1", {domain.domain_id: domain})
    return Context(Store("123456789012", "us-east-1", Settings(), None), state, "SearchCases")


def search_all_pages(domain: Domain, params: dict[str, Any]) -> tuple[list[str], set[int]]:
    """Every case id over all pages, and the totalCount of each page."""
    ctx = context(domain)
    found: list[str] = []
    totals: set[int] = set()
    request = {"domainId": domain.domain_id, **params}
    for _ in range(200):  # more pages than cases: paging does not end
        answer = search_cases(ctx, request)
        totals.add(answer["totalCount"])
        assert len(answer["cases"]) <= request.get("maxResults", 25)
        found += [item["caseId"] for item in answer["cases"]]
        if "nextToken" not in answer:
            return found, totals
        request = {**request, "nextToken": answer["nextToken"]}
    raise AssertionError(f"paging does not end: {found}")


@contextmanager
def small_index(plan: str) -> Iterator[None]:
    """Tiny buckets, bitmaps from two cases on, a bulk load from three cases on, runs of
    two cases paged by the second sort, and the page plan ``plan`` forced (``sort`` the
    matches, ``walk`` the sort order) or chosen by cost (``auto``)."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(ordered, "LOAD", 2))
        stack.enter_context(mock.patch.object(index_module, "_BULK", 2))
        stack.enter_context(mock.patch.object(pages, "_RUN", 1))
        stack.enter_context(mock.patch.object(docsets, "dense_from", lambda capacity: 2))
        if plan != "auto":
            forced = plan == "sort"
            stack.enter_context(mock.patch.object(pages, "few", lambda *a: forced))
        yield


def check(domain: Domain, params: dict[str, Any]) -> None:
    expected = reference_search(domain, params)
    found, totals = search_all_pages(domain, params)
    assert totals == {len(expected)}
    assert found == expected


@st.composite
def searches(draw: st.DrawFn) -> dict[str, Any]:
    params: dict[str, Any] = {"maxResults": draw(st.integers(1, 4))}
    case_filter = draw(st.none() | filters())
    if case_filter is not None:
        assume(depth(case_filter) <= MAX_DEPTH)
        params["filter"] = case_filter
    term = draw(st.sampled_from(TERMS))
    if term:
        params["searchTerm"] = term
    sorts = draw(sort_lists)
    if sorts:
        params["sorts"] = sorts
    return params


@settings(max_examples=120)
@given(data=st.data(), plan=st.sampled_from(["auto", "sort", "walk"]))
def test_search_agrees_with_a_reference_scan(data: st.DataObject, plan: str) -> None:
    with small_index(plan):
        domain = make_domain()
        size = data.draw(st.integers(0, 14), label="cases")
        for number in range(size):
            case = new_case(number, data.draw(field_values()), data.draw(tag_sets()))
            domain.cases[case.case_id] = case
        created = size
        for _ in range(data.draw(st.integers(1, 4), label="rounds")):
            check(domain, data.draw(searches()))
            # changes between searches, told to the index as the handlers tell it
            for _ in range(data.draw(st.integers(0, 4), label="changes")):
                change = data.draw(st.sampled_from(["create", "update", "retag", "delete"]))
                ids = sorted(domain.cases)
                if change == "create" or not ids:
                    case = new_case(created, data.draw(field_values()), data.draw(tag_sets()))
                    created += 1
                    domain.cases[case.case_id] = case
                    domain.case_index.add(case)
                    continue
                case = domain.cases[data.draw(st.sampled_from(ids))]
                if change == "update":  # a new dict, keeping some of the old values
                    kept = {k: v for k, v in case.values.items() if data.draw(st.booleans())}
                    case.values = {**kept, **data.draw(field_values())}
                elif change == "retag":
                    in_place: bool = data.draw(st.booleans())
                    if case.tags and in_place:  # UntagResource edits the tags in place
                        case.tags.pop(next(iter(case.tags)))
                    else:
                        case.tags = data.draw(tag_sets())
                else:
                    domain.case_index.remove(case)
                    del domain.cases[case.case_id]
                    continue
                domain.case_index.add(case)
        check(domain, data.draw(searches()))


@settings(max_examples=60)
@given(data=st.data())
def test_index_after_changes_equals_a_fresh_index(data: st.DataObject) -> None:
    """Whatever happened to the cases, the incrementally kept index finds what an index
    built from scratch finds."""
    with small_index("auto"):
        domain = make_domain()
        for number in range(data.draw(st.integers(1, 12))):
            case = new_case(number, data.draw(field_values()), data.draw(tag_sets()))
            domain.cases[case.case_id] = case
        index_for(domain)
        for number in data.draw(st.lists(st.integers(0, 11), max_size=8)):
            changed = domain.cases.get(f"case-{number:03d}")
            if changed is None:
                continue
            if data.draw(st.booleans()):
                domain.case_index.remove(changed)
                del domain.cases[changed.case_id]
            else:
                changed.values, changed.tags = data.draw(field_values()), data.draw(tag_sets())
                domain.case_index.add(changed)
        kept = index_for(domain)
        fresh = CaseSearchIndex(domain)
        fresh.refresh()
        for _ in range(5):
            params = data.draw(searches())
            mine = search_module.find_docs(domain, kept, params)
            theirs = search_module.find_docs(domain, fresh, params)
            assert ids_of(kept, mine) == ids_of(fresh, theirs)


def ids_of(index: CaseSearchIndex, docs: docsets.Docs) -> set[str]:
    return {index.ident(doc) for doc in docsets.members(docs)}


@settings(max_examples=80)
@given(
    entries=st.lists(st.tuples(st.sampled_from(NUMBERS), st.integers(0, 60)), max_size=60),
    removals=st.lists(st.integers(0, 39), max_size=20),
    bound=st.sampled_from([-2.0, *NUMBERS, 4.0]),
)
def test_ordered_keeps_value_and_case_id_order(
    entries: list[tuple[float, int]], removals: list[int], bound: float
) -> None:
    docs = {doc: (value, f"c{doc:02d}") for value, doc in entries}  # one value per doc
    with mock.patch.object(ordered, "LOAD", 2):
        structure = ordered.Ordered("d", lambda doc: docs[doc][1], track=True)
        for doc, (value, _) in docs.items():
            structure.insert(float(value), doc)
        for number in removals:
            if number in docs:
                structure.remove(float(docs[number][0]), number)
                del docs[number]
        expected = sorted(docs, key=lambda doc: docs[doc])
        assert [doc for _, doc in structure.ascending()] == expected
        for before, after in zip(structure.vals, structure.vals[1:], strict=False):
            assert before[-1] < after[0]  # equal values never span two buckets
        assert structure.present == docsets.bits_of(docs)
        below = [doc for doc in expected if docs[doc][0] < bound]
        assert structure.lower(bound) == len(below)
        assert structure.upper(bound) == len([d for d in expected if docs[d][0] <= bound])
        for start in range(len(expected) + 1):
            for stop in range(start, len(expected) + 1):
                got = structure.bits(start, stop)
                assert set(docsets.members(got)) == set(expected[start:stop])


@given(
    first=st.sets(st.integers(0, 300)),
    second=st.sets(st.integers(0, 300)),
    as_bits=st.tuples(st.booleans(), st.booleans()),
)
def test_doc_set_algebra(first: set[int], second: set[int], as_bits: tuple[bool, bool]) -> None:
    alive = docsets.bits_of(range(301))
    a = docsets.bits_of(first) if as_bits[0] else frozenset(first)
    b = docsets.bits_of(second) if as_bits[1] else frozenset(second)
    assert set(docsets.members(docsets.both(a, b))) == first & second
    assert set(docsets.members(docsets.either(a, b, 20))) == first | second
    assert set(docsets.members(docsets.union_of([a, b], 20))) == first | second
    assert set(docsets.members(docsets.without(a, alive))) == set(range(301)) - first
    assert docsets.size(a) == len(first)
    test = docsets.tester(a)
    assert {doc for doc in range(400) if test(doc)} == first


def test_postings_move_between_forms() -> None:
    posting: Any = None
    for doc in range(10):
        posting = docsets.added(posting, doc, 8)
        assert docsets.posting_count(posting) == doc + 1
    assert isinstance(posting, docsets.Dense)
    assert docsets.read(posting) == docsets.bits_of(range(10))
    for doc in range(8):
        posting = docsets.discarded(posting, doc, 8)
    assert docsets.read(posting) == docsets.bits_of([8, 9])
    posting = docsets.discarded(posting, 8, 8)
    assert posting == 9  # back to doc numbers well below the threshold
    assert docsets.discarded(posting, 9, 8) is None


# -- the index and its placeholder ---------------------------------------------------------


def test_a_domain_is_indexed_on_first_search_and_pickles_without_its_index() -> None:
    import pickle

    domain = make_domain()
    case = new_case(1, {"text": {"stringValue": "a"}}, {})
    domain.cases[case.case_id] = case
    assert isinstance(domain.case_index, Unindexed)
    assert [c.case_id for c in find_cases(domain, {"searchTerm": "A"})] == ["case-001"]
    assert isinstance(domain.case_index, CaseSearchIndex)
    restored = pickle.loads(pickle.dumps(domain))
    assert isinstance(restored.case_index, Unindexed)
    assert [c.case_id for c in find_cases(restored, {"searchTerm": "A"})] == ["case-001"]


def test_equal_values_of_different_cases_share_one_dict() -> None:
    domain = make_domain()
    for number in range(3):
        values = {"text": {"stringValue": "same"}, "num": {"doubleValue": 2.0}}
        values["when"] = {"stringValue": "2025-01-01T00:00:00Z"}
        values["last_updated_datetime"] = {"stringValue": "2025-01-01T00:00:00Z"}
        case = new_case(number, values, {})
        domain.cases[case.case_id] = case
    index_for(domain)
    first, second, third = domain.cases.values()
    assert first.values["text"] is second.values["text"] is third.values["text"]
    assert first.values["num"] is second.values["num"] is third.values["num"]
    assert first.values["when"] is first.values["last_updated_datetime"]


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


def test_long_text_bounds_compare_in_full() -> None:
    """The text structure orders the first 255 characters; bounds at least that long are
    decided on the whole text."""
    domain = make_domain()
    base = "x" * 255
    for number, text in enumerate([base, base + "a", base + "b", "x" * 254, "y"]):
        case = new_case(number, {"text": {"stringValue": text}}, {})
        domain.cases[case.case_id] = case
    for op in RANGE_OPS:
        for bound in (base, base + "a", base + "ab", "x" * 254):
            params = {"filter": leaf(op, "text", {"stringValue": bound})}
            found = {c.case_id for c in find_cases(domain, params)}
            assert found == set(reference_search(domain, params)), (op, bound)


def test_too_deep_filter_is_refused() -> None:
    node = leaf("equalTo", "text", {"stringValue": "a"})
    for _ in range(MAX_DEPTH):
        node = {"not": node}
    with pytest.raises(ServiceError) as excinfo:
        compile_filter(make_domain(), node)
    assert excinfo.value.code == "ValidationException"
