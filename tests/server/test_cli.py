"""The command line as a subprocess: the start-up line read from a pipe, options from
flags and CASEMOCK_* variables, the settings flags, the request log, one-line errors,
and --state persistence across SIGTERM and restarts."""

from __future__ import annotations

import gzip
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from casemock.server.cli import parse, size
from casemock.server.settings_flags import setting_options
from tests.server.serving import STARTUP, call, client, environment, run_cli, serving


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_start_up_line_names_the_real_port_through_a_pipe() -> None:
    with serving() as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        assert not server.url.endswith(":0")
        assert call(f"{server.url}/_casemock/health").json()["status"] == "ok"
        status, err = server.stop()
    assert status == 0
    assert "Traceback" not in err


def test_ipv6_host_in_brackets() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    with serving("--host", "::1") as server:
        assert server.url.startswith("http://[::1]:")
        client(server.url).create_domain(name="v6")


def test_options_from_the_environment_and_the_command_line_wins() -> None:
    env = environment(CASEMOCK_ACCOUNT_ID="111122223333", CASEMOCK_REGION="eu-west-1")
    with serving("--region", "eu-west-2", env=env) as server:
        reply = call(f"{server.url}/_casemock/health").json()
    assert (reply["account_id"], reply["region"]) == ("111122223333", "eu-west-2")


def test_settings_flags_and_json() -> None:
    with serving("--domains", "1", "--settings", '{"tags_per_resource": 2}') as server:
        cases = client(server.url)
        arn = cases.create_domain(name="only")["domainArn"]
        with pytest.raises(ClientError) as refused:
            cases.create_domain(name="second")
        assert refused.value.response["Error"]["Code"] == "ServiceQuotaExceededException"
        with pytest.raises(ClientError):
            cases.tag_resource(arn=arn, tags={"a": "1", "b": "2", "c": "3"})


def test_settings_precedence() -> None:
    env = {"CASEMOCK_DOMAINS": "3", "CASEMOCK_SETTINGS": '{"domains": 4, "templates": 7}'}
    assert parse([], env).settings.domains == 3  # a field's variable after the JSON one
    assert parse(["--settings", '{"domains": 9}'], env).settings.domains == 9  # CLI wins
    options = parse(["--domains", "8", "--no-enforce-required-rules"], env).settings
    assert (options.domains, options.templates, options.enforce_required_rules) == (8, 7, False)
    assert parse(["--single-line-text-limit", "none"], {}).settings.single_line_text_limit is None
    assert parse([], {"CASEMOCK_REQUIRE_CUSTOMER_ID": "yes"}).settings.require_customer_id


def test_the_realism_preset() -> None:
    from casemock import Settings

    assert parse(["--realism", "aws"], {}).settings == Settings().with_realism("aws")
    assert parse([], {"CASEMOCK_REALISM": "aws"}).settings.rate_limits
    assert parse([], {}).settings == Settings()
    settings = parse(["--realism", "aws", "--no-rate-limits", "--search-delay", "5"], {}).settings
    assert (settings.rate_limits, settings.search_delay) == (False, 5.0)  # the flags win
    assert settings.resolve_external_resources


def test_every_scalar_setting_has_a_flag() -> None:
    import dataclasses

    from casemock import Settings

    flags = {option.name: option.flag for option in setting_options()}
    for field in dataclasses.fields(Settings):
        # Python only; full_signing concerns the in-process patch (a server's clients sign)
        if field.name in ("contact_resolver", "rate_limit_overrides", "full_signing"):
            assert field.name not in flags
        else:
            assert flags[field.name] == "--" + field.name.replace("_", "-")


def test_sizes() -> None:
    assert size("10MiB") == size("10M") == size("10mb") == 10 * 1024 * 1024
    assert (size("512k"), size("1048576"), size("7b")) == (512 * 1024, 1048576, 7)


def test_request_log_prints_one_line_per_request() -> None:
    with serving("--log") as server:
        cases = client(server.url)
        cases.create_domain(name="logged")
        with pytest.raises(ClientError):
            cases.get_domain(domainId="missing")
        first = server.stdout.readline()
        second = server.stdout.readline()
    pattern = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z %s %d \d+\.\d ms\n"
    assert re.fullmatch(pattern % ("CreateDomain", 200), first), first
    assert re.fullmatch(pattern % ("GetDomain", 404), second), second


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--port", "abc"], {}, "argument --port: expected a port number"),
        (["--bogus"], {}, "unrecognized arguments: --bogus"),
        (["--settings", "{"], {}, "--settings is not JSON"),
        (["--settings", '{"nope": 1}'], {}, "unknown setting 'nope'"),
        (["--domains", "many"], {}, "expected a whole number"),
        (["--autosave", "5"], {}, "--autosave needs --state"),
        ([], {"CASEMOCK_PORT": "x"}, "environment variable CASEMOCK_PORT"),
        ([], {"CASEMOCK_LOG": "maybe"}, "CASEMOCK_LOG='maybe'"),
    ],
)
def test_bad_options_are_one_line_errors(
    args: list[str], env: dict[str, str], expected: str
) -> None:
    result = run_cli(*args, env=environment(**env))
    assert result.returncode == 2
    line = one_line_error(result)
    assert line.startswith("casemock-server: error: ")
    assert expected in line


