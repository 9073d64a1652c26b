"""Case rules: CreateCaseRule, UpdateCaseRule, DeleteCaseRule, ListCaseRules,
BatchGetCaseRule, through a real boto3 client."""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from casemock import CasesMock, Settings, _model, mock_cases
from casemock.backend._records import Domain
from tests.helpers import REGION

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

HAS_HIDDEN = _model.has_member("CaseRuleDetails", "hidden")
HAS_FIELD_OPTIONS = _model.has_member("CaseRuleDetails", "fieldOptions")
needs_hidden = pytest.mark.skipif(not HAS_HIDDEN, reason="no hidden rules in this botocore")
needs_field_options = pytest.mark.skipif(
    not HAS_FIELD_OPTIONS, reason="no fieldOptions rules in this botocore"
)


def equal_to(field_id: str, value: dict[str, Any], result: bool = True) -> dict[str, Any]:
    return {"equalTo": {"operandOne": {"fieldId": field_id}, "operandTwo": value, "result": result}}


CLOSED = equal_to("status", {"stringValue": "closed"})
REQUIRED_WHEN_CLOSED: Any = {"required": {"defaultValue": False, "conditions": [CLOSED]}}


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def status_of(excinfo: pytest.ExceptionInfo[ClientError]) -> int:
    return int(excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"])


def domain_of(mock: CasesMock, domain_id: str) -> Domain:
    return mock.store.region(REGION).domains[domain_id]


def add_field(
    client: ConnectCasesClient,
    domain_id: str,
    name: str,
    type_: str = "SingleSelect",
    options: tuple[str, ...] = (),
    deleted: bool = False,
) -> str:
    field_id = client.create_field(domainId=domain_id, name=name, type=type_)["fieldId"]  # type: ignore[arg-type]
    if options:
        client.batch_put_field_options(
            domainId=domain_id,
            fieldId=field_id,
            options=[{"name": v.title(), "value": v, "active": True} for v in options],
        )
    if deleted:
        client.delete_field(domainId=domain_id, fieldId=field_id)
    return field_id


def add_template(
    client: ConnectCasesClient, domain_id: str, rule_id: str, deleted: bool = False
) -> None:
    template_id = client.create_template(
        domainId=domain_id, name="t", rules=[{"caseRuleId": rule_id, "fieldId": "summary"}]
    )["templateId"]
    if deleted:
        client.delete_template(domainId=domain_id, templateId=template_id)


def create(client: ConnectCasesClient, domain_id: str, name: str = "rule", rule: Any = None) -> str:
    response = client.create_case_rule(
        domainId=domain_id, name=name, rule=rule or REQUIRED_WHEN_CLOSED
    )
    return response["caseRuleId"]


def get(client: ConnectCasesClient, domain_id: str, rule_id: str) -> Any:
    response = client.batch_get_case_rule(domainId=domain_id, caseRules=[{"id": rule_id}])
    [found] = response["caseRules"]
    return found


# -- CreateCaseRule ---------------------------------------------------------------------


def test_create_returns_uuid_and_arn_under_the_domain(
    client: ConnectCasesClient, domain_id: str
) -> None:
    response = client.create_case_rule(
        domainId=domain_id, name="Close reason", description="d", rule=REQUIRED_WHEN_CLOSED
    )
    rule_id = response["caseRuleId"]
    assert str(uuid.UUID(rule_id)) == rule_id
    domain_arn = client.get_domain(domainId=domain_id)["domainArn"]
    assert response["caseRuleArn"] == f"{domain_arn}/case-rule/{rule_id}"
    stored = get(client, domain_id, rule_id)
    assert stored["name"] == "Close reason"
    assert stored["description"] == "d"
    assert stored["rule"] == REQUIRED_WHEN_CLOSED
    assert stored["deleted"] is False
    assert stored["createdTime"] == stored["lastModifiedTime"]


def test_create_in_unknown_domain_is_not_found(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(client, "no-such-domain")
    assert code_of(excinfo) == "ResourceNotFoundException"
    assert excinfo.value.response["resourceType"] == "Domain"  # type: ignore[typeddict-item]


def test_duplicate_name_is_a_conflict(client: ConnectCasesClient, domain_id: str) -> None:
    create(client, domain_id, "same")
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, "same")
    assert code_of(excinfo) == "ConflictException"
    assert status_of(excinfo) == 409
    assert len(client.list_case_rules(domainId=domain_id)["caseRules"]) == 1


def test_name_of_a_deleted_rule_can_be_reused(client: ConnectCasesClient, domain_id: str) -> None:
    old = create(client, domain_id, "same")
    client.delete_case_rule(domainId=domain_id, caseRuleId=old)
    assert create(client, domain_id, "same") != old


def test_quota_counts_live_rules() -> None:
    with mock_cases(region=REGION, settings=Settings(case_rules=2)) as m:
        import boto3

        client = boto3.client(
            "connectcases", region_name=REGION, aws_access_key_id="a", aws_secret_access_key="b"
        )
        domain_id = client.create_domain(name="d")["domainId"]
        first = create(client, domain_id, "a")
        create(client, domain_id, "b")
        with pytest.raises(ClientError) as excinfo:
            create(client, domain_id, "c")
        assert code_of(excinfo) == "ServiceQuotaExceededException"
        assert status_of(excinfo) == 402
        assert len(domain_of(m, domain_id).case_rules) == 2
        client.delete_case_rule(domainId=domain_id, caseRuleId=first)
        create(client, domain_id, "c")


def test_operand_field_must_exist(client: ConnectCasesClient, domain_id: str) -> None:
    rule = {
        "required": {"defaultValue": False, "conditions": [equal_to("nope", {"emptyValue": {}})]}
    }
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, rule=rule)
    assert code_of(excinfo) == "ValidationException"
    assert client.list_case_rules(domainId=domain_id)["caseRules"] == []


