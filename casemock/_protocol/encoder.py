"""One encoder for every operation: handler results and errors become HTTP responses
exactly as the rest-json protocol lays them out."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from botocore.model import Shape, StructureShape

from casemock import _model
from casemock._errors import ServiceError
from casemock._ids import random_uuid
from casemock._timestamps import format_timestamp

Converter = Callable[[Any], Any]
Response = tuple[int, dict[str, str], bytes]


def _identity(value: Any) -> Any:
    return value


def _timestamp(shape: Shape) -> Converter:
    fmt = shape.serialization.get("timestampFormat", "unixTimestamp")

    def convert(value: Any) -> Any:
        if not isinstance(value, datetime):
            return value
        if fmt == "iso8601":
            return format_timestamp(value)
        return value.timestamp()

    return convert


@_model.shape_cache
def _converter(shape: Shape) -> Converter:
    kind = shape.type_name
    if kind == "timestamp":
        return _timestamp(shape)
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        members = {
            name: (m.serialization.get("name", name), _converter(m))
            for name, m in shape.members.items()
            if not m.serialization.get("location")
        }
        if all(wire == name and conv is _identity for name, (wire, conv) in members.items()):
            return _identity

        def convert_structure(value: Any) -> Any:
            out = {}
            for name, item in value.items():
                wire, conv = members.get(name, (name, _identity))
                out[wire] = conv(item)
            return out

        return convert_structure
    if kind == "list":
        conv = _converter(shape.member)  # type: ignore[attr-defined]
        return _identity if conv is _identity else (lambda value: [conv(v) for v in value])
    if kind == "map":
        conv = _converter(shape.value)  # type: ignore[attr-defined]
        return (
            _identity
            if conv is _identity
            else (lambda value: {k: conv(v) for k, v in value.items()})
        )
    return _identity


def _header_text(value: Any) -> str:
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _base_headers(content_type: str = "application/json") -> dict[str, str]:
    return {"x-amzn-RequestId": random_uuid(), "Content-Type": content_type}


@functools.cache
def _output_plan(operation: str) -> tuple[int, list[tuple[str, str, str]], Converter | None]:
    op = _model.operation(operation)
    status = int(op.http.get("responseCode", 200))
    located: list[tuple[str, str, str]] = []
    shape = op.output_shape
    if shape is None:
        return status, located, None
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location:
            located.append((name, location, member.serialization.get("name", name)))
    return status, located, _converter(shape)


@functools.cache
def body_is_result(operation: str) -> bool:
    """Whether the JSON body of ``operation``'s answer, decoded, equals the handler's
    result: no timestamp to convert, no member renamed or sent in a header."""
    _, located, convert = _output_plan(operation)
    return convert is _identity and not located


def encode_output(operation: str, result: dict[str, Any]) -> Response:
    status, located, convert = _output_plan(operation)
    headers = _base_headers()
    if convert is None:
        return status, headers, b""
    if located:
        result = dict(result)
        for name, location, wire in located:
            if name not in result:
                continue
            value = result.pop(name)
            if location == "statusCode":
                status = int(value)
            elif location == "header":
                headers[wire] = _header_text(value)
    body = orjson.dumps(convert(result))
    return status, headers, body


@functools.cache
def _error_plan(code: str) -> tuple[int, dict[str, tuple[str | None, str]]]:
    for shape in _model.service_model().error_shapes:
        if shape.name == code:
            members = {
                name: (m.serialization.get("location"), m.serialization.get("name", name))
                for name, m in shape.members.items()  # type: ignore[attr-defined]
            }
            status = int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
            return status, members
    # Unmodeled codes (e.g. SerializationException) travel as client errors.
    return 400, {"message": (None, "message")}


def encode_error(error: ServiceError) -> Response:
    status, members = _error_plan(error.code)
    headers = _base_headers()
    headers["x-amzn-ErrorType"] = error.code
    body: dict[str, Any] = {"message": error.message}
    for name, value in error.members.items():
        location, wire = members.get(name, (None, name))
        if value is None:
            continue
        if location == "header":
            headers[wire] = _header_text(value)
        else:
            body[wire] = value
    return status, headers, orjson.dumps(body)
