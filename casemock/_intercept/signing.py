"""SigV4 without the HMAC, for connectcases requests answered by a mock.

botocore spends about a quarter of a call's work computing the SigV4 signature (a
canonical request, its hash and five HMACs). casemock never checks the signature: it
reads the caller's access key and Region from the ``Credential=`` scope of the
``Authorization`` header. So while a mock is active, and unless
``Settings.full_signing`` (or ``CASEMOCK_FULL_SIGNING=1``) asks for the real thing, a
connectcases request gets a well-formed header without the HMAC: the same credential
scope (access key, date, Region, service) and ``SignedHeaders`` botocore would write, and
a signature-shaped hex string. Every step before and around it still runs: botocore's
``before-sign`` and ``request-created`` events, the date headers, the session token
header; only ``SigV4Auth.add_auth`` of connectcases requests is shortened
(docs/performance.md).
"""

from __future__ import annotations

import os
from hashlib import sha256
from typing import Any

from botocore import auth
from botocore.exceptions import NoCredentialsError

from casemock._intercept import active

SIGNING_NAME = "cases"
_UNSIGNED = frozenset(auth.SIGNED_HEADERS_BLACKLIST)


def env_full_signing() -> bool:
    """``CASEMOCK_FULL_SIGNING=1`` (or true/yes): every request is signed in full."""
    return os.environ.get("CASEMOCK_FULL_SIGNING", "").strip().lower() in ("1", "true", "yes")


def add_auth(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """SigV4Auth.add_auth: without the HMAC for a connectcases request a mock answers."""
    if instance._service_name != SIGNING_NAME:
        return wrapped(*args, **kwargs)
    mock = active.current()
    if mock is None or mock.full_signing:  # decided when the mock was created
        return wrapped(*args, **kwargs)
    sign_without_hmac(instance, args[0] if args else kwargs["request"])
    return None


def sign_without_hmac(signer: Any, request: Any) -> None:
    """What ``SigV4Auth.add_auth`` does, minus the canonical request and the HMACs."""
    credentials = signer.credentials
    if credentials is None:
        raise NoCredentialsError()
    now = auth.get_current_datetime()  # type: ignore[attr-defined]  # as botocore reads it
    timestamp = now.strftime(auth.SIGV4_TIMESTAMP)
    request.context["timestamp"] = timestamp
    signer._modify_request_before_signing(request)  # date and token headers, as botocore
    names = {name.lower() for name in request.headers}
    names -= _UNSIGNED
    names.add("host")
    scope = (
        f"{credentials.access_key}/{timestamp[:8]}/{signer._region_name}/"
        f"{signer._service_name}/aws4_request"
    )
    # Signature-shaped: 64 hex digits (one hash of the scope, not the SigV4 HMAC chain).
    signature = sha256(scope.encode()).hexdigest()
    request.headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={scope}, "
        f"SignedHeaders={';'.join(sorted(names))}, Signature={signature}"
    )
