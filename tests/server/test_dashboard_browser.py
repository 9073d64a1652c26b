"""The dashboard in a real browser: Debian's headless Chromium through Playwright (never a
browser download of Playwright's own). The page loads without console errors, shows a
case created through boto3 (its ``<script>`` title as text, not run), picks up a new
case on its own while open, and still shows both after a reload."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from casemock import CasesMock
from casemock.server import Server, run_in_thread
from tests.server.serving import client

EVIL_TITLE = "<script>window.pwned = true</script><img src=x onerror=window.pwned=true>"


@pytest.fixture
def server() -> Iterator[Server]:
    with run_in_thread(mock=CasesMock(region="eu-west-2")) as running:
        yield running


class Watched:
    """A page whose console errors, uncaught exceptions, dialogs and requests to other
    hosts are recorded."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on(
            "console",
            lambda message: (
                self.problems.append(f"console: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("dialog", lambda dialog: self.problems.append(f"dialog: {dialog.message}"))
        page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith(origin) or request.url.startswith("data:")
                else self.problems.append(f"external request: {request.url}")
            ),
        )


def create_case(cases: Any, domain_id: str, template_id: str, title: str) -> str:
    case_id: str = cases.create_case(
        domainId=domain_id,
        templateId=template_id,
        fields=[{"id": "title", "value": {"stringValue": title}}],
    )["caseId"]
    return case_id


def test_dashboard_shows_cases_and_refreshes_itself(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    cases = client(server.url, "eu-west-2")
    domain_id = cases.create_domain(name="support")["domainId"]
    template_id = cases.create_template(domainId=domain_id, name="Request", status="Active")[
        "templateId"
    ]
    create_case(cases, domain_id, template_id, EVIL_TITLE)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watched = Watched(page, server.url)
    page.goto(f"{server.url}/_casemock/?region=eu-west-2&domain={domain_id}")
    page.get_by_text(EVIL_TITLE, exact=True).wait_for()  # shown as text
    assert page.evaluate("window.pwned === undefined")

    # created while the page is open: the page picks it up without a reload
    create_case(cases, domain_id, template_id, "Arrived while watching")
    page.get_by_text("Arrived while watching", exact=True).wait_for(timeout=15_000)
    assert "CreateCase" in page.locator("#calls").inner_text()

    page.reload()
    page.get_by_text("Arrived while watching", exact=True).wait_for()
    page.get_by_text(EVIL_TITLE, exact=True).wait_for()

    # into the case, and the call log's errors are highlighted
    page.get_by_role("link", name="Arrived while watching").click()
    page.get_by_role("heading", name="Field values").wait_for()
    assert "Case.Created" in page.locator("#audit-history").inner_text()

    screenshot = tmp_path / "dashboard.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    assert page.evaluate("window.pwned === undefined")
    assert watched.problems == []
    page.close()


def test_errors_are_highlighted_and_pause_stops_refreshing(
    browser: Browser, server: Server
) -> None:
    cases = client(server.url, "eu-west-2")
    cases.create_domain(name="support")
    page = browser.new_page()
    watched = Watched(page, server.url)
    page.goto(f"{server.url}/_casemock/")
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Resume").wait_for()
    with contextlib.suppress(cases.exceptions.ResourceNotFoundException):
        cases.get_domain(domainId="missing")
    page.wait_for_timeout(3000)  # longer than one refresh period
    assert page.locator("tr.error").count() == 0  # paused: not refreshed
    page.get_by_role("button", name="Resume").click()
    page.locator("tr.error").first.wait_for(timeout=15_000)
    color = page.locator("tr.error td").first.evaluate("cell => getComputedStyle(cell).color")
    assert color == "rgb(138, 28, 28)"
    assert watched.problems == []
    page.close()
