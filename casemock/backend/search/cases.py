"""SearchCases: filter, searchTerm, sorts, projection, totalCount and keyset paging over a
domain's cases, served from the domain's ``CaseIndex`` (see ``_case_index``).

How a search runs: the filter is checked and compiled once (``case_filters``); when it
allows an index lookup (``equalTo`` on a field, a tag, an ``andAll`` holding one) only
the candidates the index names are verified, otherwise one pass over the cases applies
the compiled predicates. Only the matches get sort keys; a page is the k smallest keys
(``heapq`` when there are many matches), after the position a ``nextToken`` carries.

Callers restricted by tag-based access (``CasesMock.restrict_access``) see, and count in
``totalCount``, only the cases in their scope.

Order: the requested sorts (default ``last_updated_datetime`` Desc), cases without a
value for a sort field last, then the case id, so every case has a unique position and
paging neither repeats nor skips cases when others are created, changed or deleted in
between. String sort values compare by code point on their first ``SORT_PREFIX``
characters (which keeps a position small enough for a ``nextToken``).
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable, Iterable
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from casemock import _access, _model
from casemock._errors import validation_error
from casemock.backend._context import Context
from casemock.backend._pagination import decode_token, encode_token
from casemock.backend._registry import operation
from casemock.backend.search.filters import (
    MATCH_ALL,
    CompiledFilter,
    all_of,
    compile_filter,
    compile_search_term,
)
from casemock.backend.search.index import CaseIndex, index_for

if TYPE_CHECKING:
    from casemock.backend._records import Case, Domain

DEFAULT_PAGE_SIZE = 25
DEFAULT_SORTS = ({"fieldId": "last_updated_datetime", "sortOrder": "Desc"},)
SORT_PREFIX = 255
_HEAP_FACTOR = 4  # use heapq.nsmallest when there are this many times more matches than a page
_NUMERIC_SORTS = frozenset({"DateTime", "Number", "Boolean"})

SortKey = tuple[Any, ...]  # (missing, value) per sort, then the case id
Extract = Callable[["Case"], Any]  # a case's sort value in sort direction, or None


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

    def __init__(self, domain: Domain, sorts: Iterable[dict[str, Any]]) -> None:
        self.kinds: list[tuple[str, bool]] = []  # (field type, descending) per sort
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
            self.kinds.append((found.type, descending))
            extracts.append(_extract(index_for(domain), field_id, found.type, descending))
        self.key = _key_function(extracts)

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


def _extract(index: CaseIndex, field_id: str, kind: str, descending: bool) -> Extract:
    sign = -1 if descending else 1
    if kind == "DateTime":
        by_case = index.instants.get(field_id, {})  # read-only within one request

        def instant(case: Case) -> Any:
            value = by_case.get(case.case_id)
            return None if value is None else sign * value

        return instant
    if kind in ("Number", "Boolean"):
        member = "doubleValue" if kind == "Number" else "booleanValue"

        def number(case: Case) -> Any:
            value = case.values.get(field_id)
            raw = None if value is None else value.get(member)
            return None if raw is None else sign * raw

        return number

    def text(case: Case) -> Any:
        value = case.values.get(field_id)
        if value is None:
            return None
        raw = value.get("stringValue")
        if raw is None:
            raw = value.get("userArnValue")
            if raw is None:
                return None
        raw = raw[:SORT_PREFIX]
        return _Descending(raw) if descending else raw

    return text


def _key_function(extracts: list[Extract]) -> Callable[[Case], SortKey]:
    if len(extracts) == 1:
        (first,) = extracts

        def one_key(case: Case) -> SortKey:
            value = first(case)
            return (1, None, case.case_id) if value is None else (0, value, case.case_id)

        return one_key

    def keys(case: Case) -> SortKey:
        out: list[Any] = []
        for extract in extracts:
            value = extract(case)
            out += (1, None) if value is None else (0, value)
        out.append(case.case_id)
        return tuple(out)

    return keys


def find_cases(
    domain: Domain, params: dict[str, Any], visible: Callable[[Case], bool] | None = None
) -> list[Case]:
    """Every case of ``domain`` the request's filter and searchTerm select (and, with
    ``visible``, the caller may access), unordered."""
    parts = [
        compile_filter(domain, params.get("filter")),
        compile_search_term(index_for(domain), params.get("searchTerm")),
    ]
    if visible is not None:
        parts.append(CompiledFilter(visible))
    compiled = all_of(parts)
    if compiled is MATCH_ALL:
        return list(domain.cases.values())
    if compiled.candidates is None:
        matches = compiled.matches
        return [case for case in domain.cases.values() if matches(case)]
    stored = domain.cases
    found = [case for case_id in compiled.candidates() if (case := stored.get(case_id))]
    residual = compiled.residual
    return found if residual is None else [case for case in found if residual(case)]


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
    index_for(domain)  # up to date before the sort keys read it
    order = _Order(domain, params.get("sorts") or DEFAULT_SORTS)
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
    matches = find_cases(domain, params, _access.case_filter(ctx))
    size = params.get("maxResults") or DEFAULT_PAGE_SIZE
    keyed = [(order.key(case), case) for case in matches]
    if after is not None:
        keyed = [item for item in keyed if after < item[0]]
    if len(keyed) > _HEAP_FACTOR * (size + 1):
        top = heapq.nsmallest(size + 1, keyed, key=itemgetter(0))
    else:
        top = sorted(keyed, key=itemgetter(0))[: size + 1]
    chunk = top[:size]
    field_ids = list(dict.fromkeys(item["id"] for item in params.get("fields") or []))
    result: dict[str, Any] = {
        "cases": [
            {
                "caseId": case.case_id,
                "templateId": case.template_id,
                "fields": _project(case, field_ids),
                "tags": dict(case.tags),
            }
            for _, case in chunk
        ]
    }
    if _reports_total():
        result["totalCount"] = len(matches)
    if len(top) > size:
        result["nextToken"] = encode_token(order.position(chunk[-1][0]), query)
    return result
