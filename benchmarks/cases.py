"""Per-call time of the case operations against the botocore floor.

Run with ``python -m benchmarks.cases`` (``--quick`` for a short run, ``--check`` to exit
non-zero when a paired ratio is above the 1.15x target). The method is the one of
``benchmarks.overhead``: the floor is the same boto3 client whose ``before-send`` handler
answers with the body casemock produced for the same call; floor and casemock rounds
alternate in one process; the figure held against the target is the median of the ratios
of adjacent rounds ("paired"). CreateCase, GetCase, UpdateCase, a 25-case SearchCases
page, ListFields (the three custom fields and the system fields) and GetTemplate.

The calls are realistic: a template with a required field, a case with the usual system
fields and three custom fields, GetCase asking for ten fields, UpdateCase changing the
status and a custom field (alternating values, so every call is a real change with its
audit entry and index update).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from typing import TYPE_CHECKING, Any

from benchmarks.overhead import TARGET_RATIO, CallResult, Scenario, measure_calls

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

PROFILE = "arn:aws:profile:us-east-1:123456789012:domains/profiles/profiles/0123456789abcdef"


def _case_setup(client: ConnectCasesClient) -> dict[str, Any]:
    domain_id = client.create_domain(name="benchmark")["domainId"]
    order = client.create_field(domainId=domain_id, name="Order", type="Text")["fieldId"]
    amount = client.create_field(domainId=domain_id, name="Amount", type="Number")["fieldId"]
    tier = client.create_field(domainId=domain_id, name="Tier", type="SingleSelect")["fieldId"]
    client.batch_put_field_options(
        domainId=domain_id,
        fieldId=tier,
        options=[
            {"name": "Gold", "value": "gold", "active": True},
            {"name": "Silver", "value": "silver", "active": True},
        ],
    )
    template_id = client.create_template(
        domainId=domain_id, name="Shipping", requiredFields=[{"fieldId": order}]
    )["templateId"]
    fields: Any = [
        {"id": "title", "value": {"stringValue": "Parcel lost"}},
        {"id": "summary", "value": {"stringValue": "Customer reports a lost parcel"}},
        {"id": "customer_id", "value": {"stringValue": PROFILE}},
        {"id": order, "value": {"stringValue": "ORD-123456"}},
        {"id": amount, "value": {"doubleValue": 49.95}},
        {"id": tier, "value": {"stringValue": "gold"}},
    ]
    case_id = client.create_case(domainId=domain_id, templateId=template_id, fields=fields)[
        "caseId"
    ]
    return {
        "domainId": domain_id,
        "templateId": template_id,
        "caseId": case_id,
        "fields": fields,
        "read": [
            {"id": i}
            for i in (
                "title",
                "status",
                "summary",
                "customer_id",
                "reference_number",
                "created_datetime",
                "last_updated_datetime",
                order,
                amount,
                tier,
            )
        ],
        "updates": itertools.cycle(
            [
                [
                    {"id": "status", "value": {"stringValue": status}},
                    {"id": tier, "value": {"stringValue": level}},
                ]
                for status, level in (("closed", "silver"), ("open", "gold"))
            ]
        ),
    }


def _search_setup(client: ConnectCasesClient) -> dict[str, Any]:
    """The case setup plus 59 more cases (60 in all): a 25-result page of open cases."""
    args = _case_setup(client)
    for _ in range(59):
        client.create_case(
            domainId=args["domainId"], templateId=args["templateId"], fields=args["fields"]
        )
    args["filter"] = {"field": {"equalTo": {"id": "status", "value": {"stringValue": "open"}}}}
    args["projection"] = args["read"][:5]
    return args


SCENARIOS = [
    Scenario(
        "CreateCase",
        _case_setup,
        lambda client, args: client.create_case(
            domainId=args["domainId"], templateId=args["templateId"], fields=args["fields"]
        ),
    ),
    Scenario(
        "GetCase",
        _case_setup,
        lambda client, args: client.get_case(
            domainId=args["domainId"], caseId=args["caseId"], fields=args["read"]
        ),
    ),
    Scenario(
        "SearchCases",
        _search_setup,
        lambda client, args: client.search_cases(
            domainId=args["domainId"],
            filter=args["filter"],
            fields=args["projection"],
            sorts=[{"fieldId": "created_datetime", "sortOrder": "Asc"}],
            maxResults=25,
        ),
    ),
    Scenario(
        "ListFields",
        _case_setup,
        lambda client, args: client.list_fields(domainId=args["domainId"], maxResults=50),
    ),
    Scenario(
        "GetTemplate",
        _case_setup,
        lambda client, args: client.get_template(
            domainId=args["domainId"], templateId=args["templateId"]
        ),
    ),
    Scenario(
        "UpdateCase",
        _case_setup,
        lambda client, args: client.update_case(
            domainId=args["domainId"], caseId=args["caseId"], fields=next(args["updates"])
        ),
    ),
]


def report(results: list[CallResult]) -> tuple[str, bool]:
    lines = ["casemock per-call time for cases (medians)", ""]
    lines.append(f"{'operation':<14}{'casemock':>12}{'floor':>12}{'ratio':>8}{'paired':>8}  target")
    ok = True
    for result in results:
        passed = result.paired_ratio <= TARGET_RATIO
        ok &= passed
        lines.append(
            f"{result.operation:<14}{result.casemock_us:>10.1f}us{result.floor_us:>10.1f}us"
            f"{result.ratio:>7.2f}x{result.paired_ratio:>7.2f}x  <= {TARGET_RATIO}x "
            f"{'ok' if passed else 'MISSED'}"
        )
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=21, help="rounds per operation")
    parser.add_argument("--calls", type=int, default=200, help="calls per round")
    parser.add_argument("--quick", action="store_true", help="a short run (smoke test)")
    parser.add_argument("--operations", nargs="+", help="only these operations")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    options = parser.parse_args(argv)
    if options.quick:
        options.rounds, options.calls = 3, 20
    chosen = [s for s in SCENARIOS if not options.operations or s.operation in options.operations]
    results = [measure_calls(s, options.rounds, options.calls) for s in chosen]
    text, ok = report(results)
    print(text)
    return 1 if options.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
