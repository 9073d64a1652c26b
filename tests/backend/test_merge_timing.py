"""Asynchronous merges on the mock's clock (``Settings.merge_seconds``), together with the
poll count, ``CasesMock.settle()`` and snapshots, through a real boto3 client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock import CasesMock, Settings, mock_cases
from tests.helpers import REGION, create, error_of, make_template, needs_merge, read, text, update
from tests.helpers import merge_status as status
from tests.helpers import start_merge as start

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

pytestmark = needs_merge
MOMENT = datetime(2031, 5, 17, 9, 30, tzinfo=timezone.utc)
Merging = tuple[CasesMock, ConnectCasesClient, Any, str, str, str]


@contextmanager
def merging(**settings: Any) -> Iterator[Merging]:
    """A frozen clock, a mock with ``settings``, a domain and a merge of two cases just
    started: (mock, client, traveller, domain, primary, secondary)."""
    with (
        time_machine.travel(MOMENT, tick=False) as traveller,
        mock_cases(region=REGION, settings=Settings(**settings)) as mock,
    ):
        client: ConnectCasesClient = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        template_id = make_template(client, domain_id)
        primary = create(client, domain_id, template_id, {"title": text("p")})
        secondary = create(
            client, domain_id, template_id, {"title": text("s"), "summary": text("from s")}
        )
        start(client, domain_id, primary, secondary)
        yield mock, client, traveller, domain_id, primary, secondary


def merged(client: ConnectCasesClient, domain_id: str, primary: str, secondary: str) -> bool:
    """Whether the merge is visible in the cases themselves (no status poll)."""
    summary = read(client, domain_id, primary, ["summary"]).get("summary")
    closed = read(client, domain_id, secondary, ["status"])["status"] == text("closed")
    assert (summary == text("from s")) == closed
    return closed


def test_a_timed_merge_runs_until_its_time_has_come() -> None:
    with merging(merge_seconds=30) as (_, client, traveller, domain_id, primary, secondary):
        for _ in range(5):  # polls alone do not complete it
            assert status(client, domain_id, secondary)["status"] == "IN_PROGRESS"
        assert not merged(client, domain_id, primary, secondary)
        traveller.shift(29.999)
        assert status(client, domain_id, primary)["status"] == "IN_PROGRESS"
        traveller.shift(0.001)
        # Any call sees the completed merge, without a status poll.
        assert merged(client, domain_id, primary, secondary)
        assert status(client, domain_id, secondary)["status"] == "COMPLETED"
        with pytest.raises(ClientError) as excinfo:
            status(client, domain_id, primary)
        assert error_of(excinfo) == ("ResourceNotFoundException", 404)


def test_the_secondary_is_locked_until_the_merge_is_due() -> None:
    with merging(merge_seconds=5) as (_, client, traveller, domain_id, primary, secondary):
        for attempt in (
            lambda: update(client, domain_id, secondary, {"title": text("x")}),
            lambda: client.delete_case(domainId=domain_id, caseId=primary),
        ):
            with pytest.raises(ClientError) as excinfo:
                attempt()
            assert error_of(excinfo) == ("ConflictException", 409)
        traveller.shift(5)
        update(client, domain_id, secondary, {"title": text("reopened later")})


def test_polls_or_time_whichever_comes_first() -> None:
    with merging(merge_polls_until_complete=1, merge_seconds=60) as (
        _,
        client,
        _traveller,
        domain_id,
        primary,
        secondary,
    ):
        assert status(client, domain_id, secondary)["status"] == "IN_PROGRESS"
        assert status(client, domain_id, secondary)["status"] == "COMPLETED"
        assert merged(client, domain_id, primary, secondary)
    with merging(merge_polls_until_complete=5, merge_seconds=2) as (
        _,
        client,
        traveller,
        domain_id,
        primary,
        secondary,
    ):
        assert status(client, domain_id, secondary)["status"] == "IN_PROGRESS"
        traveller.shift(2)
        assert status(client, domain_id, secondary)["status"] == "COMPLETED"


@pytest.mark.parametrize("settings", [{"merge_seconds": 3600}, {"merge_polls_until_complete": 9}])
def test_settle_completes_running_merges(settings: dict[str, Any]) -> None:
    with merging(**settings) as (mock, client, _, domain_id, primary, secondary):
        assert not merged(client, domain_id, primary, secondary)
        mock.settle()
        assert merged(client, domain_id, primary, secondary)
        assert status(client, domain_id, secondary)["status"] == "COMPLETED"
        mock.settle()  # nothing left to do


def test_a_timed_merge_survives_snapshot_and_restore() -> None:
    with merging(merge_seconds=10) as (mock, client, traveller, domain_id, primary, secondary):
        saved = mock.snapshot()
        traveller.shift(10)
        assert merged(client, domain_id, primary, secondary)
        mock.restore(saved)  # the clock has passed the merge's time: the next call completes it
        assert merged(client, domain_id, primary, secondary)
    with merging(merge_seconds=10) as (mock, client, traveller, domain_id, primary, secondary):
        saved = mock.snapshot()
        mock.restore(saved)
        assert status(client, domain_id, secondary)["status"] == "IN_PROGRESS"
        traveller.shift(10)
        assert status(client, domain_id, secondary)["status"] == "COMPLETED"


def test_the_aws_preset_runs_merges_asynchronously() -> None:
    with time_machine.travel(MOMENT, tick=False), mock_cases(realism="aws") as mock:
        client = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        template_id = make_template(client, domain_id)
        primary, secondary = (create(client, domain_id, template_id) for _ in range(2))
        start(client, domain_id, primary, secondary)
        assert read(client, domain_id, secondary, ["status"])["status"] == text("open")
        assert status(client, domain_id, secondary)["status"] == "IN_PROGRESS"
        assert status(client, domain_id, secondary)["status"] == "COMPLETED"
