"""SearchCases: filter, searchTerm, sorts, projection, totalCount and keyset paging over a
domain's cases, served from the domain's ``CaseSearchIndex``.

How a search runs: the filter and the searchTerm are checked and compiled once
(``filters``) and evaluated on the index into the exact set of matching cases (a bitmap
or a small set); a caller restricted by tag-based access (``CasesMock.restrict_access``)
is limited to the cases carrying its tags the same way. ``totalCount`` is the size of
that set. The page is then found one of two ways, whichever costs less for the number of
matches ``m`` among ``N`` cases:

* few matches (``m * m * 5 <= page * N``): their sort keys are computed and the page is
  the smallest keys after the ``nextToken`` position (``heapq`` when there are many);
* many matches: the first sort field's ``Ordered`` structure is walked in sort order from
  the ``nextToken`` position, keeping the matches, until the page is full: about
  ``page * N / m`` steps. Cases without a value for the sort field come after it.

Order: the requested sorts (default ``last_updated_datetime`` Desc), cases without a
value for a sort field last, then the case id, so every case has a unique position and
paging neither repeats nor skips cases when others are created, changed or deleted in
between. String sort values compare by code point on their first ``PREFIX`` characters
(which keeps a position small enough for a ``nextToken``).
"""

from __future__ import annotations

import bisect
import functools
import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from casemock import _access, _model
from casemock._errors import validation_error
from casemock.backend._context import Context
from casemock.backend._pagination import decode_token, encode_token
from casemock.backend._registry import operation
from casemock.backend.search import docsets
from casemock.backend.search.docsets import Docs
from casemock.backend.search.fields import MISSING, PREFIX
from casemock.backend.search.filters import Plan, all_of, compile_filter, compile_search_term
from casemock.backend.search.index import CaseSearchIndex, index_for, number_of, text_of
from casemock.backend.search.ordered import Ordered

if TYPE_CHECKING:
    from casemock.backend._records import Case, Domain

DEFAULT_PAGE_SIZE = 25
DEFAULT_SORTS = ({"fieldId": "last_updated_datetime", "sortOrder": "Desc"},)
_HEAP_FACTOR = 4  # use heapq.nsmallest when there are this many times more matches than a page
_NUMERIC_SORTS = frozenset({"DateTime", "Number", "Boolean"})
_KINDS = {"DateTime": "t", "Number": "n", "Boolean": "b"}  # index kinds; others "s"

SortKey = tuple[Any, ...]  # (missing, value) per sort, then the case id
Extract = Callable[[int], Any]  # a doc's sort value in sort direction, or None


class _Descending:
    """A string that sorts in reverse (numbers are negated instead)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __lt__(self, other: _Descending) -> bool:
        return other.text < self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


class _Order:
    """The sort of one request: sort keys for cases, and positions for tokens."""

    def __init__(
        self, domain: Domain, index: CaseSearchIndex, sorts: Iterable[dict[str, Any]]
    ) -> None:
        self.kinds: list[tuple[str, bool]] = []  # (field type, descending) per sort
        self.sorts: list[tuple[str, str, bool]] = []  # (field id, index kind, descending)
        extracts: list[Extract] = []
        for number, sort in enumerate(sorts):
            field_id = sort["fieldId"]
            found = domain.fields.get(field_id)
            if found is None:
                raise validation_error(
                    f"sorts[{number}]: field {field_id} does not exist in domain "
                    f"{domain.domain_id}."
                )
            descending = sort["sortOrder"] == "Desc"
            kind = _KINDS.get(found.type, "s")
            self.kinds.append((found.type, descending))
            self.sorts.append((field_id, kind, descending))
            extracts.append(_extract(index, field_id, kind, descending))
        self.key = _key_function(index, extracts)

    def position(self, key: SortKey) -> list[Any]:
        """The JSON form of a sort key: sort values as stored, not in sort direction."""
        out: list[Any] = []
        for number, (kind, descending) in enumerate(self.kinds):
            missing, value = key[2 * number], key[2 * number + 1]
            if not missing and descending:
                value = value.text if kind not in _NUMERIC_SORTS else -value
            out += [missing, value]
        out.append(key[-1])
        return out

    def key_of(self, position: Any) -> SortKey:
        """The sort key a token's position stands for; ValidationException if malformed."""
        if not isinstance(position, list) or len(position) != 2 * len(self.kinds) + 1:
            raise validation_error("The nextToken is not valid.")
        out: list[Any] = []
        for number, (kind, descending) in enumerate(self.kinds):
            missing, value = position[2 * number], position[2 * number + 1]
            numeric = kind in _NUMERIC_SORTS
            if missing == 1 and value is None:
                out += [1, None]
                continue
            valid = isinstance(value, (int, float)) if numeric else isinstance(value, str)
            if missing != 0 or isinstance(value, bool) or not valid:
                raise validation_error("The nextToken is not valid.")
            if descending:
                value = -value if numeric else _Descending(value)
            out += [0, value]
        if not isinstance(position[-1], str):
            raise validation_error("The nextToken is not valid.")
        out.append(position[-1])
        return tuple(out)


