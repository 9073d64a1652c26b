"""The pipeline every connectcases request goes through: route, decode, validate,
faults, handle, check, encode. Shared by the in-process patch and the HTTP server mode,
so every client gets the same bytes."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

from botocore.awsrequest import AWSResponse

from casemock._errors import ServiceError, UnsupportedOperationError
from casemock._protocol import decoder, encoder, router
from casemock._protocol.encoder import Response
from casemock._protocol.output_check import check_output
from casemock._protocol.validation import validate_input
from casemock.backend._context import Context, Runtime
from casemock.backend._records import RegionState
from casemock.backend._registry import handler_for

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/")
_HOST = re.compile(r"^cases(?:-fips)?\.([a-z0-9-]+)\.")


class Dispatcher(Protocol):
    """What the transport needs from a CasesMock."""

    strict: bool
    region: str

    @property
    def runtime(self) -> Runtime: ...

    def region_state(self, region: str) -> RegionState: ...

    def before_handle(
        self, operation: str, params: dict[str, Any], access_key_id: str | None
    ) -> None: ...

    def record(
        self,
        operation: str,
        params: dict[str, Any],
        result: dict[str, Any] | None,
        error: ServiceError | None,
        context: Context | None,
    ) -> None: ...


class _Body(io.BytesIO):
    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        contents = self.read()
        while contents:
            yield contents
            contents = self.read()


def caller(url: str, headers: Mapping[str, str], default_region: str) -> tuple[str, str | None]:
    """(region, access key id) of a request: from the SigV4 credential scope, else the host."""
    auth = headers.get("Authorization") or headers.get("authorization")
    if isinstance(auth, bytes):
        auth = auth.decode()
    if auth:
        found = _CREDENTIAL.search(auth)
        if found:
            return found.group(2), found.group(1)
    host = urlsplit(url).hostname or ""
    found = _HOST.match(host)
    return (found.group(1) if found else default_region), None


def handle(
    mock: Dispatcher, method: str, url: str, headers: Mapping[str, str], body: bytes
) -> Response:
    split = urlsplit(url)
    region, access_key_id = caller(url, headers, mock.region)
    matched = router.match(method, split.path)
    if matched is None:
        return encoder.encode_error(
            ServiceError("UnknownOperationException", f"No operation matches {method} {split.path}")
        )
    operation, labels = matched
    params: dict[str, Any] = {}
    context: Context | None = None
    try:
        params = decoder.decode(operation, labels, split.query, headers, body)
        validate_input(operation, params)
        handler = handler_for(operation)
        if handler is None:
            raise UnsupportedOperationError(operation)
        state = mock.region_state(region)
        context = Context(mock.runtime, state, operation, access_key_id)
        mock.before_handle(operation, params, access_key_id)
        with state.lock:
            result = handler(context, params)
        if mock.strict:
            check_output(operation, result)
    except ServiceError as error:
        mock.record(operation, params, None, error, context)
        return encoder.encode_error(error)
    mock.record(operation, params, result, None, context)
    return encoder.encode_output(operation, result)


def request_bytes(request: Any) -> bytes:
    """The body of a prepared botocore request as bytes (it may be str, bytes or a file)."""
    body = request.body
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    data: bytes = body.read()
    return data


def answer(mock: Dispatcher, request: Any) -> AWSResponse:
    """Answer a botocore AWSPreparedRequest with an AWSResponse."""
    data = request_bytes(request)
    status, headers, payload = handle(mock, request.method, request.url, request.headers, data)
    # AWSResponse keeps headers in its own case-insensitive HeadersDict.
    return AWSResponse(request.url, status, headers, _Body(payload))  # type: ignore[arg-type]
