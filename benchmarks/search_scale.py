"""SearchCases at scale: per-call time with 100, 10,000 and 100,000 cases in a domain.

Run with ``python -m benchmarks.search_scale`` (``--quick`` for a short run, ``--json`` for
machine-readable output, ``--check`` to exit non-zero when the target is missed).

The domain, its fields and its template are created through boto3; the cases are seeded
directly into the backend (the ``Case`` records CreateCase stores, indexed with the
domain's ``CaseIndex``), so seeding 100,000 cases takes seconds. Each case holds the
system fields CreateCase writes plus ``account`` (Text, 50 cases per value at every
size), ``amount`` (Number, 0-999) and a title drawn from 20 phrases, one in ten of them
mentioning a printer.

Queries, each a page of 25 sorted by ``created_datetime`` Desc, through a boto3 client:

* ``equalTo``: ``account`` equal to one value (50 matches at every size; an index lookup);
* ``andAll``: ``title`` contains ``printer`` and ``amount`` >= 500 (about 5% of the cases;
  one pass over the cases with compiled predicates);
* ``searchTerm``: ``printer`` (about 10% of the cases; one pass over the prepared texts).

All domains live in one mock and the queries are timed in interleaved rounds (in a
shuffled order, seeded), in CPU time of the process. Reported: the median per-call time,
its ratio to the 100-case domain, and memory per case (``tracemalloc`` over the first
10,000 cases: the stored records, and the search index).
Target (DESIGN.md): the ``equalTo`` search at 100,000 cases within 2x of the 100-case one.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time
import tracemalloc
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import boto3

from casemock import mock_cases
from casemock._timestamps import format_timestamp
from casemock.backend._records import Case, Domain
from casemock.backend.search.index import index_for

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

REGION = "us-east-1"
SIZES = (100, 10_000, 100_000)
PAGE = 25
CASES_PER_ACCOUNT = 50
TARGET_RATIO = 2.0
TRACED = 10_000  # cases whose memory is traced
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
PHRASES = [
    "Broken printer in the office" if n % 10 == 0 else f"Shipping question number {n}"
    for n in range(20)
]


@dataclass
class Result:
    cases: int
    query: str
    ms_per_call: float
    ratio: float = 1.0
    matches: int = 0


@dataclass
class Memory:
    cases: int
    store_bytes_per_case: float
    index_bytes_per_case: float
    seed_seconds: float


def make_client() -> ConnectCasesClient:
    client: ConnectCasesClient = boto3.client(
        "connectcases",
        region_name=REGION,
        aws_access_key_id="AKIDBENCHMARK",
        aws_secret_access_key="benchmark-secret",
    )
    return client


def build_cases(
    domain: Domain, template_id: str, fields: dict[str, str], count: int, numbers: range
) -> list[Case]:
    """The records CreateCase would store for cases ``numbers`` of a ``count``-case domain."""
    accounts = max(1, count // CASES_PER_ACCOUNT)
    made = []
    for number in numbers:
        case_id = f"{number:08d}-0000-4000-8000-000000000000"
        moment = format_timestamp(START + timedelta(seconds=number))
        values: dict[str, dict[str, Any]] = {
            "title": {"stringValue": PHRASES[number % len(PHRASES)]},
            "status": {"stringValue": "open" if number % 3 else "closed"},
            fields["account"]: {"stringValue": f"acct-{number % accounts}"},
            fields["amount"]: {"doubleValue": float(number * 7919 % 1000)},
            "case_id": {"stringValue": case_id},
            "reference_number": {"stringValue": f"R{number:08d}"},
            "created_datetime": {"stringValue": moment},
            "last_updated_datetime": {"stringValue": moment},
        }
        made.append(
            Case(
                seq=number,
                case_id=case_id,
                arn=f"{domain.arn}/case/{case_id}",
                template_id=template_id,
                values=values,
                tags={"team": "red" if number % 2 else "blue"},
            )
        )
    return made


def seed(domain: Domain, cases: list[Case]) -> None:
    for case in cases:
        domain.cases[case.case_id] = case
        domain.reference_numbers[case.values["reference_number"]["stringValue"]] = case.case_id


def index(domain: Domain, cases: list[Case]) -> None:
    for case in cases:
        domain.case_index.add(case)
    index_for(domain)  # the index is built, or brought up to date, lazily by a search


def queries(fields: dict[str, str]) -> dict[str, dict[str, Any]]:
    newest_first = {"sorts": [{"fieldId": "created_datetime", "sortOrder": "Desc"}]}
    return {
        "equalTo": {
            "filter": {
                "field": {"equalTo": {"id": fields["account"], "value": {"stringValue": "acct-1"}}}
            },
            **newest_first,
        },
        "andAll": {
            "filter": {
                "andAll": [
                    {"field": {"contains": {"id": "title", "value": {"stringValue": "printer"}}}},
                    {
                        "field": {
                            "greaterThanOrEqualTo": {
                                "id": fields["amount"],
                                "value": {"doubleValue": 500},
                            }
                        }
                    },
                ]
            },
            **newest_first,
        },
        "searchTerm": {"searchTerm": "printer", **newest_first},
    }


def time_calls(client: ConnectCasesClient, request: dict[str, Any], calls: int) -> float:
    """CPU seconds per call over ``calls`` back-to-back calls (the process's CPU time, so
    other work on the machine does not count)."""
    started = time.process_time()
    for _ in range(calls):
        client.search_cases(**request)
    return (time.process_time() - started) / calls


def seed_domain(
    client: ConnectCasesClient, domain: Domain, count: int
) -> tuple[dict[str, str], Memory]:
    """Fields and template through boto3, ``count`` cases straight into the backend.

    Memory is traced while the first ``TRACED`` cases are stored and indexed (tracing
    slows allocation several times over; the cost per case does not depend on the count).
    """
    domain_id = domain.domain_id
    fields = {
        "account": client.create_field(domainId=domain_id, name="account", type="Text")["fieldId"],
        "amount": client.create_field(domainId=domain_id, name="amount", type="Number")["fieldId"],
    }
    template_id = client.create_template(domainId=domain_id, name="t")["templateId"]
    sample = min(count, TRACED)
    gc.collect()
    started = time.perf_counter()
    tracemalloc.start()
    traced = build_cases(domain, template_id, fields, count, range(sample))
    seed(domain, traced)
    stored, _ = tracemalloc.get_traced_memory()
    index(domain, traced)
    total, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rest = build_cases(domain, template_id, fields, count, range(sample, count))
    seed(domain, rest)
    index(domain, rest)
    elapsed = time.perf_counter() - started
    return fields, Memory(count, stored / sample, (total - stored) / sample, elapsed)


def run(sizes: tuple[int, ...], rounds: int, calls: int) -> tuple[list[Result], list[Memory]]:
    """Seed one domain per size in one mock, then time the queries in interleaved rounds
    (every size and query once per round), so drifting machine load affects all alike."""
    memories: list[Memory] = []
    requests: dict[tuple[int, str], dict[str, Any]] = {}
    with mock_cases(region=REGION) as mock:
        client = make_client()
        for count in sizes:
            domain_id = client.create_domain(name=f"scale-{count}")["domainId"]
            domain = mock.region_state(REGION).domains[domain_id]
            fields, memory = seed_domain(client, domain, count)
            memories.append(memory)
            for name, request in queries(fields).items():
                requests[count, name] = {"domainId": domain_id, "maxResults": PAGE, **request}
        matched = {}
        for key, request in requests.items():
            answer = client.search_cases(**request)
            assert len(answer["cases"]) == min(PAGE, answer["totalCount"]), key
            matched[key] = answer["totalCount"]
            time_calls(client, request, 2)  # warm-up
        samples: dict[tuple[int, str], list[float]] = {key: [] for key in requests}
        order = list(requests)
        shuffle = random.Random(5).shuffle
        for _ in range(rounds):
            shuffle(order)  # no query always runs right after the biggest scan
            for key in order:
                samples[key].append(time_calls(client, requests[key], calls))
    results = [
        Result(
            count,
            name,
            statistics.median(samples[count, name]) * 1000,
            matches=matched[count, name],
        )
        for count, name in requests
    ]
    base = {r.query: r.ms_per_call for r in results if r.cases == sizes[0]}
    for result in results:
        result.ratio = result.ms_per_call / base[result.query]
    return results, memories


def target_met(results: list[Result]) -> bool:
    largest = max(r.cases for r in results)
    return all(
        r.ratio <= TARGET_RATIO for r in results if r.query == "equalTo" and r.cases == largest
    )


def report(results: list[Result], memories: list[Memory]) -> str:
    sizes = sorted({r.cases for r in results})
    names = list(dict.fromkeys(r.query for r in results))
    by_key = {(r.cases, r.query): r for r in results}
    lines = ["SearchCases, 25 results sorted by created_datetime (median CPU ms per call)", ""]
    header = f"{'cases':>8}  " + "  ".join(f"{n:>22}" for n in names)
    lines += [header, "-" * len(header)]
    for size in sizes:
        cells = [
            f"{by_key[size, n].ms_per_call:8.2f} ms ({by_key[size, n].ratio:5.2f}x)" for n in names
        ]
        lines.append(f"{size:>8}  " + "  ".join(f"{c:>22}" for c in cells))
    lines += ["", "matches: " + ", ".join(f"{r.query}@{r.cases}={r.matches}" for r in results)]
    lines += ["", f"{'cases':>8}  {'store B/case':>12}  {'index B/case':>12}  {'seed s':>7}"]
    for memory in memories:
        lines.append(
            f"{memory.cases:>8}  {memory.store_bytes_per_case:>12.0f}  "
            f"{memory.index_bytes_per_case:>12.0f}  {memory.seed_seconds:>7.2f}"
        )
    verdict = "met" if target_met(results) else "MISSED"
    lines += [
        "",
        f"target: equalTo at {sizes[-1]} cases within {TARGET_RATIO}x of {sizes[0]}: {verdict}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=15, help="timing rounds")
    parser.add_argument("--calls", type=int, default=5, help="calls per query and round")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="cases per domain"
    )
    parser.add_argument("--quick", action="store_true", help="a short run (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args(argv)
    sizes = (100, 2_000) if args.quick else tuple(args.sizes)
    rounds = 3 if args.quick else args.rounds
    results, memories = run(sizes, rounds, args.calls)
    if args.json:
        print(
            json.dumps(
                {
                    "results": [asdict(r) for r in results],
                    "memory": [asdict(m) for m in memories],
                    "target_met": target_met(results),
                },
                indent=2,
            )
        )
    else:
        print(report(results, memories))
    return 1 if args.check and not target_met(results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
