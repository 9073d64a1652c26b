"""casemock's overhead against the botocore floor.

Run with ``python -m benchmarks.overhead`` (``--quick`` for a short run, ``--json`` for
machine-readable output, ``--check`` to exit non-zero when a target is missed).

* **Per call.** The floor is the same boto3 connectcases client doing the same call, with a
  ``before-send`` handler that returns a canned ``AWSResponse`` carrying the body casemock
  produced: all of botocore's own work (parameter validation, serialisation, endpoint
  resolution, signing, hooks, retry handler, parsing) and no mock logic. Floor and casemock
  rounds of ``--calls`` calls alternate in one process. Reported: the ratio of the median
  rounds, and the median of the ratios of adjacent rounds ("paired", robust to load that
  changes during the run), which is the figure held against the target.
* **Import.** ``import casemock`` after ``import boto3``, in fresh interpreters.
* **Enter/leave.** ``start()`` + ``stop()`` of a mock, empty and after a call (the stop then
  also unregisters casemock's handler from the client that called).
* **First call.** The first connectcases call in a fresh interpreter, casemock and floor.

Targets (DESIGN.md): per call within 1.15x of the floor, enter/leave < 0.5 ms, import
< 50 ms, first call < 30 ms.

Times are CPU time of the measuring process (``time.process_time``), so other load on the
machine (a test run next door) does not count as casemock's cost.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.endpoint import Endpoint

from casemock import Settings, mock_cases

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

REGION = "us-east-1"
TARGET_RATIO = 1.15
TARGET_ENTER_LEAVE_MS = 0.5
TARGET_IMPORT_MS = 50.0
TARGET_FIRST_CALL_MS = 30.0
_ORIGINAL_SEND_REQUEST = Endpoint.__dict__["_send_request"]


def make_client() -> ConnectCasesClient:
    client: ConnectCasesClient = boto3.client(
        "connectcases",
        region_name=REGION,
        aws_access_key_id="AKIDBENCHMARK",
        aws_secret_access_key="benchmark-secret",
    )
    return client


class _Raw(io.BytesIO):
    """The raw body of a canned response, streamed as urllib3 would."""

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self.read()


@dataclass
class Canned:
    status: int
    headers: dict[str, str]
    body: bytes

    def responder(self, request: Any, **kwargs: Any) -> AWSResponse:
        headers = HTTPHeaders()
        for key, value in self.headers.items():
            headers[key] = value
        return AWSResponse(request.url, self.status, headers, _Raw(self.body))


@dataclass
class Scenario:
    """One operation: how to prepare the mock's state and the call to time."""

    operation: str
    setup: Callable[[ConnectCasesClient], dict[str, Any]]
    call: Callable[[ConnectCasesClient, dict[str, Any]], object]


def _setup_get_domain(client: ConnectCasesClient) -> dict[str, Any]:
    return {"domainId": client.create_domain(name="benchmark")["domainId"]}


def _setup_list_domains(client: ConnectCasesClient) -> dict[str, Any]:
    for index in range(5):
        client.create_domain(name=f"benchmark-{index}")
    return {}


SCENARIOS = [
    Scenario(
        "GetDomain",
        _setup_get_domain,
        lambda client, args: client.get_domain(domainId=args["domainId"]),
    ),
    Scenario(
        "ListDomains",
        _setup_list_domains,
        lambda client, args: client.list_domains(maxResults=10),
    ),
]


@dataclass
class CallResult:
    operation: str
    casemock_us: float
    floor_us: float
    ratio: float  # median casemock round / median floor round
    paired_ratio: float  # median of (casemock round / the floor round next to it)
    rounds: int
    calls_per_round: int


def _capture(client: ConnectCasesClient, scenario: Scenario) -> tuple[dict[str, Any], Canned]:
    """Run the scenario once under casemock; return its arguments and casemock's answer."""
    captured: list[Canned] = []

    def after_call(http_response: Any, **kwargs: Any) -> None:
        captured.append(
            Canned(http_response.status_code, dict(http_response.headers), http_response.content)
        )

    event = f"after-call.connectcases.{scenario.operation}"
    client.meta.events.register(event, after_call)
    try:
        with mock_cases(settings=Settings(domains=10)):
            args = scenario.setup(client)
            scenario.call(client, args)
    finally:
        client.meta.events.unregister(event, after_call)
    return args, captured[-1]


