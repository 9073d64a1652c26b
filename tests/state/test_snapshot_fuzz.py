"""Damaged state documents: a seeded mutation loop over a realistic snapshot.

Every mutated document is either refused with ``SnapshotFormatError`` (and the mock's
state is unchanged), or it loads and then every read operation succeeds through boto3
with strict output checking, and so do the inspection views and the notebook HTML.

``CASEMOCK_FUZZ_RUNS`` sets the number of mutations (default 150; run thousands locally
after touching the snapshot checks).
"""

from __future__ import annotations

import copy
import json
import os
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from casemock import CasesMock, Settings, SnapshotFormatError, _model, mock_cases
from tests.helpers import (
    FILE,
    add,
    case_rule,
    comment,
    contact,
    default_template,
    main_layout,
    make_field,
    option,
    put_options,
    sla,
    text,
)

# The mutations make untyped data of everything; the client is untyped here too.
ConnectCasesClient = Any

RUNS = int(os.environ.get("CASEMOCK_FUZZ_RUNS", "150"))
USER = "arn:aws:connect:us-east-1:123456789012:instance/i-1/user/u-1"
# Quotas the document is built right at, so that one more of anything exceeds them.
SETTINGS = Settings(
    domains=2,
    fields=4,
    field_options=3,
    layouts=1,
    templates=2,
    case_rules=2,
    related_items_per_case=6,
    tags_per_resource=2,
)


def populate(client: ConnectCasesClient) -> None:
    """At least one of every kind of record, through boto3."""
    domain_id = client.create_domain(name="support")["domainId"]
    client.create_domain(name="sales")
    arn = client.get_domain(domainId=domain_id)["domainArn"]
    client.tag_resource(arn=arn, tags={"team": "care"})
    priority = make_field(client, domain_id, "Priority", "SingleSelect")
    put_options(
        client,
        domain_id,
        priority,
        option("High", "high"),
        option("Mid", "mid"),
        option("Low", "low", active=False),
    )
    amount = make_field(client, domain_id, "Amount", "Number")
    due = make_field(client, domain_id, "Due", "DateTime")
    note = make_field(client, domain_id, "Note", attributes={"text": {"isMultiline": True}})
    client.delete_field(domainId=domain_id, fieldId=note)
    layout_id = main_layout(client, domain_id, priority, more_field=amount)
    high_priority = {
        "equalTo": {
            "operandOne": {"fieldId": priority},
            "operandTwo": {"stringValue": "high"},
            "result": True,
        }
    }
    required = case_rule(client, domain_id, "summary needed", conditions=(high_priority,))
    hidden = case_rule(client, domain_id, "hide amount", kind="hidden")
    template_id = default_template(
        client,
        domain_id,
        layout_id,
        priority,
        [(required, "summary"), (hidden, amount)],
        tagPropagationConfigurations=[{"resourceType": "Cases", "tagMap": {"dept": "care"}}],
    )
    client.create_template(domainId=domain_id, name="Other", status="Inactive")
    client.put_case_event_configuration(
        domainId=domain_id,
        eventBridge={"enabled": True, "includedData": {"caseData": {"fields": [{"id": "title"}]}}},
    )
    cases = []
    for index, level in enumerate(("high", "mid", "high")):
        cases.append(
            client.create_case(
                domainId=domain_id,
                templateId=template_id,
                clientToken=f"token-{index}",
                fields=[
                    {"id": "title", "value": text(f"Printer {index}")},
                    {"id": "summary", "value": text("It smokes")},
                    {"id": priority, "value": text(level)},
                    {"id": amount, "value": {"doubleValue": 12.5 + index}},
                    {"id": due, "value": text("2024-05-01T12:00:00.000Z")},
                ],
                performedBy={"userArn": USER},
                tags={"team": "blue"},
            )["caseId"]
        )
    first, second, third = cases
    client.update_case(
        domainId=domain_id,
        caseId=first,
        fields=[
            {"id": "status", "value": text("closed")},
            {"id": amount, "value": {"emptyValue": {}}},
        ],
        performedBy={"customEntity": "bot"},
    )
    items: list[tuple[str, dict[str, Any]]] = [
        ("Comment", comment("Called back")),
        ("Contact", contact()),
        ("File", {"file": {"fileArn": FILE}}),
        ("ConnectCase", {"connectCase": {"caseId": second}}),
        ("Sla", sla("respond", minutes=60)),
    ]
    for item_type, content in items:
        add(client, domain_id, first, item_type, content, performedBy={"userArn": USER})
    # Newer operations, when the installed botocore has them.
    if _model.has_operation("BatchUpdateCase"):
        client.batch_update_case(
            domainId=domain_id,
            clientToken="batch-1",
            cases=[{"caseIdentifier": {"caseId": second}}],
            fields=[{"fieldIdentifier": {"id": "summary"}, "value": text("batch")}],
        )
    if _model.has_operation("BatchCreateRelatedItem"):
        client.batch_create_related_item(
            domainId=domain_id,
            clientToken="batch-2",
            content={"comment": {"body": "x", "contentType": "Text/Plain"}},
            cases=[{"caseIdentifier": {"caseId": second}}],
        )
    if _model.has_operation("StartMergeCases"):
        client.start_merge_cases(domainId=domain_id, caseId=second, secondaryCaseIds=[third])


