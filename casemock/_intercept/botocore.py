"""The botocore patch set: class-level patches installed on the first start() and
removed on the last stop() (see ``active.py``).

While at least one mock is active:

* every connectcases request, from any client of any session created at any time, is
  answered by the innermost active mock. casemock registers itself as the first
  ``before-send`` handler of the client's emitter on the client's first call, so its
  answer takes precedence over other responders (moto's catch-all included) while
  botocore's signing, hooks, retries and parser run unchanged;
* a connectcases client without credentials signs with placeholder credentials, and one
  created without any region gets the mock's default region;
* a connectcases request is signed without the SigV4 HMAC unless
  ``Settings.full_signing`` asks for it (``signing.py``).

Nothing else is touched, and with no mock active nothing of casemock runs.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from botocore.auth import SigV4Auth
from botocore.credentials import Credentials
from botocore.endpoint import Endpoint
from botocore.session import Session
from botocore.signers import RequestSigner

from casemock._intercept import active, signing

SERVICE_NAME = "connectcases"
SIGNING_NAME = signing.SIGNING_NAME
EVENT = f"before-send.{SERVICE_NAME}"
PLACEHOLDER_CREDENTIALS = Credentials("AKIACASEMOCKEXAMPLE", "casemock-secret-key")
_HANDLER_ID = "casemock-answer"

Wrapper = Callable[[Any, Any, Any, Any], Any]


class ClassPatches:
    """wrapt wrappers on class attributes, plus before-send handlers registered on the
    emitters of the clients that called; both undone by ``remove``. Shared by the
    botocore and aiobotocore patch sets."""

    def __init__(self, handler: Callable[..., Any], handler_id: str) -> None:
        self._handler = handler
        self._handler_id = handler_id
        self._originals: list[tuple[type, str, Any]] = []
        self._emitters: weakref.WeakSet[Any] = weakref.WeakSet()

    @property
    def applied(self) -> bool:
        return bool(self._originals)

    def apply(self, patches: list[tuple[type, str, Wrapper]]) -> None:
        import wrapt  # here, not at import: ``import casemock`` stays cheap

        for owner, name, wrapper in patches:
            self._originals.append((owner, name, owner.__dict__[name]))
            wrapt.wrap_function_wrapper(owner, name, wrapper)

    def remove(self) -> None:
        while self._originals:
            owner, name, original = self._originals.pop()
            setattr(owner, name, original)
        for emitter in list(self._emitters):
            emitter.unregister(EVENT, unique_id=self._handler_id)
        self._emitters.clear()

    def do_get_response(self, wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        """Endpoint._do_get_response: on a connectcases client's first call, register the
        before-send handler first on its emitter."""
        operation_model = args[1] if len(args) > 1 else kwargs["operation_model"]
        if operation_model.service_model.service_name == SERVICE_NAME:
            emitter = instance._event_emitter
            if emitter not in self._emitters:
                with active.lock:
                    if emitter not in self._emitters:
                        emitter.register_first(EVENT, self._handler, unique_id=self._handler_id)
                        self._emitters.add(emitter)
        return wrapped(*args, **kwargs)


def placeholder_credentials_for(instance: Any, kwargs: dict[str, Any]) -> bool:
    """True when a request signer of connectcases has no credentials while a mock is
    active (so it should sign with placeholder credentials)."""
    return (
        instance._signing_name == SIGNING_NAME
        and instance._credentials is None
        and not kwargs.get("request_credentials")
        and active.current() is not None
    )


def create_client(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """Session.create_client: a connectcases client without any region gets the mock's."""
    service = args[0] if args else kwargs.get("service_name")
    mock = active.current()
    if service == SERVICE_NAME and mock is not None:
        region = args[1] if len(args) > 1 else kwargs.get("region_name")
        if region is None and instance.get_config_variable("region") is None:
            kwargs = dict(kwargs, region_name=mock.store.default_region)
            args = args[:1]
    return wrapped(*args, **kwargs)


def _get_auth_instance(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    if placeholder_credentials_for(instance, kwargs):
        kwargs = dict(kwargs, request_credentials=PLACEHOLDER_CREDENTIALS)
    return wrapped(*args, **kwargs)


# casemock's pipeline is imported by the first install, not by ``import casemock``.
_answer: Any = None


def _before_send(request: Any, **kwargs: Any) -> Any:
    mock = active.current()
    if mock is None:
        return None
    return _answer(mock, request)


class BotocorePatch:
    """The botocore patch set (an ``active.PatchSet``)."""

    def __init__(self) -> None:
        self._patches = ClassPatches(_before_send, _HANDLER_ID)

    def install(self) -> None:
        global _answer
        from casemock._dispatch import answer

        _answer = answer
        self._patches.apply(
            [
                (Endpoint, "_do_get_response", self._patches.do_get_response),
                (RequestSigner, "get_auth_instance", _get_auth_instance),
                (Session, "create_client", create_client),
                (SigV4Auth, "add_auth", signing.add_auth),
            ]
        )

    def uninstall(self) -> None:
        self._patches.remove()
