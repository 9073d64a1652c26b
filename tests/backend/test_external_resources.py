"""External resources through real boto3 clients: contacts, users, files and customer
profiles registered on the mock (``add_contact`` and friends) give related items their real
content, and with ``Settings.resolve_external_resources`` unregistered ones are refused
with ResourceNotFoundException; snapshots carry the registry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock import (
    CasesMock,
    CasesMockError,
    MockNotStartedError,
    Settings,
    SnapshotFormatError,
    _model,
    mock_cases,
)
from casemock.seeding import create_cases
from tests.helpers import (
    CONTACT,
    FILE,
    PROFILE,
    REGION,
    USER,
    add,
    contact,
    create,
    custom,
    item,
    make_field,
    make_template,
    text,
    update,
)

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

MOMENT = datetime(2031, 5, 17, 9, 30, tzinfo=timezone.utc)
CONNECTED = MOMENT - timedelta(minutes=7)


@contextmanager
def world(resolve: bool) -> Iterator[tuple[CasesMock, ConnectCasesClient, str, str, str]]:
    """A mock (resolving external resources or not), a domain, a template and a case."""
    settings = Settings(resolve_external_resources=resolve)
    with time_machine.travel(MOMENT, tick=False), mock_cases(region=REGION, settings=settings) as m:
        client: ConnectCasesClient = m.client()
        domain_id = client.create_domain(name="d")["domainId"]
        template_id = make_template(client, domain_id)
        yield m, client, domain_id, template_id, create(client, domain_id, template_id)


def not_found(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, str, str]:
    response: Any = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["resourceType"],
        response["resourceId"],
    )


# -- registered contacts give contact items their content ---------------------------------------


def test_unregistered_contacts_are_taken_on_trust_by_default() -> None:
    with world(resolve=False) as (_, client, domain_id, _, case_id):
        found = item(
            client, domain_id, case_id, add(client, domain_id, case_id, "Contact", contact())
        )
    assert found["content"]["contact"]["channel"] == "VOICE"
    assert found["content"]["contact"]["connectedToSystemTime"] == MOMENT


def test_a_registered_contact_gives_its_channel_and_connection_time() -> None:
    with world(resolve=False) as (mock, client, domain_id, _, case_id):
        mock.add_contact(CONTACT, channel="CHAT", connected_at=CONNECTED)
        found = item(
            client, domain_id, case_id, add(client, domain_id, case_id, "Contact", contact())
        )
        chats = client.search_related_items(
            domainId=domain_id, caseId=case_id, filters=[{"contact": {"channel": ["CHAT"]}}]
        )["relatedItems"]
    assert found["content"]["contact"] == {
        "contactArn": CONTACT,
        "channel": "CHAT",
        "connectedToSystemTime": CONNECTED,
    }
    assert [i["relatedItemId"] for i in chats] == [found["relatedItemId"]]


def test_a_registered_contact_is_connected_now_unless_told_otherwise() -> None:
    with world(resolve=False) as (mock, client, domain_id, _, case_id):
        mock.add_contact(CONTACT, connected_at=datetime(2031, 5, 17, 9))  # naive: UTC
        other = CONTACT.replace("c-1", "c-2")
        mock.add_contact(other, channel="EMAIL")
        first = add(client, domain_id, case_id, "Contact", contact())
        second = add(client, domain_id, case_id, "Contact", contact(other))
        times = [item(client, domain_id, case_id, i)["content"]["contact"] for i in (first, second)]
    assert times[0]["connectedToSystemTime"] == datetime(2031, 5, 17, 9, tzinfo=timezone.utc)
    assert times[0]["channel"] == "VOICE"
    assert times[1] == {"contactArn": other, "channel": "EMAIL", "connectedToSystemTime": MOMENT}


# -- resolve_external_resources -------------------------------------------------------------


def test_an_unregistered_contact_is_not_found() -> None:
    with world(resolve=True) as (mock, client, domain_id, _, case_id):
        with pytest.raises(ClientError) as excinfo:
            add(client, domain_id, case_id, "Contact", contact())
        mock.add_contact(CONTACT)
        add(client, domain_id, case_id, "Contact", contact())
    assert not_found(excinfo) == ("ResourceNotFoundException", 404, "Contact", CONTACT)


def test_a_contact_the_resolver_setting_knows_counts_as_registered() -> None:
    def resolver(arn: str) -> dict[str, Any] | None:
        return {"channel": "TASK"} if arn == CONTACT else None

    settings = Settings(resolve_external_resources=True, contact_resolver=resolver)
    with mock_cases(region=REGION, settings=settings) as mock:
        client = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        case_id = create(client, domain_id, make_template(client, domain_id))
        found = item(
            client, domain_id, case_id, add(client, domain_id, case_id, "Contact", contact())
        )
        with pytest.raises(ClientError) as excinfo:
            add(client, domain_id, case_id, "Contact", contact(CONTACT.replace("c-1", "c-9")))
    assert found["content"]["contact"]["channel"] == "TASK"
    assert not_found(excinfo)[0] == "ResourceNotFoundException"


def test_an_unregistered_file_is_not_found() -> None:
    with world(resolve=True) as (mock, client, domain_id, _, case_id):
        file = {"file": {"fileArn": FILE}}
        with pytest.raises(ClientError) as excinfo:
            add(client, domain_id, case_id, "File", file)
        mock.add_file(FILE)
        add(client, domain_id, case_id, "File", file)
    assert not_found(excinfo) == ("ResourceNotFoundException", 404, "File", FILE)


def test_an_unregistered_performer_is_not_found() -> None:
    with world(resolve=True) as (mock, client, domain_id, template_id, case_id):
        by: dict[str, Any] = {"performedBy": {"userArn": USER}}
        with pytest.raises(ClientError) as excinfo:
            create(client, domain_id, template_id, **by)
        with pytest.raises(ClientError):
            update(client, domain_id, case_id, {"title": text("x")}, **by)
        with pytest.raises(ClientError):
            add(
                client,
                domain_id,
                case_id,
                "Comment",
                {"comment": {"body": "b", "contentType": "Text/Plain"}},
                **by,
            )
        with pytest.raises(ClientError) as malformed:
            create(client, domain_id, template_id, performedBy={"userArn": "someone"})
        mock.add_user(USER)
        create(client, domain_id, template_id, **by)
        update(client, domain_id, case_id, {"title": text("x")}, **by)
        create(client, domain_id, template_id, performedBy={"customEntity": "a bot"})
    assert not_found(excinfo) == ("ResourceNotFoundException", 404, "User", USER)
    assert malformed.value.response["Error"]["Code"] == "ValidationException"  # not an ARN


def test_unregistered_user_and_customer_profile_values_are_not_found() -> None:
    with world(resolve=True) as (mock, client, domain_id, template_id, case_id):
        owner = make_field(client, domain_id, "Owner", "User")
        with pytest.raises(ClientError) as user:
            update(client, domain_id, case_id, {owner: {"userArnValue": USER}})
        with pytest.raises(ClientError) as profile:
            create(
                client, domain_id, template_id, {"title": text("t"), "customer_id": text(PROFILE)}
            )
        with pytest.raises(ClientError) as malformed:
            create(client, domain_id, template_id, {"title": text("t"), "customer_id": text("x")})
        with pytest.raises(ClientError) as in_custom:
            add(client, domain_id, case_id, "Custom", custom(**{owner: {"userArnValue": USER}}))
        mock.add_user(USER)
        mock.add_customer_profile(PROFILE)
        update(client, domain_id, case_id, {owner: {"userArnValue": USER}})
        create(client, domain_id, template_id, {"title": text("t"), "customer_id": text(PROFILE)})
        add(client, domain_id, case_id, "Custom", custom(**{owner: {"userArnValue": USER}}))
    assert not_found(user) == ("ResourceNotFoundException", 404, "User", USER)
    assert not_found(profile) == ("ResourceNotFoundException", 404, "CustomerProfile", PROFILE)
    assert not_found(in_custom)[2] == "User"
    assert malformed.value.response["Error"]["Code"] == "ValidationException"


@pytest.mark.skipif(not _model.has_operation("BatchUpdateCase"), reason="no BatchUpdateCase")
def test_batch_update_customer_is_resolved_for_the_whole_request() -> None:
    with world(resolve=True) as (mock, client, domain_id, _, case_id):
        request: dict[str, Any] = {
            "domainId": domain_id,
            "cases": [{"caseIdentifier": {"caseId": case_id}}],
            "customerId": PROFILE,
            "fields": [],
        }
        with pytest.raises(ClientError) as excinfo:
            client.batch_update_case(**request)  # type: ignore[attr-defined]
        mock.add_customer_profile(PROFILE)
        answer = client.batch_update_case(**request)  # type: ignore[attr-defined]
    assert not_found(excinfo)[2] == "CustomerProfile"
    assert answer["failedCases"] == []


def test_searching_for_an_unregistered_resource_is_no_error() -> None:
    with world(resolve=True) as (_, client, domain_id, _, case_id):
        filters: Any = {"field": {"equalTo": {"id": "customer_id", "value": text(PROFILE)}}}
        assert client.search_cases(domainId=domain_id, filter=filters)["cases"] == []
        assert client.list_cases_for_contact(domainId=domain_id, contactArn=CONTACT)["cases"] == []
        related = client.search_related_items(
            domainId=domain_id, caseId=case_id, filters=[{"contact": {"contactArn": CONTACT}}]
        )
        assert related["relatedItems"] == []


def test_seeded_cases_are_resolved_too() -> None:
    with world(resolve=True) as (mock, _, domain_id, template_id, _):
        rows = [{"title": "t", "customer_id": PROFILE}]
        with pytest.raises(ClientError) as excinfo:
            create_cases(mock, domain_id, template_id, rows)
        mock.add_customer_profile(PROFILE)
        assert len(create_cases(mock, domain_id, template_id, rows)) == 1
    assert not_found(excinfo)[2] == "CustomerProfile"


# -- the registry -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "arn"),
    [
        ("add_contact", FILE),
        ("add_user", CONTACT),
        ("add_file", USER),
        ("add_customer_profile", "arn:aws:profile:us-east-1:123456789012:domains/d"),
    ],
)
def test_malformed_arns_are_refused(method: str, arn: str) -> None:
    with mock_cases() as mock, pytest.raises(CasesMockError):
        getattr(mock, method)(arn)


def test_a_contact_channel_must_be_a_channel() -> None:
    with mock_cases() as mock, pytest.raises(CasesMockError):
        mock.add_contact(CONTACT, channel="")


def test_registering_needs_an_active_mock() -> None:
    with pytest.raises(MockNotStartedError):
        mock_cases().add_user(USER)


def test_each_activation_starts_with_an_empty_registry() -> None:
    mock = mock_cases()
    with mock:
        mock.add_user(USER)
        assert mock.store.external.users == {USER}
    with mock:
        assert not mock.store.external


def test_snapshots_carry_the_registry() -> None:
    settings = Settings(resolve_external_resources=True)
    with mock_cases(settings=settings) as first:
        first.add_contact(CONTACT, channel="CHAT", connected_at=CONNECTED)
        first.add_user(USER)
        first.add_file(FILE)
        first.add_customer_profile(PROFILE)
        doc = first.snapshot()
    with mock_cases(settings=settings, state=doc) as second:
        restored = second.store.external
        assert restored.contacts[CONTACT].channel == "CHAT"
        assert restored.contacts[CONTACT].connected_at == CONNECTED
        assert (restored.users, restored.files, restored.customer_profiles) == (
            {USER},
            {FILE},
            {PROFILE},
        )
        assert second.snapshot()["external"] == doc["external"]


def test_documents_without_a_registry_still_load_and_empty_it() -> None:
    with mock_cases() as mock:
        doc = mock.snapshot()
        assert "external" not in doc
        mock.add_user(USER)
        mock.restore(doc)
        assert not mock.store.external


def test_a_damaged_registry_leaves_the_state_alone() -> None:
    with mock_cases() as mock:
        mock.add_user(USER)
        doc = dict(mock.snapshot())
        doc["external"] = {"users": ["not-an-arn"]}
        with pytest.raises(SnapshotFormatError):
            mock.restore(doc)
        assert mock.store.external.users == {USER}
