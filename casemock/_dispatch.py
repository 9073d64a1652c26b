"""THE pipeline every connectcases request goes through, whoever sends it:

1. route     method + raw path -> operation        (wire entry only)
2. decode    path/query/headers/body -> params     (wire entry only)
3. validate  server-side constraints of the model  -> ValidationException
4. context   the region's state, the store's runtime, the caller's access scope
5. faults    documented request rates (``Settings.rate_limits``, ``Options.throttle``),
             injected errors and latency (``Options.faults``), external resources
             (``Settings.resolve_external_resources``)
6. handle    the backend handler, under the region's lock (merges due on the clock
             complete first, ``Settings.merge_seconds``)
7. check     output against the model              (``Options.check`` and a strict mock)
8. record    a ``Call`` in the mock's call log      (``Options.record``)
9. encode    status, headers, JSON body             (wire entry only)

Two entries share steps 3-8 (:func:`execute`): :func:`handle` / :func:`answer` for HTTP
requests (the botocore and aiobotocore patches, the server mode) and :class:`Direct`
for the seeding helpers, which skip the wire and raise the ``ClientError`` a boto3
client would. The differences are explicit ``Options``, not copies of the pipeline.

A request refused at decode or validation is recorded with ``region=None`` and creates
no region state. Nothing here is imported by ``import casemock``.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import FrozenInstanceError, dataclass
from pickle import dumps as _pickle
from pickle import loads as _unpickle
from time import time as _now
from typing import TYPE_CHECKING, Any, Protocol, cast
from urllib.parse import urlsplit

import orjson
from botocore.awsrequest import AWSResponse

from casemock import _model
from casemock._access import AccessPolicy
from casemock._errors import CasesMockError, ServiceError, UnsupportedOperationError
from casemock._faults import Faults
from casemock._protocol import decoder, encoder, router
from casemock._protocol.encoder import Response
from casemock._protocol.output_check import check_output
from casemock._protocol.validation import validate_input
from casemock.backend._context import Context, Runtime
from casemock.backend._records import kept
from casemock.backend._registry import handler_for
from casemock.backend._store import Store
from casemock.backend.cases.merge import complete_due
from casemock.backend.external import check_references

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/")
_HOST = re.compile(r"^cases(?:-fips)?\.([a-z0-9-]+)\.")


# A request as it came over the wire (path labels, query string, the headers the decoder
# reads, body): decoding it again gives the call's parameters.
WireRequest = tuple[tuple[tuple[str, str], ...], str, tuple[tuple[str, str], ...], bytes]


class Call:
    """One connectcases call as casemock answered it: ``operation``, the decoded
    ``params``, the ``response`` (None when the call failed), the ``error`` (None when it
    succeeded), the caller's ``region`` and ``access_key_id`` and the ``time`` it was
    answered (``time.time()``; not compared).

    ``params`` and ``response`` are kept as they were when casemock answered, as bytes
    decoded on first access: the request as it came over the wire and the answer's JSON
    body where those decode to them exactly, pickled otherwise. So a long call log costs
    the garbage collector nothing per call, recording a call costs next to nothing, and
    later changes to the state never show through an old call."""

    __slots__ = (
        "_body",
        "_frozen",
        "_wire",
        "access_key_id",
        "error",
        "operation",
        "region",
        "time",
    )

    operation: str
    error: ServiceError | None
    region: str | None
    access_key_id: str | None
    time: float
    _frozen: bytes | None
    _wire: WireRequest | None
    _body: bytes | None

    def __init__(
        self,
        operation: str,
        params: dict[str, Any],
        response: dict[str, Any] | None,
        error: ServiceError | None,
        region: str | None = None,
        access_key_id: str | None = None,
        time: float | None = None,
        *,
        wire: WireRequest | None = None,
        body: bytes | None = None,
    ) -> None:
        """``wire``: the request ``params`` were decoded from; ``body``: the JSON answer,
        when it decodes to ``response`` exactly (see ``encoder.body_is_result``). The
        wire entry passes both; a Call built from values alone pickles them."""
        setter = object.__setattr__
        setter(self, "operation", operation)
        setter(self, "error", error)
        setter(self, "region", region)
        setter(self, "access_key_id", access_key_id)
        setter(self, "time", _now() if time is None else time)
        if response is None:
            body = None
        rest = (None if wire is not None else params, None if body is not None else response)
        setter(self, "_frozen", None if rest == (None, None) else _pickle(rest, 5))
        setter(self, "_wire", wire)
        setter(self, "_body", body)

    def _contents(self) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The request and the answer, decoded afresh on every read: what a reader does
        to them (a test editing ``call.params``) never changes the record."""
        params: Any
        response: Any
        params, response = (None, None) if self._frozen is None else _unpickle(self._frozen)
        if self._wire is not None:
            labels, query, headers, body = self._wire
            params = decoder.decode(self.operation, dict(labels), query, dict(headers), body)
        if self._body is not None:
            response = orjson.loads(self._body)
        return params, response

    @property
    def params(self) -> dict[str, Any]:
        """The request's parameters, decoded from the wire (or as seeding passed them)."""
        return self._contents()[0]

    @property
    def response(self) -> dict[str, Any] | None:
        """The handler's answer, before it was encoded for the wire."""
        return self._contents()[1]

    @property
    def error_code(self) -> str | None:
        return self.error.code if self.error is not None else None

    @property
    def ok(self) -> bool:
        """True when the call succeeded."""
        return self.error is None

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}: a Call is read-only")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}: a Call is read-only")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Call):
            return NotImplemented
        return (
            self.operation == other.operation
            and self.error == other.error
            and self.region == other.region
            and self.access_key_id == other.access_key_id
            and self._contents() == other._contents()
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Call(operation={self.operation!r}, params={self.params!r}, "
            f"response={self.response!r}, error={self.error!r}, region={self.region!r}, "
            f"access_key_id={self.access_key_id!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            Call,
            (
                self.operation,
                self.params,
                self.response,
                self.error,
                self.region,
                self.access_key_id,
                self.time,
            ),
        )


class Target(Protocol):
    """What the pipeline needs of a mock: its public state, faults, access scopes, call
    log and strictness (a ``CasesMock`` is one)."""

    faults: Faults
    access: AccessPolicy
    calls: list[Call]
    strict: bool
    full_signing: bool  # sign with the SigV4 HMAC (Settings.full_signing, CASEMOCK_FULL_SIGNING)

    @property
    def store(self) -> Store: ...

    @property
    def live(self) -> bool: ...  # started or served: False once stopped


@dataclass(frozen=True)
class Options:
    """Which optional steps run: injected faults, request rates, the strict output
    check, the call log."""

    faults: bool = True
    check: bool = True
    record: bool = True
    throttle: bool = True


WIRE = Options()


def execute(
    target: Target,
    operation: str,
    params: dict[str, Any],
    region: str,
    access_key_id: str | None = None,
    *,
    options: Options = WIRE,
    runtime: Runtime | None = None,
    context: Context | None = None,
) -> dict[str, Any]:
    """Steps 3-8 for decoded ``params``: the handler's result, or the ServiceError it
    (or validation, or an injected fault) raised, after recording the call. ``context``:
    one made for ``operation`` in ``region`` by the caller, reused across its calls."""
    result = _run(target, operation, params, region, access_key_id, options, runtime, context)
    if options.record:
        target.calls.append(Call(operation, params, result, None, region, access_key_id))
    return result


def _run(
    target: Target,
    operation: str,
    params: dict[str, Any],
    region: str,
    access_key_id: str | None,
    options: Options,
    runtime: Runtime | None,
    prepared: Context | None = None,
) -> dict[str, Any]:
    """Steps 3-7; a refusal is recorded (with ``options.record``) and raised."""
    context: Context | None = None
    try:
        validate_input(operation, params)
        handler = handler_for(operation)
        if handler is None:
            raise UnsupportedOperationError(operation)
        store = target.store
        if prepared is None:
            state = store.region(region)
            scope = target.access.scope(access_key_id) if access_key_id is not None else None
            context = Context(runtime or store, state, operation, access_key_id, scope)
        else:
            context, state = prepared, prepared.state
        # Each realism switch costs one attribute check when off (docs/realism.md).
        if store.throttle is not None and options.throttle:
            store.throttle.take(region, operation, store.now())
        if options.faults and target.faults.rules:
            target.faults.check(operation)
            if not target.live:  # stopped during an injected latency (docs/usage.md#threads)
                raise CasesMockError(
                    f"The casemock mock answering this {operation} call was stopped during "
                    "the latency injected into it, so casemock refuses to answer it. Stop "
                    "the mock only after the calls made under it have returned."
                )
        if store.resolving:
            check_references(store.external, operation, params, store.settings.contact_resolver)
        with state.lock:
            if store.timed_merges:
                complete_due(context)
            result = handler(context, params)
        if options.check and target.strict:
            check_output(operation, result)
    except ServiceError as error:
        if options.record:
            where = region if context is not None else None
            target.calls.append(
                Call(operation, params, None, error, where, access_key_id if where else None)
            )
        raise
    return result


# -- the wire entry -----------------------------------------------------------------------


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
    target: Target, method: str, url: str, headers: Mapping[str, str], body: bytes
) -> Response:
    """Answer one HTTP request: (status, headers, body)."""
    split = urlsplit(url)
    region, access_key_id = caller(url, headers, target.store.default_region)
    matched = router.match(method, split.path)
    if matched is None:
        return encoder.encode_error(
            ServiceError("UnknownOperationException", f"No operation matches {method} {split.path}")
        )
    operation, labels = matched
    params: dict[str, Any] = {}
    try:
        params = decoder.decode(operation, labels, split.query, headers, body)
    except ServiceError as error:
        target.calls.append(Call(operation, params, None, error))
        return encoder.encode_error(error)
    try:
        result = _run(target, operation, params, region, access_key_id, WIRE, None)
    except ServiceError as error:
        return encoder.encode_error(error)
    response = encoder.encode_output(operation, result)
    # The request and the answer's body are the cheapest faithful record of the call.
    wire = (tuple(labels.items()), split.query, decoder.header_items(operation, headers), body)
    exact = kept(response[2]) if encoder.body_is_result(operation) else None
    target.calls.append(
        Call(operation, params, result, None, region, access_key_id, wire=wire, body=exact)
    )
    return response


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


