"""Snapshots: the whole state as a versioned JSON document, restored exactly."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from casemock import CasesMock, CasesMockError, SnapshotFormatError, _model, mock_cases
from casemock._settings import Settings
from casemock._snapshots.document import StateDocument
from casemock.seeding import create_cases, seed_domain
from tests.helpers import (
    add,
    case_rule,
    comment,
    contact,
    default_template,
    main_layout,
    make_field,
    option,
    put_options,
    run_python_blocks,
)

pytest_plugins = ["pytester"]

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

USER = "arn:aws:connect:us-east-1:123456789012:instance/i-1/user/u-1"


def text(value: str) -> Any:
    return {"stringValue": value}


def populate(client: ConnectCasesClient) -> dict[str, str]:
    """Every kind of record, through boto3; returns the ids."""
    domain_id = client.create_domain(name="support")["domainId"]
    priority = make_field(client, domain_id, "Priority", "SingleSelect")
    put_options(
        client, domain_id, priority, option("High", "high"), option("Low", "low", active=False)
    )
    gone = make_field(client, domain_id, "Old")
    client.delete_field(domainId=domain_id, fieldId=gone)
    client.tag_resource(arn=f"{domain_arn(client, domain_id)}/field/{priority}", tags={"k": "v"})
    layout_id = main_layout(client, domain_id, priority)
    rule_id = case_rule(client, domain_id, "summary needed")
    template_id = default_template(
        client,
        domain_id,
        layout_id,
        priority,
        [(rule_id, "summary")],
        tagPropagationConfigurations=[{"resourceType": "Cases", "tagMap": {"dept": "care"}}],
    )
    client.put_case_event_configuration(domainId=domain_id, eventBridge={"enabled": True})
    case_id = client.create_case(
        domainId=domain_id,
        templateId=template_id,
        clientToken="token-1",
        fields=[{"id": "title", "value": text("Printer")}, {"id": priority, "value": text("high")}],
        performedBy={"userArn": USER},
        tags={"team": "blue"},
    )["caseId"]
    client.update_case(
        domainId=domain_id,
        caseId=case_id,
        fields=[{"id": "status", "value": text("closed")}],
    )
    add(client, domain_id, case_id, "Comment", comment("Called back"))
    add(client, domain_id, case_id, "Contact", contact())
    return {
        "domain": domain_id,
        "priority": priority,
        "gone": gone,
        "layout": layout_id,
        "rule": rule_id,
        "template": template_id,
        "case": case_id,
    }


def domain_arn(client: ConnectCasesClient, domain_id: str) -> str:
    return client.get_domain(domainId=domain_id)["domainArn"]


def plain(answer: Any) -> Any:
    answer = dict(answer)
    answer.pop("ResponseMetadata", None)
    return answer


def observe(client: ConnectCasesClient, ids: dict[str, str]) -> dict[str, Any]:
    """What boto3 calls answer about everything ``populate`` created."""
    d = ids["domain"]
    field_ids = [f["fieldId"] for f in client.list_fields(domainId=d)["fields"]]
    case = ids["case"]
    return {
        "domains": plain(client.list_domains()),
        "domain": plain(client.get_domain(domainId=d)),
        "fields": plain(client.list_fields(domainId=d)),
        "field details": plain(
            client.batch_get_field(
                domainId=d, fields=[{"id": i} for i in [*field_ids, ids["gone"]]]
            )
        ),
        "options": plain(client.list_field_options(domainId=d, fieldId=ids["priority"])),
        "layouts": plain(client.list_layouts(domainId=d)),
        "layout": plain(client.get_layout(domainId=d, layoutId=ids["layout"])),
        "templates": plain(client.list_templates(domainId=d)),
        "template": plain(client.get_template(domainId=d, templateId=ids["template"])),
        "rules": plain(client.list_case_rules(domainId=d)),
        "rule": plain(client.batch_get_case_rule(domainId=d, caseRules=[{"id": ids["rule"]}])),
        "case": plain(
            client.get_case(domainId=d, caseId=case, fields=[{"id": i} for i in field_ids])
        ),
        "audit": plain(client.get_case_audit_events(domainId=d, caseId=case)),
        "related": plain(client.search_related_items(domainId=d, caseId=case)),
        "search": plain(client.search_cases(domainId=d, fields=[{"id": "title"}])),
        "indexed search": plain(
            client.search_cases(
                domainId=d,
                filter={"field": {"equalTo": {"id": ids["priority"], "value": text("high")}}},
            )
        ),
        "events config": plain(client.get_case_event_configuration(domainId=d)),
        "case tags": plain(
            client.list_tags_for_resource(arn=f"{domain_arn(client, d)}/case/{case}")
        ),
        "field tags": plain(
            client.list_tags_for_resource(arn=f"{domain_arn(client, d)}/field/{ids['priority']}")
        ),
    }


def test_round_trip_through_json_into_a_new_mock() -> None:
    with mock_cases() as first:
        client = first.client()
        ids = populate(client)
        before = observe(client, ids)
        assert before["indexed search"]["cases"]
        doc = first.snapshot()
        text_doc = json.dumps(doc)
    with mock_cases(state=json.loads(text_doc)) as second:
        client = second.client()
        assert observe(client, ids) == before
        assert second.snapshot() == json.loads(text_doc)


def test_document_header_and_contents(mock: CasesMock, client: ConnectCasesClient) -> None:
    ids = populate(client)
    doc = mock.snapshot()
    assert isinstance(doc, dict)
    assert doc["format"] == "casemock-state"
    assert doc["version"] == 1
    assert doc["account_id"] == mock.account_id
    assert isinstance(doc["seq"], int)
    stored = doc["regions"]["us-east-1"]["domains"][ids["domain"]]
    case = stored["cases"][ids["case"]]
    assert case["values"]["title"] == {"stringValue": "Printer"}
    assert stored["created_time"].startswith("20")
    assert stored["reference_numbers"][case["values"]["reference_number"]["stringValue"].upper()]
    assert "token-1" in stored["idempotency"]
    contact = next(i for i in case["related_items"].values() if i["type"] == "Contact")
    assert "$datetime" in contact["content"]["contact"]["connectedToSystemTime"]
    assert "case_index" not in stored


def test_restore_brings_back_the_snapshot(mock: CasesMock, client: ConnectCasesClient) -> None:
    ids = populate(client)
    before = observe(client, ids)
    doc = mock.snapshot()
    client.update_case(
        domainId=ids["domain"], caseId=ids["case"], fields=[{"id": "title", "value": text("x")}]
    )
    client.create_domain(name="another")
    client.delete_template(domainId=ids["domain"], templateId=ids["template"])
    mock.restore(doc)
    assert observe(client, ids) == before
    assert mock.snapshot() == doc


def test_restore_is_repeatable_and_independent(mock: CasesMock, client: ConnectCasesClient) -> None:
    ids = populate(client)
    doc = mock.snapshot()
    frozen = json.loads(json.dumps(doc))
    for title in ("one", "two"):
        mock.restore(doc)
        client.update_case(
            domainId=ids["domain"],
            caseId=ids["case"],
            fields=[{"id": "title", "value": text(title)}],
        )
    assert doc == frozen  # using the restored state did not change the document
    mock.restore(doc)
    answer = client.get_case(domainId=ids["domain"], caseId=ids["case"], fields=[{"id": "title"}])
    assert answer["fields"] == [{"id": "title", "value": text("Printer")}]


def test_plain_json_document_restores_like_the_snapshot_object(mock: CasesMock) -> None:
    domain = seed_domain(mock, "support", template=True)
    assert domain.template_id is not None
    create_cases(mock, domain.domain_id, domain.template_id, [{"title": f"c{i}"} for i in range(5)])
    doc = mock.snapshot()
    assert isinstance(doc, StateDocument)
    mock.restore(json.loads(json.dumps(doc)))
    from_json = mock.snapshot()
    mock.restore(doc)
    assert mock.snapshot() == from_json == doc


def test_state_after_restore_keeps_working(mock: CasesMock, client: ConnectCasesClient) -> None:
    ids = populate(client)
    reference = mock.backend().domains[ids["domain"]].cases[ids["case"]].reference_number
    doc = json.loads(json.dumps(mock.snapshot()))
    requests = [case for case in _cases_of(doc) if case.get("request")]
    assert requests
    for case in requests:  # documents may hold a request's keys in any order
        case["request"] = dict(reversed(list(case["request"].items())))
    mock.restore(doc)
    # idempotency tokens
    again = client.create_case(
        domainId=ids["domain"],
        templateId=ids["template"],
        clientToken="token-1",
        fields=[
            {"id": "title", "value": text("Printer")},
            {"id": ids["priority"], "value": text("high")},
        ],
        performedBy={"userArn": USER},
        tags={"team": "blue"},
    )
    assert again["caseId"] == ids["case"]
    # reference numbers
    with pytest.raises(ClientError) as excinfo:
        client.create_case(
            domainId=ids["domain"],
            templateId=ids["template"],
            fields=[
                {"id": "title", "value": text("t")},
                {"id": ids["priority"], "value": text("high")},
                {"id": "reference_number", "value": text(str(reference).lower())},
            ],
        )
    assert excinfo.value.response["Error"]["Code"] == "ConflictException"
    # the case index: an equalTo search uses it
    found = client.search_cases(
        domainId=ids["domain"],
        filter={"field": {"equalTo": {"id": ids["priority"], "value": text("high")}}},
    )
    assert [c["caseId"] for c in found["cases"]] == [ids["case"]]
    tagged = client.search_cases(
        domainId=ids["domain"], filter={"tag": {"equalTo": {"key": "team", "value": "blue"}}}
    )
    assert [c["caseId"] for c in tagged["cases"]] == [ids["case"]]
    # new records are ordered after the restored ones
    new_id = client.create_case(
        domainId=ids["domain"],
        templateId=ids["template"],
        fields=[
            {"id": "title", "value": text("t")},
            {"id": ids["priority"], "value": text("high")},
        ],
    )["caseId"]
    cases = mock.backend().domains[ids["domain"]]._record.cases
    assert cases[new_id].seq > max(c.seq for c in cases.values() if c.case_id != new_id)


def test_restore_clears_call_log_and_events(mock: CasesMock, client: ConnectCasesClient) -> None:
    populate(client)
    doc = mock.snapshot()
    assert mock.calls and mock.events
    mock.restore(doc)
    assert mock.calls == []
    assert mock.events == []


def test_every_region_is_kept(mock: CasesMock) -> None:
    mock.client(region="eu-west-2").create_domain(name="london")
    mock.client().create_domain(name="virginia")
    doc = mock.snapshot()
    assert set(doc["regions"]) == {"eu-west-2", "us-east-1"}
    with mock_cases(state=doc) as other:
        assert [d.name for d in other.backend("eu-west-2").domains.values()] == ["london"]
        assert [d.name for d in other.backend().domains.values()] == ["virginia"]


def test_state_option_applies_at_every_start(mock: CasesMock) -> None:
    mock.client().create_domain(name="seeded")
    other = mock_cases(state=mock.snapshot())
    for _ in range(2):
        with other:
            assert [d["name"] for d in other.client().list_domains()["domains"]] == ["seeded"]
            other.client().create_domain(name="extra")


def test_seeded_mock_continues_its_id_sequence(tmp_path: Path) -> None:
    with mock_cases(seed=3) as m:
        m.client().create_domain(name="a")
        doc = m.snapshot()
        continued = m.client().create_domain(name="b")["domainId"]
    with mock_cases(seed=3, state=doc) as again:
        assert again.client().create_domain(name="b")["domainId"] == continued
        assert len(again.backend().domains) == 2


def test_save_and_load_files(mock: CasesMock, client: ConnectCasesClient, tmp_path: Path) -> None:
    ids = populate(client)
    before = observe(client, ids)
    for name in ("state.json", "state.json.gz"):
        path = tmp_path / name
        mock.save(path)
        client.delete_domain(domainId=ids["domain"])
        mock.load(path)
        assert observe(client, ids) == before
    assert json.loads((tmp_path / "state.json").read_text())["format"] == "casemock-state"
    with mock_cases(state=tmp_path / "state.json") as other:
        assert observe(other.client(), ids) == before
    with mock_cases(state=str(tmp_path / "state.json.gz")) as other:
        assert observe(other.client(), ids) == before


def test_other_format_version_is_refused(mock: CasesMock) -> None:
    mock.client().create_domain(name="kept")
    doc = dict(mock.snapshot())
    doc["version"] = 2
    with pytest.raises(SnapshotFormatError, match=r"format version 2.*reads version 1"):
        mock.restore(doc)
    with pytest.raises(SnapshotFormatError, match="format version 2"):
        mock_cases(state=doc)
    with pytest.raises(SnapshotFormatError, match="not a casemock state document"):
        mock.restore({"regions": {}})
    assert [d.name for d in mock.backend().domains.values()] == ["kept"]


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ([1, 2], "not list"),
        (None, "not NoneType"),
        (b"{}", "not bytes"),
        ('{"format": 1}', "JSON text"),
    ],
)
def test_what_is_neither_a_document_nor_a_path_is_refused(
    mock: CasesMock, source: Any, says: str
) -> None:
    mock.client().create_domain(name="kept")
    with pytest.raises(SnapshotFormatError, match=says):
        mock.restore(source)
    assert [d.name for d in mock.backend().domains.values()] == ["kept"]


def test_damaged_document_leaves_the_state_untouched(
    mock: CasesMock, client: ConnectCasesClient
) -> None:
    ids = populate(client)
    doc = json.loads(json.dumps(mock.snapshot()))
    client.create_domain(name="current")
    before = mock.snapshot()
    damaged = copy.deepcopy(doc)
    case = damaged["regions"]["us-east-1"]["domains"][ids["domain"]]["cases"][ids["case"]]
    case["audit"][0]["performed_time"] = "yesterday"
    with pytest.raises(SnapshotFormatError) as excinfo:
        mock.restore(damaged)
    message = str(excinfo.value)
    assert f"cases.{ids['case']}.audit.0.performed_time" in message
    assert "not changed" in message
    assert mock.snapshot() == before
    unknown = copy.deepcopy(doc)
    unknown["regions"]["us-east-1"]["domains"][ids["domain"]]["colour"] = "red"
    with pytest.raises(SnapshotFormatError, match=r"unknown members \['colour'\]"):
        mock.restore(unknown)
    del unknown["seq"]
    with pytest.raises(SnapshotFormatError):
        mock.restore(unknown)
    assert mock.snapshot() == before


def test_audit_entries_are_written_as_a_list(mock: CasesMock, client: ConnectCasesClient) -> None:
    """A creation's audit entries are kept compactly, yet the document lists them as
    GetCaseAuditEvents does, and a document must list them."""
    ids = populate(client)
    doc = json.loads(json.dumps(mock.snapshot()))
    case = doc["regions"]["us-east-1"]["domains"][ids["domain"]]["cases"][ids["case"]]
    answered = client.get_case_audit_events(domainId=ids["domain"], caseId=ids["case"])
    created = next(e for e in answered["auditEvents"] if e["type"] == "Case.Created")
    entries = case["audit"][0]["fields"]
    assert entries == created["fields"]
    assert [entry["eventFieldId"] for entry in entries][:2] == ["title", ids["priority"]]
    as_mapping = copy.deepcopy(doc)
    case = as_mapping["regions"]["us-east-1"]["domains"][ids["domain"]]["cases"][ids["case"]]
    case["audit"][0]["fields"] = {entry["eventFieldId"]: entry["newValue"] for entry in entries}
    before = mock.snapshot()
    with pytest.raises(SnapshotFormatError, match=r"audit\.0\.fields.*must be a list"):
        mock.restore(as_mapping)
    assert mock.snapshot() == before


def test_document_of_another_account_is_refused(mock: CasesMock) -> None:
    doc = mock.snapshot()
    with (
        mock_cases(account_id="111122223333") as other,
        pytest.raises(SnapshotFormatError, match="account '123456789012'"),
    ):
        other.restore(doc)


def test_restore_needs_an_active_mock() -> None:
    with mock_cases() as m:
        doc = m.snapshot()
    with pytest.raises(CasesMockError, match="active mock"):
        m.restore(doc)


def test_snapshots_page_runs() -> None:
    namespace = run_python_blocks("snapshots.md")
    assert namespace["doc"]["format"] == "casemock-state"


@pytest.mark.skipif(
    not _model.has_operation("StartMergeCases"), reason="no StartMergeCases in this botocore"
)
def test_running_merge_survives_a_json_round_trip() -> None:
    with mock_cases(settings=Settings(merge_polls_until_complete=2)) as first:
        client: Any = first.client()
        domain = seed_domain(first, "support", template=True)
        primary, secondary = create_cases(
            first, domain.domain_id, str(domain.template_id), [{"title": "a"}, {"title": "b"}]
        )
        client.start_merge_cases(
            domainId=domain.domain_id, caseId=primary, secondaryCaseIds=[secondary]
        )
        doc = json.loads(json.dumps(first.snapshot()))
        expected = client.get_merge_cases_status(domainId=domain.domain_id, caseId=primary)
    with mock_cases(settings=Settings(merge_polls_until_complete=2), state=doc) as second:
        client = second.client()
        answer = client.get_merge_cases_status(domainId=domain.domain_id, caseId=primary)
        assert plain(answer) == plain(expected)


SEED_ONCE = """
import pytest

