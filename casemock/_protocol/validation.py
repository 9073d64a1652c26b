"""Server-side validation of the constraints botocore does not check on the client.

botocore validates required members, types and minimums before sending; the service
itself also enforces maximum lengths and values, ``pattern`` (on the whole value), enum
values and list and map sizes. Validators are compiled once per shape from the installed
model. Messages follow AWS's style::

    1 validation error detected: Value 'x' at 'name' failed to satisfy constraint:
    Member must have length less than or equal to 100

with echoed values cut to ``ECHO_LIMIT`` characters. A value that does not map to its shape
(a wrong JSON type, a union without exactly one member, ``null`` in a list or map, a
non-finite number) is a ``SerializationException``, raised at once, as restJson1 services
answer it.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import Any, Optional

from botocore.model import Shape, StructureShape

from casemock import _model
from casemock._errors import ServiceError, serialization_error, shorten, validation_errors

# A path is a linked list (parent, name) built without string work; joined on error only.
# A list item's step is its 1-based index (an int), joined as "<index>.member".
Path = Optional[tuple["Path", str | int]]  # noqa: UP045 (recursive alias)
Errors = list[tuple[Path, Any, bool, str]]  # (path, value, show value, constraint)
Check = Callable[[Any, Path, Errors], None]


def _join(path: Path) -> str:
    parts: list[str] = []
    while path is not None:
        path, name = path
        if isinstance(name, int):  # a list item: "<list>.<index>.member"
            parts += ("member", str(name))
        else:
            parts.append(name)
    return ".".join(reversed(parts))


def _render(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_render(v)}" for k, v in value.items()) + "}"
    return str(value)


def describe_errors(errors: Errors) -> list[str]:
    items = []
    for path, value, show, constraint in errors:
        where = shorten(_join(path))
        shown = (
            f"Value '{shorten(_render(value))}' at " if show and value is not None else "Value at "
        )
        items.append(f"{shown}'{where}' failed to satisfy constraint: {constraint}")
    return items


def _type_error(path: Path, expected: str) -> ServiceError:
    return serialization_error(f"Expected {expected} at '{shorten(_join(path))}'")


def _null_error(what: str, path: Path) -> ServiceError:
    """``null`` in a list or map: the model's lists and maps are dense (the decoder refuses
    it on the wire; this covers values that reach the validator without it)."""
    return serialization_error(f"{what} is null at '{shorten(_join(path))}'")


def _union_error(path: Path, present: int) -> ServiceError:
    return serialization_error(
        f"Expected exactly one member of the union at '{shorten(_join(path))}', got {present}"
    )


_TYPES = _model.PYTHON_TYPES


def _has_type(value: Any, expected: tuple[type, ...], numeric: bool) -> bool:
    return isinstance(value, expected) and not (numeric and isinstance(value, bool))


def _size_checks(shape: Shape, word: str) -> list[tuple[Callable[[int], bool], str]]:
    """(violated?, constraint text) pairs for a shape's min and max."""
    meta = shape.metadata
    lo, hi = meta.get("min"), meta.get("max")
    checks: list[tuple[Callable[[int], bool], str]] = []
    if lo is not None:
        checks.append((lambda n: n < lo, f"Member must have {word} greater than or equal to {lo}"))
    if hi is not None:
        checks.append((lambda n: n > hi, f"Member must have {word} less than or equal to {hi}"))
    return checks