def _extract(index: CaseSearchIndex, field_id: str, kind: str, descending: bool) -> Extract:
    sign = -1 if descending else 1
    cases = index.cases
    if kind == "t":
        found = index.fields.get(field_id)
        column = None if found is None else found.instant_of

        def instant(doc: int) -> Any:
            if column is None or doc >= len(column) or column[doc] == MISSING:
                return None
            return sign * column[doc]

        return instant
    if kind == "n":

        def number(doc: int) -> Any:
            value = cases[doc].values.get(field_id)  # type: ignore[union-attr]
            raw = None if value is None else number_of(value)
            return None if raw is None else sign * raw

        return number
    if kind == "b":

        def flag(doc: int) -> Any:
            value = cases[doc].values.get(field_id)  # type: ignore[union-attr]
            raw = None if value is None else value.get("booleanValue")
            return sign * raw if isinstance(raw, bool) else None

        return flag

    def text(doc: int) -> Any:
        value = cases[doc].values.get(field_id)  # type: ignore[union-attr]
        raw = None if value is None else text_of(value)
        if raw is None:
            return None
        raw = raw[:PREFIX]
        return _Descending(raw) if descending else raw

    return text


def _key_function(index: CaseSearchIndex, extracts: list[Extract]) -> Callable[[int], SortKey]:
    cases = index.cases
    if len(extracts) == 1:
        (first,) = extracts

        def one_key(doc: int) -> SortKey:
            value = first(doc)
            case_id = cases[doc].case_id  # type: ignore[union-attr]
            return (1, None, case_id) if value is None else (0, value, case_id)

        return one_key

    def keys(doc: int) -> SortKey:
        out: list[Any] = []
        for extract in extracts:
            value = extract(doc)
            out += (1, None) if value is None else (0, value)
        out.append(cases[doc].case_id)  # type: ignore[union-attr]
        return tuple(out)

    return keys


# -- matching -----------------------------------------------------------------------------


def _scope_plan(scope: _access.Scope) -> Plan:
    """The cases a restricted caller may access: for every key, one of its values."""

    def accessible(index: CaseSearchIndex) -> Docs:
        result: Docs = index.alive
        for key, values in scope.items():
            allowed = docsets.union_of([index.tagged(key, v) for v in values], index.dense)
            result = docsets.both(result, allowed)
        return result

    return accessible


def find_docs(
    domain: Domain,
    index: CaseSearchIndex,
    params: dict[str, Any],
    scope: _access.Scope | None = None,
) -> Docs:
    """The docs of every case the request's filter and searchTerm select (and, with
    ``scope``, the caller may access)."""
    plans = [
        plan
        for plan in (
            compile_filter(domain, params.get("filter")),
            compile_search_term(params.get("searchTerm")),
            None if scope is None else _scope_plan(scope),
        )
        if plan is not None
    ]
    return all_of(plans)(index)


def find_cases(domain: Domain, params: dict[str, Any]) -> list[Case]:
    """Every case the request's filter and searchTerm select, unordered."""
    index = index_for(domain)
    return [index.case(doc) for doc in docsets.members(find_docs(domain, index, params))]


