"""Seeding helpers: a ready domain in one call, many cases fast, the same validation."""

from __future__ import annotations

import gc
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from casemock import CasesMock, CasesMockError, mock_cases
from casemock.seeding import SeededDomain, create_cases, seed_domain, wire_value
from tests.helpers import retained_bytes

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

USER = "arn:aws:connect:us-east-1:123456789012:instance/i-1/user/u-1"
FIELDS: list[dict[str, Any]] = [
    {"name": "Priority", "type": "SingleSelect", "options": ["high", "low"]},
    {"name": "Amount", "type": "Number", "description": "in EUR"},
    {"name": "Urgent", "type": "Boolean"},
    {"name": "Due", "type": "DateTime"},
    {"name": "Owner", "type": "User"},
]


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def support(mock: CasesMock, **options: Any) -> SeededDomain:
    options.setdefault("fields", FIELDS)
    options.setdefault("template", {"name": "Default", "required": ["Priority"]})
    return seed_domain(mock, "support", **options)


def get_values(
    client: ConnectCasesClient, domain: SeededDomain, case_id: str, *fields: str
) -> dict[str, Any]:
    answer = client.get_case(
        domainId=domain.domain_id,
        caseId=case_id,
        fields=[{"id": domain.field_id(name)} for name in fields],
    )
    by_id = {item["id"]: item["value"] for item in answer["fields"]}
    return {name: by_id.get(domain.field_id(name)) for name in fields}


# -- seed_domain --------------------------------------------------------------------------


def test_seed_domain_builds_fields_options_layout_and_template(
    mock: CasesMock, client: ConnectCasesClient
) -> None:
    domain = support(mock, layout=True)
    assert domain.name == "support"
    assert domain.region == mock.region
    listed = client.list_fields(domainId=domain.domain_id)["fields"]
    custom = {f["name"]: f for f in listed if f["namespace"] == "Custom"}
    assert {name: f["type"] for name, f in custom.items()} == {
        spec["name"]: spec["type"] for spec in FIELDS
    }
    assert {name: f["fieldId"] for name, f in custom.items()} == dict(domain.field_ids)
    options = client.list_field_options(
        domainId=domain.domain_id, fieldId=domain.field_id("Priority")
    )["options"]
    assert options == [
        {"name": "high", "value": "high", "active": True},
        {"name": "low", "value": "low", "active": True},
    ]
    assert domain.template_id is not None and domain.layout_id is not None
    template = client.get_template(domainId=domain.domain_id, templateId=domain.template_id)
    assert template["name"] == "Default"
    assert template["requiredFields"] == [{"fieldId": domain.field_id("Priority")}]
    assert template["layoutConfiguration"] == {"defaultLayout": domain.layout_id}
    layout = client.get_layout(domainId=domain.domain_id, layoutId=domain.layout_id)
    shown = layout["content"]["basic"]["topPanel"]["sections"][0]["fieldGroup"]["fields"]
    assert [item["id"] for item in shown] == list(domain.field_ids.values())


def test_seed_domain_attaches_rules_naming_fields(
    mock: CasesMock, client: ConnectCasesClient
) -> None:
    domain = support(
        mock,
        rules=[
            {
                "name": "amount when urgent",
                "field": "Amount",
                "rule": {
                    "required": {
                        "defaultValue": False,
                        "conditions": [
                            {
                                "equalTo": {
                                    "operandOne": {"fieldId": "Urgent"},
                                    "operandTwo": {"booleanValue": True},
                                    "result": True,
                                }
                            }
                        ],
                    }
                },
            }
        ],
    )
    rule_id = domain.case_rule_ids["amount when urgent"]
    assert domain.template_id is not None
    template = client.get_template(domainId=domain.domain_id, templateId=domain.template_id)
    assert template["rules"] == [{"caseRuleId": rule_id, "fieldId": domain.field_id("Amount")}]
    stored = client.batch_get_case_rule(domainId=domain.domain_id, caseRules=[{"id": rule_id}])[
        "caseRules"
    ][0]["rule"]
    condition = stored["required"]["conditions"][0]["equalTo"]
    assert condition["operandOne"] == {"fieldId": domain.field_id("Urgent")}