@_model.shape_cache
def _compile(shape: Shape) -> Check:
    """A validator for ``shape``, specialised by kind so a value pays only for the
    constraints its shape has."""
    kind = shape.type_name
    show = not shape.metadata.get("sensitive")
    expected = _TYPES.get(kind, (object,))
    numeric = kind in ("integer", "long", "float", "double")
    exact = frozenset(expected)  # type(value) in exact: no isinstance work (bool is not int)

    def type_ok(value: Any, path: Path) -> None:
        if type(value) not in exact and not _has_type(value, expected, numeric):
            raise _type_error(path, kind)

    if numeric:
        ranges = _size_checks(shape, "value")
        floating = kind in ("float", "double")
        if not ranges and not floating:
            return lambda value, path, errors: type_ok(value, path)

        def check_number(value: Any, path: Path, errors: Errors) -> None:
            type_ok(value, path)
            if floating and type(value) is float and not math.isfinite(value):
                raise serialization_error(f"Expected a finite number at '{shorten(_join(path))}'")
            for violated, text in ranges:
                if violated(value):
                    errors.append((path, value, show, text))

        return check_number
    if kind in ("string", "blob"):
        sizes = _size_checks(shape, "length")
        enum = list(getattr(shape, "enum", []) or [])
        enum_set = frozenset(enum)
        pattern = re.compile(shape.metadata["pattern"]) if "pattern" in shape.metadata else None
        if not sizes and not enum_set and pattern is None:
            return lambda value, path, errors: type_ok(value, path)
        enum_text = f"Member must satisfy enum value set: [{', '.join(enum)}]"
        pattern_text = (
            f"Member must satisfy regular expression pattern: {pattern.pattern}"
            if pattern is not None
            else ""
        )

        lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
        low = -1 if lo is None else lo
        high = math.inf if hi is None else hi

        def check_string(value: Any, path: Path, errors: Errors) -> None:
            if type(value) not in exact:
                type_ok(value, path)
            size = len(value)
            if not low <= size <= high:
                for violated, text in sizes:
                    if violated(size):
                        errors.append((path, value, show, text))
            if enum_set:
                if value not in enum_set:
                    errors.append((path, value, show, enum_text))
            elif pattern is not None and pattern.fullmatch(value) is None:
                errors.append((path, value, show, pattern_text))

        return check_string
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        members = {name: _compile(m) for name, m in shape.members.items()}
        required = list(shape.required_members)
        union = bool(getattr(shape, "is_tagged_union", False))

        def check_structure(value: Any, path: Path, errors: Errors) -> None:
            if type(value) is not dict:
                type_ok(value, path)
            for name in required:
                if value.get(name) is None:
                    errors.append(((path, name), None, False, "Member must not be null"))
            present = 0
            for name, item in value.items():
                sub = members.get(name)
                if item is None or sub is None:
                    continue
                present += 1
                sub(item, (path, name), errors)
            if union and present != 1:
                raise _union_error(path, present)

        return check_structure
    if kind == "list":
        inner = _compile(shape.member)  # type: ignore[attr-defined]
        sizes = _size_checks(shape, "length")

        def check_list(value: Any, path: Path, errors: Errors) -> None:
            if type(value) is not list:
                type_ok(value, path)
            for violated, text in sizes:
                if violated(len(value)):
                    errors.append((path, value, show, text))
            for index, item in enumerate(value, 1):
                if item is None:
                    raise _null_error("A list item", (path, index))
                inner(item, (path, index), errors)

        return check_list
    if kind == "map":
        key_check = _compile(shape.key)  # type: ignore[attr-defined]
        value_check = _compile(shape.value)  # type: ignore[attr-defined]
        sizes = _size_checks(shape, "length")

        def check_map(value: Any, path: Path, errors: Errors) -> None:
            type_ok(value, path)
            for violated, text in sizes:
                if violated(len(value)):
                    errors.append((path, value, show, text))
            for key, item in value.items():
                key_check(key, (path, "key"), errors)
                if item is None:
                    raise _null_error("A map value", (path, str(key)))
                value_check(item, (path, str(key)), errors)

        return check_map
    return lambda value, path, errors: type_ok(value, path)


def check_shape(shape: Shape, value: Any, name: str) -> None:
    """Validate ``value`` against ``shape``; raise a ValidationException listing every violation."""
    errors: Errors = []
    _compile(shape)(value, (None, name), errors)
    if errors:
        raise validation_errors(describe_errors(errors))


# -- per-operation validators, generated ---------------------------------------------------
#
# ``_compile`` gives one closure per shape, and a request pays a call, a path tuple and a
# dict lookup per member it holds. ``validate_input`` runs instead one function generated
# per operation from the same model: every member check inlined (nested structures, lists
# and maps down to ``_INLINE_DEPTH`` levels; a recursive shape calls its closure), paths
# built only for an error, and the same errors in the same order as the closures give.

