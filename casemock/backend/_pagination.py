"""Keyset pagination shared by every list and search operation.

A token names the position of the last item returned and a fingerprint of the query, so
it stays valid when items are added or removed between pages, returns every item at most
once, and is refused for a different query.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

import orjson

from casemock._errors import validation_error

T = TypeVar("T")


def fingerprint(query: Any) -> str:
    text = orjson.dumps(query, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(text).hexdigest()[:16]


def encode_token(position: Any, query: Any) -> str:
    raw = orjson.dumps({"p": position, "q": fingerprint(query)})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, query: Any) -> Any:
    """Return the position stored in ``token``; ValidationException if it is not ours."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
        position, query_hash = data["p"], data["q"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise validation_error("The nextToken is not valid.") from None
    if query_hash != fingerprint(query):
        raise validation_error("The nextToken does not belong to this request.")
    return position


def page(
    items: Sequence[T],
    position: Callable[[T], Any],
    max_results: int,
    next_token: str | None,
    query: Any,
) -> tuple[list[T], str | None]:
    """One page of ``items``, which must be sorted ascending by ``position(item)``.

    Positions must be unique and JSON-serialisable; they are compared after a JSON round
    trip, so use numbers, strings or lists of them.
    """
    start = 0
    if next_token:
        after = decode_token(next_token, query)
        try:
            start = bisect.bisect_right(items, after, key=lambda item: _as_json(position(item)))
        except TypeError:
            raise validation_error("The nextToken is not valid.") from None
    chunk = list(items[start : start + max_results])
    more = start + max_results < len(items)
    token = encode_token(_as_json(position(chunk[-1])), query) if more and chunk else None
    return chunk, token


def _as_json(value: Any) -> Any:
    """The value as it reads back from a token (tuples become lists)."""
    if isinstance(value, (tuple, list)):
        return [_as_json(v) for v in value]
    return value


class Sequenced(Protocol):
    seq: int


S = TypeVar("S", bound=Sequenced)


def page_by_creation(
    records: Iterable[S], params: dict[str, Any], query: Any, default_size: int = 100
) -> tuple[list[S], str | None]:
    """One page of ``records`` in creation order, for the request's ``maxResults`` and
    ``nextToken`` (the List operations)."""
    ordered = sorted(records, key=_seq)
    return page(
        ordered, _seq, params.get("maxResults", default_size), params.get("nextToken"), query
    )


def _seq(record: Sequenced) -> int:
    return record.seq
