"""Tag-based access checks (Connect Cases TBAC, 2026-01-26), applied by the handlers.

A case is in a caller's scope when, for every tag key of the scope, the case carries
that key with one of the allowed values. The pipeline puts the caller's scope on the
``Context`` (``ctx.scope``; None for callers without one and unsigned requests, which
see everything); the scopes themselves are declared on the mock
(``CasesMock.restrict_access``).

Handlers call :func:`check_case_access` on the case a request names (after finding it,
so a missing case is still ``ResourceNotFoundException``), :func:`check_create_access`
with the tags a new case would carry, and filter search results with
:func:`case_filter` / :func:`case_visible`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from casemock._errors import ServiceError, access_denied

if TYPE_CHECKING:
    from casemock.backend._context import Context
    from casemock.backend._records import Case

Scope = Mapping[str, frozenset[str]]
"""Tag key -> the values a caller may access."""


def tags_allowed(scope: Scope, tags: Mapping[str, str]) -> bool:
    """True when ``tags`` satisfy every key of ``scope``."""
    return all(tags.get(key) in values for key, values in scope.items())


def case_visible(ctx: Context, case: Case) -> bool:
    """True when the request's caller may access ``case``."""
    scope = ctx.scope
    return scope is None or tags_allowed(scope, case.tags)


def case_filter(ctx: Context) -> Callable[[Case], bool] | None:
    """A predicate keeping the cases the caller may access, or None when every case is
    visible (so a search can skip filtering altogether)."""
    scope = ctx.scope
    if scope is None:
        return None
    return lambda case: tags_allowed(scope, case.tags)


def check_case_access(ctx: Context, case: Case) -> None:
    """Raise AccessDeniedException (403) when the caller may not access ``case``."""
    scope = ctx.scope
    if scope is not None and not tags_allowed(scope, case.tags):
        raise _denied(ctx, case.arn, scope)


def check_create_access(ctx: Context, tags: Mapping[str, str], resource: str = "case") -> None:
    """Raise AccessDeniedException when a case created with ``tags`` (the request's tags
    merged with the template's propagated tags) would be outside the caller's scope."""
    scope = ctx.scope
    if scope is not None and not tags_allowed(scope, tags):
        raise _denied(ctx, resource, scope)


def _denied(ctx: Context, resource: str, scope: Scope) -> ServiceError:
    allowed = "; ".join(f"{key} in {sorted(values)}" for key, values in sorted(scope.items()))
    return access_denied(
        f"User: {ctx.access_key_id} is not authorized to perform: cases:{ctx.operation} on "
        f"resource: {resource} because the case's tags are outside the caller's access "
        f"scope ({allowed})."
    )
