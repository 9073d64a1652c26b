"""Take docs/images/dashboard.png: a server with a realistic domain, driven through boto3,
and the dashboard in Debian's headless Chromium (playwright, never a downloaded browser).

    python scripts/dashboard_screenshot.py [OUTPUT.png]
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from playwright.sync_api import sync_playwright

from casemock import CasesMock
from casemock.server import run_in_thread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "images" / "dashboard.png"


def populate(url: str) -> tuple[str, str]:
    """A support domain with fields, a template, a layout, a rule and cases; some calls
    fail, as they do in a real test run. Returns (domain id, one case id)."""
    cases: Any = boto3.client(
        "connectcases",
        region_name="eu-west-2",
        endpoint_url=url,
        aws_access_key_id="AKIDSUPPORTAPP",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 0}),
    )
    domain_id = cases.create_domain(name="support")["domainId"]
    priority = cases.create_field(
        domainId=domain_id, name="Priority", type="SingleSelect", description="How urgent"
    )["fieldId"]
    cases.batch_put_field_options(
        domainId=domain_id,
        fieldId=priority,
        options=[{"name": v, "value": v, "active": True} for v in ("High", "Medium", "Low")],
    )
    product = cases.create_field(domainId=domain_id, name="Product", type="Text")["fieldId"]
    layout = cases.create_layout(
        domainId=domain_id,
        name="Agent view",
        content={
            "basic": {
                "topPanel": {
                    "sections": [{"fieldGroup": {"fields": [{"id": priority}, {"id": product}]}}]
                },
                "moreInfo": {"sections": []},
            }
        },
    )["layoutId"]
    rule = cases.create_case_rule(
        domainId=domain_id,
        name="Priority required",
        rule={"required": {"defaultValue": True, "conditions": []}},
    )["caseRuleId"]
    template = cases.create_template(
        domainId=domain_id,
        name="Support request",
        status="Active",
        layoutConfiguration={"defaultLayout": layout},
        requiredFields=[{"fieldId": priority}],
        rules=[{"caseRuleId": rule, "fieldId": priority}],
    )["templateId"]
    titles = [
        ("Printer on fire", "High", "LaserJet 5"),
        ("Cannot log in", "Medium", "Portal"),
        ("Invoice shows wrong VAT", "Low", "Billing"),
        ("<script>alert('xss')</script> in the subject", "Low", "Mail"),
        ("Refund for order 1042", "Medium", "Shop"),
    ]
    first = ""
    for title, level, name in titles:
        case_id = cases.create_case(
            domainId=domain_id,
            templateId=template,
            fields=[
                {"id": "title", "value": {"stringValue": title}},
                {"id": priority, "value": {"stringValue": level}},
                {"id": product, "value": {"stringValue": name}},
            ],
        )["caseId"]
        first = first or case_id
    cases.create_related_item(
        domainId=domain_id,
        caseId=first,
        type="Comment",
        content={"comment": {"body": "Customer sent a photo.", "contentType": "Text/Plain"}},
    )
    cases.update_case(
        domainId=domain_id,
        caseId=first,
        fields=[{"id": "status", "value": {"stringValue": "closed"}}],
    )
    for attempt in (
        lambda: cases.get_case(domainId=domain_id, caseId="no-such-case", fields=[{"id": "title"}]),
        lambda: cases.create_field(domainId=domain_id, name="Priority", type="Text"),
    ):
        with contextlib.suppress(ClientError):
            attempt()
    cases.search_cases(domainId=domain_id, maxResults=25)
    return domain_id, first


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    with run_in_thread(mock=CasesMock(region="eu-west-2", seed=20261128)) as server:
        domain_id, _ = populate(server.url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(f"{server.url}/_casemock/?region=eu-west-2&domain={domain_id}")
                page.screenshot(path=str(output), full_page=True)
            finally:
                browser.close()
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
