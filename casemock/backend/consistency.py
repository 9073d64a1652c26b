"""Search consistency (``Settings.search_delay``, docs/realism.md#search-consistency): a
write becomes visible to SearchCases, SearchRelatedItems, SearchAllRelatedItems and
ListCasesForContact only ``search_delay`` seconds of the mock's clock after it happened;
GetCase and the other reads by id see it at once.

Orthogonal to the search index: each domain keeps a log of pending writes per case
(``Domain.pending_writes``), each holding the version of the case the searches still see
(a copy taken before the write, or None for a create) and the time it stops being the
visible one. A write is any change to what the searches read: CreateCase, UpdateCase,
DeleteCase (and BatchUpdateCase and merges, which update), tags on a case or its related
items, and CreateRelatedItem, UpdateRelatedItem, DeleteRelatedItem.

- Writers call :func:`written` before they change a case (:func:`created` after a
  create), when ``ctx.settings.search_delay`` is set: with the switch off the only cost is
  that check.
- Searches call :func:`searchable` at the top when ``domain.pending_writes`` is not
  empty (with the switch off, that one check is the cost): a view of the domain whose
  ``cases`` are the versions visible now, with an index of their own (an unindexed
  rebuild, paid only while writes are pending). Matured writes drop out of the log there;
  when none is left, the domain itself.
- :func:`settle` (``CasesMock.settle()``) empties the logs: everything is visible now.

Which version a search sees at time t: the ``before`` of the case's oldest pending write
whose ``visible_at`` is after t, else the live case. Writes made at the same instant share
one entry (the first copy stands). Seeded cases (``casemock.seeding``) are visible at once.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import timedelta

from casemock.backend._context import Context
from casemock.backend._records import Case, Domain, PendingWrite, RegionState


def _version(case: Case) -> Case:
    """A copy of what the searches read of ``case``, safe from later in-place changes."""
    return dataclasses.replace(
        case,
        values=dict(case.values),
        tags=dict(case.tags),
        related_items={
            item_id: dataclasses.replace(
                item, content=copy.deepcopy(item.content), tags=dict(item.tags)
            )
            for item_id, item in case.related_items.items()
        },
        audit=list(case.audit),
    )


def _log(ctx: Context, domain: Domain, case_id: str, before: Case | None) -> None:
    visible_at = ctx.now() + timedelta(seconds=ctx.settings.search_delay)
    writes = domain.pending_writes.setdefault(case_id, [])
    if writes and writes[-1].visible_at == visible_at:
        return  # a write at the same instant is pending: its copy stands
    writes.append(PendingWrite(visible_at, _version(before) if before is not None else None))


def written(ctx: Context, domain: Domain, case: Case) -> None:
    """``case`` is about to change (or be deleted): searches keep seeing it as it is now
    for ``search_delay`` seconds."""
    _log(ctx, domain, case.case_id, case)


def created(ctx: Context, domain: Domain, case_id: str) -> None:
    """``case_id`` was just created: searches do not see it for ``search_delay`` seconds."""
    _log(ctx, domain, case_id, None)


def searchable(ctx: Context, domain: Domain) -> Domain:
    """The domain as the searches see it now: ``domain`` itself when no write is pending,
    else a view whose cases are the visible versions."""
    pending = domain.pending_writes
    if not pending:
        return domain
    now = ctx.now()
    cases = dict(domain.cases)
    for case_id, writes in list(pending.items()):
        waiting = [write for write in writes if write.visible_at > now]
        if not waiting:
            del pending[case_id]
            continue
        if len(waiting) < len(writes):
            pending[case_id] = waiting
        before = waiting[0].before
        if before is None:
            cases.pop(case_id, None)
        else:
            cases[case_id] = before
    if not pending:
        return domain
    # The view gets its own search index, built from its cases by the search that needs it.
    return dataclasses.replace(domain, cases=cases)


def visible_case(ctx: Context, domain: Domain, case: Case) -> Case:
    """``case`` as the searches see it now (with no related items while its creation is
    not visible yet)."""
    writes = domain.pending_writes.get(case.case_id)
    if not writes:
        return case
    now = ctx.now()
    waiting = next((write for write in writes if write.visible_at > now), None)
    if waiting is None:
        return case
    if waiting.before is None:
        return dataclasses.replace(case, related_items={})
    return waiting.before


def settle(state: RegionState) -> None:
    """Every pending write of the region is visible now."""
    for domain in state.domains.values():
        domain.pending_writes.clear()
