"""The control endpoints under /_casemock/, over real HTTP, and seeding a served mock."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from typing import Any

import botocore
import pytest
from botocore.exceptions import ClientError

import casemock
from casemock import CasesMock, Settings, _model
from casemock._protocol import router
from casemock.seeding import create_cases, seed_domain
from casemock.server import Server, run_in_thread
from casemock.server.control import ENDPOINTS, PREFIX
from tests.server.serving import call, client


@pytest.fixture
def server() -> Iterator[Server]:
    with run_in_thread(mock=CasesMock(account_id="111122223333")) as running:
        yield running


def control(server: Server, path: str) -> str:
    return f"{server.url}{PREFIX}/{path}"


def test_control_paths_never_match_a_connect_cases_route() -> None:
    methods = {route.method for route in router.routes()}
    for _, path in ENDPOINTS:
        for method in methods:
            assert router.match(method, path) is None, (method, path)
    for route in router.routes():
        first = route.segments[0]
        assert not first[0], f"{route.operation} starts with a label"
        assert not first[1].startswith("_casemock"), route.operation
    assert router.match("GET", "/") is None


def test_health(server: Server) -> None:
    reply = call(control(server, "health"))
    assert reply.status == 200
    body = reply.json()
    assert body["status"] == "ok"
    assert body["version"] == casemock.__version__
    assert body["botocore"] == botocore.__version__
    assert body["operations"] == len(_model.operation_names())


def test_reset_empties_state_calls_and_faults(server: Server) -> None:
    cases = client(server.url)
    cases.create_domain(name="before-reset")
    server.mock.add_error("ListDomains", "ThrottlingException", times=5)
    reply = call(control(server, "reset"), "POST")
    assert reply.status == 200
    assert server.mock.calls == []
    assert server.mock.faults.rules == []
    assert cases.list_domains()["domains"] == []


def test_settle_makes_pending_writes_visible() -> None:
    mock = CasesMock(settings=Settings(search_delay=3600.0))
    with run_in_thread(mock=mock) as running:
        cases = client(running.url)
        domain_id = cases.create_domain(name="d")["domainId"]
        template_id = cases.create_template(domainId=domain_id, name="t")["templateId"]
        title: Any = {"id": "title", "value": {"stringValue": "x"}}
        cases.create_case(domainId=domain_id, templateId=template_id, fields=[title])
        assert cases.search_cases(domainId=domain_id)["cases"] == []
        reply = call(control(running, "settle"), "POST")
        assert (reply.status, reply.json()) == (200, {"status": "settled"})
        assert len(cases.search_cases(domainId=domain_id)["cases"]) == 1


def test_state_round_trip(server: Server) -> None:
    cases = client(server.url, "eu-west-2")
    domain_id = cases.create_domain(name="kept")["domainId"]
    document = call(control(server, "state")).json()
    assert document["format"] == "casemock-state"
    call(control(server, "reset"), "POST")
    assert cases.list_domains()["domains"] == []
    reply = call(control(server, "state"), "PUT", document)
    assert reply.status == 200, reply.body
    assert cases.get_domain(domainId=domain_id)["name"] == "kept"


def test_gzipped_state_upload(server: Server) -> None:
    client(server.url).create_domain(name="zipped")
    document = call(control(server, "state")).body
    call(control(server, "reset"), "POST")
    reply = call(
        control(server, "state"),
        "PUT",
        data=gzip.compress(document),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert reply.status == 200
    assert server.mock.backend().domain("zipped").name == "zipped"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"format": "something-else"}', "not a casemock state document"),
        (b'{"format": "casemock-state", "version": 99}', "format version 99"),
        (b"[1, 2", "not JSON"),
    ],
)
def test_bad_state_document_is_refused_and_state_kept(
    server: Server, body: bytes, message: str
) -> None:
    client(server.url).create_domain(name="survivor")
    reply = call(control(server, "state"), "PUT", data=body)
    assert reply.status == 400
    assert message in reply.json()["message"]
    assert [d.name for d in server.mock.backend().domains.values()] == ["survivor"]


def test_damaged_document_gets_the_snapshot_format_error(server: Server) -> None:
    client(server.url).create_domain(name="survivor")
    document = call(control(server, "state")).json()
    document["regions"]["us-east-1"]["domains"] = "broken"
    reply = call(control(server, "state"), "PUT", document)
    assert reply.status == 400
    assert reply.json()["error"] == "SnapshotFormatError"
    assert "state was not changed" in reply.json()["message"]
    assert server.mock.backend().domain("survivor").name == "survivor"


def test_error_fault_over_http(server: Server) -> None:
    rule = {"operation": "ListDomains", "error_code": "ThrottlingException", "times": 1}
    reply = call(control(server, "faults"), "POST", rule)
    assert reply.status == 200, reply.body
    assert reply.json()["description"] == (
        "ThrottlingException on ListDomains: every call, 1 more time"
    )
    cases = client(server.url)
    with pytest.raises(ClientError) as refused:
        cases.list_domains()
    assert refused.value.response["Error"]["Code"] == "ThrottlingException"
    assert cases.list_domains()["domains"] == []


def test_latency_fault_and_listing_and_clearing(server: Server) -> None:
    reply = call(control(server, "faults"), "POST", {"latency": 0.01})
    assert reply.status == 200, reply.body
    assert reply.json()["kind"] == "latency"
    assert reply.json()["operation"] is None
    call(control(server, "faults"), "POST", {"error_code": "InternalServerException", "every": 3})
    listed = call(control(server, "faults")).json()["faults"]
    assert [f["kind"] for f in listed] == ["latency", "error"]
    assert listed[1]["description"] == (
        "InternalServerException on every operation: one call in 3, no limit"
    )
    assert call(control(server, "faults"), "DELETE").json()["removed"] == 2
    assert server.mock.faults.rules == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"operation": "ListDomains"}, "Name the fault"),
        ({"error_code": "ThrottlingException", "bogus": 1}, "Unknown keyword(s) bogus"),
        ({"error_code": "NoSuchError"}, "not a modeled error"),
        ({"operation": "Nope", "error_code": "ThrottlingException"}, "not an operation"),
        ({"error_code": "ThrottlingException", "times": "two"}, "a whole number or null"),
        ({"error_code": "ThrottlingException", "latency": 1}, "not both"),
        ({"latency": -1}, "seconds, 0 or more"),
        ({"latency": "slow"}, 'latency must be a number, not "slow"'),
        ([1, 2], "JSON object"),
    ],
)
def test_bad_fault_keywords_get_a_json_400(server: Server, rule: object, message: str) -> None:
    reply = call(control(server, "faults"), "POST", rule)
    assert reply.status == 400
    assert message in reply.json()["message"]
    assert server.mock.faults.rules == []


def test_call_log_with_a_cursor(server: Server) -> None:
    cases = client(server.url)
    cases.create_domain(name="one")
    with pytest.raises(ClientError):
        cases.get_domain(domainId="missing")
    first = call(control(server, "calls")).json()
    assert [c["operation"] for c in first["calls"]] == ["CreateDomain", "GetDomain"]
    assert first["calls"][1]["errorCode"] == "ResourceNotFoundException"
    assert first["calls"][0]["region"] == "us-east-1"
    assert first["calls"][0]["time"].endswith("Z")
    assert first["next"] == 2 and first["reset"] is False
    cases.list_domains()
    later = call(control(server, "calls") + f"?since={first['next']}").json()
    assert [c["operation"] for c in later["calls"]] == ["ListDomains"]
    assert later["calls"][0]["index"] == 2 and later["next"] == 3
    call(control(server, "reset"), "POST")
    assert call(control(server, "calls") + "?since=3").json() == {
        "calls": [],
        "next": 3,
        "reset": False,
    }
    cases.create_domain(name="p1")
    for _ in range(4):  # more calls after the reset than the cursor counted before it
        cases.list_domains()
    after_reset = call(control(server, "calls") + "?since=3").json()
    assert [c["index"] for c in after_reset["calls"]] == [3, 4, 5, 6, 7]
    assert after_reset["calls"][0]["params"] == {"name": "p1"}
    assert after_reset["next"] == 8 and after_reset["reset"] is False
    stale = call(control(server, "calls") + "?since=2").json()  # one call was never read
    assert stale["reset"] is True and [c["index"] for c in stale["calls"]] == [3, 4, 5, 6, 7]
    assert call(control(server, "calls") + "?since=x").status == 400


def test_unknown_endpoint_and_method(server: Server) -> None:
    missing = call(control(server, "nope"))
    assert missing.status == 404
    assert "/_casemock/health" in missing.json()["message"]
    wrong = call(control(server, "reset"), "GET")
    assert wrong.status == 405
    assert wrong.headers["Allow"] == "POST"


def test_state_given_to_the_mock_is_served() -> None:
    with CasesMock(account_id="111122223333") as seeded:
        seeded.client().create_domain(name="from-a-document")
        document = seeded.snapshot()
    with run_in_thread(mock=CasesMock(account_id="111122223333", state=document)) as running:
        names = [d["name"] for d in client(running.url).list_domains()["domains"]]
    assert names == ["from-a-document"]


def test_seeding_and_restore_on_a_served_mock(server: Server) -> None:
    seeded = seed_domain(
        server.mock,
        "support",
        fields=[{"name": "Priority", "type": "SingleSelect", "options": ["High", "Low"]}],
        template=True,
    )
    assert seeded.template_id is not None
    (case_id,) = create_cases(
        server.mock, seeded.domain_id, seeded.template_id, [{"title": "Seeded", "Priority": "High"}]
    )
    cases = client(server.url)
    priority = seeded.field_id("Priority")
    got = cases.get_case(
        domainId=seeded.domain_id, caseId=case_id, fields=[{"id": "title"}, {"id": priority}]
    )
    assert {f["id"]: f["value"]["stringValue"] for f in got["fields"]} == {
        "title": "Seeded",
        priority: "High",
    }
    document = server.mock.snapshot()
    server.mock.reset()
    assert cases.list_domains()["domains"] == []
    server.mock.restore(document)
    assert cases.get_domain(domainId=seeded.domain_id)["name"] == "support"


def test_preflight_allows_the_control_methods(server: Server) -> None:
    reply = call(
        control(server, "state"),
        "OPTIONS",
        headers={"Origin": "http://example.test", "Access-Control-Request-Method": "PUT"},
    )
    assert reply.status == 200
    assert {"GET", "POST", "PUT", "DELETE"} <= set(
        reply.headers["Access-Control-Allow-Methods"].split(", ")
    )


def test_state_document_is_json(server: Server) -> None:
    client(server.url).create_domain(name="json")
    assert json.loads(call(control(server, "state")).body)["account_id"] == "111122223333"
