"""The aiobotocore patch set: aiobotocore (and so aioboto3) clients, answered in-process
like botocore's.

aiobotocore subclasses botocore's endpoint, signer and session with ``async`` versions of
the methods casemock patches for botocore (``AioEndpoint._send_request``,
``AioRequestSigner.get_auth_instance``, ``AioSession.create_client``), and its event
emitter awaits handlers. This module mirrors the botocore patch set for those classes,
with the same ``ClassPatches`` machinery:

* the first connectcases call of an ``AioEndpoint`` registers an ``async`` before-send
  handler first on its emitter; it runs the same pipeline and returns an
  ``AioAWSResponse`` whose body is read with ``await``, so aiobotocore's own parser,
  retry handler (``asyncio.sleep`` between attempts) and exceptions run unchanged;
  injected latency is awaited (``asyncio.sleep``), never blocking the event loop;
* connectcases clients without credentials sign with placeholder credentials, and
  clients created without any region get the mock's region.

The patch set is registered when aiobotocore is installed, and applied on the first
``start()`` only if aiobotocore is already imported; otherwise an import hook applies it
when aiobotocore is imported while a mock is active. Nothing of aiobotocore is imported
by ``import casemock``.
"""

from __future__ import annotations

import importlib.util
import io
import sys
from typing import Any

from casemock import _faults
from casemock._intercept import active
from casemock._intercept.botocore import (
    PLACEHOLDER_CREDENTIALS,
    ClassPatches,
    create_client,
    placeholder_credentials_for,
)

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
    claimed = active.claimed.get()
    if claimed is None:  # a call that started before any mock was active
        return None
    mock = active.answering(claimed)
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


def _get_auth_instance(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    if placeholder_credentials_for(instance, kwargs):
        from aiobotocore.credentials import AioCredentials

        credentials = AioCredentials(
            PLACEHOLDER_CREDENTIALS.access_key, PLACEHOLDER_CREDENTIALS.secret_key
        )
        kwargs = dict(kwargs, request_credentials=credentials)
    return wrapped(*args, **kwargs)


def _claiming(patches: ClassPatches) -> Any:
    """AioEndpoint._send_request (a coroutine): claim a connectcases call for the
    innermost mock, for all its attempts, as ``ClassPatches.send_request`` does."""

    async def send_request(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        mock = patches.claim(instance, args, kwargs)
        if mock is None:
            return await wrapped(*args, **kwargs)
        token = active.claimed.set(mock)
        try:
            return await wrapped(*args, **kwargs)
        finally:
            active.claimed.reset(token)
            patches.release()

    return send_request


class AioPatch:
    """The aiobotocore patch set (an ``active.PatchSet``)."""

    def __init__(self) -> None:
        self._wanted = False
        self._hooked = False
        self._patches = ClassPatches(_before_send, _HANDLER_ID)

    def install(self) -> None:
        with active.lock:
            self._wanted = True
            if _MODULE in sys.modules:
                self._apply()
            elif not self._hooked:
                import wrapt

                self._hooked = True
                wrapt.register_post_import_hook(self._on_import, _MODULE)

    def uninstall(self) -> None:
        with active.lock:
            self._wanted = False
            self._patches.remove()

    def _on_import(self, module: Any) -> None:
        with active.lock:
            self._hooked = False
            if self._wanted:
                self._apply()

    def _apply(self) -> None:
        if self._patches.applied:
            return
        from aiobotocore.endpoint import AioEndpoint
        from aiobotocore.session import AioSession
        from aiobotocore.signers import AioRequestSigner

        self._patches.apply(
            [
                (AioEndpoint, "_send_request", _claiming(self._patches)),
                (AioRequestSigner, "get_auth_instance", _get_auth_instance),
                (AioSession, "create_client", create_client),
            ]
        )


def register_if_installed() -> None:
    """Register the aiobotocore patch set when aiobotocore is installed (not imported)."""
    if importlib.util.find_spec("aiobotocore") is not None:
        active.register(AioPatch())
