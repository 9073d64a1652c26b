"""The stack of active mocks and the patch sets that route connectcases calls to them.

Patch sets (botocore's, and aiobotocore's when it is installed) are installed together
on the first ``activate`` and removed together on the last ``deactivate``, under one
lock. The innermost active mock answers.
"""

from __future__ import annotations

import contextvars
import threading
import warnings
from typing import TYPE_CHECKING, Protocol

from casemock._errors import CasesMockError, CasesMockWarning, MockNotStartedError

if TYPE_CHECKING:
    from casemock._dispatch import Target


class PatchSet(Protocol):
    """Patches installed while any mock is active."""

    def install(self) -> None: ...

    def uninstall(self) -> None: ...


lock = threading.RLock()
_active: list[Target] = []
_threads: list[int] = []  # the thread that activated each entry of _active
# The mock that answers the connectcases call running in this context (thread or task):
# decided once, when the call starts (see ``botocore.ClassPatches``).
claimed: contextvars.ContextVar[Target | None] = contextvars.ContextVar(
    "casemock_claimed", default=None
)
_patch_sets: list[PatchSet] = []
_installed = False


def current() -> Target | None:
    """The innermost active mock, which answers connectcases calls."""
    try:
        return _active[-1]
    except IndexError:
        return None


def is_active(mock: Target) -> bool:
    return any(entry is mock for entry in _active)


def answering(mock: Target) -> Target:
    """``mock``, which claimed the call in flight, if it is still active; otherwise a
    CasesMockError: the call must not go on to the real endpoint."""
    if not is_active(mock):
        raise CasesMockError(
            "The casemock mock that this connectcases call started under was stopped while "
            "the call was in flight, so casemock refuses to answer it and does not let it "
            "reach the real AWS endpoint. Stop the mock only after the calls made under it "
            "have returned (join the threads or tasks that make them first)."
        )
    return mock


def register(patch_set: PatchSet) -> None:
    """Add a patch set; installed at once when a mock is already active."""
    with lock:
        _patch_sets.append(patch_set)
        if _installed:
            patch_set.install()


def active_mocks() -> tuple[Target, ...]:
    """The active mocks, outermost first."""
    with lock:
        return tuple(_active)


def activate(mock: Target) -> None:
    """Push ``mock`` (its first start). Activation is process-wide: warns when ``mock``
    is started on one thread while another mock, started on another thread, is active,
    since from now on ``mock`` answers that thread's calls too."""
    global _installed
    thread = threading.get_ident()
    with lock:
        others = [
            m for m, t in zip(_active, _threads, strict=True) if t != thread and m is not mock
        ]
        if others:
            warnings.warn(
                f"casemock: {mock!r} was started on thread {threading.current_thread().name!r} "
                f"while {others[-1]!r} is active, started on another thread. Mocks are "
                "process-wide: the innermost active mock answers the connectcases calls of "
                "every thread, so the other thread's calls now reach this mock. Start one "
                "mock and share it between threads (see docs/usage.md, 'Threads').",
                CasesMockWarning,
                stacklevel=4,
            )
        if not _active:
            for patch_set in _patch_sets:
                patch_set.install()
            _installed = True
        _active.append(mock)
        _threads.append(thread)


def deactivate(mock: Target) -> None:
    global _installed
    with lock:
        for index in range(len(_active) - 1, -1, -1):
            if _active[index] is mock:
                del _active[index]
                del _threads[index]
                break
        else:
            raise MockNotStartedError(
                "stop() was called on a mock that is not active; call start() first "
                "(or use `with mock_cases():`, which pairs them for you)."
            )
        if not _active:
            for patch_set in reversed(_patch_sets):
                patch_set.uninstall()
            _installed = False


def is_patched() -> bool:
    return _installed
