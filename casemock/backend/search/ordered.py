"""``Ordered``: the cases holding a value of one kind in one field, sorted by (value, case
id), for range filters and sorts.

A sorted list split into buckets of a few hundred entries (the layout of the
``sortedcontainers`` package, written out here to add no dependency): each bucket keeps
its values (an ``array`` of doubles or 64-bit instants, or a list of strings) and its doc
numbers (an ``array('i')``) side by side, and ``maxes`` holds the (value, case id) of each
bucket's last entry. Inserting or removing a case is two binary searches and a short
``memmove``; a value's position is a binary search, so the number of cases in a range is
known without visiting them.

A range of positions becomes a bitmap (``bits``) from cached per-bucket bitmaps for the
buckets it covers whole and one pass over the entries of the buckets it cuts: about a
hundred bitmap ORs and at most one bucket's entries at 100,000 cases. Entries with the
same value are ordered by case id, which is the order SearchCases breaks ties in.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterator, MutableSequence
from typing import Any

from casemock.backend.search.docsets import Docs, bits_of

LOAD = 512  # a bucket is split when it holds twice this many entries
TOP = "\U0010ffff"  # sorts after every case id: (value, TOP) follows every (value, id)

Ident = Callable[[int], str]  # doc number -> case id


class Ordered:
    __slots__ = (
        "_bits",
        "_offsets",
        "docs",
        "ident",
        "maxes",
        "present",
        "size",
        "typecode",
        "vals",
    )

    def __init__(self, typecode: str | None, ident: Ident, track: bool = False) -> None:
        self.typecode = typecode  # array typecode of the values, None for a list (strings)
        self.ident = ident
        # with ``track``: the bitmap of every doc in the structure, kept up to date
        self.present: int | None = 0 if track else None
        self.vals: list[MutableSequence[Any]] = []
        self.docs: list[array[int]] = []
        self.maxes: list[tuple[Any, str]] = []
        self.size = 0
        self._offsets: list[int] | None = None
        self._bits: list[int | None] = []

    def _values(self, items: Any) -> MutableSequence[Any]:
        return list(items) if self.typecode is None else array(self.typecode, items)

    def load(self, entries: list[tuple[Any, str, int]]) -> None:
        """Fill an empty structure with (value, case id, doc) entries, sorted here."""
        entries.sort()
        for start in range(0, len(entries), LOAD):
            chunk = entries[start : start + LOAD]
            self.vals.append(self._values(entry[0] for entry in chunk))
            self.docs.append(array("i", [entry[2] for entry in chunk]))
            self.maxes.append((chunk[-1][0], chunk[-1][1]))
            self._bits.append(None)
        self.size = len(entries)
        self._offsets = None
        if self.present is not None:
            self.present = bits_of(entry[2] for entry in entries)

    def insert(self, value: Any, doc: int) -> int | None:
        """Add ``doc`` with ``value``; returns a neighbour doc with an equal value, if any
        (the index shares value objects between such cases)."""
        ident = self.ident
        key = (value, ident(doc))
        self.size += 1
        self._offsets = None
        if self.present is not None:
            self.present |= 1 << doc
        if not self.maxes:
            self.vals.append(self._values((value,)))
            self.docs.append(array("i", (doc,)))
            self.maxes.append(key)
            self._bits.append(None)
            return None
        number = bisect.bisect_left(self.maxes, key)
        if number == len(self.maxes):
            number -= 1
        vals, docs = self.vals[number], self.docs[number]
        low = bisect.bisect_left(vals, value)
        high = bisect.bisect_right(vals, value, low)
        at = bisect.bisect_left(docs, key[1], low, high, key=ident) if low < high else low
        vals.insert(at, value)
        docs.insert(at, doc)
        if at == len(vals) - 1:
            self.maxes[number] = key
        cached = self._bits[number]
        if cached is not None:
            self._bits[number] = cached | 1 << doc
        if len(vals) > 2 * LOAD:
            self._split(number)
        if low < high:
            return docs[at + 1] if at == low else docs[low]
        return None

    def remove(self, value: Any, doc: int) -> None:
        """Remove ``doc``, which was inserted with ``value``."""
        number = bisect.bisect_left(self.maxes, (value, self.ident(doc)))
        vals, docs = self.vals[number], self.docs[number]
        low = bisect.bisect_left(vals, value)
        at = docs.index(doc, low)
        del vals[at]
        del docs[at]
        self.size -= 1
        self._offsets = None
        if self.present is not None:
            self.present ^= 1 << doc
        if not vals:
            del self.vals[number], self.docs[number], self.maxes[number], self._bits[number]
            return
        if at == len(vals):
            self.maxes[number] = (vals[-1], self.ident(docs[-1]))
        cached = self._bits[number]
        if cached is not None:
            self._bits[number] = cached ^ 1 << doc

    def _split(self, number: int) -> None:
        vals, docs = self.vals[number], self.docs[number]
        half = len(vals) >> 1
        self.vals[number : number + 1] = [vals[:half], vals[half:]]
        self.docs[number : number + 1] = [docs[:half], docs[half:]]
        self.maxes.insert(number, (vals[half - 1], self.ident(docs[half - 1])))
        self._bits[number : number + 1] = [None, None]

    # -- positions ------------------------------------------------------------------------

    def _starts(self) -> list[int]:
        """The position of each bucket's first entry."""
        offsets = self._offsets
        if offsets is None:
            offsets, total = [], 0
            for vals in self.vals:
                offsets.append(total)
                total += len(vals)
            self._offsets = offsets
        return offsets

    def lower(self, value: Any) -> int:
        """The position of the first entry whose value is >= ``value``."""
        number = bisect.bisect_left(self.maxes, (value,))
        if number == len(self.maxes):
            return self.size
        return self._starts()[number] + bisect.bisect_left(self.vals[number], value)

    def upper(self, value: Any) -> int:
        """The position of the first entry whose value is > ``value``."""
        number = bisect.bisect_right(self.maxes, (value, TOP))
        if number == len(self.maxes):
            return self.size
        return self._starts()[number] + bisect.bisect_right(self.vals[number], value)

    def _locate(self, position: int) -> tuple[int, int]:
        """(bucket, offset in it) of a position (0 <= position <= size)."""
        starts = self._starts()
        number = max(0, bisect.bisect_right(starts, position) - 1)
        return number, position - starts[number] if starts else 0

    # -- reading --------------------------------------------------------------------------

    def docs_between(self, start: int, stop: int) -> list[int]:
        """The doc numbers at positions [start, stop), in order."""
        found: list[int] = []
        if start >= stop:
            return found
        number, offset = self._locate(start)
        left = stop - start
        while left > 0:
            docs = self.docs[number]
            chunk = docs[offset : offset + left]
            found.extend(chunk)
            left -= len(chunk)
            number, offset = number + 1, 0
        return found

    def bits(self, start: int, stop: int) -> Docs:
        """The docs at positions [start, stop), as a bitmap when there are many."""
        if stop - start <= LOAD:
            return frozenset(self.docs_between(start, stop))
        first, offset = self._locate(start)
        last, end = self._locate(stop)
        if first == last:
            return bits_of(self.docs[first][offset:end])
        bits = 0
        if offset:
            bits = bits_of(self.docs[first][offset:])
            first += 1
        if end == len(self.docs[last]):
            last, end = last + 1, 0
        for number in range(first, last):
            bits |= self._bucket_bits(number)
        if end:
            bits |= bits_of(self.docs[last][:end])
        return bits

    def _bucket_bits(self, number: int) -> int:
        cached = self._bits[number]
        if cached is None:
            cached = self._bits[number] = bits_of(self.docs[number])
        return cached

    def ascending(self, start: int = 0) -> Iterator[tuple[Any, int]]:
        """(value, doc) from position ``start`` on."""
        if start >= self.size:
            return
        number, offset = self._locate(start)
        for bucket in range(number, len(self.vals)):
            vals, docs = self.vals[bucket], self.docs[bucket]
            for at in range(offset, len(vals)):
                yield vals[at], docs[at]
            offset = 0

    def descending(self, stop: int) -> Iterator[tuple[Any, int]]:
        """(value, doc) from position ``stop - 1`` down to 0."""
        if stop <= 0:
            return
        number, offset = self._locate(stop)
        if offset == 0:
            number, offset = number - 1, len(self.vals[number - 1])
        for bucket in range(number, -1, -1):
            vals, docs = self.vals[bucket], self.docs[bucket]
            for at in range(offset - 1, -1, -1):
                yield vals[at], docs[at]
            if bucket:
                offset = len(self.vals[bucket - 1])
