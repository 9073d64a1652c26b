"""Per-call cost in CPU instructions: casemock against the botocore floor.

Wall-clock ratios on a shared virtual machine move by 0.1 or more between runs; counting
instructions with ``valgrind --tool=callgrind`` gives the same figure on every run. Each
operation runs in four child processes under callgrind: floor and casemock, with 0 and
with ``--calls`` calls; the difference divided by ``--calls`` is the cost of one call.
Instruction counts do not see cache misses, so read them next to the wall-clock figures of
``benchmarks.overhead`` and ``benchmarks.cases``.

Run with ``python -m benchmarks.instructions`` (needs valgrind on PATH).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from benchmarks.cases import SCENARIOS as CASE_SCENARIOS
from benchmarks.overhead import SCENARIOS as FOUNDATION_SCENARIOS
from benchmarks.overhead import TARGET_RATIO, Scenario, _capture, make_client

SCENARIOS: dict[str, Scenario] = {s.operation: s for s in FOUNDATION_SCENARIOS + CASE_SCENARIOS}
_COLLECTED = re.compile(r"Collected : (\d+)")


def run_worker(side: str, operation: str, calls: int) -> None:
    """The child process: ``calls`` calls of ``operation`` on one side, after a warm-up."""
    from casemock import Settings, mock_cases

    scenario = SCENARIOS[operation]
    mocked, floor = make_client(), make_client()
    args, canned = _capture(mocked, scenario)
    responder: Callable[..., Any] = canned.responder
    floor.meta.events.register(f"before-send.connectcases.{operation}", responder)
    if side == "floor":
        for _ in range(5 + calls):
            scenario.call(floor, args)
        return
    with mock_cases(settings=Settings(domains=10)):
        mocked_args = scenario.setup(mocked)
        for _ in range(5 + calls):
            scenario.call(mocked, mocked_args)


def _count(side: str, operation: str, calls: int) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "benchmarks.instructions",
        "--worker",
        side,
        operation,
        str(calls),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_call(side: str, operation: str, calls: int) -> float:
    return (_count(side, operation, calls) - _count(side, operation, 0)) / calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Per-call instructions vs the botocore floor.")
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--operations", nargs="+", default=list(SCENARIOS))
    parser.add_argument("--worker", nargs=3, metavar=("SIDE", "OPERATION", "CALLS"))
    options = parser.parse_args(argv)
    if options.worker:
        side, operation, calls = options.worker
        run_worker(side, operation, int(calls))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed; nothing measured")
        return 1
    print(f"{'operation':<14}{'casemock':>14}{'floor':>14}{'ratio':>8}  target")
    for operation in options.operations:
        mock = per_call("mock", operation, options.calls)
        floor = per_call("floor", operation, options.calls)
        ratio = mock / floor
        verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
        print(
            f"{operation:<14}{mock / 1e6:>12.2f}M{floor / 1e6:>12.2f}M{ratio:>7.2f}x"
            f"  <= {TARGET_RATIO}x {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