def test_seed_domain_layout_panels_and_options_on_system_fields(
    mock: CasesMock, client: ConnectCasesClient
) -> None:
    domain = support(
        mock,
        fields=[
            *FIELDS,
            {"id": "case_reason", "options": [{"value": "billing", "name": "Billing"}]},
        ],
        layout={"name": "Agent view", "top": ["Priority"], "more_info": ["Amount", "summary"]},
    )
    assert domain.layout_id is not None
    layout = client.get_layout(domainId=domain.domain_id, layoutId=domain.layout_id)
    assert layout["name"] == "Agent view"
    panels = layout["content"]["basic"]
    more = panels["moreInfo"]["sections"][0]["fieldGroup"]["fields"]
    assert [item["id"] for item in more] == [domain.field_id("Amount"), "summary"]
    options = client.list_field_options(domainId=domain.domain_id, fieldId="case_reason")
    assert options["options"] == [{"name": "Billing", "value": "billing", "active": True}]


def test_seed_domain_without_template(mock: CasesMock) -> None:
    domain = seed_domain(mock, "bare")
    assert domain.template_id is None and domain.layout_id is None
    assert dict(domain.field_ids) == {}
    assert domain.field_id("title") == "title"


def test_refused_step_raises_client_error_and_leaves_no_domain(
    mock: CasesMock, client: ConnectCasesClient
) -> None:
    with pytest.raises(ClientError) as excinfo:
        seed_domain(
            mock,
            "broken",
            fields=[{"name": "Twice", "type": "Text"}, {"name": "Twice", "type": "Number"}],
        )
    assert code_of(excinfo) == ("ConflictException", 409)
    assert client.list_domains()["domains"] == []


