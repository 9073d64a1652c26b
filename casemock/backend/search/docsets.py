"""Sets of cases, as the index stores them (postings) and as a search combines them.

The index numbers its cases densely (``doc`` numbers, reused after a deletion), so a set
of cases can be a bitmap: a Python ``int`` whose bit ``d`` says whether case ``d`` is in.
Intersection, union and complement of bitmaps run in C over ``N/64`` machine words (about
a microsecond at 100,000 cases) and ``int.bit_count`` counts them, so a search combines
and counts sets of any size without visiting their members.

A bitmap costs ``N/8`` bytes whatever it holds, so small sets are kept as doc numbers:

* a **posting** (the cases holding one value, or one tag) is stored as a bare ``int``
  (one case), an ``array('i')`` (up to ``dense_from(N)`` cases) or a ``Dense`` bitmap
  with its count; ``added`` and ``discarded`` move a posting between these forms;
* a **query set** (``Docs``) is a bitmap (``int``) or a ``frozenset`` of doc numbers.
  The functions below combine them, converting a small set to a bitmap only when it
  meets one.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from typing import Union

Docs = int | AbstractSet[int]  # an int is a bitmap
Posting = Union[int, "array[int]", "Dense"]  # an int is one doc number

EMPTY: frozenset[int] = frozenset()
_NONZERO = bytes([0] + [1] * 255)  # translate table: which bytes hold a member
_BITS = tuple(tuple(b for b in range(8) if byte >> b & 1) for byte in range(256))


class Dense:
    """A posting held as a bitmap, with its member count."""

    __slots__ = ("bits", "count")

    def __init__(self, bits: int, count: int) -> None:
        self.bits = bits
        self.count = count


def dense_from(capacity: int) -> int:
    """The size from which a posting is a bitmap: about where ``N/8`` bytes of bitmap
    stop costing more than the doc numbers, but low enough that combining a small set
    with a bitmap (a pass over its members) stays cheap."""
    return max(48, capacity >> 8)


# -- postings ------------------------------------------------------------------------------


def added(posting: Posting | None, doc: int, dense: int) -> Posting:
    """``posting`` with ``doc`` added (the doc must not be in it)."""
    if posting is None:
        return doc
    if type(posting) is int:
        return array("i", (posting, doc))
    if type(posting) is Dense:
        posting.bits |= 1 << doc
        posting.count += 1
        return posting
    assert isinstance(posting, array)
    if len(posting) < dense:
        posting.append(doc)
        return posting
    return Dense(bits_of(posting) | 1 << doc, len(posting) + 1)


def discarded(posting: Posting, doc: int, dense: int) -> Posting | None:
    """``posting`` without ``doc`` (which must be in it); None when it is empty."""
    if type(posting) is int:
        return None
    if type(posting) is Dense:
        posting.bits ^= 1 << doc
        posting.count -= 1
        if posting.count * 4 < dense:  # well below the threshold: back to doc numbers
            return _shrunk(members(posting.bits))
        return posting
    assert isinstance(posting, array)
    posting.remove(doc)
    return _shrunk(posting)


def _shrunk(docs: Iterable[int]) -> Posting | None:
    found = docs if isinstance(docs, array) else array("i", docs)
    if len(found) > 1:
        return found
    return found[0] if found else None


def posting_count(posting: Posting | None) -> int:
    if posting is None:
        return 0
    if type(posting) is int:
        return 1
    if type(posting) is Dense:
        return posting.count
    return len(posting)  # type: ignore[arg-type]


def read(posting: Posting | None) -> Docs:
    """The query set of a posting (never the posting itself: postings change)."""
    if posting is None:
        return EMPTY
    if type(posting) is int:
        return frozenset((posting,))
    if type(posting) is Dense:
        return posting.bits
    return frozenset(posting)  # type: ignore[arg-type]


# -- query sets ----------------------------------------------------------------------------


def bits_of(docs: Iterable[int]) -> int:
    """The bitmap of some doc numbers (one pass over them)."""
    buffer = bytearray()
    size = 0
    for doc in docs:
        index = doc >> 3
        if index >= size:
            grown = max(index + 1, 2 * size)
            buffer.extend(bytes(grown - size))
            size = grown
        buffer[index] |= 1 << (doc & 7)
    return int.from_bytes(buffer, "little")


def as_bits(docs: Docs) -> int:
    return docs if isinstance(docs, int) else bits_of(docs)


def size(docs: Docs) -> int:
    return docs.bit_count() if isinstance(docs, int) else len(docs)


def members(docs: Docs) -> list[int]:
    """The doc numbers in ``docs``, ascending for a bitmap. A few members are found from
    the nonzero bytes of the bitmap (``bytes.find``, in C), many from its binary string."""
    if not isinstance(docs, int):
        return list(docs)
    if docs.bit_count() > 96:
        text = bin(docs)
        top = len(text) - 1
        found = []
        at = text.find("1", 2)
        while at >= 0:
            found.append(top - at)
            at = text.find("1", at + 1)
        found.reverse()
        return found
    raw = docs.to_bytes((docs.bit_length() + 7) >> 3, "little")
    flags = raw.translate(_NONZERO)
    found = []
    at = flags.find(1)
    while at >= 0:
        base = at << 3
        found.extend([base + bit for bit in _BITS[raw[at]]])
        at = flags.find(1, at + 1)
    return found


def tester(docs: Docs) -> Callable[[int], bool]:
    """A membership test for many lookups (a bitmap is read once into bytes)."""
    if not isinstance(docs, int):
        return docs.__contains__
    raw = docs.to_bytes((docs.bit_length() + 7) >> 3, "little")
    limit = len(raw)

    def test(doc: int) -> bool:
        index = doc >> 3
        return index < limit and bool(raw[index] >> (doc & 7) & 1)

    return test


def both(first: Docs, second: Docs) -> Docs:
    """The intersection."""
    if isinstance(first, int):
        if isinstance(second, int):
            return first & second
        first, second = second, first
    if isinstance(second, int):  # a set and a bitmap: test the set's members
        test = tester(second)
        return frozenset([doc for doc in first if test(doc)])
    return first & second


def either(first: Docs, second: Docs, dense: int) -> Docs:
    """The union (a bitmap once it is larger than ``dense``)."""
    if isinstance(first, int) or isinstance(second, int):
        return as_bits(first) | as_bits(second)
    union = first | second
    return bits_of(union) if len(union) > dense else union


def without(docs: Docs, alive: int) -> Docs:
    """The complement within ``alive`` (``docs`` must be a subset of it)."""
    return alive ^ as_bits(docs)


def union_of(parts: list[Docs], dense: int) -> Docs:
    """The union of many sets: bitmaps OR-ed, small sets gathered, one conversion."""
    bits = 0
    small: set[int] = set()
    for part in parts:
        if isinstance(part, int):
            bits |= part
        else:
            small.update(part)
    if not bits and len(small) <= dense:
        return frozenset(small)
    return bits | bits_of(small) if small else bits
