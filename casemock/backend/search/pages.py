"""The page of a SearchCases request, from the exact set of matches and the order.

The page is found one of two ways, whichever costs less for ``m`` matches among ``N``
cases (``few``):

* few matches: their sort keys are computed and the page is the smallest keys after the
  ``nextToken`` position (``heapq`` when there are many);
* many matches: the first sort field's ``Ordered`` structure is walked in sort order from
  the ``nextToken`` position, bucket by bucket, until the page is full (``walk``). A
  bucket without matches is skipped on one bitmap AND; the matches of a sparse bucket are
  taken from that AND and sorted by key; a dense bucket is walked entry by entry.

Cases without a value for the first sort field come after those with one: sorted by key
when few, else in case id order along the index's case id structure.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from casemock.backend.search import docsets
from casemock.backend.search.docsets import Docs
from casemock.backend.search.order import SortKey, SortOrder

if TYPE_CHECKING:
    from casemock.backend.search.index import CaseSearchIndex
    from casemock.backend.search.ordered import Ordered

_HEAP_FACTOR = 4  # use heapq.nsmallest when there are this many times more matches than a page


def by_key(order: SortOrder, docs: Iterable[int], after: SortKey | None, want: int) -> list[int]:
    """The ``want`` docs with the smallest keys after ``after``, in order."""
    key = order.key
    keyed = [(key(doc), doc) for doc in docs]
    if after is not None:
        keyed = [item for item in keyed if after < item[0]]
    if len(keyed) > _HEAP_FACTOR * want:
        top = heapq.nsmallest(want, keyed, key=itemgetter(0))
    else:
        top = sorted(keyed, key=itemgetter(0))[:want]
    return [doc for _, doc in top]


def few(count: int, want: int, among: int) -> bool:
    """Whether sorting ``count`` matches costs less than walking a sort order of ``among``
    entries for ``want`` of them. Sorting costs about a key per match; the walk about a
    bucket's bitmap test and extraction (some twenty keys' worth) per bucket it opens, and
    it opens ``want / (count / among)`` entries' worth of buckets."""
    return count <= want or count * count * 36 <= want * among


def page(
    index: CaseSearchIndex, order: SortOrder, matches: Docs, after: SortKey | None, want: int
) -> list[int]:
    """The docs of the next page (``want`` = page size + 1, to tell if more follow)."""
    count = docsets.size(matches)
    if not count:
        return []
    if few(count, want, index.count):
        return by_key(order, docsets.members(matches), after, want)
    if not order.sorts:  # what is left of an order: the case id
        return _by_case_id(index, matches, None if after is None else after[-1], want)
    field_id, kind, _ = order.sorts[0]
    ordered = index.ordered(field_id, kind)
    found: list[int] = []
    if ordered is not None and ordered.present and (after is None or after[0] == 0):
        present = ordered.present
        held = matches if ordered.size == index.count else docsets.both(matches, present)
        count = docsets.size(held)
        if few(count, want, ordered.size):
            found = by_key(order, docsets.members(held), after, want)
        elif count:
            found = walk(index, order, ordered, docsets.as_bits(held), count, after, want)
        if len(found) >= want:
            return found
    lacking = matches if not ordered or not ordered.present else _minus(matches, ordered.present)
    if not lacking:
        return found
    # cases without a first sort value, after those with one, in the order of the rest
    rest_after = None if after is None or after[0] == 0 else after[2:]
    return found + page(index, order.rest(), lacking, rest_after, want - len(found))


def _by_case_id(index: CaseSearchIndex, docs: Docs, after: str | None, want: int) -> list[int]:
    """``want`` of ``docs`` in case id order after ``after``, along the case id order."""
    by_id = index.case_order()
    test = docsets.tester(docs)
    found: list[int] = []
    for _, doc in by_id.ascending(0 if after is None else by_id.upper(after)):
        if test(doc):
            found.append(doc)
            if len(found) >= want:
                break
    return found


def _minus(docs: Docs, other: int) -> Docs:
    if isinstance(docs, int):
        return docs ^ (docs & other)
    test = docsets.tester(other)
    return frozenset(doc for doc in docs if not test(doc))


