"""The AWS CLI (``python -m awscli``, from the test extra) against the HTTP server.

Each command is a real CLI process with its own botocore copy and argument parsing, so
this checks what a shell script or a CI job using ``aws connectcases ...`` would see.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import boto3
import pytest


class Cli:
    """``aws connectcases ...`` against one server, with JSON output."""

    def __init__(self, endpoint: str, env: dict[str, str]) -> None:
        self.endpoint = endpoint
        self.env = env
        self.options = ["--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json"]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "awscli", "connectcases", *args, *self.options],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def __call__(self, *args: str) -> Any:
        result = self.run(*args)
        assert result.returncode == 0, f"aws {' '.join(args)}: {result.stderr}"
        return json.loads(result.stdout) if result.stdout.strip() else None

    def fails(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode in (254, 255), (result.returncode, result.stdout)
        return result.stderr


@pytest.fixture
def aws(endpoint: str, client_env: dict[str, str]) -> Cli:
    return Cli(endpoint, client_env)


def text(value: str) -> dict[str, str]:
    return {"stringValue": value}


def test_support_desk_scenario(aws: Cli, endpoint: str) -> None:
    domain = aws("create-domain", "--name", "cli-scenario")
    assert domain["domainStatus"] == "Active"
    assert domain["domainArn"].startswith("arn:aws:cases:us-east-1:123456789012:domain/")
    domain_id = domain["domainId"]

    field = aws("create-field", "--domain-id", domain_id, "--name", "Order", "--type", "Text")
    order_id = field["fieldId"]
    template = aws(
        "create-template",
        "--domain-id", domain_id,
        "--name", "default",
        "--required-fields", json.dumps([{"fieldId": order_id}]),
    )  # fmt: skip
    fields = [
        {"id": "title", "value": text("Café ☕ parcel lost")},
        {"id": order_id, "value": text("A-100")},
    ]
    case_id = aws(
        "create-case",
        "--domain-id", domain_id,
        "--template-id", template["templateId"],
        "--fields", json.dumps(fields),
    )["caseId"]  # fmt: skip

    wanted = json.dumps([{"id": "title"}, {"id": order_id}])
    case = aws("get-case", "--domain-id", domain_id, "--case-id", case_id, "--fields", wanted)
    assert case["templateId"] == template["templateId"]
    assert {f["id"]: f["value"] for f in case["fields"]} == {
        "title": text("Café ☕ parcel lost"),
        order_id: text("A-100"),
    }

    update = json.dumps([{"id": order_id, "value": text("A-200")}])
    # UpdateCase answers no members: the CLI prints nothing (or an empty object).
    assert not aws(
        "update-case", "--domain-id", domain_id, "--case-id", case_id, "--fields", update
    )

    found = aws(
        "search-cases",
        "--domain-id", domain_id,
        "--filter", json.dumps({"field": {"equalTo": {"id": order_id, "value": text("A-200")}}}),
        "--fields", json.dumps([{"id": order_id}]),
    )  # fmt: skip
    assert [(c["caseId"], c["fields"]) for c in found["cases"]] == [
        (case_id, [{"id": order_id, "value": text("A-200")}])
    ]

    body = {"comment": {"body": "Customer called", "contentType": "Text/Plain"}}
    comment = aws(
        "create-related-item",
        "--domain-id", domain_id,
        "--case-id", case_id,
        "--type", "Comment",
        "--content", json.dumps(body),
    )  # fmt: skip
    related = aws(
        "search-related-items",
        "--domain-id", domain_id,
        "--case-id", case_id,
        "--filters", json.dumps([{"comment": {}}]),
    )  # fmt: skip
    assert [
        (item["relatedItemId"], item["type"], item["content"]["comment"]["body"])
        for item in related["relatedItems"]
    ] == [(comment["relatedItemId"], "Comment", "Customer called")]

    # What the CLI wrote is what a boto3 client of the same server reads.
    client = boto3.client(
        "connectcases",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDBOTO3",
        aws_secret_access_key="secret",
    )
    again = client.get_case(domainId=domain_id, caseId=case_id, fields=[{"id": order_id}])
    assert again["fields"] == [{"id": order_id, "value": {"stringValue": "A-200"}}]


def test_errors_reach_the_cli(aws: Cli) -> None:
    domain_id = aws("create-domain", "--name", "cli-errors")["domainId"]

    stderr = aws.fails(
        "get-case",
        "--domain-id", domain_id,
        "--case-id", "missing-case",
        "--fields", json.dumps([{"id": "title"}]),
    )  # fmt: skip
    assert "An error occurred (ResourceNotFoundException) when calling the GetCase" in stderr
    assert "missing-case" in stderr

    stderr = aws.fails("create-domain", "--name", "x" * 101)
    assert "An error occurred (ValidationException) when calling the CreateDomain" in stderr
    assert "Member must have length less than or equal to 100" in stderr