def test_busy_port_is_a_one_line_error() -> None:
    with serving() as server:
        port = server.url.rsplit(":", 1)[1]
        result = run_cli("--port", port)
    assert result.returncode == 1
    assert one_line_error(result) == (
        f"casemock-server: error: cannot listen on 127.0.0.1 port {port}: Address already in use"
    )


def test_unknown_host_is_a_one_line_error() -> None:
    result = run_cli("--host", "no-such-host.invalid", "--port", "0")
    assert result.returncode == 1
    assert "cannot listen on 'no-such-host.invalid'" in one_line_error(result)


def test_unreadable_state_file_is_a_one_line_error(tmp_path: Path) -> None:
    broken = tmp_path / "state.json"
    broken.write_text("{not json")
    result = run_cli("--port", "0", "--state", str(broken))
    assert result.returncode == 1
    assert f"cannot read the state file {broken}" in one_line_error(result)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "casemock-state", "version": 99}))
    result = run_cli("--port", "0", "--state", str(other))
    assert "format version 99" in one_line_error(result)
    result = run_cli("--port", "0", "--state", str(tmp_path / "missing-dir" / "s.json"))
    assert "is not a directory" in one_line_error(result)


def test_non_loopback_address_warns_about_authentication() -> None:
    with serving("--host", "0.0.0.0") as server:
        status, err = server.stop()
    assert status == 0
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert "no authentication" in warnings[0]


def test_loopback_address_does_not_warn() -> None:
    with serving() as server:
        _, err = server.stop()
    assert "warning" not in err


@pytest.mark.parametrize("name", ["state.json", "state.json.gz"])
def test_state_survives_sigterm_and_restart(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with serving("--state", str(path)) as server:
        cases = client(server.url, "eu-west-2")
        domain_id = cases.create_domain(name="persisted")["domainId"]
        status, _ = server.stop()
    assert status == 0
    raw = path.read_bytes()
    document = json.loads(gzip.decompress(raw) if name.endswith(".gz") else raw)
    assert document["format"] == "casemock-state"
    assert list(document["regions"]["eu-west-2"]["domains"]) == [domain_id]
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left
    with serving("--state", str(path)) as again:
        assert client(again.url, "eu-west-2").get_domain(domainId=domain_id)["name"] == "persisted"


def test_sigint_saves_too(tmp_path: Path) -> None:
    import signal

    path = tmp_path / "state.json"
    with serving("--state", str(path)) as server:
        client(server.url).create_domain(name="interrupted")
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=30) == 0
    assert "interrupted" in path.read_text()


def test_autosave_writes_while_running(tmp_path: Path) -> None:
    import time

    path = tmp_path / "state.json"
    with serving("--state", str(path), "--autosave", "0.2") as server:
        client(server.url).create_domain(name="autosaved")
        deadline = time.monotonic() + 10
        while not (path.exists() and "autosaved" in path.read_text()):
            assert time.monotonic() < deadline, "no autosave within 10 seconds"
            time.sleep(0.1)


def test_python_dash_m_and_console_script_are_the_same_command() -> None:
    script = Path(sys.executable).with_name("casemock-server")
    if not script.exists():
        pytest.skip("console script not installed next to this interpreter")
    process = subprocess.Popen(
        [str(script), "--port", "0"], stdout=subprocess.PIPE, text=True, env=environment()
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(STARTUP)
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert process.returncode == 0


def test_help_lists_the_environment_variables() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    assert "[$CASEMOCK_MAX_BODY]" in result.stdout
    assert "[$CASEMOCK_DOMAINS]" in result.stdout
    assert os.linesep in result.stdout


def test_without_waitress_the_error_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['waitress'] = None\n"
        "from casemock.server.cli import main\n"
        "raise SystemExit(main(['--port', '0']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment()
    )
    assert result.returncode == 1
    assert one_line_error(result) == (
        "casemock-server: error: casemock's HTTP server needs waitress: "
        "pip install 'casemock[server]'"
    )
