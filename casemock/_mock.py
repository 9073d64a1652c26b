"""CasesMock: decorator, context manager and start/stop handle, with its own state."""

from __future__ import annotations

import copy
import functools
import itertools
import os
import random
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from casemock._access import AccessPolicy, Scope
from casemock._decorate import decorate
from casemock._errors import CasesMockError, MockNotStartedError, ServiceError
from casemock._faults import UNSET, ErrorRule, Faults, LatencyRule, Unset
from casemock._intercept import aio as _aio
from casemock._intercept import botocore as _patch
from casemock._settings import Settings
from casemock.backend._context import Context
from casemock.backend._records import RegionState

if TYPE_CHECKING:
    from botocore.config import Config
    from types_boto3_connectcases import ConnectCasesClient as CasesClient

    from casemock._snapshots.document import StateSource
    from casemock.views._backend import BackendView
else:
    from botocore.client import BaseClient as CasesClient

_aio.register()  # aiobotocore clients too, when aiobotocore is installed

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
_SYSTEM_RANDOM = random.SystemRandom()  # unseeded mocks; one instance, not one per character

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """One connectcases call as casemock answered it."""

    operation: str
    params: dict[str, Any]
    response: dict[str, Any] | None
    error: ServiceError | None
    region: str | None = None
    access_key_id: str | None = None

    @property
    def error_code(self) -> str | None:
        return self.error.code if self.error is not None else None

    @property
    def ok(self) -> bool:
        """True when the call succeeded."""
        return self.error is None


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
    ) -> None:
        self.account_id = account_id
        self.region = region
        self.settings = settings or Settings()
        # strict: check every answer against the model's output shape. Off by default (it
        # costs time on large answers); CASEMOCK_STRICT=1 turns it on, as casemock's own
        # test suite does.
        self.strict = strict if strict is not None else os.environ.get("CASEMOCK_STRICT") == "1"
        self.seed = seed
        self.calls: list[Call] = []
        self.events: list[dict[str, Any]] = []
        self.faults = Faults(seed)
        self.access = AccessPolicy()
        self._states: dict[str, RegionState] = {}
        self._depth = 0
        self._lock = threading.RLock()
        self._seq = itertools.count(1)
        self._random = random.Random(seed)
        # A state document (or file) applied at every start(); see restore().
        self._initial_state = state
        if isinstance(state, Mapping):
            from casemock._snapshots.document import check_header

            check_header(state)

    def __repr__(self) -> str:
        state = "active" if self.active else "inactive"
        domains = sum(len(s.domains) for s in self._states.values())
        return (
            f"<CasesMock {state} account_id={self.account_id!r} region={self.region!r} "
            f"domains={domains} calls={len(self.calls)}>"
        )

    # -- activation ---------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self._depth > 0

    def start(self) -> CasesMock:
        """Activate the mock. Calls nest: each start() needs one stop()."""
        with self._lock:
            if self._depth == 0:
                self._reset()
                if self._initial_state is not None:
                    self._apply_initial_state()
                _patch.activate(self)
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
                _patch.deactivate(self)
                # Faults and access scopes set up during an activation end with it; those
                # set up before start() apply to the next activation.
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
        return decorate(self, target)

    # -- state ----------------------------------------------------------------------------

    def _reset(self) -> None:
        self._states = {}
        self.calls = []
        self.events = []
        self._seq = itertools.count(1)
        self._random = random.Random(self.seed)

    def _apply_initial_state(self) -> None:
        from casemock._snapshots import document as _snapshot

        assert self._initial_state is not None
        self._initial_state = _snapshot.read(self._initial_state, keep=True)  # a file: once
        _snapshot.apply(self, self._initial_state)

    def _copy_states(self) -> dict[str, RegionState]:
        with self._lock:
            return copy_states(self._states)

    def region_state(self, region: str) -> RegionState:
        state = self._states.get(region)
        if state is None:
            with self._lock:
                state = self._states.setdefault(region, RegionState(self.account_id, region))
        return state

    # -- runtime used by handlers ---------------------------------------------------------

    @property
    def runtime(self) -> CasesMock:
        return self

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def new_id(self) -> str:
        if self.seed is None:
            return str(uuid.uuid4())
        with self._lock:
            return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def next_seq(self) -> int:
        return next(self._seq)

    def random_choice(self, alphabet: str, length: int) -> str:
        if self.seed is None:
            return "".join(_SYSTEM_RANDOM.choices(alphabet, k=length))
        with self._lock:
            return "".join(self._random.choice(alphabet) for _ in range(length))

    def publish(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def access_scope(self, access_key_id: str) -> Scope | None:
        return self.access.scope(access_key_id)

    # -- test-author helpers --------------------------------------------------------------

    def backend(self, region: str | None = None, account_id: str | None = None) -> BackendView:
        """Typed, read-only views of what is stored for ``region`` (default: the mock's):
        domains with their fields, layouts, templates, case rules and cases, the case
        events and tags. See docs/inspection.md."""
        from casemock.views._backend import BackendView

        if account_id is not None and account_id != self.account_id:
            raise CasesMockError(
                f"This mock serves account {self.account_id!r} only, not {account_id!r}; "
                f"create a mock with mock_cases(account_id={account_id!r}) for that account."
            )
        return BackendView(self, region or self.region)

    def snapshot(self) -> dict[str, Any]:
        """The whole state (every region) as a JSON-serialisable, versioned document for
        :meth:`restore` or ``mock_cases(state=...)``. See docs/snapshots.md."""
        from casemock._snapshots import document as _snapshot

        return _snapshot.snapshot(self)

    def restore(self, state: StateSource) -> None:
        """Replace the state with a document from :meth:`snapshot` (or a file written by
        :meth:`save`): ids, ARNs, timestamps, audit history and tags come back exactly.
        The call log and recorded events start empty. A document that cannot be read
        raises SnapshotFormatError and leaves the state as it was."""
        from casemock._snapshots import document as _snapshot

        _snapshot.restore(self, _snapshot.read(state))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`snapshot` to a JSON file (gzip-compressed if it ends in ``.gz``)."""
        from casemock._snapshots import document as _snapshot

        _snapshot.write(self.snapshot(), path)

    def load(self, path: str | os.PathLike[str]) -> None:
        """:meth:`restore` the state saved in a file by :meth:`save`."""
        self.restore(path)

    def _repr_html_(self) -> str:
        from casemock.views import _html

        return _html.mock_html(self)

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
        placeholder = _patch._PLACEHOLDER_CREDENTIALS
        create, lock = _client_factory()
        with lock:  # botocore sessions are not thread-safe; their clients are
            client = create(
                "connectcases",
                region_name=region or self.region,
                aws_access_key_id=access_key_id or placeholder.access_key,
                aws_secret_access_key=placeholder.secret_key,
                config=config,
            )
        return cast(CasesClient, client)

    def calls_to(self, operation: str) -> list[Call]:
        """The recorded calls of one operation (e.g. ``"CreateCase"``), in order."""
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

    # -- hooks used by the transport ------------------------------------------------------

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

    def before_handle(
        self, operation: str, params: dict[str, Any], access_key_id: str | None
    ) -> None:
        if self.faults.rules:
            self.faults.check(operation)

    def record(
        self,
        operation: str,
        params: dict[str, Any],
        result: dict[str, Any] | None,
        error: ServiceError | None,
        context: Context | None,
    ) -> None:
        self.calls.append(
            Call(
                operation,
                params,
                result,
                error,
                context.region if context else None,
                context.access_key_id if context else None,
            )
        )


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


def copy_states(states: dict[str, RegionState]) -> dict[str, RegionState]:
    copies: dict[str, RegionState] = {}
    for region, state in states.items():
        copies[region] = RegionState(state.account_id, state.region, copy.deepcopy(state.domains))
    return copies


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
) -> CasesMock: ...


def mock_cases(func: Any = None, /, **options: Any) -> Any:
    """Mock Amazon Connect Cases: a decorator (bare or with options), a context manager,
    or a handle with start()/stop()."""
    if func is not None:
        return CasesMock(**options)(func)
    return CasesMock(**options)


__all__ = ["Call", "CasesClient", "CasesMock", "mock_cases"]
