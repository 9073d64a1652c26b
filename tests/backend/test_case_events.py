"""Case events: PutCaseEventConfiguration / GetCaseEventConfiguration and the EventBridge
events recorded on ``CasesMock.events``, asserted the way an application's tests would."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock import CasesMock, _model
from tests.helpers import (
    REGION,
    USER,
    as_fields,
    create,
    error_of,
    make_field,
    text,
    update,
)

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

HAS_AUTO_INCLUDE = _model.has_member("CaseEventIncludedData", "autoIncludeFields")
needs_auto_include = pytest.mark.skipif(
    not HAS_AUTO_INCLUDE, reason="no autoIncludeFields in this botocore"
)


def configure(client: ConnectCasesClient, domain_id: str, **bridge: Any) -> None:
    bridge.setdefault("enabled", True)
    client.put_case_event_configuration(domainId=domain_id, eventBridge=bridge)  # type: ignore[arg-type]


def configuration(client: ConnectCasesClient, domain_id: str) -> dict[str, Any]:
    answer = dict(client.get_case_event_configuration(domainId=domain_id))
    answer.pop("ResponseMetadata")
    return answer


def case_data(*field_ids: str, content: bool | None = None) -> dict[str, Any]:
    included: dict[str, Any] = {"caseData": {"fields": [{"id": i} for i in field_ids]}}
    if content is not None:
        included["relatedItemData"] = {"includeContent": content}
    return included


def details(mock: CasesMock) -> list[dict[str, Any]]:
    return [event["detail"] for event in mock.events]


# -- configuration --------------------------------------------------------------------------


def test_configuration_is_disabled_before_any_put(
    client: ConnectCasesClient, domain_id: str
) -> None:
    assert configuration(client, domain_id) == {"eventBridge": {"enabled": False}}


def test_configuration_round_trips(client: ConnectCasesClient, domain_id: str) -> None:
    field_id = make_field(client, domain_id, "Order")
    included = case_data("status", "title", field_id, content=True)
    configure(client, domain_id, includedData=included)
    assert configuration(client, domain_id) == {
        "eventBridge": {"enabled": True, "includedData": included}
    }
    configure(client, domain_id, enabled=False)
    assert configuration(client, domain_id) == {"eventBridge": {"enabled": False}}


def test_deleted_fields_are_left_out_of_the_configuration(
    client: ConnectCasesClient, domain_id: str
) -> None:
    field_id = make_field(client, domain_id, "Order")
    configure(client, domain_id, includedData=case_data("status", field_id))
    client.delete_field(domainId=domain_id, fieldId=field_id)
    assert configuration(client, domain_id)["eventBridge"]["includedData"] == case_data("status")


@pytest.mark.parametrize("kind", ["unknown", "deleted"])
def test_included_fields_must_exist(client: ConnectCasesClient, domain_id: str, kind: str) -> None:
    configure(client, domain_id, includedData=case_data("status"))
    field_id = "no-such-field"
    if kind == "deleted":
        field_id = make_field(client, domain_id, "Gone")
        client.delete_field(domainId=domain_id, fieldId=field_id)
    with pytest.raises(ClientError) as excinfo:
        configure(client, domain_id, includedData=case_data("title", field_id))
    assert error_of(excinfo) == ("ValidationException", 400)
    assert field_id in str(excinfo.value)
    assert configuration(client, domain_id)["eventBridge"]["includedData"] == case_data("status")


def test_configuration_of_unknown_domain(client: ConnectCasesClient) -> None:
    for call in (
        lambda: client.get_case_event_configuration(domainId="no-such-domain"),
        lambda: configure(client, "no-such-domain"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == ("ResourceNotFoundException", 404)


# -- the events -------------------------------------------------------------------------------


def test_no_events_unless_enabled(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    case_id = create(client, domain_id, template_id)
    update(client, domain_id, case_id, {"summary": text("x")})
    configure(client, domain_id, enabled=False)
    client.delete_case(domainId=domain_id, caseId=case_id)
    assert mock.events == []


def test_case_created_event_has_the_documented_envelope(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    configure(client, domain_id, includedData=case_data("status", "title", "summary"))
    with time_machine.travel(
        datetime(2026, 3, 1, 10, 15, 30, 123000, tzinfo=timezone.utc), tick=False
    ):
        answer = client.create_case(
            domainId=domain_id,
            templateId=template_id,
            fields=as_fields({"title": text("Parcel lost")}),
            performedBy={"userArn": USER},
        )
    [event] = mock.events
    domain_arn = f"arn:aws:cases:{REGION}:123456789012:domain/{domain_id}"
    assert {k: v for k, v in event.items() if k not in ("id", "detail")} == {
        "version": "0",
        "detail-type": "Amazon Connect Cases Change",
        "source": "aws.cases",
        "account": "123456789012",
        "time": "2026-03-01T10:15:30Z",
        "region": REGION,
        "resources": [domain_arn, answer["caseArn"]],
    }
    assert re.fullmatch(r"[0-9a-f-]{36}", event["id"])
    detail = event["detail"]
    assert detail["version"] == "0"
    assert detail["eventType"] == "CASE.CREATED"
    assert detail["approximateChangeTime"] == "2026-03-01T10:15:30.123Z"
    assert detail["performedBy"] == {
        "user": {"userArn": USER},
        "iamPrincipalArn": "arn:aws:iam::123456789012:role/casemock",
    }
    assert {"title", "status", "created_datetime", "reference_number"} <= set(
        detail["changedFieldIds"]
    )
    assert detail["case"] == {
        "caseId": answer["caseId"],
        "caseArn": answer["caseArn"],
        "templateId": template_id,
        "createdDateTime": "2026-03-01T10:15:30.123Z",
        # only configured fields that have a value (summary has none)
        "fields": {
            "status": {"value": text("open")},
            "title": {"value": text("Parcel lost")},
        },
    }


def test_case_updated_event_names_the_changed_fields_and_shows_the_case_after(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    case_id = create(client, domain_id, template_id)
    configure(client, domain_id, includedData=case_data("status"))
    update(client, domain_id, case_id, {"status": text("closed")}, performedBy={"userArn": USER})
    [detail] = details(mock)
    assert detail["eventType"] == "CASE.UPDATED"
    assert detail["changedFieldIds"] == [
        "status",
        "last_updated_datetime",
        "last_updated_user",
        "last_closed_datetime",
    ]
    assert detail["case"]["fields"] == {"status": {"value": text("closed")}}


def test_events_carry_only_metadata_without_included_data(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    configure(client, domain_id)
    case_id = create(client, domain_id, template_id)
    [detail] = details(mock)
    assert set(detail["case"]) == {"caseId", "caseArn", "templateId", "createdDateTime"}
    assert detail["case"]["caseId"] == case_id


def test_case_deleted_event(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    case_id = create(client, domain_id, template_id)
    configure(client, domain_id, includedData=case_data("title"))
    client.delete_case(domainId=domain_id, caseId=case_id)
    [event] = mock.events
    assert event["detail"]["eventType"] == "CASE.DELETED"
    assert event["detail"]["case"]["caseId"] == case_id
    assert "fields" not in event["detail"]["case"]
    assert event["resources"][1].endswith(f"/case/{case_id}")


def test_deleted_fields_are_left_out_of_events(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    field_id = make_field(client, domain_id, "Order")
    configure(client, domain_id, includedData=case_data("title", field_id))
    case_id = create(client, domain_id, template_id, {"title": text("t"), field_id: text("o")})
    client.delete_field(domainId=domain_id, fieldId=field_id)
    update(client, domain_id, case_id, {"title": text("t2")})
    created, updated = details(mock)
    assert set(created["case"]["fields"]) == {"title", field_id}
    assert set(updated["case"]["fields"]) == {"title"}


def test_rejected_replayed_and_no_op_requests_publish_nothing(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    configure(client, domain_id)
    case_id = create(client, domain_id, template_id, clientToken="once")
    create(client, domain_id, template_id, clientToken="once")
    with pytest.raises(ClientError):
        create(client, domain_id, template_id, {})
    with pytest.raises(ClientError):
        update(client, domain_id, case_id, {"status": text("nope")})
    update(client, domain_id, case_id, {"title": text("Parcel lost")})
    assert [d["eventType"] for d in details(mock)] == ["CASE.CREATED"]


def test_events_are_ordered_and_can_be_filtered_like_an_eventbridge_rule(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    configure(client, domain_id, includedData=case_data("status"))
    first = create(client, domain_id, template_id)
    second = create(client, domain_id, template_id)
    update(client, domain_id, first, {"status": text("closed")})
    closed = [
        e["detail"]["case"]["caseId"]
        for e in mock.events
        if e["source"] == "aws.cases"
        and e["detail"]["eventType"] == "CASE.UPDATED"
        and e["detail"]["case"]["fields"]["status"]["value"]["stringValue"] == "closed"
    ]
    assert closed == [first]
    assert [e["detail"]["case"]["caseId"] for e in mock.events] == [first, second, first]


@needs_auto_include
@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("System", {"title", "status"}),
        ("Custom", {"custom"}),
        ("All", {"title", "status", "custom"}),
    ],
)
def test_auto_include_fields_adds_a_category_of_fields(
    client: ConnectCasesClient,
    domain_id: str,
    template_id: str,
    mock: CasesMock,
    category: str,
    expected: set[str],
) -> None:
    field_id = make_field(client, domain_id, "Order")
    included = {"caseData": {"fields": [], "autoIncludeFields": category}}
    configure(client, domain_id, includedData=included)
    assert configuration(client, domain_id)["eventBridge"]["includedData"] == included
    create(client, domain_id, template_id, {"title": text("t"), field_id: text("o")})
    [detail] = details(mock)
    names = {field_id: "custom"}
    got = {names.get(k, k) for k in detail["case"]["fields"]}
    assert expected <= got
    if category == "System":
        assert "custom" not in got
    if category == "Custom":
        assert got == {"custom"}
