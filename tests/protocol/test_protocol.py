"""The rest-json protocol derived from the model: router, decoder, encoder and errors on
the wire, tested directly and through boto3."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from casemock import CasesMock, _model
from casemock._dispatch import caller
from casemock._errors import ServiceError, not_found
from casemock._protocol import decoder, encoder, router

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

DOMAIN_ARN = "arn:aws:cases:us-west-2:123456789012:domain/d-1"


def request_path(operation: str) -> tuple[str, str, dict[str, str]]:
    """Method, raw path and labels of a request to ``operation``, labels filled in."""
    http = _model.operation(operation).http
    uri = http["requestUri"].split("?", 1)[0]
    labels: dict[str, str] = {}
    parts = []
    for part in uri.split("/"):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1].rstrip("+")
            labels[name] = f"value-of-{name}"
            parts.append(quote(labels[name], safe=""))
        else:
            parts.append(part)
    return http["method"], "/".join(parts), labels


# -- router ------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", _model.operation_names())
def test_every_model_route_matches_its_operation(operation: str) -> None:
    method, path, labels = request_path(operation)
    assert router.match(method, path) == (operation, labels)


def test_routes_are_compiled_from_every_operation() -> None:
    assert sorted(route.operation for route in router.routes()) == sorted(_model.operation_names())


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/domains/d/cases/c/related-items/", "CreateRelatedItem"),
        ("POST", "/domains/d/cases/c", "GetCase"),
        ("POST", "/domains/d/cases/c/related-items", None),
        ("POST", "/domains/d/cases/c/", None),
        ("POST", "/domains/d/rules-list/", "ListCaseRules"),
        ("POST", "/domains/d/rules-list", None),
        ("POST", "/domains/d/cases/c/related-items-search", "SearchRelatedItems"),
        ("PUT", "/domains/d/cases/c", "UpdateCase"),
        ("DELETE", "/domains/d/cases/c", "DeleteCase"),
    ],
)
def test_trailing_slashes_are_significant(method: str, path: str, expected: str | None) -> None:
    matched = router.match(method, path)
    assert (matched[0] if matched else None) == expected


def test_percent_encoded_arn_is_one_label() -> None:
    encoded = quote(DOMAIN_ARN, safe="")
    path = "/tags/" + encoded
    assert "%2F" in path
    assert router.match("GET", path) == ("ListTagsForResource", {"arn": encoded})
    assert router.match("POST", path) == ("TagResource", {"arn": encoded})
    assert router.match("DELETE", path) == ("UntagResource", {"arn": encoded})
    params = decoder.decode("ListTagsForResource", {"arn": encoded}, "", {}, b"")
    assert params == {"arn": DOMAIN_ARN}


def test_unencoded_slash_in_a_label_does_not_match() -> None:
    assert router.match("GET", "/tags/arn:aws:cases:us-west-2:123456789012:domain/d-1") is None


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/domains/"), ("GET", "/domains/d"), ("POST", "/nothing"), ("PATCH", "/domains")],
)
def test_requests_that_match_no_route(method: str, path: str) -> None:
    assert router.match(method, path) is None


# -- decoder -----------------------------------------------------------------------------


def test_repeated_query_keys_become_a_list() -> None:
    query = "status=Active&status=Inactive&maxResults=5&nextToken=t"
    params = decoder.decode("ListTemplates", {"domainId": "d"}, query, {}, b"")
    assert params == {
        "domainId": "d",
        "status": ["Active", "Inactive"],
        "maxResults": 5,
        "nextToken": "t",
    }


def test_untag_resource_tag_keys_from_the_query() -> None:
    query = "tagKeys=team&tagKeys=cost%20centre"
    params = decoder.decode("UntagResource", {"arn": quote(DOMAIN_ARN)}, query, {}, b"")
    assert params == {"arn": DOMAIN_ARN, "tagKeys": ["team", "cost centre"]}


@pytest.mark.parametrize("body", [b"", b"{}", b"  ", b"\n"])
def test_empty_post_bodies(body: bytes) -> None:
    assert decoder.decode("GetDomain", {"domainId": "d"}, "", {}, body) == {"domainId": "d"}


def test_body_members_and_path_labels_merge() -> None:
    body = json.dumps({"fields": [{"id": "title"}]}).encode()
    params = decoder.decode("GetCase", {"domainId": "d", "caseId": "c"}, "", {}, body)
    assert params == {"domainId": "d", "caseId": "c", "fields": [{"id": "title"}]}


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"'])
def test_a_body_that_is_not_a_json_object(body: bytes) -> None:
    with pytest.raises(ServiceError) as excinfo:
        decoder.decode("CreateDomain", {}, "", {}, body)
    assert excinfo.value.code == "SerializationException"


def test_a_query_integer_that_is_not_a_number() -> None:
    with pytest.raises(ServiceError) as excinfo:
        decoder.decode("ListDomains", {}, "maxResults=ten", {}, b"")
    assert excinfo.value.code == "SerializationException"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-06T07:08:09.123Z", datetime(2024, 5, 6, 7, 8, 9, 123000, timezone.utc)),
        ("2024-05-06T09:08:09+02:00", datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)),
        ("2024-05-06T07:08:09", datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)),
        (1715000000, datetime.fromtimestamp(1715000000, timezone.utc)),
        ("1715000000.5", datetime.fromtimestamp(1715000000.5, timezone.utc)),
    ],
)
def test_timestamps_decode_to_aware_datetimes(text: str | int, expected: datetime) -> None:
    assert decoder.parse_timestamp(text) == expected


@pytest.mark.parametrize("value", ["yesterday", True, None, [1]])
def test_unparsable_timestamps(value: Any) -> None:
    with pytest.raises(ServiceError) as excinfo:
        decoder.parse_timestamp(value)
    assert excinfo.value.code == "SerializationException"


# -- encoder -----------------------------------------------------------------------------


def test_output_has_request_id_content_type_and_iso_timestamps() -> None:
    created = datetime(2024, 5, 6, 9, 8, 9, 123456, tzinfo=timezone(timedelta(hours=2)))
    status, headers, body = encoder.encode_output(
        "GetDomain",
        {
            "domainId": "d",
            "domainArn": DOMAIN_ARN,
            "name": "n",
            "createdTime": created,
            "domainStatus": "Active",
            "tags": {},
        },
    )
    assert status == 200
    assert uuid.UUID(headers["x-amzn-RequestId"]).version == 4
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["createdTime"] == "2024-05-06T07:08:09.123Z"


def test_request_ids_differ_per_response() -> None:
    ids = {encoder.encode_output("DeleteDomain", {})[1]["x-amzn-RequestId"] for _ in range(50)}
    assert len(ids) == 50


def test_operation_without_output_shape_has_an_empty_body() -> None:
    assert _model.operation("TagResource").output_shape is None
    assert encoder.encode_output("TagResource", {})[2] == b""


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ValidationException", 400),
        ("AccessDeniedException", 403),
        ("ResourceNotFoundException", 404),
        ("ConflictException", 409),
        ("ServiceQuotaExceededException", 402),
        ("ThrottlingException", 429),
        ("InternalServerException", 500),
        ("SerializationException", 400),  # not modeled: a client error
    ],
)
def test_error_status_comes_from_the_model(code: str, status: int) -> None:
    got_status, headers, body = encoder.encode_error(ServiceError(code, "went wrong"))
    assert got_status == status
    assert headers["x-amzn-ErrorType"] == code
    assert uuid.UUID(headers["x-amzn-RequestId"]).version == 4
    assert json.loads(body) == {"message": "went wrong"}


def test_resource_not_found_carries_resource_id_and_type() -> None:
    _, _, body = encoder.encode_error(not_found("Domain", "d-1"))
    assert json.loads(body) == {
        "message": "Domain d-1 not found",
        "resourceId": "d-1",
        "resourceType": "Domain",
    }


def test_retry_after_travels_in_a_header() -> None:
    error = ServiceError("InternalServerException", "try later", retryAfterSeconds=7)
    status, headers, body = encoder.encode_error(error)
    assert status == 500
    assert headers["Retry-After"] == "7"
    assert json.loads(body) == {"message": "try later"}


# -- through boto3 -----------------------------------------------------------------------


def test_boto3_sees_request_id_and_parsed_timestamps(client: ConnectCasesClient) -> None:
    domain_id = client.create_domain(name="d")["domainId"]
    response = client.get_domain(domainId=domain_id)
    meta = response["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 200
    assert meta["RequestId"] == meta["HTTPHeaders"]["x-amzn-requestid"]
    assert uuid.UUID(meta["RequestId"]).version == 4
    created = response["createdTime"]
    assert created.tzinfo is not None
    assert abs(datetime.now(timezone.utc) - created) < timedelta(minutes=1)


def test_boto3_sees_modeled_error_members(client: ConnectCasesClient) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as excinfo:
        client.get_domain(domainId=missing)
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == (
        "ResourceNotFoundException"
    )
    assert response["resourceId"] == missing  # type: ignore[typeddict-item]
    assert response["resourceType"] == "Domain"  # type: ignore[typeddict-item]
    assert missing in response["Error"]["Message"]


def test_boto3_sees_retry_after_as_retry_after_seconds(mock: CasesMock) -> None:
    client = mock.client(config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
    mock.add_error("ListDomains", "InternalServerException", members={"retryAfterSeconds": 3})
    with pytest.raises(ClientError) as excinfo:
        client.list_domains()
    response: dict[str, Any] = dict(excinfo.value.response)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert response["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "3"
    assert response["retryAfterSeconds"] == 3


def test_quota_error_is_402_through_boto3(mock: CasesMock) -> None:
    client = mock.client()
    mock.add_error("CreateDomain", "ServiceQuotaExceededException")
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as excinfo:
        client.create_domain(name="d")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 402


def test_percent_encoded_arn_through_boto3(client: ConnectCasesClient) -> None:
    arn = client.create_domain(name="d")["domainArn"]
    client.tag_resource(arn=arn, tags={"team": "support"})
    assert client.list_tags_for_resource(arn=arn)["tags"] == {"team": "support"}


# -- caller identity ---------------------------------------------------------------------


def test_caller_reads_region_and_key_from_the_signature() -> None:
    auth = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240506/eu-west-2/cases/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc"
    )
    url = "https://cases.us-east-1.amazonaws.com/domains-list"
    assert caller(url, {"Authorization": auth}, "ap-south-1") == ("eu-west-2", "AKIDEXAMPLE")


@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("https://cases.eu-central-1.amazonaws.com/domains", "eu-central-1"),
        ("https://cases-fips.us-gov-west-1.amazonaws.com/domains", "us-gov-west-1"),
        ("http://localhost:5000/domains", "ap-south-1"),
    ],
)
def test_unsigned_requests_take_the_region_from_the_host(url: str, region: str) -> None:
    assert caller(url, {}, "ap-south-1") == (region, None)
