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
from typing import Any

from casemock.backend.search.docsets import Posting
from casemock.backend.search.ordered import Ordered

PREFIX = 255  # string sorts compare the first 255 characters
MISSING = -(2**63)  # no instant (an instant column's filler)


def trigrams(text: str) -> set[str]:
    return {text[at : at + 3] for at in range(len(text) - 2)}


class Grams:
    """Trigram index over the distinct texts of a field. Texts that no case holds any
    more stay until the next compaction; lookups check the field's ``strings``."""

    __slots__ = ("grams", "texts")

    def __init__(self, texts: list[str]) -> None:
        self.texts: list[str] = []
        self.grams: dict[str, array[int]] = {}
        for text in texts:
            self.add(text)

    def add(self, text: str) -> None:
        number = len(self.texts)
        self.texts.append(text)
        grams = self.grams
        for gram in trigrams(text.casefold()):
            found = grams.get(gram)
            if found is None:
                grams[gram] = array("i", (number,))
            else:
                found.append(number)

    def candidates(self, needle: str) -> list[str] | None:
        """Texts that hold every trigram of ``needle`` (casefolded, 3+ characters): a
        superset of those containing it; None when some trigram is nowhere."""
        postings = []
        for gram in trigrams(needle):
            found = self.grams.get(gram)
            if found is None:
                return None
            postings.append(found)
        texts = self.texts
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
        self.shared: dict[str, dict[str, Any]] = {}
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

    def matching_texts(self, needle: str) -> list[str]:
        """The distinct texts of the field that contain ``needle`` (casefolded)."""
        strings = self.strings
        if len(needle) < 3:  # no trigram to look up: check every distinct text
            return [text for text in strings if needle in text.casefold()]
        grams = self.grams
        if grams is None or len(grams.texts) > 2 * len(strings) + 64:
            grams = self.grams = Grams(list(strings))  # built, or compacted
        found = grams.candidates(needle)
        if not found:
            return []
        matched = {text for text in found if needle in text.casefold() and text in strings}
        return list(matched)
