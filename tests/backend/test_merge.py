"""StartMergeCases and GetMergeCasesStatus (newer botocore only) through a real boto3
client: what a merge does to both cases, every documented refusal (with both cases left
as they were), and the locks while a merge runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from casemock import CasesMock, _model, mock_cases
from casemock._settings import Settings
from tests.helpers import (
    CONTACT,
    FILE,
    PROFILE,
    REGION,
    USER,
    add,
    comment,
    contact,
    create,
    custom,
    error_of,
    items,
    make_field,
    make_template,
    needs_merge,
    read,
    sla,
    text,
    update,
)
from tests.helpers import merge_status as status
from tests.helpers import start_merge as start

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

pytestmark = needs_merge
OTHER_PROFILE = PROFILE.replace("0123456789abcdef", "fedcba9876543210")
QUEUE = "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-1"


# -- helpers ----------------------------------------------------------------------------------


def select(secondary: str, *field_ids: str) -> dict[str, Any]:
    return {
        "fieldsConfiguration": [
            {"sourceCaseId": secondary, "fieldIds": [{"id": i} for i in field_ids]}
        ]
    }


def audit(client: ConnectCasesClient, domain_id: str, case_id: str) -> list[dict[str, Any]]:
    answer = client.get_case_audit_events(domainId=domain_id, caseId=case_id, maxResults=25)
    return [dict(event) for event in answer["auditEvents"]]


def links(client: ConnectCasesClient, domain_id: str, case_id: str) -> list[str]:
    return [
        i["content"]["connectCase"]["caseId"]
        for i in items(client, domain_id, case_id)
        if i["type"] == "ConnectCase"
    ]


def snapshot_of(client: ConnectCasesClient, domain_id: str, *case_ids: str) -> list[Any]:
    """What a refused request must leave unchanged."""
    return [
        (
            read(client, domain_id, i, ["title", "status", "summary", "last_updated_datetime"]),
            audit(client, domain_id, i),
            sorted(item["relatedItemId"] for item in items(client, domain_id, i)),
        )
        for i in case_ids
    ]


def refused(client: ConnectCasesClient, domain_id: str, primary: str, secondary: str) -> None:
    """Neither case takes part in a merge."""
    for case_id in (primary, secondary):
        with pytest.raises(ClientError) as excinfo:
            status(client, domain_id, case_id)
        assert error_of(excinfo) == ("ResourceNotFoundException", 404)


@pytest.fixture
def pair(client: ConnectCasesClient, domain_id: str, template_id: str) -> tuple[str, str]:
    return (
        create(client, domain_id, template_id, {"title": text("primary")}),
        create(client, domain_id, template_id, {"title": text("secondary")}),
    )


@contextmanager
def slow_merges(polls: int = 2, **settings: Any) -> Iterator[tuple[ConnectCasesClient, str, str]]:
    """A mock whose merges answer ``polls`` status polls with IN_PROGRESS, a domain and a
    template."""
    with mock_cases(
        region=REGION, settings=Settings(merge_polls_until_complete=polls, **settings)
    ) as mock:
        client: ConnectCasesClient = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        yield client, domain_id, make_template(client, domain_id)


# -- a completed merge ------------------------------------------------------------------------


def test_merge_completes_at_once_by_default(
    client: ConnectCasesClient, domain_id: str, pair: tuple[str, str]
) -> None:
    primary, secondary = pair
    start(client, domain_id, primary, secondary)
    assert status(client, domain_id, secondary) == {
        "status": "COMPLETED",
        "primaryCaseId": primary,
        "secondaryCaseIds": [secondary],
    }
    with pytest.raises(ClientError) as excinfo:
        status(client, domain_id, primary)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    assert read(client, domain_id, secondary, ["status"])["status"] == text("closed")
    assert "last_closed_datetime" in read(client, domain_id, secondary)
    assert read(client, domain_id, primary, ["status"])["status"] == text("open")


def test_cases_are_linked_both_ways(
    client: ConnectCasesClient, domain_id: str, pair: tuple[str, str]
) -> None:
    primary, secondary = pair
    start(client, domain_id, primary, secondary)
    assert links(client, domain_id, primary) == [secondary]
    assert links(client, domain_id, secondary) == [primary]


def test_existing_links_between_the_cases_are_not_doubled(
    client: ConnectCasesClient, domain_id: str, pair: tuple[str, str]
) -> None:
    primary, secondary = pair
    add(client, domain_id, primary, "ConnectCase", {"connectCase": {"caseId": secondary}})
    add(client, domain_id, secondary, "ConnectCase", {"connectCase": {"caseId": primary}})
    start(client, domain_id, primary, secondary, relatedItemsConfiguration={"connectCase": True})
    assert links(client, domain_id, primary) == [secondary]
    assert links(client, domain_id, secondary) == [primary]


def test_field_values_follow_the_fields_configuration(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    """Selected fields take the secondary's value; other mergeable fields keep the
    primary's value, or take the secondary's when the primary has none (the custom fields
    are on neither template); title and customer_id are never merged."""
    kept, taken, filled = (make_field(client, domain_id, name) for name in ("K", "T", "F"))
    primary = create(
        client,
        domain_id,
        template_id,
        {
            "title": text("primary"),
            kept: text("p-kept"),
            taken: text("p-taken"),
            "summary": text("p-summary"),
        },
    )
    secondary = create(
        client,
        domain_id,
        template_id,
        {
            "title": text("secondary"),
            kept: text("s-kept"),
            taken: text("s-taken"),
            filled: text("s-filled"),
            "summary": text("s-summary"),
            "assigned_queue": text(QUEUE),
            "customer_id": text(PROFILE),
        },
    )
    start(client, domain_id, primary, secondary, **select(secondary, taken, "summary"))
    ids = [kept, taken, filled, "summary", "assigned_queue", "title", "customer_id"]
    assert read(client, domain_id, primary, ids) == {
        kept: text("p-kept"),
        taken: text("s-taken"),
        filled: text("s-filled"),
        "summary": text("s-summary"),
        "assigned_queue": text(QUEUE),
        "title": text("primary"),
    }


def test_selecting_a_field_the_secondary_leaves_empty_clears_it(
    client: ConnectCasesClient, domain_id: str
) -> None:
    note = make_field(client, domain_id, "Note")
    with_note = make_template(client, domain_id, requiredFields=[])
    layout = client.create_layout(
        domainId=domain_id,
        name="with note",
        content={
            "basic": {
                "topPanel": {"sections": [{"fieldGroup": {"fields": [{"id": note}]}}]},
                "moreInfo": {"sections": []},
            }
        },
    )["layoutId"]
    client.update_template(
        domainId=domain_id, templateId=with_note, layoutConfiguration={"defaultLayout": layout}
    )
    primary = create(client, domain_id, with_note, {"title": text("p"), note: text("p-note")})
    secondary = create(client, domain_id, with_note, {"title": text("s")})
    start(client, domain_id, primary, secondary, **select(secondary, note))
    assert read(client, domain_id, primary, [note]) == {}


def test_selected_related_item_types_move_and_keep_their_identity(
    client: ConnectCasesClient, domain_id: str, pair: tuple[str, str]
) -> None:
    primary, secondary = pair
    note = make_field(client, domain_id, "Booking")
    moved_comment = add(
        client, domain_id, secondary, "Comment", comment(), performedBy={"userArn": USER}
    )
    moved_custom = add(client, domain_id, secondary, "Custom", custom(**{note: text("B-1")}))
    staying_contact = add(client, domain_id, secondary, "Contact", contact())
    staying_file = add(client, domain_id, secondary, "File", {"file": {"fileArn": FILE}})
    staying_sla = add(client, domain_id, secondary, "Sla", sla())
    client.tag_resource(
        arn=_item_arn(client, domain_id, secondary, moved_comment), tags={"team": "blue"}
    )
    before = {i["relatedItemId"]: i for i in items(client, domain_id, secondary)}
    start(
        client,
        domain_id,
        primary,
        secondary,
        relatedItemsConfiguration={"comment": True, "custom": True, "contact": False},
    )
    on_primary = {i["relatedItemId"]: i for i in items(client, domain_id, primary)}
    on_secondary = {i["relatedItemId"]: i for i in items(client, domain_id, secondary)}
    assert {moved_comment, moved_custom} <= set(on_primary)
    assert {staying_contact, staying_file, staying_sla} <= set(on_secondary)
    assert not {moved_comment, moved_custom} & set(on_secondary)
    moved = on_primary[moved_comment]
    assert moved["associationTime"] == before[moved_comment]["associationTime"]
    assert moved["performedBy"] == {"userArn": USER}
    assert moved["content"] == before[moved_comment]["content"]
    assert moved["tags"] == {"team": "blue"}


def _item_arn(client: ConnectCasesClient, domain_id: str, case_id: str, item_id: str) -> str:
    case_arn = f"arn:aws:cases:{REGION}:123456789012:domain/{domain_id}/case/{case_id}"
    return f"{case_arn}/related-item/{item_id}"


def test_moved_item_answers_under_the_primary_case(
    client: ConnectCasesClient, domain_id: str, pair: tuple[str, str]
) -> None:
    primary, secondary = pair
    item_id = add(client, domain_id, secondary, "Comment", comment())
    start(client, domain_id, primary, secondary, relatedItemsConfiguration={"comment": True})
    client.tag_resource(arn=_item_arn(client, domain_id, primary, item_id), tags={"k": "v"})
    with pytest.raises(ClientError) as excinfo:
        client.tag_resource(arn=_item_arn(client, domain_id, secondary, item_id), tags={"k": "v"})
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    client.delete_related_item(domainId=domain_id, caseId=primary, relatedItemId=item_id)


def test_a_contact_on_both_cases_stays_once_with_the_secondarys_extra_tag_keys(
    client: ConnectCasesClient, domain_id: str, pair: tuple[str, str]
) -> None:
    primary, secondary = pair
    kept = add(client, domain_id, primary, "Contact", contact())
    duplicate = add(client, domain_id, secondary, "Contact", contact())
    other = add(client, domain_id, secondary, "Contact", contact(CONTACT.replace("c-1", "c-2")))
    client.tag_resource(arn=_item_arn(client, domain_id, primary, kept), tags={"a": "primary"})
    client.tag_resource(
        arn=_item_arn(client, domain_id, secondary, duplicate),
        tags={"a": "secondary", "b": "secondary"},
    )
    start(client, domain_id, primary, secondary, relatedItemsConfiguration={"contact": True})
    on_primary = {i["relatedItemId"]: i for i in items(client, domain_id, primary)}
    assert set(on_primary) >= {kept, other}
    assert duplicate not in on_primary
    assert on_primary[kept]["tags"] == {"a": "primary", "b": "secondary"}
    assert [i["type"] for i in items(client, domain_id, secondary)] == ["ConnectCase"]


def test_links_to_a_case_the_primary_already_links_are_removed(
    client: ConnectCasesClient, domain_id: str, template_id: str, pair: tuple[str, str]
) -> None:
    primary, secondary = pair
    third = create(client, domain_id, template_id)
    fourth = create(client, domain_id, template_id)
    add(client, domain_id, primary, "ConnectCase", {"connectCase": {"caseId": third}})
    add(client, domain_id, secondary, "ConnectCase", {"connectCase": {"caseId": third}})
    add(client, domain_id, secondary, "ConnectCase", {"connectCase": {"caseId": fourth}})
    start(client, domain_id, primary, secondary, relatedItemsConfiguration={"connectCase": True})
    assert sorted(links(client, domain_id, primary)) == sorted([third, fourth, secondary])
    assert links(client, domain_id, secondary) == [primary]


def test_both_audit_histories_record_the_merge(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    primary = create(client, domain_id, template_id, {"title": text("p")})
    secondary = create(client, domain_id, template_id, {"title": text("s"), "summary": text("x")})
    add(client, domain_id, secondary, "Comment", comment())
    start(
        client,
        domain_id,
        primary,
        secondary,
        relatedItemsConfiguration={"comment": True},
        performedBy={"userArn": USER},
    )
    primary_events = [e for e in audit(client, domain_id, primary) if "mergeMetadata" in e]
    secondary_events = [e for e in audit(client, domain_id, secondary) if "mergeMetadata" in e]
    metadata = {e["mergeMetadata"]["mergeEventId"] for e in primary_events + secondary_events}
    assert len(metadata) == 1
    assert primary_events[0]["mergeMetadata"] == {
        "mergeEventId": metadata.pop(),
        "primaryCaseId": primary,
        "secondaryCaseId": secondary,
    }
    assert [e["type"] for e in primary_events] == [
        "Case.Merged",
        "RelatedItem.Created",
        "RelatedItem.Created",
    ]
    assert [e["type"] for e in secondary_events] == [
        "Case.Merged",
        "RelatedItem.Deleted",
        "RelatedItem.Created",
    ]
    merged = primary_events[0]
    assert merged["performedBy"]["user"] == {"userArn": USER}
    assert {f["eventFieldId"]: f["newValue"] for f in merged["fields"]} == {"summary": text("x")}
    closing = {f["eventFieldId"]: f for f in secondary_events[0]["fields"]}
    assert closing["status"]["oldValue"] == text("open")
    assert closing["status"]["newValue"] == text("closed")
    assert "last_closed_datetime" in closing


def test_merge_publishes_case_updated_events_for_both_cases(
    client: ConnectCasesClient, mock: CasesMock, domain_id: str, pair: tuple[str, str]
) -> None:
    primary, secondary = pair
    client.put_case_event_configuration(domainId=domain_id, eventBridge={"enabled": True})
    start(client, domain_id, primary, secondary)
    updated = {
        e["detail"]["case"]["caseId"]: e["detail"]["changedFieldIds"]
        for e in mock.events
        if e["detail"]["eventType"] == "CASE.UPDATED"
    }
    assert set(updated) == {primary, secondary}
    assert "status" in updated[secondary]


def test_merged_secondary_can_be_reopened_updated_and_deleted_but_not_merged_again(
    client: ConnectCasesClient, domain_id: str, template_id: str, pair: tuple[str, str]
) -> None:
    primary, secondary = pair
    start(client, domain_id, primary, secondary)
    update(client, domain_id, secondary, {"status": text("open"), "title": text("reopened")})
    fresh = create(client, domain_id, template_id)
    for first, second in ((fresh, secondary), (secondary, fresh)):
        with pytest.raises(ClientError) as excinfo:
            start(client, domain_id, first, second)
        assert error_of(excinfo) == ("ConflictException", 409)
    assert status(client, domain_id, secondary)["status"] == "COMPLETED"
    client.delete_case(domainId=domain_id, caseId=secondary)
    with pytest.raises(ClientError) as excinfo:
        status(client, domain_id, secondary)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


def test_primary_of_a_completed_merge_can_merge_again(
    client: ConnectCasesClient, domain_id: str, template_id: str, pair: tuple[str, str]
) -> None:
    primary, secondary = pair
    start(client, domain_id, primary, secondary)
    third = create(client, domain_id, template_id)
    start(client, domain_id, primary, third)
    assert status(client, domain_id, third)["primaryCaseId"] == primary
    assert sorted(links(client, domain_id, primary)) == sorted([secondary, third])


# -- refusals ---------------------------------------------------------------------------------


def test_unknown_domain_and_cases(
    client: ConnectCasesClient, domain_id: str, pair: tuple[str, str]
) -> None:
    primary, secondary = pair
    for domain, first, second in (
        ("no-such-domain", primary, secondary),
        (domain_id, "no-such-case", secondary),
        (domain_id, primary, "no-such-case"),
    ):
        with pytest.raises(ClientError) as excinfo:
            start(client, domain, first, second)
        assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    refused(client, domain_id, primary, secondary)
    with pytest.raises(ClientError) as excinfo:
        status(client, domain_id, "no-such-case")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


def test_a_case_cannot_be_merged_into_itself(
    client: ConnectCasesClient, domain_id: str, pair: tuple[str, str]
) -> None:
    primary, _ = pair
    with pytest.raises(ClientError) as excinfo:
        start(client, domain_id, primary, primary)
    assert error_of(excinfo) == ("ValidationException", 400)
    with pytest.raises(ClientError) as excinfo:
        status(client, domain_id, primary)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


@pytest.mark.parametrize("closed", ["primary", "secondary"])
def test_closed_cases_cannot_be_merged(
    client: ConnectCasesClient, domain_id: str, pair: tuple[str, str], closed: str
) -> None:
    primary, secondary = pair
    update(
        client, domain_id, primary if closed == "primary" else secondary, {"status": text("closed")}
    )
    before = snapshot_of(client, domain_id, primary, secondary)
    with pytest.raises(ClientError) as excinfo:
        start(client, domain_id, primary, secondary)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert snapshot_of(client, domain_id, primary, secondary) == before
    refused(client, domain_id, primary, secondary)


@pytest.mark.parametrize(
    ("primary_customer", "secondary_customer", "allowed"),
    [
        (PROFILE, OTHER_PROFILE, False),
        (PROFILE, PROFILE, True),
        (PROFILE, None, True),
        (None, OTHER_PROFILE, True),
    ],
)
def test_cases_of_different_customers_cannot_be_merged(
    client: ConnectCasesClient,
    domain_id: str,
    template_id: str,
    primary_customer: str | None,
    secondary_customer: str | None,
    allowed: bool,
) -> None:
    def make(customer: str | None) -> str:
        values = {"title": text("t")}
        if customer:
            values["customer_id"] = text(customer)
        return create(client, domain_id, template_id, values)

    primary, secondary = make(primary_customer), make(secondary_customer)
    before = snapshot_of(client, domain_id, primary, secondary)
    if allowed:
        start(client, domain_id, primary, secondary)
        assert status(client, domain_id, secondary)["status"] == "COMPLETED"
        # customer_id is not a mergeable field: the primary keeps what it had
        assert read(client, domain_id, primary, ["customer_id"]).get("customer_id") == (
            text(primary_customer) if primary_customer else None
        )
        return
    with pytest.raises(ClientError) as excinfo:
        start(client, domain_id, primary, secondary)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert snapshot_of(client, domain_id, primary, secondary) == before


@pytest.mark.parametrize(
    "problem",
    [
        "title",
        "status",
        "customer_id",
        "created_datetime",
        "reference_number",
        "unknown",
        "deleted",
        "absent",
        "repeated",
        "wrong-source",
        "two-entries",
    ],
)
def test_fields_configuration_refusals(
    client: ConnectCasesClient, domain_id: str, pair: tuple[str, str], problem: str
) -> None:
    primary, secondary = pair
    gone = make_field(client, domain_id, "Gone")
    absent = make_field(client, domain_id, "Absent")
    client.delete_field(domainId=domain_id, fieldId=gone)
    configuration: dict[str, Any] = {
        "unknown": select(secondary, "no-such-field"),
        "deleted": select(secondary, gone),
        "absent": select(secondary, absent),
        "repeated": select(secondary, "summary", "summary"),
        "wrong-source": select(primary, "summary"),
        "two-entries": {
            "fieldsConfiguration": select(secondary, "summary")["fieldsConfiguration"] * 2
        },
    }.get(problem) or select(secondary, problem)
    update(client, domain_id, secondary, {"summary": text("s")})
    before = snapshot_of(client, domain_id, primary, secondary)
    with pytest.raises(ClientError) as excinfo:
        start(client, domain_id, primary, secondary, **configuration)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert snapshot_of(client, domain_id, primary, secondary) == before
    refused(client, domain_id, primary, secondary)


def test_more_than_500_field_values_on_the_primary_are_refused() -> None:
    with mock_cases(region=REGION, settings=Settings(fields=1000)) as mock:
        client: ConnectCasesClient = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        template_id = make_template(client, domain_id)
        ids = [make_field(client, domain_id, f"f{n}") for n in range(500)]

        def make(field_ids: list[str]) -> str:
            case_id = create(client, domain_id, template_id, {"title": text("t")})
            for chunk in range(0, len(field_ids), 200):
                update(client, domain_id, case_id, {i: text("v") for i in field_ids[chunk:][:200]})
            return case_id

        # the primary holds 8 system values and 250 custom ones
        primary, secondary = make(ids[:250]), make(ids[250:])
        with pytest.raises(ClientError) as excinfo:
            start(client, domain_id, primary, secondary)
        assert error_of(excinfo) == ("ValidationException", 400)
        refused(client, domain_id, primary, secondary)
        smaller = make(ids[250:480])
        start(client, domain_id, primary, smaller)
        assert status(client, domain_id, smaller)["status"] == "COMPLETED"


@pytest.mark.parametrize("crowded", ["primary", "secondary"])
def test_related_item_quota_counts_moved_items_and_the_new_link(crowded: str) -> None:
    with mock_cases(region=REGION, settings=Settings(related_items_per_case=3)) as mock:
        client: ConnectCasesClient = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        template_id = make_template(client, domain_id)
        primary = create(client, domain_id, template_id)
        secondary = create(client, domain_id, template_id)
        if crowded == "primary":  # 2 + 1 moved + 1 link > 3
            add(client, domain_id, primary, "Comment", comment())
            add(client, domain_id, primary, "Comment", comment())
            add(client, domain_id, secondary, "Comment", comment())
        else:  # 3 staying + 1 link > 3
            for _ in range(3):
                add(client, domain_id, secondary, "Contact", contact())
        before = snapshot_of(client, domain_id, primary, secondary)
        with pytest.raises(ClientError) as excinfo:
            start(
                client, domain_id, primary, secondary, relatedItemsConfiguration={"comment": True}
            )
        assert error_of(excinfo) == ("ServiceQuotaExceededException", 402)
        assert snapshot_of(client, domain_id, primary, secondary) == before
        refused(client, domain_id, primary, secondary)


def test_related_item_quota_allows_exactly_the_limit() -> None:
    with mock_cases(region=REGION, settings=Settings(related_items_per_case=3)) as mock:
        client: ConnectCasesClient = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        template_id = make_template(client, domain_id)
        primary = create(client, domain_id, template_id)
        secondary = create(client, domain_id, template_id)
        add(client, domain_id, primary, "Comment", comment())
        add(client, domain_id, secondary, "Comment", comment())
        start(client, domain_id, primary, secondary, relatedItemsConfiguration={"comment": True})
        assert len(items(client, domain_id, primary)) == 3


def test_cases_outside_the_callers_access_scope(
    client: ConnectCasesClient, mock: CasesMock, domain_id: str, template_id: str
) -> None:
    mine = create(client, domain_id, template_id, tags={"Department": "Shipping"})
    theirs = create(client, domain_id, template_id, tags={"Department": "Billing"})
    mock.restrict_access("AKIAAGENTEXAMPLE", tags={"Department": "Shipping"})
    agent = mock.client(access_key_id="AKIAAGENTEXAMPLE")
    with pytest.raises(ClientError) as excinfo:
        start(agent, domain_id, mine, theirs)
    assert error_of(excinfo) == ("AccessDeniedException", 403)
    refused(client, domain_id, mine, theirs)


# -- a running merge --------------------------------------------------------------------------


def test_merge_completes_on_the_poll_after_the_configured_number() -> None:
    with slow_merges(polls=2) as (client, domain_id, template_id):
        primary = create(client, domain_id, template_id, {"title": text("p")})
        secondary = create(client, domain_id, template_id, {"title": text("s")})
        start(client, domain_id, primary, secondary)
        running = {
            "status": "IN_PROGRESS",
            "primaryCaseId": primary,
            "secondaryCaseIds": [secondary],
        }
        assert status(client, domain_id, primary) == running
        assert read(client, domain_id, secondary, ["status"])["status"] == text("open")
        assert status(client, domain_id, secondary) == running
        assert status(client, domain_id, secondary)["status"] == "COMPLETED"
        assert read(client, domain_id, secondary, ["status"])["status"] == text("closed")
        with pytest.raises(ClientError) as excinfo:
            status(client, domain_id, primary)
        assert error_of(excinfo) == ("ResourceNotFoundException", 404)


def test_polling_the_primary_completes_the_merge_too() -> None:
    with slow_merges(polls=1) as (client, domain_id, template_id):
        primary = create(client, domain_id, template_id)
        secondary = create(client, domain_id, template_id)
        start(client, domain_id, primary, secondary)
        assert status(client, domain_id, primary)["status"] == "IN_PROGRESS"
        with pytest.raises(ClientError) as excinfo:
            status(client, domain_id, primary)  # completes it; the primary is then not merging
        assert error_of(excinfo) == ("ResourceNotFoundException", 404)
        assert status(client, domain_id, secondary)["status"] == "COMPLETED"


def test_secondary_is_locked_while_the_merge_runs() -> None:
    with slow_merges(polls=5) as (client, domain_id, template_id):
        primary = create(client, domain_id, template_id)
        secondary = create(client, domain_id, template_id)
        item_id = add(client, domain_id, secondary, "Comment", comment())
        start(client, domain_id, primary, secondary)
        before = snapshot_of(client, domain_id, secondary)
        attempts: list[Callable[[], object]] = [
            lambda: update(client, domain_id, secondary, {"title": text("x")}),
            lambda: client.delete_case(domainId=domain_id, caseId=secondary),
            lambda: client.delete_case(domainId=domain_id, caseId=primary),
            lambda: add(client, domain_id, secondary, "Comment", comment()),
            lambda: client.delete_related_item(
                domainId=domain_id, caseId=secondary, relatedItemId=item_id
            ),
        ]
        if _model.has_operation("UpdateRelatedItem"):
            attempts.append(
                lambda: client.update_related_item(
                    domainId=domain_id,
                    caseId=secondary,
                    relatedItemId=item_id,
                    content=comment("edited"),  # type: ignore[arg-type]
                )
            )
        for attempt in attempts:
            with pytest.raises(ClientError) as excinfo:
                attempt()
            assert error_of(excinfo) == ("ConflictException", 409)
        assert snapshot_of(client, domain_id, secondary) == before


def test_either_case_of_a_running_merge_cannot_join_another() -> None:
    with slow_merges(polls=5) as (client, domain_id, template_id):
        primary, secondary, other = (create(client, domain_id, template_id) for _ in range(3))
        start(client, domain_id, primary, secondary)
        for first, second in (
            (other, primary),
            (primary, other),
            (secondary, other),
            (other, secondary),
        ):
            with pytest.raises(ClientError) as excinfo:
                start(client, domain_id, first, second)
            assert error_of(excinfo) == ("ConflictException", 409)


def test_batch_operations_report_the_secondary_as_a_conflict() -> None:
    with slow_merges(polls=5) as (client, domain_id, template_id):
        primary = create(client, domain_id, template_id)
        secondary = create(client, domain_id, template_id)
        start(client, domain_id, primary, secondary)
        cases = [{"caseIdentifier": {"caseId": i}} for i in (primary, secondary)]
        answer = client.batch_update_case(  # type: ignore[attr-defined]
            domainId=domain_id, cases=cases, fields=[], title="renamed"
        )
        assert [s["caseIdentifier"]["caseId"] for s in answer["successfulCases"]] == [primary]
        assert [(f["caseIdentifier"]["caseId"], f["errorCode"]) for f in answer["failedCases"]] == [
            (secondary, "CONFLICT")
        ]
        if _model.has_operation("BatchCreateRelatedItem"):
            answer = client.batch_create_related_item(  # type: ignore[attr-defined]
                domainId=domain_id, cases=cases, content=comment()
            )
            assert [f["errorCode"] for f in answer["failedItems"]] == ["CONFLICT"]


def test_changes_to_the_primary_during_the_merge_are_taken_into_account() -> None:
    with slow_merges(polls=1) as (client, domain_id, template_id):
        primary = create(client, domain_id, template_id, {"title": text("p")})
        secondary = create(
            client, domain_id, template_id, {"title": text("s"), "summary": text("s-summary")}
        )
        start(client, domain_id, primary, secondary)
        update(client, domain_id, primary, {"summary": text("written meanwhile")})
        add(client, domain_id, primary, "Comment", comment())
        status(client, domain_id, secondary)
        assert status(client, domain_id, secondary)["status"] == "COMPLETED"
        assert read(client, domain_id, primary, ["summary"]) == {
            "summary": text("written meanwhile")
        }


@pytest.mark.skipif(not hasattr(CasesMock, "snapshot"), reason="no snapshots in this casemock")
def test_a_running_merge_survives_snapshot_and_restore() -> None:
    with mock_cases(region=REGION, settings=Settings(merge_polls_until_complete=1)) as mock:
        client: ConnectCasesClient = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        template_id = make_template(client, domain_id)
        primary = create(client, domain_id, template_id)
        secondary = create(client, domain_id, template_id)
        start(client, domain_id, primary, secondary)
        saved = mock.snapshot()
        assert status(client, domain_id, secondary)["status"] == "IN_PROGRESS"
        assert status(client, domain_id, secondary)["status"] == "COMPLETED"
        mock.restore(saved)
        assert status(client, domain_id, secondary)["status"] == "IN_PROGRESS"
        with pytest.raises(ClientError) as excinfo:
            update(client, domain_id, secondary, {"title": text("x")})
        assert error_of(excinfo) == ("ConflictException", 409)
