"""The control endpoints under ``/_casemock/``: what a test harness outside the process
needs of the server's mock. The paths are fixed (suites outside casemock rely on them)
and never collide with a Connect Cases route (a test checks every route of the model).

=======  =======================  ===================================================
GET      /_casemock/health        ``{"status": "ok", "version", "botocore", "operations"}``
POST     /_casemock/reset         empty state, call log and events; no faults
POST     /_casemock/settle        running merges complete, pending writes visible now
                                  (``CasesMock.settle()``, docs/realism.md)
GET      /_casemock/state         the state document (``CasesMock.snapshot()``)
PUT      /_casemock/state         restore a document (gzip with Content-Encoding: gzip)
GET      /_casemock/faults        the fault rules
POST     /_casemock/faults        add one: the keywords of ``CasesMock.add_error`` (or,
                                  with ``"latency": seconds``, of ``add_latency``)
DELETE   /_casemock/faults        remove every rule
GET      /_casemock/calls         the call log, oldest first; ``?since=N`` cursor
GET      /_casemock/              the dashboard (HTML)
=======  =======================  ===================================================

``GET /`` points to these: a redirect to the dashboard for a browser, JSON for others.
Errors are JSON: ``{"error": "<kind>", "message": "..."}`` with a 4xx status.
"""

from __future__ import annotations

import gzip
import inspect
import json
import zlib
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import parse_qs

import orjson

from casemock._errors import DOCS, CasesMockError, SnapshotFormatError
from casemock._faults import ErrorRule, Rule
from casemock._mock import CasesMock
from casemock._protocol.encoder import Response
from casemock._timestamps import format_timestamp
from casemock.server import dashboard

PREFIX = "/_casemock"
METHODS = frozenset({"GET", "POST", "PUT", "DELETE"})


class Host(Protocol):
    """What the endpoints need of the app: its mock and its body reader (with limits)."""

    mock: CasesMock

    def read_body(self, environ: dict[str, Any]) -> bytes | Response: ...


Handler = Callable[[Host, dict[str, Any]], Response]


def name(path: str) -> str:
    """The request log's name for a control request."""
    if path == "/":
        return "casemock:root"
    rest = path[len(PREFIX) :].strip("/")
    return f"casemock:{rest or 'dashboard'}"


def answer(host: Host, method: str, path: str, environ: dict[str, Any]) -> Response:
    if method == "HEAD":
        method = "GET"
    if path == "/":
        return _root(environ)
    if path == PREFIX:
        return _redirect(PREFIX + "/")
    handlers = _ENDPOINTS.get(path)
    if handlers is None:
        known = ", ".join(f"{' '.join(sorted(h))} {p}" for p, h in _ENDPOINTS.items())
        return error(404, "NotFound", f"No casemock endpoint {path}; the endpoints are: {known}.")
    handler = handlers.get(method)
    if handler is None:
        allowed = ", ".join(sorted(handlers))
        status, headers, body = error(
            405, "MethodNotAllowed", f"{path} answers {allowed}, not {method}."
        )
        return status, {**headers, "Allow": allowed}, body
    try:
        return handler(host, environ)
    except Refused as refusal:
        return refusal.response


# -- answers ------------------------------------------------------------------------------


def json_answer(status: int, value: Any) -> Response:
    body = orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)
    return status, {"Content-Type": "application/json"}, body


def error(status: int, kind: str, message: str) -> Response:
    return json_answer(status, {"error": kind, "message": message})


def _redirect(location: str) -> Response:
    return 302, {"Location": location, "Content-Type": "text/plain"}, b""


def _root(environ: dict[str, Any]) -> Response:
    if "text/html" in environ.get("HTTP_ACCEPT", ""):
        return _redirect(PREFIX + "/")
    return json_answer(
        200,
        {
            "service": "casemock: a mock of Amazon Connect Cases",
            "dashboard": f"{PREFIX}/",
            "health": f"{PREFIX}/health",
            "docs": f"{DOCS}/server.md",
        },
    )


def _query(environ: dict[str, Any]) -> dict[str, str]:
    parsed = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    return {key: values[-1] for key, values in parsed.items()}


class Refused(Exception):
    """Raised by an endpoint to send ``response`` (an error) instead."""

    def __init__(self, response: Response) -> None:
        super().__init__(response[0])
        self.response = response


