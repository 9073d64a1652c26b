"""Fields: system fields, custom field CRUD, soft delete, quota, tags."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import boto3
import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock import _model, mock_cases
from casemock._settings import Settings
from tests.helpers import REGION

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
FIELD_TYPES = ["Text", "Number", "Boolean", "DateTime", "SingleSelect", "Url", "User"]
multiline = pytest.mark.skipif(
    not _model.has_member("FieldAttributes", "text"),
    reason="the installed model has no text field attributes",
)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def all_fields(client: ConnectCasesClient, domain_id: str) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"domainId": domain_id, "maxResults": 100}
        if token:
            kwargs["nextToken"] = token
        answer = client.list_fields(**kwargs)
        fields.extend(answer["fields"])  # type: ignore[arg-type]
        token = answer.get("nextToken")
        if not token:
            return fields


def get_field(client: ConnectCasesClient, domain_id: str, field_id: str) -> dict[str, Any]:
    answer = client.batch_get_field(domainId=domain_id, fields=[{"id": field_id}])
    assert answer["errors"] == []
    return dict(answer["fields"][0])


# -- system fields ----------------------------------------------------------------------


def test_new_domain_lists_the_documented_system_fields(
    client: ConnectCasesClient, domain_id: str
) -> None:
    fields = {f["fieldId"]: f for f in all_fields(client, domain_id)}
    assert set(fields) == {
        "title",
        "status",
        "summary",
        "customer_id",
        "reference_number",
        "case_reason",
        "assigned_queue",
        "assigned_user",
        "case_id",
        "created_datetime",
        "last_updated_datetime",
        "last_closed_datetime",
        "created_by",
        "last_updated_user",
    }
    assert all(f["namespace"] == "System" for f in fields.values())
    assert fields["status"]["type"] == "SingleSelect"
    assert fields["created_by"]["type"] == "User"
    assert fields["created_datetime"]["type"] == "DateTime"
    assert fields["case_id"]["fieldArn"].endswith(f"domain/{domain_id}/field/case_id")


def test_unlisted_system_fields_can_still_be_fetched(
    client: ConnectCasesClient, domain_id: str
) -> None:
    fetched = get_field(client, domain_id, "next_sla_breach_datetime")
    assert fetched["namespace"] == "System"
    assert fetched["type"] == "DateTime"


def test_status_has_the_open_and_closed_options(client: ConnectCasesClient, domain_id: str) -> None:
    options = client.list_field_options(domainId=domain_id, fieldId="status")["options"]
    assert [(o["name"], o["value"], o["active"]) for o in options] == [
        ("Open", "open", True),
        ("Closed", "closed", True),
    ]


def test_system_field_cannot_be_deleted(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.delete_field(domainId=domain_id, fieldId="summary")
    assert error_of(excinfo) == ("ValidationException", 400)
    assert get_field(client, domain_id, "summary")["deleted"] is False


@pytest.mark.parametrize("change", [{"name": "Headline"}, {"description": "Something else"}])
def test_system_field_name_and_description_cannot_change(
    client: ConnectCasesClient, domain_id: str, change: dict[str, str]
) -> None:
    before = get_field(client, domain_id, "title")
    with pytest.raises(ClientError) as excinfo:
        client.update_field(domainId=domain_id, fieldId="title", **change)  # type: ignore[arg-type]
    assert error_of(excinfo) == ("ValidationException", 400)
    assert get_field(client, domain_id, "title") == before


# -- CreateField ------------------------------------------------------------------------


@pytest.mark.parametrize("field_type", FIELD_TYPES)
def test_create_field_of_every_type(
    client: ConnectCasesClient, domain_id: str, field_type: str
) -> None:
    created = client.create_field(
        domainId=domain_id,
        name=f"My {field_type}",
        type=field_type,  # type: ignore[arg-type]
        description="for testing",
    )
    assert UUID.fullmatch(created["fieldId"])
    domain_arn = client.get_domain(domainId=domain_id)["domainArn"]
    assert created["fieldArn"] == f"{domain_arn}/field/{created['fieldId']}"
    fetched = get_field(client, domain_id, created["fieldId"])
    assert fetched["name"] == f"My {field_type}"
    assert fetched["type"] == field_type
    assert fetched["namespace"] == "Custom"
    assert fetched["description"] == "for testing"
    assert fetched["deleted"] is False
    assert fetched["tags"] == {}
    assert fetched["createdTime"] == fetched["lastModifiedTime"]
    listed = [f for f in all_fields(client, domain_id) if f["fieldId"] == created["fieldId"]]
    assert listed[0]["namespace"] == "Custom"


@multiline
def test_text_field_keeps_is_multiline(client: ConnectCasesClient, domain_id: str) -> None:
    created = client.create_field(
        domainId=domain_id, name="Notes", type="Text", attributes={"text": {"isMultiline": True}}
    )
    assert get_field(client, domain_id, created["fieldId"])["attributes"] == {
        "text": {"isMultiline": True}
    }
    listed = [f for f in all_fields(client, domain_id) if f["fieldId"] == created["fieldId"]]
    assert listed[0]["attributes"] == {"text": {"isMultiline": True}}


@multiline
def test_text_attributes_on_other_types_are_refused(
    client: ConnectCasesClient, domain_id: str
) -> None:
    count = len(all_fields(client, domain_id))
    with pytest.raises(ClientError) as excinfo:
        client.create_field(
            domainId=domain_id,
            name="Amount",
            type="Number",
            attributes={"text": {"isMultiline": True}},
        )
    assert error_of(excinfo) == ("ValidationException", 400)
    assert len(all_fields(client, domain_id)) == count


def test_unknown_field_type_is_refused(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_field(domainId=domain_id, name="X", type="Colour")  # type: ignore[arg-type]
    assert error_of(excinfo) == ("ValidationException", 400)


def test_duplicate_field_name_is_a_conflict(client: ConnectCasesClient, domain_id: str) -> None:
    client.create_field(domainId=domain_id, name="Priority", type="Text")
    count = len(all_fields(client, domain_id))
    with pytest.raises(ClientError) as excinfo:
        client.create_field(domainId=domain_id, name="Priority", type="Number")
    assert error_of(excinfo) == ("ConflictException", 409)
    assert len(all_fields(client, domain_id)) == count


def test_custom_field_cannot_take_a_system_field_name(
    client: ConnectCasesClient, domain_id: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_field(domainId=domain_id, name="Title", type="Text")
    assert error_of(excinfo) == ("ConflictException", 409)


def test_name_of_a_deleted_field_can_be_reused(client: ConnectCasesClient, domain_id: str) -> None:
    old = client.create_field(domainId=domain_id, name="Priority", type="Text")["fieldId"]
    client.delete_field(domainId=domain_id, fieldId=old)
    new = client.create_field(domainId=domain_id, name="Priority", type="Text")["fieldId"]
    assert new != old


def test_field_quota_counts_live_custom_fields() -> None:
    with mock_cases(region=REGION, settings=Settings(fields=2)):
        client = boto3.client("connectcases", region_name=REGION)
        domain_id = client.create_domain(name="d")["domainId"]
        first = client.create_field(domainId=domain_id, name="a", type="Text")["fieldId"]
        client.create_field(domainId=domain_id, name="b", type="Text")
        with pytest.raises(ClientError) as excinfo:
            client.create_field(domainId=domain_id, name="c", type="Text")
        assert error_of(excinfo) == ("ServiceQuotaExceededException", 402)
        assert "c" not in {f["name"] for f in client.list_fields(domainId=domain_id)["fields"]}
        client.delete_field(domainId=domain_id, fieldId=first)
        client.create_field(domainId=domain_id, name="c", type="Text")


def test_unknown_domain_is_not_found(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_field(domainId="missing", name="a", type="Text")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    assert excinfo.value.response["resourceType"] == "Domain"  # type: ignore[typeddict-item]


# -- UpdateField ------------------------------------------------------------------------


def test_update_field_changes_name_and_description(
    client: ConnectCasesClient, domain_id: str
) -> None:
    with time_machine.travel("2026-01-01T00:00:00Z", tick=False) as traveller:
        field_id = client.create_field(domainId=domain_id, name="Prio", type="Text")["fieldId"]
        traveller.shift(60)
        client.update_field(domainId=domain_id, fieldId=field_id, name="Priority", description="d")
    fetched = get_field(client, domain_id, field_id)
    assert (fetched["name"], fetched["description"], fetched["type"]) == ("Priority", "d", "Text")
    assert (fetched["lastModifiedTime"] - fetched["createdTime"]).total_seconds() == 60


def test_update_field_with_only_a_description_keeps_the_name(
    client: ConnectCasesClient, domain_id: str
) -> None:
    field_id = client.create_field(domainId=domain_id, name="Prio", type="Text")["fieldId"]
    client.update_field(domainId=domain_id, fieldId=field_id, description="new")
    assert get_field(client, domain_id, field_id)["name"] == "Prio"


def test_rename_onto_an_existing_name_is_a_conflict(
    client: ConnectCasesClient, domain_id: str
) -> None:
    client.create_field(domainId=domain_id, name="A", type="Text")
    b = client.create_field(domainId=domain_id, name="B", type="Text")["fieldId"]
    with pytest.raises(ClientError) as excinfo:
        client.update_field(domainId=domain_id, fieldId=b, name="A", description="changed")
    assert error_of(excinfo) == ("ConflictException", 409)
    fetched = get_field(client, domain_id, b)
    assert fetched["name"] == "B"
    assert "description" not in fetched


def test_update_deleted_field_is_refused(client: ConnectCasesClient, domain_id: str) -> None:
    field_id = client.create_field(domainId=domain_id, name="A", type="Text")["fieldId"]
    client.delete_field(domainId=domain_id, fieldId=field_id)
    with pytest.raises(ClientError) as excinfo:
        client.update_field(domainId=domain_id, fieldId=field_id, name="B")
    assert error_of(excinfo) == ("ValidationException", 400)
    assert get_field(client, domain_id, field_id)["name"] == "A"


def test_update_unknown_field_is_not_found(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_field(domainId=domain_id, fieldId="nope", name="B")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    assert excinfo.value.response["resourceType"] == "Field"  # type: ignore[typeddict-item]


@multiline
def test_update_field_sets_is_multiline_on_text_only(
    client: ConnectCasesClient, domain_id: str
) -> None:
    text = client.create_field(domainId=domain_id, name="T", type="Text")["fieldId"]
    number = client.create_field(domainId=domain_id, name="N", type="Number")["fieldId"]
    client.update_field(
        domainId=domain_id, fieldId=text, attributes={"text": {"isMultiline": True}}
    )
    assert get_field(client, domain_id, text)["attributes"] == {"text": {"isMultiline": True}}
    with pytest.raises(ClientError) as excinfo:
        client.update_field(
            domainId=domain_id, fieldId=number, attributes={"text": {"isMultiline": True}}
        )
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "attributes" not in get_field(client, domain_id, number)


# -- DeleteField ------------------------------------------------------------------------


def test_deleted_field_is_soft_deleted(client: ConnectCasesClient, domain_id: str) -> None:
    field_id = client.create_field(domainId=domain_id, name="A", type="Text")["fieldId"]
    client.delete_field(domainId=domain_id, fieldId=field_id)
    assert field_id not in {f["fieldId"] for f in all_fields(client, domain_id)}
    fetched = get_field(client, domain_id, field_id)
    assert fetched["deleted"] is True
    assert fetched["name"] == "A"


def test_deleting_a_field_twice_succeeds(client: ConnectCasesClient, domain_id: str) -> None:
    field_id = client.create_field(domainId=domain_id, name="A", type="Text")["fieldId"]
    client.delete_field(domainId=domain_id, fieldId=field_id)
    answer = client.delete_field(domainId=domain_id, fieldId=field_id)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_delete_unknown_field_is_not_found(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.delete_field(domainId=domain_id, fieldId="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


# -- BatchGetField / ListFields ---------------------------------------------------------


def test_batch_get_reports_unknown_ids_in_errors(
    client: ConnectCasesClient, domain_id: str
) -> None:
    answer = client.batch_get_field(
        domainId=domain_id, fields=[{"id": "title"}, {"id": "nope"}, {"id": "status"}]
    )
    assert [f["fieldId"] for f in answer["fields"]] == ["title", "status"]
    assert [(e["id"], e["errorCode"]) for e in answer["errors"]] == [
        ("nope", "ResourceNotFoundException")
    ]


def test_list_fields_pages_through_every_field_once(
    client: ConnectCasesClient, domain_id: str
) -> None:
    for index in range(7):
        client.create_field(domainId=domain_id, name=f"f{index}", type="Text")
    expected = [f["fieldId"] for f in all_fields(client, domain_id)]
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"domainId": domain_id, "maxResults": 4}
        if token:
            kwargs["nextToken"] = token
        answer = client.list_fields(**kwargs)
        assert len(answer["fields"]) <= 4
        seen.extend(f["fieldId"] for f in answer["fields"])
        pages += 1
        token = answer.get("nextToken")
        if not token:
            break
    assert seen == expected
    assert len(seen) == 21
    assert pages == 6


def test_list_fields_token_of_another_domain_is_refused(
    client: ConnectCasesClient, domain_id: str
) -> None:
    other = client.create_domain(name="other")["domainId"]
    token = client.list_fields(domainId=domain_id, maxResults=1)["nextToken"]
    with pytest.raises(ClientError) as excinfo:
        client.list_fields(domainId=other, maxResults=1, nextToken=token)
    assert error_of(excinfo) == ("ValidationException", 400)


# -- tags -------------------------------------------------------------------------------


def test_field_arn_can_be_tagged_until_deleted(client: ConnectCasesClient, domain_id: str) -> None:
    created = client.create_field(domainId=domain_id, name="A", type="Text")
    arn = created["fieldArn"]
    client.tag_resource(arn=arn, tags={"team": "billing"})
    assert client.list_tags_for_resource(arn=arn)["tags"] == {"team": "billing"}
    assert get_field(client, domain_id, created["fieldId"])["tags"] == {"team": "billing"}
    client.delete_field(domainId=domain_id, fieldId=created["fieldId"])
    with pytest.raises(ClientError) as excinfo:
        client.list_tags_for_resource(arn=arn)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as excinfo:
        client.tag_resource(arn=arn, tags={"a": "b"})
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


def test_batch_get_answers_a_repeated_id_once(client: ConnectCasesClient, domain_id: str) -> None:
    answer = client.batch_get_field(domainId=domain_id, fields=[{"id": "title"}, {"id": "title"}])
    assert [f["fieldId"] for f in answer["fields"]] == ["title"]


def test_system_field_update_with_its_current_values_is_accepted(
    client: ConnectCasesClient, domain_id: str
) -> None:
    before = get_field(client, domain_id, "summary")
    client.update_field(
        domainId=domain_id,
        fieldId="summary",
        name=before["name"],
        description=before["description"],
    )
    after = get_field(client, domain_id, "summary")
    assert (after["name"], after["description"]) == (before["name"], before["description"])
