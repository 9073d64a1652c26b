"""Related items: CreateRelatedItem for every type, UpdateRelatedItem, DeleteRelatedItem and
BatchCreateRelatedItem, with their quotas, audit entries and case events."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock import CasesMock, _model
from tests.helpers import (
    CONTACT,
    FILE,
    OTHER_USER,
    REGION,
    START,
    USER,
    add,
    add_at,
    at,
    audit_events,
    comment,
    contact,
    create,
    custom,
    item,
    items,
    make_field,
    make_template,
    read,
    refused,
    sla,
    sla_config,
    small_mock,
    text,
    update,
)

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
    from types_boto3_connectcases.type_defs import (
        CreateRelatedItemResponseTypeDef,
        UpdateRelatedItemResponseTypeDef,
    )
else:
    ConnectCasesClient = Any

needs_update = pytest.mark.skipif(
    not _model.has_operation("UpdateRelatedItem"), reason="no UpdateRelatedItem in this botocore"
)
needs_batch = pytest.mark.skipif(
    not _model.has_operation("BatchCreateRelatedItem"),
    reason="no BatchCreateRelatedItem in this botocore",
)


def create_comment(
    client: ConnectCasesClient,
    domain_id: str,
    case_id: str,
    body: str = "Customer called back",
    **options: Any,
) -> CreateRelatedItemResponseTypeDef:
    """CreateRelatedItem of a comment; the whole answer (id and ARN)."""
    return client.create_related_item(
        domainId=domain_id,
        caseId=case_id,
        type="Comment",
        content=comment(body),  # type: ignore[arg-type]
        **options,
    )


def update_item(
    client: ConnectCasesClient,
    domain_id: str,
    case_id: str,
    item_id: str,
    content: dict[str, Any],
    **options: Any,
) -> UpdateRelatedItemResponseTypeDef:
    """UpdateRelatedItem of one item with new ``content``."""
    return client.update_related_item(
        domainId=domain_id,
        caseId=case_id,
        relatedItemId=item_id,
        content=content,  # type: ignore[arg-type]
        **options,
    )


# -- CreateRelatedItem: every type ---------------------------------------------------------


def test_comment_is_created_with_id_arn_and_performer(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    answer = create_comment(
        client, domain_id, case_id, "Refund approved", performedBy={"userArn": USER}
    )
    item_id = answer["relatedItemId"]
    case_arn = f"arn:aws:cases:{REGION}:123456789012:domain/{domain_id}/case/{case_id}"
    assert answer["relatedItemArn"] == f"{case_arn}/related-item/{item_id}"
    found = item(client, domain_id, case_id, item_id)
    assert found["type"] == "Comment"
    assert found["content"] == comment("Refund approved")
    assert found["performedBy"] == {"userArn": USER}
    assert found["tags"] == {}


def test_contact_gets_default_channel_and_connection_time(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = add_at(0, client, domain_id, case_id, "Contact", contact())
    found = item(client, domain_id, case_id, item_id)
    assert found["content"]["contact"] == {
        "contactArn": CONTACT,
        "channel": "VOICE",
        "connectedToSystemTime": START,
    }
    assert found["associationTime"] == START
    assert "performedBy" not in found


def test_contact_resolver_setting_supplies_channel_and_time() -> None:
    connected = START - timedelta(minutes=5)
    seen: list[str] = []

    def resolver(arn: str) -> dict[str, Any]:
        seen.append(arn)
        return {"channel": "CHAT", "connectedToSystemTime": connected}

    with small_mock(contact_resolver=resolver) as (client, domain_id, _, case_id):
        item_id = add(client, domain_id, case_id, "Contact", contact())
        found = item(client, domain_id, case_id, item_id)
    assert seen == [CONTACT]
    assert found["content"]["contact"]["channel"] == "CHAT"
    assert found["content"]["contact"]["connectedToSystemTime"] == connected


@pytest.mark.parametrize(
    "arn",
    [
        "not-an-arn",
        "arn:aws:connect:us-east-1:123456789012:instance/i-1/user/u-1",
        "arn:aws:cases:us-east-1:123456789012:domain/d/case/c",
    ],
)
def test_contact_needs_a_connect_contact_arn(
    client: ConnectCasesClient, domain_id: str, case_id: str, arn: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        add(client, domain_id, case_id, "Contact", contact(arn))
    assert refused(excinfo) == "ValidationException"
    assert items(client, domain_id, case_id) == []


def test_file_is_stored_and_needs_a_file_arn(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = add(client, domain_id, case_id, "File", {"file": {"fileArn": FILE}})
    assert item(client, domain_id, case_id, item_id)["content"] == {"file": {"fileArn": FILE}}
    with pytest.raises(ClientError) as excinfo:
        add(client, domain_id, case_id, "File", {"file": {"fileArn": CONTACT}})
    assert refused(excinfo) == "ValidationException"


def test_connect_case_links_another_case_of_the_domain(
    client: ConnectCasesClient, domain_id: str, template_id: str, case_id: str
) -> None:
    other = create(client, domain_id, template_id)
    item_id = add(client, domain_id, case_id, "ConnectCase", {"connectCase": {"caseId": other}})
    found = item(client, domain_id, case_id, item_id)
    assert found["content"] == {"connectCase": {"caseId": other}}


def test_connect_case_refuses_self_unknown_and_foreign_cases(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    other_domain = client.create_domain(name="other")["domainId"]
    foreign = create(client, other_domain, make_template(client, other_domain))
    for target in (case_id, "no-such-case", foreign):
        with pytest.raises(ClientError) as excinfo:
            add(client, domain_id, case_id, "ConnectCase", {"connectCase": {"caseId": target}})
        assert refused(excinfo) == "ValidationException"
    assert items(client, domain_id, case_id) == []


def test_custom_item_holds_typed_custom_field_values(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    order = make_field(client, domain_id, "Order")
    amount = make_field(client, domain_id, "Amount", "Number")
    item_id = add(
        client,
        domain_id,
        case_id,
        "Custom",
        custom(**{order: text("A-17"), amount: {"doubleValue": 12.5}}),
    )
    found = item(client, domain_id, case_id, item_id)
    assert found["content"] == custom(**{order: text("A-17"), amount: {"doubleValue": 12.5}})


def test_custom_item_refuses_bad_fields(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    amount = make_field(client, domain_id, "Amount", "Number")
    gone = make_field(client, domain_id, "Gone")
    client.delete_field(domainId=domain_id, fieldId=gone)
    bad = [
        custom(title=text("system fields are not allowed")),
        custom(nope=text("unknown field")),
        custom(**{gone: text("deleted field")}),
        custom(**{amount: text("a string for a Number field")}),
        {"custom": {"fields": [{"id": amount, "value": {"doubleValue": 1.0}}] * 2}},
    ]
    for content in bad:
        with pytest.raises(ClientError) as excinfo:
            add(client, domain_id, case_id, "Custom", content)
        assert refused(excinfo) == "ValidationException", content
    assert items(client, domain_id, case_id) == []


def test_custom_item_field_count_is_a_quota() -> None:
    with small_mock(fields_per_custom_related_item=2) as (client, domain_id, _, case_id):
        ids = [make_field(client, domain_id, f"F{n}") for n in range(3)]
        add(client, domain_id, case_id, "Custom", custom(**{i: text("x") for i in ids[:2]}))
        with pytest.raises(ClientError) as excinfo:
            add(client, domain_id, case_id, "Custom", custom(**{i: text("x") for i in ids}))
        assert refused(excinfo) == "ServiceQuotaExceededException"
        assert len(items(client, domain_id, case_id)) == 1


def test_type_must_match_the_content_member(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        add(client, domain_id, case_id, "Comment", contact())
    assert refused(excinfo) == "ValidationException"
    assert items(client, domain_id, case_id) == []


def test_unknown_case_or_domain_is_not_found(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        add(client, domain_id, "no-such-case", "Comment", comment())
    assert refused(excinfo) == "ResourceNotFoundException"
    assert excinfo.value.response["resourceType"] == "Case"  # type: ignore[typeddict-item]
    with pytest.raises(ClientError) as excinfo:
        add(client, "no-such-domain", "c", "Comment", comment())
    assert refused(excinfo) == "ResourceNotFoundException"


# -- SLAs ------------------------------------------------------------------------------------


def test_sla_starts_active_with_a_target_time(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    with time_machine.travel(START, tick=False):
        item_id = add(client, domain_id, case_id, "Sla", sla(minutes=90))
        found = item(client, domain_id, case_id, item_id)
    assert found["content"]["sla"]["slaConfiguration"] == {
        "name": "Resolve",
        "type": "CaseField",
        "status": "Active",
        "fieldId": "status",
        "targetFieldValues": [text("closed")],
        "targetTime": START + timedelta(minutes=90),
    }


def test_sla_becomes_overdue_after_its_target_time(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = add_at(0, client, domain_id, case_id, "Sla", sla(minutes=60))
    with time_machine.travel(at(60), tick=False):
        assert sla_config(client, domain_id, case_id, item_id)["status"] == "Active"
    with time_machine.travel(at(61), tick=False):
        assert sla_config(client, domain_id, case_id, item_id)["status"] == "Overdue"


def close_under_sla(
    client: ConnectCasesClient, domain_id: str, case_id: str, closed_after: int
) -> str:
    """A 60-minute SLA added at START, then the case closed ``closed_after`` minutes later;
    answers the SLA's item id."""
    item_id = add_at(0, client, domain_id, case_id, "Sla", sla(minutes=60))
    with time_machine.travel(at(closed_after), tick=False):
        update(client, domain_id, case_id, {"status": text("closed")})
    return item_id