# -- the page -----------------------------------------------------------------------------


def _by_key(order: _Order, docs: Iterable[int], after: SortKey | None, want: int) -> list[int]:
    """The ``want`` docs with the smallest keys after ``after``, in order."""
    key = order.key
    keyed = [(key(doc), doc) for doc in docs]
    if after is not None:
        keyed = [item for item in keyed if after < item[0]]
    if len(keyed) > _HEAP_FACTOR * want:
        top = heapq.nsmallest(want, keyed, key=itemgetter(0))
    else:
        top = sorted(keyed, key=itemgetter(0))[:want]
    return [doc for _, doc in top]


def _few(count: int, want: int, among: int) -> bool:
    """Whether sorting ``count`` matches costs less than walking a sort order of ``among``
    entries for ``want`` of them. Sorting costs about a key per match; the walk about a
    bucket's bitmap test and extraction (some twenty keys' worth) per bucket it opens, and
    it opens ``want / (count / among)`` entries' worth of buckets."""
    return count <= want or count * count * 36 <= want * among


def _page(
    index: CaseSearchIndex, order: _Order, matches: Docs, after: SortKey | None, want: int
) -> list[int]:
    """The docs of the next page (``want`` = page size + 1, to tell if more follow)."""
    count = docsets.size(matches)
    if not count:
        return []
    if _few(count, want, index.count):
        return _by_key(order, docsets.members(matches), after, want)
    field_id, kind, _ = order.sorts[0]
    ordered = index.ordered(field_id, kind)
    found: list[int] = []
    if ordered is not None and ordered.present and (after is None or after[0] == 0):
        present = ordered.present
        held = matches if ordered.size == index.count else docsets.both(matches, present)
        count = docsets.size(held)
        if _few(count, want, ordered.size):
            found = _by_key(order, docsets.members(held), after, want)
        elif count:
            found = _walk(order, ordered, docsets.as_bits(held), count, after, want)
        if len(found) >= want:
            return found
    lacking = matches if not ordered or not ordered.present else _minus(matches, ordered.present)
    count = docsets.size(lacking)
    if not count:
        return found
    if len(order.sorts) > 1 or _few(count, want - len(found), index.count):
        return found + _by_key(order, docsets.members(lacking), after, want - len(found))
    by_id = index.case_order()
    start = 0 if after is None or after[0] == 0 else by_id.upper(after[-1])
    test = docsets.tester(lacking)
    for _, doc in by_id.ascending(start):
        if test(doc):
            found.append(doc)
            if len(found) >= want:
                break
    return found


def _minus(docs: Docs, other: int) -> Docs:
    if isinstance(docs, int):
        return docs ^ (docs & other)
    test = docsets.tester(other)
    return frozenset(doc for doc in docs if not test(doc))


def _natural(order: _Order, after: SortKey) -> Any:
    """The first sort's value of a position, as the index stores it."""
    value = after[1]
    _, kind, descending = order.sorts[0]
    if not descending:
        return value
    return value.text if kind == "s" else -value


_SPARSE = 4  # below one match in this many entries, a bucket's matches are sorted by key


