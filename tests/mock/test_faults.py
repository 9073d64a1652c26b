"""Fault injection: modeled errors on the wire (so botocore's retries react) and latency."""

from __future__ import annotations

import contextlib
import io
import time
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import ExponentialBackoff

from casemock import CasesClient, CasesMock, CasesMockError, mock_cases


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without botocore's jittered sleeps, so retry tests run fast."""
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)


def client_with(mock: CasesMock, **retries: Any) -> CasesClient:
    config: Any = {"retries": retries}
    return mock.client(config=Config(**config))


def single(mock: CasesMock) -> CasesClient:
    """A client that makes one attempt per call (no retries)."""
    return client_with(mock, total_max_attempts=1)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response: Any = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def outcomes(mock: CasesMock, operation: str) -> list[str | None]:
    return [call.error_code for call in mock.calls_to(operation)]


def test_app_survives_two_throttles_with_standard_retries(
    mock: CasesMock, no_backoff: None
) -> None:
    mock.add_error("CreateDomain", "ThrottlingException", times=2)
    client = client_with(mock, mode="standard", max_attempts=3)
    result = client.create_domain(name="survivor")
    assert result["ResponseMetadata"]["RetryAttempts"] == 2
    assert outcomes(mock, "CreateDomain") == ["ThrottlingException", "ThrottlingException", None]
    assert [d["name"] for d in client.list_domains()["domains"]] == ["survivor"]


def test_app_sees_the_throttle_when_retries_run_out(mock: CasesMock, no_backoff: None) -> None:
    mock.add_error("CreateDomain", "ThrottlingException", times=2)
    # botocore's Config counts max_attempts as retries: one retry, then the error.
    client = client_with(mock, mode="standard", max_attempts=1)
    with pytest.raises(client.exceptions.ThrottlingException) as excinfo:
        client.create_domain(name="unlucky")
    assert error_of(excinfo) == ("ThrottlingException", 429)
    assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 1
    assert outcomes(mock, "CreateDomain") == ["ThrottlingException", "ThrottlingException"]
    assert client.list_domains()["domains"] == []  # the handler never ran


def test_single_attempt_sees_the_first_throttle(mock: CasesMock) -> None:
    mock.add_error("CreateDomain", "ThrottlingException")
    with pytest.raises(ClientError) as excinfo:
        single(mock).create_domain(name="unlucky")
    assert excinfo.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert len(mock.calls_to("CreateDomain")) == 1


def test_internal_errors_are_retried_and_carry_modeled_members(
    mock: CasesMock, no_backoff: None
) -> None:
    mock.add_error("ListDomains", "InternalServerException", members={"retryAfterSeconds": 3})
    client = client_with(mock, mode="standard", max_attempts=2)
    assert client.list_domains()["ResponseMetadata"]["RetryAttempts"] == 1
    mock.add_error("ListDomains", "InternalServerException", members={"retryAfterSeconds": 3})
    with pytest.raises(ClientError) as excinfo:
        single(mock).list_domains()
    assert error_of(excinfo) == ("InternalServerException", 500)
    assert excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "3"


def test_non_retryable_errors_use_the_model_status(mock: CasesMock, no_backoff: None) -> None:
    mock.add_error("CreateDomain", "ServiceQuotaExceededException")
    client = client_with(mock, mode="standard", max_attempts=3)
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as excinfo:
        client.create_domain(name="quota")
    assert error_of(excinfo) == ("ServiceQuotaExceededException", 402)
    assert len(mock.calls_to("CreateDomain")) == 1  # not retried


def test_required_members_get_a_placeholder_unless_given(mock: CasesMock) -> None:
    client = single(mock)
    mock.add_error("GetDomain", "ResourceNotFoundException")
    mock.add_error(
        "GetDomain",
        "ResourceNotFoundException",
        members={"resourceId": "d-1", "resourceType": "Domain"},
    )
    with pytest.raises(client.exceptions.ResourceNotFoundException) as first:
        client.get_domain(domainId="d")
    placeholder: Any = first.value.response
    assert placeholder["resourceId"] == "casemock-injected"
    with pytest.raises(ClientError) as second:
        client.get_domain(domainId="d")
    given: Any = second.value.response
    assert (given["resourceId"], given["resourceType"]) == ("d-1", "Domain")


