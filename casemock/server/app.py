"""The WSGI application: Connect Cases requests through THE pipeline (``_dispatch.handle``),
the control endpoints and dashboard under ``/_casemock/``, CORS for browsers, the
request log.

The app reads the whole body before answering (the model has no streaming input), up to
``max_body`` bytes: a longer body, or a ``Content-Length`` that is not a number, gets a
JSON error, never a plain-text page. Behind waitress these limits are enforced before
the app runs (``runner``); the checks here cover any other WSGI server.

Every answer is JSON (or the dashboard's HTML): casemock's own failures become
``InternalServerException`` (500) or ``UnsupportedOperationException`` (501) with the
traceback on the server's stderr, since over HTTP there is no caller thread to raise in.
"""

from __future__ import annotations

import functools
import time
import traceback
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any, TextIO
from urllib.parse import quote

from casemock import _dispatch, _model
from casemock._errors import ServiceError, UnsupportedOperationError
from casemock._mock import CasesMock
from casemock._protocol import encoder, router
from casemock._protocol.encoder import Response
from casemock.server import control

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# The largest legal Connect Cases request is far below this: CreateCase, UpdateCase and
# BatchUpdateCase at their maximum (220 fields of 4,100 characters) are about 1 MB of
# JSON, 5.5 MB if every character is \u-escaped. State documents (PUT /_casemock/state)
# of big suites can be larger: raise the limit (--max-body) or use --state.
DEFAULT_MAX_BODY = 10 * 1024 * 1024
DEFAULT_IDLE_TIMEOUT = 120  # seconds
DEFAULT_THREADS = 16


class CaseInsensitiveHeaders(dict[str, str]):
    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


def _headers(environ: dict[str, Any]) -> CaseInsensitiveHeaders:
    headers = CaseInsensitiveHeaders()
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = value
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    return headers