def _walk(
    order: _Order, ordered: Ordered, matches: int, count: int, after: SortKey | None, want: int
) -> list[int]:
    """Matches with a value for the first sort, in order, after ``after``.

    The buckets of the first sort's structure are visited in sort order from ``after``'s;
    a bucket without matches (its bitmap AND the matches) is skipped whole. Where matches
    are sparse, a bucket's matches are extracted from that AND and sorted by key; where
    they are dense, its entries are walked in order (runs of equal values, which never
    span buckets, in case id order; with a second sort, each run's matches sorted)."""
    descending = order.sorts[0][2]
    single = len(order.sorts) == 1
    key = order.key
    vals_of, docs_of = ordered.vals, ordered.docs
    start = None if after is None else _natural(order, after)
    if descending:
        number, offset = ordered.locate(ordered.size if start is None else ordered.upper(start))
        if offset == 0:
            number -= 1
            offset = len(vals_of[number]) if number >= 0 else 0
        numbers: range = range(number, -1, -1)
    else:
        number, offset = ordered.locate(0 if start is None else ordered.lower(start))
        numbers = range(number, len(vals_of))
    sparse = count * _SPARSE < ordered.size
    test: Callable[[int], bool] | None = None
    found: list[int] = []
    for bucket in numbers:
        hits = ordered.bucket_bits(bucket) & matches
        if hits:
            if sparse:
                keyed = [(key(doc), doc) for doc in docsets.members(hits)]
                if after is not None:
                    keyed = [item for item in keyed if after < item[0]]
                keyed.sort(key=itemgetter(0))
                found += [doc for _, doc in keyed]
            else:
                if test is None:
                    test = docsets.tester(matches)
                vals, docs = vals_of[bucket], docs_of[bucket]
                low, high = 0, len(vals)
                if bucket == number:
                    low, high = (0, offset) if descending else (offset, high)
                for value, run in _runs(vals, docs, low, high, descending, 64 if single else 0):
                    kept = [doc for doc in run if test(doc)]
                    if start is not None and value == start:
                        kept = [doc for doc in kept if after < key(doc)]  # type: ignore[operator]
                    if not single and len(kept) > 1:
                        kept.sort(key=key)
                    found += kept
                    if single and len(found) >= want:
                        break
        if len(found) >= want:
            break
    return found[:want] if single else found


def _runs(
    vals: Sequence[Any], docs: Sequence[int], low: int, high: int, descending: bool, part: int
) -> Iterator[tuple[Any, Sequence[int]]]:
    """(value, docs holding it in case id order) for the entries [low, high) of a bucket,
    in sort order; with ``part``, a long run is handed out in slices of that many, so a
    page can stop inside it."""
    if not descending:
        at = low
        while at < high:
            value = vals[at]
            stop = at + 1
            if stop < high and vals[stop] == value:
                stop = bisect.bisect_right(vals, value, stop, high)
            step = part or stop - at
            for begin in range(at, stop, step):
                yield value, docs[begin : min(begin + step, stop)]
            at = stop
        return
    at = high
    while at > low:
        value = vals[at - 1]
        first = at - 1
        if first > low and vals[first - 1] == value:
            first = bisect.bisect_left(vals, value, low, first)
        step = part or at - first
        for begin in range(first, at, step):
            yield value, docs[begin : min(begin + step, at)]
        at = first


# -- the operation ------------------------------------------------------------------------


@functools.cache
def _reports_total() -> bool:
    return _model.has_member("SearchCasesResponse", "totalCount")


def _project(case: Case, field_ids: list[str]) -> list[dict[str, Any]]:
    fields = []
    for field_id in field_ids:
        value = case.values.get(field_id)
        if value and "emptyValue" not in value:
            fields.append({"id": field_id, "value": dict(value)})
    return fields


@operation("SearchCases")
def search_cases(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    index = index_for(domain)
    order = _Order(domain, index, params.get("sorts") or DEFAULT_SORTS)
    query = {
        "operation": "SearchCases",
        "domainId": domain.domain_id,
        "filter": params.get("filter"),
        "searchTerm": params.get("searchTerm") or "",
        "sorts": params.get("sorts") or [],
    }
    after = None
    token = params.get("nextToken")
    if token:
        after = order.key_of(decode_token(token, query))
    matches = find_docs(domain, index, params, _access.caller_scope(ctx))
    size = params.get("maxResults") or DEFAULT_PAGE_SIZE
    docs = _page(index, order, matches, after, size + 1)
    chunk = [index.case(doc) for doc in docs[:size]]
    field_ids = list(dict.fromkeys(item["id"] for item in params.get("fields") or []))
    result: dict[str, Any] = {
        "cases": [
            {
                "caseId": case.case_id,
                "templateId": case.template_id,
                "fields": _project(case, field_ids),
                "tags": dict(case.tags),
            }
            for case in chunk
        ]
    }
    if _reports_total():
        result["totalCount"] = docsets.size(matches)
    if len(docs) > size:
        result["nextToken"] = encode_token(order.position(order.key(docs[size - 1])), query)
    return result
