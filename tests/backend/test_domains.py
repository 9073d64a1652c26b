"""Domains: CreateDomain, GetDomain, ListDomains, DeleteDomain through boto3 (spec 2.2)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock import CasesMock, Settings, mock_cases

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

MISSING = "00000000-0000-4000-8000-000000000000"


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def names(client: ConnectCasesClient) -> list[str]:
    return [d["name"] for d in client.list_domains()["domains"]]


# -- CreateDomain ------------------------------------------------------------------------


def test_create_returns_uuid_arn_and_active_status(client: ConnectCasesClient) -> None:
    created = client.create_domain(name="support")
    domain_id = created["domainId"]
    assert uuid.UUID(domain_id).version == 4
    assert created["domainArn"] == f"arn:aws:cases:us-east-1:123456789012:domain/{domain_id}"
    assert created["domainStatus"] == "Active"


def test_arn_uses_the_mock_account_and_the_client_region() -> None:
    with mock_cases(account_id="111122223333") as mock:
        arn = mock.client(region="eu-west-2").create_domain(name="d")["domainArn"]
    assert re.fullmatch(r"arn:aws:cases:eu-west-2:111122223333:domain/[0-9a-f-]{36}", arn)


def test_ids_are_unique(client: ConnectCasesClient) -> None:
    ids = {client.create_domain(name=f"d{i}")["domainId"] for i in range(5)}
    assert len(ids) == 5


def test_duplicate_name_is_a_conflict_and_changes_nothing(client: ConnectCasesClient) -> None:
    client.create_domain(name="support")
    with pytest.raises(client.exceptions.ConflictException) as excinfo:
        client.create_domain(name="support")
    assert error_of(excinfo) == ("ConflictException", 409)
    assert names(client) == ["support"]


def test_a_deleted_domain_frees_its_name(client: ConnectCasesClient) -> None:
    first = client.create_domain(name="support")["domainId"]
    client.delete_domain(domainId=first)
    second = client.create_domain(name="support")["domainId"]
    assert second != first


def test_five_domains_then_quota_exceeded(client: ConnectCasesClient) -> None:
    for index in range(5):
        client.create_domain(name=f"d{index}")
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as excinfo:
        client.create_domain(name="sixth")
    assert error_of(excinfo) == ("ServiceQuotaExceededException", 402)
    assert len(names(client)) == 5


def test_quota_counts_existing_domains_only(client: ConnectCasesClient) -> None:
    ids = [client.create_domain(name=f"d{index}")["domainId"] for index in range(5)]
    client.delete_domain(domainId=ids[0])
    client.create_domain(name="replacement")
    assert len(names(client)) == 5


def test_quota_is_configurable() -> None:
    with mock_cases(settings=Settings(domains=2)) as mock:
        client = mock.client()
        client.create_domain(name="a")
        client.create_domain(name="b")
        with pytest.raises(ClientError) as excinfo:
            client.create_domain(name="c")
    assert error_of(excinfo) == ("ServiceQuotaExceededException", 402)


def test_duplicate_name_is_checked_before_the_quota(client: ConnectCasesClient) -> None:
    for index in range(5):
        client.create_domain(name=f"d{index}")
    with pytest.raises(ClientError) as excinfo:
        client.create_domain(name="d0")
    assert error_of(excinfo)[0] == "ConflictException"


# -- GetDomain ---------------------------------------------------------------------------


def test_get_returns_every_member(mock: CasesMock, client: ConnectCasesClient) -> None:
    frozen = datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=timezone.utc)
    with time_machine.travel(frozen, tick=False):
        created = client.create_domain(name="support")
    got = client.get_domain(domainId=created["domainId"])
    assert got["domainId"] == created["domainId"]
    assert got["domainArn"] == created["domainArn"]
    assert got["name"] == "support"
    assert got["createdTime"] == frozen
    assert got["domainStatus"] == "Active"
    assert got["tags"] == {}


def test_created_time_does_not_change(client: ConnectCasesClient, domain_id: str) -> None:
    first = client.get_domain(domainId=domain_id)["createdTime"]
    assert client.get_domain(domainId=domain_id)["createdTime"] == first


def test_get_unknown_domain(client: ConnectCasesClient) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.get_domain(domainId=MISSING)
    response: dict[str, Any] = dict(excinfo.value.response)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    assert response["resourceId"] == MISSING
    assert response["resourceType"] == "Domain"


def test_get_with_an_id_too_long(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_domain(domainId="d" * 501)
    assert error_of(excinfo) == ("ValidationException", 400)


# -- ListDomains -------------------------------------------------------------------------


def test_list_is_empty_at_first(client: ConnectCasesClient) -> None:
    listed = client.list_domains()
    assert listed["domains"] == []
    assert "nextToken" not in listed


def test_list_gives_summaries_in_creation_order(client: ConnectCasesClient) -> None:
    created = [client.create_domain(name=name) for name in ("zeta", "alpha", "mid")]
    listed = client.list_domains()["domains"]
    assert listed == [
        {"domainId": c["domainId"], "domainArn": c["domainArn"], "name": name}
        for c, name in zip(created, ("zeta", "alpha", "mid"), strict=True)
    ]


# -- DeleteDomain ------------------------------------------------------------------------


def test_delete_removes_the_domain(client: ConnectCasesClient, domain_id: str) -> None:
    client.delete_domain(domainId=domain_id)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_domain(domainId=domain_id)
    assert names(client) == []


def test_delete_unknown_or_deleted_domain(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_domain(domainId=MISSING)
    client.delete_domain(domainId=domain_id)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.delete_domain(domainId=domain_id)
    assert dict(excinfo.value.response)["resourceId"] == domain_id


def test_delete_removes_everything_under_the_domain(
    mock: CasesMock, client: ConnectCasesClient, domain_id: str
) -> None:
    arn = client.get_domain(domainId=domain_id)["domainArn"]
    client.tag_resource(arn=arn, tags={"team": "support"})
    field = client.create_field(domainId=domain_id, name="Priority", type="Text")
    other = client.create_domain(name="other")["domainId"]

    client.delete_domain(domainId=domain_id)

    for call in (
        lambda: client.list_tags_for_resource(arn=arn),
        lambda: client.list_tags_for_resource(arn=field["fieldArn"]),
        lambda: client.list_fields(domainId=domain_id),
        lambda: client.get_domain(domainId=domain_id),
    ):
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            call()
    assert list(mock.store.region("us-east-1").domains) == [other]
    # a new domain of the same name has nothing of the old one
    new_id = client.create_domain(name="test-domain")["domainId"]
    assert client.get_domain(domainId=new_id)["tags"] == {}
    new_fields = {f["name"] for f in client.list_fields(domainId=new_id, maxResults=100)["fields"]}
    assert "Priority" not in new_fields
