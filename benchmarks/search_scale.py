"""Search at scale: per-call time of every query shape with 100, 10,000 and 100,000 cases in
a domain, and memory per stored, indexed case.

Run with ``python -m benchmarks.search_scale`` (``--quick`` for a smoke run, ``--json`` for
machine-readable output, ``--check`` to exit non-zero when a target is missed; the full
run takes a couple of minutes).

The domain, its fields and its template are created through boto3; the cases are the
``Case`` records CreateCase stores, put straight into the backend (``Domain.cases``), and
the search index is built from them by ``index_for`` (the factory the first search
calls), so seeding 100,000 cases takes seconds. Each case holds the system fields
CreateCase writes plus ``account`` (Text, 50 cases per value at every size), ``amount``
(Number, 0-999) and a title drawn from 20 phrases, one in ten of them mentioning a
printer, and a ``team`` tag (red or blue). One case in ten has a Contact related item
(two cases per contact) and one in ten a Comment.

Queries, each a page of 25 through a boto3 client, sorted by ``created_datetime`` Desc
unless the shape is a sort; selectivity is the same at every size:

=====================  ============================================================
shape                  query (share of the cases that match)
=====================  ============================================================
equalTo                ``account`` = one value (50 cases)
contains               ``title`` contains ``printer`` (10%)
searchTerm             ``printer`` (10%)
greaterThan            ``amount`` > 900 (10%)
greaterThanOrEqualTo   ``created_datetime`` >= the middle of the range (50%)
lessThan               ``amount`` < 100 (10%)
lessThanOrEqualTo      ``created_datetime`` <= the first fifth (20%)
not                    not ``status`` = closed (67%)
andAll                 ``title`` contains ``printer`` and ``amount`` >= 500 (5%)
orAll                  ``account`` = one value or ``amount`` > 990 (1% + 50 cases)
tag                    tag ``team`` = red (50%)
sort text              every case by ``title`` Asc
sort number            every case by ``amount`` Desc
sort date              every case by ``last_updated_datetime`` (the default order)
searchTerm (2 chars)   ``er`` (90%: shorter than a trigram)
contains (each case)*  ``case_id`` contains ``-4000-`` (every case: a distinct value each)
related one case       SearchRelatedItems of a case with items
related contact        SearchAllRelatedItems for one contact ARN (2 items)
related comments       SearchAllRelatedItems of every comment (10% of the cases)
related by time        SearchAllRelatedItems, every item by association time Asc
cases for contact      ListCasesForContact of one contact (2 cases)
=====================  ============================================================

All domains live in one mock and the queries are timed in interleaved rounds (in a
shuffled order, seeded), in CPU time of the process. Reported: the median per-call time
and its ratio to the 100-case domain. Memory (``tracemalloc``, the whole domain at every
size): the stored cases, then the index built from them and every structure the queries
build, per case; the related items and their index, per item.

Targets (DESIGN.md): every query at the largest size within 3x of the 100-case one, and
at most 3 KB per stored, indexed case. The shape marked * is measured to show where a
search stays linear (a needle found in very many distinct values; see
docs/performance.md) and is not held against the target.
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
from casemock.backend._records import Case, Domain, RelatedItem
from casemock.backend.search.index import index_for

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

REGION = "us-east-1"
SIZES = (100, 10_000, 100_000)
PAGE = 25
CASES_PER_ACCOUNT = 50
TARGET_RATIO = 3.0
TARGET_BYTES = 3 * 1024
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
PHRASES = [
    "Broken printer in the office" if n % 10 == 0 else f"Shipping question number {n}"
    for n in range(20)
]
CONTACT = "arn:aws:connect:us-east-1:123456789012:instance/i-1/contact/c-{}"
SEARCH = "search_cases"


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
    total_bytes_per_case: float
    item_bytes_per_item: float
    seed_seconds: float


def make_client() -> ConnectCasesClient:
    client: ConnectCasesClient = boto3.client(
        "connectcases",
        region_name=REGION,
        aws_access_key_id="AKIDBENCHMARK",
        aws_secret_access_key="benchmark-secret",
    )
    return client


def moment(number: int) -> datetime:
    return START + timedelta(seconds=number)


def build_cases(domain: Domain, template_id: str, fields: dict[str, str], count: int) -> list[Case]:
    """The records CreateCase would store for a ``count``-case domain."""
    accounts = max(1, count // CASES_PER_ACCOUNT)
    made = []
    for number in range(count):
        case_id = f"{number:08d}-0000-4000-8000-000000000000"
        stamp = format_timestamp(moment(number))
        values: dict[str, dict[str, Any]] = {
            "title": {"stringValue": PHRASES[number % len(PHRASES)]},
            "status": {"stringValue": "open" if number % 3 else "closed"},
            fields["account"]: {"stringValue": f"acct-{number % accounts}"},
            fields["amount"]: {"doubleValue": float(number * 7919 % 1000)},
            "case_id": {"stringValue": case_id},
            "reference_number": {"stringValue": f"R{number:08d}"},
            "created_datetime": {"stringValue": stamp},
            "last_updated_datetime": {"stringValue": stamp},
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


def add_items(cases: list[Case]) -> int:
    """A Contact item on one case in ten (two cases per contact), a Comment on another."""
    added = 0
    for number, case in enumerate(cases):
        if number % 10 == 0:
            kind = "Contact"
            content: dict[str, Any] = {
                "contact": {
                    "contactArn": CONTACT.format(number // 20),
                    "channel": "VOICE",
                    "connectedToSystemTime": moment(number),
                }
            }
        elif number % 10 == 5:
            kind = "Comment"
            content = {"comment": {"body": f"Called back {number}", "contentType": "Text/Plain"}}
        else:
            continue
        item_id = f"{number:08d}-1111-4000-8000-000000000000"
        case.related_items[item_id] = RelatedItem(
            seq=len(cases) + number,
            related_item_id=item_id,
            arn=f"{case.arn}/related-item/{item_id}",
            case_id=case.case_id,
            type=kind,
            content=content,
            association_time=moment(number),
        )
        added += 1
    return added


def queries(fields: dict[str, str], count: int, case_id: str) -> dict[str, tuple[str, Any]]:
    """Each query shape: (client method, request without the domain id)."""
    newest_first = {"sorts": [{"fieldId": "created_datetime", "sortOrder": "Desc"}]}
    account, amount = fields["account"], fields["amount"]

    def field(op: str, field_id: str, value: dict[str, Any]) -> dict[str, Any]:
        return {"field": {op: {"id": field_id, "value": value}}}

    def when(share: float) -> dict[str, str]:
        return {"stringValue": format_timestamp(moment(int(count * share)))}

    printer = field("contains", "title", {"stringValue": "printer"})
    one_account = field("equalTo", account, {"stringValue": "acct-1"})
    filters = {
        "equalTo": one_account,
        "contains": printer,
        "greaterThan": field("greaterThan", amount, {"doubleValue": 900}),
        "greaterThanOrEqualTo": field("greaterThanOrEqualTo", "created_datetime", when(0.5)),
        "lessThan": field("lessThan", amount, {"doubleValue": 100}),
        "lessThanOrEqualTo": field("lessThanOrEqualTo", "created_datetime", when(0.2)),
        "not": {"not": field("equalTo", "status", {"stringValue": "closed"})},
        "andAll": {
            "andAll": [printer, field("greaterThanOrEqualTo", amount, {"doubleValue": 500})]
        },
        "orAll": {"orAll": [one_account, field("greaterThan", amount, {"doubleValue": 990})]},
        "tag": {"tag": {"equalTo": {"key": "team", "value": "red"}}},
    }
    chosen: dict[str, tuple[str, Any]] = {
        name: (SEARCH, {"filter": body, **newest_first}) for name, body in filters.items()
    }
    chosen["searchTerm"] = (SEARCH, {"searchTerm": "printer", **newest_first})
    chosen["searchTerm (2 chars)"] = (SEARCH, {"searchTerm": "er", **newest_first})
    every_id = field("contains", "case_id", {"stringValue": "-4000-"})
    chosen["contains (each case)*"] = (SEARCH, {"filter": every_id, **newest_first})
    chosen["sort text"] = (SEARCH, {"sorts": [{"fieldId": "title", "sortOrder": "Asc"}]})
    chosen["sort number"] = (SEARCH, {"sorts": [{"fieldId": amount, "sortOrder": "Desc"}]})
    chosen["sort date"] = (SEARCH, {})
    chosen["related one case"] = ("search_related_items", {"caseId": case_id})
    contact_filter = {"contact": {"contactArn": CONTACT.format(1)}}
    chosen["related contact"] = ("search_all_related_items", {"filters": [contact_filter]})
    chosen["related comments"] = ("search_all_related_items", {"filters": [{"comment": {}}]})
    by_time = {"sorts": [{"sortProperty": "AssociationTime", "sortOrder": "Asc"}]}
    chosen["related by time"] = ("search_all_related_items", by_time)
    chosen["cases for contact"] = ("list_cases_for_contact", {"contactArn": CONTACT.format(1)})
    return chosen


def call(client: ConnectCasesClient, method: str, request: dict[str, Any]) -> Any:
    return getattr(client, method)(**request)


def time_calls(client: ConnectCasesClient, method: str, request: dict[str, Any], n: int) -> float:
    """CPU seconds per call over ``n`` back-to-back calls (the process's CPU time, so
    other work on the machine does not count)."""
    started = time.process_time()
    for _ in range(n):
        call(client, method, request)
    return (time.process_time() - started) / n


def _index_bytes(snapshot: tracemalloc.Snapshot) -> int:
    """Bytes allocated by the search package (the index), of what is traced now."""
    return sum(
        stat.size
        for stat in snapshot.statistics("filename")
        if "casemock/backend/search/" in stat.traceback[0].filename.replace("\\", "/")
    )


def seed_domain(
    client: ConnectCasesClient, domain: Domain, count: int
) -> tuple[dict[str, str], str, Memory]:
    """Fields and template through boto3, ``count`` cases straight into the backend, the
    index built from them (and the queries' structures), all traced."""
    domain_id = domain.domain_id
    fields = {
        "account": client.create_field(domainId=domain_id, name="account", type="Text")["fieldId"],
        "amount": client.create_field(domainId=domain_id, name="amount", type="Number")["fieldId"],
    }
    template_id = client.create_template(domainId=domain_id, name="t")["templateId"]
    gc.collect()
    started = time.perf_counter()
    tracemalloc.start()
    cases = build_cases(domain, template_id, fields, count)
    for case in cases:
        domain.cases[case.case_id] = case
        domain.reference_numbers[case.values["reference_number"]["stringValue"]] = case.case_id
    del cases
    index_for(domain)  # what the first search does: build the index from the cases
    for method, request in queries(fields, count, "").values():
        if method == SEARCH:  # the structures the queries build (sort orders, trigrams)
            client.search_cases(domainId=domain_id, maxResults=PAGE, **request)
    gc.collect()
    total, _ = tracemalloc.get_traced_memory()
    index_bytes = _index_bytes(tracemalloc.take_snapshot())
    items = add_items(list(domain.cases.values()))
    for case in domain.cases.values():
        if case.related_items:
            domain.case_index.add(case)
    index_for(domain)
    gc.collect()
    with_items, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    elapsed = time.perf_counter() - started
    memory = Memory(
        count,
        (total - index_bytes) / count,
        index_bytes / count,
        total / count,
        (with_items - total) / max(1, items),
        elapsed,
    )
    first = next(iter(domain.cases))
    return fields, first, memory


def run(sizes: tuple[int, ...], rounds: int, calls: int) -> tuple[list[Result], list[Memory]]:
    """Seed one domain per size in one mock, then time the queries in interleaved rounds
    (every size and query once per round), so drifting machine load affects all alike."""
    memories: list[Memory] = []
    requests: dict[tuple[int, str], tuple[str, dict[str, Any]]] = {}
    with mock_cases(region=REGION) as mock:
        client = make_client()
        for count in sizes:
            domain_id = client.create_domain(name=f"scale-{count}")["domainId"]
            domain = mock.store.region(REGION).domains[domain_id]
            fields, first, memory = seed_domain(client, domain, count)
            memories.append(memory)
            for name, (method, request) in queries(fields, count, first).items():
                size = 10 if method == "list_cases_for_contact" else PAGE
                full = {"domainId": domain_id, "maxResults": size, **request}
                requests[count, name] = (method, full)
        matched = {}
        for key, (method, request) in requests.items():
            answer = call(client, method, request)
            listed = answer.get("cases", answer.get("relatedItems", []))
            matched[key] = answer.get("totalCount", len(listed))
            time_calls(client, method, request, 2)  # warm-up
        samples: dict[tuple[int, str], list[float]] = {key: [] for key in requests}
        order = list(requests)
        shuffle = random.Random(5).shuffle
        for _ in range(rounds):
            shuffle(order)  # no query always runs right after the biggest one
            for key in order:
                method, request = requests[key]
                samples[key].append(time_calls(client, method, request, calls))
    results = [
        Result(count, name, statistics.median(samples[count, name]) * 1000, matches=matched[key])
        for key in requests
        for count, name in [key]
    ]
    base = {r.query: r.ms_per_call for r in results if r.cases == sizes[0]}
    for result in results:
        result.ratio = result.ms_per_call / base[result.query]
    return results, memories


def missed(results: list[Result], memories: list[Memory]) -> list[str]:
    """The targets missed at the largest size."""
    largest = max(r.cases for r in results)
    out = [
        f"{r.query}: {r.ratio:.2f}x"
        for r in results
        if r.cases == largest and r.ratio > TARGET_RATIO and not r.query.endswith("*")
    ]
    out += [
        f"memory: {m.total_bytes_per_case:.0f} B/case"
        for m in memories
        if m.cases == largest and m.total_bytes_per_case > TARGET_BYTES
    ]
    return out


def report(results: list[Result], memories: list[Memory]) -> str:
    sizes = sorted({r.cases for r in results})
    names = list(dict.fromkeys(r.query for r in results))
    by_key = {(r.cases, r.query): r for r in results}
    lines = [f"Median CPU ms per call (ratio to {sizes[0]} cases); matches per size", ""]
    header = f"{'query':<22}" + "".join(f"{size:>20}" for size in sizes) + "   matches"
    lines += [header, "-" * len(header)]
    for name in names:
        cells = [by_key[size, name] for size in sizes]
        row = f"{name:<22}" + "".join(f"{c.ms_per_call:>10.2f} ({c.ratio:5.2f}x)" for c in cells)
        lines.append(row + "   " + "/".join(str(c.matches) for c in cells))
    lines += [
        "",
        f"{'cases':>8}  {'store B/case':>12}  {'index B/case':>12}  {'total B/case':>12}"
        f"  {'B/item':>7}  {'seed s':>7}",
    ]
    for m in memories:
        lines.append(
            f"{m.cases:>8}  {m.store_bytes_per_case:>12.0f}  {m.index_bytes_per_case:>12.0f}  "
            f"{m.total_bytes_per_case:>12.0f}  {m.item_bytes_per_item:>7.0f}  "
            f"{m.seed_seconds:>7.2f}"
        )
    failures = missed(results, memories)
    lines += [
        "",
        f"targets: every query (but *) at {sizes[-1]} cases within {TARGET_RATIO}x of "
        f"{sizes[0]}; "
        f"at most {TARGET_BYTES} bytes per case: "
        + ("met" if not failures else "MISSED (" + "; ".join(failures) + ")"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=11, help="timing rounds")
    parser.add_argument("--calls", type=int, default=3, help="calls per query and round")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="cases per domain"
    )
    parser.add_argument("--quick", action="store_true", help="a short run (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    sizes = (100, 2_000) if args.quick else tuple(args.sizes)
    rounds = 3 if args.quick else args.rounds
    results, memories = run(sizes, rounds, args.calls)
    failures = missed(results, memories)
    if args.json:
        print(
            json.dumps(
                {
                    "results": [asdict(r) for r in results],
                    "memory": [asdict(m) for m in memories],
                    "targets_met": not failures,
                },
                indent=2,
            )
        )
    else:
        print(report(results, memories))
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
