"""A casemock HTTP server on a free port for the real-client scenarios."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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
