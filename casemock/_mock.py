"""CasesMock: the user's handle. Decorator, context manager and start/stop; every user
method delegates: the state lives in a ``Store`` (``m.store``), requests go through
``_dispatch``, activation through ``_intercept``.

Two things are counted apart: whether the state is *live* and whether botocore is
*patched*. ``open()`` / ``close()`` make the state live (the first ``open()`` starts from
empty state, or from ``state=``; the last ``close()`` drops faults and access scopes);
``start()`` / ``stop()`` open the state *and* patch botocore, so in-process clients are
answered. An HTTP server opens its mock without patching anything: a process can serve a
mock and still reach AWS with its own clients. ``restore()``, the seeding helpers and
fault injection need a live mock (``m.live``), not a patched one (``m.active``).
"""

from __future__ import annotations

import functools
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from casemock import _model
from casemock._access import AccessPolicy
from casemock._decorate import decorate
from casemock._errors import CasesMockError, MockNotStartedError
from casemock._faults import UNSET, ErrorRule, Faults, LatencyRule, Unset
from casemock._intercept import activate, deactivate
from casemock._intercept.botocore import PLACEHOLDER_CREDENTIALS
from casemock._intercept.signing import env_full_signing
from casemock._settings import Settings
from casemock.backend._store import Store

if TYPE_CHECKING:
    from botocore.config import Config
    from types_boto3_connectcases import ConnectCasesClient as CasesClient

    from casemock._dispatch import Call
    from casemock._snapshots.document import StateSource
    from casemock.views import BackendView
else:
    from botocore.client import BaseClient as CasesClient

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


_ACCOUNT = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _check_options(account_id: object, region: object, settings: object, seed: object) -> None:
    """CasesMockError for options no mock can run with (they would end up in every ARN)."""
    if not isinstance(account_id, str) or _ACCOUNT.fullmatch(account_id) is None:
        raise CasesMockError(
            f"account_id={account_id!r}: an AWS account id is a string of 12 digits, "
            "such as '123456789012'."
        )
    if not isinstance(region, str) or _REGION.fullmatch(region) is None:
        raise CasesMockError(
            f"region={region!r}: give a Region name such as 'us-east-1' (lower-case letters, "
            "digits and hyphens)."
        )
    if settings is not None and not isinstance(settings, Settings):
        raise CasesMockError(
            f"settings={settings!r}: give a casemock.Settings, such as Settings(domains=10)."
        )
    if seed is not None and (type(seed) is not int):
        raise CasesMockError(f"seed={seed!r}: give an int, or None for random ids.")