def test_refused_option_raises_its_error(mock: CasesMock, client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        seed_domain(
            mock, "broken", fields=[{"name": "P", "type": "SingleSelect", "options": ["a", "a"]}]
        )
    assert code_of(excinfo) == ("ValidationException", 400)
    assert "'a'" in excinfo.value.response["Error"]["Message"]
    assert client.list_domains()["domains"] == []


def test_model_constraints_apply_to_seeding(mock: CasesMock) -> None:
    with pytest.raises(ClientError) as excinfo:
        seed_domain(mock, "x" * 101)
    assert code_of(excinfo) == ("ValidationException", 400)
    assert "Member must have length less than or equal to 100" in str(excinfo.value)


def test_seeding_needs_an_active_mock() -> None:
    mock = mock_cases()
    with pytest.raises(CasesMockError, match="active mock"):
        seed_domain(mock, "support")
    with pytest.raises(CasesMockError, match="active mock"):
        create_cases(mock, "d", "t", [])


# -- create_cases -------------------------------------------------------------------------


def test_create_cases_converts_plain_values(mock: CasesMock, client: ConnectCasesClient) -> None:
    domain = support(mock)
    assert domain.template_id is not None
    due = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
    ids = create_cases(
        mock,
        domain.domain_id,
        domain.template_id,
        [
            {
                "title": "Printer on fire",
                "Priority": "high",
                "Amount": 12,
                "Urgent": True,
                "Due": due,
                "Owner": USER,
                "summary": None,
            },
            {"title": "Second", domain.field_id("Priority"): {"stringValue": "low"}},
        ],
    )
    assert len(ids) == 2
    values = get_values(
        client, domain, ids[0], "title", "Priority", "Amount", "Urgent", "Due", "Owner", "summary"
    )
    assert values == {
        "title": {"stringValue": "Printer on fire"},
        "Priority": {"stringValue": "high"},
        "Amount": {"doubleValue": 12.0},
        "Urgent": {"booleanValue": True},
        "Due": {"stringValue": "2024-05-01T12:30:00.000Z"},
        "Owner": {"userArnValue": USER},
        "summary": None,
    }
    assert get_values(client, domain, ids[1], "Priority") == {"Priority": {"stringValue": "low"}}
    case = mock.backend().domains[domain.domain_id].cases[ids[0]]
    assert case.status == "open"
    assert case.reference_number
    assert [event.type for event in case.audit] == ["Case.Created"]


def test_naive_datetimes_are_utc() -> None:
    assert wire_value(datetime(2024, 1, 2, 3, 4, 5), "DateTime") == {
        "stringValue": "2024-01-02T03:04:05.000Z"
    }
    with pytest.raises(CasesMockError, match="cannot turn"):
        wire_value(object(), "Text")


def test_create_cases_tags_and_performed_by(mock: CasesMock, client: ConnectCasesClient) -> None:
    domain = support(mock)
    assert domain.template_id is not None
    (case_id,) = create_cases(
        mock,
        domain.domain_id,
        domain.template_id,
        [{"title": "t", "Priority": "low"}],
        tags={"team": "blue"},
        performed_by=USER,
    )
    answer = client.get_case(
        domainId=domain.domain_id, caseId=case_id, fields=[{"id": "created_by"}]
    )
    assert answer["tags"] == {"team": "blue"}
    assert answer["fields"] == [{"id": "created_by", "value": {"userArnValue": USER}}]
    audit = client.get_case_audit_events(domainId=domain.domain_id, caseId=case_id)
    assert audit["auditEvents"][0]["performedBy"]["user"] == {"userArn": USER}


def test_seeded_cases_are_found_by_search(mock: CasesMock, client: ConnectCasesClient) -> None:
    domain = support(mock)
    assert domain.template_id is not None
    rows = [{"title": f"case {i}", "Priority": "high" if i % 3 == 0 else "low"} for i in range(30)]
    create_cases(mock, domain.domain_id, domain.template_id, rows)
    answer = client.search_cases(
        domainId=domain.domain_id,
        filter={
            "field": {
                "equalTo": {"id": domain.field_id("Priority"), "value": {"stringValue": "high"}}
            }
        },
        maxResults=25,
    )
    assert len(answer["cases"]) == 10


def test_create_cases_validates_like_create_case(
    mock: CasesMock, client: ConnectCasesClient
) -> None:
    domain = support(mock)
    assert domain.template_id is not None
    good = {"title": "ok", "Priority": "high"}
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"title": "no priority"}, "ValidationException"),  # required by the template
        ({"title": "t", "Priority": "medium"}, "ValidationException"),  # not an option
        ({"title": "t" * 4101, "Priority": "high"}, "ValidationException"),  # model max
        ({"title": "t", "Priority": "high", "Amount": "12"}, "ValidationException"),  # type
        ({"title": "t", "Priority": "high", "No such field": "x"}, "ValidationException"),
        ({"title": "t", "Priority": "high", "case_id": "mine"}, "ValidationException"),
    ]
    for row, code in refusals:
        with pytest.raises(ClientError) as excinfo:
            create_cases(mock, domain.domain_id, domain.template_id, [good, row])
        assert code_of(excinfo) == (code, 400), row
        assert "(create_cases row 1)" in excinfo.value.response["Error"]["Message"]
    cases = mock.backend().domains[domain.domain_id].cases
    assert len(cases) == len(refusals)  # each call created its good row only
    with pytest.raises(ClientError) as excinfo:
        create_cases(mock, "no-such-domain", domain.template_id, [good])
    assert code_of(excinfo) == ("ResourceNotFoundException", 404)
    assert excinfo.value.response["resourceType"] == "Domain"  # type: ignore[typeddict-item]
    with pytest.raises(ClientError) as excinfo:
        create_cases(mock, domain.domain_id, "no-such-template", [good])
    assert code_of(excinfo) == ("ResourceNotFoundException", 404)


def test_errors_are_catchable_like_the_clients(mock: CasesMock, client: ConnectCasesClient) -> None:
    domain = support(mock)
    assert domain.template_id is not None
    with pytest.raises(ClientError) as excinfo:
        create_cases(mock, domain.domain_id, domain.template_id, [{"title": "t"}])
    assert type(excinfo.value).__name__ == "ValidationException"
    assert excinfo.value.operation_name == "CreateCase"