_INLINE_DEPTH = 8


class _Source:
    """The lines and constants of one generated validator."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {
            "_type_error": _type_error,
            "_null_error": _null_error,
            "_union_error": _union_error,
            "_has_type": _has_type,
            "serialization_error": serialization_error,
            "shorten": shorten,
            "_join": _join,
            "isfinite": math.isfinite,
        }
        self._names = 0

    def constant(self, value: Any) -> str:
        self._names += 1
        name = f"_c{self._names}"
        self.constants[name] = value
        return name

    def variable(self, stem: str) -> str:
        self._names += 1
        return f"{stem}{self._names}"

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)


def _emit_type(src: _Source, shape: Shape, var: str, path: str, indent: int) -> None:
    """``type_ok`` of ``_compile``: a SerializationException unless ``var`` has the type."""
    kind = shape.type_name
    expected = _TYPES.get(kind, (object,))
    numeric = kind in ("integer", "long", "float", "double")
    exact = src.constant(frozenset(expected))
    src.emit(
        indent,
        f"if type({var}) not in {exact} and not _has_type({var}, {src.constant(expected)}, "
        f"{numeric}): raise _type_error({path}, {kind!r})",
    )


def _emit_sizes(
    src: _Source, shape: Shape, word: str, size: str, var: str, path: str, show: bool, indent: int
) -> None:
    """The min/max checks of ``_size_checks``, compared inline."""
    meta = shape.metadata
    for bound, test in (("min", "<"), ("max", ">")):
        limit = meta.get(bound)
        if limit is None:
            continue
        relation = "greater" if bound == "min" else "less"
        text = f"Member must have {word} {relation} than or equal to {limit}"
        src.emit(
            indent,
            f"if {size} {test} {limit!r}: errors.append(({path}, {var}, {show}, {text!r}))",
        )


def _emit(
    src: _Source, shape: Shape, var: str, path: str, indent: int, stack: tuple[str, ...]
) -> None:
    """Lines that check ``var`` (a value of ``shape`` at the path expression ``path``)."""
    kind = shape.type_name
    show = not shape.metadata.get("sensitive")
    recursive = kind in ("structure", "list", "map") and (
        shape.name in stack or len(stack) >= _INLINE_DEPTH
    )
    if recursive:
        src.emit(indent, f"{src.constant(_compile(shape))}({var}, {path}, errors)")
        return
    inner = (*stack, shape.name)
    if kind in ("integer", "long", "float", "double"):
        _emit_type(src, shape, var, path, indent)
        if kind in ("float", "double"):
            src.emit(
                indent,
                f"if type({var}) is float and not isfinite({var}): raise serialization_error("
                f'"Expected a finite number at \'" + shorten(_join({path})) + "\'")',
            )
        _emit_sizes(src, shape, "value", var, var, path, show, indent)
    elif kind in ("string", "blob"):
        src.emit(indent, f"if type({var}) is not str:")
        _emit_type(src, shape, var, path, indent + 1)
        lo, hi = shape.metadata.get("min"), shape.metadata.get("max")
        if lo is not None or hi is not None:
            size = src.variable("n")
            src.emit(indent, f"{size} = len({var})")
            low = -1 if lo is None else lo
            high = "inf" if hi is None else hi
            src.emit(indent, f"if not {low} <= {size} <= {high}:")
            src.constants["inf"] = math.inf
            _emit_sizes(src, shape, "length", size, var, path, show, indent + 1)
        enum = list(getattr(shape, "enum", []) or [])
        if enum:
            text = f"Member must satisfy enum value set: [{', '.join(enum)}]"
            src.emit(
                indent,
                f"if {var} not in {src.constant(frozenset(enum))}: "
                f"errors.append(({path}, {var}, {show}, {text!r}))",
            )
        elif "pattern" in shape.metadata:
            pattern = re.compile(shape.metadata["pattern"])
            text = f"Member must satisfy regular expression pattern: {pattern.pattern}"
            src.emit(
                indent,
                f"if {src.constant(pattern.fullmatch)}({var}) is None: "
                f"errors.append(({path}, {var}, {show}, {text!r}))",
            )
    elif kind == "structure":
        assert isinstance(shape, StructureShape)
        src.emit(indent, f"if type({var}) is not dict:")
        _emit_type(src, shape, var, path, indent + 1)
        for name in shape.required_members:
            src.emit(
                indent,
                f"if {var}.get({name!r}) is None: "
                f"errors.append((({path}, {name!r}), None, False, 'Member must not be null'))",
            )
        _emit_members(src, shape, var, path, indent, inner)
    elif kind == "list":
        src.emit(indent, f"if type({var}) is not list:")
        _emit_type(src, shape, var, path, indent + 1)
        _emit_sizes(src, shape, "length", f"len({var})", var, path, show, indent)
        index, item = src.variable("i"), src.variable("v")
        src.emit(indent, f"for {index}, {item} in enumerate({var}, 1):")
        item_path = f"({path}, {index})"
        src.emit(indent + 1, f"if {item} is None: raise _null_error('A list item', {item_path})")
        _emit(src, shape.member, item, item_path, indent + 1, inner)  # type: ignore[attr-defined]
    elif kind == "map":
        _emit_type(src, shape, var, path, indent)
        _emit_sizes(src, shape, "length", f"len({var})", var, path, show, indent)
        key, item = src.variable("k"), src.variable("v")
        src.emit(indent, f"for {key}, {item} in {var}.items():")
        _emit(src, shape.key, key, f"({path}, 'key')", indent + 1, inner)  # type: ignore[attr-defined]
        item_path = f"({path}, str({key}))"
        src.emit(indent + 1, f"if {item} is None: raise _null_error('A map value', {item_path})")
        _emit(src, shape.value, item, item_path, indent + 1, inner)  # type: ignore[attr-defined]
    else:
        _emit_type(src, shape, var, path, indent)


def _emit_members(
    src: _Source, shape: StructureShape, var: str, path: str, indent: int, stack: tuple[str, ...]
) -> None:
    """The member loop of a structure: each present, non-null member checked in the
    order the value holds them; a union must hold exactly one."""
    members = shape.members
    if not members:
        if getattr(shape, "is_tagged_union", False):
            src.emit(indent, f"raise _union_error({path}, 0)")
        return
    union = bool(getattr(shape, "is_tagged_union", False))
    present = src.variable("present")
    if union:
        src.emit(indent, f"{present} = 0")
    name, item = src.variable("k"), src.variable("v")
    src.emit(indent, f"for {name}, {item} in {var}.items():")
    src.emit(indent + 1, f"if {item} is None: continue")
    for position, (member_name, member) in enumerate(members.items()):
        keyword = "if" if position == 0 else "elif"
        src.emit(indent + 1, f"{keyword} {name} == {member_name!r}:")
        if union:
            src.emit(indent + 2, f"{present} += 1")
        _emit(src, member, item, f"({path}, {member_name!r})", indent + 2, stack)
    if union:
        src.emit(indent, f"if {present} != 1: raise _union_error({path}, {present})")


InputCheck = Callable[[dict[str, Any], Errors], None]


@functools.cache
def _input_check(operation: str) -> InputCheck:
    """The generated validator of ``operation``'s input (see above)."""
    src = _Source()
    shape = _model.operation(operation).input_shape
    src.emit(0, "def check(params, errors):")
    src.emit(1, "pass")
    if shape is not None:
        assert isinstance(shape, StructureShape)
        for name in shape.required_members:
            src.emit(
                1,
                f"if params.get({name!r}) is None: "
                f"errors.append(((None, {name!r}), None, False, 'Member must not be null'))",
            )
        _emit_members(src, shape, "params", "None", 1, (shape.name,))
    namespace = dict(src.constants)
    exec(compile("\n".join(src.lines), f"<casemock validator of {operation}>", "exec"), namespace)
    check: InputCheck = namespace["check"]
    return check


def validate_input(operation: str, params: dict[str, Any]) -> None:
    """Validate decoded parameters of ``operation``; raise ValidationException on violations."""
    errors: Errors = []
    _input_check(operation)(params, errors)
    if errors:
        raise validation_errors(describe_errors(errors))