def test_operand_field_must_not_be_deleted(client: ConnectCasesClient, domain_id: str) -> None:
    gone = add_field(client, domain_id, "Gone", "Text", deleted=True)
    rule = {"required": {"defaultValue": False, "conditions": [equal_to(gone, {"emptyValue": {}})]}}
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, rule=rule)
    assert code_of(excinfo) == "ValidationException"


def test_operand_in_a_compound_is_checked(client: ConnectCasesClient, domain_id: str) -> None:
    compound = {"andAll": {"conditions": [CLOSED, equal_to("nope", {"booleanValue": True})]}}
    rule = {"required": {"defaultValue": False, "conditions": [compound]}}
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, rule=rule)
    assert code_of(excinfo) == "ValidationException"


def test_five_conditions_in_two_levels_are_accepted(
    client: ConnectCasesClient, domain_id: str
) -> None:
    compound = {"orAll": {"conditions": [CLOSED] * 3}}
    rule = {"required": {"defaultValue": False, "conditions": [CLOSED, compound, CLOSED]}}
    rule_id = create(client, domain_id, rule=rule)
    assert get(client, domain_id, rule_id)["rule"] == rule


def test_more_than_five_conditions_are_refused(client: ConnectCasesClient, domain_id: str) -> None:
    compound = {"andAll": {"conditions": [CLOSED] * 3}}
    rule = {"required": {"defaultValue": False, "conditions": [CLOSED, compound, CLOSED, CLOSED]}}
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, rule=rule)
    assert code_of(excinfo) == "ValidationException"


def test_a_third_level_of_nesting_is_refused(client: ConnectCasesClient, domain_id: str) -> None:
    inner = {"orAll": {"conditions": [CLOSED]}}
    rule = {
        "required": {"defaultValue": False, "conditions": [{"andAll": {"conditions": [inner]}}]}
    }
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, rule=rule)
    assert code_of(excinfo) == "ValidationException"


def test_an_empty_compound_is_refused(client: ConnectCasesClient, domain_id: str) -> None:
    rule = {"required": {"defaultValue": True, "conditions": [{"andAll": {"conditions": []}}]}}
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, rule=rule)
    assert code_of(excinfo) == "ValidationException"


def test_a_rule_without_conditions_is_accepted(client: ConnectCasesClient, domain_id: str) -> None:
    rule = {"required": {"defaultValue": True, "conditions": []}}
    assert get(client, domain_id, create(client, domain_id, rule=rule))["rule"] == rule


