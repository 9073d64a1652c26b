"""Indexes over a domain's cases, maintained on every create, update and delete, so a
search does not re-read the store: ``equalTo`` filters on a field and tag filters look up
candidate cases, DateTime values are parsed once, and ``searchTerm`` scans one prepared
lower-case text per case.

Call ``index.add(case)`` after a case is stored or changed and ``index.remove(case)`` when
it is deleted. ``add`` replaces whatever was indexed for the case before, and ``remove``
forgets what was indexed (not what the case holds now), so calling ``remove`` before a
change is allowed but not needed.

The index is a superset filter: a lookup returns every case that may hold the value (a
DateTime-like string is keyed by its instant, so ``2024-05-01T00:00:00Z`` and
``2024-05-01T00:00:00.000Z`` share a key); search verifies candidates with the filter.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from casemock._timestamps import parse_instant
from casemock.backend._records import Unindexed

if TYPE_CHECKING:
    from casemock.backend._records import Case, Domain

SEPARATOR = "\x00"  # between the values of a case's search text

ValueKey = tuple[str, str, Any]  # (field id, kind, normalised value)
TagKey = tuple[str, str]


def text_of(value: dict[str, Any]) -> str | None:
    """The string held by a FieldValueUnion (``stringValue`` or ``userArnValue``)."""
    text = value.get("stringValue")
    if text is None:
        text = value.get("userArnValue")
    return text if isinstance(text, str) else None


def value_key(value: dict[str, Any]) -> tuple[str, Any] | None:
    """A hashable (kind, value) key for a FieldValueUnion, or None for an empty value.

    Strings (``stringValue`` and ``userArnValue``) share kind ``s``, or ``t`` with the
    instant when they read as a date-time; numbers are ``n``, booleans ``b``.
    """
    text = text_of(value)
    if text is not None:
        instant = parse_instant(text)
        return ("s", text) if instant is None else ("t", instant)
    number = value.get("doubleValue")
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        return ("n", float(number))
    flag = value.get("booleanValue")
    if isinstance(flag, bool):
        return ("b", flag)
    return None


@dataclass(slots=True)
class _Entry:
    """What was indexed for one case (so remove() does not depend on the case's state)."""

    keys: tuple[ValueKey, ...]
    tags: tuple[TagKey, ...]


@dataclass
class CaseIndex:
    # (field id, kind, value) -> the case id holding it, or a set when several do
    by_value: dict[ValueKey, str | set[str]] = field(default_factory=dict)
    # (tag key, tag value) -> case id(s)
    by_tag: dict[TagKey, str | set[str]] = field(default_factory=dict)
    # field id -> case id -> microseconds since the epoch, for values that read as date-times
    instants: dict[str, dict[str, int]] = field(default_factory=dict)
    # case id -> casefolded string values joined by SEPARATOR (what searchTerm scans)
    texts: dict[str, str] = field(default_factory=dict)
    entries: dict[str, _Entry] = field(default_factory=dict)
    # cases added or changed since the last refresh(): indexed when a search needs them,
    # so CreateCase and UpdateCase pay one dict write
    pending: dict[str, Case] = field(default_factory=dict)

    def __reduce__(self) -> tuple[type[Unindexed], tuple[()]]:
        """Pickled (by snapshots) as the placeholder: derived data is rebuilt, not stored."""
        return (Unindexed, ())

    def add(self, case: Case) -> None:
        """Index ``case`` as it will be at the next ``refresh()``, replacing what was
        indexed for it before."""
        self.pending[case.case_id] = case

    def refresh(self) -> None:
        """Bring the index up to date; every reader calls this first."""
        if self.pending:
            pending, self.pending = self.pending, {}
            for case in pending.values():
                self._index(case)

    def _index(self, case: Case) -> None:
        case_id = case.case_id
        if case_id in self.entries:
            self._forget(case_id)
        keys: list[ValueKey] = []
        texts: list[str] = []
        by_value = self.by_value
        # value_key() inlined: this runs on every CreateCase and UpdateCase.
        for field_id, value in case.values.items():
            key: ValueKey
            text = value.get("stringValue")
            if text is None:
                text = value.get("userArnValue")
            if isinstance(text, str):
                texts.append(text.casefold())
                instant = parse_instant(text)
                if instant is None:
                    key = (field_id, "s", text)
                else:
                    key = (field_id, "t", instant)
                    self.instants.setdefault(field_id, {})[case_id] = instant
            else:
                number = value.get("doubleValue")
                flag = value.get("booleanValue")
                if isinstance(number, (int, float)) and not isinstance(number, bool):
                    key = (field_id, "n", float(number))
                elif isinstance(flag, bool):
                    key = (field_id, "b", flag)
                else:
                    continue
            keys.append(key)
            found = by_value.get(key)
            if found is None:
                by_value[key] = case_id
            elif isinstance(found, str):
                by_value[key] = {found, case_id}
            else:
                found.add(case_id)
        tags = tuple(case.tags.items())
        for tag in tags:
            _put(self.by_tag, tag, case_id)
        self.texts[case_id] = SEPARATOR.join(texts)
        self.entries[case_id] = _Entry(tuple(keys), tags)

    def remove(self, case: Case) -> None:
        """Forget ``case`` (no error when it was never indexed)."""
        self.pending.pop(case.case_id, None)
        self._forget(case.case_id)

    def _forget(self, case_id: str) -> None:
        entry = self.entries.pop(case_id, None)
        if entry is None:
            return
        for key in entry.keys:
            _discard(self.by_value, key, case_id)
            if key[1] == "t":
                by_case = self.instants[key[0]]
                del by_case[case_id]
                if not by_case:
                    del self.instants[key[0]]
        for tag in entry.tags:
            _discard(self.by_tag, tag, case_id)
        self.texts.pop(case_id, None)

    def rebuild(self, cases: Iterable[Case]) -> None:
        """Index ``cases`` from scratch (after restoring a domain's cases)."""
        for store in (self.by_value, self.by_tag, self.instants, self.texts, self.entries):
            store.clear()
        self.pending = {case.case_id: case for case in cases}

    def cases_with_value(self, field_id: str, value: dict[str, Any]) -> Collection[str]:
        """Ids of the cases that may hold ``value`` in ``field_id`` (a superset; read-only)."""
        key = value_key(value)
        if key is None:
            return ()
        return _ids(self.by_value.get((field_id, key[0], key[1])))

    def cases_with_tag(self, key: str, value: str) -> Collection[str]:
        """Ids of the cases tagged ``key=value`` (read-only)."""
        return _ids(self.by_tag.get((key, value)))

    def instant(self, case_id: str, field_id: str) -> int | None:
        """The instant of the case's value for ``field_id`` if it reads as a date-time."""
        return self.instants.get(field_id, {}).get(case_id)

    def text(self, case_id: str) -> str:
        return self.texts.get(case_id, "")


def _ids(found: str | set[str] | None) -> Collection[str]:
    if found is None:
        return ()
    if isinstance(found, str):
        return (found,)
    return found


def _put(index: dict[Any, str | set[str]], key: Any, case_id: str) -> None:
    found = index.get(key)
    if found is None:
        index[key] = case_id
    elif isinstance(found, str):
        if found != case_id:
            index[key] = {found, case_id}
    else:
        found.add(case_id)


def _discard(index: dict[Any, str | set[str]], key: Any, case_id: str) -> None:
    found = index.get(key)
    if found is None:
        return
    if isinstance(found, str):
        if found == case_id:
            del index[key]
        return
    found.discard(case_id)
    if len(found) == 1:
        index[key] = next(iter(found))
    elif not found:
        del index[key]


def index_for(domain: Domain) -> CaseIndex:
    """The domain's case index, up to date: built from its cases the first time a search
    needs it (a new or restored domain holds the ``Unindexed`` placeholder)."""
    index = domain.case_index
    if not isinstance(index, CaseIndex):
        index = CaseIndex()
        index.rebuild(domain.cases.values())
        domain.case_index = index
    index.refresh()
    return index
