"""Valid inputs built from the installed model, for the model-driven sweeps: a value for
every shape, the paths of every input member, and botocore's own serialisation of a
request (what a boto3 client would send)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.serialize import create_serializer

from casemock import _model

ENDPOINT = "https://cases.us-east-1.amazonaws.com"
TIMESTAMP = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=timezone.utc)

# Strings tried, in order, for a string shape; the first that satisfies its length and
# pattern is used. "casemock" satisfies every pattern of today's model.
GOOD_STRINGS = ["casemock", "a", "1", "casemock-1", "arn:aws:cases:us-east-1:123456789012:x"]

Step = str  # a member name, "[]" for a list item, "{key}" / "{value}" for a map entry


# -- building valid values from the model ------------------------------------------------


def good_string(shape: Shape, suffix: str = "") -> str:
    meta = shape.metadata
    enum = getattr(shape, "enum", None)
    if enum:
        return str(enum[0])
    low: int = meta.get("min", 0)
    high: int = meta.get("max", 10**9)
    for base in GOOD_STRINGS:
        text: str = base + suffix
        text += "a" * max(0, low - len(text))
        fits = "pattern" not in meta or re.fullmatch(meta["pattern"], text) is not None
        if fits and low <= len(text) <= high:
            return text
    raise AssertionError(f"no known-good string for {shape.name} {meta}: extend GOOD_STRINGS")


def build(shape: Shape, path: tuple[Step, ...] = (), full: bool = False, depth: int = 0) -> Any:
    """A valid value for ``shape``. ``path`` forces the members (and union branches) on
    the way to one node; ``full`` adds every optional member down to a few levels."""
    if depth > 12:
        raise AssertionError(f"model recursion too deep at {shape.name}")
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        members = shape.members
        if getattr(shape, "is_tagged_union", False):
            chosen = path[0] if path else next(iter(members))
            names = [chosen]
        else:
            names = list(shape.required_members)
            if full and depth < 3:
                names = list(members)
            if path and path[0] not in names:
                names.append(path[0])
        value = {}
        for name in names:
            rest = path[1:] if path and path[0] == name else ()
            value[name] = build(members[name], rest, full, depth + 1)
        return value
    if kind == "list":
        assert isinstance(shape, ListShape)
        count = max(1, meta.get("min", 0))
        return [
            build(shape.member, path[1:] if path else (), full, depth + 1) for _ in range(count)
        ]
    if kind == "map":
        assert isinstance(shape, MapShape)
        value_path = path[1:] if path and path[0] == "{value}" else ()
        return {good_string(shape.key): build(shape.value, value_path, full, depth + 1)}
    if kind == "string":
        return good_string(shape)
    if kind in ("integer", "long"):
        return int(meta.get("min", 1))
    if kind in ("float", "double"):
        return float(meta.get("min", 1.5))
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return TIMESTAMP
    raise AssertionError(f"no generator for {kind} ({shape.name})")


def input_for(operation: str, full: bool = False) -> dict[str, Any]:
    shape = _model.operation(operation).input_shape
    return {} if shape is None else dict(build(shape, full=full))


def serialize(operation: str, params: dict[str, Any], validate: bool = True) -> Any:
    """The prepared HTTP request botocore would send for ``params`` (``validate=False``: as
    a client with ``parameter_validation=False`` sends it)."""
    model = _model.operation(operation)
    serializer = create_serializer("rest-json", include_validation=validate)
    request_dict = serializer.serialize_to_request(params, model)
    prepare_request_dict(request_dict, endpoint_url=ENDPOINT)
    return create_request_object(request_dict).prepare()


def body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    return body if isinstance(body, bytes) else str(body).encode()


def constrained_paths(operation: str) -> Iterator[tuple[tuple[Step, ...], Shape]]:
    """Breadth-first, every (path, shape) of the input, each member reached once per
    operation (shortest path first), recursive shapes entered once per path."""
    shape = _model.operation(operation).input_shape
    if shape is None:
        return
    queue: deque[tuple[tuple[Step, ...], Shape, frozenset[str]]] = deque([((), shape, frozenset())])
    seen: set[tuple[str, Step]] = set()
    while queue:
        path, node, ancestors = queue.popleft()
        if path:
            yield path, node
        if node.name in ancestors:
            continue
        inner = ancestors | {node.name}
        children: list[tuple[Step, Shape]] = []
        if isinstance(node, StructureShape):
            children = list(node.members.items())
        elif isinstance(node, ListShape):
            children = [("[]", node.member)]
        elif isinstance(node, MapShape):
            children = [("{key}", node.key), ("{value}", node.value)]
        for step, child in children:
            if (node.name, step) in seen:
                continue
            seen.add((node.name, step))
            queue.append(((*path, step), child, inner))


def place(params: dict[str, Any], path: tuple[Step, ...], bad: Any) -> None:
    """Put ``bad`` at ``path`` in ``params`` (built with ``build(..., path)``)."""
    target: Any = params
    for step in path[:-1]:
        if step == "[]":
            target = target[0]
        elif step == "{value}":
            target = next(iter(target.values()))
        else:
            target = target[step]
    last = path[-1]
    if last == "[]":
        target[0] = bad
    elif last == "{key}":
        value = target.pop(next(iter(target)))
        target[bad] = value
    elif last == "{value}":
        target[next(iter(target))] = bad
    else:
        target[last] = bad
