"""Helpers for the server tests: HTTP calls with the standard library, boto3 clients
pointed at a server, and the command line started as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from typing import IO, TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any


@dataclass
class Reply:
    status: int
    headers: Message[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    url: str,
    method: str = "GET",
    payload: Any = None,
    *,
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """One HTTP request with urllib; errors are replies too."""
    if payload is not None:
        data = json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())


def client(endpoint: str, region: str = "us-east-1", retries: int = 0) -> ConnectCasesClient:
    made: ConnectCasesClient = boto3.client(
        "connectcases",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id="AKIDSERVER",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": retries, "mode": "standard"}),
    )
    return made


STARTUP = "casemock serving Amazon Connect Cases on "


@dataclass
class Process:
    process: subprocess.Popen[str]
    url: str

    @property
    def stdout(self) -> IO[str]:
        assert self.process.stdout is not None
        return self.process.stdout

    def stop(self) -> tuple[int, str]:
        """SIGTERM, then (exit status, what it wrote on stderr)."""
        self.process.terminate()
        _, err = self.process.communicate(timeout=30)
        return self.process.returncode, err


def environment(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEMOCK_")}
    env["CASEMOCK_STRICT"] = "1"
    env.update(overrides)
    return env


def run_cli(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command line run to completion (for errors)."""
    return subprocess.run(
        [sys.executable, "-m", "casemock.server", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(env) if env is not None else environment(),
    )


@contextmanager
def serving(*args: str, env: Mapping[str, str] | None = None) -> Iterator[Process]:
    """``python -m casemock.server ARGS`` running, its URL read from the start-up line
    on a pipe; stopped with SIGTERM at the end (if still running)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "casemock.server", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(env) if env is not None else environment(),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith(STARTUP):
            process.kill()
            _, err = process.communicate(timeout=30)
            raise AssertionError(f"no start-up line: {line!r}; stderr: {err}")
        yield Process(process, line[len(STARTUP) :].strip())
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
