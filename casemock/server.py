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
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from casemock import _transport
from casemock._mock import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, CasesMock

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
    patches nothing.
    """

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        # RAW_URI / REQUEST_URI keep percent-encoding; PATH_INFO is already decoded.
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        if not raw:
            raw = _quote_path(environ.get("PATH_INFO", "/"))
            if environ.get("QUERY_STRING"):
                raw += "?" + environ["QUERY_STRING"]
        host = environ.get("HTTP_HOST", "localhost")
        url = f"http://{host}{raw}"
        status, headers, payload = _transport.handle(
            mock, environ["REQUEST_METHOD"], url, _headers(environ), body
        )
        headers = dict(headers, **{"Content-Length": str(len(payload))})
        start_response(f"{status} {_reason(status)}", list(headers.items()))
        return [payload]

    return app


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _quote_path(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


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
    mock._reset()
    return make_server(host, port, make_app(mock), handler_class=_RawPathHandler)


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
