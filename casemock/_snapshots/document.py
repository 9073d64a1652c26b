"""Snapshots: the whole state of a store as a versioned, JSON-serialisable document, and back.

A document holds every region of the store (domains with everything in them, written by
``codec``), the store's record counter, for a seeded mock its random state and, when any
are registered, the external resources (``external``, optional on load).
Restoring builds the complete new state first and swaps it in last (``Store.replace``),
so a document that cannot be read leaves the store as it was. The search index is not
stored: a search builds it from the restored cases when it first needs it.

The document ``snapshot()`` returns (a ``StateDocument``, a ``dict``) also remembers the
state in pickled form, so restoring that same object again and again (seed once, restore
per test) skips the JSON work. Treat documents as read-only: edit a copy.
"""

from __future__ import annotations

import gc
import glob
import os
import pickle
import random
import re
import typing
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Union

from casemock._errors import DOCS, SnapshotFormatError
from casemock._settings import Settings
from casemock._snapshots import checks
from casemock._snapshots.codec import Codec, LoadError, codec, primitive, show
from casemock.backend._records import Domain
from casemock.backend._store import RandomState, Store
from casemock.backend.external import ExternalResources

FORMAT = "casemock-state"
VERSION = 1
StateSource = Union[Mapping[str, Any], str, "os.PathLike[str]"]
Regions = dict[str, dict[str, Domain]]

_REQUIRED = frozenset({"format", "version", "account_id", "seq", "regions"})
_MEMBERS = _REQUIRED | {"random", "external"}  # optional: the random state, the registry
# id(StateDocument) -> (pickled Regions, the Settings they were checked against); an
# entry lives as long as its document.
_PREPARED: dict[int, tuple[bytes, Settings]] = {}


class StateDocument(dict[str, Any]):
    """A casemock state document: a plain JSON-serialisable ``dict`` that, when it comes
    from ``snapshot()``, restores fast."""


