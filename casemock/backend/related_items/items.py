"""Related items: CreateRelatedItem, UpdateRelatedItem, DeleteRelatedItem,
ListCasesForContact and BatchCreateRelatedItem (spec sections 10 and 13).

Items live on their case (``case.related_items``) and go when the case is deleted. Every
change is recorded in the case's audit history (``RelatedItem.*`` events with the item's
type and no fields); a created item is published as a ``RELATED_ITEM.CREATED`` case event
when the domain enables events. Adding, changing or removing an item does not touch the
case's own fields (``last_updated_datetime`` included).
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from casemock import _model
from casemock._errors import ServiceError, not_found, quota_exceeded, validation_error
from casemock._settings import Settings
from casemock.backend._access import case_filter, check_case_access
from casemock.backend._context import Context
from casemock.backend._pagination import page
from casemock.backend._records import Case, Domain, RelatedItem
from casemock.backend._registry import operation
from casemock.backend.cases import _batch, audit, events
from casemock.backend.cases.lifecycle import refuse_merging
from casemock.backend.consistency import searchable, written
from casemock.backend.related_items import content
from casemock.backend.search.index import index_for

# The item types UpdateRelatedItem takes: those RelatedItemUpdateContent has a member for
# (Sla since botocore 1.44.7).
UPDATABLE = tuple(
    item_type
    for item_type in ("Comment", "Custom", "Sla")
    if _model.has_member("RelatedItemUpdateContent", content.TYPE_MEMBERS[item_type])
)
LIST_CASES_PAGE_SIZE = 10  # ListCasesForContact maxResults: 1-10


def require_item(case: Case, item_id: str) -> RelatedItem:
    """The related item of ``case`` with this id; ResourceNotFoundException if none."""
    found = case.related_items.get(item_id)
    if found is None:
        raise not_found(
            "RelatedItem",
            item_id,
            f"Related item {item_id} not found on case {case.case_id}",
        )
    return found


def check_quotas(case: Case, item_type: str, settings: Settings) -> None:
    """ServiceQuotaExceededException if ``case`` cannot take one more item of this type."""
    items = case.related_items.values()
    if len(items) >= settings.related_items_per_case:
        raise quota_exceeded(
            f"Case {case.case_id} already has {len(items)} related items; "
            f"the quota is {settings.related_items_per_case}."
        )
    per_type = {"File": settings.files_per_case, "Sla": settings.slas_per_case}
    limit = per_type.get(item_type)
    if limit is not None:
        count = sum(1 for item in items if item.type == item_type)
        if count >= limit:
            raise quota_exceeded(
                f"Case {case.case_id} already has {count} related items of type {item_type}; "
                f"the quota is {limit}."
            )


def add_item(
    ctx: Context,
    domain: Domain,
    case: Case,
    item_type: str,
    requested: dict[str, Any],
    performed_by: dict[str, Any] | None,
    now: datetime,
) -> RelatedItem:
    """Check and store one new related item, then record it (audit, event)."""
    refuse_merging(domain, case)
    stored = content.build(
        domain, case, item_type, requested, now, ctx.settings, ctx.runtime.external
    )
    check_quotas(case, item_type, ctx.settings)
    item_id = ctx.new_id()
    item = RelatedItem(
        seq=ctx.next_seq(),
        related_item_id=item_id,
        arn=f"{case.arn}/related-item/{item_id}",
        case_id=case.case_id,
        type=item_type,
        content=stored,
        association_time=now,
        performed_by=dict(performed_by) if performed_by else None,
    )
    if ctx.settings.search_delay:  # docs/realism.md#search-consistency
        written(ctx, domain, case)
    case.related_items[item_id] = item
    domain.case_index.add(case)  # the search index picks the item up
    audit.record(
        ctx, case, "RelatedItem.Created", [], performed_by, related_item_type=item_type, now=now
    )
    events.publish_related_item_event(
        ctx,
        domain,
        case,
        item,
        "RELATED_ITEM.CREATED",
        content.EVENT_ATTRIBUTES[content.TYPE_MEMBERS[item_type]],
        performed_by,
        now=now,
    )
    return item


@operation("CreateRelatedItem")
def create_related_item(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    case = ctx.case(domain, params["caseId"])
    item = add_item(
        ctx, domain, case, params["type"], params["content"], params.get("performedBy"), ctx.now()
    )
    return {"relatedItemId": item.related_item_id, "relatedItemArn": item.arn}


@operation("UpdateRelatedItem")
def update_related_item(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    case = ctx.case(domain, params["caseId"])
    refuse_merging(domain, case)
    item = require_item(case, params["relatedItemId"])
    if item.type not in UPDATABLE:
        raise validation_error(
            f"Related items of type {item.type} cannot be updated; UpdateRelatedItem supports "
            f"{', '.join(UPDATABLE)} items."
        )
    member = content.require_matching_type(item.type, params["content"])
    body: dict[str, Any] = params["content"][member]
    if member == "comment":
        new_content: dict[str, Any] = {
            "comment": {"body": body["body"], "contentType": body["contentType"]}
        }
    elif member == "sla":
        new_content = _sla_update(item, body["slaUpdateConfiguration"])
    else:
        fields = content.custom_fields(domain, body["fields"], ctx.settings)
        new_content = {"custom": {"fields": fields}}
    performed_by = params.get("performedBy")
    if new_content != item.content:  # a request that changes nothing records nothing
        if ctx.settings.search_delay:  # docs/realism.md#search-consistency
            written(ctx, domain, case)
        item.content = new_content
        item.last_updated_user = dict(performed_by) if performed_by else None
        audit.record(
            ctx, case, "RelatedItem.Updated", [], performed_by, related_item_type=item.type
        )
    result: dict[str, Any] = {
        "relatedItemId": item.related_item_id,
        "relatedItemArn": item.arn,
        "type": item.type,
        "content": content.render(case, item, ctx.now()),
        "associationTime": item.association_time,
        "tags": dict(item.tags),
    }
    if item.last_updated_user:
        result["lastUpdatedUser"] = dict(item.last_updated_user)
    if item.performed_by:
        result["createdBy"] = dict(item.performed_by)
    return result


def _sla_update(item: RelatedItem, update: dict[str, Any]) -> dict[str, Any]:
    """The SLA's content with a new target duration, counted from when the SLA was created
    (its association); the status follows when read (``content.sla_state``)."""
    updated = copy.deepcopy(item.content)
    config = updated["sla"]["slaConfiguration"]
    config["targetTime"] = item.association_time + timedelta(minutes=update["targetSlaMinutes"])
    return updated


@operation("DeleteRelatedItem")
def delete_related_item(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    case = ctx.case(domain, params["caseId"])
    refuse_merging(domain, case)
    item = require_item(case, params["relatedItemId"])
    if item.type == "File":
        raise validation_error(
            "DeleteRelatedItem cannot remove File related items; delete the attached file "
            "with the Amazon Connect DeleteAttachedFile API."
        )
    if ctx.settings.search_delay:  # docs/realism.md#search-consistency
        written(ctx, domain, case)
    del case.related_items[item.related_item_id]
    domain.case_index.add(case)  # the search index drops the item
    audit.record(ctx, case, "RelatedItem.Deleted", [], None, related_item_type=item.type)
    return {}


@operation("ListCasesForContact")
def list_cases_for_contact(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """Cases with a Contact related item for the contact, latest association first."""
    domain = ctx.domain(params["domainId"])
    if domain.pending_writes:  # docs/realism.md#search-consistency
        domain = searchable(ctx, domain)
    contact_arn: str = params["contactArn"]
    latest = index_for(domain).related.latest_contacts(contact_arn)  # the search index
    visible = case_filter(ctx)
    ordered = [i for i in latest if visible is None or visible(domain.cases[i.case_id])]
    chunk, token = page(
        ordered,
        content.newest_first,
        params.get("maxResults", LIST_CASES_PAGE_SIZE),
        params.get("nextToken"),
        ["ListCasesForContact", domain.domain_id, contact_arn],
    )
    cases = [domain.cases[item.case_id] for item in chunk]
    result: dict[str, Any] = {
        "cases": [{"caseId": case.case_id, "templateId": case.template_id} for case in cases]
    }
    if token:
        result["nextToken"] = token
    return result


# -- BatchCreateRelatedItem (newer models) ------------------------------------------------


@operation("BatchCreateRelatedItem")
def batch_create_related_item(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """One comment added to up to 100 cases; each case succeeds or fails on its own."""
    domain = ctx.domain(params["domainId"])
    requested: dict[str, Any] = params["content"]
    if content.member_of(requested) != "comment":
        raise validation_error("BatchCreateRelatedItem supports comment content only.")
    token: str | None = params.get("clientToken")
    request = _batch.fingerprint(params)
    replays = domain.related_item_batches
    answered = _batch.replay(replays, token, request, "BatchCreateRelatedItem")
    if answered is not None:
        return answered
    resolved = _batch.resolve_case_identifiers(domain, params["cases"])
    performed_by = params.get("performedBy")
    now = ctx.now()
    succeeded: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for case_id, _ in resolved:
        identifier = _batch.case_identifier(domain, case_id)
        case = domain.cases.get(case_id)
        if case is None:
            failed.append(_batch.failure(identifier, "CASE_NOT_FOUND", f"Case {case_id} not found"))
            continue
        try:
            check_case_access(ctx, case)
            item = add_item(ctx, domain, case, "Comment", requested, performed_by, now)
        except ServiceError as error:  # a per-case refusal: record it and go on
            failed.append(_batch.refused(identifier, error))
            continue
        succeeded.append(
            {
                "caseIdentifier": identifier,
                "relatedItemId": item.related_item_id,
                "relatedItemArn": item.arn,
            }
        )
    result = {"successfulItems": succeeded, "failedItems": failed}
    _batch.remember(replays, token, request, result)
    return result