def test_error_applies_only_to_its_operation(mock: CasesMock) -> None:
    client = single(mock)
    mock.add_error("GetDomain", "AccessDeniedException")
    client.list_domains()
    client.create_domain(name="fine")
    with pytest.raises(ClientError) as excinfo:
        client.get_domain(domainId=client.list_domains()["domains"][0]["domainId"])
    assert error_of(excinfo) == ("AccessDeniedException", 403)


def test_error_for_every_operation(mock: CasesMock) -> None:
    client = single(mock)
    mock.add_error(None, "ThrottlingException", times=2)
    for call in (client.list_domains, lambda: client.create_domain(name="x")):
        with pytest.raises(ClientError):
            call()
    client.list_domains()


def test_an_error_for_every_operation_fails_only_those_that_model_it(mock: CasesMock) -> None:
    client = single(mock)
    mock.add_error(None, "ConflictException", times=None)
    client.list_domains()  # ListDomains never answers a conflict
    with pytest.raises(ClientError) as excinfo:
        client.create_domain(name="x")
    assert error_of(excinfo) == ("ConflictException", 409)


def test_every_nth_call_fails(mock: CasesMock) -> None:
    client = single(mock)
    mock.add_error("ListDomains", "ThrottlingException", every=3)
    for _ in range(7):
        with contextlib.suppress(ClientError):
            client.list_domains()
    assert outcomes(mock, "ListDomains") == [
        None,
        None,
        "ThrottlingException",
        None,
        None,
        "ThrottlingException",
        None,
    ]


def test_every_with_times_limits_the_failures(mock: CasesMock) -> None:
    client = single(mock)
    mock.add_error("ListDomains", "ThrottlingException", every=2, times=1)
    for _ in range(6):
        with contextlib.suppress(ClientError):
            client.list_domains()
    assert outcomes(mock, "ListDomains").count("ThrottlingException") == 1


def pattern(mock: CasesMock, calls: int = 40) -> list[bool]:
    client = single(mock)
    failed = []
    for _ in range(calls):
        try:
            client.list_domains()
            failed.append(False)
        except ClientError:
            failed.append(True)
    return failed


def test_probability_with_a_seed_is_reproducible() -> None:
    runs = []
    for _ in range(2):
        with mock_cases() as m:
            m.add_error("ListDomains", "ThrottlingException", probability=0.5, seed=42)
            runs.append(pattern(m))
    assert runs[0] == runs[1]
    assert 0 < sum(runs[0]) < len(runs[0])


def test_probability_follows_the_mock_seed() -> None:
    runs = []
    for seed in (1, 1, 2):
        with mock_cases(seed=seed) as m:
            m.add_error("ListDomains", "ThrottlingException", probability=0.5)
            runs.append(pattern(m))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_probability_bounds(mock: CasesMock) -> None:
    mock.add_error("ListDomains", "ThrottlingException", probability=0.0)
    assert not any(pattern(mock, 10))
    mock.faults.clear()
    mock.add_error("ListDomains", "ThrottlingException", probability=1.0)
    assert all(pattern(mock, 10))


def test_validation_comes_before_injected_errors(mock: CasesMock) -> None:
    client = single(mock)
    mock.add_error("CreateDomain", "ThrottlingException")
    with pytest.raises(ClientError) as invalid:
        client.create_domain(name="x" * 101)
    assert error_of(invalid)[0] == "ValidationException"
    with pytest.raises(ClientError) as throttled:
        client.create_domain(name="ok")
    assert error_of(throttled)[0] == "ThrottlingException"


def test_custom_message(mock: CasesMock) -> None:
    mock.add_error("ListDomains", "ThrottlingException", message="Slow down, agent")
    with pytest.raises(ClientError) as excinfo:
        single(mock).list_domains()
    assert excinfo.value.response["Error"]["Message"] == "Slow down, agent"


