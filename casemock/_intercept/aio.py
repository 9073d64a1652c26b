"""aiobotocore (and so aioboto3) clients, answered in-process like botocore's.

aiobotocore subclasses botocore's endpoint, signer and session with ``async`` versions of
the methods casemock patches for botocore (``AioEndpoint._do_get_response``,
``AioRequestSigner.get_auth_instance``, ``AioSession.create_client``), and its event
emitter awaits handlers. This module mirrors the botocore patches for those classes:

* the first connectcases call of an ``AioEndpoint`` registers an ``async`` before-send
  handler first on its emitter; it runs the same transport and returns an
  ``AioAWSResponse`` whose body is read with ``await``, so aiobotocore's own parser,
  retry handler (``asyncio.sleep`` between attempts) and exceptions run unchanged;
  injected latency is awaited (``asyncio.sleep``), never blocking the event loop;
* connectcases clients without credentials sign with placeholder credentials, and
  clients created without any region get the mock's region.

The patch is registered with :func:`casemock._intercept.botocore.register_extra` when aiobotocore is
installed, and applied on the first ``start()`` only if aiobotocore is already imported;
otherwise an import hook applies it when aiobotocore is imported while a mock is active.
Nothing of aiobotocore is imported by ``import casemock``.
"""

from __future__ import annotations

import importlib.util
import io
import sys
import weakref
from typing import Any

from casemock import _faults
from casemock._intercept import botocore as _patch

_MODULE = "aiobotocore.session"
_HANDLER_ID = "casemock-answer-aio"


class _AsyncRaw:
    """The raw body of an answer: what aiobotocore reads with ``await raw.read()``."""

    def __init__(self, payload: bytes) -> None:
        self._body = io.BytesIO(payload)

    async def read(self, amt: int | None = None) -> bytes:
        return self._body.read(amt)

    def at_eof(self) -> bool:
        return self._body.tell() == len(self._body.getbuffer())

    def release(self) -> None:
        """aiohttp responses are released after reading; nothing to release here."""

    def close(self) -> None:
        self._body.close()


async def _before_send(request: Any, **kwargs: Any) -> Any:
    mock = _patch.current()
    if mock is None:
        return None
    from aiobotocore.awsrequest import AioAWSResponse
    from botocore.compat import HTTPHeaders

    from casemock._dispatch import handle, request_bytes

    data = request_bytes(request)
    delays: list[float] = []
    token = _faults.deferred_latency.set(delays)
    try:
        status, headers, payload = handle(mock, request.method, request.url, request.headers, data)
    finally:
        _faults.deferred_latency.reset(token)
    if delays:
        import asyncio  # here, not at import: ``import casemock`` stays cheap

        await asyncio.sleep(sum(delays))
    http_headers = HTTPHeaders()
    for key, value in headers.items():
        http_headers[key] = value
    return AioAWSResponse(request.url, status, http_headers, _AsyncRaw(payload))


class AioPatch:
    """The aiobotocore counterpart of the botocore patches (an ``ExtraPatch``)."""

    def __init__(self) -> None:
        self._wanted = False
        self._hooked = False
        self._originals: list[tuple[type, str, Any]] = []
        self._emitters: weakref.WeakSet[Any] = weakref.WeakSet()

    def install(self) -> None:
        with _patch._lock:
            self._wanted = True
            if _MODULE in sys.modules:
                self._apply()
            elif not self._hooked:
                import wrapt

                self._hooked = True
                wrapt.register_post_import_hook(self._on_import, _MODULE)

    def uninstall(self) -> None:
        with _patch._lock:
            self._wanted = False
            while self._originals:
                owner, name, original = self._originals.pop()
                setattr(owner, name, original)
            for emitter in list(self._emitters):
                emitter.unregister(_patch._EVENT, unique_id=_HANDLER_ID)
            self._emitters.clear()

    def _on_import(self, module: Any) -> None:
        with _patch._lock:
            self._hooked = False
            if self._wanted:
                self._apply()

    def _apply(self) -> None:
        if self._originals:
            return
        import wrapt
        from aiobotocore.endpoint import AioEndpoint
        from aiobotocore.session import AioSession
        from aiobotocore.signers import AioRequestSigner

        patches = [
            (AioEndpoint, "_do_get_response", self._do_get_response),
            (AioRequestSigner, "get_auth_instance", _get_auth_instance),
            (AioSession, "create_client", _patch._create_client),
        ]
        for owner, name, wrapper in patches:
            self._originals.append((owner, name, owner.__dict__[name]))
            wrapt.wrap_function_wrapper(owner, name, wrapper)

    def _do_get_response(self, wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        operation_model = args[1] if len(args) > 1 else kwargs["operation_model"]
        if operation_model.service_model.service_name == _patch.SERVICE_NAME:
            emitter = instance._event_emitter
            if emitter not in self._emitters:
                with _patch._lock:
                    if emitter not in self._emitters:
                        emitter.register_first(_patch._EVENT, _before_send, unique_id=_HANDLER_ID)
                        self._emitters.add(emitter)
        return wrapped(*args, **kwargs)


def _get_auth_instance(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    if (
        instance._signing_name == _patch.SIGNING_NAME
        and instance._credentials is None
        and not kwargs.get("request_credentials")
        and _patch.current() is not None
    ):
        from aiobotocore.credentials import AioCredentials

        placeholder = _patch._PLACEHOLDER_CREDENTIALS
        credentials = AioCredentials(placeholder.access_key, placeholder.secret_key)
        kwargs = dict(kwargs, request_credentials=credentials)
    return wrapped(*args, **kwargs)


def register() -> None:
    """Register the aiobotocore patch when aiobotocore is installed (not imported)."""
    if importlib.util.find_spec("aiobotocore") is not None:
        _patch.register_extra(AioPatch())
