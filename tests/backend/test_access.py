"""Access simulation: per-caller tag scopes (Connect Cases tag-based access control).

The checks are functions of ``casemock.backend._access`` that the case handlers call; they are
tested directly on Case records, and end to end through boto3 clients signing with
different access key ids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from casemock import CasesClient, CasesMock, CasesMockError, mock_cases
from casemock._errors import ServiceError
from casemock.backend._access import (
    case_filter,
    case_visible,
    check_case_access,
    check_create_access,
)
from casemock.backend._context import Context
from casemock.backend._records import Case, RegionState

AGENT = "AKIAAGENT1"
OTHER = "AKIAOTHER1"


def make_case(case_id: str, **tags: str) -> Case:
    arn = f"arn:aws:cases:us-east-1:123456789012:domain/d/case/{case_id}"
    return Case(seq=1, case_id=case_id, arn=arn, template_id="t", values={}, tags=tags)


def context(mock: CasesMock, access_key_id: str | None, operation: str = "GetCase") -> Context:
    state = RegionState("123456789012", "us-east-1")
    scope = mock.access.scope(access_key_id)
    return Context(mock.store, state, operation, access_key_id, scope)


# -- the check functions ------------------------------------------------------------------


def test_off_by_default() -> None:
    mock = mock_cases()
    ctx = context(mock, AGENT)
    untagged = make_case("c1")
    assert case_visible(ctx, untagged)
    assert case_filter(ctx) is None
    check_case_access(ctx, untagged)
    check_create_access(ctx, {})


def test_scope_allows_matching_tags_only() -> None:
    mock = mock_cases()
    mock.restrict_access(AGENT, tags={"Department": ["Shipping", "Returns"]})
    ctx = context(mock, AGENT)
    shipping = make_case("c1", Department="Shipping")
    returns = make_case("c2", Department="Returns", Team="blue")
    billing = make_case("c3", Department="Billing")
    untagged = make_case("c4")
    assert [case_visible(ctx, c) for c in (shipping, returns, billing, untagged)] == [
        True,
        True,
        False,
        False,
    ]
    keep = case_filter(ctx)
    assert keep is not None
    assert [c.case_id for c in (shipping, returns, billing, untagged) if keep(c)] == ["c1", "c2"]


def test_every_key_of_the_scope_must_match() -> None:
    mock = mock_cases()
    mock.restrict_access(AGENT, tags={"Department": "Shipping", "Region": ["EU"]})
    ctx = context(mock, AGENT)
    assert case_visible(ctx, make_case("c1", Department="Shipping", Region="EU"))
    assert not case_visible(ctx, make_case("c2", Department="Shipping"))
    assert not case_visible(ctx, make_case("c3", Department="Shipping", Region="US"))


def test_denial_is_an_access_denied_error_naming_the_caller() -> None:
    mock = mock_cases()
    mock.restrict_access(AGENT, tags={"Department": ["Shipping"]})
    billing = make_case("c3", Department="Billing")
    with pytest.raises(ServiceError) as excinfo:
        check_case_access(context(mock, AGENT, "UpdateCase"), billing)
    assert excinfo.value.code == "AccessDeniedException"
    assert AGENT in excinfo.value.message
    assert "cases:UpdateCase" in excinfo.value.message
    assert billing.arn in excinfo.value.message


def test_create_needs_tags_inside_the_scope() -> None:
    mock = mock_cases()
    mock.restrict_access(AGENT, tags={"Department": ["Shipping"]})
    ctx = context(mock, AGENT, "CreateCase")
    check_create_access(ctx, {"Department": "Shipping", "Priority": "high"})
    for tags in ({}, {"Department": "Billing"}):
        with pytest.raises(ServiceError) as excinfo:
            check_create_access(ctx, tags)
        assert excinfo.value.code == "AccessDeniedException"


def test_other_callers_and_unsigned_requests_are_unrestricted() -> None:
    mock = mock_cases()
    mock.restrict_access(AGENT, tags={"Department": ["Shipping"]})
    billing = make_case("c3", Department="Billing")
    for caller in (OTHER, None):
        ctx = context(mock, caller)
        assert case_visible(ctx, billing)
        assert case_filter(ctx) is None


def test_scopes_can_be_replaced_and_lifted() -> None:
    mock = mock_cases()
    billing = make_case("c3", Department="Billing")
    mock.restrict_access(AGENT, tags={"Department": ["Shipping"]})
    mock.restrict_access(AGENT, tags={"Department": ["Billing"]})
    assert case_visible(context(mock, AGENT), billing)
    mock.restrict_access(AGENT, tags={"Department": ["Shipping"]})
    mock.allow_all_access(AGENT)
    assert case_visible(context(mock, AGENT), billing)


def test_an_empty_value_list_denies_every_case() -> None:
    mock = mock_cases()
    mock.restrict_access(AGENT, tags={"Department": []})
    assert not case_visible(context(mock, AGENT), make_case("c1", Department="Shipping"))


@pytest.mark.parametrize(
    ("access_key_id", "tags", "message"),
    [
        ("", {"Department": "x"}, "access key id"),
        (AGENT, {}, "at least one tag key"),
        (AGENT, {"Department": [1]}, "must be strings"),
    ],
)
def test_misuse_is_a_clear_casemock_error(
    access_key_id: str, tags: dict[str, Any], message: str
) -> None:
    mock = mock_cases()
    with pytest.raises(CasesMockError, match=message):
        mock.restrict_access(access_key_id, tags=tags)
    assert mock.access.scopes == {}


def test_scopes_end_with_the_activation() -> None:
    m = mock_cases()
    with m:
        m.restrict_access(AGENT, tags={"Department": ["Shipping"]})
    assert m.access.scopes == {}


# -- through boto3 ------------------------------------------------------------------------


class Scenario:
    """A domain with a Shipping case and a Billing case, and an agent restricted to
    Shipping."""

    def __init__(self, mock: CasesMock) -> None:
        self.admin = mock.client()
        self.agent = mock.client(access_key_id=AGENT)
        self.domain_id = self.admin.create_domain(name="tbac")["domainId"]
        self.template_id = self.admin.create_template(domainId=self.domain_id, name="t")[
            "templateId"
        ]
        self.shipping = self.create(self.admin, "Shipping")
        self.billing = self.create(self.admin, "Billing")
        mock.restrict_access(AGENT, tags={"Department": ["Shipping"]})

    def create(self, client: CasesClient, department: str) -> str:
        return client.create_case(
            domainId=self.domain_id,
            templateId=self.template_id,
            fields=[{"id": "title", "value": {"stringValue": department}}],
            tags={"Department": department},
        )["caseId"]

    def get(self, client: CasesClient, case_id: str) -> Any:
        return client.get_case(domainId=self.domain_id, caseId=case_id, fields=[{"id": "title"}])

    def search(self, client: CasesClient) -> list[str]:
        cases = client.search_cases(domainId=self.domain_id)["cases"]
        return sorted(c["caseId"] for c in cases)


def denied(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response: Any = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def scenario(mock: CasesMock) -> Scenario:
    return Scenario(mock)


def test_agent_reads_cases_in_scope(scenario: Scenario) -> None:
    assert scenario.get(scenario.agent, scenario.shipping)["fields"][0]["value"] == {
        "stringValue": "Shipping"
    }


def test_agent_is_denied_cases_outside_the_scope(scenario: Scenario) -> None:
    with pytest.raises(ClientError) as excinfo:
        scenario.get(scenario.agent, scenario.billing)
    assert denied(excinfo) == ("AccessDeniedException", 403)


def test_denied_update_and_delete_change_nothing(scenario: Scenario) -> None:
    agent, domain_id = scenario.agent, scenario.domain_id
    with pytest.raises(ClientError) as update:
        agent.update_case(
            domainId=domain_id,
            caseId=scenario.billing,
            fields=[{"id": "title", "value": {"stringValue": "hijacked"}}],
        )
    assert denied(update) == ("AccessDeniedException", 403)
    with pytest.raises(ClientError) as delete:
        agent.delete_case(domainId=domain_id, caseId=scenario.billing)
    assert denied(delete) == ("AccessDeniedException", 403)
    title = scenario.get(scenario.admin, scenario.billing)["fields"][0]["value"]
    assert title == {"stringValue": "Billing"}


def test_missing_cases_are_still_not_found(scenario: Scenario) -> None:
    with pytest.raises(ClientError) as excinfo:
        scenario.get(scenario.agent, "0" * 36)
    assert denied(excinfo) == ("ResourceNotFoundException", 404)


def test_agent_creates_cases_only_with_tags_in_scope(scenario: Scenario) -> None:
    created = scenario.create(scenario.agent, "Shipping")
    assert created in scenario.search(scenario.agent)
    with pytest.raises(ClientError) as excinfo:
        scenario.create(scenario.agent, "Billing")
    assert denied(excinfo) == ("AccessDeniedException", 403)
    assert len(scenario.search(scenario.admin)) == 3  # the refused case was not stored


def test_search_returns_only_accessible_cases(scenario: Scenario) -> None:
    assert scenario.search(scenario.agent) == [scenario.shipping]
    assert scenario.search(scenario.admin) == sorted([scenario.shipping, scenario.billing])


def test_lifting_the_scope_restores_access(mock: CasesMock, scenario: Scenario) -> None:
    mock.allow_all_access(AGENT)
    assert scenario.get(scenario.agent, scenario.billing)["templateId"] == scenario.template_id


def test_related_items_of_cases_outside_the_scope_are_denied(scenario: Scenario) -> None:
    comment: Any = {"comment": {"body": "note", "contentType": "Text/Plain"}}
    scenario.admin.create_related_item(
        domainId=scenario.domain_id, caseId=scenario.billing, type="Comment", content=comment
    )
    with pytest.raises(ClientError) as create:
        scenario.agent.create_related_item(
            domainId=scenario.domain_id, caseId=scenario.billing, type="Comment", content=comment
        )
    assert denied(create) == ("AccessDeniedException", 403)
    with pytest.raises(ClientError) as search:
        scenario.agent.search_related_items(domainId=scenario.domain_id, caseId=scenario.billing)
    assert denied(search) == ("AccessDeniedException", 403)
    scenario.agent.create_related_item(
        domainId=scenario.domain_id, caseId=scenario.shipping, type="Comment", content=comment
    )


def test_tags_of_cases_outside_the_scope_are_denied(scenario: Scenario) -> None:
    """The case's tags are its access scope: an agent can neither read nor change the tags
    of a case it may not access, nor move one of its own cases out of its scope (as it
    could not create one there); a case may be tagged within the scope."""
    admin, agent = scenario.admin, scenario.agent
    prefix = admin.get_domain(domainId=scenario.domain_id)["domainArn"]
    billing, shipping = f"{prefix}/case/{scenario.billing}", f"{prefix}/case/{scenario.shipping}"
    calls: list[Callable[[], object]] = [
        lambda: agent.list_tags_for_resource(arn=billing),
        lambda: agent.tag_resource(arn=billing, tags={"Department": "Shipping"}),
        lambda: agent.untag_resource(arn=billing, tagKeys=["Department"]),
        lambda: agent.tag_resource(arn=shipping, tags={"Department": "Billing"}),
        lambda: agent.untag_resource(arn=shipping, tagKeys=["Department"]),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert denied(excinfo) == ("AccessDeniedException", 403)
    assert admin.list_tags_for_resource(arn=billing)["tags"] == {"Department": "Billing"}
    assert admin.list_tags_for_resource(arn=shipping)["tags"] == {"Department": "Shipping"}
    agent.tag_resource(arn=shipping, tags={"Priority": "high"})
    assert agent.list_tags_for_resource(arn=shipping)["tags"] == {
        "Department": "Shipping",
        "Priority": "high",
    }
    assert scenario.search(agent) == [scenario.shipping]


def test_audit_history_outside_the_scope_is_denied(scenario: Scenario) -> None:
    with pytest.raises(ClientError) as excinfo:
        scenario.agent.get_case_audit_events(domainId=scenario.domain_id, caseId=scenario.billing)
    assert denied(excinfo) == ("AccessDeniedException", 403)
    events = scenario.agent.get_case_audit_events(
        domainId=scenario.domain_id, caseId=scenario.shipping
    )["auditEvents"]
    assert [e["type"] for e in events] == ["Case.Created"]


def test_cases_for_contact_and_domain_search_hide_cases_outside_the_scope(
    scenario: Scenario,
) -> None:
    contact = "arn:aws:connect:us-east-1:123456789012:instance/i-1/contact/c-1"
    for case_id in (scenario.shipping, scenario.billing):
        scenario.admin.create_related_item(
            domainId=scenario.domain_id,
            caseId=case_id,
            type="Contact",
            content={"contact": {"contactArn": contact}},
        )
    listed = scenario.agent.list_cases_for_contact(domainId=scenario.domain_id, contactArn=contact)
    assert [c["caseId"] for c in listed["cases"]] == [scenario.shipping]
    found = scenario.agent.search_all_related_items(domainId=scenario.domain_id)["relatedItems"]
    assert {item["caseId"] for item in found} == {scenario.shipping}
    everything = scenario.admin.search_all_related_items(domainId=scenario.domain_id)
    assert {item["caseId"] for item in everything["relatedItems"]} == {
        scenario.shipping,
        scenario.billing,
    }