def test_constraints_inside_nested_conditions_are_checked(
    client: ConnectCasesClient, domain_id: str
) -> None:
    too_long = equal_to("title", {"stringValue": "x" * 1501})
    rule = {
        "required": {"defaultValue": False, "conditions": [{"orAll": {"conditions": [too_long]}}]}
    }
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, rule=rule)
    assert code_of(excinfo) == "ValidationException"
    assert "operandTwo.stringValue" in excinfo.value.response["Error"]["Message"]


@needs_hidden
def test_hidden_rule_round_trips(client: ConnectCasesClient, domain_id: str) -> None:
    rule = {
        "hidden": {
            "defaultValue": True,
            "conditions": [
                {
                    "notEqualTo": {
                        "operandOne": {"fieldId": "created_datetime"},
                        "operandTwo": {"emptyValue": {}},
                        "result": False,
                    }
                }
            ],
        }
    }
    rule_id = create(client, domain_id, rule=rule)
    assert get(client, domain_id, rule_id)["rule"] == rule
    [summary] = client.list_case_rules(domainId=domain_id)["caseRules"]
    assert summary["ruleType"] == "Hidden"


# -- fieldOptions -------------------------------------------------------------------------


@pytest.fixture
def country_state(client: ConnectCasesClient, domain_id: str) -> tuple[str, str]:
    country = add_field(client, domain_id, "Country", options=("usa", "canada"))
    state = add_field(client, domain_id, "State", options=("ny", "wa", "on", "qc"))
    return country, state


def field_options(parent: str, child: str, mappings: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "fieldOptions": {
            "parentFieldId": parent,
            "childFieldId": child,
            "parentChildFieldOptionsMappings": [
                {"parentFieldOptionValue": p, "childFieldOptionValues": c}
                for p, c in mappings.items()
            ],
        }
    }


@needs_field_options
def test_field_options_rule_round_trips(
    client: ConnectCasesClient, domain_id: str, country_state: tuple[str, str]
) -> None:
    country, state = country_state
    rule = field_options(country, state, {"usa": ["ny", "wa"], "canada": ["on", "qc"], "": []})
    rule_id = create(client, domain_id, rule=rule)
    assert get(client, domain_id, rule_id)["rule"] == rule
    [summary] = client.list_case_rules(domainId=domain_id)["caseRules"]
    assert summary["ruleType"] == "FieldOptions"


@needs_field_options
@pytest.mark.parametrize(
    "mappings",
    [
        {"mexico": ["ny"]},  # parent value is not an option of the parent
        {"usa": ["texas"]},  # child value is not an option of the child
        {"usa": ["ny"], "canada": ["on"], "": ["zz"]},
    ],
)
def test_field_options_values_must_be_options(
    client: ConnectCasesClient,
    domain_id: str,
    country_state: tuple[str, str],
    mappings: dict[str, list[str]],
) -> None:
    country, state = country_state
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, rule=field_options(country, state, mappings))
    assert code_of(excinfo) == "ValidationException"


@needs_field_options
def test_field_options_parent_value_mapped_twice_is_refused(
    client: ConnectCasesClient, domain_id: str, country_state: tuple[str, str]
) -> None:
    country, state = country_state
    rule = field_options(country, state, {"usa": ["ny"]})
    rule["fieldOptions"]["parentChildFieldOptionsMappings"] *= 2
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, rule=rule)
    assert code_of(excinfo) == "ValidationException"


@needs_field_options
@pytest.mark.parametrize("which", ["parent", "child"])
def test_field_options_fields_must_be_single_select(
    client: ConnectCasesClient,
    domain_id: str,
    country_state: tuple[str, str],
    which: str,
) -> None:
    country, state = country_state
    text = add_field(client, domain_id, "Notes", "Text")
    parent, child = (text, state) if which == "parent" else (country, text)
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, rule=field_options(parent, child, {"": []}))
    assert code_of(excinfo) == "ValidationException"