def _json_body(host: Host, environ: dict[str, Any]) -> Any:
    """The decoded JSON body (raises Refused for a bad one)."""
    body = host.read_body(environ)
    if not isinstance(body, bytes):
        raise Refused(body)
    if environ.get("HTTP_CONTENT_ENCODING", "").lower() == "gzip":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError, zlib.error) as failure:
            message = f"The body is not valid gzip: {failure}."
            raise Refused(error(400, "BadRequest", message)) from None
    try:
        return json.loads(body or b"null")
    except ValueError as failure:
        raise Refused(error(400, "BadRequest", f"The body is not JSON: {failure}.")) from None


# -- the endpoints --------------------------------------------------------------------------


def _health(host: Host, environ: dict[str, Any]) -> Response:
    import botocore

    import casemock
    from casemock import _model

    return json_answer(
        200,
        {
            "status": "ok",
            "version": casemock.__version__,
            "botocore": botocore.__version__,
            "operations": len(_model.operation_names()),
            "account_id": host.mock.account_id,
            "region": host.mock.region,
        },
    )


def _reset(host: Host, environ: dict[str, Any]) -> Response:
    host.mock.reset()
    return json_answer(200, {"status": "reset"})


def _settle(host: Host, environ: dict[str, Any]) -> Response:
    host.mock.settle()
    return json_answer(200, {"status": "settled"})


def _get_state(host: Host, environ: dict[str, Any]) -> Response:
    return json_answer(200, host.mock.snapshot())


def _put_state(host: Host, environ: dict[str, Any]) -> Response:
    document = _json_body(host, environ)
    try:
        host.mock.restore(document if isinstance(document, Mapping) else {})
    except SnapshotFormatError as failure:
        return error(400, "SnapshotFormatError", str(failure))
    except CasesMockError as failure:
        return error(409, "CasesMockError", str(failure))
    domains = host.mock.store.domain_count()
    return json_answer(200, {"status": "restored", "domains": domains})


def _calls(host: Host, environ: dict[str, Any]) -> Response:
    query = _query(environ)
    try:
        since = int(query.get("since", "0"))
        limit = int(query["limit"]) if "limit" in query else None
    except ValueError:
        return error(400, "BadRequest", "since and limit must be whole numbers.")
    if since < 0 or (limit is not None and limit < 0):
        return error(400, "BadRequest", "since and limit must be 0 or more.")
    mock = host.mock
    while True:  # the log and its offset, read together (a reset may come in between)
        dropped = mock.calls_dropped
        calls = list(mock.calls)
        if mock.calls_dropped == dropped:
            break
    # Cursors count every call the mock logged (calls_dropped + index), so one handed out
    # before a reset is recognised however many calls came after it.
    start = since - dropped
    reset = start < 0 or start > len(calls)  # the log was emptied since the cursor
    if reset:
        start = 0
    chosen = calls[start:] if limit is None else calls[start : start + limit]
    entries = [call_entry(index, call) for index, call in enumerate(chosen, dropped + start)]
    after = dropped + start + len(chosen)
    return json_answer(200, {"calls": entries, "next": after, "reset": reset})


def call_entry(index: int, call: Any) -> dict[str, Any]:
    return {
        "index": index,
        "time": format_timestamp(datetime.fromtimestamp(call.time, timezone.utc)),
        "operation": call.operation,
        "region": call.region,
        "accessKeyId": call.access_key_id,
        "ok": call.ok,
        "errorCode": call.error_code,
        "errorMessage": call.error.message if call.error is not None else None,
        "params": call.params,
    }


# -- faults -----------------------------------------------------------------------------


def _fault_keywords(method: Callable[..., Any]) -> dict[str, str]:
    """Keyword -> annotation of a fault method, from its signature (new keywords of
    add_error/add_latency are accepted here without a change)."""
    parameters = inspect.signature(method).parameters.values()  # a bound method: no self
    return {p.name: str(p.annotation) for p in parameters}


# JSON types of the annotations in the fault methods' signatures ("Unset" is not sent).
_JSON_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "str": ((str,), "a string"),
    "int": ((int,), "a whole number"),
    "float": ((int, float), "a number"),
    "None": ((type(None),), "null"),
    "Mapping[str, Any]": ((dict,), "an object"),
}


