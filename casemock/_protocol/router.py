"""One router compiled from the model's request URIs.

Matching works on the raw (still percent-encoded) path split on ``/``, so an encoded ARN
in ``/tags/{arn}`` stays one segment and a trailing slash is significant. Labels are
returned as they were sent: the decoder turns them into text (and refuses bytes that are
not UTF-8).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from casemock import _model


@dataclass(frozen=True)
class Route:
    operation: str
    method: str
    # each segment is either a literal or a label name ("{name}" stripped of braces)
    segments: tuple[tuple[bool, str], ...]  # (is_label, text)

    @property
    def specificity(self) -> int:
        return sum(1 for is_label, _ in self.segments if not is_label)


def _compile(operation: str) -> Route:
    http = _model.operation(operation).http
    uri = http["requestUri"].split("?", 1)[0]
    segments: list[tuple[bool, str]] = []
    for part in uri.split("/")[1:]:
        if part.startswith("{") and part.endswith("}"):
            segments.append((True, part[1:-1]))
        else:
            segments.append((False, part))
    return Route(operation, http["method"].upper(), tuple(segments))


@functools.lru_cache(maxsize=1)
def _table() -> dict[tuple[str, int], list[Route]]:
    table: dict[tuple[str, int], list[Route]] = {}
    for name in _model.operation_names():
        route = _compile(name)
        table.setdefault((route.method, len(route.segments)), []).append(route)
    for routes in table.values():
        routes.sort(key=lambda r: -r.specificity)
    return table


# Answers of ``match`` by (method, raw path): a test calls the same few paths again and
# again. Bounded: emptied when full. Callers copy nothing: the labels are only read.
_SEEN: dict[tuple[str, str], tuple[str, dict[str, str]] | None] = {}
_SEEN_LIMIT = 4096


def match(method: str, raw_path: str) -> tuple[str, dict[str, str]] | None:
    """Return (operation name, path labels still percent-encoded) for a request, or None."""
    key = (method, raw_path)
    try:
        return _SEEN[key]
    except KeyError:
        pass
    if len(_SEEN) >= _SEEN_LIMIT:
        _SEEN.clear()
    found = _SEEN[key] = _match(method, raw_path)
    return found


def _match(method: str, raw_path: str) -> tuple[str, dict[str, str]] | None:
    parts = raw_path.split("/")[1:] if raw_path.startswith("/") else raw_path.split("/")
    for route in _table().get((method.upper(), len(parts)), ()):
        labels: dict[str, str] = {}
        for (is_label, text), part in zip(route.segments, parts, strict=True):
            if is_label:
                if not part:
                    break
                labels[text] = part
            elif text != part:
                break
        else:
            return route.operation, labels
    return None


def routes() -> list[Route]:
    return [route for routes in _table().values() for route in routes]