def answer(target: Target, request: Any) -> AWSResponse:
    """Answer a botocore AWSPreparedRequest with an AWSResponse."""
    data = request_bytes(request)
    status, headers, payload = handle(target, request.method, request.url, request.headers, data)
    # AWSResponse keeps headers in its own case-insensitive HeadersDict.
    return AWSResponse(request.url, status, headers, _Body(payload))  # type: ignore[arg-type]


# -- the direct entry (seeding) -----------------------------------------------------------


class Direct:
    """Runs operations on one region of a mock without the wire: the same validation and
    handlers as a boto3 call, no faults, no request rates and no output check; calls are
    logged only with
    ``record_calls``, case events published only with ``events``. A refusal raises the
    ``ClientError`` a boto3 client would."""

    def __init__(
        self,
        target: Target,
        region: str | None = None,
        *,
        record_calls: bool = False,
        events: bool = True,
    ) -> None:
        self.target = target
        self.region = region or target.store.default_region
        self.state = target.store.region(self.region)
        self.options = Options(faults=False, check=False, record=record_calls, throttle=False)
        self.runtime: Runtime = target.store.seeding(events=events)
        self._contexts: dict[str, Context] = {}  # by operation: the same for every call

    def __call__(
        self, operation: str, params: dict[str, Any], note: str | None = None
    ) -> dict[str, Any]:
        context = self._contexts.get(operation)
        if context is None:
            context = self._contexts[operation] = Context(self.runtime, self.state, operation)
        try:
            _encodable(params)
            return execute(
                self.target,
                operation,
                params,
                self.region,
                options=self.options,
                runtime=self.runtime,
                context=context,
            )
        except ServiceError as error:
            raise client_error(operation, error, note) from None