def test_sla_is_met_when_the_case_reaches_the_target_in_time(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = close_under_sla(client, domain_id, case_id, closed_after=30)
    with time_machine.travel(START + timedelta(days=2), tick=False):
        config = sla_config(client, domain_id, case_id, item_id)
        assert (config["status"], config["completionTime"]) == ("Met", at(30))
        update(client, domain_id, case_id, {"status": text("open")})  # reopening: stays Met
        assert sla_config(client, domain_id, case_id, item_id)["status"] == "Met"


def test_sla_is_not_met_when_the_target_is_reached_late(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = close_under_sla(client, domain_id, case_id, closed_after=180)
    with time_machine.travel(at(180), tick=False):
        config = sla_config(client, domain_id, case_id, item_id)
    assert (config["status"], config["completionTime"]) == ("NotMet", at(180))


def test_sla_on_a_case_already_at_the_target_is_met_at_once(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    update(client, domain_id, case_id, {"status": text("closed")})
    item_id = add_at(0, client, domain_id, case_id, "Sla", sla())
    config = sla_config(client, domain_id, case_id, item_id)
    assert (config["status"], config["completionTime"]) == ("Met", START)


def test_sla_ignores_changes_made_before_it_was_added(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    update(client, domain_id, case_id, {"status": text("closed")})
    update(client, domain_id, case_id, {"status": text("open")})
    item_id = add(client, domain_id, case_id, "Sla", sla())
    config = sla_config(client, domain_id, case_id, item_id)
    assert config["status"] == "Active"
    assert "completionTime" not in config


def test_sla_needs_a_live_field_and_a_valid_target(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    no_field = sla()
    del no_field["sla"]["slaInputConfiguration"]["fieldId"]
    no_target = sla()
    del no_target["sla"]["slaInputConfiguration"]["targetFieldValues"]
    for content in (no_field, no_target, sla(field_id="nope"), sla(target="not-an-option")):
        with pytest.raises(ClientError) as excinfo:
            add(client, domain_id, case_id, "Sla", content)
        assert refused(excinfo) == "ValidationException", content
    assert items(client, domain_id, case_id) == []


# -- quotas ------------------------------------------------------------------------------


def test_related_items_per_case_is_a_quota() -> None:
    with small_mock(related_items_per_case=3) as (client, domain_id, template_id, case_id):
        for n in range(3):
            add(client, domain_id, case_id, "Comment", comment(f"note {n}"))
        before = audit_events(client, domain_id, case_id)
        with pytest.raises(ClientError) as excinfo:
            add(client, domain_id, case_id, "Comment", comment("one too many"))
        assert refused(excinfo) == "ServiceQuotaExceededException"
        assert len(items(client, domain_id, case_id)) == 3
        assert audit_events(client, domain_id, case_id) == before
        other = create(client, domain_id, template_id)  # the quota is per case
        add(client, domain_id, other, "Comment", comment())


@pytest.mark.parametrize(
    ("quota", "item_type", "content"),
    [
        ("files_per_case", "File", {"file": {"fileArn": FILE}}),
        ("slas_per_case", "Sla", sla()),
    ],
)
def test_files_and_slas_per_case_are_quotas(
    quota: str, item_type: str, content: dict[str, Any]
) -> None:
    with small_mock(**{quota: 2}) as (client, domain_id, _, case_id):
        add(client, domain_id, case_id, item_type, content)
        add(client, domain_id, case_id, item_type, content)
        with pytest.raises(ClientError) as excinfo:
            add(client, domain_id, case_id, item_type, content)
        assert refused(excinfo) == "ServiceQuotaExceededException"
        add(client, domain_id, case_id, "Comment", comment())  # other types still fit
        assert len(items(client, domain_id, case_id)) == 3


# -- side effects ------------------------------------------------------------------------


def test_creation_is_audited_with_the_item_type(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    add(client, domain_id, case_id, "Comment", comment(), performedBy={"userArn": USER})
    event = audit_events(client, domain_id, case_id)[-1]
    assert event["type"] == "RelatedItem.Created"
    assert event["relatedItemType"] == "Comment"
    assert event["fields"] == []
    assert event["performedBy"]["user"] == {"userArn": USER}
    assert event["performedBy"]["iamPrincipalArn"].startswith("arn:aws:iam::123456789012:")


def test_creation_leaves_the_case_fields_alone(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    before = read(client, domain_id, case_id)
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(hours=1)):
        add(client, domain_id, case_id, "Comment", comment())
    assert read(client, domain_id, case_id) == before


def test_creation_publishes_a_related_item_event(
    mock: CasesMock, client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    client.put_case_event_configuration(
        domainId=domain_id,
        eventBridge={
            "enabled": True,
            "includedData": {"relatedItemData": {"includeContent": True}},
        },
    )
    mock.events.clear()
    item_id = add(client, domain_id, case_id, "Comment", comment("Hello"))
    [event] = mock.events
    detail = event["detail"]
    assert detail["eventType"] == "RELATED_ITEM.CREATED"
    assert detail["relatedItem"]["relatedItemId"] == item_id
    assert detail["relatedItem"]["relatedItemType"] == "Comment"
    assert detail["relatedItem"]["caseId"] == case_id
    assert detail["relatedItem"]["comment"]["body"] == "Hello"
    assert event["resources"][1].endswith(f"/case/{case_id}/related-item/{item_id}")


def test_no_event_when_events_are_disabled(
    mock: CasesMock, client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    mock.events.clear()
    add(client, domain_id, case_id, "Comment", comment())
    assert mock.events == []


def test_related_items_can_be_tagged(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    answer = create_comment(client, domain_id, case_id)
    client.tag_resource(arn=answer["relatedItemArn"], tags={"team": "billing"})
    assert item(client, domain_id, case_id, answer["relatedItemId"])["tags"] == {"team": "billing"}


def test_deleting_the_case_removes_its_related_items(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    answer = create_comment(client, domain_id, case_id)
    client.delete_case(domainId=domain_id, caseId=case_id)
    with pytest.raises(ClientError) as excinfo:
        client.list_tags_for_resource(arn=answer["relatedItemArn"])
    assert refused(excinfo) == "ResourceNotFoundException"


# -- UpdateRelatedItem ---------------------------------------------------------------------


def missing_items(
    client: ConnectCasesClient, domain_id: str, template_id: str, case_id: str
) -> list[tuple[str, str]]:
    """Adds a comment to ``case_id`` and creates another case; answers the (case, item) pairs
    that name no item: an unknown item, the comment under the other case, an unknown case."""
    item_id = add(client, domain_id, case_id, "Comment", comment())
    other = create(client, domain_id, template_id)
    return [(case_id, "no-such-item"), (other, item_id), ("no-such-case", item_id)]


@needs_update
def test_update_comment_answers_the_full_item(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = add_at(
        0, client, domain_id, case_id, "Comment", comment(), performedBy={"userArn": USER}
    )
    answer = update_item(
        client, domain_id, case_id, item_id, comment("Edited"), performedBy={"userArn": OTHER_USER}
    )
    assert answer["relatedItemId"] == item_id
    assert answer["relatedItemArn"].endswith(f"/case/{case_id}/related-item/{item_id}")
    assert answer["type"] == "Comment"
    assert answer["content"] == comment("Edited")
    assert answer["associationTime"] == START
    assert answer["tags"] == {}
    assert answer["createdBy"] == {"userArn": USER}
    assert answer["lastUpdatedUser"] == {"userArn": OTHER_USER}
    assert item(client, domain_id, case_id, item_id)["content"] == comment("Edited")
    event = audit_events(client, domain_id, case_id)[-1]
    assert (event["type"], event["relatedItemType"]) == ("RelatedItem.Updated", "Comment")


@needs_update
def test_update_custom_replaces_the_field_list(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    order, note = make_field(client, domain_id, "Order"), make_field(client, domain_id, "Note")
    item_id = add(
        client, domain_id, case_id, "Custom", custom(**{order: text("A-1"), note: text("n")})
    )
    answer = update_item(client, domain_id, case_id, item_id, custom(**{order: text("A-2")}))
    assert answer["content"] == custom(**{order: text("A-2")})
    assert item(client, domain_id, case_id, item_id)["content"] == custom(**{order: text("A-2")})


@needs_update
def test_update_refuses_other_types_mismatches_and_bad_fields(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    contact_id = add(client, domain_id, case_id, "Contact", contact())
    comment_id = add(client, domain_id, case_id, "Comment", comment("Original"))
    order = make_field(client, domain_id, "Order")
    custom_id = add(client, domain_id, case_id, "Custom", custom(**{order: text("A-1")}))
    before = items(client, domain_id, case_id)
    audited = audit_events(client, domain_id, case_id)
    attempts = [
        (contact_id, comment()),  # Contact items cannot be updated
        (comment_id, custom(**{order: text("x")})),  # content member of another type
        (custom_id, comment()),
        (custom_id, custom(title=text("system field"))),
    ]
    for item_id, content in attempts:
        with pytest.raises(ClientError) as excinfo:
            update_item(client, domain_id, case_id, item_id, content)
        assert refused(excinfo) == "ValidationException", content
    assert items(client, domain_id, case_id) == before
    assert audit_events(client, domain_id, case_id) == audited


@needs_update
def test_update_custom_field_count_is_a_quota() -> None:
    with small_mock(fields_per_custom_related_item=1) as (client, domain_id, _, case_id):
        a, b = make_field(client, domain_id, "A"), make_field(client, domain_id, "B")
        item_id = add(client, domain_id, case_id, "Custom", custom(**{a: text("x")}))
        with pytest.raises(ClientError) as excinfo:
            update_item(client, domain_id, case_id, item_id, custom(**{a: text("x"), b: text("y")}))
        assert refused(excinfo) == "ServiceQuotaExceededException"
        assert item(client, domain_id, case_id, item_id)["content"] == custom(**{a: text("x")})


@needs_update
def test_update_of_unknown_item_or_case_is_not_found(
    client: ConnectCasesClient, domain_id: str, template_id: str, case_id: str
) -> None:
    for case, target in missing_items(client, domain_id, template_id, case_id):
        with pytest.raises(ClientError) as excinfo:
            update_item(client, domain_id, case, target, comment())
        assert refused(excinfo) == "ResourceNotFoundException"


@needs_update
def test_update_that_changes_nothing_is_not_audited(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = add(client, domain_id, case_id, "Comment", comment("Same"))
    audited = audit_events(client, domain_id, case_id)
    update_item(client, domain_id, case_id, item_id, comment("Same"))
    assert audit_events(client, domain_id, case_id) == audited


# -- DeleteRelatedItem ---------------------------------------------------------------------


def test_delete_removes_the_item_and_is_audited(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    keep = add(client, domain_id, case_id, "Comment", comment("keep"))
    gone = add(client, domain_id, case_id, "Sla", sla())
    client.delete_related_item(domainId=domain_id, caseId=case_id, relatedItemId=gone)
    assert [i["relatedItemId"] for i in items(client, domain_id, case_id)] == [keep]
    event = audit_events(client, domain_id, case_id)[-1]
    assert (event["type"], event["relatedItemType"]) == ("RelatedItem.Deleted", "Sla")
    with pytest.raises(ClientError) as excinfo:  # deleting twice
        client.delete_related_item(domainId=domain_id, caseId=case_id, relatedItemId=gone)
    assert refused(excinfo) == "ResourceNotFoundException"


def test_delete_refuses_file_items(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    file_id = add(client, domain_id, case_id, "File", {"file": {"fileArn": FILE}})
    audited = audit_events(client, domain_id, case_id)
    with pytest.raises(ClientError) as excinfo:
        client.delete_related_item(domainId=domain_id, caseId=case_id, relatedItemId=file_id)
    assert refused(excinfo) == "ValidationException"
    assert [i["relatedItemId"] for i in items(client, domain_id, case_id)] == [file_id]
    assert audit_events(client, domain_id, case_id) == audited


def test_delete_of_unknown_item_or_item_of_another_case_is_not_found(
    client: ConnectCasesClient, domain_id: str, template_id: str, case_id: str
) -> None:
    for case, target in missing_items(client, domain_id, template_id, case_id):
        with pytest.raises(ClientError) as excinfo:
            client.delete_related_item(domainId=domain_id, caseId=case, relatedItemId=target)
        assert refused(excinfo) == "ResourceNotFoundException"
    assert len(items(client, domain_id, case_id)) == 1


def test_deleted_item_frees_its_quota() -> None:
    with small_mock(related_items_per_case=1) as (client, domain_id, _, case_id):
        item_id = add(client, domain_id, case_id, "Comment", comment())
        client.delete_related_item(domainId=domain_id, caseId=case_id, relatedItemId=item_id)
        add(client, domain_id, case_id, "Comment", comment())


# -- BatchCreateRelatedItem ----------------------------------------------------------------


def batch(client: ConnectCasesClient, domain_id: str, cases: list[Any], **options: Any) -> Any:
    options.setdefault("content", comment("Outage notice"))
    return client.batch_create_related_item(domainId=domain_id, cases=cases, **options)  # type: ignore[attr-defined]


def by_id(*case_ids: str) -> list[Any]:
    return [{"caseIdentifier": {"caseId": i}} for i in case_ids]


def reference_of(client: ConnectCasesClient, domain_id: str, case_id: str) -> str:
    value = read(client, domain_id, case_id, ["reference_number"])["reference_number"]
    return str(value["stringValue"])


@needs_batch
def test_batch_adds_the_comment_to_every_case(
    client: ConnectCasesClient, domain_id: str, template_id: str, case_id: str
) -> None:
    other = create(client, domain_id, template_id)
    answer = batch(client, domain_id, by_id(case_id, other), performedBy={"userArn": USER})
    assert answer["failedItems"] == []
    assert [entry["caseIdentifier"] for entry in answer["successfulItems"]] == [
        {"caseId": case_id, "referenceId": reference_of(client, domain_id, case_id)},
        {"caseId": other, "referenceId": reference_of(client, domain_id, other)},
    ]
    for entry, case in zip(answer["successfulItems"], (case_id, other), strict=True):
        found = item(client, domain_id, case, entry["relatedItemId"])
        assert found["content"] == comment("Outage notice")
        assert found["performedBy"] == {"userArn": USER}
        assert entry["relatedItemArn"].endswith(
            f"/case/{case}/related-item/{found['relatedItemId']}"
        )
        assert audit_events(client, domain_id, case)[-1]["type"] == "RelatedItem.Created"


@needs_batch
def test_batch_finds_cases_by_reference_id(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    reference = reference_of(client, domain_id, case_id)
    answer = batch(client, domain_id, [{"caseIdentifier": {"referenceId": reference.lower()}}])
    assert [e["caseIdentifier"]["caseId"] for e in answer["successfulItems"]] == [case_id]


@needs_batch
def test_batch_reports_unknown_case_ids_and_goes_on(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    answer = batch(client, domain_id, by_id("no-such-case", case_id))
    assert answer["failedItems"] == [
        {
            "caseIdentifier": {"caseId": "no-such-case"},
            "errorCode": "CASE_NOT_FOUND",
            "errorMessage": answer["failedItems"][0]["errorMessage"],
        }
    ]
    assert [e["caseIdentifier"]["caseId"] for e in answer["successfulItems"]] == [case_id]
    assert len(items(client, domain_id, case_id)) == 1


@needs_batch
def test_batch_reports_a_full_case_and_goes_on() -> None:
    with small_mock(related_items_per_case=1) as (client, domain_id, template_id, case_id):
        add(client, domain_id, case_id, "Comment", comment())
        other = create(client, domain_id, template_id)
        answer = batch(client, domain_id, by_id(case_id, other))
        assert [(e["caseIdentifier"]["caseId"], e["errorCode"]) for e in answer["failedItems"]] == [
            (case_id, "SERVICE_QUOTA_EXCEEDED")
        ]
        assert len(items(client, domain_id, other)) == 1


@needs_batch
def test_batch_request_errors_create_nothing(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    attempts: list[tuple[list[Any], dict[str, Any], str]] = [
        (by_id(case_id), contact(), "ValidationException"),  # comments only
        (by_id(case_id, case_id), comment(), "ValidationException"),  # duplicate case
        (
            [
                *by_id(case_id),
                {"caseIdentifier": {"referenceId": reference_of(client, domain_id, case_id)}},
            ],
            comment(),
            "ValidationException",
        ),
        (
            [*by_id(case_id), {"caseIdentifier": {"referenceId": "NOSUCHREF"}}],
            comment(),
            "ResourceNotFoundException",
        ),
    ]
    for cases, content, code in attempts:
        with pytest.raises(ClientError) as excinfo:
            batch(client, domain_id, cases, content=content)
        assert refused(excinfo) == code
    assert items(client, domain_id, case_id) == []
    with pytest.raises(ClientError) as excinfo:
        batch(client, "no-such-domain", by_id(case_id))
    assert refused(excinfo) == "ResourceNotFoundException"


@needs_batch
def test_batch_client_token_replays_or_conflicts(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    first = batch(client, domain_id, by_id(case_id), clientToken="token-1")
    again = batch(client, domain_id, by_id(case_id), clientToken="token-1")
    assert again["successfulItems"] == first["successfulItems"]
    assert len(items(client, domain_id, case_id)) == 1
    with pytest.raises(ClientError) as excinfo:
        batch(client, domain_id, by_id(case_id), clientToken="token-1", content=comment("other"))
    assert refused(excinfo) == "ConflictException"
    batch(client, domain_id, by_id(case_id))  # boto3 fills a fresh token: a second comment
    assert len(items(client, domain_id, case_id)) == 2
