"""Seeding and snapshots at scale.

Run with ``python -m benchmarks.seeding`` (``--quick`` for a short run, ``--json`` for
machine-readable output, ``--cases N`` to change the bulk size).

* **Bulk seeding.** ``create_cases`` of ``--cases`` (default 100,000) cases in one domain
  with a template requiring a single-select field and five values per case (title,
  status, two custom fields, a DateTime), after ``seed_domain``. Each case goes through
  the model validation and the CreateCase handler, with its audit event, reference
  number and case index entries; no call log, no case events. Also: the same cases
  through a boto3 client, for comparison (on a sample).
* **Snapshots.** For 1,000 and 10,000 cases: ``snapshot()``; ``restore()`` of the
  document ``snapshot()`` returned (the seed-once, restore-per-test path); ``restore()``
  of the same document after a JSON round trip (what ``load()`` reads); ``save()`` size.
  Each figure is the median of ``--repeats`` runs.
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
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from casemock import CasesMock, mock_cases
from casemock.seeding import SeededDomain, create_cases, seed_domain

START = datetime(2024, 1, 1, tzinfo=timezone.utc)


def seed(mock: CasesMock) -> SeededDomain:
    return seed_domain(
        mock,
        "benchmark",
        fields=[
            {"name": "Priority", "type": "SingleSelect", "options": ["low", "medium", "high"]},
            {"name": "Amount", "type": "Number"},
            {"name": "Due", "type": "DateTime"},
        ],
        layout=True,
        template={"name": "Default", "required": ["Priority"]},
    )


def template_of(domain: SeededDomain) -> str:
    assert domain.template_id is not None
    return domain.template_id


def rows(count: int) -> list[dict[str, Any]]:
    priorities = ("low", "medium", "high")
    return [
        {
            "title": f"Case {index}",
            "status": "open" if index % 4 else "closed",
            "Priority": priorities[index % 3],
            "Amount": index % 1000,
            "Due": START + timedelta(minutes=index),
        }
        for index in range(count)
    ]


def fill(mock: CasesMock, count: int) -> SeededDomain:
    domain = seed(mock)
    create_cases(mock, domain.domain_id, template_of(domain), rows(count))
    return domain


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


@dataclass
class BulkResult:
    cases: int
    seconds: float
    us_per_case: float
    boto3_us_per_case: float  # the same CreateCase through a boto3 client


def measure_bulk(count: int, sample: int) -> BulkResult:
    with mock_cases() as mock:
        domain = seed(mock)
        template_id = template_of(domain)
        data = rows(count)
        seconds = timed(lambda: create_cases(mock, domain.domain_id, template_id, data))
        assert len(mock.backend().domains[domain.domain_id].cases) == count
    with mock_cases() as mock:
        domain = seed(mock)
        client = mock.client()
        fields = [
            [{"id": domain.field_id(key), "value": _wire(value)} for key, value in row.items()]
            for row in rows(sample)
        ]
        template_id = template_of(domain)

        def through_boto3() -> None:
            for values in fields:
                client.create_case(
                    domainId=domain.domain_id,
                    templateId=template_id,
                    fields=values,  # type: ignore[arg-type]
                )

        boto3_seconds = timed(through_boto3)
    return BulkResult(count, seconds, seconds / count * 1e6, boto3_seconds / sample * 1e6)


def _wire(value: Any) -> dict[str, Any]:
    from casemock.seeding import wire_value

    return wire_value(value, None)


@dataclass
class SnapshotResult:
    cases: int
    snapshot_ms: float
    restore_ms: float  # the document snapshot() returned
    restore_from_json_ms: float  # the same document read back from JSON
    file_mb: float


def measure_snapshot(count: int, repeats: int) -> SnapshotResult:
    with mock_cases() as mock:
        fill(mock, count)
        snapshots, restores, from_json = [], [], []
        for _ in range(repeats):
            snapshots.append(timed(mock.snapshot))
        doc = mock.snapshot()
        plain = json.loads(json.dumps(doc))
        mock.restore(doc)  # warm-up
        for _ in range(repeats):
            restores.append(timed(lambda: mock.restore(doc)))
            from_json.append(timed(lambda: mock.restore(plain)))
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "state.json"
            mock.save(path)
            size = path.stat().st_size / 1e6
    return SnapshotResult(
        count,
        statistics.median(snapshots) * 1e3,
        statistics.median(restores) * 1e3,
        statistics.median(from_json) * 1e3,
        size,
    )


def report(bulk: BulkResult, snapshots: list[SnapshotResult]) -> str:
    lines = [
        f"create_cases: {bulk.cases:,} cases in {bulk.seconds:.2f} s "
        f"({bulk.us_per_case:.0f} us per case; through boto3: {bulk.boto3_us_per_case:.0f} us)",
        "",
        f"{'cases':>8} {'snapshot':>10} {'restore':>10} {'from JSON':>10} {'file':>9}",
    ]
    for result in snapshots:
        lines.append(
            f"{result.cases:>8,} {result.snapshot_ms:>8.1f}ms {result.restore_ms:>8.1f}ms "
            f"{result.restore_from_json_ms:>8.1f}ms {result.file_mb:>7.1f}MB"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000, help="cases seeded in bulk")
    parser.add_argument("--repeats", type=int, default=5, help="runs per snapshot figure")
    parser.add_argument("--quick", action="store_true", help="a short run (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    sizes = (1_000, 10_000)
    sample = 2_000
    if options.quick:
        options.cases, options.repeats, sizes, sample = 2_000, 1, (100, 1_000), 200
    bulk = measure_bulk(options.cases, sample)
    snapshots = [measure_snapshot(size, options.repeats) for size in sizes]
    if options.json:
        print(json.dumps({"bulk": asdict(bulk), "snapshots": [asdict(s) for s in snapshots]}))
    else:
        print(report(bulk, snapshots))
    return 0


if __name__ == "__main__":
    sys.exit(main())