def _encodable(params: dict[str, Any]) -> None:
    """What the wire's decoder refuses, refused on the direct path too: text that is not
    valid Unicode (a lone surrogate) can never be encoded into an answer."""
    try:
        orjson.dumps(params)
    except orjson.JSONEncodeError as error:
        raise ServiceError(
            "SerializationException", f"Cannot encode the request: {error}"
        ) from None


@functools.cache
def _exceptions() -> Any:
    from botocore.errorfactory import ClientExceptionsFactory

    return ClientExceptionsFactory().create_client_exceptions(_model.service_model())


def client_error(operation: str, error: ServiceError, note: str | None = None) -> ClientError:
    """The ClientError a boto3 client raises for ``error`` (parsed from casemock's own wire
    answer, so code, message, HTTP status and modeled members match)."""
    from botocore.compat import HTTPHeaders
    from botocore.parsers import create_parser

    status, headers, body = encoder.encode_error(error)
    http_headers = HTTPHeaders()
    for key, value in headers.items():
        http_headers[key] = value
    wire = {"status_code": status, "headers": http_headers, "body": body}
    parser: Any = create_parser("rest-json")
    parsed: dict[str, Any] = parser.parse(wire, _model.operation(operation).output_shape)
    service_model: Any = _model.service_model()
    error_shape = service_model.shape_for_error_code(error.code)
    if error_shape is not None:
        parsed.update(parser.parse(wire, error_shape))
    if note:
        parsed["Error"]["Message"] = f"{parsed['Error'].get('Message', '')} ({note})"
    exception_class = _exceptions().from_code(error.code)
    return cast("ClientError", exception_class(parsed, operation))
