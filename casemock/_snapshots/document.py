"""Snapshots: the whole state of a mock as a versioned, JSON-serialisable document, and back.

A document holds every region of the mock (domains with everything in them, written by
``_record_codec``), the mock's record counter and, for a seeded mock, its random state.
Restoring builds the complete new state first and swaps it in last, so a document that
cannot be read leaves the mock as it was. The search index is not stored: a search
builds it from the restored cases when it first needs it.

The document ``snapshot()`` returns (a ``StateDocument``, a ``dict``) also remembers the
state in pickled form, so restoring that same object again and again (seed once, restore
per test) skips the JSON work. Treat documents as read-only: edit a copy.
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import pickle
import random
import typing
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from casemock._errors import DOCS, CasesMockError, SnapshotFormatError
from casemock._snapshots.codec import Codec, LoadError, codec, primitive
from casemock.backend._records import Domain, RegionState

if TYPE_CHECKING:
    from casemock._mock import CasesMock

FORMAT = "casemock-state"
VERSION = 1
StateSource = Union[Mapping[str, Any], str, "os.PathLike[str]"]
Regions = dict[str, dict[str, Domain]]

# id(StateDocument) -> pickled Regions; an entry lives as long as its document.
_PREPARED: dict[int, bytes] = {}


class StateDocument(dict[str, Any]):
    """A casemock state document: a plain JSON-serialisable ``dict`` that, when it comes
    from ``snapshot()``, restores fast."""


def _prepare(doc: StateDocument, regions: Regions) -> None:
    try:
        blob = pickle.dumps(regions, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a record holding something unpicklable: restore from JSON instead
        return
    key = id(doc)
    _PREPARED[key] = blob
    weakref.finalize(doc, _PREPARED.pop, key, None)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: building many small objects (records have no
    reference cycles) triggers collections that scan the whole, growing heap again and
    again, which can double the time of a bulk operation."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _domains_codec() -> Codec:
    return codec(dict[str, Domain])


def _counter_value(mock: CasesMock) -> int:
    """The next number the mock's counter hands out, without consuming it."""
    value: int = next(mock._seq)
    mock._seq = itertools.count(value)
    return value


def snapshot(mock: CasesMock) -> StateDocument:
    """The whole state of ``mock`` as a JSON-serialisable document."""
    dump_domains = _domains_codec()[0]
    with mock._lock:
        states = dict(mock._states)
        locks = [states[region].lock for region in sorted(states)]
        for lock in locks:
            lock.acquire()
        try:
            with paused_gc():
                regions = {r: {"domains": dump_domains(s.domains)} for r, s in states.items()}
                doc = StateDocument(
                    format=FORMAT,
                    version=VERSION,
                    account_id=mock.account_id,
                    seq=_counter_value(mock),
                    regions=regions,
                )
                if mock.seed is not None:
                    version, internal, gauss = mock._random.getstate()
                    doc["random"] = [version, list(internal), gauss]
                _prepare(doc, {region: state.domains for region, state in states.items()})
        finally:
            for lock in reversed(locks):
                lock.release()
    return doc


def check_header(doc: Any) -> None:
    """SnapshotFormatError unless ``doc`` is a state document this casemock can read."""
    if not isinstance(doc, Mapping) or doc.get("format") != FORMAT:
        raise SnapshotFormatError(
            "This is not a casemock state document (it needs "
            f'"format": "{FORMAT}"); make one with CasesMock.snapshot() or CasesMock.save(). '
            f"See {DOCS}/snapshots.md."
        )
    version = doc.get("version")
    if version != VERSION:
        raise SnapshotFormatError(
            f"This casemock state document has format version {version!r}; this casemock "
            f"reads version {VERSION} only. Re-create the document with this casemock "
            "(seed the state again and call snapshot() or save()), or use the casemock "
            f"release that wrote it. See {DOCS}/snapshots.md."
        )


def _load_regions(doc: Mapping[str, Any]) -> Regions:
    load_domains = _domains_codec()[1]
    regions = doc["regions"]
    if type(regions) is not dict:
        raise LoadError("expected an object of regions")
    loaded: Regions = {}
    for region, content in regions.items():
        try:
            domains = load_domains(content["domains"])
        except LoadError as error:
            raise error.at("domains").at(region) from None
        loaded[region] = domains
    return loaded


def build(
    mock: CasesMock, doc: Mapping[str, Any]
) -> tuple[dict[str, RegionState], int, tuple[Any, ...] | None]:
    """The region states, counter value and random state ``doc`` describes, built
    without touching ``mock``."""
    check_header(doc)
    if doc.get("account_id") != mock.account_id:
        raise SnapshotFormatError(
            f"This state document holds account {doc.get('account_id')!r}, but the mock "
            f"serves account {mock.account_id!r}; create the mock with "
            f"mock_cases(account_id={doc.get('account_id')!r})."
        )
    try:
        with paused_gc():
            blob = _PREPARED.get(id(doc)) if isinstance(doc, StateDocument) else None
            if blob is not None:
                regions: Regions = pickle.loads(blob)
            else:
                regions = _load_regions(doc)
                if isinstance(doc, StateDocument):
                    _prepare(doc, regions)
        seq = primitive(int)(doc["seq"])
        saved = doc.get("random")
        random_state = None
        if saved is not None:
            random_state = (saved[0], tuple(saved[1]), saved[2])
            random.Random().setstate(random_state)
    except LoadError as error:
        where = ".".join(["regions", *error.path])
        raise SnapshotFormatError(
            f"The casemock state document is damaged at {where}: {error.message}. "
            "The mock's state was not changed."
        ) from None
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise SnapshotFormatError(
            f"The casemock state document is damaged ({error!r}); the mock's state was not changed."
        ) from None
    states = {
        region: RegionState(mock.account_id, region, domains) for region, domains in regions.items()
    }
    return states, seq, random_state


def apply(mock: CasesMock, doc: Mapping[str, Any]) -> None:
    """Replace the state of ``mock`` with the one ``doc`` describes, all or nothing."""
    states, seq, random_state = build(mock, doc)
    with mock._lock:
        mock._states = states
        mock._seq = itertools.count(seq)
        if random_state is not None and mock.seed is not None:
            mock._random.setstate(random_state)
        mock.calls = []
        mock.events = []


def restore(mock: CasesMock, doc: Mapping[str, Any]) -> None:
    if not mock.active:
        raise CasesMockError(
            "restore() needs an active mock: start() begins with empty state and would "
            "discard it. Call it inside `with mock_cases() as m:`, or pass the document "
            "as mock_cases(state=doc) to have it applied at every start."
        )
    apply(mock, doc)


def _opener(path: Path) -> Callable[..., Any]:
    if path.suffix == ".gz":
        import gzip

        return gzip.open
    return open


def read(source: StateSource, *, keep: bool = False) -> Mapping[str, Any]:
    """A state document, or the one stored in a file (``.gz`` files are compressed); with
    ``keep``, a document read from a file is a StateDocument that restores fast the next
    times."""
    if isinstance(source, Mapping):
        return source
    path = Path(source)
    with _opener(path)(path, "rt", encoding="utf-8") as stream:
        doc = json.load(stream)
    check_header(doc)
    return StateDocument(doc) if keep else typing.cast(Mapping[str, Any], doc)


def write(doc: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    target = Path(path)
    with _opener(target)(target, "wt", encoding="utf-8") as stream:
        json.dump(doc, stream, separators=(",", ":"))