def test_latency_delays_the_answer(mock: CasesMock) -> None:
    client = single(mock)
    mock.add_latency("ListDomains", 0.2, times=1)
    started = time.perf_counter()
    client.list_domains()
    assert time.perf_counter() - started >= 0.2
    started = time.perf_counter()
    client.list_domains()
    assert time.perf_counter() - started < 0.2


def test_latency_and_error_combine(mock: CasesMock) -> None:
    client = single(mock)
    mock.add_latency(None, 0.1)
    mock.add_error("ListDomains", "ThrottlingException")
    started = time.perf_counter()
    with pytest.raises(ClientError):
        client.list_domains()
    assert time.perf_counter() - started >= 0.1


def test_faults_end_with_the_activation_and_may_be_armed_before_start() -> None:
    m = mock_cases()
    m.add_error("ListDomains", "ThrottlingException", times=None)
    with m, pytest.raises(ClientError):
        single(m).list_domains()
    assert m.faults.rules == []
    with m:
        single(m).list_domains()


def test_no_rules_means_no_fault_work(mock: CasesMock, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(operation: str) -> None:
        raise AssertionError("checked faults without rules")

    monkeypatch.setattr(mock.faults, "check", fail)
    mock.client().list_domains()


@pytest.mark.parametrize(
    ("operation", "code", "options", "message"),
    [
        ("CreateCases", "ThrottlingException", {}, "not an operation"),
        ("GetDomain", "ConflictException", {}, "not a modeled error of GetDomain"),
        (None, "SlowDownException", {}, "not a modeled error of connectcases"),
        ("GetDomain", "ThrottlingException", {"times": 0}, "times must be a whole number"),
        ("GetDomain", "ThrottlingException", {"times": 2.5}, "times must be a whole number"),
        ("GetDomain", "ThrottlingException", {"times": True}, "times must be a whole number"),
        ("GetDomain", "ThrottlingException", {"every": 0}, "every must be a whole number"),
        ("GetDomain", "ThrottlingException", {"every": 1.5}, "every must be a whole number"),
        ("GetDomain", "ThrottlingException", {"probability": "0.5"}, "between 0 and 1"),
        ("GetDomain", "ThrottlingException", {"probability": 1.5}, "between 0 and 1"),
        ("GetDomain", "ThrottlingException", {"members": {"resourceId": "x"}}, "no member"),
        (
            "ListDomains",
            "InternalServerException",
            {"members": {"retryAfterSeconds": "soon"}},
            "retryAfterSeconds is sent as a model integer",
        ),
        (
            "GetDomain",
            "ResourceNotFoundException",
            {"members": {"resourceId": 7}},
            "resourceId is sent as a model string",
        ),
    ],
)
def test_misuse_is_a_clear_casemock_error(
    mock: CasesMock, operation: str | None, code: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(CasesMockError, match=message):
        mock.add_error(operation, code, **options)
    assert mock.faults.rules == []


def test_latency_misuse(mock: CasesMock) -> None:
    with pytest.raises(CasesMockError, match="not an operation"):
        mock.add_latency("Nope", 1)
    for seconds in (-1, float("nan"), float("inf"), "1"):
        with pytest.raises(CasesMockError, match="finite number of seconds, 0 or more"):
            mock.add_latency("ListDomains", seconds)  # type: ignore[arg-type]
    assert mock.faults.rules == []


def test_each_test_of_a_decorated_testcase_starts_without_faults() -> None:
    import unittest

    seen: list[int] = []

    @mock_cases
    class Suite(unittest.TestCase):
        def test_1_adds(self) -> None:
            from casemock import _intercept

            mock = _intercept.current()
            assert mock is not None
            mock.faults.add_error("ListDomains", "ThrottlingException", times=None)
            seen.append(len(mock.faults.rules))

        def test_2_sees_none(self) -> None:
            from casemock import _intercept

            mock = _intercept.current()
            assert mock is not None
            seen.append(len(mock.faults.rules))

    result = unittest.TextTestRunner(stream=io.StringIO()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Suite)
    )
    assert result.wasSuccessful()
    assert seen == [1, 0]
