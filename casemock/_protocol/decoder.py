"""One decoder for every operation: path labels, query string, headers and JSON body
become the operation's parameters, as named in the model."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from botocore.model import Shape, StructureShape

from casemock import _model
from casemock._errors import ServiceError
from casemock._timestamps import parse_iso

Converter = Callable[[Any], Any]


def _serialization_error(message: str) -> ServiceError:
    return ServiceError("SerializationException", message)


def parse_timestamp(value: Any) -> datetime:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        try:
            return parse_iso(text)
        except ValueError:
            try:
                return datetime.fromtimestamp(float(text), tz=timezone.utc)
            except ValueError:
                raise _serialization_error(f"Cannot parse timestamp {value!r}") from None
    raise _serialization_error(f"Expected a timestamp, got {type(value).__name__}")


def _identity(value: Any) -> Any:
    return value


@_model.shape_cache
def _body_converter(shape: Shape) -> Converter:
    """A converter from wire JSON to parameters; identity where nothing needs converting."""
    kind = shape.type_name
    if kind == "timestamp":
        return parse_timestamp
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        renames = {m.serialization.get("name", name): name for name, m in shape.members.items()}
        members = {name: _body_converter(m) for name, m in shape.members.items()}
        if all(k == v for k, v in renames.items()) and all(
            c is _identity for c in members.values()
        ):
            return _identity

        def convert_structure(value: Any) -> Any:
            if not isinstance(value, dict):
                return value
            out: dict[str, Any] = {}
            for key, item in value.items():
                name = renames[key] if key in renames else str(key)
                convert = members.get(name, _identity)
                out[name] = convert(item) if item is not None else None
            return out

        return convert_structure
    if kind == "list":
        convert_member = _body_converter(shape.member)  # type: ignore[attr-defined]
        if convert_member is _identity:
            return _identity
        return lambda value: (
            [convert_member(v) for v in value] if isinstance(value, list) else value
        )
    if kind == "map":
        convert_value = _body_converter(shape.value)  # type: ignore[attr-defined]
        if convert_value is _identity:
            return _identity
        return lambda value: (
            {k: convert_value(v) for k, v in value.items()} if isinstance(value, dict) else value
        )
    return _identity


def _scalar(shape: Shape, text: str, where: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise _serialization_error(
                f"Cannot convert {where} value {text!r} to integer"
            ) from None
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            raise _serialization_error(f"Cannot convert {where} value {text!r} to number") from None
    if kind == "boolean":
        return text.lower() == "true"
    if kind == "timestamp":
        return parse_timestamp(text)
    return text


@functools.cache
def _plan(
    operation: str,
) -> tuple[
    list[tuple[str, str, Shape]],  # uri
    list[tuple[str, str, Shape]],  # querystring
    list[tuple[str, str, Shape]],  # header
    Converter | None,  # body
    bool,  # body has members
]:
    op = _model.operation(operation)
    shape = op.input_shape
    uri: list[tuple[str, str, Shape]] = []
    query: list[tuple[str, str, Shape]] = []
    header: list[tuple[str, str, Shape]] = []
    body_members = False
    if shape is None:
        return uri, query, header, None, False
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
    return uri, query, header, _body_converter(shape), body_members


def decode(
    operation: str,
    labels: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
    body: bytes,
) -> dict[str, Any]:
    uri, querystring, header, convert_body, body_members = _plan(operation)
    params: dict[str, Any] = {}
    if body_members and body and body.strip():
        try:
            payload = json.loads(body)
        except ValueError:
            raise _serialization_error("The request body is not valid JSON") from None
        if not isinstance(payload, dict):
            raise _serialization_error("The request body must be a JSON object")
        if convert_body is not None:
            payload = convert_body(payload)
        params.update(payload)
    for name, wire, shape in uri:
        if wire in labels:
            params[name] = _scalar(shape, labels[wire], name)
    for name, wire, shape in querystring:
        values = query.get(wire)
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
