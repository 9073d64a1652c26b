"""Interception at the wire: which clients are answered, what is left alone, and that
botocore's own machinery (signing, hooks, retries, parsing) runs unchanged."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.config import Config
from botocore.endpoint import Endpoint
from botocore.exceptions import ClientError
from botocore.session import Session
from botocore.signers import RequestSigner

from casemock import CasesMock, _intercept, mock_cases

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

PATCHED = [
    (Endpoint, "_send_request"),
    (RequestSigner, "get_auth_instance"),
    (Session, "create_client"),
]
ORIGINALS = {(owner, name): owner.__dict__[name] for owner, name in PATCHED}


def make_client(region: str = "us-east-1", **kwargs: Any) -> ConnectCasesClient:
    client: ConnectCasesClient = boto3.client(
        "connectcases",
        region_name=region,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        **kwargs,
    )
    return client


def run_python(code: str, env: dict[str, str] | None = None) -> str:
    """Run ``code`` in a fresh interpreter; return its stdout, fail with its stderr."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class _Raw(io.BytesIO):
    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self.read()


def canned(body: bytes, status: int = 200) -> Any:
    """A before-send responder that answers every request with ``body``."""

    def respond(request: Any, **kwargs: Any) -> AWSResponse:
        return AWSResponse(request.url, status, HTTPHeaders(), _Raw(body))

    return respond


# -- nothing at import, nothing in os.environ ---------------------------------------------


def test_import_patches_nothing_and_writes_no_environment() -> None:
    out = run_python(
        """
        import os, sys
        from botocore.endpoint import Endpoint
        from botocore.session import Session
        from botocore.signers import RequestSigner
        owners = [(Endpoint, "_send_request"), (RequestSigner, "get_auth_instance"),
                  (Session, "create_client")]
        before = [owner.__dict__[name] for owner, name in owners]
        env = dict(os.environ)
        import casemock
        assert [owner.__dict__[name] for owner, name in owners] == before
        assert dict(os.environ) == env
        print("unpatched")
        """
    )
    assert out.strip() == "unpatched"


def test_activation_never_writes_os_environ() -> None:
    before = dict(os.environ)
    with mock_cases():
        assert dict(os.environ) == before
        make_client().create_domain(name="support")
        assert dict(os.environ) == before
    assert dict(os.environ) == before


def test_stop_restores_botocore_exactly() -> None:
    with mock_cases():
        assert Endpoint.__dict__["_send_request"] is not ORIGINALS[(Endpoint, "_send_request")]
        make_client().list_domains()
    for owner, name in PATCHED:
        assert owner.__dict__[name] is ORIGINALS[(owner, name)]


# -- which clients are answered ---------------------------------------------------------


def test_client_created_before_the_mock_is_answered() -> None:
    client = make_client("eu-west-1")
    with mock_cases():
        arn = client.create_domain(name="early")["domainArn"]
    assert arn.startswith("arn:aws:cases:eu-west-1:123456789012:domain/")


def test_client_created_before_import_casemock_is_answered() -> None:
    out = run_python(
        """
        import boto3
        client = boto3.client("connectcases", region_name="eu-west-1",
                              aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x")
        import casemock
        with casemock.mock_cases():
            print(client.create_domain(name="early")["domainArn"])
        """
    )
    assert out.startswith("arn:aws:cases:eu-west-1:123456789012:domain/")


def test_clients_of_other_sessions_are_answered() -> None:
    key, secret = "AKIDEXAMPLE", "secret"
    with mock_cases():
        clients: list[Any] = [
            boto3.session.Session().client(
                "connectcases",
                region_name="us-east-1",
                aws_access_key_id=key,
                aws_secret_access_key=secret,
            ),
            botocore.session.get_session().create_client(
                "connectcases",
                region_name="us-east-1",
                aws_access_key_id=key,
                aws_secret_access_key=secret,
            ),
            botocore.session.Session().create_client(
                "connectcases",
                region_name="us-east-1",
                aws_access_key_id=key,
                aws_secret_access_key=secret,
            ),
        ]
        clients[0].create_domain(name="boto3-session")
        clients[1].create_domain(name="botocore-default-session")
        names = [d["name"] for d in clients[2].list_domains()["domains"]]
    assert names == ["boto3-session", "botocore-default-session"]


def test_client_without_credentials_region_or_config_files(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "missing-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "missing-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
    }
    out = run_python(
        """
        import os
        import boto3
        import casemock
        assert not [k for k in os.environ if k.startswith("AWS_") and "FILE" not in k
                    and k != "AWS_EC2_METADATA_DISABLED"]
        assert boto3.session.Session().get_credentials() is None
        with casemock.mock_cases(region="ap-southeast-2"):
            client = boto3.client("connectcases")
            print(client.meta.region_name)
            print(client.create_domain(name="no-config")["domainArn"])
        """,
        env=env,
    )
    region, arn = out.split()
    assert region == "ap-southeast-2"
    assert arn.startswith("arn:aws:cases:ap-southeast-2:123456789012:domain/")


