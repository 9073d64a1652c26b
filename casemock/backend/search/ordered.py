"""``Ordered``: the cases holding a value of one kind in one field, sorted by (value, case
id), for range filters and sorts.

A sorted list split into buckets of a few hundred entries (the layout of the
``sortedcontainers`` package, written out here to add no dependency): each bucket keeps
its values (an ``array`` of doubles or 64-bit instants, or a list of strings) and its doc
numbers (an ``array('i')``) side by side, and ``maxes`` holds each bucket's last value.
Inserting or removing a case is two binary searches and a short ``memmove``; a value's
position is a binary search, so the number of cases in a range is known without visiting
them. Entries with the same value are ordered by case id, which is the order SearchCases
breaks ties in, and never span two buckets (a bucket is split where the value changes),
so a bucket's entries can be sorted, skipped or walked on their own.

A range of positions becomes a bitmap (``bits``) from per-bucket bitmaps, built when
first needed and then kept up to date, for the buckets it covers whole, and one pass over
the smaller side of a bucket it cuts.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterator, MutableSequence
from typing import Any

from casemock.backend.search.docsets import Docs, bits_of

LOAD = 512  # a bucket is split (where the value changes) when it holds twice this many

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
        self.vals: list[MutableSequence[Any]] = []
        self.docs: list[array[int]] = []
        self.maxes: list[Any] = []  # the last value of each bucket
        self.size = 0
        self._offsets: list[int] | None = None
        self._bits: list[int | None] = []
        # with ``track``: the bitmap of every doc in the structure, kept up to date
        self.present: int | None = 0 if track else None

    def _values(self, items: Any) -> MutableSequence[Any]:
        return list(items) if self.typecode is None else array(self.typecode, items)

    def load(self, entries: list[tuple[Any, str, int]]) -> None:
        """Fill an empty structure with (value, case id, doc) entries, sorted here."""
        entries.sort()
        start, total = 0, len(entries)
        while start < total:
            stop = min(start + LOAD, total)
            while stop < total and entries[stop][0] == entries[stop - 1][0]:
                stop += 1
            chunk = entries[start:stop]
            self.vals.append(self._values(entry[0] for entry in chunk))
            self.docs.append(array("i", [entry[2] for entry in chunk]))
            self.maxes.append(chunk[-1][0])
            self._bits.append(None)
            start = stop
        self.size = total
        self._offsets = None
        if self.present is not None:
            self.present = bits_of(entry[2] for entry in entries)

    def insert(self, value: Any, doc: int) -> int | None:
        """Add ``doc`` with ``value``; returns a doc with an equal value, if any (the
        index shares value objects between such cases)."""
        self.size += 1
        self._offsets = None
        if self.present is not None:
            self.present |= 1 << doc
        if not self.maxes:
            self.vals.append(self._values((value,)))
            self.docs.append(array("i", (doc,)))
            self.maxes.append(value)
            self._bits.append(None)
            return None
        number = bisect.bisect_left(self.maxes, value)
        if number == len(self.maxes):
            number -= 1
        vals, docs = self.vals[number], self.docs[number]
        low = bisect.bisect_left(vals, value)
        high = bisect.bisect_right(vals, value, low)
        ident = self.ident
        at = bisect.bisect_left(docs, ident(doc), low, high, key=ident) if low < high else low
        vals.insert(at, value)
        docs.insert(at, doc)
        if at == len(vals) - 1:
            self.maxes[number] = value
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
        number = bisect.bisect_left(self.maxes, value)
        vals, docs = self.vals[number], self.docs[number]
        low = bisect.bisect_left(vals, value)
        high = bisect.bisect_right(vals, value, low)
        if high - low > 8:  # a long run of equal values: find the case by its id
            ident = self.ident
            low = bisect.bisect_left(docs, ident(doc), low, high, key=ident)
        at = docs.index(doc, low, high)
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
            self.maxes[number] = vals[-1]
        cached = self._bits[number]
        if cached is not None:
            self._bits[number] = cached ^ 1 << doc

    def _split(self, number: int) -> None:
        """Split a bucket where the value changes, nearest to its middle (a bucket holding
        one value only is not split)."""
        vals, docs = self.vals[number], self.docs[number]
        half = len(vals) >> 1
        middle = vals[half]
        before, after = bisect.bisect_left(vals, middle), bisect.bisect_right(vals, middle)
        cut = before if before and (half - before <= after - half or after == len(vals)) else after
        if cut in (0, len(vals)):
            return
        self.vals[number : number + 1] = [vals[:cut], vals[cut:]]
        self.docs[number : number + 1] = [docs[:cut], docs[cut:]]
        self.maxes.insert(number, vals[cut - 1])
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
        number = bisect.bisect_left(self.maxes, value)
        if number == len(self.maxes):
            return self.size
        return self._starts()[number] + bisect.bisect_left(self.vals[number], value)

    def upper(self, value: Any) -> int:
        """The position of the first entry whose value is > ``value``."""
        number = bisect.bisect_right(self.maxes, value)
        if number == len(self.maxes):
            return self.size
        return self._starts()[number] + bisect.bisect_right(self.vals[number], value)

    def locate(self, position: int) -> tuple[int, int]:
        """(bucket, offset in it) of a position; ``size`` is the end of the last bucket."""
        starts = self._starts()
        if not starts:
            return 0, 0
        number = max(0, bisect.bisect_right(starts, position) - 1)
        return number, position - starts[number]

    # -- reading --------------------------------------------------------------------------

    def docs_between(self, start: int, stop: int) -> list[int]:
        """The doc numbers at positions [start, stop), in order."""
        found: list[int] = []
        if start >= stop:
            return found
        number, offset = self.locate(start)
        left = stop - start
        while left > 0:
            chunk = self.docs[number][offset : offset + left]
            found.extend(chunk)
            left -= len(chunk)
            number, offset = number + 1, 0
        return found

    def bits(self, start: int, stop: int) -> Docs:
        """The docs at positions [start, stop), as a bitmap when there are many."""
        if stop - start <= LOAD:
            return frozenset(self.docs_between(start, stop))
        first, offset = self.locate(start)
        last, end = self.locate(stop)
        if first == last:
            return self._part(first, offset, end)
        bits = self._part(first, offset, len(self.docs[first])) if offset else 0
        if offset:
            first += 1
        for number in range(first, last):
            bits |= self.bucket_bits(number)
        if end:
            bits |= self._part(last, 0, end)
        return bits

    def _part(self, number: int, start: int, stop: int) -> int:
        """The bitmap of a bucket's entries [start, stop): from them, or from the bucket's
        bitmap and the entries left out, whichever is fewer."""
        docs = self.docs[number]
        if stop - start <= len(docs) - (stop - start):
            return bits_of(docs[start:stop])
        return self.bucket_bits(number) ^ bits_of(docs[:start]) ^ bits_of(docs[stop:])

    def bucket_bits(self, number: int) -> int:
        cached = self._bits[number]
        if cached is None:
            cached = self._bits[number] = bits_of(self.docs[number])
        return cached

    def ascending(self, start: int = 0) -> Iterator[tuple[Any, int]]:
        """(value, doc) from position ``start`` on."""
        if start >= self.size:
            return
        number, offset = self.locate(start)
        for bucket in range(number, len(self.vals)):
            vals, docs = self.vals[bucket], self.docs[bucket]
            for at in range(offset, len(vals)):
                yield vals[at], docs[at]
            offset = 0