@needs_field_options
@pytest.mark.parametrize("problem", ["missing", "unknown", "deleted", "same"])
def test_field_options_fields_must_be_live_and_distinct(
    client: ConnectCasesClient,
    domain_id: str,
    country_state: tuple[str, str],
    problem: str,
) -> None:
    country, state = country_state
    rule = field_options(country, state, {"": []})
    if problem == "missing":
        del rule["fieldOptions"]["childFieldId"]
    elif problem == "unknown":
        rule["fieldOptions"]["childFieldId"] = "nope"
    elif problem == "deleted":
        gone = add_field(client, domain_id, "Gone", options=("ny",), deleted=True)
        rule["fieldOptions"]["childFieldId"] = gone
    else:
        rule["fieldOptions"]["childFieldId"] = country
    with pytest.raises(ClientError) as excinfo:
        create(client, domain_id, rule=rule)
    assert code_of(excinfo) == "ValidationException"


@needs_field_options
def test_field_options_on_system_status(client: ConnectCasesClient, domain_id: str) -> None:
    reason = add_field(client, domain_id, "Close reason", options=("fixed", "wontfix"))
    rule = field_options("status", reason, {"closed": ["fixed", "wontfix"], "open": []})
    assert get(client, domain_id, create(client, domain_id, rule=rule))["rule"] == rule


# -- UpdateCaseRule -----------------------------------------------------------------------


def test_update_is_partial(client: ConnectCasesClient, domain_id: str) -> None:
    rule_id = client.create_case_rule(
        domainId=domain_id, name="n", description="d", rule=REQUIRED_WHEN_CLOSED
    )["caseRuleId"]
    client.update_case_rule(domainId=domain_id, caseRuleId=rule_id, name="renamed")
    stored = get(client, domain_id, rule_id)
    assert (stored["name"], stored["description"], stored["rule"]) == (
        "renamed",
        "d",
        REQUIRED_WHEN_CLOSED,
    )
    new_rule: Any = {"required": {"defaultValue": True, "conditions": []}}
    client.update_case_rule(domainId=domain_id, caseRuleId=rule_id, rule=new_rule)
    stored = get(client, domain_id, rule_id)
    assert (stored["name"], stored["description"], stored["rule"]) == ("renamed", "d", new_rule)
    assert stored["lastModifiedTime"] >= stored["createdTime"]


def test_update_can_change_the_rule_type(client: ConnectCasesClient, domain_id: str) -> None:
    rule_id = create(client, domain_id)
    if not HAS_HIDDEN:
        pytest.skip("no hidden rules in this botocore")
    hidden: Any = {"hidden": {"defaultValue": False, "conditions": [CLOSED]}}
    client.update_case_rule(domainId=domain_id, caseRuleId=rule_id, rule=hidden)
    [summary] = client.list_case_rules(domainId=domain_id)["caseRules"]
    assert summary["ruleType"] == "Hidden"


def test_update_validates_the_rule_and_leaves_it_unchanged(
    client: ConnectCasesClient, domain_id: str
) -> None:
    rule_id = create(client, domain_id)
    bad: Any = {"required": {"defaultValue": False, "conditions": [CLOSED] * 6}}
    with pytest.raises(ClientError) as excinfo:
        client.update_case_rule(domainId=domain_id, caseRuleId=rule_id, name="x", rule=bad)
    assert code_of(excinfo) == "ValidationException"
    stored = get(client, domain_id, rule_id)
    assert (stored["name"], stored["rule"]) == ("rule", REQUIRED_WHEN_CLOSED)


def test_update_to_a_taken_name_is_a_conflict(client: ConnectCasesClient, domain_id: str) -> None:
    create(client, domain_id, "a")
    rule_id = create(client, domain_id, "b")
    client.update_case_rule(domainId=domain_id, caseRuleId=rule_id, name="b")  # own name: fine
    with pytest.raises(ClientError) as excinfo:
        client.update_case_rule(domainId=domain_id, caseRuleId=rule_id, name="a")
    assert code_of(excinfo) == "ConflictException"
    assert get(client, domain_id, rule_id)["name"] == "b"