def test_region_comes_from_the_request_not_the_mock_default() -> None:
    with mock_cases(region="us-east-1") as mock:
        make_client("eu-central-1").create_domain(name="d")
    assert mock.calls[0].region == "eu-central-1"


# -- what is left alone ------------------------------------------------------------------


def test_other_services_keep_their_own_answers() -> None:
    sts = boto3.client(
        "sts", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
    )
    identity = (
        b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::999999999999:"
        b"user/canned</Arn><UserId>CANNED</UserId><Account>999999999999</Account>"
        b"</GetCallerIdentityResult></GetCallerIdentityResponse>"
    )
    sts.meta.events.register("before-send.sts", canned(identity))
    s3 = boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
    )
    buckets = (
        b"<ListAllMyBucketsResult><Buckets><Bucket><Name>canned-bucket</Name>"
        b"</Bucket></Buckets></ListAllMyBucketsResult>"
    )
    s3.meta.events.register("before-send.s3", canned(buckets))

    with mock_cases() as mock:
        assert sts.get_caller_identity()["Account"] == "999999999999"
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["canned-bucket"]
    assert mock.calls == []


def test_casemock_answers_before_other_responders_on_a_connectcases_client() -> None:
    client = make_client()
    client.meta.events.register("before-send.connectcases", canned(b'{"domains": []}'))
    with mock_cases():
        client.create_domain(name="real")
        assert [d["name"] for d in client.list_domains()["domains"]] == ["real"]
    # after the mock, the client's own responder answers again
    assert client.list_domains()["domains"] == []


def test_botocore_hooks_and_signing_run_unchanged() -> None:
    seen: list[str] = []
    client = make_client(region="eu-west-2")
    client.meta.events.register(
        "before-call.connectcases.CreateDomain", lambda **kw: seen.append("before-call")
    )
    client.meta.events.register(
        "before-sign.connectcases.CreateDomain", lambda **kw: seen.append("before-sign")
    )
    client.meta.events.register(
        "after-call.connectcases.CreateDomain",
        lambda http_response, **kw: seen.append(f"after-call {http_response.status_code}"),
    )
    with mock_cases() as mock:
        client.create_domain(name="hooked")
    assert seen == ["before-call", "before-sign", "after-call 200"]
    assert mock.calls[0].access_key_id == "AKIDEXAMPLE"  # read from the SigV4 signature
    assert mock.calls[0].region == "eu-west-2"


# -- retries -----------------------------------------------------------------------------


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's retry handler sleeps between attempts; record the delays instead."""
    delays: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", delays.append)
    return delays


def test_throttling_is_retried_per_the_client_config(no_backoff: list[float]) -> None:
    with mock_cases() as mock:
        client = make_client(config=Config(retries={"mode": "standard", "max_attempts": 3}))
        domain_id = client.create_domain(name="d")["domainId"]
        mock.add_error("GetDomain", "ThrottlingException", times=2)
        response = client.get_domain(domainId=domain_id)
    assert response["name"] == "d"
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert len(no_backoff) == 2
    assert [c.error_code for c in mock.calls_to("GetDomain")] == [
        "ThrottlingException",
        "ThrottlingException",
        None,
    ]


def test_throttling_beyond_the_retries_reaches_the_caller(no_backoff: list[float]) -> None:
    # botocore's ``max_attempts`` counts retries: one retry, and both attempts throttled.
    with mock_cases() as mock:
        client = make_client(config=Config(retries={"mode": "standard", "max_attempts": 1}))
        domain_id = client.create_domain(name="d")["domainId"]
        mock.add_error("GetDomain", "ThrottlingException", times=2)
        with pytest.raises(client.exceptions.ThrottlingException) as excinfo:
            client.get_domain(domainId=domain_id)
    response = excinfo.value.response
    assert response["Error"]["Code"] == "ThrottlingException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(mock.calls_to("GetDomain")) == 2
    assert len(no_backoff) == 1


def test_throttling_with_a_single_attempt_is_not_retried(no_backoff: list[float]) -> None:
    with mock_cases() as mock:
        config = Config(retries={"mode": "standard", "total_max_attempts": 1})
        client = make_client(config=config)
        domain_id = client.create_domain(name="d")["domainId"]
        mock.add_error("GetDomain", "ThrottlingException")
        with pytest.raises(ClientError) as excinfo:
            client.get_domain(domainId=domain_id)
        assert client.get_domain(domainId=domain_id)["name"] == "d"  # the rule was used up
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert no_backoff == []


# -- moto --------------------------------------------------------------------------------


def _connectcases_and_s3(mock: CasesMock) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="casemock-coexistence")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["casemock-coexistence"]
    client = boto3.client("connectcases", region_name="us-east-1")
    client.create_domain(name="with-moto")
    assert [d["name"] for d in client.list_domains()["domains"]] == ["with-moto"]
    assert [c.operation for c in mock.calls] == ["CreateDomain", "ListDomains"]


def test_moto_outside_casemock_inside() -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws(), mock_cases() as mock:
        _connectcases_and_s3(mock)


