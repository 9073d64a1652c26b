"""The dashboard (``GET /_casemock/``): a read-only page for a person debugging a test run.

Three levels, chosen by query parameters: a region (``?region=``: its domains, and every
region that holds state), a domain (``&domain=``: fields with their options, templates,
layouts, case rules, and its cases, newest first, paged and filtered by ``q``: title,
case id or reference number) and a case (``&case=``: field values, related items, tags,
audit history). Every level ends with the call log, newest first, errors highlighted,
and the fault rules.

Built from the same views (``CasesMock.backend(region)``) and escaped tables
(``casemock.views._html``) as the notebook display. The page is one self-contained
document: inline CSS and a small inline script, nothing fetched from elsewhere, so it
works offline. While the page is open the script asks the server every two seconds
whether the content changed (``?format=json&version=V``: a hash of the rendered
content) and swaps in the new content when it did.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from casemock._faults import ErrorRule, Rule
from casemock._mock import CasesMock
from casemock.server.dashboard_assets import CSS, SCRIPT
from casemock.views import CaseView, DomainView, _html

PAGE_SIZE = 25
CALLS_SHOWN = 50


def answer(mock: CasesMock, query: Mapping[str, str]) -> tuple[str, str]:
    """(content type, body) of the dashboard for ``query``: the page, or with
    ``format=json`` the refresh answer ``{"version", "html"}`` (html null when the
    content has the version the page already shows)."""
    content = render_content(mock, query)
    version = hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()[:16]
    if query.get("format") == "json":
        fresh = None if query.get("version") == version else content
        return "application/json", json.dumps({"version": version, "html": fresh})
    return "text/html; charset=utf-8", _page(mock, content, version)


# -- the page ---------------------------------------------------------------------------


def _page(mock: CasesMock, content: str, version: str) -> str:
    from casemock import __version__

    title = f"casemock · {mock.account_id}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # no favicon request (it would 404 and log a console error)
        '<link rel="icon" href="data:,">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        '<header><span class="brand">casemock</span>'
        '<span class="sub">Amazon Connect Cases mock · '
        f"v{html.escape(__version__)} · account <code>{html.escape(mock.account_id)}</code>"
        "</span>"
        '<span class="live"><span id="cm-status">live</span> '
        '<button id="cm-toggle" type="button">Pause</button></span></header>'
        f'<main id="cm-main" data-version="{version}">{content}</main>'
        f"<script>{SCRIPT}</script></body></html>"
    )


def render_content(mock: CasesMock, query: Mapping[str, str]) -> str:
    """The page's content for ``query`` (what the refresh swaps in)."""
    region = query.get("region") or _default_region(mock)
    domains = _domains(mock, region)
    parts = [_regions_nav(mock, region)]
    domain_id = query.get("domain")
    domain = domains.get(domain_id) if domain_id else None
    case_id = query.get("case")
    if domain_id and domain is None:
        parts.append(
            _notice(f"No domain {domain_id} in {region} (deleted, or the state was reset).")
        )
    if domain is None:
        parts.append(_region_html(mock, region))
    elif case_id:
        case = domain.cases.get(case_id)
        parts.append(_breadcrumb(region, domain, case_id))
        if case is None:
            parts.append(_notice(f"No case {case_id} in domain {domain.name}."))
        else:
            parts.append(_jump(mock, ["field values", "related items", "tags", "audit history"]))
            parts.append(_case_html(case))
    else:
        parts.append(_breadcrumb(region, domain, None))
        parts.append(_jump(mock, ["cases", "fields", "templates", "layouts", "case rules"]))
        parts.append(_domain_html(region, domain, query))
    parts.append(_calls_html(mock))
    parts.append(_faults_html(mock))
    return "".join(parts)


def _domains(mock: CasesMock, region: str) -> Mapping[str, DomainView]:
    """The domains of ``region``; looking at a region without state creates none (a
    snapshot would otherwise gain an empty region)."""
    if region not in mock.store.regions:
        return {}
    return mock.backend(region).domains


def _default_region(mock: CasesMock) -> str:
    """The mock's region, unless it holds no domain and another region does."""
    regions = mock.store.regions
    if any(regions[name].domains for name in regions if name == mock.region):
        return mock.region
    busy = sorted(name for name, state in regions.items() if state.domains)
    return busy[0] if busy else mock.region


def _href(**params: str | None) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v})


