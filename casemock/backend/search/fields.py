"""The index of one field: what each filter operator and sort looks up.

===============  =========================================  ==============================
structure        holds                                      serves
===============  =========================================  ==============================
``strings``      exact text -> posting                      ``equalTo`` on strings
``grams``        trigram of the casefolded texts -> texts   ``contains``, ``searchTerm``
``numbers``      ``Ordered`` doubles                        Number ranges, equalTo, sorts
``instants``     ``Ordered`` instants (DateTime fields)     DateTime ranges, equalTo, sorts
``texts``        ``Ordered`` first 255 characters           Text ranges, text sorts
``flags``        boolean -> posting                         Boolean ``equalTo``
``booleans``     ``Ordered`` 0/1                            Boolean sorts
``filled``       posting of the cases with a value          ``emptyValue``, not-empty
===============  =========================================  ==============================

``strings``, ``numbers``, ``instants``, ``flags`` and ``filled`` follow every change;
``grams``, ``texts`` and ``booleans`` are built the first time a search needs them and
follow changes from then on. The trigram index is over distinct texts, not cases: a
``contains`` looks up the rarest trigram of the needle, checks the texts that have it
(``needle in text.casefold()``, the documented semantics) and unites the postings of the
texts that match, so its cost follows the number of distinct matching texts, and its
result is exact.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import Any, Protocol

from casemock._timestamps import parse_instant
from casemock.backend.search.docsets import Dense, Posting, added, discarded
from casemock.backend.search.ordered import Ordered

PREFIX = 255  # string sorts compare the first 255 characters
MISSING = -(2**63)  # no instant (an instant column's filler)

Value = dict[str, Any]  # a FieldValueUnion


def text_of(value: Value) -> str | None:
    """The string held by a FieldValueUnion (``stringValue`` or ``userArnValue``)."""
    text = value.get("stringValue")
    if text is None:
        text = value.get("userArnValue")
    return text if isinstance(text, str) else None


def number_of(value: Value) -> float | None:
    number = value.get("doubleValue")
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        return float(number)
    return None


class Owner(Protocol):
    """What a field's index needs of the case index it belongs to."""

    dense: int

    def peer_value(self, field_id: str, doc: int) -> Value | None: ...

    def place(self, index: FieldIndex, kind: str, value: Any, doc: int) -> int | None: ...

    def loaded_number(self, field_id: str, number: float, value: Value) -> Value | None: ...


def trigrams(text: str) -> set[str]:
    return {text[at : at + 3] for at in range(len(text) - 2)}


class Grams:
    """Trigram index over the distinct texts of a field (casefolded). Texts that no case
    holds any more stay until the next compaction; lookups check the field's
    ``strings``. Texts shorter than a trigram are kept aside (``short``)."""

    __slots__ = ("grams", "short", "texts")

    def __init__(self, texts: list[str]) -> None:
        self.texts: list[str] = []
        self.grams: dict[str, array[int]] = {}
        self.short: set[str] = set()
        for text in texts:
            self.add(text)

    def add(self, text: str) -> None:
        folded = text.casefold()
        if len(folded) < 3:
            self.short.add(text)
            return
        number = len(self.texts)
        self.texts.append(text)
        grams = self.grams
        for gram in trigrams(folded):
            found = grams.get(gram)
            if found is None:
                grams[gram] = array("i", (number,))
            else:
                found.append(number)

    def candidates(self, needle: str) -> Iterable[str]:
        """Texts that may contain ``needle`` (casefolded): with 3 characters or more,
        those holding its rarest trigram; shorter, those holding a trigram that contains
        it, and the short texts."""
        texts = self.texts
        if len(needle) < 3:
            numbers: set[int] = set()
            for gram, holding in self.grams.items():
                if needle in gram:
                    numbers.update(holding)
            return [*self.short, *(texts[number] for number in numbers)]
        postings = []
        for gram in trigrams(needle):
            found = self.grams.get(gram)
            if found is None:
                return ()
            postings.append(found)
        return [texts[number] for number in min(postings, key=len)]


