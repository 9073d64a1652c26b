"""Running operations on a mock without the wire (no HTTP encoding, no botocore), with
the same validation and handlers as a boto3 call, for the seeding helpers.

Refusals become the ``ClientError`` a boto3 client would raise: casemock's own error
answer is parsed by botocore's rest-json parser, so code, message, HTTP status and
modeled members are the same.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, cast

from casemock import _model
from casemock._errors import CasesMockError, ServiceError, UnsupportedOperationError
from casemock._protocol.validation import validate_input
from casemock.backend._context import Context, Handler
from casemock.backend._registry import handlers

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

    from casemock._mock import CasesMock


@functools.cache
def _exceptions() -> Any:
    from botocore.errorfactory import ClientExceptionsFactory

    return ClientExceptionsFactory().create_client_exceptions(_model.service_model())


def client_error(operation: str, error: ServiceError, note: str | None = None) -> ClientError:
    """The ClientError a boto3 client raises for ``error`` (parsed from casemock's own wire
    answer, so code, message, HTTP status and modeled members match)."""
    from botocore.compat import HTTPHeaders
    from botocore.parsers import create_parser

    from casemock._protocol.encoder import encode_error

    status, headers, body = encode_error(error)
    http_headers = HTTPHeaders()
    for key, value in headers.items():
        http_headers[key] = value
    answer = {"status_code": status, "headers": http_headers, "body": body}
    parser: Any = create_parser("rest-json")
    parsed: dict[str, Any] = parser.parse(answer, _model.operation(operation).output_shape)
    service_model: Any = _model.service_model()
    error_shape = service_model.shape_for_error_code(error.code)
    if error_shape is not None:
        parsed.update(parser.parse(answer, error_shape))
    if note:
        parsed["Error"]["Message"] = f"{parsed['Error'].get('Message', '')} ({note})"
    exception_class = _exceptions().from_code(error.code)
    return cast("ClientError", exception_class(parsed, operation))


def handler_for(operation: str) -> Handler:
    handler = handlers().get(operation)
    if handler is None:
        raise UnsupportedOperationError(operation)
    return handler


def require_active(mock: CasesMock, what: str) -> None:
    if not mock.active:
        raise CasesMockError(
            f"{what} needs an active mock: start() begins with empty state and would discard "
            "what was seeded. Seed inside `with mock_cases() as m:` (or after m.start())."
        )


class Quiet:
    """The mock's runtime without case events (for seeded cases)."""

    def __init__(self, mock: CasesMock) -> None:
        self._mock = mock
        # Bound once: handlers call these for every case.
        self.settings = mock.settings
        self.now = mock.now
        self.new_id = mock.new_id
        self.next_seq = mock.next_seq
        self.random_choice = mock.random_choice

    def __getattr__(self, name: str) -> Any:
        return getattr(self._mock, name)

    def publish(self, event: dict[str, Any]) -> None:
        pass


class Caller:
    """Runs operations on one region of a mock the way the transport does, minus the wire."""

    def __init__(self, mock: CasesMock, region: str | None, record_calls: bool) -> None:
        self.mock = mock
        self.region = region or mock.region
        self.state = mock.region_state(self.region)
        self.record_calls = record_calls

    def __call__(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        context = Context(self.mock.runtime, self.state, operation)
        try:
            validate_input(operation, params)
            handler = handler_for(operation)
            with self.state.lock:
                result = handler(context, params)
        except ServiceError as error:
            if self.record_calls:
                self.mock.record(operation, params, None, error, context)
            raise client_error(operation, error) from None
        if self.record_calls:
            self.mock.record(operation, params, result, None, context)
        return result