def _section(title: str, body: str, anchor: str = "") -> str:
    ident = f' id="{html.escape(anchor)}"' if anchor else ""
    return f"<section{ident}><h2>{html.escape(title)}</h2>{body}</section>"


def _notice(text: str) -> str:
    return f'<p class="notice">{html.escape(text)}</p>'


def _regions_nav(mock: CasesMock, current: str) -> str:
    regions = sorted(set(mock.store.regions) | {mock.region})
    links = []
    for name in regions:
        state = mock.store.regions.get(name)
        domains = len(state.domains) if state is not None else 0
        label = f"{name} ({_html.count(domains, 'domains')})"
        css = ' class="current"' if name == current else ""
        links.append(f"<li{css}>{_html.link(_href(region=name), label)}</li>")
    return f'<nav class="regions"><span>Regions</span><ul>{"".join(links)}</ul></nav>'


def _breadcrumb(region: str, domain: DomainView, case_id: str | None) -> str:
    parts: list[str] = [_html.link(_href(region=region), region)]
    if case_id:
        parts.append(_html.link(_href(region=region, domain=domain.domain_id), domain.name))
        parts.append(f"case <code>{html.escape(case_id)}</code>")
    else:
        parts.append(f"domain <strong>{html.escape(domain.name)}</strong>")
    return f'<div class="crumbs">{" / ".join(parts)}</div>'


def _jump(mock: CasesMock, sections: list[str]) -> str:
    """Links to the sections of a page, and to the call log with its error count."""
    links = [str(_html.link(f"#{name.replace(' ', '-')}", name.capitalize())) for name in sections]
    calls = list(mock.calls)
    errors = sum(1 for call in calls if not call.ok)
    label = f"Call log ({_html.count(len(calls), 'calls')}"
    label += f", {_html.count(errors, 'errors')})" if errors else ")"
    css = ' class="has-errors"' if errors else ""
    links.append(f'<a href="#calls"{css}>{html.escape(label)}</a>')
    return f'<nav class="jump">{" · ".join(links)}</nav>'


def _region_html(mock: CasesMock, region: str) -> str:
    domains = list(_domains(mock, region).values())
    table = _html.domains_table(
        domains,
        _html.count(len(domains), "domains"),
        lambda view: _href(region=region, domain=view.domain_id),
    )
    return _section(f"Domains in {region}", table)


def _domain_html(region: str, domain: DomainView, query: Mapping[str, str]) -> str:
    fields = list(domain.fields.values())
    custom = [f for f in fields if f.namespace == "Custom"]
    system = [f for f in fields if f.namespace != "Custom"]
    parts = [
        f'<p class="ids">id <code>{html.escape(domain.domain_id)}</code> · '
        f"<code>{html.escape(domain.arn)}</code></p>",
        _section("Cases", _cases_html(region, domain, query), "cases"),
        _section(
            "Fields",
            _html.fields_table(custom, _html.count(len(custom), "custom fields"))
            + "<details><summary>"
            + html.escape(_html.count(len(system), "system fields"))
            + "</summary>"
            + _html.fields_table(system, "")
            + "</details>",
            "fields",
        ),
        _section(
            "Templates",
            anchor="templates",
            body=_html.templates_table(
                domain,
                list(domain.templates.values()),
                _html.count(len(domain.templates), "templates"),
            ),
        ),
        _section(
            "Layouts",
            anchor="layouts",
            body=_html.layouts_table(
                list(domain.layouts.values()), _html.count(len(domain.layouts), "layouts")
            ),
        ),
        _section(
            "Case rules",
            anchor="case-rules",
            body=_html.case_rules_table(
                list(domain.case_rules.values()),
                _html.count(len(domain.case_rules), "case rules"),
            ),
        ),
    ]
    return "".join(parts)


def _matches(domain: DomainView, needle: str) -> list[str]:
    """Ids of the cases whose title contains ``needle`` or whose id or reference number
    starts with it (case-insensitive), newest first."""
    wanted = needle.strip().lower()
    found = []
    for case_id in reversed(list(domain.cases)):
        if not wanted:
            found.append(case_id)
            continue
        record = domain._record.cases.get(case_id)
        if record is None:
            continue
        title = str(record.values.get("title", {}).get("stringValue", "")).lower()
        reference = str(record.values.get("reference_number", {}).get("stringValue", "")).lower()
        if wanted in title or case_id.lower().startswith(wanted) or reference.startswith(wanted):
            found.append(case_id)
    return found


