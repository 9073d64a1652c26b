"""``RelatedIndex``: a domain's related items, numbered and ordered, for
SearchAllRelatedItems and ListCasesForContact.

Items are indexed from the same marks as their cases (``CaseIndex.add(case)`` after an
item is created, deleted or moved; a case's deletion drops its items): on refresh the
items a case holds are compared with those indexed for it. What a search looks up of an
item never changes after it is created (type, association time, creation order, contact,
file, linked case and SLA name), except the case it hangs on (a merge moves items), which
is recorded at indexing time, so an item that moved is dropped and indexed again.

* ``order``: every item in the default order (association time, newest first, then the
  later-created first), one ``Ordered`` of integer keys; ``by_type`` the same per type;
  ``sorted_by`` one per ``sorts`` list that a search asked for (built then, kept after).
* ``lookups``: (kind, value) -> item numbers, for ``contact.contactArn`` (also
  ListCasesForContact), ``file.fileArn``, ``connectCase.caseId`` and ``sla.name``.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from casemock._timestamps import micros
from casemock.backend.search.docsets import Posting, added, discarded
from casemock.backend.search.ordered import Ordered

if TYPE_CHECKING:
    from casemock.backend._records import Case, RelatedItem

SortKey = Callable[["RelatedItem", str], Any]  # (item, its case id) -> comparable key
_NEVER_DENSE = 1 << 62  # item postings stay lists of numbers
_SEQ_BITS = 40


def default_key(item: RelatedItem) -> int:
    """``newest_first`` as one integer: association time descending, then seq descending."""
    return -(micros(item.association_time) << _SEQ_BITS) - item.seq


def from_default(position: list[int]) -> int:
    """The integer key of a ``newest_first`` position."""
    return position[0] * (1 << _SEQ_BITS) + position[1]


def lookup_keys(item: RelatedItem) -> list[tuple[str, str]]:
    content = item.content
    if item.type == "Contact":
        return [("contact", content["contact"]["contactArn"])]
    if item.type == "File":
        return [("file", content["file"]["fileArn"])]
    if item.type == "ConnectCase":
        return [("connectCase", content["connectCase"]["caseId"])]
    if item.type == "Sla":
        return [("sla", content["sla"]["slaConfiguration"]["name"])]
    return []


def _unique(_: int) -> str:
    return ""  # keys are unique already: no tie to break


class RelatedIndex:
    def __init__(self) -> None:
        self.items: list[RelatedItem | None] = []  # number -> item
        self.item_case: list[str] = []  # number -> id of the case it was indexed on
        self.item_doc = array("i")  # number -> doc of that case
        self.free: list[int] = []
        self.of_doc: dict[int, tuple[int, ...]] = {}
        self.order = Ordered(None, _unique)
        self.by_type: dict[str, Ordered] = {}
        self.lookups: dict[tuple[str, str], Posting] = {}
        self.sorted_by: dict[Any, tuple[SortKey, Ordered]] = {}

    def item(self, number: int) -> RelatedItem:
        found = self.items[number]
        assert found is not None
        return found

    def update(self, doc: int, case: Case) -> None:
        old = self.of_doc.get(doc, ())
        current = case.related_items
        if not old and not current:
            return
        kept: list[int] = []
        for number in old:
            item = self.item(number)
            if current.get(item.related_item_id) is item and self.item_case[number] == case.case_id:
                kept.append(number)
            else:
                self._forget(number)
        if len(kept) != len(current):
            known = {self.item(number).related_item_id for number in kept}
            for item_id, item in current.items():
                if item_id not in known:
                    kept.append(self._index(item, doc, case.case_id))
        if kept:
            self.of_doc[doc] = tuple(kept)
        else:
            self.of_doc.pop(doc, None)

    def drop(self, doc: int) -> None:
        for number in self.of_doc.pop(doc, ()):
            self._forget(number)

    def _index(self, item: RelatedItem, doc: int, case_id: str) -> int:
        if self.free:
            number = self.free.pop()
            self.items[number] = item
            self.item_case[number] = case_id
            self.item_doc[number] = doc
        else:
            number = len(self.items)
            self.items.append(item)
            self.item_case.append(case_id)
            self.item_doc.append(doc)
        key = default_key(item)
        self.order.insert(key, number)
        by_type = self.by_type.get(item.type)
        if by_type is None:
            by_type = self.by_type[item.type] = Ordered(None, _unique)
        by_type.insert(key, number)
        for lookup in lookup_keys(item):
            self.lookups[lookup] = added(self.lookups.get(lookup), number, _NEVER_DENSE)
        for sort_key, ordered in self.sorted_by.values():
            ordered.insert(sort_key(item, case_id), number)
        return number

    def _forget(self, number: int) -> None:
        item = self.item(number)
        case_id = self.item_case[number]
        key = default_key(item)
        self.order.remove(key, number)
        self.by_type[item.type].remove(key, number)
        for lookup in lookup_keys(item):
            left = discarded(self.lookups[lookup], number, _NEVER_DENSE)
            if left is None:
                del self.lookups[lookup]
            else:
                self.lookups[lookup] = left
        for sort_key, ordered in self.sorted_by.values():
            ordered.remove(sort_key(item, case_id), number)
        self.items[number] = None
        self.free.append(number)

    def looked_up(self, kind: str, value: str) -> list[int]:
        found = self.lookups.get((kind, value))
        if found is None:
            return []
        if type(found) is int:
            return [found]
        return list(found)  # type: ignore[arg-type]

    def latest_contacts(self, contact_arn: str) -> list[RelatedItem]:
        """ListCasesForContact: per case, its latest Contact item for ``contact_arn``,
        newest first."""
        latest: dict[str, tuple[int, RelatedItem]] = {}
        for number in self.looked_up("contact", contact_arn):
            item = self.item(number)
            key = default_key(item)
            best = latest.get(item.case_id)
            if best is None or key < best[0]:
                latest[item.case_id] = (key, item)
        return [item for _, item in sorted(latest.values(), key=itemgetter(0))]

    def sorted(self, spec: Any, sort_key: SortKey) -> Ordered:
        """The items in the order ``sort_key`` gives (built on first use)."""
        known = self.sorted_by.get(spec)
        if known is None:
            ordered = Ordered(None, _unique)
            ordered.load(
                [
                    (sort_key(item, self.item_case[number]), "", number)
                    for number, item in enumerate(self.items)
                    if item is not None
                ]
            )
            known = self.sorted_by[spec] = (sort_key, ordered)
        return known[1]