def _time_calls(
    client: ConnectCasesClient, scenario: Scenario, args: dict[str, Any], n: int
) -> float:
    call = scenario.call
    scenario.call(client, args)  # warm: the first call of an activation registers the handler
    # The setup's objects are collected now, on both sides, so that a full collection they
    # make due is not billed to the calls; what the calls themselves keep alive still is.
    gc.collect()
    start = time.process_time()
    for _ in range(n):
        call(client, args)
    return (time.process_time() - start) / n


def measure_calls(scenario: Scenario, rounds: int, calls: int) -> CallResult:
    mocked = make_client()
    floor = make_client()
    args, canned = _capture(mocked, scenario)
    responder: Callable[..., Any] = canned.responder
    floor.meta.events.register(f"before-send.connectcases.{scenario.operation}", responder)
    casemock_times: list[float] = []
    floor_times: list[float] = []

    def casemock_round() -> None:
        with mock_cases(settings=Settings(domains=10)):
            round_args = scenario.setup(mocked)
            casemock_times.append(_time_calls(mocked, scenario, round_args, calls))

    def floor_round() -> None:
        floor_times.append(_time_calls(floor, scenario, args, calls))

    for index in range(rounds):
        order = (floor_round, casemock_round) if index % 2 else (casemock_round, floor_round)
        for run in order:
            run()
    if Endpoint.__dict__["_send_request"] is not _ORIGINAL_SEND_REQUEST:
        raise AssertionError("botocore is still patched after the last mock left")
    cm, fl = statistics.median(casemock_times), statistics.median(floor_times)
    paired = statistics.median(c / f for c, f in zip(casemock_times, floor_times, strict=True))
    return CallResult(scenario.operation, cm * 1e6, fl * 1e6, cm / fl, paired, rounds, calls)


@dataclass
class EnterLeaveResult:
    empty_ms: float
    after_call_ms: float


def measure_enter_leave(repeats: int) -> EnterLeaveResult:
    mock = mock_cases()
    client = make_client()
    for _ in range(20):  # warm the model caches and the first-call registration
        with mock:
            client.list_domains()
    empty: list[float] = []
    for _ in range(repeats):
        start = time.process_time()
        mock.start()
        mock.stop()
        empty.append(time.process_time() - start)
    after_call: list[float] = []
    for _ in range(repeats):
        t0 = time.process_time()
        mock.start()
        t1 = time.process_time()
        client.list_domains()
        t2 = time.process_time()
        mock.stop()
        t3 = time.process_time()
        after_call.append((t1 - t0) + (t3 - t2))
    return EnterLeaveResult(statistics.median(empty) * 1e3, statistics.median(after_call) * 1e3)


_IMPORT_PROBE = """
import json, time
t0 = time.process_time()
import boto3
t1 = time.process_time()
import casemock
t2 = time.process_time()
print(json.dumps([t1 - t0, t2 - t1]))
"""

_FIRST_CALL_PROBE = """
import json, sys, time, io
import boto3
from botocore.awsrequest import AWSResponse
import casemock
client = boto3.client("connectcases", region_name="us-east-1",
                      aws_access_key_id="AKIDBENCHMARK", aws_secret_access_key="x")
if sys.argv[1] == "floor":
    class Raw(io.BytesIO):
        def stream(self, **kwargs):
            yield self.read()
    body = b'{"domains":[]}'
    client.meta.events.register(
        "before-send.connectcases",
        lambda request, **kw: AWSResponse(request.url, 200, {}, Raw(body)),
    )
    t0 = time.process_time()
    client.list_domains()
    t1 = time.process_time()
    started = t0
else:
    started = time.process_time()
    mock = casemock.mock_cases().start()
    t0 = time.process_time()
    client.list_domains()
    t1 = time.process_time()
    mock.stop()
print(json.dumps([t1 - t0, t0 - started]))
"""


def _probe(code: str, *args: str) -> Any:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


