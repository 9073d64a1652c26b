"""The built wheel, installed alone in a fresh virtual environment, works.

The test suite otherwise runs against the editable checkout, which would hide a module or
data file missing from the wheel (``py.typed``, the license), a broken entry point or a
dependency that only the test extra happens to install. So: build the wheel from a copy of
the project's build inputs, install it with its declared dependencies (plus boto3, at the
versions this environment has) into a new venv that cannot see this one, and run a short
scenario there, from a folder outside the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# What setuptools reads to build the wheel; copied so the build leaves nothing (build/,
# *.egg-info) in the checkout and nothing stale from an earlier build gets in.
BUILD_INPUTS = ["pyproject.toml", "README.md", "LICENSE", "casemock"]

SCENARIO = textwrap.dedent(
    """
    import json
    import sys
    from importlib import metadata, resources
    from pathlib import Path

    import boto3

    import casemock
    from casemock import mock_cases

    venv = Path(sys.prefix).resolve()
    assert Path(casemock.__file__).resolve().is_relative_to(venv), casemock.__file__

    with mock_cases(region="eu-west-2") as mock:
        client = boto3.client("connectcases", region_name="eu-west-2")
        domain_id = client.create_domain(name="wheel")["domainId"]
        field_id = client.create_field(domainId=domain_id, name="Order", type="Text")["fieldId"]
        template_id = client.create_template(
            domainId=domain_id, name="default", requiredFields=[{"fieldId": field_id}]
        )["templateId"]
        case_id = client.create_case(
            domainId=domain_id,
            templateId=template_id,
            fields=[
                {"id": "title", "value": {"stringValue": "Parcel lost"}},
                {"id": field_id, "value": {"stringValue": "A-100"}},
            ],
        )["caseId"]
        case = client.get_case(
            domainId=domain_id, caseId=case_id, fields=[{"id": "title"}, {"id": field_id}]
        )
        values = {f["id"]: f["value"]["stringValue"] for f in case["fields"]}
        assert values == {"title": "Parcel lost", field_id: "A-100"}, values
        try:
            client.create_case(domainId=domain_id, templateId=template_id, fields=[
                {"id": "title", "value": {"stringValue": "no order"}},
            ])
        except client.exceptions.ValidationException:
            pass
        else:
            raise AssertionError("a case without the template's required field was accepted")
        operations = [call.operation for call in mock.calls]

    distribution = metadata.distribution("casemock")
    entry_points = metadata.entry_points()
    print(json.dumps({
        "operations": operations,
        "pytest11": [
            [ep.name, ep.value] for ep in entry_points.select(group="pytest11")
            if ep.dist is not None and ep.dist.name == "casemock"
        ],
        "console_scripts": [
            [ep.name, ep.value] for ep in entry_points.select(group="console_scripts")
            if ep.dist is not None and ep.dist.name == "casemock"
        ],
        "py_typed": resources.files("casemock").joinpath("py.typed").is_file(),
        "license_expression": distribution.metadata["License-Expression"],
        "license_text": (distribution.read_text("licenses/LICENSE") or "")[:200],
        "requires": distribution.requires,
    }))
    """
)


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (
        f"{args} exited {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result.stdout


def _clean_env() -> dict[str, str]:
    """This process's environment without anything pointing Python at this checkout."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}
        and not key.startswith("AWS_")
    }
    env["PYTHONNOUSERSITE"] = "1"
    return env


def test_wheel_installs_and_works_in_a_fresh_venv(tmp_path: Path) -> None:
    env = _clean_env()
    source = tmp_path / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        if (REPO / name).is_dir():
            shutil.copytree(
                REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(REPO / name, source / name)

    wheels = tmp_path / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, source],
        tmp_path,
        env,
    )
    (wheel,) = wheels.glob("casemock-*.whl")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, env)
    python = venv / "bin" / "python"
    # The wheel with its declared dependencies, at this environment's botocore (so each CI
    # venv checks its own end of the supported range); boto3 is what the scenario uses.
    botocore_version = metadata.version("botocore")
    _run(
        [
            python, "-m", "pip", "install", "-q", wheel,
            f"botocore=={botocore_version}", f"boto3=={metadata.version('boto3')}",
        ],
        tmp_path,
        env,
    )  # fmt: skip

    work = tmp_path / "work"  # not the checkout: '' on sys.path must not find casemock/
    work.mkdir()
    script = work / "scenario.py"
    script.write_text(SCENARIO)
    summary = json.loads(_run([python, script], work, env).splitlines()[-1])

    assert summary["operations"] == [
        "CreateDomain",
        "CreateField",
        "CreateTemplate",
        "CreateCase",
        "GetCase",
        "CreateCase",
    ]
    assert summary["pytest11"] == [["casemock", "casemock.plugin"]]
    assert summary["console_scripts"] == [["casemock-server", "casemock.server:main"]]
    assert summary["py_typed"] is True
    assert summary["license_expression"] == "Apache-2.0"
    assert "Apache License" in summary["license_text"]
    assert "Version 2.0, January 2004" in summary["license_text"]
    assert any(req.startswith("botocore") for req in summary["requires"])

    # The console script is installed and runs.
    help_text = _run([venv / "bin" / "casemock-server", "--help"], work, env)
    assert "--port" in help_text
