"""Loading a snapshot file, and refusing a damaged one, at scale.

Run with ``python -m benchmarks.snapshot_files`` (``--cases N``, default 100,000;
``--quick`` for a smoke run; ``--json``).

The cases are those of ``benchmarks.seeding`` (five values and an audit event each).
The file is written once with ``save()``; then, in one process, medians of
``--repeats`` runs of:

* ``load()`` of the good file (read, JSON parse, codec, checks, index build, swap);
* ``load()`` of the same file damaged in its last case (an audit timestamp that does
  not parse): the place a refusal has to search longest for. Refused with
  ``SnapshotFormatError`` naming the place, state unchanged;
* ``save()`` of the state (atomic: temporary file, fsync, rename).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.seeding import fill
from casemock import SnapshotFormatError, mock_cases


@dataclass
class FileResult:
    cases: int
    file_mb: float
    save_s: float
    load_s: float
    refuse_damaged_s: float


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def damage_last_case(path: Path, target: Path) -> str:
    doc = json.loads(path.read_text())
    (domains,) = [region["domains"] for region in doc["regions"].values()]
    domain = next(iter(domains.values()))
    case_id = list(domain["cases"])[-1]
    domain["cases"][case_id]["audit"][0]["performed_time"] = "yesterday"
    target.write_text(json.dumps(doc, separators=(",", ":")))
    return f"cases.{case_id}.audit.0.performed_time"


def refuse(mock: object, path: Path, where: str) -> None:
    try:
        mock.load(path)  # type: ignore[attr-defined]
    except SnapshotFormatError as error:
        assert where in str(error), error
    else:
        raise AssertionError("the damaged file loaded")


def measure(count: int, repeats: int) -> FileResult:
    with tempfile.TemporaryDirectory() as directory:
        good = Path(directory) / "state.json"
        damaged = Path(directory) / "damaged.json"
        with mock_cases() as mock:
            fill(mock, count)
            saves = [timed(lambda: mock.save(good)) for _ in range(repeats)]
        where = damage_last_case(good, damaged)
        with mock_cases() as mock:
            loads, refusals = [], []
            for _ in range(repeats):
                mock.restore({**mock.snapshot(), "regions": {}})  # empty between runs
                loads.append(timed(lambda: mock.load(good)))
                refusals.append(timed(lambda: refuse(mock, damaged, where)))
            assert len(next(iter(mock.backend().domains.values())).cases) == count
        return FileResult(
            count,
            good.stat().st_size / 1e6,
            statistics.median(saves),
            statistics.median(loads),
            statistics.median(refusals),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a short run (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    if options.quick:
        options.cases, options.repeats = 1_000, 1
    result = measure(options.cases, options.repeats)
    if options.json:
        print(json.dumps(asdict(result)))
    else:
        print(
            f"{result.cases:,} cases, {result.file_mb:.0f} MB JSON: save {result.save_s:.2f} s, "
            f"load {result.load_s:.2f} s, refusing the damaged file {result.refuse_damaged_s:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
