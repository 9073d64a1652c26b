"""Templates: references, names, status, partial updates, soft delete, tags."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock._settings import Settings
from tests.helpers import all_pages, error_of, mock_domain

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PROPAGATION: Any = [{"resourceType": "Cases", "tagMap": {"Department": "Shipping"}}]


def template_names(client: ConnectCasesClient, domain_id: str, **filters: Any) -> list[str]:
    answer = client.list_templates(domainId=domain_id, **filters)
    return [t["name"] for t in answer["templates"]]


def get(client: ConnectCasesClient, domain_id: str, template_id: str) -> dict[str, Any]:
    answer = dict(client.get_template(domainId=domain_id, templateId=template_id))
    answer.pop("ResponseMetadata")
    return answer


@pytest.fixture
def field_id(client: ConnectCasesClient, domain_id: str) -> str:
    return client.create_field(domainId=domain_id, name="Priority", type="Text")["fieldId"]


@pytest.fixture
def layout_id(client: ConnectCasesClient, domain_id: str) -> str:
    return client.create_layout(
        domainId=domain_id, name="L", content={"basic": {"topPanel": {"sections": []}}}
    )["layoutId"]


@pytest.fixture
def rule_id(client: ConnectCasesClient, domain_id: str) -> str:
    return client.create_case_rule(
        domainId=domain_id,
        name="always required",
        rule={"required": {"defaultValue": True, "conditions": []}},
    )["caseRuleId"]


@pytest.fixture
def template_t(client: ConnectCasesClient, domain_id: str) -> str:
    """A template named "T", described "first"."""
    return client.create_template(domainId=domain_id, name="T", description="first")["templateId"]


# -- CreateTemplate / GetTemplate -------------------------------------------------------


def test_create_minimal_template_is_active(client: ConnectCasesClient, domain_id: str) -> None:
    created = client.create_template(domainId=domain_id, name="Basic")
    assert UUID.fullmatch(created["templateId"])
    domain_arn = client.get_domain(domainId=domain_id)["domainArn"]
    assert created["templateArn"] == f"{domain_arn}/template/{created['templateId']}"
    fetched = get(client, domain_id, created["templateId"])
    assert fetched["status"] == "Active"
    assert fetched["deleted"] is False
    assert fetched["requiredFields"] == []
    assert fetched["rules"] == []
    assert fetched["tagPropagationConfigurations"] == []
    assert fetched["tags"] == {}
    assert fetched["createdTime"] == fetched["lastModifiedTime"]
    assert "layoutConfiguration" not in fetched
    assert "description" not in fetched


def test_create_full_template_round_trips(
    client: ConnectCasesClient, domain_id: str, field_id: str, layout_id: str, rule_id: str
) -> None:
    template_id = client.create_template(
        domainId=domain_id,
        name="Full",
        description="everything",
        layoutConfiguration={"defaultLayout": layout_id},
        requiredFields=[{"fieldId": field_id}, {"fieldId": "customer_id"}],
        status="Inactive",
        rules=[{"caseRuleId": rule_id, "fieldId": field_id}],
        tagPropagationConfigurations=PROPAGATION,
    )["templateId"]
    fetched = get(client, domain_id, template_id)
    assert fetched["description"] == "everything"
    assert fetched["layoutConfiguration"] == {"defaultLayout": layout_id}
    assert fetched["requiredFields"] == [{"fieldId": field_id}, {"fieldId": "customer_id"}]
    assert fetched["status"] == "Inactive"
    assert fetched["rules"] == [{"caseRuleId": rule_id, "fieldId": field_id}]
    assert fetched["tagPropagationConfigurations"] == PROPAGATION


@pytest.mark.parametrize(
    "bad",
    [
        {"requiredFields": [{"fieldId": "nope"}]},
        {"requiredFields": [{"fieldId": "summary"}, {"fieldId": "summary"}]},
        {"layoutConfiguration": {"defaultLayout": "nope"}},
        {"rules": [{"caseRuleId": "nope"}]},
        {"status": "Paused"},
        {"tagPropagationConfigurations": [{"resourceType": "Cases", "tagMap": {"aws:x": "y"}}]},
        {"tagPropagationConfigurations": [{"resourceType": "Contacts", "tagMap": {}}]},
        {"tagPropagationConfigurations": PROPAGATION * 2},
        {
            "tagPropagationConfigurations": [
                {"resourceType": "Cases", "tagMap": {f"k{i}": "v" for i in range(11)}}
            ]
        },
    ],
    ids=[
        "unknown-field",
        "repeated-field",
        "unknown-layout",
        "unknown-rule",
        "bad-status",
        "aws-tag-key",
        "bad-resource-type",
        "two-propagations",
        "eleven-tags",
    ],
)
def test_create_template_refuses_bad_input(
    client: ConnectCasesClient, domain_id: str, bad: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_template(domainId=domain_id, name="Bad", **bad)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert template_names(client, domain_id) == []


def test_rule_on_an_unknown_field_is_refused(
    client: ConnectCasesClient, domain_id: str, rule_id: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_template(
            domainId=domain_id, name="T", rules=[{"caseRuleId": rule_id, "fieldId": "nope"}]
        )
    assert error_of(excinfo) == ("ValidationException", 400)


def test_deleted_references_are_refused(
    client: ConnectCasesClient, domain_id: str, field_id: str, layout_id: str, rule_id: str
) -> None:
    client.delete_field(domainId=domain_id, fieldId=field_id)
    client.delete_layout(domainId=domain_id, layoutId=layout_id)
    client.delete_case_rule(domainId=domain_id, caseRuleId=rule_id)
    for bad in (
        {"requiredFields": [{"fieldId": field_id}]},
        {"layoutConfiguration": {"defaultLayout": layout_id}},
        {"rules": [{"caseRuleId": rule_id}]},
        {"rules": [{"caseRuleId": rule_id, "fieldId": "summary"}]},
    ):
        with pytest.raises(ClientError) as excinfo:
            client.create_template(domainId=domain_id, name="T", **bad)
        assert error_of(excinfo) == ("ValidationException", 400), bad
    assert template_names(client, domain_id) == []


def test_same_rule_twice_on_one_field_is_refused(
    client: ConnectCasesClient, domain_id: str, field_id: str, rule_id: str
) -> None:
    rule: Any = {"caseRuleId": rule_id, "fieldId": field_id}
    with pytest.raises(ClientError) as excinfo:
        client.create_template(domainId=domain_id, name="T", rules=[rule, rule])
    assert error_of(excinfo) == ("ValidationException", 400)


def test_duplicate_template_name_is_a_conflict(
    client: ConnectCasesClient, domain_id: str, template_t: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_template(domainId=domain_id, name="T")
    assert error_of(excinfo) == ("ConflictException", 409)
    assert template_names(client, domain_id) == ["T"]


def test_template_quota_counts_live_templates() -> None:
    with mock_domain(templates=1) as (client, domain_id):
        first = client.create_template(domainId=domain_id, name="a")["templateId"]
        with pytest.raises(ClientError) as excinfo:
            client.create_template(domainId=domain_id, name="b")
        assert error_of(excinfo) == ("ServiceQuotaExceededException", 402)
        assert template_names(client, domain_id) == ["a"]
        client.delete_template(domainId=domain_id, templateId=first)
        client.create_template(domainId=domain_id, name="b")


def test_a_domain_can_delete_up_to_its_deletion_limit_of_templates() -> None:
    """DeleteTemplate: "You can delete up to 100 templates per domain"
    (Settings.deleted_templates); the modeled refusal is a ValidationException."""
    assert Settings().deleted_templates == 100
    with mock_domain(deleted_templates=1) as (client, domain_id):
        first, second = (
            client.create_template(domainId=domain_id, name=n)["templateId"] for n in "ab"
        )
        client.delete_template(domainId=domain_id, templateId=first)
        with pytest.raises(ClientError) as excinfo:
            client.delete_template(domainId=domain_id, templateId=second)
        assert error_of(excinfo) == ("ValidationException", 400)
        assert template_names(client, domain_id) == ["b"]
        client.delete_template(domainId=domain_id, templateId=first)  # already deleted: 200


def test_get_template_omits_deleted_required_fields(
    client: ConnectCasesClient, domain_id: str, field_id: str
) -> None:
    template_id = client.create_template(
        domainId=domain_id,
        name="T",
        requiredFields=[{"fieldId": field_id}, {"fieldId": "summary"}],
    )["templateId"]
    client.delete_field(domainId=domain_id, fieldId=field_id)
    assert get(client, domain_id, template_id)["requiredFields"] == [{"fieldId": "summary"}]


def test_get_unknown_template_is_not_found(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_template(domainId=domain_id, templateId="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    assert excinfo.value.response["resourceType"] == "Template"  # type: ignore[typeddict-item]


# -- UpdateTemplate ---------------------------------------------------------------------


def test_update_template_is_partial(
    client: ConnectCasesClient, domain_id: str, field_id: str, layout_id: str
) -> None:
    with time_machine.travel("2026-01-01T00:00:00Z", tick=False) as traveller:
        template_id = client.create_template(
            domainId=domain_id,
            name="T",
            description="first",
            layoutConfiguration={"defaultLayout": layout_id},
            requiredFields=[{"fieldId": field_id}],
            tagPropagationConfigurations=PROPAGATION,
        )["templateId"]
        before = get(client, domain_id, template_id)
        traveller.shift(30)
        client.update_template(domainId=domain_id, templateId=template_id, status="Inactive")
    after = get(client, domain_id, template_id)
    assert after["status"] == "Inactive"
    assert (after["lastModifiedTime"] - before["lastModifiedTime"]).total_seconds() == 30
    for key in ("name", "description", "layoutConfiguration", "requiredFields", "createdTime"):
        assert after[key] == before[key]
    assert after["tagPropagationConfigurations"] == PROPAGATION


def test_update_template_lists_replace_and_empty_lists_clear(
    client: ConnectCasesClient, domain_id: str, field_id: str, rule_id: str
) -> None:
    template_id = client.create_template(
        domainId=domain_id,
        name="T",
        requiredFields=[{"fieldId": field_id}],
        rules=[{"caseRuleId": rule_id, "fieldId": field_id}],
        tagPropagationConfigurations=PROPAGATION,
    )["templateId"]
    client.update_template(
        domainId=domain_id,
        templateId=template_id,
        requiredFields=[{"fieldId": "summary"}],
        rules=[],
        tagPropagationConfigurations=[],
    )
    fetched = get(client, domain_id, template_id)
    assert fetched["requiredFields"] == [{"fieldId": "summary"}]
    assert fetched["rules"] == []
    assert fetched["tagPropagationConfigurations"] == []


def test_empty_update_is_refused(
    client: ConnectCasesClient, domain_id: str, template_t: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_template(domainId=domain_id, templateId=template_t)
    assert error_of(excinfo) == ("ValidationException", 400)


def test_update_with_a_bad_reference_changes_nothing(
    client: ConnectCasesClient, domain_id: str, template_t: str
) -> None:
    before = get(client, domain_id, template_t)
    with pytest.raises(ClientError) as excinfo:
        client.update_template(
            domainId=domain_id,
            templateId=template_t,
            name="Renamed",
            requiredFields=[{"fieldId": "nope"}],
        )
    assert error_of(excinfo) == ("ValidationException", 400)
    assert get(client, domain_id, template_t) == before


def test_rename_template_onto_an_existing_name_is_a_conflict(
    client: ConnectCasesClient, domain_id: str, template_t: str
) -> None:
    other = client.create_template(domainId=domain_id, name="Other")["templateId"]
    with pytest.raises(ClientError) as excinfo:
        client.update_template(domainId=domain_id, templateId=other, name="T")
    assert error_of(excinfo) == ("ConflictException", 409)
    assert get(client, domain_id, other)["name"] == "Other"
    client.update_template(domainId=domain_id, templateId=template_t, name="T")


def test_update_deleted_template_is_refused(
    client: ConnectCasesClient, domain_id: str, template_t: str
) -> None:
    client.delete_template(domainId=domain_id, templateId=template_t)
    with pytest.raises(ClientError) as excinfo:
        client.update_template(domainId=domain_id, templateId=template_t, status="Inactive")
    assert error_of(excinfo) == ("ValidationException", 400)
    assert get(client, domain_id, template_t)["status"] == "Active"


def test_update_unknown_template_is_not_found(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_template(domainId=domain_id, templateId="nope", name="x")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


# -- DeleteTemplate ---------------------------------------------------------------------


def test_deleted_template_is_soft_deleted(
    client: ConnectCasesClient, domain_id: str, template_t: str
) -> None:
    client.delete_template(domainId=domain_id, templateId=template_t)
    assert template_names(client, domain_id) == []
    fetched = get(client, domain_id, template_t)
    assert fetched["deleted"] is True
    assert fetched["name"] == "T"
    again = client.delete_template(domainId=domain_id, templateId=template_t)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    client.create_template(domainId=domain_id, name="T")


def test_delete_unknown_template_is_not_found(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.delete_template(domainId=domain_id, templateId="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


# -- ListTemplates ----------------------------------------------------------------------


def test_list_templates_filters_by_status(client: ConnectCasesClient, domain_id: str) -> None:
    client.create_template(domainId=domain_id, name="a1")
    client.create_template(domainId=domain_id, name="i1", status="Inactive")
    client.create_template(domainId=domain_id, name="a2", status="Active")
    assert template_names(client, domain_id) == ["a1", "i1", "a2"]
    assert template_names(client, domain_id, status=["Active"]) == ["a1", "a2"]
    assert template_names(client, domain_id, status=["Inactive"]) == ["i1"]
    assert template_names(client, domain_id, status=["Inactive", "Active"]) == ["a1", "i1", "a2"]


def test_list_templates_summaries_carry_tag_propagation(
    client: ConnectCasesClient, domain_id: str
) -> None:
    client.create_template(domainId=domain_id, name="T", tagPropagationConfigurations=PROPAGATION)
    summary = client.list_templates(domainId=domain_id)["templates"][0]
    assert summary["status"] == "Active"
    assert summary["tagPropagationConfigurations"] == PROPAGATION


def test_list_templates_bad_status_filter_is_refused(
    client: ConnectCasesClient, domain_id: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_templates(domainId=domain_id, status=["Paused"])  # type: ignore[list-item]
    assert error_of(excinfo) == ("ValidationException", 400)


def test_list_templates_paginates(client: ConnectCasesClient, domain_id: str) -> None:
    names = [f"t{index}" for index in range(5)]
    for index, name in enumerate(names):
        client.create_template(
            domainId=domain_id, name=name, status="Active" if index % 2 else "Inactive"
        )
    listed = all_pages(client.list_templates, "templates", 2, domainId=domain_id)
    assert [t["name"] for t in listed] == names


def test_list_templates_token_of_another_filter_is_refused(
    client: ConnectCasesClient, domain_id: str
) -> None:
    for name in ("a", "b"):
        client.create_template(domainId=domain_id, name=name)
    token = client.list_templates(domainId=domain_id, maxResults=1)["nextToken"]
    with pytest.raises(ClientError) as excinfo:
        client.list_templates(domainId=domain_id, maxResults=1, nextToken=token, status=["Active"])
    assert error_of(excinfo) == ("ValidationException", 400)


# -- tags -------------------------------------------------------------------------------


def test_template_arn_can_be_tagged_until_deleted(
    client: ConnectCasesClient, domain_id: str
) -> None:
    created = client.create_template(domainId=domain_id, name="T")
    arn = created["templateArn"]
    client.tag_resource(arn=arn, tags={"team": "billing"})
    assert client.list_tags_for_resource(arn=arn)["tags"] == {"team": "billing"}
    assert get(client, domain_id, created["templateId"])["tags"] == {"team": "billing"}
    client.untag_resource(arn=arn, tagKeys=["team"])
    assert client.list_tags_for_resource(arn=arn)["tags"] == {}
    client.delete_template(domainId=domain_id, templateId=created["templateId"])
    with pytest.raises(ClientError) as excinfo:
        client.list_tags_for_resource(arn=arn)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


def test_empty_layout_configuration_removes_the_default_layout(
    client: ConnectCasesClient, domain_id: str, layout_id: str
) -> None:
    template_id = client.create_template(
        domainId=domain_id, name="T", layoutConfiguration={"defaultLayout": layout_id}
    )["templateId"]
    client.update_template(domainId=domain_id, templateId=template_id, layoutConfiguration={})
    assert "defaultLayout" not in get(client, domain_id, template_id).get("layoutConfiguration", {})
    client.delete_layout(domainId=domain_id, layoutId=layout_id)


def test_summary_without_tag_propagation_has_no_configurations(
    client: ConnectCasesClient, domain_id: str
) -> None:
    client.create_template(domainId=domain_id, name="T")
    summary = client.list_templates(domainId=domain_id)["templates"][0]
    assert "tagPropagationConfigurations" not in summary
