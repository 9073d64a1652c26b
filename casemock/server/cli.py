"""The command line: ``casemock-server`` and ``python -m casemock.server``.

Every option has an environment variable (``--max-body`` -> ``CASEMOCK_MAX_BODY``); the
command line wins. The behaviour settings (``casemock.Settings``) come as one flag per
field, derived from the dataclass (``--domains 10``, ``--require-customer-id``; a field
added to ``Settings`` gets its flag and variable without a change here), and as one
``--settings JSON`` object; later wins, the command line after the environment.

The start-up line ``casemock serving Amazon Connect Cases on http://HOST:PORT`` goes to
standard output, flushed, with the real port (``--port 0`` picks a free one). Whatever
goes wrong before serving (a bad option, a busy port, an unreadable state file) is one
line on standard error and a non-zero exit (2 for usage, 1 otherwise), no traceback.
SIGTERM and SIGINT stop the server gracefully (and save ``--state``).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

from casemock._errors import CasesMockError
from casemock._mock import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, CasesMock
from casemock._settings import REALISM, Settings
from casemock.server.app import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_BODY,
    DEFAULT_THREADS,
    App,
)
from casemock.server.settings_flags import (
    SettingsJson,
    SettingSwitch,
    SettingValue,
    UsageError,
    setting_options,
)

PROG = "casemock-server"
ENV_PREFIX = "CASEMOCK_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


# -- the parser -------------------------------------------------------------------------


def _positive(kind: Callable[[str], Any], what: str, minimum: float = 1) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    return convert


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, got {text!r}")
    return port


_SIZE = re.compile(r"^\s*(\d+)\s*(?:([kmg])(?:i?b)?|b)?\s*$", re.IGNORECASE)


def size(text: str) -> int:
    """Bytes: ``1048576``, ``512k``, ``10MiB``, ``1G`` (binary multiples)."""
    found = _SIZE.match(text)
    value = 0
    if found:
        value = int(found.group(1)) * 1024 ** " kmg".index((found.group(2) or " ").lower())
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a size such as 10MiB or 1048576, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description=(
            "Serve a mock Amazon Connect Cases over HTTP. Every option can also be set "
            "with an environment variable (--max-body: CASEMOCK_MAX_BODY); the command "
            "line wins."
        ),
    )
    add = parser.add_argument
    add(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; ::1 for IPv6)"
    )
    add("--port", type=_port, default=5000, help="port (default 5000; 0 picks a free one)")
    add("--account-id", default=DEFAULT_ACCOUNT_ID, help="the AWS account the mock serves")
    add("--region", default=DEFAULT_REGION, help="region of requests that are not signed")
    add("--seed", type=int, default=None, help="seed ids and reference numbers (reproducible)")
    add(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="check every answer against the model's output shapes",
    )
    add(
        "--state",
        metavar="FILE",
        default=None,
        help="load the state from FILE at start (if it exists) and save it there at exit "
        "(gzip when FILE ends in .gz)",
    )
    add(
        "--autosave",
        metavar="SECONDS",
        type=_positive(float, "a positive number of seconds", 0.001),
        default=None,
        help="with --state, also save every SECONDS",
    )
    add(
        "--max-body",
        metavar="SIZE",
        type=size,
        default=DEFAULT_MAX_BODY,
        help="largest request body accepted, e.g. 10MiB (default); larger ones get 413",
    )
    add(
        "--idle-timeout",
        metavar="SECONDS",
        type=_positive(int, "a whole number of seconds"),
        default=DEFAULT_IDLE_TIMEOUT,
        help="close a connection idle this long, half-sent requests included",
    )
    add(
        "--threads",
        type=_positive(int, "a whole number of threads"),
        default=DEFAULT_THREADS,
        help=f"worker threads answering requests (default {DEFAULT_THREADS})",
    )
    add(
        "--log",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="print one line per request: time, operation, status, duration",
    )
    group = parser.add_argument_group(
        "behaviour settings (casemock.Settings; see docs/behaviour.md)"
    )
    group.add_argument(
        "--realism",
        choices=sorted(REALISM),
        default=None,
        help="turn on the production behaviours of a preset (docs/realism.md: asynchronous "
        "merges, external resources, request rates, search lag); the settings flags "
        "given too win",
    )
    group.add_argument(
        "--settings",
        metavar="JSON",
        action=SettingsJson,
        help="settings as one JSON object, e.g. '{\"domains\": 10}'",
    )
    taken = {action for item in parser._actions for action in item.option_strings}
    for option in setting_options(taken):
        default = getattr(Settings(), option.name)
        if option.kind is bool:
            group.add_argument(
                option.flag,
                dest=f"setting:{option.name}",
                action=SettingSwitch,
                default=argparse.SUPPRESS,
                help=f"(default {default})",
            )
        else:
            group.add_argument(
                option.flag,
                dest=f"setting:{option.name}",
                action=SettingValue,
                type=option.convert,
                default=argparse.SUPPRESS,
                metavar=option.kind.__name__.upper() + ("|none" if option.optional else ""),
                help=f"(default {default})",
            )
    for action in parser._actions:
        name = _env_name(action)
        if name and action.help:
            action.help += f" [${name}]"
    return parser


def _env_name(action: argparse.Action) -> str | None:
    """The CASEMOCK_* variable of an option (None for --help)."""
    long = [flag for flag in action.option_strings if flag.startswith("--")]
    if not long or action.dest == "help":
        return None
    return ENV_PREFIX + long[0][2:].replace("-", "_").upper()


def _env_arguments(parser: argparse.ArgumentParser, environ: Mapping[str, str]) -> list[str]:
    """The command-line arguments the CASEMOCK_* variables stand for, each checked."""
    arguments: list[str] = []
    for action in parser._actions:
        name = _env_name(action)
        if name is None or name not in environ:
            continue
        flag = next(flag for flag in action.option_strings if flag.startswith("--"))
        value = environ[name]
        if isinstance(action, argparse.BooleanOptionalAction):
            if value.strip().lower() in _TRUE:
                pair = [flag]
            elif value.strip().lower() in _FALSE:
                pair = ["--no-" + flag[2:]]
            else:
                raise UsageError(f"{name}={value!r}: expected 1 or 0 (true/false, yes/no, on/off)")
        else:
            pair = [flag, value]
        try:
            parser.parse_args(pair)
        except UsageError as failure:
            raise UsageError(f"environment variable {name}: {failure}") from None
        arguments += pair
    return arguments


@dataclasses.dataclass(frozen=True)
class Options:
    host: str
    port: int
    account_id: str
    region: str
    seed: int | None
    strict: bool | None
    state: str | None
    autosave: float | None
    max_body: int
    idle_timeout: int
    threads: int
    log: bool
    settings: Settings


def parse(argv: Sequence[str], environ: Mapping[str, str]) -> Options:
    parser = build_parser()
    namespace = parser.parse_args([*_env_arguments(parser, environ), *argv])
    updates = dict(getattr(namespace, "settings_updates", None) or [])
    if namespace.autosave is not None and namespace.state is None:
        raise UsageError("--autosave needs --state FILE (where to save)")
    return Options(
        host=namespace.host,
        port=namespace.port,
        account_id=namespace.account_id,
        region=namespace.region,
        seed=namespace.seed,
        strict=namespace.strict,
        state=namespace.state,
        autosave=namespace.autosave,
        max_body=namespace.max_body,
        idle_timeout=namespace.idle_timeout,
        threads=namespace.threads,
        log=namespace.log,
        settings=dataclasses.replace(Settings().with_realism(namespace.realism), **updates),
    )


# -- running ----------------------------------------------------------------------------


def _fail(message: str, status: int = 1) -> int:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    sys.stderr.flush()
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server until SIGTERM or SIGINT; the exit status."""
    try:
        options = parse(sys.argv[1:] if argv is None else argv, os.environ)
    except UsageError as failure:
        return _fail(f"{failure} (see {PROG} --help)", 2)
    try:
        from casemock.server.persistence import StateFile
        from casemock.server.runner import Server

        mock = CasesMock(
            account_id=options.account_id,
            region=options.region,
            settings=options.settings,
            strict=options.strict,
            seed=options.seed,
        )
        state_file = None
        if options.state is not None:
            state_file = StateFile(options.state, autosave=options.autosave)
        app = App(mock, log=sys.stdout if options.log else None, max_body=options.max_body)
        server = Server(
            app,
            options.host,
            options.port,
            threads=options.threads,
            idle_timeout=options.idle_timeout,
            state_file=state_file,
        )
    except CasesMockError as failure:
        return _fail(str(failure))
    except ValueError:  # waitress: the host does not resolve
        return _fail(f"cannot listen on {options.host!r}: not an address of this machine")
    except OSError as failure:
        reason = failure.strerror or str(failure)
        return _fail(f"cannot listen on {options.host} port {options.port}: {reason}")
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: server.request_stop())
    if not server.loopback:
        sys.stderr.write(
            f"casemock: warning: listening on {options.host}, which other machines can "
            "reach; the server has no authentication: anyone who reaches it can read and "
            "change its state.\n"
        )
    if state_file is not None:
        sys.stderr.write(f"casemock: state file {state_file.path}\n")
    sys.stderr.flush()
    print(f"casemock serving Amazon Connect Cases on {server.url}", flush=True)
    try:
        server.serve_forever()
    except (OSError, CasesMockError) as failure:
        return _fail(f"stopping failed: {failure}")
    return 0