@dataclass
class StartupResult:
    import_boto3_ms: float
    import_casemock_ms: float
    first_start_ms: float
    first_call_casemock_ms: float
    first_call_floor_ms: float


def measure_startup(repeats: int) -> StartupResult:
    imports = [_probe(_IMPORT_PROBE) for _ in range(repeats)]
    casemock_first = [_probe(_FIRST_CALL_PROBE, "casemock") for _ in range(repeats)]
    floor_first = [_probe(_FIRST_CALL_PROBE, "floor") for _ in range(repeats)]
    return StartupResult(
        statistics.median(i[0] for i in imports) * 1e3,
        statistics.median(i[1] for i in imports) * 1e3,
        statistics.median(c[1] for c in casemock_first) * 1e3,
        statistics.median(c[0] for c in casemock_first) * 1e3,
        statistics.median(f[0] for f in floor_first) * 1e3,
    )


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(
    calls: list[CallResult], enter_leave: EnterLeaveResult, startup: StartupResult
) -> tuple[str, bool]:
    lines = ["casemock overhead (medians)", ""]
    ok = True
    lines.append(f"{'operation':<14}{'casemock':>12}{'floor':>12}{'ratio':>8}{'paired':>8}  target")
    for result in calls:
        passed = result.paired_ratio <= TARGET_RATIO
        ok &= passed
        lines.append(
            f"{result.operation:<14}{result.casemock_us:>10.1f}us{result.floor_us:>10.1f}us"
            f"{result.ratio:>7.2f}x{result.paired_ratio:>7.2f}x  <= {TARGET_RATIO}x "
            f"{_verdict(passed)}"
        )
    lines.append("")
    for label, value in (
        ("enter+leave, empty", enter_leave.empty_ms),
        ("enter+leave, after a call", enter_leave.after_call_ms),
    ):
        passed = value < TARGET_ENTER_LEAVE_MS
        ok &= passed
        lines.append(
            f"{label:<28}{value:>8.3f} ms  < {TARGET_ENTER_LEAVE_MS} ms {_verdict(passed)}"
        )
    passed = startup.import_casemock_ms < TARGET_IMPORT_MS
    ok &= passed
    lines.append(
        f"{'import casemock after boto3':<28}{startup.import_casemock_ms:>8.1f} ms  "
        f"< {TARGET_IMPORT_MS:.0f} ms {_verdict(passed)}  (import boto3: "
        f"{startup.import_boto3_ms:.1f} ms)"
    )
    lines.append(
        f"{'first start() in a process':<28}{startup.first_start_ms:>8.1f} ms  "
        "(imports wrapt and the transport, installs the patch)"
    )
    passed = startup.first_call_casemock_ms < TARGET_FIRST_CALL_MS
    ok &= passed
    lines.append(
        f"{'first call, casemock':<28}{startup.first_call_casemock_ms:>8.1f} ms  "
        f"< {TARGET_FIRST_CALL_MS:.0f} ms {_verdict(passed)}  (floor's first call: "
        f"{startup.first_call_floor_ms:.1f} ms)"
    )
    lines.append("")
    lines.append(
        "No mock active: botocore's Endpoint._send_request is the original function "
        "again after every mock left (checked), so calls pay nothing."
    )
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=41, help="rounds per scenario")
    parser.add_argument("--calls", type=int, default=100, help="calls per round")
    parser.add_argument("--repeats", type=int, default=7, help="fresh interpreters per probe")
    parser.add_argument("--quick", action="store_true", help="a short run (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    options = parser.parse_args(argv)
    if options.quick:
        options.rounds, options.calls, options.repeats = 3, 20, 1
    calls = [measure_calls(s, options.rounds, options.calls) for s in SCENARIOS]
    enter_leave = measure_enter_leave(max(options.calls, 50))
    startup = measure_startup(options.repeats)
    text, ok = report(calls, enter_leave, startup)
    if options.json:
        print(
            json.dumps(
                {
                    "calls": [asdict(c) for c in calls],
                    "enter_leave": asdict(enter_leave),
                    "startup": asdict(startup),
                    "targets_met": ok,
                },
                indent=2,
            )
        )
    else:
        print(text)
    return 1 if options.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
