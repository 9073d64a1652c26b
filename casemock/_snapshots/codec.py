"""A JSON codec for the record dataclasses of ``backend/_records.py``, derived from their
type hints, so attributes added to the records later are carried without changes here.

``codec(hint)`` returns ``(dump, load)``: ``dump`` turns a value into JSON data (a new
copy; datetimes as ISO-8601 strings; a datetime inside free-form ``Any`` data as
``{"$datetime": "..."}``) and ``load`` builds a new value from JSON data, raising
``LoadError`` with the path of what it could not read. Attributes that are not
``__init__`` fields (derived data such as ``Domain.case_index``) are neither written nor
read: they are rebuilt from the others.

Loading is one pass: each container catches a ``LoadError`` from the item it is loading
and adds that item's key to the error's path on the way out, so the first damaged place
is reported without loading anything a second time (``try`` costs nothing in the common
case where nothing fails). Timestamps must carry an offset; they load as UTC.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Union

import orjson

from casemock.backend._records import (
    AuditFields,
    FrozenJson,
    freeze_audit_fields,
    freeze_json,
    thaw_audit_fields,
    thaw_json,
)

_DATETIME_TAG = "$datetime"
_INF = float("inf")
_INT_RANGE = range(-(2**63), 2**63)  # what JSON encoders (orjson) write

Dump = Callable[[Any], Any]
Load = Callable[[Any], Any]
Codec = tuple[Dump, Load]


class LoadError(Exception):
    """JSON data that does not describe a record; ``path`` says where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.path: list[str] = []

    def at(self, key: Any) -> LoadError:
        self.path.insert(0, str(key))
        return self


