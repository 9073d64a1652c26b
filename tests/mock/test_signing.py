"""SigV4 without the HMAC (docs/performance.md): while a mock answers, a connectcases
request carries the Authorization header botocore would write, minus the real signature,
unless Settings.full_signing (or CASEMOCK_FULL_SIGNING=1) asks for it."""

from __future__ import annotations

import re
from typing import Any

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from casemock import Settings, mock_cases
from casemock._intercept.signing import sign_without_hmac

CREDENTIALS = Credentials("AKIDEXAMPLE", "secret", "session-token")
_AUTH = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<scope>\S+), SignedHeaders=(?P<signed>\S+), "
    r"Signature=(?P<signature>[0-9a-f]{64})"
)


def _request() -> AWSRequest:
    request = AWSRequest(
        method="POST",
        url="https://cases.eu-west-2.amazonaws.com/domains/d-1/cases",
        data=b'{"title": "x"}',
        headers={"Content-Type": "application/json", "User-Agent": "test"},
    )
    request.context["timestamp"] = "stale"
    return request


def test_the_header_is_botocores_but_for_the_signature() -> None:
    full, short = _request(), _request()
    SigV4Auth(CREDENTIALS, "cases", "eu-west-2").add_auth(full)
    sign_without_hmac(SigV4Auth(CREDENTIALS, "cases", "eu-west-2"), short)
    real, fake = (
        _AUTH.fullmatch(full.headers["Authorization"]),
        _AUTH.fullmatch(short.headers["Authorization"]),
    )
    assert real is not None and fake is not None
    assert fake["scope"] == real["scope"]
    assert fake["signed"] == real["signed"]
    assert fake["signature"] != real["signature"]
    assert re.fullmatch(r"\d{8}T\d{6}Z", short.headers["X-Amz-Date"])
    assert short.headers["X-Amz-Security-Token"] == "session-token"


def _signatures(settings: Settings | None = None) -> list[str]:
    seen: list[str] = []
    client = boto3.client(
        "connectcases",
        region_name="eu-west-2",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )

    def spy(wrapped: Any) -> Any:
        def signature(self: SigV4Auth, string_to_sign: str, request: Any) -> Any:
            seen.append("hmac")
            return wrapped(self, string_to_sign, request)

        return signature

    original = SigV4Auth.signature
    SigV4Auth.signature = spy(original)  # type: ignore[method-assign]
    try:
        with mock_cases(settings=settings) as mock:
            client.create_domain(name="signed")
        assert mock.calls[0].access_key_id == "AKIDEXAMPLE"
        assert mock.calls[0].region == "eu-west-2"
    finally:
        SigV4Auth.signature = original  # type: ignore[method-assign]
    return seen


def test_a_mock_skips_the_hmac_by_default() -> None:
    assert _signatures() == []


def test_full_signing_computes_the_hmac() -> None:
    assert _signatures(Settings(full_signing=True)) == ["hmac"]


def test_the_environment_turns_full_signing_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEMOCK_FULL_SIGNING", "1")
    assert _signatures() == ["hmac"]
