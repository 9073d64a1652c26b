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


class UnsupportedMemberError(UnsupportedOperationError):
    """A request member that the installed botocore models and casemock does not implement.

    Raised instead of ignoring the member or refusing the request with an error AWS would
    not give: the model is newer than this casemock (see docs/compatibility.md).
    """

    def __init__(self, operation: str, member: str, botocore_version: str) -> None:
        CasesMockError.__init__(
            self,
            f"casemock does not implement the member {member!r} of the connectcases "
            f"operation {operation!r}, which the installed botocore {botocore_version} "
            f"models. See {DOCS}/compatibility.md#model-drift.",
        )
        self.operation = operation
        self.member = member
        self.botocore_version = botocore_version


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


# Values echoed in error messages are cut to this many characters (docs/behaviour.md,
# "Protocol and validation"): a 1 MB value must not make a 1 MB message.
ECHO_LIMIT = 256


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` as an error message echoes it: at most ``limit`` characters, then ``...``
    and the number of characters left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


def serialization_error(message: str) -> ServiceError:
    """A request that does not map to the operation's input shape (malformed JSON, a value of
    the wrong type, a malformed union, null in a list or map): 400, as rest-json services
    answer it."""
    return ServiceError("SerializationException", message)


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
