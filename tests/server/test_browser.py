"""Debian's Chromium, driven by Playwright, reaches the HTTP server.

A smoke test of the browser setup that ``.ci/run`` installs (``chromium`` from Debian,
``playwright`` from the test extra, never a browser download of Playwright's own): open a
page served by casemock's server, call CreateDomain from it with ``fetch``, and read the
domain back with boto3.
"""

from __future__ import annotations

import boto3
from playwright.sync_api import Browser

CREATE_DOMAIN = """async (name) => {
    const response = await fetch("/domains", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({name}),
    });
    return {status: response.status, body: await response.json()};
}"""


def test_chromium_calls_the_server(endpoint: str, browser: Browser) -> None:
    page = browser.new_page()
    try:
        # Whatever the server answers for "/", the page's origin is now the server.
        assert page.goto(f"{endpoint}/") is not None
        answer = page.evaluate(CREATE_DOMAIN, "from-chromium")
    finally:
        page.close()

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