class CasesMock:
    """An in-memory Connect Cases. Use it as ``@mock_cases``, ``with mock_cases() as m``
    or ``m.start()`` / ``m.stop()``; every activation starts with empty state."""

    def __init__(
        self,
        *,
        account_id: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        settings: Settings | None = None,
        strict: bool | None = None,
        seed: int | None = None,
        state: StateSource | None = None,
        realism: str | None = None,
    ) -> None:
        # strict: check every answer against the model's output shape. Off by default (it
        # costs time on large answers); CASEMOCK_STRICT=1 turns it on, as casemock's own
        # test suite does.
        _check_options(account_id, region, settings, seed)
        self.strict = strict if strict is not None else os.environ.get("CASEMOCK_STRICT") == "1"
        self._calls: list[Call] = []
        self._calls_dropped = 0
        self.faults = Faults(seed)
        self.access = AccessPolicy()
        # realism: a preset of production behaviours (docs/realism.md), on top of settings.
        settings = (settings or Settings()).with_realism(realism)
        # Settings.full_signing or CASEMOCK_FULL_SIGNING: sign requests with the SigV4 HMAC
        # (read here, like CASEMOCK_STRICT, not on every call).
        self.full_signing = settings.full_signing or env_full_signing()
        self._store = Store(account_id, region, settings, seed)
        self._depth = 0  # start() calls not yet stopped: botocore is patched while > 0
        self._opened = 0  # open() calls not yet closed (start() opens): the state is live
        self._lock = threading.RLock()  # activation; the store has its own
        # A state document (or file) applied at every start(); see restore().
        self._initial_state = state
        if isinstance(state, Mapping):
            from casemock._snapshots.document import check_header

            check_header(state)

    @property
    def calls(self) -> list[Call]:
        """The call log of this activation, oldest first (docs/usage.md)."""
        return self._calls

    @calls.setter
    def calls(self, log: list[Call]) -> None:
        self._calls_dropped += len(self._calls)
        self._calls = log

    @property
    def calls_dropped(self) -> int:
        """How many calls earlier logs held (reset, restore, a new activation): the
        position of ``calls[i]`` among every call this mock logged is
        ``calls_dropped + i``, a cursor that survives a reset."""
        return self._calls_dropped

    def __repr__(self) -> str:
        state = "active" if self.active else "open" if self.live else "inactive"
        return (
            f"<CasesMock {state} account_id={self.account_id!r} region={self.region!r} "
            f"domains={self._store.domain_count()} calls={len(self.calls)}>"
        )

    # -- what the mock holds -------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The mock's state: regions, record counter, random source and case events.
        Tests read it through :meth:`backend`."""
        return self._store

    @property
    def account_id(self) -> str:
        return self._store.account_id

    @property
    def region(self) -> str:
        """The default region: for clients created without one, and for :meth:`backend`."""
        return self._store.default_region

    @property
    def settings(self) -> Settings:
        return self._store.settings

    @property
    def seed(self) -> int | None:
        return self._store.seed

    @property
    def events(self) -> list[dict[str, Any]]:
        """The EventBridge case events published during this activation, oldest first."""
        return self._store.events

    # -- activation ---------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """True between start() and stop(): botocore's connectcases calls are answered."""
        return self._depth > 0

    @property
    def live(self) -> bool:
        """True while the state is in use: started, or opened (by an HTTP server)."""
        return self._opened > 0

    def open(self) -> CasesMock:
        """Make the state live without patching botocore (what an HTTP server does with
        its mock). The first open() starts from empty state (or ``state=``); calls nest,
        and start() opens too: each open() needs one close()."""
        with self._lock:
            if self._opened == 0:
                self._store.reset()
                self.calls = []
                if self._initial_state is not None:
                    self._apply_initial_state()
            self._opened += 1
        return self

    def close(self) -> None:
        """End an open(); after the last one, faults and access scopes set up while the
        state was live are dropped (those set up before apply to the next opening)."""
        with self._lock:
            if self._opened == 0:
                raise MockNotStartedError(
                    "close() was called on a CasesMock that is not open; call open() first."
                )
            self._opened -= 1
            if self._opened == 0:
                self.faults.clear()
                self.access.clear()

    def start(self) -> CasesMock:
        """Activate the mock: open its state and patch botocore. Calls nest: each start()
        needs one stop()."""
        with self._lock:
            self.open()
            if self._depth == 0:
                try:
                    activate(self)
                except BaseException:
                    self.close()
                    raise
            self._depth += 1
        return self

    def stop(self) -> None:
        """Deactivate the mock (after the last of nested start() calls)."""
        with self._lock:
            if self._depth == 0:
                raise MockNotStartedError(
                    "stop() was called on a CasesMock that is not started; call start() "
                    "first, or use `with mock_cases():`, which pairs them for you."
                )
            self._depth -= 1
            if self._depth == 0:
                deactivate(self)
            self.close()

    def reset(self) -> None:
        """Back to empty: no state, an empty call log and event list, no faults and no
        access scopes; the mock stays started (or open)."""
        with self._lock:
            self._store.reset()
            self.calls = []
            self.faults.clear()
            self.access.clear()

    def __enter__(self) -> CasesMock:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @overload
    def __call__(self, target: type[T]) -> type[T]: ...

    @overload
    def __call__(self, target: F) -> F: ...

    def __call__(self, target: Any) -> Any:
        # A mock only the decorator holds (``@mock_cases``, ``@mock_cases(...)``) drops
        # its state when the decorated call returns; see _temporary().
        references = sys.getrefcount(self) if _COUNTS_REFERENCES else 0
        return decorate(self, target, release=_temporary(references))

    def _stop_and_release(self) -> None:
        """stop(); if that was the last activation, drop the state (the cases, call log
        and events) at once, under the activation lock so no new start() interleaves."""
        with self._lock:
            self.stop()
            if self._depth == 0:
                self._store.reset()
                self.calls = []

    def _apply_initial_state(self) -> None:
        from casemock._snapshots import document

        assert self._initial_state is not None
        self._initial_state = document.read(self._initial_state, keep=True)  # a file: once
        document.apply(self._store, self._initial_state)

    # -- test-author helpers --------------------------------------------------------------

    def backend(self, region: str | None = None, account_id: str | None = None) -> BackendView:
        """Typed, read-only views of what is stored for ``region`` (default: the mock's):
        domains with their fields, layouts, templates, case rules and cases, the case
        events and tags. See docs/inspection.md."""
        from casemock.views import BackendView

        if account_id is not None and account_id != self.account_id:
            raise CasesMockError(
                f"This mock serves account {self.account_id!r} only, not {account_id!r}; "
                f"create a mock with mock_cases(account_id={account_id!r}) for that account."
            )
        return BackendView(self._store, region or self.region)

    def snapshot(self) -> dict[str, Any]:
        """The whole state (every region) as a JSON-serialisable, versioned document for
        :meth:`restore` or ``mock_cases(state=...)``. See docs/snapshots.md."""
        from casemock._snapshots import document

        return document.snapshot(self._store)

    def restore(self, state: StateSource) -> None:
        """Replace the state with a document from :meth:`snapshot` (or a file written by
        :meth:`save`): ids, ARNs, timestamps, audit history and tags come back exactly.
        The call log and recorded events start empty. A document that cannot be read
        raises SnapshotFormatError and leaves the state as it was."""
        from casemock._snapshots import document

        doc = document.read(state)  # before the activation check: a missing file says so
        if not self.live:
            raise CasesMockError(
                "restore() needs an active mock (started, or served over HTTP): start() "
                "begins with empty state and would discard it. Call it inside `with "
                "mock_cases() as m:`, or pass the document as mock_cases(state=doc) to have "
                "it applied at every start."
            )
        document.apply(self._store, doc)
        self.calls = []

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`snapshot` to a JSON file (gzip-compressed if it ends in ``.gz``)."""
        from casemock._snapshots import document

        document.write(self.snapshot(), path)

    def load(self, path: str | os.PathLike[str]) -> None:
        """:meth:`restore` the state saved in a file by :meth:`save`."""
        self.restore(path)

    def _repr_html_(self) -> str:
        from casemock.views import _html

        head = _html.mock_head(self.active, len(self.calls), len(self.events))
        return head + _html.backend_html(self.backend())

    def client(
        self,
        *,
        access_key_id: str | None = None,
        region: str | None = None,
        config: Config | None = None,
    ) -> CasesClient:
        """A boto3 connectcases client for this mock: its region (unless ``region``) and
        placeholder credentials, signed with ``access_key_id`` when given (the caller
        identity used by :meth:`restrict_access`)."""
        create, lock = _client_factory()
        with lock:  # botocore sessions are not thread-safe; their clients are
            client = create(
                "connectcases",
                region_name=region or self.region,
                aws_access_key_id=access_key_id or PLACEHOLDER_CREDENTIALS.access_key,
                aws_secret_access_key=PLACEHOLDER_CREDENTIALS.secret_key,
                config=config,
            )
        return cast(CasesClient, client)

    def calls_to(self, operation: str) -> list[Call]:
        """The recorded calls of one operation (e.g. ``"CreateCase"``), in order; a name
        that is no operation of the model (a typo would always find none) is an error."""
        if not _model.has_operation(operation):
            raise CasesMockError(
                f"{operation!r} is not an operation of the installed connectcases model; "
                "use the PascalCase operation name, e.g. 'CreateCase'."
            )
        return [call for call in self.calls if call.operation == operation]

    def restrict_access(
        self, access_key_id: str, *, tags: Mapping[str, str | Iterable[str]]
    ) -> None:
        """Simulate tag-based access control: the caller signing with ``access_key_id``
        may only access cases whose tags match ``tags`` (every key, any listed value).
        Others get AccessDeniedException; SearchCases leaves those cases out."""
        self.access.restrict(access_key_id, tags)

    def allow_all_access(self, access_key_id: str) -> None:
        """Lift a scope set with :meth:`restrict_access`."""
        self.access.allow_all(access_key_id)

    # -- realism: what lives outside Cases, and what the service does later -------------

    def add_contact(
        self, arn: str, *, channel: str = "VOICE", connected_at: datetime | None = None
    ) -> None:
        """Register an Amazon Connect contact: Contact related items for it get this
        ``channel`` and ``connectedToSystemTime`` (default: now on the mock's clock). With
        ``Settings.resolve_external_resources`` only registered contacts can be related.
        Part of the mock's state: needs an active mock. See docs/realism.md."""
        self._require_active("add_contact()")
        moment = connected_at if connected_at is not None else self._store.now()
        self._store.external.add_contact(arn, channel, moment)

    def add_user(self, arn: str) -> None:
        """Register an Amazon Connect user ARN (``performedBy.userArn``, User field values)
        for ``Settings.resolve_external_resources``."""
        self._require_active("add_user()")
        self._store.external.add("user", arn)

    def add_file(self, arn: str) -> None:
        """Register an Amazon Connect attached-file ARN (File related items) for
        ``Settings.resolve_external_resources``."""
        self._require_active("add_file()")
        self._store.external.add("file", arn)

    def add_customer_profile(self, arn: str) -> None:
        """Register a Customer Profiles profile ARN (``customer_id`` values) for
        ``Settings.resolve_external_resources``."""
        self._require_active("add_customer_profile()")
        self._store.external.add("customer_profile", arn)

    def settle(self) -> None:
        """Let what the realism switches hold back happen now: running merges complete
        and every write becomes visible to the searches. See docs/realism.md."""
        from casemock.backend.settle import settle

        settle(self._store)

    def _require_active(self, what: str) -> None:
        if not self.live:
            raise MockNotStartedError(
                f"{what} needs an active mock (started, or served over HTTP): start() begins "
                "with empty state and would discard it. Call it inside `with mock_cases() "
                "as m:` (or after m.start(), or on a server's mock)."
            )

    # -- injected faults ------------------------------------------------------------------

    def add_error(
        self,
        operation: str | None,
        error_code: str,
        *,
        times: int | Unset | None = UNSET,
        every: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        message: str | None = None,
        members: Mapping[str, Any] | None = None,
    ) -> ErrorRule:
        """Answer calls of ``operation`` (None: any) with the modeled ``error_code``: the
        next ``times`` calls (default 1), every ``every``-th call, or each call with
        ``probability`` (seeded by ``seed``, else by the mock's seed). ``times=None``
        means no limit; with ``every``/``probability`` that is the default."""
        return self.faults.add_error(
            operation,
            error_code,
            times=times,
            every=every,
            probability=probability,
            seed=seed,
            message=message,
            members=members,
        )

    def add_latency(
        self,
        operation: str | None,
        seconds: float,
        *,
        times: int | Unset | None = UNSET,
        every: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
    ) -> LatencyRule:
        """Delay calls of ``operation`` (None: any) by ``seconds`` (all of them unless
        ``times``, ``every`` or ``probability`` say otherwise)."""
        return self.faults.add_latency(
            operation, seconds, times=times, every=every, probability=probability, seed=seed
        )


_COUNTS_REFERENCES = hasattr(sys, "getrefcount")


class _Probe:
    """Measures, in a frame like ``CasesMock.__call__``'s, how many references a
    decorator expression's temporary object has (the interpreter decides, not us)."""

    def __call__(self, target: object) -> int:
        return sys.getrefcount(self) if _COUNTS_REFERENCES else 0


@functools.cache
def _temporary_references() -> int | None:
    """References ``__call__`` sees on a mock no one else holds (``mock_cases(...)(f)``,
    ``@mock_cases(...)``), or None if this interpreter does not tell it apart from a
    mock held by a name (``m = mock_cases(); m(f)``): then every mock keeps its state."""
    temporary = _Probe()(None)
    held = _Probe()
    named = held(None)
    return temporary if named == temporary + 1 else None


def _temporary(references: int) -> bool:
    """Whether the mock being used as a decorator is held by nothing but the decorator:
    no one can read its state after the call, so the decorator releases it."""
    baseline = _temporary_references()
    return baseline is not None and references <= baseline


@functools.lru_cache(maxsize=1)
def _client_factory() -> tuple[Callable[..., Any], threading.Lock]:
    """One session for the clients made by CasesMock.client(): creating a session loads
    botocore's data files (~100 ms), a client from a warm session takes a few ms."""
    try:
        import boto3
    except ImportError:  # boto3 is optional: a botocore client is the same client
        import botocore.session

        return botocore.session.get_session().create_client, threading.Lock()
    return boto3.session.Session().client, threading.Lock()


@overload
def mock_cases(func: F, /) -> F: ...


@overload
def mock_cases(
    *,
    account_id: str = ...,
    region: str = ...,
    settings: Settings | None = ...,
    strict: bool | None = ...,
    seed: int | None = ...,
    state: StateSource | None = ...,
    realism: str | None = ...,
) -> CasesMock: ...


def mock_cases(func: Any = None, /, **options: Any) -> Any:
    """Mock Amazon Connect Cases: a decorator (bare or with options), a context manager,
    or a handle with start()/stop()."""
    if func is not None:
        return CasesMock(**options)(func)
    return CasesMock(**options)


__all__ = ["CasesClient", "CasesMock", "mock_cases"]