def _natural(order: SortOrder, after: SortKey) -> Any:
    """The first sort's value of a position, as the index stores it."""
    value = after[1]
    _, kind, descending = order.sorts[0]
    if not descending:
        return value
    return value.text if kind == "s" else -value


_SPARSE = 4  # below one match in this many entries, a bucket's matches are sorted by key
_RUN = 64  # with two sorts, a bucket-long run of a first value longer than this is paged


def walk(
    index: CaseSearchIndex,
    order: SortOrder,
    ordered: Ordered,
    matches: int,
    count: int,
    after: SortKey | None,
    want: int,
) -> list[int]:
    """Matches with a value for the first sort, in order, after ``after``.

    The buckets of the first sort's structure are visited in sort order from ``after``'s;
    a bucket without matches (its bitmap AND the matches) is skipped whole. Where matches
    are sparse, a bucket's matches are extracted from that AND and sorted by key; where
    they are dense, its entries are walked in order (runs of equal values, which never
    span buckets, in case id order; with a second sort, each run's matches sorted)."""
    descending = order.sorts[0][2]
    single = len(order.sorts) == 1
    key = order.key
    vals_of, docs_of = ordered.vals, ordered.docs
    start = None if after is None else _natural(order, after)
    if descending:
        number, offset = ordered.locate(ordered.size if start is None else ordered.upper(start))
        if offset == 0:
            number -= 1
            offset = len(vals_of[number]) if number >= 0 else 0
        numbers: range = range(number, -1, -1)
    else:
        number, offset = ordered.locate(0 if start is None else ordered.lower(start))
        numbers = range(number, len(vals_of))
    sparse = count * _SPARSE < ordered.size
    test: Callable[[int], bool] | None = None
    found: list[int] = []
    for bucket in numbers:
        hits = ordered.bucket_bits(bucket) & matches
        if hits:
            vals = vals_of[bucket]
            if not single and len(vals) > _RUN and vals[0] == vals[-1]:
                # one long run of a first sort value: page it by the rest of the order
                rest_after = after[2:] if after is not None and vals[0] == start else None
                found += page(index, order.rest(), hits, rest_after, want - len(found))
            elif sparse:
                keyed = [(key(doc), doc) for doc in docsets.members(hits)]
                if after is not None:
                    keyed = [item for item in keyed if after < item[0]]
                keyed.sort(key=itemgetter(0))
                found += [doc for _, doc in keyed]
            else:
                if test is None:
                    test = docsets.tester(matches)
                vals, docs = vals_of[bucket], docs_of[bucket]
                low, high = 0, len(vals)
                if bucket == number:
                    low, high = (0, offset) if descending else (offset, high)
                for value, run in _runs(vals, docs, low, high, descending, 64 if single else 0):
                    kept = [doc for doc in run if test(doc)]
                    if start is not None and value == start:
                        kept = [doc for doc in kept if after < key(doc)]  # type: ignore[operator]
                    if not single and len(kept) > 1:
                        kept.sort(key=key)
                    found += kept
                    if single and len(found) >= want:
                        break
        if len(found) >= want:
            break
    return found[:want] if single else found


def _runs(
    vals: Sequence[Any], docs: Sequence[int], low: int, high: int, descending: bool, part: int
) -> Iterator[tuple[Any, Sequence[int]]]:
    """(value, docs holding it in case id order) for the entries [low, high) of a bucket,
    in sort order; with ``part``, a long run is handed out in slices of that many, so a
    page can stop inside it."""
    if not descending:
        at = low
        while at < high:
            value = vals[at]
            stop = at + 1
            if stop < high and vals[stop] == value:
                stop = bisect.bisect_right(vals, value, stop, high)
            step = part or stop - at
            for begin in range(at, stop, step):
                yield value, docs[begin : min(begin + step, stop)]
            at = stop
        return
    at = high
    while at > low:
        value = vals[at - 1]
        first = at - 1
        if first > low and vals[first - 1] == value:
            first = bisect.bisect_left(vals, value, low, first)
        step = part or at - first
        for begin in range(first, at, step):
            yield value, docs[begin : min(begin + step, at)]
        at = first