class FieldIndex:
    __slots__ = (
        "booleans",
        "field_id",
        "filled",
        "flags",
        "grams",
        "instant_of",
        "instants",
        "is_datetime",
        "numbers",
        "shared",
        "strings",
        "texts",
    )

    def __init__(self, field_id: str, is_datetime: bool) -> None:
        self.field_id = field_id
        self.is_datetime = is_datetime
        self.filled: Posting | None = None
        self.strings: dict[str, Posting] = {}
        # text -> the value dict the cases holding it share (texts held more than once)
        self.shared: dict[str, Value] = {}
        self.flags: dict[bool, Posting] = {}
        self.numbers: Ordered | None = None
        self.instants: Ordered | None = None
        self.instant_of: array[int] = array("q")  # doc -> instant, MISSING if none
        self.grams: Grams | None = None
        self.texts: Ordered | None = None
        self.booleans: Ordered | None = None

    def set_instant(self, doc: int, instant: int) -> None:
        column = self.instant_of
        if doc >= len(column):
            column.extend([MISSING] * (max(doc + 1, 2 * len(column)) - len(column)))
        column[doc] = instant

    def instant(self, doc: int) -> int | None:
        column = self.instant_of
        if doc < len(column):
            found = column[doc]
            if found != MISSING:
                return found
        return None

    def add(self, owner: Owner, doc: int, value: Value) -> Value | None:
        """Index ``doc``'s ``value``; returns an equal value dict another case holds (for
        the cases to share), or None."""
        dense = owner.dense
        text = value.get("stringValue")
        if text is None:
            text = value.get("userArnValue")
        if isinstance(text, str):
            if text:
                self.filled = added(self.filled, doc, dense)
            shared = None
            posting = self.strings.get(text)
            if posting is None:
                if self.grams is not None:
                    self.grams.add(text)
            else:
                shared = self.shared.get(text)
                if shared is None:  # held twice from now on: share the first holder's
                    shared = owner.peer_value(self.field_id, _any(posting))
                    self.shared[text] = value if shared is None else shared
            self.strings[text] = added(posting, doc, dense)
            if self.texts is not None:
                self.texts.insert(text[:PREFIX], doc)
            if self.is_datetime:
                instant = parse_instant(text)
                if instant is not None:
                    self.set_instant(doc, instant)
                    owner.place(self, "t", instant, doc)
            return shared
        if value and "emptyValue" not in value:
            self.filled = added(self.filled, doc, dense)
        number = number_of(value)
        if number is not None:
            peer = owner.place(self, "n", number, doc)
            if peer is None:
                return owner.loaded_number(self.field_id, number, value)
            return owner.peer_value(self.field_id, peer)
        flag = value.get("booleanValue")
        if isinstance(flag, bool):
            posting = self.flags.get(flag)
            self.flags[flag] = added(posting, doc, dense)
            if self.booleans is not None:
                self.booleans.insert(int(flag), doc)
            return None if posting is None else owner.peer_value(self.field_id, _any(posting))
        return None

    def discard(self, owner: Owner, doc: int, value: Value) -> None:
        """Forget ``doc``'s ``value`` (the value it was indexed with)."""
        dense = owner.dense
        text = value.get("stringValue")
        if text is None:
            text = value.get("userArnValue")
        if isinstance(text, str):
            if text:
                assert self.filled is not None
                self.filled = discarded(self.filled, doc, dense)
            left = discarded(self.strings[text], doc, dense)
            if left is None:
                del self.strings[text]
                self.shared.pop(text, None)
            else:
                self.strings[text] = left
            if self.texts is not None:
                self.texts.remove(text[:PREFIX], doc)
            instant = self.instant(doc)
            if instant is not None:
                assert self.instants is not None
                self.instants.remove(instant, doc)
                self.set_instant(doc, MISSING)
            return
        if value and "emptyValue" not in value:
            assert self.filled is not None
            self.filled = discarded(self.filled, doc, dense)
        number = number_of(value)
        if number is not None:
            assert self.numbers is not None
            self.numbers.remove(number, doc)
            return
        flag = value.get("booleanValue")
        if isinstance(flag, bool):
            left = discarded(self.flags[flag], doc, dense)
            if left is None:
                del self.flags[flag]
            else:
                self.flags[flag] = left
            if self.booleans is not None:
                self.booleans.remove(int(flag), doc)

    def matching_texts(self, needle: str) -> set[str]:
        """The distinct texts of the field that contain ``needle`` (casefolded)."""
        strings = self.strings
        grams = self.grams
        if grams is None or len(grams.texts) + len(grams.short) > 2 * len(strings) + 64:
            grams = self.grams = Grams(list(strings))  # built, or compacted
        return {
            text
            for text in grams.candidates(needle)
            if needle in text.casefold() and text in strings
        }


def _any(posting: Posting) -> int:
    """A doc of a posting."""
    if isinstance(posting, int):
        return posting
    if isinstance(posting, Dense):
        bits = posting.bits
        return (bits & -bits).bit_length() - 1
    return posting[0]
