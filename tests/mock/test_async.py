"""aiobotocore clients are answered in-process with the same behaviour as botocore's.

Skipped when aiobotocore is not installed (it pins botocore tightly; the oldest-botocore
CI environment installs the release that fits, see docs/async.md).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import ExponentialBackoff

from casemock import CasesMock, mock_cases

aiobotocore_session = pytest.importorskip("aiobotocore.session")

T = TypeVar("T")
REGION = "eu-west-2"


def run(factory: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await factory()

    return asyncio.run(main())


@asynccontextmanager
async def aio_client(**kwargs: Any) -> AsyncIterator[Any]:
    session = aiobotocore_session.get_session()
    options: dict[str, Any] = {
        "region_name": REGION,
        "aws_access_key_id": "AKIDASYNC",
        "aws_secret_access_key": "secret",
    }
    options.update(kwargs)
    async with session.create_client("connectcases", **options) as client:
        yield client


@pytest.fixture
def mock() -> Any:
    with mock_cases(region=REGION) as m:
        yield m


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without botocore's jittered sleeps, so retry tests run fast."""
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


def test_calls_are_answered_with_state_shared_with_sync_clients(mock: CasesMock) -> None:
    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with aio_client() as client:
            created = await client.create_domain(name="async-domain")
            got = await client.get_domain(domainId=created["domainId"])
            return created, got

    created, got = run(scenario)
    assert got["name"] == "async-domain"
    assert got["domainArn"] == created["domainArn"]
    assert got["createdTime"].tzinfo is not None  # parsed by aiobotocore's parser
    sync_domains = mock.client().list_domains()["domains"]
    assert [d["domainId"] for d in sync_domains] == [created["domainId"]]


def test_errors_reach_the_caller_as_modeled_client_errors(mock: CasesMock) -> None:
    async def scenario() -> ClientError:
        async with aio_client() as client:
            try:
                await client.get_domain(domainId="0" * 36)
            except client.exceptions.ResourceNotFoundException as error:
                found: ClientError = error
                return found
        raise AssertionError("no error")

    response: Any = run(scenario).response
    assert response["Error"]["Code"] == "ResourceNotFoundException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert response["resourceType"] == "Domain"


def test_validation_runs_as_for_sync_clients(mock: CasesMock) -> None:
    async def scenario() -> ClientError:
        async with aio_client() as client:
            try:
                await client.create_domain(name="x" * 101)
            except ClientError as error:
                return error
        raise AssertionError("no error")

    assert run(scenario).response["Error"]["Code"] == "ValidationException"


def test_throttles_are_retried_by_aiobotocore(mock: CasesMock, no_backoff: None) -> None:
    mock.add_error("CreateDomain", "ThrottlingException", times=2)
    config = Config(retries={"mode": "standard", "max_attempts": 3})

    async def scenario() -> dict[str, Any]:
        async with aio_client(config=config) as client:
            result: dict[str, Any] = await client.create_domain(name="retried")
            return result

    result = run(scenario)
    assert result["ResponseMetadata"]["RetryAttempts"] == 2
    assert [c.error_code for c in mock.calls_to("CreateDomain")] == [
        "ThrottlingException",
        "ThrottlingException",
        None,
    ]


def test_latency_is_awaited_without_blocking_the_loop(mock: CasesMock) -> None:
    mock.add_latency("ListDomains", 0.3)

    async def scenario() -> tuple[float, int]:
        loop = asyncio.get_running_loop()
        ticks = 0
        finished = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not finished.is_set():
                await asyncio.sleep(0.01)
                ticks += 1

        async with aio_client() as client:
            task = asyncio.create_task(ticker())
            started = loop.time()
            await client.list_domains()
            elapsed = loop.time() - started
            finished.set()
            await task
        return elapsed, ticks

    elapsed, ticks = run(scenario)
    assert elapsed >= 0.3
    assert ticks >= 10  # the loop kept running other tasks during the delay


