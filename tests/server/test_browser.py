"""Debian's Chromium, driven by Playwright, reaches the HTTP server.

A smoke test of the browser setup that ``.ci/run`` installs (``chromium`` from Debian,
``playwright`` from the test extra, never a browser download of Playwright's own): open a
page served by casemock's server, call CreateDomain from it with ``fetch``, and read the
domain back with boto3.
"""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# As root, on a machine whose network reaches no Google host: no sandbox, and none of
# Chromium's background connections.
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

CREATE_DOMAIN = """async (name) => {
    const response = await fetch("/domains", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({name}),
    });
    return {status: response.status, body: await response.json()};
}"""


def test_chromium_calls_the_server(endpoint: str) -> None:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium and chromium-driver "
            "(.ci/run does: apt-get install -y --no-install-recommends chromium chromium-driver)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            # Whatever the server answers for "/", the page's origin is now the server.
            assert page.goto(f"{endpoint}/") is not None
            answer = page.evaluate(CREATE_DOMAIN, "from-chromium")
        finally:
            browser.close()

    assert answer["status"] == 200
    assert answer["body"]["domainStatus"] == "Active"
    client = boto3.client(
        "connectcases",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDBOTO3",
        aws_secret_access_key="secret",
    )
    (domain,) = client.list_domains()["domains"]
    assert (domain["domainId"], domain["name"]) == (answer["body"]["domainId"], "from-chromium")
