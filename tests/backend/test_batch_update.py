"""BatchUpdateCase (newer botocore only) through a real boto3 client: per-case results,
whole-request refusals that leave every case unchanged, idempotency, audit and events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from casemock import CasesMock, _model
from casemock.backend._registry import handlers
from tests.helpers import (
    PROFILE,
    USER,
    audit_types,
    create,
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

needs_batch = pytest.mark.skipif(
    not _model.has_operation("BatchUpdateCase"), reason="no BatchUpdateCase in this botocore"
)
AGENT = "AKIAAGENTEXAMPLE"


def batch(
    client: ConnectCasesClient,
    domain_id: str,
    cases: list[dict[str, Any]],
    fields: list[dict[str, Any]] | None = None,
    **options: Any,
) -> dict[str, Any]:
    answer: dict[str, Any] = client.batch_update_case(  # type: ignore[attr-defined]
        domainId=domain_id, cases=cases, fields=fields or [], **options
    )
    answer.pop("ResponseMetadata")
    return answer


def by_id(*case_ids: str) -> list[dict[str, Any]]:
    return [{"caseIdentifier": {"caseId": i}} for i in case_ids]


def by_reference(*references: str) -> list[dict[str, Any]]:
    return [{"caseIdentifier": {"referenceId": r}} for r in references]


def reference_of(client: ConnectCasesClient, domain_id: str, case_id: str) -> str:
    value: str = read(client, domain_id, case_id, ["reference_number"])["reference_number"][
        "stringValue"
    ]
    return value


def entry(field: dict[str, str], value: dict[str, Any]) -> dict[str, Any]:
    return {"fieldIdentifier": field, "value": value}


@pytest.fixture
def two_cases(client: ConnectCasesClient, domain_id: str, template_id: str) -> tuple[str, str]:
    return (
        create(client, domain_id, template_id, {"title": text("first")}),
        create(client, domain_id, template_id, {"title": text("second")}),
    )


def test_registered_only_when_the_model_has_them() -> None:
    """BatchUpdateCase here, StartMergeCases and GetMergeCasesStatus in merge.py."""
    for name in ("BatchUpdateCase", "StartMergeCases", "GetMergeCasesStatus"):
        assert (name in handlers()) == _model.has_operation(name)


# -- updating -------------------------------------------------------------------------------


@needs_batch
def test_top_level_members_and_fields_apply_to_every_case(
    client: ConnectCasesClient, domain_id: str, two_cases: tuple[str, str]
) -> None:
    priority = make_field(client, domain_id, "Priority", "Number")
    answer = batch(
        client,
        domain_id,
        by_id(*two_cases),
        [
            entry({"id": priority}, {"doubleValue": 2}),
            entry({"name": "Summary"}, text("duplicate of #42")),
        ],
        title="Parcel lost",
        status="closed",
        customerId=PROFILE,
    )
    assert answer["failedCases"] == []
    assert [item["caseIdentifier"] for item in answer["successfulCases"]] == [
        {"caseId": case_id, "referenceId": reference_of(client, domain_id, case_id)}
        for case_id in two_cases
    ]
    for case_id in two_cases:
        values = read(
            client, domain_id, case_id, ["title", "status", "customer_id", "summary", priority]
        )
        assert values == {
            "title": text("Parcel lost"),
            "status": text("closed"),
            "customer_id": text(PROFILE),
            "summary": text("duplicate of #42"),
            priority: {"doubleValue": 2.0},
        }
        assert "last_closed_datetime" in read(client, domain_id, case_id)


@needs_batch
def test_reference_ids_are_case_insensitive(
    client: ConnectCasesClient, domain_id: str, two_cases: tuple[str, str]
) -> None:
    first, second = two_cases
    reference = reference_of(client, domain_id, first)
    answer = batch(client, domain_id, by_reference(reference.lower()), title="renamed")
    assert answer["successfulCases"] == [
        {"caseIdentifier": {"caseId": first, "referenceId": reference}}
    ]
    assert read(client, domain_id, first, ["title"])["title"] == text("renamed")
    assert read(client, domain_id, second, ["title"])["title"] == text("second")


@needs_batch
def test_each_updated_case_gets_an_audit_event_and_a_case_event(
    client: ConnectCasesClient, mock: CasesMock, domain_id: str, two_cases: tuple[str, str]
) -> None:
    client.put_case_event_configuration(domainId=domain_id, eventBridge={"enabled": True})
    batch(client, domain_id, by_id(*two_cases), title="renamed", performedBy={"userArn": USER})
    for case_id in two_cases:
        events = client.get_case_audit_events(domainId=domain_id, caseId=case_id)["auditEvents"]
        last = events[-1]
        assert last["type"] == "Case.Updated"
        assert last["performedBy"]["user"] == {"userArn": USER}
        titles = [f for f in last["fields"] if f["eventFieldId"] == "title"]
        assert titles[0]["newValue"] == text("renamed")
        assert read(client, domain_id, case_id, ["last_updated_user"]) == {
            "last_updated_user": {"userArnValue": USER}
        }
    updated = [e["detail"] for e in mock.events if e["detail"]["eventType"] == "CASE.UPDATED"]
    assert sorted(d["case"]["caseId"] for d in updated) == sorted(two_cases)
    assert all("title" in d["changedFieldIds"] for d in updated)


@needs_batch
def test_values_a_case_already_holds_record_nothing(
    client: ConnectCasesClient, domain_id: str, two_cases: tuple[str, str]
) -> None:
    first, _ = two_cases
    answer = batch(client, domain_id, by_id(first), title="first")
    assert answer["successfulCases"][0]["caseIdentifier"]["caseId"] == first
    assert audit_types(client, domain_id, first) == ["Case.Created"]


# -- per-case failures ----------------------------------------------------------------------


@needs_batch
def test_unknown_case_id_fails_alone(
    client: ConnectCasesClient, domain_id: str, two_cases: tuple[str, str]
) -> None:
    first, _ = two_cases
    answer = batch(client, domain_id, by_id("no-such-case", first), title="renamed")
    assert answer["successfulCases"] == [
        {"caseIdentifier": {"caseId": first, "referenceId": reference_of(client, domain_id, first)}}
    ]
    [failure] = answer["failedCases"]
    assert failure["caseIdentifier"] == {"caseId": "no-such-case"}
    assert failure["errorCode"] == "CASE_NOT_FOUND"
    assert failure["errorMessage"]
    assert read(client, domain_id, first, ["title"])["title"] == text("renamed")


@needs_batch
def test_a_value_one_case_refuses_fails_that_case_only(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    """A deleted field can only be written on a case that already holds a value for it."""
    note = make_field(client, domain_id, "Note")
    holder = create(client, domain_id, template_id, {"title": text("a"), note: text("old")})
    other = create(client, domain_id, template_id, {"title": text("b")})
    client.delete_field(domainId=domain_id, fieldId=note)
    answer = batch(client, domain_id, by_id(holder, other), [entry({"id": note}, text("new"))])
    assert [s["caseIdentifier"]["caseId"] for s in answer["successfulCases"]] == [holder]
    [failure] = answer["failedCases"]
    assert (failure["caseIdentifier"]["caseId"], failure["errorCode"]) == (
        other,
        "VALIDATION_ERROR",
    )
    assert read(client, domain_id, holder, [note])[note] == text("new")
    assert read(client, domain_id, other, [note]) == {}
    assert audit_types(client, domain_id, other) == ["Case.Created"]


@needs_batch
def test_required_field_cannot_be_cleared_on_the_cases_that_require_it(
    client: ConnectCasesClient, domain_id: str
) -> None:
    strict = make_template(client, domain_id, requiredFields=[{"fieldId": "summary"}])
    loose = make_template(client, domain_id)
    values = {"title": text("t"), "summary": text("s")}
    required = create(client, domain_id, strict, values)
    optional = create(client, domain_id, loose, values)
    answer = batch(
        client, domain_id, by_id(required, optional), [entry({"id": "summary"}, {"emptyValue": {}})]
    )
    assert [f["caseIdentifier"]["caseId"] for f in answer["failedCases"]] == [required]
    assert answer["failedCases"][0]["errorCode"] == "VALIDATION_ERROR"
    assert read(client, domain_id, required, ["summary"]) == {"summary": text("s")}
    assert read(client, domain_id, optional, ["summary"]) == {}


@needs_batch
def test_status_must_be_an_option_and_customer_a_profile_arn(
    client: ConnectCasesClient, domain_id: str, two_cases: tuple[str, str]
) -> None:
    refused: list[dict[str, Any]] = [
        {"status": "bogus"},
        {"customerId": "arn:aws:iam::123456789012:role/x"},
    ]
    for options in refused:
        answer = batch(client, domain_id, by_id(*two_cases), **options)
        assert answer["successfulCases"] == []
        assert {f["errorCode"] for f in answer["failedCases"]} == {"VALIDATION_ERROR"}
    for case_id in two_cases:
        assert audit_types(client, domain_id, case_id) == ["Case.Created"]


@needs_batch
def test_case_outside_the_callers_access_scope_fails_alone(
    client: ConnectCasesClient, mock: CasesMock, domain_id: str, template_id: str
) -> None:
    shipping = create(client, domain_id, template_id, tags={"Department": "Shipping"})
    billing = create(client, domain_id, template_id, tags={"Department": "Billing"})
    mock.restrict_access(AGENT, tags={"Department": "Shipping"})
    agent = mock.client(access_key_id=AGENT)
    answer = batch(agent, domain_id, by_id(shipping, billing), title="renamed")
    assert [s["caseIdentifier"]["caseId"] for s in answer["successfulCases"]] == [shipping]
    assert [(f["caseIdentifier"]["caseId"], f["errorCode"]) for f in answer["failedCases"]] == [
        (billing, "ACCESS_DENIED")
    ]
    assert read(client, domain_id, billing, ["title"])["title"] == text("Parcel lost")


# -- whole-request refusals -----------------------------------------------------------------


def _unchanged(
    client: ConnectCasesClient, domain_id: str, case_ids: tuple[str, ...]
) -> list[tuple[dict[str, Any], list[str]]]:
    return [(read(client, domain_id, i), audit_types(client, domain_id, i)) for i in case_ids]


@needs_batch
def test_unknown_domain(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        batch(client, "no-such-domain", by_id("c"), title="x")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


@needs_batch
@pytest.mark.parametrize(
    ("case_list", "expected"),
    [
        ("unknown-reference", ("ResourceNotFoundException", 404)),
        ("repeated-id", ("ValidationException", 400)),
        ("id-and-reference", ("ValidationException", 400)),
    ],
)
def test_case_list_refusals_update_nothing(
    client: ConnectCasesClient,
    domain_id: str,
    two_cases: tuple[str, str],
    case_list: str,
    expected: tuple[str, int],
) -> None:
    first, second = two_cases
    reference = reference_of(client, domain_id, first)
    cases = {
        "unknown-reference": by_id(first, second) + by_reference("NOSUCHREF"),
        "repeated-id": by_id(first, second, first),
        "id-and-reference": by_id(first, second) + by_reference(reference.lower()),
    }[case_list]
    before = _unchanged(client, domain_id, two_cases)
    with pytest.raises(ClientError) as excinfo:
        batch(client, domain_id, cases, title="renamed")
    assert error_of(excinfo) == expected
    assert _unchanged(client, domain_id, two_cases) == before


@needs_batch
@pytest.mark.parametrize(
    "fields",
    [
        pytest.param([], id="no-update"),
        pytest.param([entry({"id": "no-such-field"}, text("x"))], id="unknown-id"),
        pytest.param([entry({"name": "No such field"}, text("x"))], id="unknown-name"),
        pytest.param([entry({"name": "Ticket|Ref"}, text("x"))], id="pipe-in-name"),
        pytest.param([entry({"name": "Ticket,Ref"}, text("x"))], id="comma-in-name"),
        pytest.param([entry({"id": "title"}, text("x"))], id="title-in-fields"),
        pytest.param([entry({"id": "status"}, text("closed"))], id="status-in-fields"),
        pytest.param([entry({"name": "Customer"}, text(PROFILE))], id="customer-by-name"),
    ],
)
def test_field_refusals_update_nothing(
    client: ConnectCasesClient,
    domain_id: str,
    two_cases: tuple[str, str],
    fields: list[dict[str, Any]],
) -> None:
    # A field really named "Ticket|Ref" exists: the name is refused all the same.
    make_field(client, domain_id, "Ticket|Ref")
    extra = [] if not fields else [entry({"name": "Summary"}, text("changed"))]
    before = _unchanged(client, domain_id, two_cases)
    with pytest.raises(ClientError) as excinfo:
        batch(client, domain_id, by_id(*two_cases), extra + fields)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert _unchanged(client, domain_id, two_cases) == before


@needs_batch
def test_deleted_field_names_do_not_resolve(
    client: ConnectCasesClient, domain_id: str, two_cases: tuple[str, str]
) -> None:
    note = make_field(client, domain_id, "Note")
    client.delete_field(domainId=domain_id, fieldId=note)
    with pytest.raises(ClientError) as excinfo:
        batch(client, domain_id, by_id(*two_cases), [entry({"name": "Note"}, text("x"))])
    assert error_of(excinfo) == ("ValidationException", 400)


# -- clientToken ----------------------------------------------------------------------------


@needs_batch
def test_same_token_and_request_replays_the_first_answer(
    client: ConnectCasesClient, domain_id: str, two_cases: tuple[str, str]
) -> None:
    first, _ = two_cases
    request: dict[str, Any] = {"title": "renamed", "clientToken": "token-1"}
    answer = batch(client, domain_id, by_id(first, "no-such-case"), **request)
    update(client, domain_id, first, {"title": text("changed since")})
    again = batch(client, domain_id, by_id(first, "no-such-case"), **request)
    assert again == answer
    assert read(client, domain_id, first, ["title"])["title"] == text("changed since")
    assert audit_types(client, domain_id, first).count("Case.Updated") == 2


@needs_batch
def test_same_token_with_another_request_is_a_conflict(
    client: ConnectCasesClient, domain_id: str, two_cases: tuple[str, str]
) -> None:
    first, second = two_cases
    batch(client, domain_id, by_id(first), title="renamed", clientToken="token-1")
    before = _unchanged(client, domain_id, two_cases)
    with pytest.raises(ClientError) as excinfo:
        batch(client, domain_id, by_id(second), title="renamed", clientToken="token-1")
    assert error_of(excinfo) == ("ConflictException", 409)
    assert _unchanged(client, domain_id, two_cases) == before


@needs_batch
def test_refused_request_does_not_use_up_its_token(
    client: ConnectCasesClient, domain_id: str, two_cases: tuple[str, str]
) -> None:
    first, _ = two_cases
    with pytest.raises(ClientError):
        batch(client, domain_id, by_id(first, first), title="renamed", clientToken="token-1")
    batch(client, domain_id, by_id(first), title="renamed", clientToken="token-1")
    assert read(client, domain_id, first, ["title"])["title"] == text("renamed")


@needs_batch
def test_plain_calls_each_get_their_own_token(
    client: ConnectCasesClient, domain_id: str, two_cases: tuple[str, str]
) -> None:
    first, _ = two_cases
    batch(client, domain_id, by_id(first), title="one")
    batch(client, domain_id, by_id(first), title="two")
    assert read(client, domain_id, first, ["title"])["title"] == text("two")
    assert audit_types(client, domain_id, first) == ["Case.Created", "Case.Updated", "Case.Updated"]
