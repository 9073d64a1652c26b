"""StartMergeCases and GetMergeCasesStatus (newer models): merging a secondary case into
a primary case.

StartMergeCases checks everything the documentation lists and registers the merge; the
merge itself runs when it completes. The service runs merges asynchronously; casemock
completes one deterministically (docs/realism.md): at once when
``Settings.merge_polls_until_complete`` and ``Settings.merge_seconds`` are both 0 (the
default); otherwise on the GetMergeCasesStatus poll (of either case) that follows that
many polls answered ``IN_PROGRESS``, or at the first call after ``merge_seconds`` of the
mock's clock (``complete_due``, run by the pipeline before each handler), whichever of
the two set comes first; ``settle`` (``CasesMock.settle()``) completes every running
merge at once. While a merge runs, the secondary case and its related items cannot be
changed and neither case can be deleted (``cases.refuse_merging``).

Completing a merge reads both cases as they are then: the primary takes the selected
field values of the secondary, and the secondary's values for mergeable fields it has no
value for; the selected related item types move to the primary (keeping id, creator,
association time and tags); each case gets a ConnectCase related item linking the other;
the secondary is closed. Every audit event the merge writes, on both cases, carries the
same ``mergeMetadata``; the first on each case is a ``Case.Merged`` event with the case's
changed fields.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from casemock._errors import conflict, not_found, quota_exceeded, validation_error
from casemock.backend._context import Context
from casemock.backend._records import AuditEvent, Case, Domain, FieldValueUnion, Merge, RelatedItem
from casemock.backend._registry import operation
from casemock.backend._values import has_value
from casemock.backend.cases import audit, events
from casemock.backend.cases.lifecycle import CLOSED, apply_update
from casemock.backend.related_items.content import EVENT_ATTRIBUTES, TYPE_MEMBERS

# System fields whose values a merge can take from the secondary case (custom fields can).
MERGEABLE_SYSTEM_FIELDS = ("assigned_queue", "assigned_user", "summary", "case_reason")
MAX_FIELD_VALUES = 500  # "the primary case would have more than 500 field values"
# relatedItemsConfiguration member -> the related item type it moves.
MOVABLE_TYPES = {
    "comment": "Comment",
    "connectCase": "ConnectCase",
    "contact": "Contact",
    "custom": "Custom",
}


def _merge_of(domain: Domain, case: Case) -> Merge | None:
    return domain.merges.get(case.merge_id) if case.merge_id else None


# -- what a merge would do -----------------------------------------------------------------


def _mergeable(domain: Domain, field_id: str) -> bool:
    found = domain.fields.get(field_id)
    if found is None or found.deleted:
        return False
    return found.namespace == "Custom" or field_id in MERGEABLE_SYSTEM_FIELDS


def _template_fields(domain: Domain, case: Case) -> set[str]:
    """The fields on the case's template: its required fields and default layout."""
    template = domain.templates.get(case.template_id)
    if template is None:
        return set()
    ids = {entry["fieldId"] for entry in template.required_fields}
    layout_id = (template.layout_configuration or {}).get("defaultLayout")
    layout = domain.layouts.get(layout_id) if layout_id else None
    if layout is not None:
        basic = layout.content.get("basic") or {}
        for panel in ("topPanel", "moreInfo"):
            for section in (basic.get(panel) or {}).get("sections", []):
                group = section.get("fieldGroup") or {}
                ids.update(item["id"] for item in group.get("fields", []))
    return ids


def merged_values(
    domain: Domain, primary: Case, secondary: Case, selected: list[str]
) -> tuple[dict[str, FieldValueUnion], list[str]]:
    """The primary's values after the merge and the ids that change: a selected field
    takes the secondary's value (none: cleared); another mergeable field takes it when the
    primary has no value."""
    after = dict(primary.values)
    candidates = list(dict.fromkeys([*selected, *secondary.values]))
    for field_id in candidates:
        value = secondary.values.get(field_id)
        if field_id in selected:
            if has_value(value):
                after[field_id] = dict(value or {})
            else:
                after.pop(field_id, None)
        elif (
            _mergeable(domain, field_id) and has_value(value) and not has_value(after.get(field_id))
        ):
            after[field_id] = dict(value or {})
    return after, [k for k in candidates if primary.values.get(k) != after.get(k)]