class App:
    """A WSGI application answering Connect Cases requests from ``mock``'s state.

    The app patches nothing and does not open the mock (``serve`` and ``run_in_thread``
    do): mounted elsewhere, call ``mock.open()`` first. Every answer carries CORS headers
    and preflight ``OPTIONS`` requests are answered, so the JavaScript SDK works from a
    browser page too. With ``log``, one line per request: time, operation, status,
    duration.
    """

    def __init__(
        self,
        mock: CasesMock,
        *,
        log: TextIO | None = None,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self.mock = mock
        self.log = log
        self.max_body = max_body

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO") or "/"
        if method == "OPTIONS":  # no connectcases route uses OPTIONS
            status, headers, payload = _preflight(environ)
            name = "preflight"
        elif path == "/" or path.startswith(control.PREFIX):
            name = control.name(path)
            status, headers, payload = control.answer(self, method, path, environ)
            headers = {**headers, **cors_headers()}
        else:
            matched = router.match(method, _raw_path(environ)) if self.log else None
            name = matched[0] if matched else "-"
            status, headers, payload = self._connect_cases(environ)
            headers = {**headers, **cors_headers()}
        headers["Content-Length"] = str(len(payload))
        start_response(f"{status} {reason(status)}", list(headers.items()))
        if self.log is not None:
            self.write_log(name, status, time.perf_counter() - started)
        return [payload]

    def _connect_cases(self, environ: dict[str, Any]) -> Response:
        body = self.read_body(environ)
        if not isinstance(body, bytes):
            return body
        return _answer(self.mock, environ, body)

    def read_body(self, environ: dict[str, Any]) -> bytes | Response:
        """The request body, or the error answer for a bad length or an oversize body."""
        declared = environ.get("CONTENT_LENGTH") or ""
        stream = environ["wsgi.input"]
        if declared:
            if not declared.isdigit():
                return transport_error(
                    400, f"Content-Length {declared!r} is not a number of bytes."
                )
            length = int(declared)
            if length > self.max_body:
                return too_large(self.max_body)
            return stream.read(length) if length else b""
        if environ.get("wsgi.input_terminated"):  # chunked, already decoded by the server
            data: bytes = stream.read(self.max_body + 1)
            return too_large(self.max_body) if len(data) > self.max_body else data
        return b""

    def write_log(self, operation: str, status: int, seconds: float) -> None:
        assert self.log is not None
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")[:-6]
        self.log.write(f"{now}Z {operation} {status} {seconds * 1000:.1f} ms\n")
        self.log.flush()


def make_app(
    mock: CasesMock, *, log: TextIO | None = None, max_body: int = DEFAULT_MAX_BODY
) -> App:
    """The WSGI application for ``mock`` (see :class:`App`)."""
    return App(mock, log=log, max_body=max_body)


def _raw_path(environ: dict[str, Any]) -> str:
    url = _request_url(environ)
    rest = url.split("://", 1)[-1]
    path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return path.split("?", 1)[0]


def _request_url(environ: dict[str, Any]) -> str:
    # RAW_URI / REQUEST_URI keep percent-encoding; PATH_INFO is already decoded.
    raw: str = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    if raw.startswith(("http://", "https://")):  # absolute-form target (via a proxy)
        return raw
    if not raw:
        raw = quote(environ.get("PATH_INFO", "/"), safe="/")
        if environ.get("QUERY_STRING"):
            raw += "?" + environ["QUERY_STRING"]
    host = environ.get("HTTP_HOST", "localhost")
    return f"http://{host}{raw}"


def _answer(mock: CasesMock, environ: dict[str, Any], body: bytes) -> Response:
    """The pipeline's answer; casemock's own errors become JSON errors, not a bare 500
    page, since over HTTP there is no caller thread to raise them in."""
    try:
        return _dispatch.handle(
            mock, environ["REQUEST_METHOD"], _request_url(environ), _headers(environ), body
        )
    except UnsupportedOperationError as error:
        _, headers, payload = encoder.encode_error(
            ServiceError("UnsupportedOperationException", str(error))
        )
        return HTTPStatus.NOT_IMPLEMENTED.value, headers, payload
    except Exception as error:  # a casemock bug (e.g. OutputShapeError in strict mode)
        traceback.print_exc(file=environ.get("wsgi.errors"))
        return encoder.encode_error(
            ServiceError(
                "InternalServerException",
                f"casemock failed: {type(error).__name__}: {error} "
                "(traceback on the server's stderr)",
            )
        )


def transport_error(status: int, message: str, code: str | None = None) -> Response:
    """A JSON error for a request refused before it reaches the pipeline (bad framing,
    oversize body): AWS's error layout, so SDKs read ``code`` and ``message``."""
    code = code or {
        413: "RequestEntityTooLargeException",
        431: "RequestHeaderFieldsTooLargeException",
        500: "InternalServerException",
        501: "NotImplementedException",
    }.get(status, "BadRequestException")
    _, headers, payload = encoder.encode_error(ServiceError(code, message))
    return status, headers, payload


def too_large(limit: int) -> Response:
    return transport_error(
        413,
        f"The request body is larger than this server's limit of {limit} bytes "
        "(casemock-server --max-body).",
    )


@functools.cache
def _exposed_headers() -> str:
    """Response headers a browser lets the SDK read: request id, error type, clock skew
    (Date) and every header-bound member of the model's outputs and errors."""
    names = ["x-amzn-RequestId", "x-amzn-ErrorType", "Date"]
    service = _model.service_model()
    shapes: list[Any] = list(service.error_shapes)
    shapes += [_model.operation(op).output_shape for op in _model.operation_names()]
    for shape in shapes:
        for member in getattr(shape, "members", {}).values():
            if member.serialization.get("location") == "header":
                wire = member.serialization.get("name")
                if wire and wire not in names:
                    names.append(wire)
    return ", ".join(names)


def cors_headers() -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": _exposed_headers(),
    }


def _preflight(environ: dict[str, Any]) -> Response:
    methods = sorted({route.method for route in router.routes()} | control.METHODS)
    headers = cors_headers()
    headers["Access-Control-Allow-Methods"] = ", ".join(methods)
    # "*" does not cover Authorization, so echo what the browser asks for.
    requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
    headers["Access-Control-Allow-Headers"] = requested or "*"
    headers["Access-Control-Max-Age"] = "600"
    return HTTPStatus.OK.value, headers, b""


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
