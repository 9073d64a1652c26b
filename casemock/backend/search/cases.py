"""SearchCases: filter, searchTerm, sorts, projection, totalCount and keyset paging over a
domain's cases, served from the domain's ``CaseSearchIndex``.

How a search runs: the sorts are checked (``order``), the filter and the searchTerm are
checked and compiled (``filters``) and evaluated on the index into the exact set of
matching cases (a bitmap or a small set); a caller restricted by tag-based access
(``CasesMock.restrict_access``) is limited to the cases carrying its tags the same way.
``totalCount`` is the size of that set; the page comes from ``pages``.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING, Any

from casemock import _model
from casemock.backend import _access
from casemock.backend._context import Context
from casemock.backend._pagination import decode_token, encode_token
from casemock.backend._registry import operation
from casemock.backend.consistency import searchable
from casemock.backend.related_items.content import NEXT_SLA_BREACH, next_sla_breach_value
from casemock.backend.search import docsets, pages
from casemock.backend.search.docsets import Docs
from casemock.backend.search.filters import Plan, all_of, compile_filter, compile_search_term
from casemock.backend.search.index import CaseSearchIndex, index_for
from casemock.backend.search.order import DEFAULT_SORTS, SortOrder

if TYPE_CHECKING:
    from casemock.backend._records import Case, Domain

DEFAULT_PAGE_SIZE = 25


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


# -- the operation ------------------------------------------------------------------------


@functools.cache
def _reports_total() -> bool:
    return _model.has_member("SearchCasesResponse", "totalCount")


def _answers(cases: list[Case], field_ids: list[str], now: datetime) -> list[dict[str, Any]]:
    """The page's cases as SearchCases answers them, with the requested fields that
    hold a value (stored values are shared and never changed in place: not copied), and
    ``next_sla_breach_datetime`` computed when asked for, as GetCase does."""
    answers = []
    breach = NEXT_SLA_BREACH in field_ids
    for case in cases:
        values = case.values
        if breach and (computed := next_sla_breach_value(case, now)) is not None:
            values = {**values, NEXT_SLA_BREACH: computed}
        answers.append(
            {
                "caseId": case.case_id,
                "templateId": case.template_id,
                "fields": [
                    {"id": field_id, "value": value}
                    for field_id in field_ids
                    if (value := values.get(field_id)) and "emptyValue" not in value
                ],
                "tags": dict(case.tags),
            }
        )
    return answers


@operation("SearchCases")
def search_cases(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    if domain.pending_writes:  # docs/realism.md#search-consistency
        domain = searchable(ctx, domain)
    index = index_for(domain)
    order = SortOrder(domain, index, params.get("sorts") or DEFAULT_SORTS)
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
    matches = find_docs(domain, index, params, ctx.scope)
    size = params.get("maxResults") or DEFAULT_PAGE_SIZE
    docs = pages.page(index, order, matches, after, size + 1)
    chunk = [index.case(doc) for doc in docs[:size]]
    field_ids = list(dict.fromkeys(item["id"] for item in params.get("fields") or []))
    result: dict[str, Any] = {"cases": _answers(chunk, field_ids, ctx.now())}
    if _reports_total():
        result["totalCount"] = docsets.size(matches)
    if len(docs) > size:
        result["nextToken"] = encode_token(order.position(order.key(docs[size - 1])), query)
    return result
