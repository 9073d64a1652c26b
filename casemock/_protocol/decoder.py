"""One decoder for every operation: path labels, query string, headers and JSON body
become the operation's parameters, as named in the model.

The decoder refuses, with a 400 ``SerializationException`` (what restJson1 services
answer for a request that does not map to the input shape; Smithy's malformed-request
protocol tests), everything that is not a well-formed value of the model before any
handler runs:

- bytes that are not UTF-8, lone surrogates (``"\\ud800"``, as botocore's ``json.dumps``
  escapes them), invalid JSON, ``NaN`` / ``Infinity`` and numbers beyond a double's range
  (orjson parses the body and refuses all of these);
- ``null`` as a list item or a map value (the model's lists and maps are dense);
- a member of a union that the model does not have (a union names exactly one of its
  own members; botocore would parse it as ``SDK_UNKNOWN_MEMBER``);
- integers outside the 32-bit (``integer``) or 64-bit (``long``) range;
- JSON nested deeper than ``MAX_DEPTH`` (only the model's recursive shapes, search
  filters and case-rule conditions, can nest without bound), checked on the way down so
  nothing recurses without bound.

Members of a structure that the model does not have are dropped, as Smithy services
ignore them, and a member sent as ``null`` counts as absent: handlers only ever see
modeled members. Constraints (lengths, patterns, enums, the one-member rule of unions)
are the validator's. The parsed JSON is the decoder's own, so values are read in place
where nothing is dropped.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, unquote

import orjson
from botocore.model import ListShape, MapShape, Shape, StructureShape

from casemock import _model
from casemock._errors import ServiceError, serialization_error, shorten
from casemock._timestamps import parse_iso

# JSON nesting (objects and arrays, the body itself counting 1) beyond which a request is
# refused. The deepest request the service accepts, a search filter at its 10 documented
# levels, nests about 25 levels.
MAX_DEPTH = 64

Reader = Callable[[Any, int], Any]  # (wire value, depth) -> parameter value

_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_INTEGER = re.compile(r"-?[0-9]+")


class _Malformed(Exception):
    """Raised by readers; each enclosing reader adds its step to ``path`` on the way out,
    so the path costs nothing unless a request is refused."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path: list[str] = []

    def error(self) -> ServiceError:
        where = shorten(".".join(reversed(self.path)))
        return serialization_error(f"{self.problem} at '{where}'" if where else self.problem)


def parse_timestamp(value: Any) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise serialization_error(f"Timestamp {value!r} is out of range") from None
    if isinstance(value, str):
        text = value.strip()
        try:
            return parse_iso(text)
        except ValueError:
            if _finite(text):
                return parse_timestamp(float(text))
            raise serialization_error(f"Cannot parse timestamp {shorten(value)!r}") from None
    raise serialization_error(f"Expected a timestamp, got {type(value).__name__}")