def _links(case: Case) -> dict[str, RelatedItem]:
    """The case's ConnectCase related items by the case they link."""
    return {
        item.content["connectCase"]["caseId"]: item
        for item in case.related_items.values()
        if item.type == "ConnectCase"
    }


def item_moves(
    primary: Case, secondary: Case, move_types: list[str]
) -> tuple[list[RelatedItem], list[RelatedItem]]:
    """(items that move to the primary, items removed from the secondary instead): a
    contact the primary already has, or a link to a case the primary already links, is
    removed; the secondary's link to the primary stays where it is."""
    contacts = {
        item.content["contact"]["contactArn"]
        for item in primary.related_items.values()
        if item.type == "Contact"
    }
    linked = set(_links(primary))
    moved: list[RelatedItem] = []
    dropped: list[RelatedItem] = []
    for item in sorted(secondary.related_items.values(), key=lambda i: i.seq):
        if item.type not in move_types:
            continue
        if item.type == "Contact" and item.content["contact"]["contactArn"] in contacts:
            dropped.append(item)
        elif item.type == "ConnectCase":
            target = item.content["connectCase"]["caseId"]
            if target == primary.case_id:
                continue
            (dropped if target in linked else moved).append(item)
        else:
            moved.append(item)
    return moved, dropped


# -- StartMergeCases -------------------------------------------------------------------------


def _selected_fields(domain: Domain, params: dict[str, Any], secondary: Case) -> list[str]:
    configurations: list[dict[str, Any]] = params.get("fieldsConfiguration") or []
    if not configurations:
        return []
    if len(configurations) > 1:
        raise validation_error("fieldsConfiguration takes at most one entry.")
    configuration = configurations[0]
    if configuration["sourceCaseId"] != secondary.case_id:
        raise validation_error(
            f"fieldsConfiguration.sourceCaseId must be the secondary case {secondary.case_id}, "
            f"not {configuration['sourceCaseId']}."
        )
    ids = [item["id"] for item in configuration["fieldIds"]]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise validation_error(f"fieldsConfiguration lists fields [{', '.join(repeated)}] twice.")
    unmergeable = [i for i in ids if not _mergeable(domain, i)]
    if unmergeable:
        raise validation_error(
            f"Fields [{', '.join(unmergeable)}] cannot be merged: only live custom fields and "
            f"{', '.join(MERGEABLE_SYSTEM_FIELDS)} can."
        )
    on_template = _template_fields(domain, secondary)
    absent = [i for i in ids if not has_value(secondary.values.get(i)) and i not in on_template]
    if absent:
        raise validation_error(
            f"The secondary case {secondary.case_id} does not have fields [{', '.join(absent)}]."
        )
    return ids


def _check_cases(domain: Domain, primary: Case, secondary: Case) -> None:
    for case in (primary, secondary):
        merge = _merge_of(domain, case)
        if merge is not None:
            state = (
                "was merged into another case" if merge.completed else "is part of a running merge"
            )
            raise conflict(f"Case {case.case_id} {state} ({merge.merge_id}).")
    for case in (primary, secondary):
        if case.values.get("status", {}).get("stringValue") == CLOSED:
            raise validation_error(f"Case {case.case_id} is closed; only open cases can be merged.")
    customers = {
        case.values["customer_id"]["stringValue"]
        for case in (primary, secondary)
        if case.values.get("customer_id", {}).get("stringValue")
    }
    if len(customers) > 1:
        raise validation_error("The cases belong to different customers and cannot be merged.")