from casemock import mock_cases
from casemock.seeding import create_cases, seed_domain


@pytest.fixture(scope="session")
def seeded_state():
    with mock_cases() as m:
        support = seed_domain(m, "support", template=True)
        create_cases(m, support.domain_id, support.template_id, [{"title": "a"}, {"title": "b"}])
        return m.snapshot()


@pytest.fixture
def cases(seeded_state):
    with mock_cases(state=seeded_state) as m:
        yield m


@pytest.mark.parametrize("run", range(3))
def test_each_test_starts_from_the_seed(cases, run):
    domain = cases.backend().domain("support")
    assert len(domain.cases) == 2
    client = cases.client()
    client.delete_case(domainId=domain.domain_id, caseId=next(iter(domain.cases)))
    assert len(domain.cases) == 1


def test_restore_inside_the_plugin_fixture(cases_mock, seeded_state):
    cases_mock.restore(seeded_state)
    assert len(cases_mock.backend().domain("support").cases) == 2
"""


def test_seed_once_restore_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SEED_ONCE)
    result = pytester.runpytest("-p", "no:casemock", "-p", "casemock.plugin")
    result.assert_outcomes(passed=4)


def _cases_of(doc: Any) -> list[dict[str, Any]]:
    """Every case record of a snapshot document, wherever it sits."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "case_id" in node and "values" in node:
                found.append(node)
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    return found


