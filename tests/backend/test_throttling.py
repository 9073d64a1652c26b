"""Documented request rates (``Settings.rate_limits``) through real boto3 clients: token
buckets per operation and Region on the mock's clock, ThrottlingException (429) through
botocore's retry handler, overrides, and no throttling when the switch is off."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import ExponentialBackoff

from casemock import CasesMock, CasesMockError, Settings, _model, mock_cases
from casemock.backend.throttle import DEFAULT, DOCUMENTED
from casemock.seeding import create_cases, seed_domain
from tests.helpers import in_threads, outcome

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

MOMENT = datetime(2031, 1, 1, 9, 0, tzinfo=timezone.utc)
NO_RETRIES = Config(retries={"max_attempts": 1})  # one retry: two attempts, both throttled


@pytest.fixture
def traveller() -> Iterator[Any]:
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


def limited(**settings: Any) -> CasesMock:
    return mock_cases(settings=Settings(rate_limits=True, **settings))


def burst_of(client: ConnectCasesClient, limit: int = 100) -> int:
    """How many ListDomains calls succeed before the first ThrottlingException."""
    for count in range(limit):
        try:
            client.list_domains()
        except client.exceptions.ThrottlingException:
            return count
    return limit


def test_nothing_is_throttled_by_default(traveller: Any) -> None:
    with mock_cases() as mock:
        client = mock.client(config=NO_RETRIES)
        assert burst_of(client, 60) == 60
        assert mock.store.throttle is None


def test_the_documented_burst_then_throttling_exception(traveller: Any) -> None:
    with limited() as mock:
        client = mock.client(config=NO_RETRIES)
        # ListDomains: rate 2, burst 5; the sixth call and its retry are refused.
        assert burst_of(client) == 5
        with pytest.raises(ClientError) as excinfo:
            client.list_domains()
    error = excinfo.value.response
    assert error["Error"]["Code"] == "ThrottlingException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error["ResponseMetadata"]["RetryAttempts"] == 1
    assert mock.calls_to("ListDomains")[-1].error_code == "ThrottlingException"


def test_tokens_come_back_at_the_documented_rate(traveller: Any) -> None:
    with limited() as mock:
        client = mock.client(config=Config(retries={"total_max_attempts": 1}))
        assert burst_of(client) == 5
        traveller.shift(0.4)  # 0.8 tokens: still throttled
        assert burst_of(client) == 0
        traveller.shift(0.6)  # 2 tokens a second
        assert burst_of(client) == 2
        traveller.shift(3600)  # never more than the burst
        assert burst_of(client) == 5


def test_each_operation_and_region_has_its_own_bucket(traveller: Any) -> None:
    with limited() as mock:
        client = mock.client(config=Config(retries={"total_max_attempts": 1}))
        west = mock.client(region="us-west-2", config=Config(retries={"total_max_attempts": 1}))
        assert burst_of(client) == 5
        assert burst_of(west) == 5
        domain_id = client.create_domain(name="d")["domainId"]  # CreateDomain: burst 5
        for _ in range(4):
            client.get_domain(domainId=domain_id)  # GetDomain: burst 5
        assert outcome(lambda: client.get_domain(domainId=domain_id)) == "ok"
        assert outcome(lambda: client.get_domain(domainId=domain_id)) == "ThrottlingException"


def test_case_operations_use_their_documented_limits(traveller: Any) -> None:
    with limited() as mock:
        client = mock.client(config=Config(retries={"total_max_attempts": 1}))
        domain_id = client.create_domain(name="d")["domainId"]
        template_id = client.create_template(domainId=domain_id, name="t")["templateId"]
        title: list[Any] = [{"id": "title", "value": {"stringValue": "x"}}]

        def create() -> str:
            return client.create_case(domainId=domain_id, templateId=template_id, fields=title)[
                "caseId"
            ]

        case_ids = [create() for _ in range(10)]  # CreateCase: burst 10
        assert outcome(create) == "ThrottlingException"
        update = functools.partial(
            client.update_case, domainId=domain_id, caseId=case_ids[0], fields=title
        )
        assert [outcome(update) for _ in range(3)] == ["ok", "ok", "ThrottlingException"]
        get = functools.partial(
            client.get_case, domainId=domain_id, caseId=case_ids[0], fields=[{"id": "title"}]
        )
        assert [outcome(get) for _ in range(11)].count("ok") == 10  # GetCase: rate 4, burst 10


def test_a_default_client_backs_off_and_succeeds(
    traveller: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore's back-off, made deterministic: a one-second sleep that moves the clock.
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 1.0)
    monkeypatch.setattr("time.sleep", lambda seconds: traveller.shift(seconds))
    with limited() as mock:
        # Standard retry mode, 3 attempts (older botocore defaults to legacy mode, whose
        # delays are random and do not go through ExponentialBackoff).
        client = mock.client(config=Config(retries={"mode": "standard"}))
        for _ in range(5):
            client.list_domains()
        answer = client.list_domains()
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    assert [c.error_code for c in mock.calls_to("ListDomains")][-2:] == [
        "ThrottlingException",
        None,
    ]


def test_overrides_change_or_lift_a_limit(traveller: Any) -> None:
    overrides = {"ListDomains": (1.0, 1.0), "CreateDomain": None}
    with limited(rate_limit_overrides=overrides, domains=50) as mock:
        client = mock.client(config=Config(retries={"total_max_attempts": 1}))
        assert burst_of(client) == 1
        for number in range(30):
            client.create_domain(name=f"d{number}")


@pytest.mark.parametrize(
    "overrides",
    [{"NoSuchOperation": (1.0, 1.0)}, {"ListDomains": (0.0, 1.0)}, {"ListDomains": (1.0, 0.5)}],
)
def test_malformed_overrides_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(CasesMockError):
        mock_cases(settings=Settings(rate_limits=True, rate_limit_overrides=overrides))


def test_seeding_is_not_throttled(traveller: Any) -> None:
    with limited() as mock:
        seeded = seed_domain(mock, "d", template=True)
        assert seeded.template_id is not None
        rows = [{"title": f"case {n}"} for n in range(50)]
        assert len(create_cases(mock, seeded.domain_id, seeded.template_id, rows)) == 50


def test_each_activation_starts_with_full_buckets(traveller: Any) -> None:
    mock = limited()
    for _ in range(2):
        with mock:
            assert burst_of(mock.client(config=Config(retries={"total_max_attempts": 1}))) == 5


def test_the_burst_holds_under_a_race(traveller: Any) -> None:
    with limited() as mock:
        clients = [mock.client(config=Config(retries={"total_max_attempts": 1})) for _ in range(16)]
        results = in_threads(16, lambda index: outcome(clients[index].list_domains))
    assert results.count("ok") == 5
    assert results.count("ThrottlingException") == 11


def test_the_documented_table_names_operations_of_the_model() -> None:
    names = set(_model.service_model().operation_names)
    assert set(DOCUMENTED) <= names
    assert DEFAULT == (2.0, 5.0)
