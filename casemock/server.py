"""HTTP server mode: the same router, decoder, validator, backend and encoder as the
in-process mock, behind a WSGI app, so clients in other processes and languages (the AWS
CLI, the JavaScript or Go SDKs) get byte-for-byte the same answers.

Run ``python -m casemock.server --port 5000`` and point a client at
``--endpoint-url http://127.0.0.1:5000``. The region comes from the request's SigV4
credential scope, as in-process.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import threading
import traceback
from collections.abc import Callable, Iterable
from http import HTTPStatus
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from casemock import _dispatch as _transport
from casemock import _model
from casemock._errors import ServiceError, UnsupportedOperationError
from casemock._mock import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, CasesMock
from casemock._protocol import encoder, router
from casemock._protocol.encoder import Response

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


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


def make_app(mock: CasesMock) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """A WSGI application answering Connect Cases requests from ``mock``'s state.

    The mock does not need to be started: the app calls the transport directly and
    patches nothing. Every answer carries CORS headers, and preflight ``OPTIONS``
    requests are answered, so the JavaScript SDK works from a browser page too.
    """

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] == "OPTIONS":  # no connectcases route uses OPTIONS
            status, headers, payload = _preflight(environ)
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            status, headers, payload = _answer(mock, environ, body)
            headers = {**headers, **_cors_headers()}
        headers["Content-Length"] = str(len(payload))
        start_response(f"{status} {_reason(status)}", list(headers.items()))
        return [payload]

    return app


def _request_url(environ: dict[str, Any]) -> str:
    # RAW_URI / REQUEST_URI keep percent-encoding; PATH_INFO is already decoded.
    raw: str = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    if raw.startswith(("http://", "https://")):  # absolute-form target (via a proxy)
        return raw
    if not raw:
        raw = _quote_path(environ.get("PATH_INFO", "/"))
        if environ.get("QUERY_STRING"):
            raw += "?" + environ["QUERY_STRING"]
    host = environ.get("HTTP_HOST", "localhost")
    return f"http://{host}{raw}"


def _answer(mock: CasesMock, environ: dict[str, Any], body: bytes) -> Response:
    """The transport's answer; casemock's own errors become JSON errors, not a bare 500
    page, since over HTTP there is no caller thread to raise them in."""
    try:
        return _transport.handle(
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


def _cors_headers() -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": _exposed_headers(),
    }


def _preflight(environ: dict[str, Any]) -> Response:
    methods = sorted({route.method for route in router.routes()})
    headers = _cors_headers()
    headers["Access-Control-Allow-Methods"] = ", ".join(methods)
    # "*" does not cover Authorization, so echo what the browser asks for.
    requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
    headers["Access-Control-Allow-Headers"] = requested or "*"
    headers["Access-Control-Max-Age"] = "600"
    return HTTPStatus.OK.value, headers, b""


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _quote_path(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    """One thread per connection, and a deep accept queue: SDKs fire calls in parallel
    (``Promise.all``), and with the default queue of 5 the kernel drops the surplus
    connections, which then wait out a one-second SYN retry. The transport is
    thread-safe (one lock per region state)."""

    daemon_threads = True
    request_queue_size = 128


class _RawPathHandler(WSGIRequestHandler):
    """Pass the raw request target through, so encoded ARNs stay one path segment."""

    def get_environ(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environ()
        environ["RAW_URI"] = self.path
        return environ

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(
    host: str = "127.0.0.1",
    port: int = 5000,
    *,
    mock: CasesMock | None = None,
) -> WSGIServer:
    """Create (not start) a server; call ``serve_forever()`` on it, or use ``run_in_thread``."""
    mock = mock or CasesMock()
    mock.store.reset()
    mock.calls = []
    return make_server(
        host, port, make_app(mock), server_class=_ThreadingServer, handler_class=_RawPathHandler
    )


def run_in_thread(
    host: str = "127.0.0.1", port: int = 0, *, mock: CasesMock | None = None
) -> tuple[WSGIServer, threading.Thread]:
    """Start a server on a background thread (port 0 picks a free port)."""
    server = serve(host, port, mock=mock)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a mock Amazon Connect Cases over HTTP.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID)
    parser.add_argument("--region", default=DEFAULT_REGION)
    args = parser.parse_args(argv)
    server = serve(
        args.host, args.port, mock=CasesMock(account_id=args.account_id, region=args.region)
    )
    print(f"casemock serving Amazon Connect Cases on http://{args.host}:{server.server_port}")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
