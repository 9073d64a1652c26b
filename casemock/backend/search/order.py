"""The order of a SearchCases request: sort keys for cases, and the positions
``nextToken`` carries.

Order: the requested sorts (default ``last_updated_datetime`` Desc), cases without a
value for a sort field last, then the case id, so every case has a unique position and
paging neither repeats nor skips cases when others are created, changed or deleted in
between. Number sorts numerically, DateTime by instant, Boolean ``false`` first, and
string values by code point on their first ``PREFIX`` characters (which keeps a position
small enough for a ``nextToken``). A key is ``(missing, value)`` per sort, in sort
direction (numbers negated, strings wrapped in ``Descending`` for Desc), then the case id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from casemock._errors import validation_error
from casemock.backend.search.fields import MISSING, PREFIX, number_of, text_of

if TYPE_CHECKING:
    from casemock.backend._records import Domain
    from casemock.backend.search.index import CaseSearchIndex

DEFAULT_SORTS = ({"fieldId": "last_updated_datetime", "sortOrder": "Desc"},)
_NUMERIC_SORTS = frozenset({"DateTime", "Number", "Boolean"})
_KINDS = {"DateTime": "t", "Number": "n", "Boolean": "b"}  # index kinds; others "s"

SortKey = tuple[Any, ...]  # (missing, value) per sort, then the case id
Extract = Callable[[int], Any]  # a doc's sort value in sort direction, or None


class Descending:
    """A string that sorts in reverse (numbers are negated instead)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __lt__(self, other: Descending) -> bool:
        return other.text < self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Descending) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


class SortOrder:
    """The sort of one request: sort keys for cases, and positions for tokens."""

    def __init__(
        self, domain: Domain, index: CaseSearchIndex, sorts: Iterable[dict[str, Any]]
    ) -> None:
        self.kinds: list[tuple[str, bool]] = []  # (field type, descending) per sort
        self.sorts: list[tuple[str, str, bool]] = []  # (field id, index kind, descending)
        extracts: list[Extract] = []
        for number, sort in enumerate(sorts):
            field_id = sort["fieldId"]
            found = domain.fields.get(field_id)
            if found is None:
                raise validation_error(
                    f"sorts[{number}]: field {field_id} does not exist in domain "
                    f"{domain.domain_id}."
                )
            descending = sort["sortOrder"] == "Desc"
            kind = _KINDS.get(found.type, "s")
            self.kinds.append((found.type, descending))
            self.sorts.append((field_id, kind, descending))
            extracts.append(_extract(index, field_id, kind, descending))
        self.index = index
        self.extracts = extracts
        self.key = _key_function(index, extracts)

    def rest(self) -> SortOrder:
        """The order without its first sort: how cases with the same first sort value
        are ordered among themselves."""
        rest = SortOrder.__new__(SortOrder)
        rest.kinds, rest.sorts = self.kinds[1:], self.sorts[1:]
        rest.index, rest.extracts = self.index, self.extracts[1:]
        rest.key = _key_function(self.index, rest.extracts)
        return rest

    def position(self, key: SortKey) -> list[Any]:
        """The JSON form of a sort key: sort values as stored, not in sort direction."""
        out: list[Any] = []
        for number, (kind, descending) in enumerate(self.kinds):
            missing, value = key[2 * number], key[2 * number + 1]
            if not missing and descending:
                value = value.text if kind not in _NUMERIC_SORTS else -value
            out += [missing, value]
        out.append(key[-1])
        return out

    def key_of(self, position: Any) -> SortKey:
        """The sort key a token's position stands for; ValidationException if malformed."""
        if not isinstance(position, list) or len(position) != 2 * len(self.kinds) + 1:
            raise validation_error("The nextToken is not valid.")
        out: list[Any] = []
        for number, (kind, descending) in enumerate(self.kinds):
            missing, value = position[2 * number], position[2 * number + 1]
            numeric = kind in _NUMERIC_SORTS
            if missing == 1 and value is None:
                out += [1, None]
                continue
            valid = isinstance(value, (int, float)) if numeric else isinstance(value, str)
            if missing != 0 or isinstance(value, bool) or not valid:
                raise validation_error("The nextToken is not valid.")
            if descending:
                value = -value if numeric else Descending(value)
            out += [0, value]
        if not isinstance(position[-1], str):
            raise validation_error("The nextToken is not valid.")
        out.append(position[-1])
        return tuple(out)


def _extract(index: CaseSearchIndex, field_id: str, kind: str, descending: bool) -> Extract:
    sign = -1 if descending else 1
    cases = index.cases
    if kind == "t":
        found = index.fields.get(field_id)
        column = None if found is None else found.instant_of

        def instant(doc: int) -> Any:
            if column is None or doc >= len(column) or column[doc] == MISSING:
                return None
            return sign * column[doc]

        return instant
    if kind == "n":

        def number(doc: int) -> Any:
            value = cases[doc].values.get(field_id)  # type: ignore[union-attr]
            raw = None if value is None else number_of(value)
            return None if raw is None else sign * raw

        return number
    if kind == "b":

        def flag(doc: int) -> Any:
            value = cases[doc].values.get(field_id)  # type: ignore[union-attr]
            raw = None if value is None else value.get("booleanValue")
            return sign * raw if isinstance(raw, bool) else None

        return flag

    def text(doc: int) -> Any:
        value = cases[doc].values.get(field_id)  # type: ignore[union-attr]
        raw = None if value is None else text_of(value)
        if raw is None:
            return None
        raw = raw[:PREFIX]
        return Descending(raw) if descending else raw

    return text


def _key_function(index: CaseSearchIndex, extracts: list[Extract]) -> Callable[[int], SortKey]:
    cases = index.cases
    if not extracts:

        def case_id(doc: int) -> SortKey:
            return (cases[doc].case_id,)  # type: ignore[union-attr]

        return case_id
    if len(extracts) == 1:
        (first,) = extracts

        def one_key(doc: int) -> SortKey:
            value = first(doc)
            case_id = cases[doc].case_id  # type: ignore[union-attr]
            return (1, None, case_id) if value is None else (0, value, case_id)

        return one_key

    def keys(doc: int) -> SortKey:
        out: list[Any] = []
        for extract in extracts:
            value = extract(doc)
            out += (1, None) if value is None else (0, value)
        out.append(cases[doc].case_id)  # type: ignore[union-attr]
        return tuple(out)

    return keys
