"""A casemock HTTP server on a free port for the real-client scenarios, and Debian's
headless Chromium driven by Playwright (never a browser download of Playwright's own)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from casemock import CasesMock
from casemock.server import run_in_thread


@pytest.fixture
def endpoint() -> Iterator[str]:
    server, thread = run_in_thread(mock=CasesMock())
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def client_env(tmp_path: Path) -> dict[str, str]:
    """The environment for a client subprocess: fake credentials, and no AWS settings of
    the user's (no config or credentials file, profile or endpoint override) in the way."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="AKIDREALCLIENT",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_CONFIG_FILE=str(tmp_path / "missing-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "missing-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium, launched once per module; a missing browser fails (CI installs it)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium and chromium-driver "
            "(.ci/run does: apt-get install -y --no-install-recommends chromium chromium-driver)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