def _prepare(doc: StateDocument, regions: Regions, settings: Settings) -> None:
    try:
        blob = pickle.dumps(regions, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a record holding something unpicklable: restore from JSON instead
        return
    key = id(doc)
    _PREPARED[key] = (blob, settings)
    weakref.finalize(doc, _PREPARED.pop, key, None)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many records, and hand what was
    built to its oldest generation.

    Records have no reference cycles. Built with the collector running, they trigger
    collections that scan the whole, growing heap again and again, which can double the
    time of a bulk operation; built while it is paused, they all sit in the youngest
    generation, whose next collection would scan every one of them once more (about a
    tenth of the time of ``create_cases``). ``gc.freeze()`` then ``gc.unfreeze()`` moves
    every tracked object to the oldest generation without a scan: the records are
    long-lived, and the collector looks at them again only in a full collection, as it
    would have after they survived two younger ones. Skipped when the process has frozen
    objects of its own (``gc.unfreeze()`` would release them too), and on interpreters
    without ``gc.freeze``.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if _FREEZE and not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


_FREEZE = all(hasattr(gc, name) for name in ("freeze", "unfreeze", "get_freeze_count"))


def _domains_codec() -> Codec:
    return codec(dict[str, Domain])


def snapshot(store: Store) -> StateDocument:
    """The whole state of ``store`` as a JSON-serialisable document."""
    dump_domains = _domains_codec()[0]
    with store.lock:
        states = dict(store.regions)
        locks = [states[region].lock for region in sorted(states)]
        for lock in locks:
            lock.acquire()
        try:
            with paused_gc():
                regions = {r: {"domains": dump_domains(s.domains)} for r, s in states.items()}
                doc = StateDocument(
                    format=FORMAT,
                    version=VERSION,
                    account_id=store.account_id,
                    seq=store.counter_value(),
                    regions=regions,
                )
                random_state = store.random_state()
                if random_state is not None:
                    version, internal, gauss = random_state
                    doc["random"] = [version, list(internal), gauss]
                if store.external:
                    doc["external"] = store.external.dump()
                domains = {region: state.domains for region, state in states.items()}
                _prepare(doc, domains, store.settings)
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
    if version != VERSION or type(version) is not int:
        raise SnapshotFormatError(
            f"This casemock state document has format version {show(version)}; this casemock "
            f"reads version {VERSION} only. Re-create the document with this casemock "
            "(seed the state again and call snapshot() or save()), or use the casemock "
            f"release that wrote it. See {DOCS}/snapshots.md."
        )


def _load_regions(regions: Any) -> Regions:
    load_domains = _domains_codec()[1]
    if type(regions) is not dict:
        raise LoadError(f"expected an object of regions, got {show(regions)}")
    loaded: Regions = {}
    for region, content in regions.items():
        try:
            if type(content) is not dict or list(content) != ["domains"]:
                raise LoadError('a region is {"domains": {...}}')
            try:
                loaded[region] = load_domains(content["domains"])
            except LoadError as error:
                raise error.at("domains") from None
        except LoadError as error:
            raise error.at(region) from None
    return loaded


def _load_random(saved: Any) -> RandomState:
    try:
        if type(saved) is not list or len(saved) != 3 or type(saved[1]) is not list:
            raise TypeError("expected [version, [state...], gauss]")
        state = (saved[0], tuple(saved[1]), saved[2])
        random.Random().setstate(state)
    except (TypeError, ValueError, OverflowError) as error:
        raise LoadError(f"not the state of a random generator ({error})").at("random") from None
    return state


def build(store: Store, doc: Mapping[str, Any]) -> tuple[Regions, int, RandomState | None]:
    """The domains by region, counter value and random state ``doc`` describes, built
    and checked (``checks``) without touching ``store``."""
    check_header(doc)
    account_id = store.account_id
    if doc.get("account_id") != account_id:
        raise SnapshotFormatError(
            f"This state document holds account {show(doc.get('account_id'))}, but the mock "
            f"serves account {account_id!r}; create the mock with "
            f"mock_cases(account_id={doc.get('account_id')!r})."
        )
    try:
        unknown = sorted(set(doc) - _MEMBERS)
        missing = sorted(_REQUIRED - set(doc))
        if unknown or missing:
            raise LoadError(
                f"a document with unknown members {unknown} or missing members {missing}"
            )
        try:
            seq = primitive(int)(doc["seq"])
        except LoadError as error:
            raise error.at("seq") from None
        saved = doc.get("random")
        random_state = None if saved is None else _load_random(saved)
        with paused_gc():
            prepared = _PREPARED.get(id(doc)) if isinstance(doc, StateDocument) else None
            if prepared is not None and prepared[1] == store.settings:
                # made by snapshot() or a restore: checked against these same quotas
                regions: Regions = pickle.loads(prepared[0])
            else:
                try:
                    regions = _load_regions(doc["regions"])
                    checks.check(regions, store.settings, account_id, seq)
                except LoadError as error:
                    if error.path[:1] != ["seq"]:
                        error.at("regions")
                    raise
                if isinstance(doc, StateDocument):
                    _prepare(doc, regions, store.settings)
    except LoadError as error:
        where = ".".join(error.path)
        place = f" at {where}" if where else ""
        raise SnapshotFormatError(
            f"The casemock state document is damaged{place}: {error.message}. "
            "The mock's state was not changed."
        ) from None
    except RecursionError:
        raise SnapshotFormatError(
            "The casemock state document is nested too deeply to be a state document. "
            "The mock's state was not changed."
        ) from None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        # A damage the checks above do not describe yet: still refused, never loaded.
        raise SnapshotFormatError(
            f"The casemock state document is damaged ({error!r}); the mock's state was not changed."
        ) from None
    return regions, seq, random_state


def apply(store: Store, doc: Mapping[str, Any]) -> None:
    """Replace the state of ``store`` with the one ``doc`` describes, all or nothing."""
    regions, seq, random_state = build(store, doc)
    try:
        external = ExternalResources.load(doc.get("external") or {})
    except ValueError as error:
        raise SnapshotFormatError(
            f"The casemock state document is damaged ({error}); the mock's state was not changed."
        ) from None
    store.replace(regions, seq=seq, random_state=random_state, external=external)


_GZIP_MAGIC = b"\x1f\x8b"


def read(source: StateSource, *, keep: bool = False) -> Mapping[str, Any]:
    """A state document, or the one stored in a file (gzip-compressed or not, whatever
    its name); with ``keep``, a document read from a file is a StateDocument that restores
    fast the next times. A file that cannot be opened raises its ``OSError``
    (``FileNotFoundError``...); one that does not hold a document, SnapshotFormatError."""
    if isinstance(source, Mapping):
        return source
    if not isinstance(source, (str, os.PathLike)):
        raise SnapshotFormatError(
            f"A state is a document from snapshot() (a mapping) or the path of a file "
            f"written by save(), not {type(source).__name__} {str(source)[:60]!r}; "
            f"see {DOCS}/snapshots.md."
        )
    if isinstance(source, str) and source.lstrip().startswith("{"):
        raise SnapshotFormatError(
            "This str is JSON text, not the path of a state file: pass json.loads(text) "
            f"(or save it to a file first); see {DOCS}/snapshots.md."
        )
    path = Path(source)
    data = path.read_bytes()
    try:
        if data[:2] == _GZIP_MAGIC:
            import gzip
            import zlib

            try:
                data = gzip.decompress(data)
            except (OSError, EOFError, zlib.error) as error:
                why = f"its gzip data is damaged or truncated ({error})"
                raise _unreadable(path, why) from None
        import orjson

        try:
            with paused_gc():
                doc = orjson.loads(data)
        except orjson.JSONDecodeError as error:
            raise _unreadable(path, f"it is not UTF-8 JSON ({error})") from None
    except RecursionError:
        raise _unreadable(path, "its JSON is nested too deeply") from None
    check_header(doc)
    return StateDocument(doc) if keep else typing.cast(Mapping[str, Any], doc)


def _unreadable(path: Path, why: str) -> SnapshotFormatError:
    return SnapshotFormatError(
        f"The file {str(path)!r} does not hold a casemock state document: {why}. "
        f"Write one with CasesMock.save(); see {DOCS}/snapshots.md."
    )


def stray_temporaries(path: str | Path) -> list[Path]:
    """The temporary files ``write`` left next to ``path`` when its process died mid-save
    (``.<name>.<pid>.<8 hex digits>.tmp`` of a process that no longer runs)."""
    target = Path(path)
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(\d+)\.[0-9a-f]{{8}}\.tmp")
    strays = []
    for candidate in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        found = pattern.fullmatch(candidate.name)
        if found is not None and not _running(int(found.group(1))):
            strays.append(candidate)
    return strays


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or a platform without signal 0
        return True
    return True


def write(doc: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write ``doc`` as JSON to ``path`` (gzip-compressed if it ends in ``.gz``),
    atomically: the document goes to a new file in the same directory, which is flushed
    to disk and then renamed over ``path``. If anything fails (an unserialisable value, a
    full disk, the process being killed), ``path`` still holds what it held before."""
    import orjson

    target = Path(path)
    data = orjson.dumps(doc)  # fails before any file is touched
    if target.suffix == ".gz":
        import gzip

        data = gzip.compress(data, compresslevel=6, mtime=0)
    directory = target.parent
    temporary = (
        directory / f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    )  # stray_temporaries
    # 0o666 less the umask, as open() would create the file; an existing file keeps its mode.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            mode = target.stat().st_mode
        except FileNotFoundError:
            pass
        else:
            os.chmod(temporary, mode & 0o7777)
        with os.fdopen(descriptor, "wb") as stream:
            descriptor = -1
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        if descriptor >= 0:
            os.close(descriptor)
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    """Make the rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