def _check_quotas(ctx: Context, primary: Case, secondary: Case, move_types: list[str]) -> None:
    moved, dropped = item_moves(primary, secondary, move_types)
    limit = ctx.settings.related_items_per_case
    counts = {
        primary.case_id: len(primary.related_items)
        + len(moved)
        + (secondary.case_id not in _links(primary)),
        secondary.case_id: len(secondary.related_items)
        - len(moved)
        - len(dropped)
        + (primary.case_id not in _links(secondary)),
    }
    for case_id, count in counts.items():
        if count > limit:
            raise quota_exceeded(
                f"After the merge case {case_id} would have {count} related items; the quota "
                f"is {limit}."
            )


@operation("StartMergeCases")
def start_merge_cases(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    primary_id: str = params["caseId"]
    secondary_id: str = params["secondaryCaseIds"][0]
    if primary_id == secondary_id:
        raise validation_error("A case cannot be merged into itself.")
    primary = ctx.case(domain, primary_id)
    secondary = ctx.case(domain, secondary_id)
    _check_cases(domain, primary, secondary)
    selected = _selected_fields(domain, params, secondary)
    after, _ = merged_values(domain, primary, secondary, selected)
    if len(after) > MAX_FIELD_VALUES:
        raise validation_error(
            f"After the merge case {primary_id} would have {len(after)} field values; at most "
            f"{MAX_FIELD_VALUES} are allowed."
        )
    configuration = params.get("relatedItemsConfiguration") or {}
    move_types = [kind for member, kind in MOVABLE_TYPES.items() if configuration.get(member)]
    _check_quotas(ctx, primary, secondary, move_types)

    # Everything is valid: register the merge.
    polls = max(ctx.settings.merge_polls_until_complete, 0)
    seconds = max(ctx.settings.merge_seconds, 0.0)
    merge = Merge(
        merge_id=ctx.new_id(),
        primary_id=primary_id,
        secondary_id=secondary_id,
        field_ids=selected,
        move_types=move_types,
        performed_by=params.get("performedBy"),
        polls_left=polls or None,
        due=ctx.now() + timedelta(seconds=seconds) if seconds else None,
    )
    domain.merges[merge.merge_id] = merge
    primary.merge_id = secondary.merge_id = merge.merge_id
    if not polls and not seconds:
        complete(ctx, domain, merge)
    return {}


# -- completing a merge ------------------------------------------------------------------------


def _related_event(
    ctx: Context,
    domain: Domain,
    case: Case,
    item: RelatedItem,
    event_type: str,
    merge: Merge,
    now: datetime,
) -> None:
    """Audit (with the merge's metadata) and, for a created item, the case event."""
    recorded = audit.record(
        ctx,
        case,
        event_type,
        [],
        merge.performed_by,
        related_item_type=item.type,
        now=now,
    )
    _tag(recorded, merge)
    if event_type == "RelatedItem.Created":
        events.publish_related_item_event(
            ctx,
            domain,
            case,
            item,
            "RELATED_ITEM.CREATED",
            EVENT_ATTRIBUTES[TYPE_MEMBERS[item.type]],
            merge.performed_by,
            now=now,
        )


def _tag(event: AuditEvent, merge: Merge) -> None:
    event.merge_metadata = {
        "mergeEventId": merge.merge_id,
        "primaryCaseId": merge.primary_id,
        "secondaryCaseId": merge.secondary_id,
    }


def _move(item: RelatedItem, source: Case, target: Case) -> None:
    del source.related_items[item.related_item_id]
    item.case_id = target.case_id
    item.arn = f"{target.arn}/related-item/{item.related_item_id}"
    target.related_items[item.related_item_id] = item


def _link(ctx: Context, case: Case, other: Case, merge: Merge, now: datetime) -> RelatedItem:
    item_id = ctx.new_id()
    item = RelatedItem(
        seq=ctx.next_seq(),
        related_item_id=item_id,
        arn=f"{case.arn}/related-item/{item_id}",
        case_id=case.case_id,
        type="ConnectCase",
        content={"connectCase": {"caseId": other.case_id}},
        association_time=now,
        performed_by=dict(merge.performed_by) if merge.performed_by else None,
    )
    case.related_items[item_id] = item
    return item


def complete(ctx: Context, domain: Domain, merge: Merge) -> None:
    """Carry out ``merge`` on the cases as they are now."""
    primary = domain.cases[merge.primary_id]
    secondary = domain.cases[merge.secondary_id]
    by = merge.performed_by
    after, changed = merged_values(domain, primary, secondary, merge.field_ids)
    _tag(apply_update(ctx, domain, primary, after, changed, by, "Case.Merged"), merge)
    closed = {**secondary.values, "status": {"stringValue": CLOSED}}
    closing = [] if secondary.values.get("status") == closed["status"] else ["status"]
    _tag(apply_update(ctx, domain, secondary, closed, closing, by, "Case.Merged"), merge)

    now = ctx.now()
    moved, dropped = item_moves(primary, secondary, merge.move_types)
    contacts = {
        item.content["contact"]["contactArn"]: item
        for item in primary.related_items.values()
        if item.type == "Contact"
    }
    for item in moved:
        _move(item, secondary, primary)
        _related_event(ctx, domain, secondary, item, "RelatedItem.Deleted", merge, now)
        _related_event(ctx, domain, primary, item, "RelatedItem.Created", merge, now)
    for item in dropped:
        del secondary.related_items[item.related_item_id]
        if item.type == "Contact":  # the primary's item gets the tag keys only this one has
            kept = contacts[item.content["contact"]["contactArn"]]
            for key, value in item.tags.items():
                kept.tags.setdefault(key, value)
        _related_event(ctx, domain, secondary, item, "RelatedItem.Deleted", merge, now)
    for case, other in ((primary, secondary), (secondary, primary)):
        if other.case_id not in _links(case):
            link = _link(ctx, case, other, merge, now)
            _related_event(ctx, domain, case, link, "RelatedItem.Created", merge, now)
    merge.completed = True
    primary.merge_id = None


# -- GetMergeCasesStatus -------------------------------------------------------------------


@operation("GetMergeCasesStatus")
def get_merge_cases_status(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    case = ctx.case(domain, params["caseId"])
    merge = _merge_of(domain, case)
    if merge is not None and not merge.completed:
        if merge.due is not None and merge.due <= ctx.now():
            complete(ctx, domain, merge)
        elif merge.polls_left is None or merge.polls_left > 0:  # running on the clock
            if merge.polls_left is not None:
                merge.polls_left -= 1
            return _status("IN_PROGRESS", merge)
        else:
            complete(ctx, domain, merge)
    if merge is None or merge.secondary_id != case.case_id:
        raise not_found(
            "Case",
            case.case_id,
            f"Case {case.case_id} is not part of a running merge and was not merged into "
            "another case.",
        )
    return _status("COMPLETED", merge)


def _status(status: str, merge: Merge) -> dict[str, Any]:
    return {
        "status": status,
        "primaryCaseId": merge.primary_id,
        "secondaryCaseIds": [merge.secondary_id],
    }


# -- completing merges on the clock, and all at once -----------------------------------------


def complete_due(ctx: Context) -> None:
    """Complete the running merges of the region whose time has come
    (``Settings.merge_seconds``); the pipeline runs this before each handler when merges
    are timed, so every call sees a merge completed as soon as it is due."""
    now = ctx.now()
    for domain in list(ctx.state.domains.values()):
        for merge in list(domain.merges.values()):
            if not merge.completed and merge.due is not None and merge.due <= now:
                complete(ctx, domain, merge)


def settle(ctx: Context) -> int:
    """Complete every running merge of the region now; the number completed."""
    count = 0
    for domain in list(ctx.state.domains.values()):
        for merge in list(domain.merges.values()):  # in the order they started
            if not merge.completed:
                complete(ctx, domain, merge)
                count += 1
    return count