def _check_type(keyword: str, annotation: str, value: Any) -> str | None:
    allowed: tuple[type, ...] = ()
    names = []
    for part in annotation.split("|"):
        types, described = _JSON_TYPES.get(part.strip(), ((), ""))
        allowed += types
        if described:
            names.append(described)
    if not allowed or (isinstance(value, allowed) and not isinstance(value, bool)):
        return None
    return f"{keyword} must be {' or '.join(names)}, not {json.dumps(value)}"


def _add_fault(host: Host, environ: dict[str, Any]) -> Response:
    request = _json_body(host, environ)
    if not isinstance(request, dict):
        return error(400, "BadRequest", "Send a JSON object of add_error/add_latency keywords.")
    mock = host.mock
    keywords = dict(request)
    if "latency" in keywords:
        if "error_code" in keywords:
            return error(400, "BadRequest", "A rule has either error_code or latency, not both.")
        method: Callable[..., Rule] = mock.add_latency
        keywords["seconds"] = keywords.pop("latency")
    elif "error_code" in keywords:
        method = mock.add_error
    else:
        return error(
            400,
            "BadRequest",
            'Name the fault: {"operation": "ListDomains", "error_code": "ThrottlingException"} '
            'or {"operation": "GetCase", "latency": 2.5}.',
        )
    keywords.setdefault("operation", None)
    accepted = _fault_keywords(method)
    unknown = sorted(set(keywords) - set(accepted))
    if unknown:
        names = sorted(k if k != "seconds" else "latency" for k in accepted)
        return error(
            400,
            "BadRequest",
            f"Unknown keyword(s) {', '.join(unknown)}; the keywords are {', '.join(names)}.",
        )
    for keyword, value in keywords.items():
        problem = _check_type(keyword, accepted[keyword], value)
        if problem:
            return error(400, "BadRequest", problem.replace("seconds", "latency", 1) + ".")
    try:
        rule = method(**keywords)
    except (CasesMockError, TypeError, ValueError) as failure:
        return error(400, "BadRequest", str(failure))
    return json_answer(200, fault_entry(mock.faults.rules.index(rule), rule))


def _list_faults(host: Host, environ: dict[str, Any]) -> Response:
    rules = list(host.mock.faults.rules)
    return json_answer(200, {"faults": [fault_entry(i, rule) for i, rule in enumerate(rules)]})


def _clear_faults(host: Host, environ: dict[str, Any]) -> Response:
    count = len(host.mock.faults.rules)
    host.mock.faults.clear()
    return json_answer(200, {"status": "cleared", "removed": count})


def fault_entry(index: int, rule: Rule) -> dict[str, Any]:
    trigger = rule.trigger
    entry: dict[str, Any] = {"index": index, "operation": rule.operation}
    if isinstance(rule, ErrorRule):
        entry.update(kind="error", error_code=rule.code, message=rule.message)
    else:
        entry.update(kind="latency", latency=rule.seconds)
    entry.update(
        remaining=trigger.remaining,
        every=trigger.every,
        probability=trigger.probability,
        description=dashboard.describe(rule),
    )
    return entry


def _dashboard(host: Host, environ: dict[str, Any]) -> Response:
    content_type, page = dashboard.answer(host.mock, _query(environ))
    headers = {"Content-Type": content_type, "Cache-Control": "no-store"}
    return HTTPStatus.OK.value, headers, page.encode()


_ENDPOINTS: dict[str, dict[str, Handler]] = {
    f"{PREFIX}/": {"GET": _dashboard},
    f"{PREFIX}/health": {"GET": _health},
    f"{PREFIX}/reset": {"POST": _reset},
    f"{PREFIX}/settle": {"POST": _settle},
    f"{PREFIX}/state": {"GET": _get_state, "PUT": _put_state},
    f"{PREFIX}/faults": {"GET": _list_faults, "POST": _add_fault, "DELETE": _clear_faults},
    f"{PREFIX}/calls": {"GET": _calls},
}

# For tests and docs: every (method, path) the control endpoints answer.
ENDPOINTS = sorted((m, p) for p, methods in _ENDPOINTS.items() for m in methods)
