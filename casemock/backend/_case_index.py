"""Indexes over a domain's cases, maintained on every create, update and delete, so a
selective search filter (``equalTo`` on a field, a tag) does not scan the store.

Call ``index.add(case)`` after a case is stored or changed and ``index.remove(case)``
before it is changed or deleted (remove needs the values that were indexed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casemock.backend._records import Case


def value_key(value: dict[str, Any]) -> tuple[str, Any] | None:
    """A hashable key for a FieldValueUnion, or None for an empty value."""
    for member, item in value.items():
        if member == "emptyValue" or item is None:
            return None
        if member == "doubleValue":
            return ("number", float(item))
        return (member, item)
    return None


@dataclass
class CaseIndex:
    # (field id, value key) -> case ids holding that value
    by_value: dict[tuple[str, tuple[str, Any]], set[str]] = field(default_factory=dict)
    # (tag key, tag value) -> case ids
    by_tag: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def add(self, case: Case) -> None:
        for field_id, value in case.values.items():
            key = value_key(value)
            if key is not None:
                self.by_value.setdefault((field_id, key), set()).add(case.case_id)
        for tag in case.tags.items():
            self.by_tag.setdefault(tag, set()).add(case.case_id)

    def remove(self, case: Case) -> None:
        for field_id, value in case.values.items():
            key = value_key(value)
            if key is not None:
                _discard(self.by_value, (field_id, key), case.case_id)
        for tag in case.tags.items():
            _discard(self.by_tag, tag, case.case_id)

    def cases_with_value(self, field_id: str, value: dict[str, Any]) -> set[str]:
        key = value_key(value)
        if key is None:
            return set()
        return self.by_value.get((field_id, key), set())

    def cases_with_tag(self, key: str, value: str) -> set[str]:
        return self.by_tag.get((key, value), set())


def _discard(index: dict[Any, set[str]], key: Any, case_id: str) -> None:
    ids = index.get(key)
    if ids is not None:
        ids.discard(case_id)
        if not ids:
            del index[key]