def _finite(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _keep(value: Any, depth: int) -> Any:
    return value


def _too_deep() -> _Malformed:
    return _Malformed(f"The request nests JSON deeper than {MAX_DEPTH} levels")


@_model.shape_cache
def _reader(shape: Shape) -> Reader:
    """The reader of a body value of ``shape``; ``_keep`` where nothing needs reading. A
    value of the wrong JSON type is passed on as it is: the validator names the type."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        return _structure(shape, body_of_input=False)
    if kind == "list":
        assert isinstance(shape, ListShape)
        return _list(_reader(shape.member))
    if kind == "map":
        assert isinstance(shape, MapShape)
        return _map(_reader(shape.value))
    if kind == "timestamp":
        return lambda value, depth: parse_timestamp(value)
    if kind in _RANGES:
        low, high = _RANGES[kind]
        bits = 32 if kind == "integer" else 64

        def read_integer(value: Any, depth: int) -> Any:
            if type(value) is int and not low <= value <= high:
                raise _Malformed(f"{shorten(str(value))} does not fit a {bits}-bit integer")
            return value

        return read_integer
    return _keep


def _structure(shape: StructureShape, body_of_input: bool) -> Reader:
    members: dict[str, tuple[str, Reader]] = {}
    for name, member in shape.members.items():
        if body_of_input and member.serialization.get("location"):
            continue  # a label, query or header member is never read from the body
        members[member.serialization.get("name", name)] = (name, _reader(member))
    union = bool(getattr(shape, "is_tagged_union", False))
    union_name = shape.name
    # The common case is read in place: every key a modeled member named as on the wire,
    # no null; only the members with something to read are visited.
    plain = frozenset(members) if all(w == n for w, (n, _) in members.items()) else frozenset()
    deep = tuple((name, read) for name, read in members.values() if read is not _keep)

    def read_structure(value: Any, depth: int) -> Any:
        if type(value) is not dict:
            return value
        if depth > MAX_DEPTH:
            raise _too_deep()
        if value.keys() <= plain and None not in value.values():
            for name, read in deep:
                item = value.get(name)
                if item is not None:
                    try:
                        value[name] = read(item, depth + 1)
                    except _Malformed as problem:
                        problem.path.append(name)
                        raise
            return value
        out: dict[str, Any] = {}
        for key, item in value.items():
            entry = members.get(key)
            if entry is None:
                if union:
                    raise _Malformed(f"{shorten(key)!r} is not a member of the union {union_name}")
                continue  # not in the model: ignored, as Smithy services do
            if item is None:
                continue  # null: the member is absent
            name, read = entry
            if read is _keep:
                out[name] = item
                continue
            try:
                out[name] = read(item, depth + 1)
            except _Malformed as problem:
                problem.path.append(name)
                raise
        return out

    return read_structure


def _null_item(index: int) -> _Malformed:
    problem = _Malformed("A list item is null")
    problem.path += ["member", str(index)]
    return problem


def _list(read: Reader) -> Reader:
    def read_list(value: Any, depth: int) -> Any:
        if type(value) is not list:
            return value
        if depth > MAX_DEPTH:
            raise _too_deep()
        if read is _keep:
            if None in value:
                raise _null_item(value.index(None) + 1)
            return value
        for index, item in enumerate(value):
            if item is None:
                raise _null_item(index + 1)
            try:
                value[index] = read(item, depth + 1)
            except _Malformed as problem:
                problem.path += ["member", str(index + 1)]
                raise
        return value

    return read_list


def _map(read: Reader) -> Reader:
    def read_map(value: Any, depth: int) -> Any:
        if type(value) is not dict:
            return value
        if depth > MAX_DEPTH:
            raise _too_deep()
        if None in value.values():
            key = next(k for k, v in value.items() if v is None)
            problem = _Malformed("A map value is null")
            problem.path.append(key)
            raise problem
        if read is not _keep:
            for key, item in value.items():
                try:
                    value[key] = read(item, depth + 1)
                except _Malformed as problem:
                    problem.path.append(key)
                    raise
        return value

    return read_map


def _text(raw: str, where: str) -> str:
    """A percent-encoded label as text; SerializationException if it is not UTF-8."""
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise serialization_error(f"The value of {where} is not valid UTF-8") from None


def _scalar(shape: Shape, text: str, where: str) -> Any:
    """A label, query or header value as the member's type."""
    kind = shape.type_name
    if kind in _RANGES:
        low, high = _RANGES[kind]
        if _INTEGER.fullmatch(text) is None or not low <= int(text) <= high:
            raise serialization_error(f"Cannot convert {where} value {shorten(text)!r} to {kind}")
        return int(text)
    if kind in ("float", "double"):
        if not text.isascii() or not _finite(text):
            raise serialization_error(
                f"Cannot convert {where} value {shorten(text)!r} to a finite number"
            )
        return float(text)
    if kind == "boolean":
        if text not in ("true", "false"):
            raise serialization_error(f"Cannot convert {where} value {shorten(text)!r} to boolean")
        return text == "true"
    if kind == "timestamp":
        return parse_timestamp(text)
    return text


Located = list[tuple[str, str, Shape]]  # (member name, wire name, shape)


@functools.cache
def _plan(operation: str) -> tuple[Located, Located, Located, Reader | None]:
    """(uri, querystring and header members, the body reader or None without body members)."""
    shape = _model.operation(operation).input_shape
    uri: Located = []
    query: Located = []
    header: Located = []
    if shape is None:
        return uri, query, header, None
    assert isinstance(shape, StructureShape)
    body_members = False
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            uri.append((name, wire, member))
        elif location == "querystring":
            query.append((name, wire, member))
        elif location == "header":
            header.append((name, wire, member))
        else:
            body_members = True
    return uri, query, header, _structure(shape, body_of_input=True) if body_members else None


def _body(read: Reader, body: bytes) -> dict[str, Any]:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise serialization_error(f"The request body is not valid JSON: {error}") from None
    if type(payload) is not dict:
        raise serialization_error("The request body must be a JSON object")
    try:
        params: dict[str, Any] = read(payload, 1)
    except _Malformed as problem:
        raise problem.error() from None
    return params


def header_items(operation: str, headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The request headers ``decode`` reads for ``operation`` (none for most)."""
    header = _plan(operation)[2]
    if not header:
        return ()
    return tuple((wire, value) for _, wire, _ in header if (value := headers.get(wire)) is not None)


def decode(
    operation: str,
    labels: Mapping[str, str],
    query: str,
    headers: Mapping[str, str],
    body: bytes,
) -> dict[str, Any]:
    """The parameters of a request: ``labels`` as the router matched them (still
    percent-encoded), ``query`` the raw query string."""
    uri, querystring, header, read_body = _plan(operation)
    params: dict[str, Any] = (
        _body(read_body, body) if read_body is not None and body and body.strip() else {}
    )
    for name, wire, shape in uri:
        if wire in labels:
            params[name] = _scalar(shape, _text(labels[wire], name), name)
    if querystring and query:
        try:
            values_of = parse_qs(query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise serialization_error("The query string is not valid UTF-8") from None
        for name, wire, shape in querystring:
            values = values_of.get(wire)
            if not values:
                continue
            if shape.type_name == "list":
                member = shape.member  # type: ignore[attr-defined]
                params[name] = [_scalar(member, v, name) for v in values]
            else:
                params[name] = _scalar(shape, values[0], name)
    for name, wire, shape in header:
        value = headers.get(wire)
        if value is not None:
            params[name] = _scalar(shape, value, name)
    return params
