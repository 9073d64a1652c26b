"""Strict mode: every answer casemock produces is checked against the output shape.

A handler that omits a required member, returns a member the model does not have, or a
value of the wrong type raises ``OutputShapeError`` (an AssertionError), so a broken
answer fails the test that provoked it instead of reaching botocore's parser.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.model import Shape, StructureShape

from casemock import _model
from casemock._errors import OutputShapeError

Check = Callable[[Any, str], None]

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "timestamp": (datetime,),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
}


def _has_type(value: Any, expected: tuple[type, ...], kind: str) -> bool:
    return isinstance(value, expected) and (kind == "boolean" or not isinstance(value, bool))


@_model.shape_cache
def _compile(shape: Shape) -> Check:
    kind = shape.type_name
    expected = _TYPES.get(kind, (object,))
    enum = frozenset(getattr(shape, "enum", []) or [])
    members: dict[str, Check] = {}
    required: list[str] = []
    union = False
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        members = {name: _compile(m) for name, m in shape.members.items()}
        required = list(shape.required_members)
        union = bool(getattr(shape, "is_tagged_union", False))
    elif kind == "list":
        item_check = _compile(shape.member)  # type: ignore[attr-defined]
    elif kind == "map":
        value_check = _compile(shape.value)  # type: ignore[attr-defined]

    def check(value: Any, path: str) -> None:
        if not _has_type(value, expected, kind):
            raise OutputShapeError(
                f"casemock answered {type(value).__name__} at {path!r}; the model says {kind}"
            )
        if enum and value not in enum:
            raise OutputShapeError(
                f"casemock answered {value!r} at {path!r}, not in {sorted(enum)}"
            )
        if kind == "structure":
            for name in required:
                if value.get(name) is None:
                    raise OutputShapeError(f"casemock's answer lacks required member {path}.{name}")
            for name, item in value.items():
                sub = members.get(name)
                if sub is None:
                    raise OutputShapeError(f"casemock answered unknown member {path}.{name}")
                if item is not None:
                    sub(item, f"{path}.{name}")
            if union and len([v for v in value.values() if v is not None]) != 1:
                raise OutputShapeError(
                    f"casemock answered a union with not exactly one member at {path}"
                )
        elif kind == "list":
            for index, item in enumerate(value):
                item_check(item, f"{path}[{index}]")
        elif kind == "map":
            for key, item in value.items():
                value_check(item, f"{path}[{key!r}]")

    return check


def check_output(operation: str, result: dict[str, Any]) -> None:
    shape = _model.operation(operation).output_shape
    if shape is None:
        if result:
            raise OutputShapeError(f"{operation} has no output, casemock answered {result!r}")
        return
    _compile(shape)(result, operation)
