"""State is per (account, region): one region or account never sees another's."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from casemock import CasesMock, mock_cases


def names(mock: CasesMock, region: str) -> list[str]:
    return [d["name"] for d in mock.client(region=region).list_domains()["domains"]]


def test_regions_do_not_share_domains(mock: CasesMock) -> None:
    east, west = mock.client(region="us-east-1"), mock.client(region="eu-west-1")
    domain_id = east.create_domain(name="support")["domainId"]
    assert names(mock, "eu-west-1") == []
    with pytest.raises(west.exceptions.ResourceNotFoundException):
        west.get_domain(domainId=domain_id)
    with pytest.raises(west.exceptions.ResourceNotFoundException):
        west.delete_domain(domainId=domain_id)
    assert names(mock, "us-east-1") == ["support"]


def test_names_are_unique_per_region_only(mock: CasesMock) -> None:
    east = mock.client(region="us-east-1").create_domain(name="support")
    west = mock.client(region="eu-west-1").create_domain(name="support")
    assert east["domainArn"].startswith("arn:aws:cases:us-east-1:")
    assert west["domainArn"].startswith("arn:aws:cases:eu-west-1:")


def test_the_quota_is_per_region(mock: CasesMock) -> None:
    for region in ("us-east-1", "eu-west-1"):
        client = mock.client(region=region)
        for index in range(5):
            client.create_domain(name=f"d{index}")
    with pytest.raises(ClientError) as excinfo:
        mock.client(region="eu-west-1").create_domain(name="sixth")
    assert excinfo.value.response["Error"]["Code"] == "ServiceQuotaExceededException"


def test_tags_of_another_region_are_out_of_reach(mock: CasesMock) -> None:
    arn = mock.client(region="us-east-1").create_domain(name="d")["domainArn"]
    west = mock.client(region="eu-west-1")
    with pytest.raises(west.exceptions.ResourceNotFoundException):
        west.tag_resource(arn=arn, tags={"a": "b"})
    assert mock.client(region="us-east-1").list_tags_for_resource(arn=arn)["tags"] == {}


def test_accounts_do_not_share_domains() -> None:
    with mock_cases(account_id="111111111111") as first:
        one = first.client()
        created = one.create_domain(name="support")
        with mock_cases(account_id="222222222222") as second:
            two = second.client()
            assert two.list_domains()["domains"] == []
            with pytest.raises(two.exceptions.ResourceNotFoundException):
                two.get_domain(domainId=created["domainId"])
            with pytest.raises(two.exceptions.ResourceNotFoundException):
                two.list_tags_for_resource(arn=created["domainArn"])
            mine = two.create_domain(name="support")["domainArn"]
        assert [d["name"] for d in one.list_domains()["domains"]] == ["support"]
    assert ":111111111111:" in created["domainArn"]
    assert ":222222222222:" in mine


def test_an_arn_names_its_account() -> None:
    with mock_cases(account_id="111111111111") as mock:
        client = mock.client()
        arn = client.create_domain(name="d")["domainArn"]
        other_account = arn.replace(":111111111111:", ":123456789012:")
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.list_tags_for_resource(arn=other_account)


def test_calls_record_the_region(mock: CasesMock) -> None:
    mock.client(region="ap-southeast-2").list_domains()
    mock.client(region="eu-central-1").list_domains()
    assert [call.region for call in mock.calls] == ["ap-southeast-2", "eu-central-1"]
