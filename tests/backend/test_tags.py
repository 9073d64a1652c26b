"""TagResource / UntagResource / ListTagsForResource on Connect Cases ARNs (spec 14)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from casemock import Settings, mock_cases

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any


@pytest.fixture
def arn(client: ConnectCasesClient, domain_id: str) -> str:
    return client.get_domain(domainId=domain_id)["domainArn"]


def tags_of(client: ConnectCasesClient, arn: str) -> dict[str, str]:
    return client.list_tags_for_resource(arn=arn)["tags"]


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


# -- the happy path ----------------------------------------------------------------------


def test_a_new_domain_has_no_tags(client: ConnectCasesClient, arn: str) -> None:
    assert tags_of(client, arn) == {}


def test_tag_list_and_get_domain(client: ConnectCasesClient, domain_id: str, arn: str) -> None:
    client.tag_resource(arn=arn, tags={"team": "support", "cost-centre": "42"})
    assert tags_of(client, arn) == {"team": "support", "cost-centre": "42"}
    assert client.get_domain(domainId=domain_id)["tags"] == {
        "team": "support",
        "cost-centre": "42",
    }


def test_tagging_merges_and_overwrites(client: ConnectCasesClient, arn: str) -> None:
    client.tag_resource(arn=arn, tags={"team": "support", "tier": "1"})
    client.tag_resource(arn=arn, tags={"tier": "2", "region": "emea"})
    assert tags_of(client, arn) == {"team": "support", "tier": "2", "region": "emea"}


def test_untag_several_keys(client: ConnectCasesClient, arn: str) -> None:
    client.tag_resource(arn=arn, tags={"a": "1", "b": "2", "c": "3"})
    client.untag_resource(arn=arn, tagKeys=["a", "c"])
    assert tags_of(client, arn) == {"b": "2"}


def test_untag_a_missing_key_is_not_an_error(client: ConnectCasesClient, arn: str) -> None:
    client.tag_resource(arn=arn, tags={"a": "1"})
    client.untag_resource(arn=arn, tagKeys=["never-set"])
    assert tags_of(client, arn) == {"a": "1"}


def test_empty_values_and_allowed_characters(client: ConnectCasesClient, arn: str) -> None:
    tags = {"k": "", "Key With Spaces_.:/=+-@": "Value With Spaces_.:/=+-@"}
    client.tag_resource(arn=arn, tags=tags)
    assert tags_of(client, arn) == tags


def test_tagging_is_generic_over_arn_kinds(client: ConnectCasesClient, domain_id: str) -> None:
    field = client.create_field(domainId=domain_id, name="Priority", type="Text")
    client.tag_resource(arn=field["fieldArn"], tags={"owner": "ops"})
    assert tags_of(client, field["fieldArn"]) == {"owner": "ops"}
    client.delete_field(domainId=domain_id, fieldId=field["fieldId"])
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        tags_of(client, field["fieldArn"])


# -- which ARNs ----------------------------------------------------------------------------


def test_unknown_domain_arn(client: ConnectCasesClient, arn: str) -> None:
    unknown = arn.rsplit("/", 1)[0] + "/00000000-0000-4000-8000-000000000000"
    calls: list[Callable[[], object]] = [
        lambda: client.list_tags_for_resource(arn=unknown),
        lambda: client.tag_resource(arn=unknown, tags={"a": "b"}),
        lambda: client.untag_resource(arn=unknown, tagKeys=["a"]),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == ("ResourceNotFoundException", 404)
        assert dict(excinfo.value.response)["resourceId"] == unknown


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (":123456789012:", ":210987654321:"),
        (":us-east-1:", ":eu-west-1:"),
        ("arn:aws:", "arn:aws-us-gov:"),
        ("arn:aws:", "arn:aws-cn:"),
    ],
    ids=["another-account", "another-region", "another-partition", "china-partition"],
)
def test_arn_of_another_account_region_or_partition(
    client: ConnectCasesClient, arn: str, old: str, new: str
) -> None:
    elsewhere = arn.replace(old, new)
    with pytest.raises(ClientError) as excinfo:
        client.tag_resource(arn=elsewhere, tags={"a": "b"})
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    assert tags_of(client, arn) == {}


def test_deleted_domain_arn(client: ConnectCasesClient, domain_id: str, arn: str) -> None:
    client.delete_domain(domainId=domain_id)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        tags_of(client, arn)


@pytest.mark.parametrize(
    "bad",
    [
        "not-an-arn",
        "arn:aws:s3:::my-bucket",
        "arn:aws:cases:us-east-1:123456789012:template/t-1",
        "arn:aws:cases:us-east-1:12345:domain/d-1",
    ],
)
def test_malformed_arn(client: ConnectCasesClient, bad: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_tags_for_resource(arn=bad)
    assert error_of(excinfo) == ("ValidationException", 400)


# -- key and value rules -----------------------------------------------------------------


@pytest.mark.parametrize(
    "tags",
    [
        {"aws:reserved": "v"},
        {"AWS:Reserved": "v"},
        {"a*b": "v"},
        {"k" * 129: "v"},
        {"k": "v" * 257},
        {"k": "caf\u00e9"},
        {"k": "a;b"},
    ],
    ids=[
        "aws-prefix",
        "aws-prefix-any-case",
        "bad-key-char",
        "key-too-long",
        "value-too-long",
        "non-ascii-value",
        "bad-value-char",
    ],
)
def test_invalid_tags_are_refused_and_nothing_changes(
    client: ConnectCasesClient, arn: str, tags: dict[str, str]
) -> None:
    client.tag_resource(arn=arn, tags={"kept": "yes"})
    with pytest.raises(ClientError) as excinfo:
        client.tag_resource(arn=arn, tags={"good": "tag", **tags})
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "validation error" in excinfo.value.response["Error"]["Message"]
    assert tags_of(client, arn) == {"kept": "yes"}


def test_untag_key_pattern_comes_from_the_model(client: ConnectCasesClient, arn: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.untag_resource(arn=arn, tagKeys=["aws:x"])
    assert error_of(excinfo) == ("ValidationException", 400)


# -- the 50-tag limit --------------------------------------------------------------------


def test_fifty_tags_then_no_more(client: ConnectCasesClient, arn: str) -> None:
    fifty = {f"k{i}": "v" for i in range(50)}
    client.tag_resource(arn=arn, tags=fifty)
    with pytest.raises(ClientError) as excinfo:
        client.tag_resource(arn=arn, tags={"one-more": "v"})
    assert error_of(excinfo) == ("ValidationException", 400)
    client.tag_resource(arn=arn, tags={"k0": "changed"})  # overwriting keeps 50
    assert len(tags_of(client, arn)) == 50
    assert tags_of(client, arn)["k0"] == "changed"


def test_fifty_one_at_once_is_refused(client: ConnectCasesClient, arn: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.tag_resource(arn=arn, tags={f"k{i}": "v" for i in range(51)})
    assert error_of(excinfo) == ("ValidationException", 400)
    assert tags_of(client, arn) == {}


def test_the_tag_limit_is_configurable() -> None:
    with mock_cases(settings=Settings(tags_per_resource=2)) as mock:
        client = mock.client()
        arn = client.create_domain(name="d")["domainArn"]
        client.tag_resource(arn=arn, tags={"a": "1", "b": "2"})
        with pytest.raises(ClientError) as excinfo:
            client.tag_resource(arn=arn, tags={"c": "3"})
    assert error_of(excinfo)[0] == "ValidationException"
