"""HTTP server mode: clients in other processes get the same answers over HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from casemock import CasesMock
from casemock.server import run_in_thread


@pytest.fixture
def endpoint() -> Iterator[str]:
    with run_in_thread(mock=CasesMock(account_id="111122223333")) as server:
        yield server.url


def client_for(endpoint: str, region: str) -> Any:
    return boto3.client(
        "connectcases",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id="AKIDSERVER",
        aws_secret_access_key="secret",
    )


def test_boto3_client_talks_to_the_server(endpoint: str) -> None:
    client = client_for(endpoint, "eu-west-2")
    created = client.create_domain(name="over-http")
    assert created["domainArn"].startswith("arn:aws:cases:eu-west-2:111122223333:domain/")
    client.tag_resource(arn=created["domainArn"], tags={"team": "support"})
    assert client.list_tags_for_resource(arn=created["domainArn"])["tags"] == {"team": "support"}
    assert client.get_domain(domainId=created["domainId"])["name"] == "over-http"


def test_errors_keep_status_type_and_members(endpoint: str) -> None:
    client = client_for(endpoint, "eu-west-2")
    with pytest.raises(ClientError) as excinfo:
        client.get_domain(domainId="missing")
    response = excinfo.value.response
    assert response["Error"]["Code"] == "ResourceNotFoundException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert response["resourceId"] == "missing"  # type: ignore[typeddict-item]


def test_regions_are_separate_over_http(endpoint: str) -> None:
    west = client_for(endpoint, "us-west-2")
    east = client_for(endpoint, "us-east-1")
    west.create_domain(name="only-west")
    assert [d["name"] for d in west.list_domains()["domains"]] == ["only-west"]
    assert east.list_domains()["domains"] == []


def test_unsigned_raw_http_request_is_answered(endpoint: str) -> None:
    request = urllib.request.Request(
        f"{endpoint}/domains",
        data=json.dumps({"name": "raw"}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
        assert response.headers["x-amzn-RequestId"]
        assert json.loads(response.read())["domainStatus"] == "Active"


def test_raw_http_validation_error(endpoint: str) -> None:
    request = urllib.request.Request(
        f"{endpoint}/domains",
        data=json.dumps({"name": "x" * 101}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(request)
    assert excinfo.value.code == 400
    assert excinfo.value.headers["x-amzn-ErrorType"] == "ValidationException"
    message = json.loads(excinfo.value.read())["message"]
    assert "Member must have length less than or equal to 100" in message
