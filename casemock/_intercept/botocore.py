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

from botocore import UNSIGNED
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
    botocore and aiobotocore patch sets.

    Each connectcases call is claimed once, when it starts (``Endpoint._send_request``,
    which spans every retry): the innermost active mock then answers every attempt of
    it, or, if that mock stopped meanwhile, the call fails with a CasesMockError. A
    claimed call never reaches the network: the before-send handlers stay registered
    until the last claimed call has finished, even when the last mock stops first.
    """

    def __init__(self, handler: Callable[..., Any], handler_id: str) -> None:
        self._handler = handler
        self._handler_id = handler_id
        self._originals: list[tuple[type, str, Any]] = []
        self._emitters: weakref.WeakSet[Any] = weakref.WeakSet()
        self._in_flight = 0  # claimed calls not yet finished (under active.lock)

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
        if not self._in_flight:
            self._release_emitters()

    def _release_emitters(self) -> None:
        for emitter in list(self._emitters):
            emitter.unregister(EVENT, unique_id=self._handler_id)
        self._emitters.clear()

    def claim(self, instance: Any, args: Any, kwargs: Any) -> Any:
        """At the start of a call (Endpoint._send_request): the mock that answers it if it
        is a connectcases call made while a mock is active (else None); registers the
        before-send handler first on the client's emitter on its first call."""
        operation_model = args[1] if len(args) > 1 else kwargs["operation_model"]
        if operation_model.service_model.service_name != SERVICE_NAME:
            return None
        with active.lock:
            mock = active.current()
            if mock is None:
                return None
            emitter = instance._event_emitter
            if emitter not in self._emitters:
                emitter.register_first(EVENT, self._handler, unique_id=self._handler_id)
                self._emitters.add(emitter)
            self._in_flight += 1
        return mock

    def release(self) -> None:
        """At the end of a claimed call."""
        with active.lock:
            self._in_flight -= 1
            if not self._in_flight and not self.applied:
                self._release_emitters()

    def send_request(self, wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
        """Endpoint._send_request: claim a connectcases call for the innermost mock."""
        mock = self.claim(instance, args, kwargs)
        if mock is None:
            return wrapped(*args, **kwargs)
        token = active.claimed.set(mock)
        try:
            return wrapped(*args, **kwargs)
        finally:
            active.claimed.reset(token)
            self.release()


def placeholder_credentials_for(instance: Any, kwargs: dict[str, Any]) -> bool:
    """True when a request signer of connectcases has no credentials while a mock is
    active (so it should sign with placeholder credentials)."""
    return (
        instance._signing_name == SIGNING_NAME
        and instance._credentials is None
        and not kwargs.get("request_credentials")
        and active.current() is not None
    )


# Session.create_client's parameters, in order (its positional arguments are bound to these).
_CREATE_CLIENT_PARAMETERS = (
    "service_name",
    "region_name",
    "api_version",
    "use_ssl",
    "verify",
    "endpoint_url",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "config",
    "aws_account_id",
)
# Where credentials of a session may come from without the network or a subprocess.
LOCAL_METHODS = frozenset(
    {
        "explicit",
        "env",
        "shared-credentials-file",
        "config-file",
        "ec2-credentials-file",
        "boto-config",
    }
)


def has_local_credentials(session: Any) -> bool:
    """Whether ``session`` holds credentials of its own that came from no network:
    set on it (``Session(aws_access_key_id=...)``, ``set_credentials``) or resolved
    earlier from the environment or files. The client then uses those."""
    known = getattr(session, "_credentials", None)
    return known is not None and getattr(known, "method", None) in LOCAL_METHODS | {None}


def local_credentials(session: Any) -> Credentials | None:
    """The credentials botocore would find for ``session`` without the network or a
    subprocess: the environment, the shared credentials file, the config file and the
    legacy boto files, in botocore's order. Never the container or instance metadata
    endpoints, STS (assume-role, web identity), SSO or ``credential_process``."""
    from botocore import credentials

    profile = session.get_config_variable("profile") or "default"
    providers: list[Any] = []
    if session.instance_variables().get("profile") is None:  # an explicit profile wins
        providers.append(credentials.EnvProvider())
    providers += [
        credentials.SharedCredentialProvider(
            profile_name=profile, creds_filename=session.get_config_variable("credentials_file")
        ),
        credentials.ConfigProvider(
            config_filename=session.get_config_variable("config_file"), profile_name=profile
        ),
        credentials.OriginalEC2Provider(),
        credentials.BotoProvider(),
    ]
    for provider in providers:
        found = provider.load()
        if found is not None:
            return found  # type: ignore[no-any-return]
    return None


def create_client(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    """Session.create_client, for connectcases while a mock is active: without any region,
    the mock's; without credentials in the arguments or the session, local ones
    (``local_credentials``) or else placeholder ones, so botocore never walks the rest of
    its credential chain (which probes the instance metadata service)."""
    service = args[0] if args else kwargs.get("service_name")
    mock = active.current()
    if service != SERVICE_NAME or mock is None:
        return wrapped(*args, **kwargs)
    bound = dict(zip(_CREATE_CLIENT_PARAMETERS, args, strict=False))
    bound.update(kwargs)
    if bound.get("region_name") is None and instance.get_config_variable("region") is None:
        bound["region_name"] = mock.store.default_region
    config = bound.get("config")
    unsigned = config is not None and config.signature_version is UNSIGNED
    given = bound.get("aws_access_key_id") is not None or bound.get("aws_secret_access_key")
    if not given and not unsigned and not has_local_credentials(instance):
        # botocore's (synchronous) Credentials, also for an aiobotocore session
        found = local_credentials(instance) or PLACEHOLDER_CREDENTIALS
        frozen = found.get_frozen_credentials()
        bound["aws_access_key_id"] = frozen.access_key
        bound["aws_secret_access_key"] = frozen.secret_key
        bound["aws_session_token"] = frozen.token
    return wrapped(**bound)


def _get_auth_instance(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    if placeholder_credentials_for(instance, kwargs):
        kwargs = dict(kwargs, request_credentials=PLACEHOLDER_CREDENTIALS)
    return wrapped(*args, **kwargs)


# casemock's pipeline is imported by the first install, not by ``import casemock``.
_answer: Any = None


def _before_send(request: Any, **kwargs: Any) -> Any:
    mock = active.claimed.get()
    if mock is None:  # a call that started before any mock was active
        return None
    return _answer(active.answering(mock), request)


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
                (Endpoint, "_send_request", self._patches.send_request),
                (RequestSigner, "get_auth_instance", _get_auth_instance),
                (Session, "create_client", create_client),
                (SigV4Auth, "add_auth", signing.add_auth),
            ]
        )

    def uninstall(self) -> None:
        self._patches.remove()