def show(value: Any) -> str:
    """A short repr for messages (a damaged member may hold a whole subtree)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _same(value: Any) -> Any:
    return value


def _dump_any(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _dump_any(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_dump_any(item) for item in value]
    if isinstance(value, datetime):
        return {_DATETIME_TAG: value.isoformat()}
    return value


def _load_any(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        if len(value) == 1 and _DATETIME_TAG in value:
            try:
                return load_datetime(value[_DATETIME_TAG])
            except LoadError as error:
                raise error.at(_DATETIME_TAG) from None
        loaded = {}
        for key, item in value.items():
            try:
                loaded[key] = _load_any(item)
            except LoadError as error:
                raise error.at(key) from None
        return loaded
    if kind is list:
        items = []
        for index, item in enumerate(value):
            try:
                items.append(_load_any(item))
            except LoadError as error:
                raise error.at(index) from None
        return items
    if kind is float and (value != value or value in (_INF, -_INF)):
        raise LoadError(f"{value!r} is not a JSON number")
    if kind is int and value not in _INT_RANGE:
        raise LoadError(f"{show(value)} is out of the 64-bit integer range")
    return value


def _dump_datetime(value: datetime) -> str:
    return value.isoformat()


def load_datetime(value: Any) -> datetime:
    if type(value) is not str:
        raise LoadError(f"expected an ISO-8601 timestamp string, got {show(value)}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise LoadError(f"{value!r} is not an ISO-8601 timestamp") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise LoadError(f"the timestamp {value!r} has no UTC offset (write e.g. +00:00)")
    if moment.tzinfo is timezone.utc:
        return moment
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise LoadError(f"the timestamp {value!r} is out of range") from None


def primitive(expected: type) -> Load:
    """A loader that accepts ``expected`` only (an int where a float is expected too)."""

    def load(value: Any) -> Any:
        if type(value) is expected:
            if expected is float and (value != value or value in (_INF, -_INF)):
                raise LoadError(f"{value!r} is not a JSON number")
            if expected is int and value not in _INT_RANGE:
                raise LoadError(f"{show(value)} is out of the 64-bit integer range")
            return value
        if expected is float and type(value) is int:
            return float(value)
        raise LoadError(f"expected {expected.__name__}, got {show(value)}")

    return load


def _dict_codec(value_codec: Codec) -> Codec:
    dump_value, load_value = value_codec

    def dump(value: dict[str, Any]) -> dict[str, Any]:
        return {key: dump_value(item) for key, item in value.items()}

    def load(value: Any) -> dict[str, Any]:
        if type(value) is not dict:
            raise LoadError(f"expected an object, got {type(value).__name__}")
        loaded = {}
        for key, item in value.items():
            try:
                loaded[key] = load_value(item)
            except LoadError as error:
                raise error.at(key) from None
        return loaded

    return dump, load


def _sequence_codec(item_codec: Codec, build: type) -> Codec:
    dump_item, load_item = item_codec
    unordered = build in (set, frozenset)

    def dump(value: Any) -> list[Any]:
        items = [dump_item(item) for item in value]
        if unordered:
            with contextlib.suppress(TypeError):
                items.sort()
        return items

    def load(value: Any) -> Any:
        if type(value) is not list:
            raise LoadError(f"expected an array, got {type(value).__name__}")
        items = []
        for index, item in enumerate(value):
            try:
                items.append(load_item(item))
            except LoadError as error:
                raise error.at(index) from None
        return items if build is list else build(items)

    return dump, load


def _tuple_codec(item_codecs: list[Codec]) -> Codec:
    def dump(value: tuple[Any, ...]) -> list[Any]:
        return [codec[0](item) for codec, item in zip(item_codecs, value, strict=True)]

    def load(value: Any) -> tuple[Any, ...]:
        if type(value) is not list or len(value) != len(item_codecs):
            raise LoadError(f"expected an array of {len(item_codecs)} items, got {show(value)}")
        items = []
        for index, (codec, item) in enumerate(zip(item_codecs, value, strict=True)):
            try:
                items.append(codec[1](item))
            except LoadError as error:
                raise error.at(index) from None
        return tuple(items)

    return dump, load


def _optional(inner: Codec) -> Codec:
    dump, load = inner
    return (lambda v: None if v is None else dump(v)), (lambda v: None if v is None else load(v))


def _load_frozen(value: Any) -> FrozenJson:
    try:
        return freeze_json(_load_any(value))
    except orjson.JSONEncodeError as error:
        raise LoadError(f"cannot be kept as JSON: {error}") from None


def _load_audit_fields(value: Any) -> AuditFields:
    if not isinstance(value, list):
        raise LoadError(f"must be a list of audit event fields, not {type(value).__name__}")
    try:
        return freeze_audit_fields(_load_any(value))
    except orjson.JSONEncodeError as error:
        raise LoadError(f"cannot be kept as JSON: {error}") from None


@functools.cache
def codec(hint: Any) -> Codec:
    """(dump, load) for a type hint of the records."""
    if hint is Any:
        return _dump_any, _load_any
    if hint is FrozenJson:  # the JSON data it holds
        return thaw_json, _load_frozen
    if hint is AuditFields:  # the list of entries it holds
        return thaw_audit_fields, _load_audit_fields
    if hint in (str, int, float, bool):
        return _same, primitive(hint)
    if hint is datetime:
        return _dump_datetime, load_datetime
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_codec(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        rest = [arg for arg in args if arg is not type(None)]
        if len(rest) == 1:
            inner = codec(rest[0])
            return _optional(inner) if len(args) == 2 else inner
        return _dump_any, _load_any
    if origin is dict and args[0] is str:
        return _dict_codec(codec(args[1]))
    if origin in (list, set, frozenset):
        return _sequence_codec(codec(args[0]), origin)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence_codec(codec(args[0]), tuple)
        return _tuple_codec([codec(arg) for arg in args])
    raise TypeError(
        f"casemock cannot snapshot values of type {hint!r}; a record attribute of this type "
        "needs a codec in casemock/_snapshots/codec.py (or field(init=False) if it is rebuilt)."
    )


def _dataclass_codec(cls: type) -> Codec:
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.init]
    members = [(f.name, *codec(hints[f.name])) for f in fields]
    names = frozenset(f.name for f in fields)
    required = frozenset(
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )

    def dump(record: Any) -> dict[str, Any]:
        return {name: dump_member(getattr(record, name)) for name, dump_member, _ in members}

    def load(data: Any) -> Any:
        if type(data) is not dict:
            raise LoadError(f"expected an object for a {cls.__name__}, got {show(data)}")
        values = {}
        for name, _, load_member in members:
            if name in data:
                try:
                    values[name] = load_member(data[name])
                except LoadError as error:
                    raise error.at(name) from None
        if len(values) != len(data) or not required.issubset(values):
            unknown = sorted(set(data) - names)
            missing = sorted(required - set(values))
            raise LoadError(
                f"a {cls.__name__} with unknown members {unknown} or missing members {missing}"
            )
        return cls(**values)

    return dump, load
