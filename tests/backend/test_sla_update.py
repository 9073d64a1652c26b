"""UpdateRelatedItem on SLAs (botocore 1.44.7 and newer) and the field an SLA may track,
through a real boto3 client.

The model: "Update the target duration (targetSlaMinutes) of an SLA. The new deadline is
counted from when the SLA was created. The SLA status is recalculated against the new
deadline: an open SLA becomes Active or Overdue, and a completed SLA becomes Met or
NotMet." And ``SlaInputConfiguration.fieldId``: "The field must be a single-select field,
such as the system status field or a custom single-select field."
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock import _model
from tests.helpers import (
    START,
    USER,
    add,
    audit_events,
    comment,
    create,
    items,
    make_field,
    make_template,
    read,
    refused,
    sla,
    sla_config,
    text,
    update,
)

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

HAS_SLA_UPDATE = _model.has_member("RelatedItemUpdateContent", "sla")
needs_sla_update = pytest.mark.skipif(
    not HAS_SLA_UPDATE, reason="no SLA update (RelatedItemUpdateContent.sla) in this botocore"
)


@pytest.fixture
def case_id(client: ConnectCasesClient, domain_id: str) -> str:
    return create(client, domain_id, make_template(client, domain_id))


def sla_update(minutes: int) -> dict[str, Any]:
    return {"sla": {"slaUpdateConfiguration": {"targetSlaMinutes": minutes}}}


def update_item(
    client: ConnectCasesClient,
    domain_id: str,
    case_id: str,
    item_id: str,
    content: Any,
    **more: Any,
) -> dict[str, Any]:
    # The stubs (types-boto3-connectcases 1.43.7) know no SLA content: call it untyped.
    call: Any = client.update_related_item
    answer: dict[str, Any] = call(
        domainId=domain_id, caseId=case_id, relatedItemId=item_id, content=content, **more
    )
    answer.pop("ResponseMetadata")
    return answer


def sla_at(client: ConnectCasesClient, domain_id: str, case_id: str, minutes: int) -> str:
    """An SLA of ``minutes`` added at START."""
    with time_machine.travel(START, tick=False):
        return add(client, domain_id, case_id, "Sla", sla(minutes=minutes))


@needs_sla_update
def test_a_longer_target_makes_an_overdue_sla_active_again(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = sla_at(client, domain_id, case_id, 60)
    with time_machine.travel(START + timedelta(minutes=90), tick=False):
        assert sla_config(client, domain_id, case_id, item_id)["status"] == "Overdue"
        answer = update_item(
            client, domain_id, case_id, item_id, sla_update(120), performedBy={"userArn": USER}
        )
    assert answer["type"] == "Sla"
    assert answer["associationTime"] == START
    assert answer["lastUpdatedUser"] == {"userArn": USER}
    assert answer["content"]["sla"]["slaConfiguration"] == {
        "name": "Resolve",
        "type": "CaseField",
        "status": "Active",
        "fieldId": "status",
        "targetFieldValues": [text("closed")],
        "targetTime": START + timedelta(minutes=120),  # counted from the SLA's creation
    }
    with time_machine.travel(START + timedelta(minutes=121), tick=False):
        assert sla_config(client, domain_id, case_id, item_id)["status"] == "Overdue"


@needs_sla_update
def test_a_shorter_target_can_make_an_active_sla_overdue(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = sla_at(client, domain_id, case_id, 240)
    with time_machine.travel(START + timedelta(minutes=90), tick=False):
        answer = update_item(client, domain_id, case_id, item_id, sla_update(60))
        assert answer["content"]["sla"]["slaConfiguration"]["status"] == "Overdue"


@needs_sla_update
def test_a_completed_sla_is_judged_again_against_the_new_target(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = sla_at(client, domain_id, case_id, 60)
    closed_at = START + timedelta(minutes=90)
    with time_machine.travel(closed_at, tick=False):
        update(client, domain_id, case_id, {"status": text("closed")})
    assert sla_config(client, domain_id, case_id, item_id)["status"] == "NotMet"

    met = update_item(client, domain_id, case_id, item_id, sla_update(120))
    config = met["content"]["sla"]["slaConfiguration"]
    assert (config["status"], config["completionTime"]) == ("Met", closed_at)

    not_met = update_item(client, domain_id, case_id, item_id, sla_update(89))
    config = not_met["content"]["sla"]["slaConfiguration"]
    assert (config["status"], config["completionTime"]) == ("NotMet", closed_at)


@needs_sla_update
def test_the_next_sla_breach_follows_the_new_target(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = sla_at(client, domain_id, case_id, 60)
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        update_item(client, domain_id, case_id, item_id, sla_update(600))
        breach = read(client, domain_id, case_id, ["next_sla_breach_datetime"])
    assert breach == {"next_sla_breach_datetime": text("2026-03-01T20:00:00.000Z")}


@needs_sla_update
def test_an_sla_update_is_audited_once_and_a_no_op_not_at_all(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = sla_at(client, domain_id, case_id, 60)
    before = len(audit_events(client, domain_id, case_id))
    update_item(client, domain_id, case_id, item_id, sla_update(60))  # the same target
    assert len(audit_events(client, domain_id, case_id)) == before
    update_item(client, domain_id, case_id, item_id, sla_update(90))
    events = audit_events(client, domain_id, case_id)
    assert len(events) == before + 1
    assert (events[-1]["type"], events[-1]["relatedItemType"], events[-1]["fields"]) == (
        "RelatedItem.Updated",
        "Sla",
        [],
    )


@needs_sla_update
def test_sla_content_fits_sla_items_only(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    sla_id = sla_at(client, domain_id, case_id, 60)
    comment_id = add(client, domain_id, case_id, "Comment", comment())
    before = items(client, domain_id, case_id)
    for item_id, content in ((sla_id, comment("no")), (comment_id, sla_update(90))):
        with pytest.raises(ClientError) as excinfo:
            update_item(client, domain_id, case_id, item_id, content)
        assert refused(excinfo) == "ValidationException"
    assert items(client, domain_id, case_id) == before


@pytest.mark.skipif(HAS_SLA_UPDATE, reason="this botocore models the SLA update")
def test_without_the_sla_update_in_the_model_slas_cannot_be_updated(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    item_id = sla_at(client, domain_id, case_id, 60)
    with pytest.raises(ClientError) as excinfo:
        update_item(client, domain_id, case_id, item_id, comment())
    assert refused(excinfo) == "ValidationException"


# -- the field an SLA tracks -------------------------------------------------------------


def test_an_sla_tracks_a_single_select_field(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    tier = make_field(client, domain_id, "Tier", "SingleSelect", options=("gold", "silver"))
    add(client, domain_id, case_id, "Sla", sla(field_id=tier, target="gold"))
    note = make_field(client, domain_id, "Note")
    before = items(client, domain_id, case_id)
    for field_id, target in ((note, "done"), ("title", "done")):
        with pytest.raises(ClientError) as excinfo:
            add(client, domain_id, case_id, "Sla", sla(field_id=field_id, target=target))
        assert refused(excinfo) == "ValidationException"
        assert "single-select" in excinfo.value.response["Error"]["Message"]
    assert items(client, domain_id, case_id) == before
