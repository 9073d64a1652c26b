"""The one choke point: class-level patches on botocore, installed on the first start()
and removed on the last stop(), under a lock.

While at least one mock is active:

* every connectcases request, from any client of any session created at any time, is
  answered by the innermost active mock. casemock registers itself as the first
  ``before-send`` handler of the client's emitter on the client's first call, so its
  answer takes precedence over other responders (moto's catch-all included) while
  botocore's signing, hooks, retries and parser run unchanged;
* a connectcases client without credentials signs with placeholder credentials, and one
  created without any region gets the mock's default region.

Nothing else is touched, and with no mock active nothing of casemock runs.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any, Protocol

from botocore.credentials import Credentials
from botocore.endpoint import Endpoint
from botocore.session import Session
from botocore.signers import RequestSigner

from casemock._errors import MockNotStartedError

if TYPE_CHECKING:
    from casemock._mock import CasesMock

SERVICE_NAME = "connectcases"
SIGNING_NAME = "cases"
_HANDLER_ID = "casemock-answer"
_EVENT = f"before-send.{SERVICE_NAME}"
_PLACEHOLDER_CREDENTIALS = Credentials("AKIACASEMOCKEXAMPLE", "casemock-secret-key")

_lock = threading.RLock()
_active: list[CasesMock] = []
_emitters: weakref.WeakSet[Any] = weakref.WeakSet()
_originals: list[tuple[type, str, Any]] = []
# casemock's transport and wrapt are imported by the first start(), not by ``import
# casemock``: importing stays cheap for test suites that never activate a mock.
_answer: Any = None


def current() -> CasesMock | None:
    """The innermost active mock, which answers connectcases calls."""
    try:
        return _active[-1]
    except IndexError:
        return None


def _before_send(request: Any, **kwargs: Any) -> Any:
    mock = current()
    if mock is None:
        return None
    return _answer(mock, request)


def _do_get_response(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    operation_model = args[1] if len(args) > 1 else kwargs["operation_model"]
    if operation_model.service_model.service_name == SERVICE_NAME:
        emitter = instance._event_emitter
        if emitter not in _emitters:
            with _lock:
                if emitter not in _emitters:
                    emitter.register_first(_EVENT, _before_send, unique_id=_HANDLER_ID)
                    _emitters.add(emitter)
    return wrapped(*args, **kwargs)


def _get_auth_instance(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    if (
        instance._signing_name == SIGNING_NAME
        and instance._credentials is None
        and not kwargs.get("request_credentials")
        and current() is not None
    ):
        kwargs = dict(kwargs, request_credentials=_PLACEHOLDER_CREDENTIALS)
    return wrapped(*args, **kwargs)


def _create_client(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    service = args[0] if args else kwargs.get("service_name")
    mock = current()
    if service == SERVICE_NAME and mock is not None:
        region = args[1] if len(args) > 1 else kwargs.get("region_name")
        if region is None and instance.get_config_variable("region") is None:
            kwargs = dict(kwargs, region_name=mock.region)
            args = args[:1]
    return wrapped(*args, **kwargs)


_PATCHES: list[tuple[type, str, Any]] = [
    (Endpoint, "_do_get_response", _do_get_response),
    (RequestSigner, "get_auth_instance", _get_auth_instance),
    (Session, "create_client", _create_client),
]


def _install() -> None:
    global _answer
    import wrapt

    from casemock._dispatch import answer

    _answer = answer
    for owner, name, wrapper in _PATCHES:
        _originals.append((owner, name, owner.__dict__[name]))
        wrapt.wrap_function_wrapper(owner, name, wrapper)
    for extra in _extra_patches():
        extra.install()


def _uninstall() -> None:
    while _originals:
        owner, name, original = _originals.pop()
        setattr(owner, name, original)
    for extra in _extra_patches():
        extra.uninstall()
    for emitter in list(_emitters):
        emitter.unregister(_EVENT, unique_id=_HANDLER_ID)
    _emitters.clear()


class ExtraPatch(Protocol):
    """A patch installed and removed together with the botocore ones (e.g. aiobotocore)."""

    def install(self) -> None: ...

    def uninstall(self) -> None: ...


_extras: list[ExtraPatch] = []


def _extra_patches() -> list[ExtraPatch]:
    return _extras


def register_extra(patch: ExtraPatch) -> None:
    with _lock:
        _extras.append(patch)
        if _active:
            patch.install()


def activate(mock: CasesMock) -> None:
    with _lock:
        if not _active:
            _install()
        _active.append(mock)


def deactivate(mock: CasesMock) -> None:
    with _lock:
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
            _uninstall()


def is_patched() -> bool:
    return bool(_originals)
