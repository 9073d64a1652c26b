"""The call log: every connectcases call in order, with decoded parameters and the
response or the error, for assertions without further API calls."""

from __future__ import annotations

import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from casemock import Call, CasesClient, CasesMock, CasesMockError, mock_cases
from casemock.seeding import create_cases, seed_domain
from tests.helpers import REGION, retained_bytes


def test_calls_are_recorded_in_order_with_params_and_response(
    mock: CasesMock, client: CasesClient
) -> None:
    created = client.create_domain(name="logged")
    client.get_domain(domainId=created["domainId"])
    client.list_domains(maxResults=5)
    assert [c.operation for c in mock.calls] == ["CreateDomain", "GetDomain", "ListDomains"]
    first, second, third = mock.calls
    assert first.params == {"name": "logged"}
    assert first.response is not None
    assert first.response["domainId"] == created["domainId"]
    assert first.error is None
    assert first.ok
    assert second.params == {"domainId": created["domainId"]}  # a path label, decoded
    assert third.params == {"maxResults": 5}  # a query parameter, decoded to its type


def test_errors_are_recorded_with_their_code(mock: CasesMock, client: CasesClient) -> None:
    with pytest.raises(ClientError):
        client.get_domain(domainId="missing")
    (call,) = mock.calls
    assert call.operation == "GetDomain"
    assert call.response is None
    assert call.error is not None
    assert call.error_code == "ResourceNotFoundException"
    assert call.error.members["resourceType"] == "Domain"
    assert not call.ok


def test_validation_failures_are_recorded(mock: CasesMock, client: CasesClient) -> None:
    with pytest.raises(ClientError):
        client.create_domain(name="x" * 101)
    (call,) = mock.calls
    assert (call.operation, call.error_code) == ("CreateDomain", "ValidationException")
    assert call.params == {"name": "x" * 101}


def test_calls_to_filters_by_operation(mock: CasesMock, client: CasesClient) -> None:
    client.list_domains()
    client.create_domain(name="a")
    client.list_domains()
    listed = mock.calls_to("ListDomains")
    assert len(listed) == 2
    assert all(c.operation == "ListDomains" for c in listed)
    assert isinstance(listed[0], Call)
    assert mock.calls_to("DeleteDomain") == []


def test_caller_identity_and_region_are_recorded(mock: CasesMock) -> None:
    mock.client(access_key_id="AKIAAGENT1", region="eu-west-2").list_domains()
    (call,) = mock.calls
    assert (call.access_key_id, call.region) == ("AKIAAGENT1", "eu-west-2")


def test_each_retry_attempt_is_a_call(mock: CasesMock, monkeypatch: pytest.MonkeyPatch) -> None:
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)
    mock.add_error("ListDomains", "ThrottlingException")
    client = mock.client(config=Config(retries={"mode": "standard", "max_attempts": 2}))
    client.list_domains()
    assert [c.error_code for c in mock.calls] == ["ThrottlingException", None]


def test_log_starts_empty_each_activation_and_survives_stop() -> None:
    m = mock_cases(region=REGION)
    with m:
        m.client().list_domains()
    assert [c.operation for c in m.calls] == ["ListDomains"]  # readable after the block
    with m:
        assert m.calls == []


def test_a_call_refused_by_an_injected_fault_names_its_caller_and_region() -> None:
    with mock_cases(region="eu-west-2") as mock:
        mock.add_error("ListDomains", "AccessDeniedException")
        client = mock.client(access_key_id="AKIAFAULTED")
        with pytest.raises(ClientError):
            client.list_domains()
        (call,) = mock.calls
    assert call.error_code == "AccessDeniedException"
    assert (call.region, call.access_key_id) == ("eu-west-2", "AKIAFAULTED")


def test_a_call_keeps_its_response_as_it_was_answered(mock: CasesMock) -> None:
    domain = seed_domain(mock, "support", template={"name": "Default"})
    assert domain.template_id is not None
    client = mock.client()
    (case_id,) = create_cases(mock, domain.domain_id, domain.template_id, [{"title": "Old"}])
    client.get_case(domainId=domain.domain_id, caseId=case_id, fields=[{"id": "title"}])
    client.update_case(
        domainId=domain.domain_id,
        caseId=case_id,
        fields=[{"id": "title", "value": {"stringValue": "New"}}],
    )
    (read,) = mock.calls_to("GetCase")
    assert read.response is not None
    assert read.response["fields"] == [{"id": "title", "value": {"stringValue": "Old"}}]
    assert read.params["caseId"] == case_id


def test_a_call_is_read_only_compares_by_content_and_pickles(
    mock: CasesMock, client: CasesClient
) -> None:
    import pickle
    from dataclasses import FrozenInstanceError

    client.create_domain(name="logged")
    (call,) = mock.calls
    with pytest.raises(FrozenInstanceError):
        call.operation = "Other"
    call.params["name"] = "edited by the test"  # what a reader does to the data it got
    response = call.response
    assert response is not None
    response["domainId"] = "edited"
    assert call.params == {"name": "logged"}  # the record keeps the call as answered
    assert call.response is not None and call.response["domainId"] != "edited"
    copy = pickle.loads(pickle.dumps(call))
    assert copy == call
    assert copy.time == call.time
    assert copy.params == {"name": "logged"}
    assert call != Call("CreateDomain", {"name": "other"}, call.response, None)
    assert "CreateDomain" in repr(call) and "'logged'" in repr(call)


def test_a_logged_call_costs_about_what_its_answer_weighs(
    mock: CasesMock, client: CasesClient
) -> None:
    """The log keeps each answer's body in a buffer of its own size (the JSON encoder's
    buffer is at least 4 KiB), so a long test's log does not grow by kilobytes per call."""
    domain_id = client.create_domain(name="weighed")["domainId"]
    client.list_fields(domainId=domain_id)
    size = len(json.dumps(mock.calls[-1].response))

    def calls() -> None:
        for _ in range(200):
            client.list_fields(domainId=domain_id)

    per_call = retained_bytes(calls) / 200
    assert per_call < size + 1500, (per_call, size)


def test_calls_to_an_operation_that_does_not_exist_is_a_casemock_error(mock: CasesMock) -> None:
    with pytest.raises(CasesMockError, match="'CreateDomains' is not an operation"):
        mock.calls_to("CreateDomains")
    assert mock.calls_to("CreateDomain") == []
