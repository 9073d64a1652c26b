"""What the batch operations (BatchUpdateCase, BatchCreateRelatedItem) share: clientToken
replay, ``caseIdentifier`` resolution and per-case result entries.

A batch request with a ``clientToken`` answers a repeat of the same request with the
first answer, and refuses the token with a different request (ConflictException). Each
case then succeeds or fails on its own; a failure carries the error code the model's
batch error enum uses for the refusal the single-case operation would give.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from casemock._errors import ServiceError, conflict, not_found, validation_error
from casemock.backend._records import Domain

Replays = dict[str, tuple[str, dict[str, Any]]]  # clientToken -> (fingerprint, response)

FAILURE_CODES = {
    "ValidationException": "VALIDATION_ERROR",
    "ResourceNotFoundException": "CASE_NOT_FOUND",
    "ConflictException": "CONFLICT",
    "AccessDeniedException": "ACCESS_DENIED",
    "ThrottlingException": "THROTTLED",
    "ServiceQuotaExceededException": "SERVICE_QUOTA_EXCEEDED",
}


def fingerprint(params: dict[str, Any]) -> str:
    """What makes two batch requests with the same clientToken "the same"."""
    body = {k: v for k, v in params.items() if k != "clientToken"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def replay(
    replays: Replays, token: str | None, request: str, operation: str
) -> dict[str, Any] | None:
    """The earlier answer to the same request under ``token`` (a copy), None when the token
    is new; ConflictException when the token was used for a different request."""
    if not token or token not in replays:
        return None
    known, response = replays[token]
    if known != request:
        raise conflict(
            f"The clientToken {token} was already used for a different {operation} request."
        )
    return copy.deepcopy(response)


def remember(replays: Replays, token: str | None, request: str, result: dict[str, Any]) -> None:
    if token:
        replays[token] = (request, copy.deepcopy(result))


def resolve_case_identifiers(
    domain: Domain, entries: list[dict[str, Any]]
) -> list[tuple[str, str | None]]:
    """(case id, reference id) for each ``caseIdentifier`` entry. A reference ID
    (case-insensitive) that names no case, or a case named twice, refuses the whole
    request."""
    resolved: list[tuple[str, str | None]] = []
    for entry in entries:
        identifier: dict[str, Any] = entry["caseIdentifier"]
        reference: str | None = identifier.get("referenceId")
        if reference is None:
            resolved.append((identifier["caseId"], None))
            continue
        case_id = domain.reference_numbers.get(reference.upper())
        if case_id is None:
            raise not_found(
                "Case",
                reference,
                f"No case with reference ID {reference} in domain {domain.domain_id}.",
            )
        resolved.append((case_id, reference))
    ids = [case_id for case_id, _ in resolved]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise validation_error(f"The request names cases [{', '.join(repeated)}] more than once.")
    return resolved


def case_identifier(domain: Domain, case_id: str) -> dict[str, Any]:
    """``caseIdentifier`` of a result entry: the case id, and the reference ID when the
    case exists."""
    identifier: dict[str, Any] = {"caseId": case_id}
    case = domain.cases.get(case_id)
    reference = None if case is None else case.values.get("reference_number", {})
    if reference and reference.get("stringValue"):
        identifier["referenceId"] = reference["stringValue"]
    return identifier


def failure(identifier: dict[str, Any], code: str, message: str) -> dict[str, Any]:
    """A failed entry with the batch failure ``code`` (e.g. ``CASE_NOT_FOUND``)."""
    return {"caseIdentifier": identifier, "errorCode": code, "errorMessage": message}


def refused(identifier: dict[str, Any], error: ServiceError) -> dict[str, Any]:
    """A failed entry for a case the single-case operation would refuse with ``error``."""
    return failure(identifier, FAILURE_CODES.get(error.code, "INTERNAL_ERROR"), error.message)