@pytest.fixture(scope="module")
def base_document() -> dict[str, Any]:
    with mock_cases(settings=SETTINGS, seed=7) as m:
        populate(m.client())
        eu = m.client(region="eu-west-2")
        eu.create_domain(name="europe")
        doc: dict[str, Any] = json.loads(json.dumps(m.snapshot()))
        return doc


# -- mutations ----------------------------------------------------------------------------

Node = tuple[list[Any], Any]  # (path, value)
OTHER_VALUES: list[Any] = [None, 0, -1, 2.5, True, "", "x" * 300, [], {}, ["a"], {"a": 1}]


def nodes(value: Any, path: list[Any]) -> Iterator[Node]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from nodes(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nodes(item, [*path, index])


def parent_of(doc: Any, path: list[Any]) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


def mutate(doc: dict[str, Any], rng: random.Random) -> str:
    """Damage ``doc`` in place in one way; say how."""
    # The 625 numbers of the random state would otherwise take a third of the mutations.
    candidates = [
        node
        for node in nodes(doc, [])
        if node[0] and (node[0][0] != "random" or len(node[0]) < 3 or rng.random() < 0.02)
    ]
    path, value = rng.choice(candidates)
    parent = parent_of(doc, path)
    key = path[-1]
    name = str(key)
    choices: list[Callable[[], str]] = []

    def replace(new: Any) -> Callable[[], str]:
        def run() -> str:
            parent[key] = new
            return f"{path} = {new!r}"[:200]

        return run

    def drop() -> str:
        del parent[key]
        return f"del {path}"

    choices.append(replace(rng.choice(OTHER_VALUES)))
    choices.append(drop)
    if isinstance(value, str):
        choices.append(replace("2024-05-01T12:00:00"))  # no UTC offset
        choices.append(replace("Banana"))
        choices.append(replace(value + "-other"))
        choices.append(replace(value.upper() + "!"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        choices.append(replace(-value - 1))
        choices.append(replace(str(value)))
        choices.append(replace(10**30))
    if isinstance(value, dict) and value:
        first = next(iter(value))
        for member in ("stringValue", "doubleValue", "booleanValue", "userArnValue"):
            if member != first:
                choices.append(replace({**value, member: value[first]}))
        choices.append(replace({**value, "unexpected": 1}))
        choices.append(replace({**value, "stringValue": "2024-05-01T12:00:00"}))
        choices.append(replace({"$datetime": "2024-05-01T12:00:00"}))

        def copy_under_new_key() -> str:
            source = rng.choice(list(value))
            new_key = f"{source}-copy" if isinstance(source, str) else source
            value[new_key] = copy.deepcopy(value[source])
            return f"copy {[*path, source]} to {new_key}"

        choices.append(copy_under_new_key)
    if isinstance(value, list):
        choices.append(replace([*value, *value]))
        choices.append(replace([*value, "stray"]))
        if value:
            choices.append(replace(value[0]))
    if isinstance(parent, dict):

        def rename() -> str:
            parent[f"{name}x"] = parent.pop(key)
            return f"rename {path}"

        choices.append(rename)
    return rng.choice(choices)()


# -- reads --------------------------------------------------------------------------------


def pages(call: Callable[..., Any], key: str, **params: Any) -> list[Any]:
    items: list[Any] = []
    token = None
    while True:
        answer = call(**params, **({"nextToken": token} if token else {}))
        items.extend(answer[key])
        token = answer.get("nextToken")
        if not token:
            return items


def read_everything(mock: CasesMock, doc: dict[str, Any]) -> None:
    """Every read operation on everything the document holds, then the views."""
    for region, content in doc["regions"].items():
        client = mock.client(region=region)
        pages(client.list_domains, "domains")
        for domain_id in content["domains"]:
            read_domain(client, domain_id)
        view = mock.backend(region)
        for domain in view.domains.values():
            for record in (
                *domain.fields.values(),
                *domain.layouts.values(),
                *domain.templates.values(),
                *domain.case_rules.values(),
            ):
                repr(record)
            for case in domain.cases.values():
                repr(case)
                for field_id in domain.fields:
                    case.value(field_id)
                if case.reference_number is not None:
                    domain.case_by_reference(case.reference_number)
            repr(domain)
            domain._repr_html_()
        repr(view)
    mock._repr_html_()


def read_domain(client: ConnectCasesClient, domain_id: str) -> None:
    domain = client.get_domain(domainId=domain_id)
    client.list_tags_for_resource(arn=domain["domainArn"])
    client.get_case_event_configuration(domainId=domain_id)
    fields = pages(client.list_fields, "fields", domainId=domain_id)
    field_ids = [f["fieldId"] for f in fields]
    for start in range(0, len(field_ids), 50):
        chunk = field_ids[start : start + 50]
        client.batch_get_field(domainId=domain_id, fields=[{"id": i} for i in chunk])
    for field in fields:
        pages(client.list_field_options, "options", domainId=domain_id, fieldId=field["fieldId"])
        client.list_tags_for_resource(arn=field["fieldArn"])
    for layout in pages(client.list_layouts, "layouts", domainId=domain_id):
        got = client.get_layout(domainId=domain_id, layoutId=layout["layoutId"])
        client.list_tags_for_resource(arn=got["layoutArn"])
    for template in pages(client.list_templates, "templates", domainId=domain_id):
        got = client.get_template(domainId=domain_id, templateId=template["templateId"])
        client.list_tags_for_resource(arn=got["templateArn"])
    rules = pages(client.list_case_rules, "caseRules", domainId=domain_id)
    for rule in rules:
        client.batch_get_case_rule(domainId=domain_id, caseRules=[{"id": rule["caseRuleId"]}])
    summaries = pages(
        client.search_cases, "cases", domainId=domain_id, fields=[{"id": i} for i in field_ids]
    )
    for summary in summaries:
        case_id = summary["caseId"]
        client.get_case(domainId=domain_id, caseId=case_id, fields=[{"id": i} for i in field_ids])
        pages(client.get_case_audit_events, "auditEvents", domainId=domain_id, caseId=case_id)
        pages(client.search_related_items, "relatedItems", domainId=domain_id, caseId=case_id)
        client.list_tags_for_resource(arn=f"{domain['domainArn']}/case/{case_id}")
    pages(client.search_all_related_items, "relatedItems", domainId=domain_id)


# -- the test -----------------------------------------------------------------------------


def test_base_document_reads_back(base_document: dict[str, Any]) -> None:
    with mock_cases(settings=SETTINGS, seed=7) as m:
        m.restore(copy.deepcopy(base_document))
        read_everything(m, base_document)


@pytest.mark.parametrize("batch", range(5))
def test_damaged_documents_are_refused_or_read_back(
    base_document: dict[str, Any], batch: int
) -> None:
    rng = random.Random(batch + int(os.environ.get("CASEMOCK_FUZZ_SEED", "0")))
    failures: list[str] = []
    with mock_cases(settings=SETTINGS, seed=7) as m:
        m.restore(copy.deepcopy(base_document))
        before = m.snapshot()
        for run in range(RUNS // 5):
            doc = copy.deepcopy(base_document)
            changes = [mutate(doc, rng) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
            try:
                m.restore(doc)
            except SnapshotFormatError as error:
                if m.snapshot() != before:
                    failures.append(f"run {run} {changes}: state changed by a refused document")
                if "damaged (" in str(error):  # the catch-all: the checks missed a damage
                    failures.append(f"run {run} {changes}: refused without a place: {error}")
                continue
            except Exception as error:
                failures.append(f"run {run} {changes}: restore raised {error!r}")
                continue
            try:
                read_everything(m, doc)
            except Exception as error:
                failures.append(f"run {run} {changes}: a read raised {error!r}"[:600])
            m.restore(before)
    assert not failures, "\n".join(failures)


# -- the damage the issue found, one kind at a time -----------------------------------------


def support(doc: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    domains = doc["regions"]["us-east-1"]["domains"]
    (domain_id,) = [key for key, domain in domains.items() if domain["name"] == "support"]
    return domain_id, domains[domain_id]


def first_case(doc: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    _, domain = support(doc)
    case_id = next(iter(domain["cases"]))
    return case_id, domain["cases"][case_id]


def two_members(doc: dict[str, Any]) -> str:
    case_id, case = first_case(doc)
    case["values"]["title"] = {"stringValue": "a", "doubleValue": 1.0}
    return f"cases.{case_id}.values.title"


def no_offset(doc: dict[str, Any]) -> str:
    case_id, case = first_case(doc)
    case["audit"][0]["performed_time"] = "2024-05-01T12:00:00"
    return f"cases.{case_id}.audit.0.performed_time"


def string_for_a_list(doc: dict[str, Any]) -> str:
    _, domain = support(doc)
    template_id = next(iter(domain["templates"]))
    domain["templates"][template_id]["required_fields"] = "title"
    return f"templates.{template_id}.required_fields"


def banana_field(doc: dict[str, Any]) -> str:
    _, domain = support(doc)
    field_id = next(key for key, field in domain["fields"].items() if field["name"] == "Amount")
    domain["fields"][field_id]["type"] = "Banana"
    return f"fields.{field_id}.type"


def value_of_no_field(doc: dict[str, Any]) -> str:
    case_id, case = first_case(doc)
    case["values"]["no-such-field"] = {"stringValue": "x"}
    return f"cases.{case_id}.values.no-such-field"


def one_domain_too_many(doc: dict[str, Any]) -> str:
    domain_id, domain = support(doc)
    other = "0" * 8 + domain_id[8:]
    copied = json.loads(json.dumps(domain).replace(domain_id, other))
    copied["name"] = "support-2"
    doc["regions"]["us-east-1"]["domains"][other] = copied
    return "regions.us-east-1: 3 domains in the region, the quota is 2"


@pytest.mark.parametrize(
    "damage",
    [
        two_members,
        no_offset,
        string_for_a_list,
        banana_field,
        value_of_no_field,
        one_domain_too_many,
    ],
)
def test_each_kind_of_damage_is_refused_naming_its_place(
    base_document: dict[str, Any], damage: Callable[[dict[str, Any]], str]
) -> None:
    doc = copy.deepcopy(base_document)
    where = damage(doc)
    with mock_cases(settings=SETTINGS) as m:
        m.client().create_domain(name="current")
        before = m.snapshot()
        with pytest.raises(SnapshotFormatError) as excinfo:
            m.restore(doc)
        assert where in str(excinfo.value)
        assert m.snapshot() == before
