"""The two error families.

``ServiceError`` is an AWS error: it travels on the wire and reaches the caller as a
botocore ``ClientError``. ``CasesMockError`` and its subclasses signal misuse of casemock
itself and are raised in the caller's thread.
"""

from __future__ import annotations

from typing import Any

DOCS = "https://github.com/casemock/casemock/blob/main/docs"


class CasesMockError(Exception):
    """Misuse of casemock (not an AWS error)."""


class MockNotStartedError(CasesMockError, RuntimeError):
    """stop() was called on a mock that is not active."""


class UnsupportedOperationError(CasesMockError):
    """An operation that casemock does not answer."""

    def __init__(self, operation: str) -> None:
        super().__init__(
            f"casemock does not implement the connectcases operation {operation!r}. "
            f"See {DOCS}/supported-operations.md for what is supported."
        )
        self.operation = operation


class OutputShapeError(CasesMockError, AssertionError):
    """casemock produced an output that breaks the service model (strict mode)."""


class SnapshotFormatError(CasesMockError, ValueError):
    """A state document casemock cannot restore."""


class CasesMockWarning(UserWarning):
    """A likely mistake in how casemock is used, e.g. mocks started on two threads."""


class ServiceError(Exception):
    """A modeled Connect Cases error, sent to the client as an HTTP error response."""

    def __init__(self, code: str, message: str, **members: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.members = members


def validation_error(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def validation_errors(problems: list[str]) -> ServiceError:
    """One ValidationException for several problems, in AWS's words:
    ``2 validation errors detected: <problem>; <problem>``."""
    count = len(problems)
    noun = "error" if count == 1 else "errors"
    return validation_error(f"{count} validation {noun} detected: " + "; ".join(problems))


def not_found(resource_type: str, resource_id: str, message: str | None = None) -> ServiceError:
    return ServiceError(
        "ResourceNotFoundException",
        message or f"{resource_type} {resource_id} not found",
        resourceId=resource_id,
        resourceType=resource_type,
    )


def conflict(message: str) -> ServiceError:
    return ServiceError("ConflictException", message)


def quota_exceeded(message: str) -> ServiceError:
    return ServiceError("ServiceQuotaExceededException", message)


def access_denied(message: str) -> ServiceError:
    return ServiceError("AccessDeniedException", message)
