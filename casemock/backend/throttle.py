"""Request rates (``Settings.rate_limits``): each operation is limited per account and
Region to the rate and burst the Amazon Connect service quotas documentation gives for the
Cases APIs, with a token bucket on the mock's clock.

A bucket holds up to ``burst`` tokens and gains ``rate`` tokens per second of the mock's
clock (``Store.now()``, which time-machine moves); a call takes one token, or is refused
with ``ThrottlingException`` (HTTP 429) when none is left. Buckets start full, one per
(Region, operation): the account is the mock's. botocore's retry handler retries the 429
like AWS's, so a default client backs off and succeeds while a client without retries sees
the error.

Sources (docs/realism.md lists them per operation):

- Cases table: https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html#cases-api-quotas
- operations the table does not list take the Connect Service API default, "all
  operations have a RateLimit of 2 requests per second and a BurstLimit of 5":
  https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html#connect-api-quotas
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from casemock import _model
from casemock._errors import CasesMockError, ServiceError

Limit = tuple[float, float]  # (requests per second, burst)

# The Cases table, row by row (the table writes "CreateRelatedItems" and "DeleteCaseRules"
# for CreateRelatedItem and DeleteCaseRule).
DOCUMENTED: dict[str, Limit] = {
    **dict.fromkeys(
        (
            "CreateCase",
            "SearchCases",
            "ListTemplates",
            "ListLayouts",
            "CreateRelatedItem",
            "SearchRelatedItems",
            "ListCaseRules",
            "ListTagsForResource",
            "TagResource",
            "UntagResource",
            "GetCaseAuditEvents",
            "GetCaseEventConfiguration",
            "PutCaseEventConfiguration",
        ),
        (2.0, 10.0),
    ),
    "GetCase": (4.0, 10.0),
    **dict.fromkeys(("UpdateCase", "ListCasesForContact"), (2.0, 2.0)),
    **dict.fromkeys(
        (
            "CreateField",
            "ListFields",
            "UpdateField",
            "BatchPutFieldOptions",
            "CreateDomain",
            "GetDomain",
            "ListDomains",
            "CreateTemplate",
            "UpdateTemplate",
            "CreateLayout",
            "UpdateLayout",
            "CreateCaseRule",
            "UpdateCaseRule",
            "DeleteCaseRule",
        ),
        (2.0, 5.0),
    ),
    **dict.fromkeys(("BatchGetField", "BatchGetCaseRule"), (8.0, 25.0)),
    "ListFieldOptions": (6.0, 16.0),
    **dict.fromkeys(("GetTemplate", "GetLayout"), (6.0, 20.0)),
}
# Every other operation (DeleteCase, DeleteDomain, DeleteField, DeleteLayout,
# DeleteTemplate, DeleteRelatedItem, UpdateRelatedItem, SearchAllRelatedItems,
# BatchCreateRelatedItem, BatchUpdateCase, StartMergeCases, GetMergeCasesStatus): the
# account-level Connect Service API default.
DEFAULT: Limit = (2.0, 5.0)

MESSAGE = "Rate exceeded"


def limits(overrides: Mapping[str, Limit | None]) -> Callable[[str], Limit | None]:
    """The limit of each operation: an override, else the documented one, else DEFAULT
    (None: not limited)."""
    for operation, limit in overrides.items():
        if not _model.has_operation(operation):
            raise CasesMockError(
                f"rate_limit_overrides names {operation!r}, which is not an operation of the "
                "installed connectcases model; use the PascalCase name, e.g. 'CreateCase'."
            )
        if limit is None:
            continue
        rate, burst = limit
        if not rate > 0 or not burst >= 1:
            raise CasesMockError(
                f"rate_limit_overrides[{operation!r}] = {limit!r}: the rate must be above 0 "
                "requests per second and the burst at least 1 (None: no limit)."
            )

    def limit_of(operation: str) -> Limit | None:
        if operation in overrides:
            return overrides[operation]
        return DOCUMENTED.get(operation, DEFAULT)

    return limit_of


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    last: datetime


class RateLimiter:
    """The token buckets of one mock (reset with the mock's state)."""

    def __init__(self, overrides: Mapping[str, Limit | None]) -> None:
        self._limit = limits(overrides)
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def take(self, region: str, operation: str, now: datetime) -> None:
        """Take a token for one call of ``operation`` in ``region`` at ``now``, or raise
        ThrottlingException."""
        with self._lock:
            bucket = self._buckets.get((region, operation))
            if bucket is None:
                limit = self._limit(operation)
                if limit is None:
                    return
                rate, burst = limit
                bucket = self._buckets[(region, operation)] = _Bucket(rate, burst, burst, now)
            elapsed = (now - bucket.last).total_seconds()
            if elapsed > 0:  # a clock moved backwards refills nothing
                bucket.tokens = min(bucket.burst, bucket.tokens + elapsed * bucket.rate)
                bucket.last = now
            if bucket.tokens < 1:
                raise ServiceError("ThrottlingException", MESSAGE)
            bucket.tokens -= 1

    def tokens(self, region: str, operation: str) -> float | None:
        """The tokens left in a bucket as of its last call (None: not used yet)."""
        with self._lock:
            bucket = self._buckets.get((region, operation))
            return None if bucket is None else bucket.tokens
