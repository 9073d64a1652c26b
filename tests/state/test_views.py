"""State inspection: m.backend() shows what boto3 calls stored, read-only."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest

from casemock import CasesMock, CasesMockError, mock_cases
from casemock.seeding import create_cases, seed_domain
from casemock.views import FrozenMap
from tests.helpers import (
    REGION,
    add,
    case_rule,
    comment,
    default_template,
    main_layout,
    make_field,
    option,
    put_options,
    run_python_blocks,
)

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

USER = "arn:aws:connect:us-east-1:123456789012:instance/i-1/user/u-1"


def text(value: str) -> Any:
    return {"stringValue": value}


def build(client: ConnectCasesClient) -> dict[str, str]:
    """A domain with a custom field of each kind used here, a layout, a rule, a template,
    a tagged case with a comment; returns the ids."""
    domain_id = client.create_domain(name="support")["domainId"]
    priority = make_field(client, domain_id, "Priority", "SingleSelect")
    amount = make_field(client, domain_id, "Amount", "Number")
    due = make_field(client, domain_id, "Due", "DateTime")
    put_options(
        client, domain_id, priority, option("High", "high"), option("Low", "low", active=False)
    )
    layout_id = main_layout(client, domain_id, priority)
    rule_id = case_rule(client, domain_id, "amount needed")
    template_id = default_template(client, domain_id, layout_id, priority, [(rule_id, amount)])
    case_id = client.create_case(
        domainId=domain_id,
        templateId=template_id,
        fields=[
            {"id": "title", "value": text("Printer on fire")},
            {"id": priority, "value": text("high")},
            {"id": amount, "value": {"doubleValue": 12.5}},
            {"id": due, "value": text("2024-05-01T12:00:00.000Z")},
        ],
        performedBy={"userArn": USER},
        tags={"team": "blue"},
    )["caseId"]
    item_id = add(client, domain_id, case_id, "Comment", comment("Called back"))
    return {
        "domain": domain_id,
        "priority": priority,
        "amount": amount,
        "due": due,
        "layout": layout_id,
        "rule": rule_id,
        "template": template_id,
        "case": case_id,
        "item": item_id,
    }


def test_backend_shows_configuration(mock: CasesMock, client: ConnectCasesClient) -> None:
    ids = build(client)
    domain = mock.backend().domains[ids["domain"]]
    assert domain.name == "support"
    assert mock.backend().domain("support").domain_id == ids["domain"]
    priority = domain.field("Priority")
    assert priority.field_id == ids["priority"]
    assert priority.type == "SingleSelect"
    assert priority.namespace == "Custom"
    assert [(o.value, o.name, o.active) for o in priority.options.values()] == [
        ("high", "High", True),
        ("low", "Low", False),
    ]
    assert domain.fields["status"].namespace == "System"
    assert domain.layout("Main").content["basic"]["topPanel"]["sections"][0]["fieldGroup"][
        "fields"
    ] == ({"id": ids["priority"]},)
    template = domain.template("Default")
    assert template.layout_id == ids["layout"]
    assert template.required_field_ids == (ids["priority"],)
    assert template.rules == ({"caseRuleId": ids["rule"], "fieldId": ids["amount"]},)
    rule = domain.case_rule("amount needed")
    assert rule.kind == "required"
    assert rule.case_rule_id == ids["rule"]


def test_backend_shows_cases_with_plain_values(mock: CasesMock, client: ConnectCasesClient) -> None:
    ids = build(client)
    case = mock.backend().domains[ids["domain"]].cases[ids["case"]]
    assert case.template_id == ids["template"]
    assert case.title == "Printer on fire"
    assert case.status == "open"
    assert case.value("Priority") == "high"
    assert case.value(ids["priority"]) == "high"
    assert case.value("Amount") == 12.5
    assert case.value("Due") == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert case.value("created_by") == USER
    assert case.value("summary") is None
    assert case.value("summary", default="none") == "none"
    assert isinstance(case.created, datetime)
    assert case.values["title"] == {"stringValue": "Printer on fire"}
    reference = case.reference_number
    assert reference is not None
    domain = mock.backend().domains[ids["domain"]]
    assert domain.case_by_reference(reference.lower()).case_id == ids["case"]
    with pytest.raises(KeyError, match="no field"):
        case.value("No such field")


def test_backend_shows_related_items_audit_and_tags(
    mock: CasesMock, client: ConnectCasesClient
) -> None:
    ids = build(client)
    case = mock.backend().domains[ids["domain"]].cases[ids["case"]]
    assert case.tags == {"team": "blue"}
    item = case.related_items[ids["item"]]
    assert item.type == "Comment"
    assert item.content["comment"]["body"] == "Called back"
    assert [event.type for event in case.audit] == ["Case.Created", "RelatedItem.Created"]
    created = case.audit[0]
    assert created.performed_by["user"] == {"userArn": USER}
    assert {"eventFieldId": "title", "newValue": text("Printer on fire")} in created.fields
    client.tag_resource(arn=mock.backend().domains[ids["domain"]].arn, tags={"env": "test"})
    tags = mock.backend().tags
    assert tags[case.arn] == {"team": "blue"}
    assert tags[mock.backend().domains[ids["domain"]].arn] == {"env": "test"}


def test_backend_shows_case_events_of_its_region(
    mock: CasesMock, client: ConnectCasesClient
) -> None:
    ids = build(client)
    client.put_case_event_configuration(domainId=ids["domain"], eventBridge={"enabled": True})
    client.update_case(
        domainId=ids["domain"], caseId=ids["case"], fields=[{"id": "title", "value": text("x")}]
    )
    events = mock.backend().events
    assert [event["detail"]["eventType"] for event in events] == ["CASE.UPDATED"]
    assert events[0]["region"] == REGION
    assert mock.backend("eu-west-2").events == ()


def test_collections_are_live_and_record_views_are_copies(
    mock: CasesMock, client: ConnectCasesClient
) -> None:
    ids = build(client)
    domain = mock.backend().domains[ids["domain"]]
    before = domain.cases[ids["case"]]
    client.update_case(
        domainId=ids["domain"], caseId=ids["case"], fields=[{"id": "title", "value": text("New")}]
    )
    assert before.title == "Printer on fire"
    assert domain.cases[ids["case"]].title == "New"
    second = client.create_case(
        domainId=ids["domain"],
        templateId=ids["template"],
        fields=[
            {"id": "title", "value": text("b")},
            {"id": ids["priority"], "value": text("high")},
        ],
    )["caseId"]
    assert list(domain.cases) == [ids["case"], second]
    assert len(domain.cases) == 2


def test_views_cannot_change_the_store(mock: CasesMock, client: ConnectCasesClient) -> None:
    ids = build(client)
    domain = mock.backend().domains[ids["domain"]]
    case = domain.cases[ids["case"]]
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.template_id = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        domain.name = "renamed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        case.values["title"]["stringValue"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        case.tags["team"] = "red"  # type: ignore[index]
    with pytest.raises(TypeError):
        domain.cases[ids["case"]] = case  # type: ignore[index]
    with pytest.raises(TypeError):
        del domain.cases[ids["case"]]  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        domain.field("Priority").options["new"] = domain.field("Priority").options["high"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        case.audit.append(case.audit[0])  # type: ignore[attr-defined]
    answer = client.get_case(domainId=ids["domain"], caseId=ids["case"], fields=[{"id": "title"}])
    assert answer["fields"] == [{"id": "title", "value": text("Printer on fire")}]
    assert answer["tags"] == {"team": "blue"}
    assert len(mock.backend().domains[ids["domain"]].cases) == 1


def test_frozen_map_compares_like_a_dict() -> None:
    frozen = FrozenMap({"a": 1})
    assert frozen == {"a": 1}
    assert frozen != {"a": 2}
    assert repr(frozen) == "{'a': 1}"


def test_backend_of_another_region_and_account(mock: CasesMock) -> None:
    other = mock.client(region="eu-west-2")
    other.create_domain(name="london")
    assert [d.name for d in mock.backend("eu-west-2").domains.values()] == ["london"]
    assert len(mock.backend().domains) == 0
    assert mock.backend(account_id=mock.account_id).region == REGION
    with pytest.raises(CasesMockError, match="account"):
        mock.backend(account_id="999999999999")


def test_lookup_by_unknown_name_lists_the_known_ones(
    mock: CasesMock, client: ConnectCasesClient
) -> None:
    build(client)
    with pytest.raises(KeyError, match="'support'"):
        mock.backend().domain("nope")
    with pytest.raises(KeyError, match="no case with reference number"):
        mock.backend().domain("support").case_by_reference("NOPE")


def test_backend_can_be_read_after_the_mock_stopped() -> None:
    with mock_cases() as m:
        m.client().create_domain(name="kept")
    assert [d.name for d in m.backend().domains.values()] == ["kept"]


def test_reprs_are_readable(mock: CasesMock, client: ConnectCasesClient) -> None:
    ids = build(client)
    text_repr = repr(mock.backend())
    assert "1 domain" in text_repr
    assert "'support'" in text_repr
    assert "1 case" in text_repr
    domain = mock.backend().domains[ids["domain"]]
    assert "cases=<1 case>" in repr(domain)
    assert f"fields=<{len(domain.fields)} fields>" in repr(domain)
    assert repr(domain.cases[ids["case"]]).startswith(
        f"CaseView(case_id={ids['case']!r}, title='Printer on fire', status='open'"
    )
    assert "active" in repr(mock)


def test_inspection_page_runs() -> None:
    namespace = run_python_blocks("inspection.md")
    assert len(namespace["case_ids"]) == 3


def test_datetime_values_in_any_iso_form_become_aware_datetimes(mock: CasesMock) -> None:
    domain = seed_domain(
        mock, "support", fields=[{"name": "Due", "type": "DateTime"}], template=True
    )
    rows = [{"title": "a", "Due": "2024-05-01T14:00:00+02:00"}, {"title": "b", "Due": "2024-05-01"}]
    first, second = create_cases(mock, domain.domain_id, str(domain.template_id), rows)
    cases = mock.backend().domains[domain.domain_id].cases
    assert cases[first].value("Due") == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert cases[second].value("Due") == datetime(2024, 5, 1, tzinfo=timezone.utc)