def _cases_html(region: str, domain: DomainView, query: Mapping[str, str]) -> str:
    needle = query.get("q", "")
    ids = _matches(domain, needle)
    try:
        page = max(1, int(query.get("page", "1")))
    except ValueError:
        page = 1
    pages = max(1, -(-len(ids) // PAGE_SIZE))
    page = min(page, pages)
    shown = [domain.cases[i] for i in ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    what = _html.count(len(ids), "cases") + (f" matching “{needle}”" if needle else "")
    caption = f"{what}, newest first · page {page} of {pages}"
    form = (
        '<form class="filter" method="get">'
        f'<input type="hidden" name="region" value="{html.escape(region)}">'
        f'<input type="hidden" name="domain" value="{html.escape(domain.domain_id)}">'
        f'<input type="search" name="q" value="{html.escape(needle)}" '
        'placeholder="title, case id or reference number" aria-label="Filter cases">'
        '<button type="submit">Filter</button></form>'
    )
    table = _html.cases_table(
        shown,
        caption,
        lambda case: _href(region=region, domain=domain.domain_id, case=case.case_id),
    )
    pager = []
    for number, label in ((page - 1, "newer"), (page + 1, "older")):
        if 1 <= number <= pages:
            href = _href(region=region, domain=domain.domain_id, q=needle, page=str(number))
            pager.append(str(_html.link(href + "#cases", label)))
    return form + table + f'<p class="pager">{" ".join(pager)}</p>'


def _case_html(case: CaseView) -> str:
    related = list(case.related_items.values())
    parts = [
        f'<h2 class="case-title">{html.escape(case.title or "(no title)")}</h2>',
        f'<p class="ids">id <code>{html.escape(case.case_id)}</code> · status '
        f"<strong>{html.escape(str(case.status))}</strong> · reference "
        f"<code>{html.escape(str(case.reference_number))}</code></p>",
        _section("Field values", _html.case_values_table(case), "field-values"),
        _section(
            "Related items",
            _html.related_items_table(related, _html.count(len(related), "related items")),
            "related-items",
        ),
        _section("Tags", _html.tags_table(case.tags), "tags"),
        _section(
            "Audit history",
            _html.audit_table(
                list(case.audit),
                _html.count(len(case.audit), "audit events"),
                _html.field_names(case),
            ),
            "audit-history",
        ),
    ]
    return "".join(parts)


def _calls_html(mock: CasesMock) -> str:
    calls = list(mock.calls)
    recent = list(enumerate(calls))[-CALLS_SHOWN:][::-1]
    rows = []
    classes = []
    for index, call in recent:
        when = datetime.fromtimestamp(call.time, timezone.utc).strftime("%H:%M:%S.%f")[:-3]
        if call.error is None:
            result: Any = "OK"
        else:
            result = f"{call.error.code}: {call.error.message}"
        rows.append((index, when, call.operation, call.region, call.access_key_id, result))
        classes.append(None if call.ok else "error")
    errors = sum(1 for call in calls if not call.ok)
    caption = f"{_html.count(len(calls), 'calls')}, {_html.count(errors, 'errors')}"
    if len(recent) < len(calls):
        caption += f" (the {len(recent)} most recent shown, newest first)"
    headers = ("#", "Time (UTC)", "Operation", "Region", "Caller", "Result")
    table = _html.table(headers, rows, caption, row_classes=classes)
    return _section("Call log", table, "calls")


def _faults_html(mock: CasesMock) -> str:
    rules = list(mock.faults.rules)
    if not rules:
        return ""
    rows = [(describe(rule),) for rule in rules]
    return _section("Fault rules", _html.table(("Rule",), rows, _html.count(len(rows), "rules")))


def describe(rule: Rule) -> str:
    """``ThrottlingException on ListDomains: every call, 1 more time``."""
    trigger = rule.trigger
    what = rule.code if isinstance(rule, ErrorRule) else f"{rule.seconds:g} s latency"
    where = f"on {rule.operation}" if rule.operation else "on every operation"
    when = "every call" if trigger.every in (None, 1) else f"one call in {trigger.every}"
    if trigger.probability is not None:
        when += f" with probability {trigger.probability:g}"
    if trigger.remaining is None:
        limit = "no limit"
    else:
        limit = f"{trigger.remaining} more time{'' if trigger.remaining == 1 else 's'}"
    return f"{what} {where}: {when}, {limit}"