def test_a_state_in_any_region_a_request_can_name_loads_again() -> None:
    """A local server is often called with a made-up Region ("local"): what it kept
    loads again."""
    with mock_cases(region="local") as mock:
        client = mock.client()
        client.create_domain(name="here")
        doc = json.loads(json.dumps(mock.snapshot()))
    with mock_cases(region="local", state=doc) as again:
        assert [d["name"] for d in again.client().list_domains()["domains"]] == ["here"]


def test_a_snapshot_is_checked_against_the_quotas_of_the_mock_restoring_it() -> None:
    """The fast form of a snapshot() document was checked against the quotas of the mock
    that made it; another mock's lower quotas still refuse it."""
    with mock_cases(settings=Settings(domains=3)) as roomy:
        client = roomy.client()
        for name in ("a", "b", "c"):
            client.create_domain(name=name)
        doc = roomy.snapshot()
    with mock_cases(settings=Settings(domains=2)) as tight:
        with pytest.raises(SnapshotFormatError, match="the quota is 2"):
            tight.restore(doc)
        assert tight.client().list_domains()["domains"] == []
    with pytest.raises(SnapshotFormatError, match="the quota is 2"):
        mock_cases(settings=Settings(domains=2), state=doc).start()
    with mock_cases(settings=Settings(domains=3), state=doc) as again:
        assert len(again.client().list_domains()["domains"]) == 3
