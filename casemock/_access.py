"""Tag-based access simulation (Connect Cases TBAC, 2026-01-26): the scopes a test
declares per caller.

Connect security profiles can restrict a user to the cases carrying given tags. A test
declares such a scope per caller (the access key id its client signs with)::

    m.restrict_access("AKIAAGENT1", tags={"Department": ["Shipping"]})

This module only holds the declarations; the pipeline looks up the caller's scope and
hands it to the backend (``Context.scope``), whose ``backend/_access.py`` applies it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from casemock._errors import CasesMockError
from casemock.backend._access import Scope


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


__all__ = ["AccessPolicy", "Scope"]
