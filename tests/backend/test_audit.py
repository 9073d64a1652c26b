"""Audit history: GetCaseAuditEvents through a real boto3 client."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock import Settings, mock_cases
from tests.helpers import REGION, USER, create, error_of, make_field, read, text, update

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

IAM = "arn:aws:iam::123456789012:role/casemock"


def events_of(client: ConnectCasesClient, domain_id: str, case_id: str) -> list[dict[str, Any]]:
    answer = client.get_case_audit_events(domainId=domain_id, caseId=case_id)
    return [dict(event) for event in answer["auditEvents"]]


def changes(event: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["eventFieldId"]: dict(entry) for entry in event["fields"]}


def test_create_records_one_event_with_every_value_set(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id, {"title": text("t"), "summary": text("s")})
    [event] = events_of(client, domain_id, case_id)
    assert event["type"] == "Case.Created"
    assert "relatedItemType" not in event
    fields = changes(event)
    stored = read(client, domain_id, case_id)
    assert fields["title"] == {"eventFieldId": "title", "newValue": text("t")}
    assert fields["summary"]["newValue"] == text("s")
    for field_id in ("status", "reference_number", "created_datetime", "case_id"):
        assert fields[field_id]["newValue"] == stored[field_id]
    assert all("oldValue" not in entry for entry in fields.values())


def test_update_records_old_and_new_values_of_changed_fields_only(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id, {"title": text("t"), "summary": text("s")})
    update(
        client,
        domain_id,
        case_id,
        {
            "title": text("t"),  # unchanged
            "summary": {"emptyValue": {}},  # cleared
            "case_reason": {"emptyValue": {}},  # was unset, stays unset
            "assigned_queue": text("arn:aws:connect:us-east-1:123456789012:instance/i/queue/q"),
        },
    )
    event = events_of(client, domain_id, case_id)[-1]
    assert event["type"] == "Case.Updated"
    assert changes(event) == {
        "summary": {
            "eventFieldId": "summary",
            "oldValue": text("s"),
            "newValue": {"emptyValue": {}},
        },
        "assigned_queue": {
            "eventFieldId": "assigned_queue",
            "newValue": text("arn:aws:connect:us-east-1:123456789012:instance/i/queue/q"),
        },
    }


def test_closing_records_the_status_and_the_closed_time(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id)
    with time_machine.travel(datetime(2026, 3, 1, 11, tzinfo=timezone.utc), tick=False):
        update(client, domain_id, case_id, {"status": text("closed")})
    event = events_of(client, domain_id, case_id)[-1]
    assert event["performedTime"] == datetime(2026, 3, 1, 11, tzinfo=timezone.utc)
    assert event["fields"] == [
        {"eventFieldId": "status", "oldValue": text("open"), "newValue": text("closed")},
        {"eventFieldId": "last_closed_datetime", "newValue": text("2026-03-01T11:00:00.000Z")},
    ]


def test_performed_time_is_the_time_written_into_the_case(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id)
    update(client, domain_id, case_id, {"summary": text("x")})
    stamp = read(client, domain_id, case_id, ["last_updated_datetime"])["last_updated_datetime"]
    performed = events_of(client, domain_id, case_id)[-1]["performedTime"]
    assert performed.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" == stamp["stringValue"]


@pytest.mark.parametrize(
    ("performed_by", "expected"),
    [
        ({"userArn": USER}, {"user": {"userArn": USER}, "iamPrincipalArn": IAM}),
        (
            {"customEntity": "nightly-import"},
            {"user": {"customEntity": "nightly-import"}, "iamPrincipalArn": IAM},
        ),
        (None, {"iamPrincipalArn": IAM}),
    ],
)
def test_performed_by_echoes_the_request_and_always_names_the_principal(
    client: ConnectCasesClient,
    domain_id: str,
    template_id: str,
    performed_by: dict[str, str] | None,
    expected: dict[str, Any],
) -> None:
    extra: dict[str, Any] = {"performedBy": performed_by} if performed_by else {}
    case_id = create(client, domain_id, template_id, **extra)
    update(client, domain_id, case_id, {"summary": text("x")}, **extra)
    for event in events_of(client, domain_id, case_id):
        assert event["performedBy"] == expected


@pytest.mark.parametrize("performer", ["someone", "arn:aws:connect", "user/agent-1"])
def test_a_performer_that_is_not_an_arn_is_refused_everywhere(
    client: ConnectCasesClient, domain_id: str, template_id: str, performer: str
) -> None:
    """performedBy.userArn becomes created_by/last_updated_user and the audit's user: it
    must be an ARN, on every operation that takes it, and nothing is written."""
    case_id = create(client, domain_id, template_id)
    by: dict[str, Any] = {"performedBy": {"userArn": performer}}
    comment: Any = {"comment": {"body": "b", "contentType": "Text/Plain"}}
    calls: list[Callable[[], object]] = [
        lambda: create(client, domain_id, template_id, **by),
        lambda: update(client, domain_id, case_id, {"summary": text("x")}, **by),
        lambda: client.create_related_item(
            domainId=domain_id, caseId=case_id, type="Comment", content=comment, **by
        ),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == ("ValidationException", 400)
        assert "performedBy.userArn" in str(excinfo.value)
    assert [e["type"] for e in events_of(client, domain_id, case_id)] == ["Case.Created"]
    assert read(client, domain_id, case_id, ["summary"]) == {}
    iam_user = "arn:aws:iam::123456789012:user/migration"  # any well-formed ARN is taken
    update(client, domain_id, case_id, {"summary": text("x")}, performedBy={"userArn": iam_user})


def test_principal_arn_follows_the_account_and_settings() -> None:
    settings = Settings(iam_principal_arn="arn:aws:iam::{account_id}:role/agent-app")
    with mock_cases(region=REGION, account_id="111122223333", settings=settings) as mock:
        client = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        template_id = client.create_template(domainId=domain_id, name="t")["templateId"]
        case_id = create(client, domain_id, template_id)
        [event] = events_of(client, domain_id, case_id)
    assert event["performedBy"]["iamPrincipalArn"] == "arn:aws:iam::111122223333:role/agent-app"


def test_events_are_oldest_first_and_paginated(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id)
    for index in range(6):
        update(client, domain_id, case_id, {"summary": text(f"v{index}")})
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        extra: dict[str, Any] = {"nextToken": token} if token else {}
        answer = client.get_case_audit_events(
            domainId=domain_id, caseId=case_id, maxResults=3, **extra
        )
        pages += 1
        assert len(answer["auditEvents"]) <= 3
        seen += [
            changes(dict(e)).get("summary", {}).get("newValue", {}).get("stringValue", e["type"])
            for e in answer["auditEvents"]
        ]
        token = answer.get("nextToken")
        if not token:
            break
    assert pages == 3
    assert seen == ["Case.Created", *[f"v{i}" for i in range(6)]]


def test_default_page_is_25_events(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id)
    for index in range(26):
        update(client, domain_id, case_id, {"summary": text(f"v{index}")})
    first = client.get_case_audit_events(domainId=domain_id, caseId=case_id)
    assert len(first["auditEvents"]) == 25
    rest = client.get_case_audit_events(
        domainId=domain_id, caseId=case_id, nextToken=first["nextToken"]
    )
    assert len(rest["auditEvents"]) == 2
    assert "nextToken" not in rest


def test_page_size_above_25_is_refused(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id)
    with pytest.raises(ClientError) as excinfo:
        client.get_case_audit_events(domainId=domain_id, caseId=case_id, maxResults=26)
    assert error_of(excinfo) == ("ValidationException", 400)


def test_token_of_another_case_is_refused(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    first = create(client, domain_id, template_id)
    second = create(client, domain_id, template_id)
    update(client, domain_id, first, {"summary": text("x")})
    token = client.get_case_audit_events(domainId=domain_id, caseId=first, maxResults=1)[
        "nextToken"
    ]
    with pytest.raises(ClientError) as excinfo:
        client.get_case_audit_events(domainId=domain_id, caseId=second, nextToken=token)
    assert error_of(excinfo) == ("ValidationException", 400)


def test_events_of_unknown_case_and_domain(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_case_audit_events(domainId=domain_id, caseId="no-such-case")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    assert excinfo.value.response["resourceType"] == "Case"  # type: ignore[typeddict-item]
    with pytest.raises(ClientError) as excinfo:
        client.get_case_audit_events(domainId="no-such-domain", caseId="c")
    assert excinfo.value.response["resourceType"] == "Domain"  # type: ignore[typeddict-item]


def test_rejected_and_no_op_updates_record_nothing(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id)
    with pytest.raises(ClientError):
        update(client, domain_id, case_id, {"status": text("nope")})
    update(client, domain_id, case_id, {"title": text("Parcel lost")})
    client.update_case(domainId=domain_id, caseId=case_id, fields=[])
    assert [e["type"] for e in events_of(client, domain_id, case_id)] == ["Case.Created"]


def test_deleted_field_values_stay_in_the_history(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    field_id = make_field(client, domain_id, "Order")
    case_id = create(client, domain_id, template_id, {"title": text("t"), field_id: text("o")})
    client.delete_field(domainId=domain_id, fieldId=field_id)
    [event] = events_of(client, domain_id, case_id)
    assert changes(event)[field_id]["newValue"] == text("o")


def test_each_event_has_its_own_id(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id)
    update(client, domain_id, case_id, {"summary": text("a")})
    update(client, domain_id, case_id, {"summary": text("b")})
    ids = [event["eventId"] for event in events_of(client, domain_id, case_id)]
    assert len(set(ids)) == 3
