"""Strict mode: every answer casemock produces is checked against the output shape.

A handler that omits a required member, returns a member the model does not have, or a
value of the wrong type raises ``OutputShapeError`` (an AssertionError), so a broken
answer fails the test that provoked it instead of reaching botocore's parser.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, Union

from botocore.model import Shape, StructureShape

from casemock import _model
from casemock._errors import OutputShapeError

# A path is built without string work, (parent, step), and rendered on error only: a step
# is ".member", a list index, or a 1-tuple holding a map key.
Path = Union[str, tuple["Path", Union[str, int, tuple[Any]]]]  # noqa: UP007 (recursive alias)
Check = Callable[[Any, Path], None]

_TYPES = _model.PYTHON_TYPES


# Scalar kinds whose whole check is the type test (exact types: bool is not an int here).
_PLAIN: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (float, int),
    "double": (float, int),
    "boolean": (bool,),
    "timestamp": (datetime,),
}


def _has_type(value: Any, expected: tuple[type, ...], kind: str) -> bool:
    return isinstance(value, expected) and (kind == "boolean" or not isinstance(value, bool))


def _render(path: Path) -> str:
    parts: list[str] = []
    while isinstance(path, tuple):
        path, step = path
        if isinstance(step, str):
            parts.append(step)
        elif isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            parts.append(f"[{step[0]!r}]")
    parts.append(path)
    return "".join(reversed(parts))


@_model.shape_cache
def _compile(shape: Shape) -> Check:
    kind = shape.type_name
    expected = _TYPES.get(kind, (object,))
    enum = frozenset(getattr(shape, "enum", []) or [])
    members: dict[str, tuple[str, Check]] = {}
    # Members whose check is a type test only: an exact type match needs no call.
    plain: dict[str, tuple[type, ...]] = {}
    required: list[str] = []
    union = False
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        for name, member in shape.members.items():
            members[name] = (f".{name}", _compile(member))
            if member.type_name in _PLAIN and not getattr(member, "enum", None):
                plain[name] = _PLAIN[member.type_name]
        required = list(shape.required_members)
        union = bool(getattr(shape, "is_tagged_union", False))
    elif kind == "list":
        item_check = _compile(shape.member)  # type: ignore[attr-defined]
    elif kind == "map":
        value_check = _compile(shape.value)  # type: ignore[attr-defined]

    exact = frozenset(expected)  # type(value) in exact: no isinstance work (bool is not int)

    def check(value: Any, path: Path) -> None:
        if type(value) not in exact and not _has_type(value, expected, kind):
            raise OutputShapeError(
                f"casemock answered {type(value).__name__} at {_render(path)!r}; "
                f"the model says {kind}"
            )
        if enum and value not in enum:
            raise OutputShapeError(
                f"casemock answered {value!r} at {_render(path)!r}, not in {sorted(enum)}"
            )
        if kind == "structure":
            for name in required:
                if value.get(name) is None:
                    raise OutputShapeError(
                        f"casemock's answer lacks required member {_render(path)}.{name}"
                    )
            present = 0
            for name, item in value.items():
                if item is None:
                    if name not in members:
                        raise OutputShapeError(
                            f"casemock answered unknown member {_render(path)}.{name}"
                        )
                    continue
                present += 1
                if type(item) in plain.get(name, ()):
                    continue
                found = members.get(name)
                if found is None:
                    raise OutputShapeError(
                        f"casemock answered unknown member {_render(path)}.{name}"
                    )
                found[1](item, (path, found[0]))
            if union and present != 1:
                raise OutputShapeError(
                    f"casemock answered a union with not exactly one member at {_render(path)}"
                )
        elif kind == "list":
            for index, item in enumerate(value):
                item_check(item, (path, index))
        elif kind == "map":
            for key, item in value.items():
                value_check(item, (path, (key,)))

    return check


@functools.cache
def _operation_check(operation: str) -> Check | None:
    shape = _model.operation(operation).output_shape
    return None if shape is None else _compile(shape)


def check_output(operation: str, result: dict[str, Any]) -> None:
    check = _operation_check(operation)
    if check is None:
        if result:
            raise OutputShapeError(f"{operation} has no output, casemock answered {result!r}")
        return
    check(result, operation)


def check_shape(shape: Shape, value: Any, name: str) -> None:
    """Check ``value`` against ``shape`` as an answer would be checked (types, required
    and unknown members, enums, unions); ``name`` starts the path in the message. Used by
    the snapshot loader, which must only accept what the API could answer."""
    _compile(shape)(value, name)
