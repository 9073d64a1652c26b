"""The dashboard's HTML over HTTP: what each level shows, escaping, filtering and paging,
the refresh endpoint, and nothing fetched from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.exceptions import ClientError

from casemock import CasesMock
from casemock.seeding import SeededDomain, create_cases, seed_domain
from casemock.server import Server, run_in_thread
from tests.server.serving import call, client

EVIL = "<script>alert('pwned')</script> & <b>bold</b>"


@pytest.fixture
def server() -> Iterator[Server]:
    with run_in_thread(mock=CasesMock(region="eu-west-2")) as running:
        yield running


def page(server: Server, **query: str) -> str:
    reply = call(f"{server.url}/_casemock/?{urlencode(query)}")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    return reply.body.decode()


def seeded(server: Server) -> SeededDomain:
    domain = seed_domain(
        server.mock,
        "support",
        fields=[
            {"name": "Priority", "type": "SingleSelect", "options": ["High", "Low"]},
            {"name": "Product", "type": "Text"},
        ],
        rules=[
            {
                "name": "Needs priority",
                "rule": {"required": {"defaultValue": True, "conditions": []}},
            }
        ],
        layout={"name": "Agent view", "top": ["Priority", "Product"]},
        template={"name": "Support request"},
        region="eu-west-2",
    )
    return domain


def new_case(server: Server, domain: SeededDomain, title: str) -> str:
    cases = client(server.url, "eu-west-2")
    assert domain.template_id is not None
    return cases.create_case(
        domainId=domain.domain_id,
        templateId=domain.template_id,
        fields=[
            {"id": "title", "value": {"stringValue": title}},
            {"id": domain.field_id("Priority"), "value": {"stringValue": "High"}},
        ],
    )["caseId"]


def test_region_level_lists_domains_and_regions(server: Server) -> None:
    domain = seeded(server)
    html = page(server)
    assert "Domains in eu-west-2" in html
    assert f'href="?region=eu-west-2&amp;domain={domain.domain_id}"' in html
    assert "eu-west-2 (1 domain)" in html


def test_domain_level_shows_configuration_and_cases(server: Server) -> None:
    domain = seeded(server)
    new_case(server, domain, "Printer on fire")
    html = page(server, region="eu-west-2", domain=domain.domain_id)
    for expected in (
        "Priority",
        "High, Low",  # the options
        "Support request",  # the template
        "Needs priority",  # the case rule
        "required",
        "Agent view",  # the layout
        "Printer on fire",
        "1 case, newest first",
    ):
        assert expected in html, expected


def test_case_level_shows_values_related_items_tags_and_audit(server: Server) -> None:
    domain = seeded(server)
    case_id = new_case(server, domain, "Printer on fire")
    cases = client(server.url, "eu-west-2")
    cases.create_related_item(
        domainId=domain.domain_id,
        caseId=case_id,
        type="Comment",
        content={"comment": {"body": "Customer called back", "contentType": "Text/Plain"}},
    )
    case = server.mock.backend("eu-west-2").domain("support").cases[case_id]
    cases.tag_resource(arn=case.arn, tags={"team": "billing"})
    cases.update_case(
        domainId=domain.domain_id,
        caseId=case_id,
        fields=[{"id": "status", "value": {"stringValue": "closed"}}],
    )
    html = page(server, region="eu-west-2", domain=domain.domain_id, case=case_id)
    for expected in (
        "Field values",
        "Priority",
        "Customer called back",
        "team",
        "billing",
        "Case.Created",
        "Case.Updated",
        "Status: open \u2192 closed",
    ):
        assert expected in html, expected


def test_every_value_is_escaped(server: Server) -> None:
    domain = seeded(server)
    case_id = new_case(server, domain, EVIL)
    for query in (
        {"region": "eu-west-2", "domain": domain.domain_id},
        {"region": "eu-west-2", "domain": domain.domain_id, "case": case_id},
        {"region": "eu-west-2", "domain": domain.domain_id, "q": EVIL},
        {"region": EVIL},
        {"region": "eu-west-2", "domain": EVIL},
    ):
        html = page(server, **query)
        assert "<script>alert" not in html
        assert "<b>bold" not in html
        assert html.count("<script>") == 1  # the dashboard's own refresh script
    html = page(server, region="eu-west-2", domain=domain.domain_id)
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt; &amp; &lt;b&gt;" in html


def test_cases_are_paged_and_filtered(server: Server) -> None:
    domain = seeded(server)
    assert domain.template_id is not None
    ids = create_cases(
        server.mock,
        domain.domain_id,
        domain.template_id,
        [{"title": f"Case number {i}", "Priority": "Low"} for i in range(30)],
        region="eu-west-2",
    )
    first = page(server, region="eu-west-2", domain=domain.domain_id)
    assert "30 cases, newest first · page 1 of 2" in first
    assert "Case number 29" in first and "Case number 5<" in first
    assert "Case number 4<" not in first
    second = page(server, region="eu-west-2", domain=domain.domain_id, page="2")
    assert "Case number 4<" in second and "Case number 5<" not in second
    found = page(server, region="eu-west-2", domain=domain.domain_id, q="NUMBER 1")
    assert "11 cases matching" in found  # 1, 10..19
    by_id = page(server, region="eu-west-2", domain=domain.domain_id, q=ids[3][:13])
    assert "1 case matching" in by_id and "Case number 3<" in by_id
    case = server.mock.backend("eu-west-2").domain("support").cases[ids[7]]
    assert case.reference_number is not None
    by_reference = page(
        server, region="eu-west-2", domain=domain.domain_id, q=case.reference_number
    )
    assert "Case number 7<" in by_reference


def test_call_log_highlights_errors(server: Server) -> None:
    cases = client(server.url, "eu-west-2")
    cases.list_domains()
    with pytest.raises(ClientError):
        cases.get_domain(domainId="missing")
    html = page(server)
    rows = re.findall(r'<tr class="error">(.*?)</tr>', html)
    assert len(rows) == 1
    assert "GetDomain" in rows[0] and "ResourceNotFoundException" in rows[0]
    assert "2 calls, 1 error" in html


def test_fault_rules_are_listed(server: Server) -> None:
    server.mock.add_error("GetCase", "ThrottlingException", times=2)
    assert "ThrottlingException on GetCase: every call, 2 more times" in page(server)


def test_missing_domain_or_case_is_a_notice_not_an_error(server: Server) -> None:
    domain = seeded(server)
    assert "No domain nope in eu-west-2" in page(server, region="eu-west-2", domain="nope")
    html = page(server, region="eu-west-2", domain=domain.domain_id, case="gone")
    assert "No case gone in domain support" in html


def refresh(server: Server, version: str = "") -> Any:
    query = urlencode({"region": "eu-west-2", "format": "json", "version": version})
    reply = call(f"{server.url}/_casemock/?{query}")
    assert reply.status == 200
    return reply.json()


def test_refresh_answers_new_content_only_when_it_changed(server: Server) -> None:
    first = refresh(server)
    assert first["html"] is not None
    unchanged = refresh(server, first["version"])
    assert unchanged == {"version": first["version"], "html": None}
    client(server.url, "eu-west-2").create_domain(name="appeared")
    changed = refresh(server, first["version"])
    assert changed["version"] != first["version"]
    assert "appeared" in changed["html"]


def test_page_is_self_contained(server: Server) -> None:
    seeded(server)
    html = page(server)
    assert "http://" not in html and "https://" not in html
    assert " src=" not in html  # no external script, style or image
    assert '<link rel="icon" href="data:,">' in html  # no favicon request


def test_looking_at_a_region_creates_no_state(server: Server) -> None:
    page(server, region="ap-south-2")
    page(server, region="ap-south-2", domain="nope")
    assert "ap-south-2" not in server.mock.store.regions
    assert server.mock.snapshot()["regions"] == {}
