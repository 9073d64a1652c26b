"""Search consistency (``Settings.search_delay``) through real boto3 clients: writes reach
SearchCases, SearchRelatedItems, SearchAllRelatedItems and ListCasesForContact only after
the delay on the mock's clock, reads by id see them at once; ``settle()``, seeding,
snapshots, determinism and threads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock import CasesMock, Settings, _model, mock_cases
from casemock.seeding import create_cases
from tests.helpers import (
    CONTACT,
    REGION,
    add,
    comment,
    contact,
    create,
    error_of,
    in_threads,
    make_template,
    read,
    text,
    update,
)

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

MOMENT = datetime(2031, 5, 17, 9, 30, tzinfo=timezone.utc)
DELAY = 2.0
World = tuple[CasesMock, ConnectCasesClient, Any, str, str]


@contextmanager
def world(delay: float = DELAY, **options: Any) -> Iterator[World]:
    """A frozen clock, a mock with ``search_delay``, a domain and a template:
    (mock, client, traveller, domain, template)."""
    settings = Settings(search_delay=delay)
    with (
        time_machine.travel(MOMENT, tick=False) as traveller,
        mock_cases(region=REGION, settings=settings, **options) as mock,
    ):
        client: ConnectCasesClient = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        yield mock, client, traveller, domain_id, make_template(client, domain_id)


def found(client: ConnectCasesClient, domain_id: str, **query: Any) -> dict[str, str]:
    """SearchCases: case id -> title of every case found."""
    answer = client.search_cases(domainId=domain_id, fields=[{"id": "title"}], **query)
    assert answer["totalCount"] == len(answer["cases"])
    return {
        case["caseId"]: case["fields"][0]["value"]["stringValue"] if case["fields"] else ""
        for case in answer["cases"]
    }


def titled(title: str) -> Any:
    return {"field": {"equalTo": {"id": "title", "value": text(title)}}}


def related(client: ConnectCasesClient, domain_id: str, case_id: str) -> list[str]:
    answer = client.search_related_items(domainId=domain_id, caseId=case_id)
    return [
        item["content"]["comment"]["body"]
        for item in answer["relatedItems"]
        if item["type"] == "Comment"
    ]


def all_related(client: ConnectCasesClient, domain_id: str) -> list[str]:
    answer = client.search_all_related_items(domainId=domain_id)
    return [item["relatedItemId"] for item in answer["relatedItems"]]


def for_contact(client: ConnectCasesClient, domain_id: str) -> list[str]:
    answer = client.list_cases_for_contact(domainId=domain_id, contactArn=CONTACT)
    return [case["caseId"] for case in answer["cases"]]


# -- off ------------------------------------------------------------------------------------


def test_searches_see_every_write_at_once_by_default() -> None:
    with world(delay=0) as (mock, client, _, domain_id, template_id):
        case_id = create(client, domain_id, template_id, {"title": text("a")})
        add(client, domain_id, case_id, "Contact", contact())
        assert found(client, domain_id) == {case_id: "a"}
        assert for_contact(client, domain_id) == [case_id]
        assert mock.store.region(REGION).domains[domain_id].pending_writes == {}


# -- cases ------------------------------------------------------------------------------------


def test_a_new_case_is_found_after_the_delay_and_read_at_once() -> None:
    with world() as (_, client, traveller, domain_id, template_id):
        case_id = create(client, domain_id, template_id, {"title": text("a")})
        assert read(client, domain_id, case_id, ["title"]) == {"title": text("a")}
        assert found(client, domain_id) == {}
        traveller.shift(DELAY - 0.001)
        assert found(client, domain_id) == {}
        traveller.shift(0.001)
        assert found(client, domain_id) == {case_id: "a"}


def test_an_update_shows_the_old_values_until_the_delay() -> None:
    with world() as (_, client, traveller, domain_id, template_id):
        case_id = create(client, domain_id, template_id, {"title": text("old")})
        traveller.shift(DELAY)
        update(client, domain_id, case_id, {"title": text("new")})
        assert read(client, domain_id, case_id, ["title"]) == {"title": text("new")}
        assert found(client, domain_id, filter=titled("old")) == {case_id: "old"}
        assert found(client, domain_id, filter=titled("new")) == {}
        assert found(client, domain_id, searchTerm="new") == {}
        traveller.shift(DELAY)
        assert found(client, domain_id, filter=titled("new")) == {case_id: "new"}
        assert found(client, domain_id, filter=titled("old")) == {}


def test_each_write_becomes_visible_in_its_turn() -> None:
    with world() as (_, client, traveller, domain_id, template_id):
        case_id = create(client, domain_id, template_id, {"title": text("v1")})
        traveller.shift(1)
        update(client, domain_id, case_id, {"title": text("v2")})
        traveller.shift(0.5)
        update(client, domain_id, case_id, {"title": text("v3")})
        seen = []
        for _ in range(4):
            seen.append(found(client, domain_id).get(case_id))
            traveller.shift(0.5)
        # t=1.5: nothing; t=2 (create visible): v1; t=2.5: v1; t=3: v2 ... then v3 at t=3.5
        assert seen == [None, "v1", "v1", "v2"]
        traveller.shift(0.5)
        assert found(client, domain_id) == {case_id: "v3"}


def test_a_deleted_case_is_still_found_until_the_delay() -> None:
    with world() as (_, client, traveller, domain_id, template_id):
        case_id = create(client, domain_id, template_id, {"title": text("gone")})
        traveller.shift(DELAY)
        client.delete_case(domainId=domain_id, caseId=case_id)
        with pytest.raises(ClientError) as excinfo:
            read(client, domain_id, case_id, ["title"])
        assert error_of(excinfo) == ("ResourceNotFoundException", 404)
        assert found(client, domain_id) == {case_id: "gone"}
        traveller.shift(DELAY)
        assert found(client, domain_id) == {}


def test_tags_reach_the_tag_filter_after_the_delay() -> None:
    with world() as (_, client, traveller, domain_id, template_id):
        case_id = create(client, domain_id, template_id)
        traveller.shift(DELAY)
        arn = f"arn:aws:cases:{REGION}:123456789012:domain/{domain_id}/case/{case_id}"
        client.tag_resource(arn=arn, tags={"team": "red"})
        tag: Any = {"tag": {"equalTo": {"key": "team", "value": "red"}}}
        assert client.list_tags_for_resource(arn=arn)["tags"] == {"team": "red"}
        assert found(client, domain_id, filter=tag) == {}
        traveller.shift(DELAY)
        assert list(found(client, domain_id, filter=tag)) == [case_id]
        client.untag_resource(arn=arn, tagKeys=["team"])
        assert list(found(client, domain_id, filter=tag)) == [case_id]
        traveller.shift(DELAY)
        assert found(client, domain_id, filter=tag) == {}


# -- related items --------------------------------------------------------------------------


def test_related_items_reach_the_searches_after_the_delay() -> None:
    with world() as (_, client, traveller, domain_id, template_id):
        case_id = create(client, domain_id, template_id)
        assert related(client, domain_id, case_id) == []  # the new case: no error, no items
        traveller.shift(DELAY)
        add(client, domain_id, case_id, "Comment", comment("first"))
        contact_id = add(client, domain_id, case_id, "Contact", contact())
        assert related(client, domain_id, case_id) == []
        assert all_related(client, domain_id) == []
        assert for_contact(client, domain_id) == []
        traveller.shift(DELAY)
        assert related(client, domain_id, case_id) == ["first"]
        assert contact_id in all_related(client, domain_id)
        assert for_contact(client, domain_id) == [case_id]
        client.delete_related_item(domainId=domain_id, caseId=case_id, relatedItemId=contact_id)
        assert for_contact(client, domain_id) == [case_id]
        traveller.shift(DELAY)
        assert for_contact(client, domain_id) == []


@pytest.mark.skipif(not _model.has_operation("UpdateRelatedItem"), reason="no UpdateRelatedItem")
def test_an_edited_comment_shows_its_old_body_until_the_delay() -> None:
    with world() as (_, client, traveller, domain_id, template_id):
        case_id = create(client, domain_id, template_id)
        item_id = add(client, domain_id, case_id, "Comment", comment("draft"))
        traveller.shift(DELAY)
        client.update_related_item(
            domainId=domain_id,
            caseId=case_id,
            relatedItemId=item_id,
            content=comment("final"),  # type: ignore[arg-type]
        )
        assert related(client, domain_id, case_id) == ["draft"]
        traveller.shift(DELAY)
        assert related(client, domain_id, case_id) == ["final"]


# -- settle, seeding, merges, snapshots --------------------------------------------------------


def test_settle_makes_every_write_visible_now() -> None:
    with world(delay=3600) as (mock, client, _, domain_id, template_id):
        case_id = create(client, domain_id, template_id, {"title": text("a")})
        add(client, domain_id, case_id, "Comment", comment("c"))
        assert found(client, domain_id) == {}
        mock.settle()
        assert found(client, domain_id) == {case_id: "a"}
        assert related(client, domain_id, case_id) == ["c"]
        assert mock.store.region(REGION).domains[domain_id].pending_writes == {}


def test_seeded_cases_are_found_at_once() -> None:
    with world() as (mock, client, _, domain_id, template_id):
        ids = create_cases(mock, domain_id, template_id, [{"title": f"s{n}"} for n in range(3)])
        assert set(found(client, domain_id)) == set(ids)
        client.put_case_event_configuration(domainId=domain_id, eventBridge={"enabled": True})
        events = create_cases(mock, domain_id, template_id, [{"title": "e"}], events=True)
        assert set(found(client, domain_id)) == {*ids, *events}
        assert mock.events[-1]["detail"]["eventType"] == "CASE.CREATED"


@pytest.mark.skipif(not _model.has_operation("StartMergeCases"), reason="no StartMergeCases")
def test_a_merge_reaches_the_searches_after_the_delay() -> None:
    with world() as (_, client, traveller, domain_id, template_id):
        primary = create(client, domain_id, template_id, {"title": text("p")})
        secondary = create(
            client, domain_id, template_id, {"title": text("s"), "summary": text("from s")}
        )
        traveller.shift(DELAY)
        client.start_merge_cases(  # type: ignore[attr-defined]
            domainId=domain_id, caseId=primary, secondaryCaseIds=[secondary]
        )
        closed: Any = {"field": {"equalTo": {"id": "status", "value": text("closed")}}}
        assert found(client, domain_id, filter=closed) == {}
        traveller.shift(DELAY)
        assert found(client, domain_id, filter=closed) == {secondary: "s"}


def test_pending_writes_survive_snapshot_and_restore() -> None:
    with world() as (mock, client, traveller, domain_id, template_id):
        old = create(client, domain_id, template_id, {"title": text("old")})
        traveller.shift(DELAY)
        update(client, domain_id, old, {"title": text("renamed")})
        new = create(client, domain_id, template_id, {"title": text("new")})
        saved = mock.snapshot()
        mock.settle()
        assert found(client, domain_id) == {old: "renamed", new: "new"}
        mock.restore(saved)
        assert found(client, domain_id) == {old: "old"}
        traveller.shift(DELAY)
        assert found(client, domain_id) == {old: "renamed", new: "new"}


def test_runs_repeat_exactly_under_a_seed_and_a_frozen_clock() -> None:
    def run() -> list[Any]:
        seen: list[Any] = []
        with world(seed=7) as (_, client, traveller, domain_id, template_id):
            for number in range(4):
                create(client, domain_id, template_id, {"title": text(f"c{number}")})
                traveller.shift(0.75)
                seen.append(found(client, domain_id))
        return seen

    first = run()
    assert first == run()
    assert [len(page) for page in first] == [0, 0, 1, 2]


def test_concurrent_writes_and_searches() -> None:
    with world() as (mock, client, _, domain_id, template_id):
        clients = [mock.client() for _ in range(8)]

        def work(index: int) -> int:
            own = clients[index]
            for number in range(5):
                create(own, domain_id, template_id, {"title": text(f"t{index}-{number}")})
                own.search_cases(domainId=domain_id)
            return len(found(own, domain_id))

        assert in_threads(8, work) == [0] * 8
        mock.settle()
        assert len(client.search_cases(domainId=domain_id, maxResults=100)["cases"]) == 40