def test_casemock_outside_moto_inside() -> None:
    moto = pytest.importorskip("moto")
    with mock_cases() as mock, moto.mock_aws():
        _connectcases_and_s3(mock)


def test_unknown_route_is_an_error_not_a_silent_404() -> None:
    client = make_client()

    def misroute(request: Any, **kwargs: Any) -> None:
        request.url = request.url.replace("/domains-list", "/no-such-route")

    client.meta.events.register("before-sign.connectcases.ListDomains", misroute)
    with mock_cases(), pytest.raises(ClientError) as excinfo:
        client.list_domains()
    assert excinfo.value.response["Error"]["Code"] == "UnknownOperationException"
    assert "/no-such-route" in excinfo.value.response["Error"]["Message"]
    assert _intercept.current() is None


# -- credentials: never from the network ---------------------------------------------------

NO_NETWORK = """
import json, os, socket, threading, time
from http.server import BaseHTTPRequestHandler, HTTPServer

# A fake instance metadata service on loopback, which hands out a role's credentials.
probes = []

class Metadata(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, body):
        probes.append(self.path)
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        self._answer("token")

    def do_GET(self):
        if self.path.endswith("/security-credentials/"):
            self._answer("role")
        else:
            self._answer(json.dumps({
                "Code": "Success", "AccessKeyId": "AKIAROLEFROMIMDS",
                "SecretAccessKey": "s", "Token": "t", "Expiration": "2999-01-01T00:00:00Z",
            }))

server = HTTPServer(("127.0.0.1", 0), Metadata)
threading.Thread(target=server.serve_forever, daemon=True).start()
os.environ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = f"http://127.0.0.1:{server.server_port}/"

# Any connection to anything but loopback fails the run.
real_connect = socket.socket.connect

def guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if host not in ("127.0.0.1", "::1", "localhost"):
        raise AssertionError(f"network connection to {address}")
    return real_connect(self, address)

socket.socket.connect = guarded_connect

import boto3
import casemock

# Without casemock, botocore finds the role: the fake service works.
if os.environ.get("CHECK_ROLE") == "1":
    assert boto3.session.Session().get_credentials().access_key == "AKIAROLEFROMIMDS"
    probes.clear()

with casemock.mock_cases() as m:
    started = time.perf_counter()
    client = boto3.client("connectcases", region_name="us-east-1")
    client.create_domain(name="d")
    elapsed = time.perf_counter() - started
    print(m.calls[-1].access_key_id, len(probes), round(elapsed, 1))
"""


def credential_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment with no AWS credentials: empty config files, no key variables and
    AWS_EC2_METADATA_DISABLED unset."""
    for name in ("config", "credentials"):
        if not (tmp_path / name).exists():
            (tmp_path / name).write_text("")
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
        **extra,
    }


def test_no_credentials_means_placeholders_without_any_network_probe(tmp_path: Path) -> None:
    env = credential_env(tmp_path, CHECK_ROLE="1")
    key, probes, seconds = run_python(NO_NETWORK, env=env).split()
    assert key == "AKIACASEMOCKEXAMPLE"  # not the role's key
    assert probes == "0"  # the metadata service was never asked
    assert float(seconds) < 1.0


def test_configured_keys_are_still_used(tmp_path: Path) -> None:
    env = credential_env(tmp_path)
    (tmp_path / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAFROMFILE\naws_secret_access_key = s\n"
    )
    key, probes, _ = run_python(NO_NETWORK, env=env).split()
    assert (key, probes) == ("AKIAFROMFILE", "0")
    env = credential_env(tmp_path, AWS_ACCESS_KEY_ID="AKIAFROMENV", AWS_SECRET_ACCESS_KEY="s")
    key, probes, _ = run_python(NO_NETWORK, env=env).split()
    assert (key, probes) == ("AKIAFROMENV", "0")
    (tmp_path / "credentials").write_text(
        "[other]\naws_access_key_id = AKIAOTHERPROFILE\naws_secret_access_key = s\n"
    )
    (tmp_path / "config").write_text("[profile other]\nregion = us-east-1\n")
    env = credential_env(tmp_path, AWS_PROFILE="other")
    key, probes, _ = run_python(NO_NETWORK, env=env).split()
    assert (key, probes) == ("AKIAOTHERPROFILE", "0")


def test_credential_process_is_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    env = credential_env(tmp_path)
    (tmp_path / "config").write_text(
        f"[default]\ncredential_process = {sys.executable} -c \"open('{marker}', 'w')\"\n"
    )
    key, probes, _ = run_python(NO_NETWORK, env=env).split()
    assert (key, probes) == ("AKIACASEMOCKEXAMPLE", "0")
    assert not marker.exists()


def test_explicit_client_keys_name_the_caller() -> None:
    with mock_cases() as m:
        make_client().create_domain(name="d")
        assert m.calls[-1].access_key_id == "AKIDEXAMPLE"
        session = boto3.session.Session(aws_access_key_id="AKIASESSION", aws_secret_access_key="s")
        session.client("connectcases", region_name="us-east-1").list_domains()
        assert m.calls[-1].access_key_id == "AKIASESSION"
