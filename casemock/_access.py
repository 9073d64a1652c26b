"""Tag-based access simulation (Connect Cases TBAC, 2026-01-26).

Connect security profiles can restrict a user to the cases carrying given tags. A test
declares such a scope per caller (the access key id its client signs with)::

    m.restrict_access("AKIAAGENT1", tags={"Department": ["Shipping"]})

A case is in a caller's scope when, for every tag key of the scope, the case carries
that key with one of the allowed values. Callers without a scope, and unsigned requests,
see everything; with no scope declared at all nothing of this module runs.

Handlers call :func:`check_case_access` on the case a request names (after finding it,
so a missing case is still ``ResourceNotFoundException``), :func:`check_create_access`
with the tags a new case would carry, and filter search results with
:func:`case_filter` / :func:`case_visible`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from casemock._errors import CasesMockError, ServiceError, access_denied

if TYPE_CHECKING:
    from casemock.backend._context import Context
    from casemock.backend._records import Case

Scope = Mapping[str, frozenset[str]]
"""Tag key -> the values a caller may access."""


class AccessPolicy:
    """The access scopes of one mock, by access key id. Empty by default (off)."""

    def __init__(self) -> None:
        self.scopes: dict[str, Scope] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<AccessPolicy scopes={self.scopes!r}>"

    def restrict(self, access_key_id: str, tags: Mapping[str, str | Iterable[str]]) -> None:
        """Limit ``access_key_id`` to the cases whose tags match ``tags`` (every key,
        any of its values); replaces an earlier scope of the same caller."""
        if not access_key_id:
            raise CasesMockError(
                f"restrict_access() needs the caller's access key id (a string), "
                f"got {access_key_id!r}."
            )
        if not tags:
            raise CasesMockError(
                "restrict_access() needs at least one tag key; a caller without a scope "
                "already sees every case (use allow_all_access() to lift a scope)."
            )
        scope: dict[str, frozenset[str]] = {}
        for key, values in tags.items():
            allowed = frozenset([values] if isinstance(values, str) else values)
            if not all(isinstance(v, str) for v in allowed):
                raise CasesMockError(f"tag values for {key!r} must be strings, got {values!r}.")
            scope[key] = allowed
        with self._lock:
            self.scopes[access_key_id] = scope

    def allow_all(self, access_key_id: str) -> None:
        """Lift the scope of ``access_key_id`` (no error if it had none)."""
        with self._lock:
            self.scopes.pop(access_key_id, None)

    def clear(self) -> None:
        with self._lock:
            self.scopes.clear()

    def scope(self, access_key_id: str | None) -> Scope | None:
        if access_key_id is None or not self.scopes:
            return None
        return self.scopes.get(access_key_id)


def tags_allowed(scope: Scope, tags: Mapping[str, str]) -> bool:
    """True when ``tags`` satisfy every key of ``scope``."""
    return all(tags.get(key) in values for key, values in scope.items())


def caller_scope(ctx: Context) -> Scope | None:
    """The scope of the request's caller, or None when it is unrestricted."""
    if ctx.access_key_id is None:
        return None
    return ctx.runtime.access_scope(ctx.access_key_id)


def case_visible(ctx: Context, case: Case) -> bool:
    """True when the request's caller may access ``case``."""
    scope = caller_scope(ctx)
    return scope is None or tags_allowed(scope, case.tags)


def case_filter(ctx: Context) -> Callable[[Case], bool] | None:
    """A predicate keeping the cases the caller may access, or None when every case is
    visible (so a search can skip filtering altogether)."""
    scope = caller_scope(ctx)
    if scope is None:
        return None
    return lambda case: tags_allowed(scope, case.tags)


def check_case_access(ctx: Context, case: Case) -> None:
    """Raise AccessDeniedException (403) when the caller may not access ``case``."""
    scope = caller_scope(ctx)
    if scope is not None and not tags_allowed(scope, case.tags):
        raise _denied(ctx, case.arn, scope)


def check_create_access(ctx: Context, tags: Mapping[str, str], resource: str = "case") -> None:
    """Raise AccessDeniedException when a case created with ``tags`` (the request's tags
    merged with the template's propagated tags) would be outside the caller's scope."""
    scope = caller_scope(ctx)
    if scope is not None and not tags_allowed(scope, tags):
        raise _denied(ctx, resource, scope)


def _denied(ctx: Context, resource: str, scope: Scope) -> ServiceError:
    allowed = "; ".join(f"{key} in {sorted(values)}" for key, values in sorted(scope.items()))
    return access_denied(
        f"User: {ctx.access_key_id} is not authorized to perform: cases:{ctx.operation} on "
        f"resource: {resource} because the case's tags are outside the caller's access "
        f"scope ({allowed})."
    )