def test_no_call_log_or_events_unless_asked(mock: CasesMock, client: ConnectCasesClient) -> None:
    domain = support(mock)
    assert domain.template_id is not None
    client.put_case_event_configuration(domainId=domain.domain_id, eventBridge={"enabled": True})
    calls_before = len(mock.calls)
    row = {"title": "t", "Priority": "high"}
    create_cases(mock, domain.domain_id, domain.template_id, [row])
    assert len(mock.calls) == calls_before
    assert mock.events == []
    (case_id,) = create_cases(
        mock, domain.domain_id, domain.template_id, [row], events=True, record_calls=True
    )
    assert [call.operation for call in mock.calls[calls_before:]] == ["CreateCase"]
    response = mock.calls[-1].response
    assert response is not None
    assert response["caseId"] == case_id
    assert [event["detail"]["eventType"] for event in mock.events] == ["CASE.CREATED"]


def seeded_records(mock: CasesMock, domain: SeededDomain, generation: int) -> int:
    state = mock.store.region(mock.store.default_region)
    cases = set(map(id, state.domains[domain.domain_id].cases.values()))
    return sum(1 for item in gc.get_objects(generation) if id(item) in cases)


def test_seeded_cases_go_to_the_collectors_oldest_generation(mock: CasesMock) -> None:
    """Seeded records are long-lived: the collector's young collections, which run every
    few hundred allocations of the test, do not scan them again."""
    domain = support(mock)
    assert domain.template_id is not None
    rows = [{"title": f"case {n}", "Priority": "high"} for n in range(50)]
    assert gc.isenabled()
    create_cases(mock, domain.domain_id, domain.template_id, rows)
    assert gc.isenabled()
    assert seeded_records(mock, domain, 0) == seeded_records(mock, domain, 1) == 0
    assert seeded_records(mock, domain, 2) == 50


def test_a_created_case_costs_a_few_kilobytes(mock: CasesMock) -> None:
    """What a case keeps (values, audit entry, ids) costs about its data: the audit entry's
    JSON is kept in a buffer of its own size, not the encoder's 4 KiB one."""
    domain = support(mock)
    assert domain.template_id is not None
    template_id = domain.template_id
    rows = [
        {"title": f"Case {n}", "Priority": "high", "Amount": n, "Due": datetime(2026, 1, 1)}
        for n in range(1000)
    ]
    per_case = retained_bytes(lambda: create_cases(mock, domain.domain_id, template_id, rows))
    assert per_case / 1000 < 4500, per_case / 1000


def test_objects_frozen_by_the_process_stay_frozen(mock: CasesMock) -> None:
    domain = support(mock)
    assert domain.template_id is not None
    kept = [[n] for n in range(10)]  # tracked objects of the process's own, frozen
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        create_cases(
            mock, domain.domain_id, domain.template_id, [{"title": "t", "Priority": "high"}]
        )
        assert gc.get_freeze_count() == frozen
        assert gc.isenabled()
    finally:
        gc.unfreeze()
    assert len(kept) == 10


def test_seed_domain_calls_are_logged_when_asked(mock: CasesMock) -> None:
    support(mock, record_calls=True)
    assert [call.operation for call in mock.calls][:3] == [
        "CreateDomain",
        "CreateField",
        "BatchPutFieldOptions",
    ]
    assert mock.calls[-1].operation == "CreateTemplate"


def test_seeding_another_region(mock: CasesMock) -> None:
    domain = seed_domain(mock, "london", region="eu-west-2", template=True)
    assert domain.region == "eu-west-2"
    assert domain.template_id is not None
    create_cases(mock, domain.domain_id, domain.template_id, [{"title": "t"}], region="eu-west-2")
    assert len(mock.backend("eu-west-2").domain("london").cases) == 1
    assert len(mock.backend().domains) == 0


