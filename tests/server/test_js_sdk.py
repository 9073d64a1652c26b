"""The AWS SDK for JavaScript v3 (``@aws-sdk/client-connectcases``, pinned in
``tests/server/js/package-lock.json``) against the HTTP server, under Node.js.

``js/scenario.mjs`` runs the scenario and prints a JSON summary; this test checks it, and
checks with boto3 that the server kept what the SDK wrote. Node.js and the SDK are
required, not optional: ``.ci/run`` installs the SDK with ``npm ci``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest

JS_DIR = Path(__file__).parent / "js"
SDK = JS_DIR / "node_modules" / "@aws-sdk" / "client-connectcases"


def run_scenario(endpoint: str, env: dict[str, str]) -> Any:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node not found: install Node.js 20 or newer, then run `npm ci` in " + str(JS_DIR)
        )
    if not SDK.is_dir():
        pytest.fail(f"@aws-sdk/client-connectcases is not installed: run `npm ci` in {JS_DIR}")
    result = subprocess.run(
        [node, "scenario.mjs", endpoint],
        cwd=JS_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"scenario.mjs failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_js_sdk_scenario(endpoint: str, client_env: dict[str, str]) -> None:
    summary = run_scenario(endpoint, client_env)

    assert summary["domain"]["status"] == "Active"
    assert summary["domain"]["name"] == "js-scenario"
    assert summary["domain"]["arn"].startswith("arn:aws:cases:us-east-1:123456789012:domain/")
    assert summary["domain"]["createdTimeIsDate"] is True

    field_ids = summary["fieldIds"]
    # ListFields five at a time: the system fields and the 3 created, over several pages.
    names = summary["listFields"]["names"]
    assert summary["listFields"]["pages"] == -(-len(names) // 5) > 1
    assert len(names) == len(set(names))
    assert {"Order", "Priority", "Notes", "Title", "Status", "Reference number"} <= set(names)

    case_id = summary["caseId"]
    title = "Café ☕ parcel lost"
    assert summary["getCase"]["values"] == {
        "title": title,
        field_ids["Order"]: "A-100",
        field_ids["Priority"]: "high",
    }
    assert summary["updatedCase"] == {
        "title": title,
        field_ids["Order"]: "A-100",
        field_ids["Priority"]: "urgent",
    }

    search = summary["searchCases"]
    all_cases = {case_id, *summary["otherCaseIds"]}
    assert search["pages"] >= 3  # one case per page
    assert sorted(search["caseIds"]) == sorted(all_cases)
    assert search["filtered"] == [{"caseId": case_id, "values": {field_ids["Priority"]: "urgent"}}]

    related = summary["relatedItems"]
    assert related["found"] == [
        {
            "id": related["createdId"],
            "type": "Comment",
            "body": "Customer called again",
            "associationTimeIsDate": True,
        }
    ]

    missing = summary["errors"]["missingCase"]
    assert missing["name"] == "ResourceNotFoundException"
    assert missing["isResourceNotFound"] is True
    assert (missing["status"], missing["fault"]) == (404, "client")
    assert (missing["resourceId"], missing["resourceType"]) == ("missing-case", "Case")
    assert missing["requestId"] is True

    too_long = summary["errors"]["nameTooLong"]
    assert too_long["name"] == "ValidationException"
    assert too_long["isValidation"] is True
    assert too_long["status"] == 400
    assert "Member must have length less than or equal to 100" in too_long["message"]

    # The server kept what the SDK wrote: a boto3 client of the same server reads it back.
    client = boto3.client(
        "connectcases",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDBOTO3",
        aws_secret_access_key="secret",
    )
    (domain,) = client.list_domains()["domains"]
    case = client.get_case(
        domainId=domain["domainId"], caseId=case_id, fields=[{"id": field_ids["Priority"]}]
    )
    assert case["fields"] == [{"id": field_ids["Priority"], "value": {"stringValue": "urgent"}}]
