"""Cases: CreateCase, GetCase, UpdateCase, DeleteCase through a real boto3 client.

The helpers at the top are shared with the audit, event and field-value tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock import CasesMock, Settings, _model, mock_cases
from casemock.backend.config.system_fields import SERVICE_SET
from tests.helpers import (
    ALL_SYSTEM,
    OTHER_USER,
    PROFILE,
    REGION,
    USER,
    as_fields,
    audit_types,
    create,
    domain_of,
    error_of,
    make_field,
    make_template,
    read,
    text,
    update,
)

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ISO_MS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


# -- helpers shared by the case test modules ----------------------------------------------


# -- CreateCase -----------------------------------------------------------------------------


def test_create_case_answers_id_and_arn(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    answer = client.create_case(
        domainId=domain_id, templateId=template_id, fields=as_fields({"title": text("t")})
    )
    assert UUID.fullmatch(answer["caseId"])
    assert answer["caseArn"] == (
        f"arn:aws:cases:{REGION}:123456789012:domain/{domain_id}/case/{answer['caseId']}"
    )


def test_service_sets_system_fields_on_create(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    with time_machine.travel(
        datetime(2026, 3, 1, 10, 15, 30, 123000, tzinfo=timezone.utc), tick=False
    ):
        case_id = create(client, domain_id, template_id, performedBy={"userArn": USER})
    values = read(client, domain_id, case_id)
    assert values["case_id"] == text(case_id)
    assert values["status"] == text("open")
    assert re.fullmatch(r"[0-9A-Z]{9}", values["reference_number"]["stringValue"])
    assert values["created_datetime"] == text("2026-03-01T10:15:30.123Z")
    assert values["last_updated_datetime"] == values["created_datetime"]
    assert values["created_by"] == {"userArnValue": USER}
    assert values["last_updated_user"] == {"userArnValue": USER}
    assert "last_closed_datetime" not in values


def test_custom_entity_leaves_user_fields_unset(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id, performedBy={"customEntity": "migration"})
    values = read(client, domain_id, case_id)
    assert "created_by" not in values
    assert "last_updated_user" not in values


def test_case_created_closed_has_a_closed_time(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id, {"title": text("t"), "status": text("closed")})
    values = read(client, domain_id, case_id)
    assert values["last_closed_datetime"] == values["created_datetime"]


def test_reference_numbers_are_unique_and_random(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    numbers = {
        read(client, domain_id, create(client, domain_id, template_id), ["reference_number"])[
            "reference_number"
        ]["stringValue"]
        for _ in range(20)
    }
    assert len(numbers) == 20


def test_reference_number_length_is_a_setting() -> None:
    settings = Settings(reference_number_length=8, reference_number_alphabet="0123456789")
    with mock_cases(region=REGION, settings=settings) as mock:
        client = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        case_id = create(client, domain_id, make_template(client, domain_id))
        number = read(client, domain_id, case_id, ["reference_number"])["reference_number"]
    assert re.fullmatch(r"\d{8}", number["stringValue"])


def test_caller_supplied_reference_number_is_kept(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(
        client, domain_id, template_id, {"title": text("t"), "reference_number": text("LEGACY-1")}
    )
    assert read(client, domain_id, case_id, ["reference_number"]) == {
        "reference_number": text("LEGACY-1")
    }


@pytest.mark.skipif(
    _model.string_constraints("ReferenceNumber") is None,
    reason="the installed model has no ReferenceNumber shape to hold a reference number to",
)
@pytest.mark.parametrize("reference", ["a b", "ÄÖÜ", "R" * 51, "case#1!"])
def test_a_reference_number_the_api_could_not_name_is_refused(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock, reference: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(
            client,
            domain_id,
            template_id,
            {"title": text("t"), "reference_number": text(reference)},
        )
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "reference_number" in str(excinfo.value)
    assert domain_of(mock, domain_id).cases == {}
    kept = create(
        client, domain_id, template_id, {"title": text("t"), "reference_number": text("R-7/a.b#9")}
    )
    assert read(client, domain_id, kept, ["reference_number"]) == {
        "reference_number": text("R-7/a.b#9")
    }


def test_duplicate_reference_number_is_a_conflict(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    create(client, domain_id, template_id, {"title": text("a"), "reference_number": text("abc1")})
    with pytest.raises(ClientError) as excinfo:
        create(
            client, domain_id, template_id, {"title": text("b"), "reference_number": text("ABC1")}
        )
    assert error_of(excinfo) == ("ConflictException", 409)
    assert len(domain_of(mock, domain_id).cases) == 1


def test_create_case_in_unknown_domain(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(client, "no-such-domain", "t")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    assert excinfo.value.response["resourceType"] == "Domain"  # type: ignore[typeddict-item]


def test_create_case_with_unknown_template(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, "no-such-template")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    response: Any = excinfo.value.response
    assert (response["resourceType"], response["resourceId"]) == ("Template", "no-such-template")


def test_inactive_template_cannot_create_cases(
    client: ConnectCasesClient, domain_id: str, mock: CasesMock
) -> None:
    template_id = make_template(client, domain_id, status="Inactive")
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert not domain_of(mock, domain_id).cases


def test_deleted_template_cannot_create_cases(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    client.delete_template(domainId=domain_id, templateId=template_id)
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id)
    assert error_of(excinfo) == ("ValidationException", 400)


@pytest.mark.parametrize(
    "values",
    [{}, {"title": text("")}, {"title": {"emptyValue": {}}}, {"summary": text("no title")}],
    ids=["absent", "blank", "empty", "other-field-only"],
)
def test_title_is_always_required(
    client: ConnectCasesClient,
    domain_id: str,
    template_id: str,
    values: dict[str, Any],
    mock: CasesMock,
) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id, values)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "title" in str(excinfo.value)
    assert not domain_of(mock, domain_id).cases


def test_template_required_fields_need_values(client: ConnectCasesClient, domain_id: str) -> None:
    template_id = make_template(
        client, domain_id, requiredFields=[{"fieldId": "customer_id"}, {"fieldId": "summary"}]
    )
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id, {"title": text("t"), "summary": text("s")})
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "customer_id" in str(excinfo.value)
    case_id = create(
        client,
        domain_id,
        template_id,
        {"title": text("t"), "summary": text("s"), "customer_id": text(PROFILE)},
    )
    assert read(client, domain_id, case_id, ["customer_id"]) == {"customer_id": text(PROFILE)}


def test_fields_the_service_sets_count_as_values_for_required_fields(
    client: ConnectCasesClient, domain_id: str
) -> None:
    """A template may require fields the service fills on creation (a default status, the
    ids and times; the performing user): they never need to be sent, and cannot be."""
    set_by_service = ["status", "case_id", "reference_number", "created_datetime"]
    required = [{"fieldId": field_id} for field_id in [*set_by_service, "created_by"]]
    template_id = make_template(client, domain_id, requiredFields=required)
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "[created_by]" in str(excinfo.value)  # only the user is missing
    case_id = client.create_case(
        domainId=domain_id,
        templateId=template_id,
        fields=as_fields({"title": text("t")}),
        performedBy={"userArn": USER},
    )["caseId"]
    assert read(client, domain_id, case_id, ["status", "created_by"]) == {
        "status": text("open"),
        "created_by": {"userArnValue": USER},
    }


def test_deleted_required_field_is_no_longer_required(
    client: ConnectCasesClient, domain_id: str
) -> None:
    field_id = make_field(client, domain_id, "Order")
    template_id = make_template(client, domain_id, requiredFields=[{"fieldId": field_id}])
    client.delete_field(domainId=domain_id, fieldId=field_id)
    assert create(client, domain_id, template_id)


def test_customer_id_is_optional_unless_the_strict_switch_is_on(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    assert create(client, domain_id, template_id)
    with mock_cases(region=REGION, settings=Settings(require_customer_id=True)) as strict:
        strict_client = strict.client()
        strict_domain = strict_client.create_domain(name="d")["domainId"]
        strict_template = make_template(strict_client, strict_domain)
        with pytest.raises(ClientError) as excinfo:
            create(strict_client, strict_domain, strict_template)
        assert error_of(excinfo) == ("ValidationException", 400)
        values = {"title": text("t"), "customer_id": text(PROFILE)}
        assert create(strict_client, strict_domain, strict_template, values)


def test_unknown_field_is_refused(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id, {"title": text("t"), "no_such_field": text("x")})
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "no_such_field" in str(excinfo.value)


def test_deleted_field_is_refused_and_named(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    field_id = make_field(client, domain_id, "Order")
    client.delete_field(domainId=domain_id, fieldId=field_id)
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id, {"title": text("t"), field_id: text("x")})
    assert error_of(excinfo) == ("ValidationException", 400)
    assert field_id in str(excinfo.value)
    assert "deleted" in str(excinfo.value)


def test_same_field_twice_is_refused(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    fields: Any = [{"id": "title", "value": text("a")}, {"id": "title", "value": text("b")}]
    with pytest.raises(ClientError) as excinfo:
        client.create_case(domainId=domain_id, templateId=template_id, fields=fields)
    assert error_of(excinfo) == ("ValidationException", 400)


@pytest.mark.parametrize("field_id", sorted(SERVICE_SET))
def test_service_set_fields_cannot_be_written_on_create(
    client: ConnectCasesClient, domain_id: str, template_id: str, field_id: str
) -> None:
    value = {"userArnValue": USER} if field_id.endswith(("_by", "_user")) else text("x")
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id, {"title": text("t"), field_id: value})
    assert error_of(excinfo) == ("ValidationException", 400)


HAS_TEXT_ATTRIBUTES = _model.has_member("CreateFieldRequest", "attributes")


@pytest.fixture
def typed_fields(client: ConnectCasesClient, domain_id: str) -> dict[str, str]:
    """A custom field of each type (and a single-select with an inactive option), by type."""
    ids = {t: make_field(client, domain_id, t, t) for t in ("Text", "Number", "DateTime", "User")}
    ids["SingleSelect"] = make_field(client, domain_id, "Tier", "SingleSelect", ("gold",))
    client.batch_put_field_options(
        domainId=domain_id,
        fieldId=ids["SingleSelect"],
        options=[{"name": "Old", "value": "old", "active": False}],
    )
    return ids


@pytest.mark.parametrize(
    ("target", "value"),
    [
        ("summary", text("s" * 3001)),
        ("Text", text("t" * 501)),
        ("Text", {"doubleValue": 1.0}),
        ("Number", text("12")),
        ("DateTime", text("yesterday")),
        ("DateTime", {"doubleValue": 1714560000.0}),
        ("User", text(USER)),
        ("User", {"userArnValue": "agent-1"}),
        ("SingleSelect", text("platinum")),
        ("SingleSelect", text("old")),
        ("SingleSelect", text("Gold")),
        ("customer_id", text("0123456789abcdef")),
        ("title", {"booleanValue": True}),
        ("status", text("Open")),
    ],
)
def test_values_the_field_does_not_take_are_refused(
    client: ConnectCasesClient,
    domain_id: str,
    template_id: str,
    typed_fields: dict[str, str],
    target: str,
    value: dict[str, Any],
    mock: CasesMock,
) -> None:
    field_id = typed_fields.get(target, target)
    values = {"title": text("t"), field_id: value}
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id, values)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert not domain_of(mock, domain_id).cases


def test_values_the_fields_take_are_stored(
    client: ConnectCasesClient, domain_id: str, template_id: str, typed_fields: dict[str, str]
) -> None:
    values = {
        "title": text("t" * 500),
        "summary": text("s" * 3000),
        "assigned_user": {"userArnValue": USER},
        "customer_id": text(PROFILE),
        typed_fields["Text"]: text("x" * 500),
        typed_fields["Number"]: {"doubleValue": 12.5},
        typed_fields["DateTime"]: text("2024-05-01T12:00:00.000Z"),
        typed_fields["User"]: {"userArnValue": USER},
        typed_fields["SingleSelect"]: text("gold"),
    }
    case_id = create(client, domain_id, template_id, values)
    assert read(client, domain_id, case_id, list(values)) == values


@pytest.mark.skipif(not HAS_TEXT_ATTRIBUTES, reason="no text field attributes in this botocore")
def test_multi_line_text_fields_take_4100_characters(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    attributes: Any = {"text": {"isMultiline": True}}
    field_id = make_field(client, domain_id, "Notes", attributes=attributes)
    case_id = create(
        client, domain_id, template_id, {"title": text("t"), field_id: text("n" * 4100)}
    )
    assert read(client, domain_id, case_id, [field_id]) == {field_id: text("n" * 4100)}


# -- idempotency ----------------------------------------------------------------------------


def test_same_client_token_and_request_returns_the_same_case(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    first = client.create_case(
        domainId=domain_id,
        templateId=template_id,
        fields=as_fields({"title": text("t")}),
        clientToken="retry-1",
    )
    again = client.create_case(
        domainId=domain_id,
        templateId=template_id,
        fields=as_fields({"title": text("t")}),
        clientToken="retry-1",
    )
    assert (again["caseId"], again["caseArn"]) == (first["caseId"], first["caseArn"])
    assert list(domain_of(mock, domain_id).cases) == [first["caseId"]]
    assert audit_types(client, domain_id, first["caseId"]) == ["Case.Created"]


def test_a_retry_is_the_same_request_whatever_its_key_order_and_number_spelling(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    amount = client.create_field(domainId=domain_id, name="Amount", type="Number")["fieldId"]
    first = client.create_case(
        domainId=domain_id,
        templateId=template_id,
        fields=[
            {"id": "title", "value": {"stringValue": "t"}},
            {"id": amount, "value": {"doubleValue": 1}},
        ],
        clientToken="retry-2",
    )
    again = client.create_case(
        domainId=domain_id,
        templateId=template_id,
        fields=[
            {"value": {"stringValue": "t"}, "id": "title"},
            {"value": {"doubleValue": 1.0}, "id": amount},
        ],
        clientToken="retry-2",
    )
    assert again["caseId"] == first["caseId"]
    assert list(domain_of(mock, domain_id).cases) == [first["caseId"]]


def test_same_client_token_with_another_request_is_a_conflict(
    client: ConnectCasesClient, domain_id: str, template_id: str, mock: CasesMock
) -> None:
    create(client, domain_id, template_id, {"title": text("a")}, clientToken="tok")
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id, {"title": text("b")}, clientToken="tok")
    assert error_of(excinfo) == ("ConflictException", 409)
    assert len(domain_of(mock, domain_id).cases) == 1


def test_client_tokens_are_scoped_to_the_domain(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    other_domain = client.create_domain(name="other")["domainId"]
    other_template = make_template(client, other_domain)
    first = create(client, domain_id, template_id, clientToken="tok")
    second = create(client, other_domain, other_template, clientToken="tok")
    assert first != second


def test_boto3_fills_a_fresh_token_so_plain_calls_create_two_cases(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    assert create(client, domain_id, template_id) != create(client, domain_id, template_id)


def test_a_rejected_create_does_not_use_up_its_token(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    with pytest.raises(ClientError):
        create(client, domain_id, template_id, {}, clientToken="tok")
    assert create(client, domain_id, template_id, clientToken="tok")


def test_token_of_a_deleted_case_creates_a_new_case(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    first = create(client, domain_id, template_id, clientToken="tok")
    client.delete_case(domainId=domain_id, caseId=first)
    second = create(client, domain_id, template_id, clientToken="tok")
    assert second != first
    assert read(client, domain_id, second, ["title"]) == {"title": text("Parcel lost")}


# -- tags -------------------------------------------------------------------------------------


def test_template_tags_propagate_and_request_tags_win(
    client: ConnectCasesClient, domain_id: str
) -> None:
    template_id = make_template(
        client,
        domain_id,
        tagPropagationConfigurations=[
            {"resourceType": "Cases", "tagMap": {"Department": "Fraud", "Region": "EU"}}
        ],
    )
    answer = client.create_case(
        domainId=domain_id,
        templateId=template_id,
        fields=as_fields({"title": text("t")}),
        tags={"Department": "Finance", "Priority": "high"},
    )
    expected = {"Department": "Finance", "Region": "EU", "Priority": "high"}
    got = client.get_case(domainId=domain_id, caseId=answer["caseId"], fields=[{"id": "title"}])
    assert got["tags"] == expected
    assert client.list_tags_for_resource(arn=answer["caseArn"])["tags"] == expected


def test_get_case_always_returns_tags(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    answer = client.get_case(domainId=domain_id, caseId=case_id, fields=[{"id": "title"}])
    assert answer["tags"] == {}


def test_changing_propagation_later_does_not_retag_cases(
    client: ConnectCasesClient, domain_id: str
) -> None:
    template_id = make_template(
        client,
        domain_id,
        tagPropagationConfigurations=[{"resourceType": "Cases", "tagMap": {"A": "1"}}],
    )
    case_id = create(client, domain_id, template_id)
    client.update_template(
        domainId=domain_id,
        templateId=template_id,
        tagPropagationConfigurations=[{"resourceType": "Cases", "tagMap": {"A": "2"}}],
    )
    answer = client.get_case(domainId=domain_id, caseId=case_id, fields=[{"id": "title"}])
    assert answer["tags"] == {"A": "1"}


@pytest.mark.parametrize("tags", [{"aws:owner": "x"}, {"AWS:owner": "x"}, {"k": "bad#value"}])
def test_invalid_case_tags_are_refused(
    client: ConnectCasesClient,
    domain_id: str,
    template_id: str,
    tags: dict[str, str],
    mock: CasesMock,
) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id, tags=tags)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert not domain_of(mock, domain_id).cases


# -- GetCase ----------------------------------------------------------------------------------


def test_get_case_returns_requested_fields_with_values_in_request_order(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id, {"title": text("t"), "summary": text("s")})
    answer = client.get_case(
        domainId=domain_id,
        caseId=case_id,
        fields=[{"id": i} for i in ["summary", "no_such_field", "case_reason", "title", "summary"]],
    )
    assert answer["fields"] == [
        {"id": "summary", "value": text("s")},
        {"id": "title", "value": text("t")},
    ]
    assert answer["templateId"] == template_id
    assert "nextToken" not in answer


def test_get_case_returns_stored_values_of_deleted_fields(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    field_id = make_field(client, domain_id, "Order")
    case_id = create(client, domain_id, template_id, {"title": text("t"), field_id: text("o-1")})
    client.delete_field(domainId=domain_id, fieldId=field_id)
    assert read(client, domain_id, case_id, [field_id]) == {field_id: text("o-1")}


def test_get_unknown_case(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_case(domainId=domain_id, caseId="no-such-case", fields=[{"id": "title"}])
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    response: Any = excinfo.value.response
    assert (response["resourceType"], response["resourceId"]) == ("Case", "no-such-case")


# -- UpdateCase -------------------------------------------------------------------------------


def test_update_changes_only_the_listed_fields(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id, {"title": text("t"), "summary": text("s")})
    before = read(client, domain_id, case_id, [*ALL_SYSTEM, "summary"])
    update(client, domain_id, case_id, {"summary": text("new")})
    after = read(client, domain_id, case_id, [*ALL_SYSTEM, "summary"])
    assert after.pop("summary") == text("new")
    before.pop("summary")
    after.pop("last_updated_datetime")
    before.pop("last_updated_datetime")
    assert after == before


def test_update_sets_last_updated_time_and_user(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    with time_machine.travel(datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc), tick=False):
        case_id = create(client, domain_id, template_id, performedBy={"userArn": USER})
    with time_machine.travel(datetime(2026, 3, 1, 11, 0, tzinfo=timezone.utc), tick=False):
        update(
            client, domain_id, case_id, {"summary": text("x")}, performedBy={"userArn": OTHER_USER}
        )
    values = read(client, domain_id, case_id)
    assert values["created_datetime"] == text("2026-03-01T10:00:00.000Z")
    assert values["last_updated_datetime"] == text("2026-03-01T11:00:00.000Z")
    assert values["created_by"] == {"userArnValue": USER}
    assert values["last_updated_user"] == {"userArnValue": OTHER_USER}


def test_closing_and_reopening_set_their_times(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    with time_machine.travel(datetime(2026, 3, 2, tzinfo=timezone.utc), tick=False):
        update(client, domain_id, case_id, {"status": text("closed")})
    with time_machine.travel(datetime(2026, 3, 3, tzinfo=timezone.utc), tick=False):
        update(client, domain_id, case_id, {"status": text("open")})
    values = read(client, domain_id, case_id)
    assert values["status"] == text("open")
    assert values["last_closed_datetime"] == text("2026-03-02T00:00:00.000Z")
    assert values["last_reopened_datetime"] == text("2026-03-03T00:00:00.000Z")


@pytest.mark.parametrize("status", ["Closed", "pending", ""])
def test_status_is_checked_against_its_options(
    client: ConnectCasesClient, domain_id: str, case_id: str, status: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        update(client, domain_id, case_id, {"status": text(status)})
    assert error_of(excinfo) == ("ValidationException", 400)
    assert read(client, domain_id, case_id, ["status"]) == {"status": text("open")}


def test_added_status_options_can_be_used_and_inactive_ones_cannot(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    client.batch_put_field_options(
        domainId=domain_id,
        fieldId="status",
        options=[
            {"name": "Investigating", "value": "investigating", "active": True},
            {"name": "Legacy", "value": "legacy", "active": False},
        ],
    )
    update(client, domain_id, case_id, {"status": text("investigating")})
    assert read(client, domain_id, case_id, ["status"]) == {"status": text("investigating")}
    with pytest.raises(ClientError) as excinfo:
        update(client, domain_id, case_id, {"status": text("legacy")})
    assert error_of(excinfo) == ("ValidationException", 400)


def test_a_case_keeps_an_option_that_was_deactivated(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    field_id = make_field(client, domain_id, "Tier", "SingleSelect", ("gold", "silver"))
    case_id = create(client, domain_id, template_id, {"title": text("t"), field_id: text("gold")})
    client.batch_put_field_options(
        domainId=domain_id,
        fieldId=field_id,
        options=[{"name": "Gold", "value": "gold", "active": False}],
    )
    update(client, domain_id, case_id, {"title": text("renamed"), field_id: text("gold")})
    assert read(client, domain_id, case_id, [field_id]) == {field_id: text("gold")}
    with pytest.raises(ClientError):
        create(client, domain_id, template_id, {"title": text("t"), field_id: text("gold")})


def test_empty_value_clears_a_field(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id, {"title": text("t"), "summary": text("s")})
    update(client, domain_id, case_id, {"summary": {"emptyValue": {}}})
    assert read(client, domain_id, case_id, ["summary", "title"]) == {"title": text("t")}


def test_required_fields_cannot_be_emptied(client: ConnectCasesClient, domain_id: str) -> None:
    template_id = make_template(client, domain_id, requiredFields=[{"fieldId": "summary"}])
    case_id = create(client, domain_id, template_id, {"title": text("t"), "summary": text("s")})
    for field_id in ("title", "summary"):
        with pytest.raises(ClientError) as excinfo:
            update(client, domain_id, case_id, {field_id: {"emptyValue": {}}})
        assert error_of(excinfo) == ("ValidationException", 400)
    assert read(client, domain_id, case_id, ["title", "summary"]) == {
        "title": text("t"),
        "summary": text("s"),
    }


@pytest.mark.parametrize("field_id", sorted({*SERVICE_SET, "reference_number"}))
def test_service_set_fields_cannot_be_updated(
    client: ConnectCasesClient, domain_id: str, case_id: str, field_id: str
) -> None:
    value = {"userArnValue": USER} if field_id.endswith(("_by", "_user")) else text("X1")
    with pytest.raises(ClientError) as excinfo:
        update(client, domain_id, case_id, {field_id: value})
    assert error_of(excinfo) == ("ValidationException", 400)


def test_deleted_field_can_be_updated_only_where_the_case_holds_it(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    field_id = make_field(client, domain_id, "Order")
    holder = create(client, domain_id, template_id, {"title": text("t"), field_id: text("o-1")})
    other = create(client, domain_id, template_id)
    client.delete_field(domainId=domain_id, fieldId=field_id)
    update(client, domain_id, holder, {field_id: text("o-2")})
    assert read(client, domain_id, holder, [field_id]) == {field_id: text("o-2")}
    with pytest.raises(ClientError) as excinfo:
        update(client, domain_id, other, {field_id: text("o-3")})
    assert error_of(excinfo) == ("ValidationException", 400)
    assert field_id in str(excinfo.value)


def test_update_unknown_case_and_domain(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        update(client, domain_id, "no-such-case", {"title": text("t")})
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    assert excinfo.value.response["resourceType"] == "Case"  # type: ignore[typeddict-item]
    with pytest.raises(ClientError) as excinfo:
        update(client, "no-such-domain", "no-such-case", {"title": text("t")})
    assert excinfo.value.response["resourceType"] == "Domain"  # type: ignore[typeddict-item]


def test_update_with_no_fields_is_a_no_op(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    before = read(client, domain_id, case_id)
    client.update_case(domainId=domain_id, caseId=case_id, fields=[])
    assert read(client, domain_id, case_id) == before
    assert audit_types(client, domain_id, case_id) == ["Case.Created"]


def test_update_with_identical_values_changes_nothing(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    before = read(client, domain_id, case_id)
    with time_machine.travel(datetime(2030, 1, 1, tzinfo=timezone.utc), tick=False):
        update(client, domain_id, case_id, {"title": text("Parcel lost"), "status": text("open")})
    assert read(client, domain_id, case_id) == before
    assert audit_types(client, domain_id, case_id) == ["Case.Created"]


def test_rejected_update_leaves_the_case_unchanged(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    before = read(client, domain_id, case_id, [*ALL_SYSTEM, "summary"])
    with pytest.raises(ClientError) as excinfo:
        update(
            client,
            domain_id,
            case_id,
            {"summary": text("valid"), "status": text("closed"), "title": {"booleanValue": True}},
        )
    assert error_of(excinfo) == ("ValidationException", 400)
    assert read(client, domain_id, case_id, [*ALL_SYSTEM, "summary"]) == before
    assert audit_types(client, domain_id, case_id) == ["Case.Created"]


# -- required case rules ------------------------------------------------------------------------

CLOSED = {
    "equalTo": {"operandOne": {"fieldId": "status"}, "operandTwo": text("closed"), "result": True}
}


@pytest.fixture
def close_reason(client: ConnectCasesClient, domain_id: str) -> tuple[str, str]:
    """A template whose rule requires a Close Reason field when the status is closed:
    (template id, field id)."""
    field_id = make_field(client, domain_id, "Close Reason")
    rule: Any = {"required": {"defaultValue": False, "conditions": [CLOSED]}}
    rule_id = client.create_case_rule(
        domainId=domain_id, name="close reason when closed", rule=rule
    )["caseRuleId"]
    template_id = make_template(
        client, domain_id, rules=[{"caseRuleId": rule_id, "fieldId": field_id}]
    )
    return template_id, field_id


def test_required_rule_is_enforced_on_create(
    client: ConnectCasesClient, domain_id: str, close_reason: tuple[str, str]
) -> None:
    template_id, field_id = close_reason
    assert create(client, domain_id, template_id)  # open: not required
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id, {"title": text("t"), "status": text("closed")})
    assert error_of(excinfo) == ("ValidationException", 400)
    assert field_id in str(excinfo.value)
    values = {"title": text("t"), "status": text("closed"), field_id: text("done")}
    assert create(client, domain_id, template_id, values)


def test_required_rule_sees_the_default_status(client: ConnectCasesClient, domain_id: str) -> None:
    field_id = make_field(client, domain_id, "Next Step")
    when_open: Any = {
        "equalTo": {"operandOne": {"fieldId": "status"}, "operandTwo": text("open"), "result": True}
    }
    rule_id = client.create_case_rule(
        domainId=domain_id,
        name="next step while open",
        rule={"required": {"defaultValue": False, "conditions": [when_open]}},
    )["caseRuleId"]
    template_id = make_template(
        client, domain_id, rules=[{"caseRuleId": rule_id, "fieldId": field_id}]
    )
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, template_id)  # no status: the case is created open
    assert field_id in str(excinfo.value)
    assert create(client, domain_id, template_id, {"title": text("t"), field_id: text("call")})


def test_required_rule_is_enforced_on_update(
    client: ConnectCasesClient, domain_id: str, close_reason: tuple[str, str]
) -> None:
    template_id, field_id = close_reason
    case_id = create(client, domain_id, template_id)
    with pytest.raises(ClientError) as excinfo:
        update(client, domain_id, case_id, {"status": text("closed")})
    assert error_of(excinfo) == ("ValidationException", 400)
    assert read(client, domain_id, case_id, ["status"]) == {"status": text("open")}
    update(client, domain_id, case_id, {"status": text("closed"), field_id: text("done")})
    with pytest.raises(ClientError):
        update(client, domain_id, case_id, {field_id: {"emptyValue": {}}})


def test_required_rules_can_be_switched_off() -> None:
    with mock_cases(region=REGION, settings=Settings(enforce_required_rules=False)) as mock:
        client = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        rule_id = client.create_case_rule(
            domainId=domain_id,
            name="r",
            rule={"required": {"defaultValue": True, "conditions": []}},
        )["caseRuleId"]
        template_id = make_template(
            client, domain_id, rules=[{"caseRuleId": rule_id, "fieldId": "summary"}]
        )
        assert create(client, domain_id, template_id)


def test_case_that_predates_a_rule_can_still_be_edited(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    case_id = create(client, domain_id, template_id)
    rule_id = client.create_case_rule(
        domainId=domain_id,
        name="summary always",
        rule={"required": {"defaultValue": True, "conditions": []}},
    )["caseRuleId"]
    client.update_template(
        domainId=domain_id,
        templateId=template_id,
        rules=[{"caseRuleId": rule_id, "fieldId": "summary"}],
    )
    update(client, domain_id, case_id, {"title": text("still editable")})
    with pytest.raises(ClientError):
        create(client, domain_id, template_id)


needs_field_options = pytest.mark.skipif(
    not _model.has_member("CaseRuleDetails", "fieldOptions"),
    reason="no fieldOptions rules in this botocore",
)


@needs_field_options
def test_field_option_rules_are_enforced_only_when_switched_on() -> None:
    for enforce in (False, True):
        settings = Settings(enforce_field_option_rules=enforce)
        with mock_cases(region=REGION, settings=settings) as mock:
            client = mock.client()
            domain_id = client.create_domain(name="d")["domainId"]
            parent = make_field(client, domain_id, "Kind", "SingleSelect", ("billing", "tech"))
            child = make_field(client, domain_id, "Sub", "SingleSelect", ("refund", "outage"))
            rule_id = client.create_case_rule(
                domainId=domain_id,
                name="sub by kind",
                rule={
                    "fieldOptions": {
                        "parentFieldId": parent,
                        "childFieldId": child,
                        "parentChildFieldOptionsMappings": [
                            {
                                "parentFieldOptionValue": "billing",
                                "childFieldOptionValues": ["refund"],
                            }
                        ],
                    }
                },
            )["caseRuleId"]
            template_id = make_template(
                client, domain_id, rules=[{"caseRuleId": rule_id, "fieldId": child}]
            )
            values = {"title": text("t"), parent: text("billing"), child: text("outage")}
            if enforce:
                with pytest.raises(ClientError) as excinfo:
                    create(client, domain_id, template_id, values)
                assert error_of(excinfo) == ("ValidationException", 400)
            else:
                assert create(client, domain_id, template_id, values)
            values[child] = text("refund")
            assert create(client, domain_id, template_id, values)


# -- DeleteCase -------------------------------------------------------------------------------


def test_deleted_case_is_gone_for_every_operation(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    client.delete_case(domainId=domain_id, caseId=case_id)
    calls: list[Callable[[], object]] = [
        lambda: client.get_case(domainId=domain_id, caseId=case_id, fields=[{"id": "title"}]),
        lambda: update(client, domain_id, case_id, {"title": text("x")}),
        lambda: client.get_case_audit_events(domainId=domain_id, caseId=case_id),
        lambda: client.delete_case(domainId=domain_id, caseId=case_id),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == ("ResourceNotFoundException", 404)


def test_deleted_case_arn_cannot_be_tagged(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    answer = client.create_case(
        domainId=domain_id, templateId=template_id, fields=as_fields({"title": text("t")})
    )
    client.delete_case(domainId=domain_id, caseId=answer["caseId"])
    with pytest.raises(ClientError) as excinfo:
        client.list_tags_for_resource(arn=answer["caseArn"])
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


def test_reference_number_of_a_deleted_case_can_be_reused(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    values = {"title": text("t"), "reference_number": text("R-1")}
    client.delete_case(domainId=domain_id, caseId=create(client, domain_id, template_id, values))
    assert create(client, domain_id, template_id, values)


def test_delete_case_in_unknown_domain(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.delete_case(domainId="no-such-domain", caseId="c")
    assert excinfo.value.response["resourceType"] == "Domain"  # type: ignore[typeddict-item]


def test_deleting_one_case_leaves_the_others(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    keep = create(client, domain_id, template_id, {"title": text("keep")})
    client.delete_case(domainId=domain_id, caseId=create(client, domain_id, template_id))
    assert read(client, domain_id, keep, ["title"]) == {"title": text("keep")}


# -- computed system fields -------------------------------------------------------------------


def test_next_sla_breach_is_the_earliest_open_sla_target(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    assert read(client, domain_id, case_id, ["next_sla_breach_datetime"]) == {}
    with time_machine.travel(datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc), tick=False):
        for name, minutes in (("later", 120), ("sooner", 60)):
            content: Any = {
                "sla": {
                    "slaInputConfiguration": {
                        "name": name,
                        "type": "CaseField",
                        "fieldId": "status",
                        "targetFieldValues": [text("closed")],
                        "targetSlaMinutes": minutes,
                    }
                }
            }
            client.create_related_item(
                domainId=domain_id, caseId=case_id, type="Sla", content=content
            )
        assert read(client, domain_id, case_id, ["next_sla_breach_datetime"]) == {
            "next_sla_breach_datetime": text("2026-03-01T11:00:00.000Z")
        }
        title = {"id": "title", "value": text("Parcel lost")}
        assert searched(client, domain_id, case_id) == [
            title,
            {"id": "next_sla_breach_datetime", "value": text("2026-03-01T11:00:00.000Z")},
        ]
        update(client, domain_id, case_id, {"status": text("closed")})
        assert read(client, domain_id, case_id, ["next_sla_breach_datetime"]) == {}
        assert searched(client, domain_id, case_id) == [title]


def searched(client: ConnectCasesClient, domain_id: str, case_id: str) -> list[Any]:
    """The fields SearchCases answers for ``case_id``, projecting the title and the next
    SLA breach."""
    fields: Any = [{"id": "title"}, {"id": "next_sla_breach_datetime"}]
    cases = client.search_cases(domainId=domain_id, fields=fields)["cases"]
    return next(found["fields"] for found in cases if found["caseId"] == case_id)