def test_clients_without_credentials_or_region_work_while_mocked(
    mock: CasesMock, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    async def scenario() -> str:
        session = aiobotocore_session.get_session()
        async with session.create_client("connectcases") as client:
            arn: str = (await client.create_domain(name="anonymous"))["domainArn"]
            return arn

    assert run(scenario).startswith(f"arn:aws:cases:{REGION}:123456789012:domain/")


def test_no_credentials_means_placeholders_without_a_metadata_probe(
    mock: CasesMock, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    probes: list[str] = []

    def metadata_probe(self: Any, *args: Any, **kwargs: Any) -> Any:
        probes.append(type(self).__name__)
        raise AssertionError("casemock let a credential provider reach the network")

    from aiobotocore import credentials as aio_credentials

    for name in ("AioInstanceMetadataProvider", "AioContainerProvider"):
        monkeypatch.setattr(getattr(aio_credentials, name), "load", metadata_probe)

    async def scenario() -> None:
        async with aiobotocore_session.get_session().create_client("connectcases") as client:
            await client.list_domains()

    run(scenario)
    assert probes == []
    assert mock.calls[-1].access_key_id == "AKIACASEMOCKEXAMPLE"


def test_the_session_credentials_sign_the_calls(mock: CasesMock) -> None:
    async def scenario() -> None:
        session = aiobotocore_session.get_session()
        session.set_credentials("AKIAAIOSESSION", "secret")
        async with session.create_client("connectcases", region_name=REGION) as client:
            await client.list_domains()

    run(scenario)
    assert mock.calls[-1].access_key_id == "AKIAAIOSESSION"


def test_a_call_in_flight_when_the_mock_stops_fails_clearly() -> None:
    from casemock import CasesMockError

    mock = mock_cases()
    mock.start()

    async def scenario() -> BaseException | None:
        async with aio_client(config=Config(retries={"max_attempts": 1})) as client:

            def stop_now(**kwargs: Any) -> None:  # after casemock claimed the call
                mock.stop()

            client.meta.events.register("before-sign.connectcases", stop_now)
            try:
                await client.list_domains()
            except BaseException as error:
                return error
            return None

    error = run(scenario)
    assert isinstance(error, CasesMockError), error
    assert "stopped while the call was in flight" in str(error)


def test_calls_are_logged_with_the_caller(mock: CasesMock) -> None:
    async def scenario() -> None:
        async with aio_client() as client:
            await client.list_domains()

    run(scenario)
    (call,) = mock.calls
    assert (call.operation, call.access_key_id, call.region) == ("ListDomains", "AKIDASYNC", REGION)


def test_a_client_created_before_the_mock_started_is_mocked() -> None:
    async def scenario() -> str:
        async with aio_client() as client:
            with mock_cases(region=REGION) as m:
                await client.create_domain(name="early")
                return m.calls[0].operation

    assert run(scenario) == "CreateDomain"


def test_patch_is_removed_when_the_last_mock_stops() -> None:
    from aiobotocore.endpoint import AioEndpoint

    original = AioEndpoint.__dict__["_send_request"]
    with mock_cases():
        assert AioEndpoint.__dict__["_send_request"] is not original
    assert AioEndpoint.__dict__["_send_request"] is original


def test_aiobotocore_imported_after_start_is_mocked_and_not_imported_by_casemock() -> None:
    script = textwrap.dedent(
        """
        import asyncio, sys
        import casemock
        assert "aiobotocore" not in sys.modules, "import casemock imported aiobotocore"
        with casemock.mock_cases(region="us-west-2") as m:
            assert "aiobotocore" not in sys.modules, "start() imported aiobotocore"
            from aiobotocore.session import get_session

            async def main():
                async with get_session().create_client(
                    "connectcases", aws_access_key_id="a", aws_secret_access_key="b"
                ) as client:
                    return await client.create_domain(name="late")

            print(asyncio.run(main())["domainArn"])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("arn:aws:cases:us-west-2:123456789012:domain/")
