"""What a handler gets: the region's stored state, the store's clock and ids (the
runtime), the caller's access scope, and helpers to find resources or fail the way the
service does."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from casemock._errors import not_found
from casemock._settings import Settings
from casemock.backend._access import Scope, check_case_access
from casemock.backend._records import Case, Domain, RegionState
from casemock.backend.external import ExternalResources


class Runtime(Protocol):
    """The clock, ids, counter, event sink and external resources handlers use (a
    ``Store``, or its quiet twin for seeding)."""

    settings: Settings
    external: ExternalResources

    def now(self) -> datetime: ...

    def new_id(self) -> str: ...

    def next_seq(self) -> int: ...

    def random_choice(self, alphabet: str, length: int) -> str: ...

    def publish(self, event: dict[str, Any]) -> None: ...


class Context:
    """What a handler gets for one call: the runtime (clock, ids, counter, event sink),
    the region's state, the operation, the caller's access key and access scope."""

    __slots__ = (
        "access_key_id",
        "new_id",
        "next_seq",
        "now",
        "operation",
        "runtime",
        "scope",
        "settings",
        "state",
    )

    def __init__(
        self,
        runtime: Runtime,
        state: RegionState,
        operation: str,
        access_key_id: str | None = None,
        scope: Scope | None = None,  # the caller's tag-based access scope; None: unrestricted
    ) -> None:
        self.runtime = runtime
        self.state = state
        self.operation = operation
        self.access_key_id = access_key_id
        self.scope = scope
        # Bound once: handlers read them for every record they write.
        self.settings: Settings = runtime.settings
        self.now: Callable[[], datetime] = runtime.now
        self.new_id: Callable[[], str] = runtime.new_id
        self.next_seq: Callable[[], int] = runtime.next_seq

    @property
    def account_id(self) -> str:
        return self.state.account_id

    @property
    def region(self) -> str:
        return self.state.region

    @property
    def iam_principal_arn(self) -> str:
        return _principal(self.settings.iam_principal_arn, self.account_id)

    def arn(self, resource: str) -> str:
        return f"arn:aws:cases:{self.region}:{self.account_id}:{resource}"

    def domain(self, domain_id: str) -> Domain:
        domain = self.state.domains.get(domain_id)
        if domain is None:
            raise not_found("Domain", domain_id, f"Domain {domain_id} not found")
        return domain

    def case(self, domain: Domain, case_id: str) -> Case:
        """The case a request names, for this caller: ResourceNotFoundException (resourceType
        Case) if there is none, AccessDeniedException if it is outside the caller's
        tag-based access scope (see ``backend/_access.py``)."""
        found = domain.cases.get(case_id)
        if found is None:
            raise not_found(
                "Case", case_id, f"Case {case_id} not found in domain {domain.domain_id}"
            )
        check_case_access(self, found)
        return found


Handler = Callable[[Context, dict[str, Any]], dict[str, Any]]


@functools.lru_cache(maxsize=64)
def _principal(template: str, account_id: str) -> str:
    """The caller's IAM principal ARN (written into every audit event)."""
    return template.format(account_id=account_id)