def test_update_of_a_deleted_rule_is_refused(client: ConnectCasesClient, domain_id: str) -> None:
    rule_id = create(client, domain_id)
    client.delete_case_rule(domainId=domain_id, caseRuleId=rule_id)
    with pytest.raises(ClientError) as excinfo:
        client.update_case_rule(domainId=domain_id, caseRuleId=rule_id, name="again")
    assert code_of(excinfo) == "ValidationException"
    assert get(client, domain_id, rule_id)["name"] == "rule"


def test_update_of_an_unknown_rule_is_not_found(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_case_rule(domainId=domain_id, caseRuleId="nope", name="x")
    assert code_of(excinfo) == "ResourceNotFoundException"
    assert status_of(excinfo) == 404


def test_empty_update_changes_nothing(client: ConnectCasesClient, domain_id: str) -> None:
    rule_id = create(client, domain_id)
    before = get(client, domain_id, rule_id)
    client.update_case_rule(domainId=domain_id, caseRuleId=rule_id)
    assert get(client, domain_id, rule_id) == before


# -- DeleteCaseRule -----------------------------------------------------------------------


def test_delete_is_soft(client: ConnectCasesClient, domain_id: str) -> None:
    rule_id = create(client, domain_id)
    client.delete_case_rule(domainId=domain_id, caseRuleId=rule_id)
    assert client.list_case_rules(domainId=domain_id)["caseRules"] == []
    stored = get(client, domain_id, rule_id)
    assert stored["deleted"] is True
    assert stored["rule"] == REQUIRED_WHEN_CLOSED


def test_deleting_twice_succeeds(client: ConnectCasesClient, domain_id: str) -> None:
    rule_id = create(client, domain_id)
    client.delete_case_rule(domainId=domain_id, caseRuleId=rule_id)
    response = client.delete_case_rule(domainId=domain_id, caseRuleId=rule_id)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_delete_of_an_unknown_rule_is_not_found(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.delete_case_rule(domainId=domain_id, caseRuleId="nope")
    assert code_of(excinfo) == "ResourceNotFoundException"
    assert excinfo.value.response["resourceId"] == "nope"  # type: ignore[typeddict-item]


def test_delete_of_a_rule_used_by_a_live_template_is_a_conflict(
    client: ConnectCasesClient, domain_id: str
) -> None:
    rule_id = create(client, domain_id)
    add_template(client, domain_id, rule_id)
    with pytest.raises(ClientError) as excinfo:
        client.delete_case_rule(domainId=domain_id, caseRuleId=rule_id)
    assert code_of(excinfo) == "ConflictException"
    assert get(client, domain_id, rule_id)["deleted"] is False


def test_a_deleted_template_does_not_block_delete(
    client: ConnectCasesClient, domain_id: str
) -> None:
    rule_id = create(client, domain_id)
    add_template(client, domain_id, rule_id, deleted=True)
    client.delete_case_rule(domainId=domain_id, caseRuleId=rule_id)
    assert get(client, domain_id, rule_id)["deleted"] is True


# -- ListCaseRules and BatchGetCaseRule ---------------------------------------------------


def test_list_returns_summaries_in_creation_order(
    client: ConnectCasesClient, domain_id: str
) -> None:
    first = client.create_case_rule(
        domainId=domain_id, name="first", description="about", rule=REQUIRED_WHEN_CLOSED
    )
    second = create(client, domain_id, "second")
    rules = client.list_case_rules(domainId=domain_id)["caseRules"]
    assert rules == [
        {
            "caseRuleId": first["caseRuleId"],
            "name": "first",
            "caseRuleArn": first["caseRuleArn"],
            "ruleType": "Required",
            "description": "about",
        },
        {
            "caseRuleId": second,
            "name": "second",
            "caseRuleArn": get(client, domain_id, second)["caseRuleArn"],
            "ruleType": "Required",
        },
    ]


def test_list_pages_with_max_results(client: ConnectCasesClient, domain_id: str) -> None:
    ids = [create(client, domain_id, f"r{i}") for i in range(5)]
    page1 = client.list_case_rules(domainId=domain_id, maxResults=2)
    page2 = client.list_case_rules(domainId=domain_id, maxResults=2, nextToken=page1["nextToken"])
    page3 = client.list_case_rules(domainId=domain_id, maxResults=2, nextToken=page2["nextToken"])
    seen = [r["caseRuleId"] for p in (page1, page2, page3) for r in p["caseRules"]]
    assert seen == ids
    assert "nextToken" not in page3


def test_list_paginator_walks_every_rule(client: ConnectCasesClient, domain_id: str) -> None:
    ids = [create(client, domain_id, f"r{i}") for i in range(7)]
    paginator = client.get_paginator("list_case_rules")
    pages = list(paginator.paginate(domainId=domain_id, PaginationConfig={"PageSize": 3}))
    assert [len(p["caseRules"]) for p in pages] == [3, 3, 1]
    assert [r["caseRuleId"] for p in pages for r in p["caseRules"]] == ids


def test_list_refuses_a_token_of_another_domain(client: ConnectCasesClient, domain_id: str) -> None:
    for i in range(3):
        create(client, domain_id, f"r{i}")
    token = client.list_case_rules(domainId=domain_id, maxResults=1)["nextToken"]
    other = client.create_domain(name="other")["domainId"]
    with pytest.raises(ClientError) as excinfo:
        client.list_case_rules(domainId=other, nextToken=token)
    assert code_of(excinfo) == "ValidationException"


def test_list_in_unknown_domain_is_not_found(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_case_rules(domainId="nope")
    assert code_of(excinfo) == "ResourceNotFoundException"


def test_batch_get_reports_unknown_ids_as_errors(
    client: ConnectCasesClient, domain_id: str
) -> None:
    rule_id = create(client, domain_id)
    response = client.batch_get_case_rule(
        domainId=domain_id, caseRules=[{"id": rule_id}, {"id": "missing"}]
    )
    assert [r["caseRuleId"] for r in response["caseRules"]] == [rule_id]
    [error] = response["errors"]
    assert error["id"] == "missing"
    assert error["errorCode"] == "ResourceNotFoundException"
    if _model.has_member("BatchGetCaseRuleResponse", "unprocessedCaseRules"):
        assert response["unprocessedCaseRules"] == []


def test_batch_get_of_more_than_50_ids_is_refused(
    client: ConnectCasesClient, domain_id: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.batch_get_case_rule(
            domainId=domain_id, caseRules=[{"id": f"r{i}"} for i in range(51)]
        )
    assert code_of(excinfo) == "ValidationException"


def test_batch_get_returns_a_copy_of_the_rule(
    mock: CasesMock, client: ConnectCasesClient, domain_id: str
) -> None:
    rule = copy.deepcopy(REQUIRED_WHEN_CLOSED)
    rule_id = create(client, domain_id, rule=rule)
    rule["required"]["defaultValue"] = True  # the caller's dict is not the stored one
    assert domain_of(mock, domain_id).case_rules[rule_id].rule == REQUIRED_WHEN_CLOSED


# -- tags ---------------------------------------------------------------------------------


def test_case_rule_arns_can_be_tagged(client: ConnectCasesClient, domain_id: str) -> None:
    arn = client.create_case_rule(domainId=domain_id, name="r", rule=REQUIRED_WHEN_CLOSED)[
        "caseRuleArn"
    ]
    client.tag_resource(arn=arn, tags={"team": "billing"})
    assert client.list_tags_for_resource(arn=arn)["tags"] == {"team": "billing"}
    [found] = client.batch_get_case_rule(
        domainId=domain_id, caseRules=[{"id": arn.split("/")[-1]}]
    )["caseRules"]
    assert found["tags"] == {"team": "billing"}
    client.untag_resource(arn=arn, tagKeys=["team"])
    assert client.list_tags_for_resource(arn=arn)["tags"] == {}


def test_a_deleted_rule_cannot_be_tagged(client: ConnectCasesClient, domain_id: str) -> None:
    response = client.create_case_rule(domainId=domain_id, name="r", rule=REQUIRED_WHEN_CLOSED)
    client.delete_case_rule(domainId=domain_id, caseRuleId=response["caseRuleId"])
    with pytest.raises(ClientError) as excinfo:
        client.tag_resource(arn=response["caseRuleArn"], tags={"a": "b"})
    assert code_of(excinfo) == "ResourceNotFoundException"
