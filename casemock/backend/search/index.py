"""``CaseSearchIndex``: a domain's cases, numbered and indexed for search.

``index_for(domain)`` is the factory: a domain starts with the ``Unindexed`` placeholder
(``backend/_records``), and the first search builds the index from ``Domain.cases`` and
puts it in its place. From then on handlers report changes through the ``CaseIndex``
protocol (``add(case)``: stored or changed; ``remove(case)``: deleted), which only marks
the case; the next search calls ``refresh()`` first, which re-indexes the marked cases.

Per case the index keeps its doc number, the values dict it indexed (``seen``: the same
dict the case holds, until an update replaces it) and its tags as an interned tuple. A
refresh compares the indexed values with the case's, field by field (the same object:
nothing to do), and moves the case between postings (``fields``: one ``FieldIndex`` per
field id; ``tags``: one posting per (key, value)). Equal value dicts of different cases
are made one shared dict as they are indexed, which is most of what a stored case costs.

Related items are indexed alongside (``related``), from the same marks.

The index is derived data: pickling it (snapshots) gives the placeholder back.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from casemock.backend._records import Unindexed
from casemock.backend.search import docsets
from casemock.backend.search.docsets import Dense, Docs, Posting, added, discarded
from casemock.backend.search.fields import PREFIX, FieldIndex, text_of
from casemock.backend.search.ordered import Ordered
from casemock.backend.search.related_index import RelatedIndex

if TYPE_CHECKING:
    from casemock.backend._records import Case, Domain, Field, FieldValueUnion

TagItems = tuple[tuple[str, str], ...]
_BULK = 256  # an empty index takes more new cases than this in one load
_NEVER = 1 << 62  # a posting size never reached


class CaseSearchIndex:
    def __init__(self, domain: Domain) -> None:
        self.field_types: dict[str, Field] = domain.fields
        self.doc_of: dict[str, int] = {}
        self.cases: list[Case | None] = []  # doc -> case
        self.seen: list[dict[str, FieldValueUnion] | None] = []  # doc -> values indexed
        self.seen_tags: list[TagItems] = []
        self.free: list[int] = []
        self.alive = 0  # bitmap of the docs in use
        self.count = 0
        self.fields: dict[str, FieldIndex] = {}
        self.tags: dict[tuple[str, str], Posting] = {}
        self.tag_sets: dict[TagItems, TagItems] = {}
        self.by_case_id: Ordered | None = None
        self.related = RelatedIndex()
        self.pending: dict[str, Case | None] = {}
        self.dense = docsets.dense_from(0)
        # while loading: (field id, kind) -> the entries of a sorted structure
        self._loading: dict[tuple[str, str], list[tuple[Any, str, int]]] | None = None
        self._loading_numbers: dict[tuple[str, float], FieldValueUnion] = {}
        for case in domain.cases.values():
            self.pending[case.case_id] = case

    def __reduce__(self) -> tuple[type[Unindexed], tuple[()]]:
        """Pickled (by snapshots) as the placeholder: derived data is rebuilt, not stored."""
        return (Unindexed, ())

    # -- the CaseIndex protocol -----------------------------------------------------------

    def add(self, case: Case) -> None:
        self.pending[case.case_id] = case

    def remove(self, case: Case) -> None:
        self.pending[case.case_id] = None

    def refresh(self) -> None:
        """Index every case marked since the last refresh; every reader calls this first."""
        if not self.pending:
            return
        pending, self.pending = self.pending, {}
        self.dense = docsets.dense_from(len(self.cases) + len(pending))
        if not self.count and len(pending) > _BULK:
            self._load(pending)
            return
        for case_id, case in pending.items():
            doc = self.doc_of.get(case_id)
            if case is None:
                if doc is not None:
                    self._drop(doc)
            else:
                if doc is None:
                    doc = self._new_doc(case)
                self.cases[doc] = case
                self._update(doc, case)
        if len(self.tag_sets) > 2 * self.count + 64:  # forget tag sets no case has
            self.tag_sets = {items: items for items in self.seen_tags}

    def _load(self, pending: dict[str, Case | None]) -> None:
        """Index many cases into an empty index: postings stay doc number arrays and the
        sorted structures' entries are gathered, then bitmaps and structures are built
        once, instead of one bitmap copy and one insertion per case."""
        dense, self.dense = self.dense, _NEVER
        self._loading = {}
        for case in pending.values():
            if case is not None:
                self._update(self._new_doc(case), case)
        loading, self._loading = self._loading, None
        self._loading_numbers = {}
        self.dense = dense
        for index in self.fields.values():
            index.filled = _settled(index.filled, dense)
            _settle(index.strings, dense)
            _settle(index.flags, dense)
        _settle(self.tags, dense)
        for (field_id, kind), entries in loading.items():
            index = self.fields[field_id]
            ordered = Ordered("q" if kind == "t" else "d", self.ident, track=True)
            ordered.load(entries)
            if kind == "t":
                index.instants = ordered
            else:
                index.numbers = ordered

    def ident(self, doc: int) -> str:
        case = self.cases[doc]
        assert case is not None
        return case.case_id

    def case(self, doc: int) -> Case:
        case = self.cases[doc]
        assert case is not None
        return case

    # -- maintenance ----------------------------------------------------------------------

    def _new_doc(self, case: Case) -> int:
        if self.free:
            doc = self.free.pop()
            self.cases[doc] = case
        else:
            doc = len(self.cases)
            self.cases.append(case)
            self.seen.append(None)
            self.seen_tags.append(())
        self.doc_of[case.case_id] = doc
        self.alive |= 1 << doc
        self.count += 1
        if self.by_case_id is not None:
            self.by_case_id.insert(case.case_id, doc)
        return doc

    def _drop(self, doc: int) -> None:
        old = self.seen[doc]
        if old:
            for field_id, value in old.items():
                self.fields[field_id].discard(self, doc, value)
        self._retag(doc, ())
        self.related.drop(doc)
        case_id = self.ident(doc)
        if self.by_case_id is not None:
            self.by_case_id.remove(case_id, doc)
        del self.doc_of[case_id]
        self.cases[doc] = None
        self.seen[doc] = None
        self.alive ^= 1 << doc
        self.count -= 1
        self.free.append(doc)

    def _update(self, doc: int, case: Case) -> None:
        old = self.seen[doc]
        new = case.values
        if old is not new:
            old = old or {}
            local: dict[str, FieldValueUnion] = {}  # text -> value dict, within the case
            for field_id, value in new.items():
                prior = old.get(field_id)
                if prior is value:
                    continue
                if prior is not None and prior == value:
                    new[field_id] = prior
                    continue
                index = self._field(field_id)
                if prior is not None:
                    index.discard(self, doc, prior)
                shared = index.add(self, doc, value)
                text = text_of(value)
                if shared is None and text is not None:
                    shared = local.get(text)
                    local.setdefault(text, value)
                if shared is not None and shared is not value and shared == value:
                    new[field_id] = shared
            for field_id, prior in old.items():
                if field_id not in new:
                    self.fields[field_id].discard(self, doc, prior)
            self.seen[doc] = new
        tags = case.tags
        items = tuple(sorted(tags.items())) if tags else ()
        self._retag(doc, self.tag_sets.setdefault(items, items))
        self.related.update(doc, case)

    def _retag(self, doc: int, items: TagItems) -> None:
        old = self.seen_tags[doc]
        if old is items:
            return
        postings, dense = self.tags, self.dense
        for item in old:
            if item not in items:
                left = discarded(postings[item], doc, dense)
                if left is None:
                    del postings[item]
                else:
                    postings[item] = left
        for item in items:
            if item not in old:
                postings[item] = added(postings.get(item), doc, dense)
        self.seen_tags[doc] = items

    def _field(self, field_id: str) -> FieldIndex:
        index = self.fields.get(field_id)
        if index is None:
            found = self.field_types.get(field_id)
            is_datetime = found is not None and found.type == "DateTime"
            index = self.fields[field_id] = FieldIndex(field_id, is_datetime)
        return index

    def peer_value(self, field_id: str, doc: int) -> FieldValueUnion | None:
        case = self.cases[doc]
        return None if case is None else case.values.get(field_id)

    def place(self, index: FieldIndex, kind: str, value: Any, doc: int) -> int | None:
        """Put ``doc`` in the field's numbers or instants structure (gathered while
        loading); returns a doc with an equal value, if one is known."""
        if self._loading is not None:
            self._loading.setdefault((index.field_id, kind), []).append(
                (value, self.ident(doc), doc)
            )
            return None
        ordered = index.instants if kind == "t" else index.numbers
        if ordered is None:
            ordered = Ordered("q" if kind == "t" else "d", self.ident, track=True)
            if kind == "t":
                index.instants = ordered
            else:
                index.numbers = ordered
        return ordered.insert(value, doc)

    def loaded_number(
        self, field_id: str, number: float, value: FieldValueUnion
    ) -> FieldValueUnion | None:
        """While loading: the first value dict seen for this number in the field."""
        if self._loading is None:
            return None
        return self._loading_numbers.setdefault((field_id, number), value)

    # -- lookups (after refresh) ----------------------------------------------------------

    def all(self) -> Docs:
        return self.alive

    def strings(self, field_id: str, text: str) -> Docs:
        index = self.fields.get(field_id)
        return docsets.read(None if index is None else index.strings.get(text))

    def flag(self, field_id: str, flag: bool) -> Docs:
        index = self.fields.get(field_id)
        return docsets.read(None if index is None else index.flags.get(flag))

    def filled(self, field_id: str) -> Docs:
        index = self.fields.get(field_id)
        return docsets.read(None if index is None else index.filled)

    def tagged(self, key: str, value: str) -> Docs:
        return docsets.read(self.tags.get((key, value)))

    def containing(self, field_ids: Iterable[str], needle: str) -> Docs:
        """Cases with a string value in one of ``field_ids`` that contains ``needle``
        (already casefolded)."""
        bits = 0
        docs: list[int] = []
        for field_id in field_ids:
            index = self.fields.get(field_id)
            if index is None or not index.strings:
                continue
            strings = index.strings
            for text in index.matching_texts(needle):
                posting = strings[text]
                if isinstance(posting, int):
                    docs.append(posting)
                elif isinstance(posting, Dense):
                    bits |= posting.bits
                else:
                    docs.extend(posting)
        if not bits and len(docs) <= self.dense:
            return frozenset(docs)
        return bits | docsets.bits_of(docs) if docs else bits

    def ordered(self, field_id: str, kind: str) -> Ordered | None:
        """The sorted structure of a field for values of ``kind`` (``n`` numbers, ``t``
        instants, ``s`` text prefixes, ``b`` booleans); None when no case has one."""
        index = self.fields.get(field_id)
        if index is None:
            return None
        if kind == "n":
            return index.numbers
        if kind == "t":
            return index.instants
        if kind == "s":
            if index.texts is None:
                index.texts = self._build(index, "s")
            return index.texts
        if index.booleans is None:
            index.booleans = self._build(index, "b")
        return index.booleans

    def _build(self, index: FieldIndex, kind: str) -> Ordered:
        built = Ordered(None if kind == "s" else "b", self.ident, track=True)
        entries: list[tuple[Any, str, int]] = []
        field_id = index.field_id
        for doc, values in enumerate(self.seen):
            value = None if values is None else values.get(field_id)
            if value is None:
                continue
            if kind == "s":
                text = text_of(value)
                if text is not None:
                    entries.append((text[:PREFIX], self.ident(doc), doc))
            else:
                flag = value.get("booleanValue")
                if isinstance(flag, bool):
                    entries.append((int(flag), self.ident(doc), doc))
        built.load(entries)
        return built

    def case_order(self) -> Ordered:
        """Every case by case id."""
        if self.by_case_id is None:
            self.by_case_id = Ordered(None, self.ident)
            self.by_case_id.load(
                [(case.case_id, case.case_id, doc) for doc, case in enumerate(self.cases) if case]
            )
        return self.by_case_id


def _settled(posting: Posting | None, dense: int) -> Posting | None:
    """A posting built while loading, in the form its size calls for."""
    if isinstance(posting, array) and len(posting) > dense:
        return Dense(docsets.bits_of(posting), len(posting))
    return posting


def _settle(postings: dict[Any, Posting], dense: int) -> None:
    for value, posting in postings.items():
        if isinstance(posting, array) and len(posting) > dense:
            postings[value] = Dense(docsets.bits_of(posting), len(posting))


def index_for(domain: Domain) -> CaseSearchIndex:
    """The domain's search index, up to date: built from its cases the first time a
    search needs it (a new or restored domain holds the ``Unindexed`` placeholder)."""
    index = domain.case_index
    if type(index) is not CaseSearchIndex:
        index = CaseSearchIndex(domain)
        domain.case_index = index
    index.refresh()
    return index
