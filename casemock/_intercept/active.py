"""The stack of active mocks and the patch sets that route connectcases calls to them.

Patch sets (botocore's, and aiobotocore's when it is installed) are installed together
on the first ``activate`` and removed together on the last ``deactivate``, under one
lock. The innermost active mock answers.
"""

from __future__ import annotations

import contextvars
import threading
from typing import TYPE_CHECKING, Protocol

from casemock._errors import CasesMockError, MockNotStartedError

if TYPE_CHECKING:
    from casemock._dispatch import Target


class PatchSet(Protocol):
    """Patches installed while any mock is active."""

    def install(self) -> None: ...

    def uninstall(self) -> None: ...


lock = threading.RLock()
_active: list[Target] = []
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


def activate(mock: Target) -> None:
    global _installed
    with lock:
        if not _active:
            for patch_set in _patch_sets:
                patch_set.install()
            _installed = True
        _active.append(mock)


def deactivate(mock: Target) -> None:
    global _installed
    with lock:
        for index in range(len(_active) - 1, -1, -1):
            if _active[index] is mock:
                del _active[index]
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