def test_seeded_mocks_are_reproducible() -> None:
    def run() -> list[str]:
        with mock_cases(seed=7) as m:
            domain = seed_domain(m, "support", template=True)
            assert domain.template_id is not None
            ids = create_cases(
                m, domain.domain_id, domain.template_id, [{"title": "a"}, {"title": "b"}]
            )
            refs = [m.backend().domains[domain.domain_id].cases[i].reference_number for i in ids]
            return [domain.domain_id, *ids, *map(str, refs)]

    assert run() == run()


def test_field_options_rule_names_its_fields(mock: CasesMock, client: ConnectCasesClient) -> None:
    domain = seed_domain(
        mock,
        "support",
        fields=[
            {"name": "Product", "type": "SingleSelect", "options": ["printer", "laptop"]},
            {"name": "Problem", "type": "SingleSelect", "options": ["jam", "battery"]},
        ],
        rules=[
            {
                "name": "problems per product",
                "rule": {
                    "fieldOptions": {
                        "parentFieldId": "Product",
                        "childFieldId": "Problem",
                        "parentChildFieldOptionsMappings": [
                            {"parentFieldOptionValue": "printer", "childFieldOptionValues": ["jam"]}
                        ],
                    }
                },
            }
        ],
        template=True,
    )
    rule_id = domain.case_rule_ids["problems per product"]
    stored = client.batch_get_case_rule(domainId=domain.domain_id, caseRules=[{"id": rule_id}])
    options = stored["caseRules"][0]["rule"]["fieldOptions"]
    assert options["parentFieldId"] == domain.field_id("Product")
    assert options["childFieldId"] == domain.field_id("Problem")
    assert domain.template_id is not None
    template = client.get_template(domainId=domain.domain_id, templateId=domain.template_id)
    assert template["rules"] == [{"caseRuleId": rule_id}]


def test_a_lone_surrogate_is_refused_as_over_the_wire(
    mock: CasesMock, client: ConnectCasesClient
) -> None:
    """Text that is not valid Unicode could never be encoded into an answer: the seeding
    helpers refuse it as the wire does, and store nothing."""
    seeded = seed_domain(mock, "support", template=True)
    assert seeded.template_id is not None
    with pytest.raises(ClientError) as excinfo:
        create_cases(mock, seeded.domain_id, seeded.template_id, [{"title": "bad \ud800"}])
    assert excinfo.value.response["Error"]["Code"] == "SerializationException"
    assert client.search_cases(domainId=seeded.domain_id)["cases"] == []
    with pytest.raises(ClientError):
        seed_domain(mock, "bad \udfff")
    assert [d["name"] for d in client.list_domains()["domains"]] == ["support"]


def test_a_domain_seeded_without_a_template_cannot_seed_cases(mock: CasesMock) -> None:
    domain = seed_domain(mock, "bare", fields=FIELDS, template=None)
    assert domain.template_id is None
    with pytest.raises(CasesMockError, match="needs a template id"):
        create_cases(mock, domain.domain_id, domain.template_id, [{"title": "t"}])


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"fields": [{"type": "Text"}]}, "needs ['name']"),
        (
            {"fields": [{"name": "Colour", "type": "Text", "colour": "red"}]},
            "unknown keys ['colour']",
        ),
        ({"fields": [{"id": "status", "type": "Text"}]}, "unknown keys ['type']"),
        ({"rules": [{"name": "r"}]}, "needs ['rule']"),
        ({"layout": {"top": [], "bottom": []}}, "unknown keys ['bottom']"),
        ({"template": {"requiredFields": []}}, "unknown keys ['requiredFields']"),
        ({"fields": ["Priority"]}, "a fields entry is a dict"),
    ],
)
def test_a_spec_seed_domain_cannot_read_is_refused_before_anything_is_made(
    mock: CasesMock, options: dict[str, Any], says: str
) -> None:
    with pytest.raises(CasesMockError, match=re.escape(says)):
        seed_domain(mock, "unread", **options)
    assert mock.backend().domains == {}
