"""The rules a restored document is checked with, shared by ``checks`` (the walk over
regions, domains and configuration) and ``case_checks`` (cases, their related items and
audit history): checks of record attributes against the model's shapes, and the small
checks of ids, ARNs, quotas and references. Each raises ``LoadError`` with its path."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from botocore.model import Shape

from casemock import _model
from casemock._errors import OutputShapeError, ServiceError
from casemock._protocol import output_check, validation
from casemock._settings import Settings
from casemock._snapshots.codec import LoadError, show


@functools.cache
def member_shape(structure: str, member: str) -> Shape | None:
    """The model shape of ``structure.member`` (None when this model lacks it)."""
    shape: Any = _model.service_model().shape_for(structure)
    found: Shape | None = shape.members.get(member)
    return found


def shape_named(name: str) -> Shape:
    shape: Shape = _model.service_model().shape_for(name)
    return shape


def conforms(shape: Shape | None, value: Any, name: str) -> None:
    """LoadError unless ``value`` is what the API could answer for ``shape``."""
    if shape is None:
        if value is not None:
            raise LoadError("this botocore's model has no such member")
        return
    try:
        output_check.check_shape(shape, value, name)
        validation.check_shape(shape, value, name)
    except OutputShapeError as error:
        message = str(error).replace("casemock answered ", "found ")
        raise LoadError(message.replace("casemock's answer lacks", "missing")) from None
    except ServiceError as error:
        raise LoadError(error.message) from None


def member(value: Any, structure: str, name: str, attribute: str) -> None:
    """Check a record ``attribute`` (None: absent) against ``structure.name``."""
    if value is None:
        return
    try:
        member_check(structure, name)(value)
    except LoadError as error:
        raise error.at(attribute) from None


def members(record: Any, structure: str, *pairs: tuple[str, str]) -> None:
    """``member`` for each (model member, record attribute) pair of ``record``."""
    for name, attribute in pairs:
        member(getattr(record, attribute), structure, name, attribute)


@functools.cache
def member_check(structure: str, name: str) -> Callable[[Any], None]:
    """A check of values of ``structure.name``: a direct one for strings (most members,
    and the ones every case has), else ``conforms`` with a memo of the values that
    passed (audit ``performedBy``, tags and the like repeat across cases)."""
    shape = member_shape(structure, name)
    if shape is not None and shape.type_name == "string":
        return _string_check(shape, name)
    passed: set[Any] = set()

    def check(value: Any) -> None:
        key = _frozen(value)
        if key is not None and key in passed:
            return
        conforms(shape, value, name)
        if key is not None and len(passed) < 10_000:
            passed.add(key)

    return check


def _string_check(shape: Shape, name: str) -> Callable[[Any], None]:
    meta = shape.metadata
    low, high = meta.get("min", 0), meta.get("max")
    enum = frozenset(getattr(shape, "enum", None) or ())
    pattern = re.compile(meta["pattern"]) if "pattern" in meta and not enum else None

    def check(value: Any) -> None:
        if (
            type(value) is not str
            or len(value) < low
            or (high is not None and len(value) > high)
            or (enum and value not in enum)
            or (pattern is not None and pattern.fullmatch(value) is None)
        ):
            conforms(shape, value, name)  # says what is wrong

    return check


def _frozen(value: Any) -> Any:
    """A hashable copy of small JSON data (None when it is not worth it)."""
    kind = type(value)
    if kind is dict:
        if len(value) > 8:
            return None
        items = []
        for key, item in value.items():
            frozen = _frozen(item)
            if frozen is None:
                return None
            items.append((key, frozen))
        return (dict, tuple(items))
    if kind is list:
        return None
    return (kind, value)


def keyed(key: str, record_id: str, what: str) -> None:
    if key != record_id:
        raise LoadError(f"the {what} stored under {key!r} has the id {record_id!r}")


def arn(value: str, expected: str) -> None:
    if value != expected:
        raise LoadError(f"the ARN is {show(value)}, not {expected!r}").at("arn")


def quota(count: int, limit: int, what: str, *path: Any) -> None:
    if count > limit:
        raise at(LoadError(f"{count} {what}, the quota is {limit} (Settings)"), *path)


def at(error: LoadError, *steps: Any) -> LoadError:
    for step in reversed(steps):
        error.at(step)
    return error


def tags(values: Mapping[str, str], settings: Settings) -> None:
    quota(len(values), settings.tags_per_resource, "tags", "tags")


def known(ids: Iterable[str], records: Mapping[str, Any], what: str, *path: Any) -> None:
    """LoadError at ``path`` for the first id not in ``records``."""
    for record_id in ids:
        if record_id not in records:
            raise at(LoadError(f"{what} {show(record_id)} does not exist in the domain"), *path)


class Walk:
    """The state of one pass: the restoring mock's settings and account, the region being
    checked, and ``top_seq``, the highest record ``seq`` seen."""

    def __init__(self, settings: Settings, account_id: str) -> None:
        self.settings = settings
        self.account_id = account_id
        self.region = ""
        self.top_seq = 0

    def seq(self, value: int) -> None:
        if value < 1:
            raise LoadError(f"seq must be a positive record number, got {value}")
        if value > self.top_seq:
            self.top_seq = value
