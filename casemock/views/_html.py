"""HTML tables for Jupyter (``_repr_html_``) and the HTTP server's dashboard: the state
of a mock at a glance.

Every value is escaped, except ``Markup`` (HTML built here, from escaped parts); large
collections show their most recent rows only. The tables take optional ``link``
functions (record -> URL) so the dashboard can make names clickable; notebooks pass none.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casemock.views._backend import BackendView, CaseView, DomainView
    from casemock.views._records import (
        AuditEventView,
        CaseRuleView,
        FieldView,
        LayoutView,
        RelatedItemView,
        TemplateView,
    )

MAX_ROWS = 20


class Markup(str):
    """HTML that is already safe (built from escaped parts): tables insert it as is."""


def link(href: str, text: Any) -> Markup:
    """``<a href="...">text</a>`` with both parts escaped."""
    return Markup(f'<a href="{html.escape(href)}">{_text(text)}</a>')


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, datetime):
        return html.escape(value.strftime("%Y-%m-%d %H:%M:%S %Z").strip())
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, Mapping):
        if not value:
            return ""
        return html.escape(json.dumps(_plain(value), default=str, ensure_ascii=False))
    return html.escape(str(value))


def _plain(value: Any) -> Any:
    """Frozen view data (FrozenMap, tuples) as plain JSON-able values."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def count(number: int, plural: str) -> str:
    """``1 case``, ``2 cases`` (``plural`` ends in s)."""
    return f"{number} {plural[:-1] if number == 1 else plural}"


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    caption: str = "",
    *,
    row_classes: Iterable[str | None] | None = None,
) -> str:
    """An HTML table; every header and cell is escaped (``Markup`` cells are inserted as
    they are). ``row_classes``: a CSS class per row (None for none)."""
    head = "".join(f"<th>{_text(h)}</th>" for h in headers)
    classes = iter(row_classes) if row_classes is not None else None
    body = []
    for row in rows:
        css = next(classes, None) if classes is not None else None
        opening = f'<tr class="{html.escape(css)}">' if css else "<tr>"
        body.append(opening + "".join(f"<td>{_text(cell)}</td>" for cell in row) + "</tr>")
    title = f'<caption style="text-align:left">{_text(caption)}</caption>' if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _latest(records: Mapping[str, Any], noun: str) -> tuple[list[Any], str]:
    """The last MAX_ROWS items of a mapping and a caption saying how many there are."""
    keys = list(records)
    shown = keys[-MAX_ROWS:]
    caption = count(len(keys), noun)
    if len(shown) < len(keys):
        caption += f" (the {len(shown)} most recent shown)"
    return [records[key] for key in shown], caption


def domains_table(
    domains: Sequence[DomainView],
    caption: str = "",
    link_to: Callable[[DomainView], str] | None = None,
) -> str:
    rows = []
    for view in domains:
        record = view._record
        custom = sum(1 for f in record.fields.values() if f.namespace == "Custom" and not f.deleted)
        rows.append(
            (
                link(link_to(view), view.name) if link_to else view.name,
                view.domain_id,
                view.status,
                view.created_time,
                custom,
                sum(1 for t in record.templates.values() if not t.deleted),
                sum(1 for layout in record.layouts.values() if not layout.deleted),
                sum(1 for r in record.case_rules.values() if not r.deleted),
                len(record.cases),
            )
        )
    headers = (
        "Name",
        "Domain id",
        "Status",
        "Created",
        "Custom fields",
        "Templates",
        "Layouts",
        "Case rules",
        "Cases",
    )
    return table(headers, rows, caption)


def templates_table(domain: DomainView, templates: Sequence[TemplateView], caption: str) -> str:
    record = domain._record

    def name_of(field_id: str) -> str:
        found = record.fields.get(field_id)
        return found.name if found is not None else field_id

    rows = [
        (
            t.name,
            t.template_id,
            t.status + (" (deleted)" if t.deleted else ""),
            [name_of(i) for i in t.required_field_ids],
            record.layouts[t.layout_id].name if t.layout_id in record.layouts else t.layout_id,
            len(t.rules),
        )
        for t in templates
    ]
    headers = ("Name", "Template id", "Status", "Required fields", "Layout", "Rules")
    return table(headers, rows, caption)


def fields_table(fields: Sequence[FieldView], caption: str) -> str:
    rows = [
        (
            f.name + (" (deleted)" if f.deleted else ""),
            f.field_id,
            f.type,
            f.namespace,
            [o.value + ("" if o.active else " (inactive)") for o in f.options.values()],
        )
        for f in fields
    ]
    return table(("Name", "Field id", "Type", "Namespace", "Options"), rows, caption)


def cases_table(
    cases: Sequence[CaseView], caption: str, link_to: Callable[[CaseView], str] | None = None
) -> str:
    def template_name(case: CaseView) -> str:
        found = case._domain.templates.get(case.template_id)
        return found.name if found is not None else case.template_id

    rows = [
        (
            link(link_to(c), c.title or c.case_id) if link_to else c.title,
            c.status,
            c.reference_number,
            c.created,
            c.case_id,
            template_name(c),
        )
        for c in cases
    ]
    headers = ("Title", "Status", "Reference number", "Created", "Case id", "Template")
    return table(headers, rows, caption)


def _named_table(views: Sequence[LayoutView | CaseRuleView], id_header: str, caption: str) -> str:
    rows = []
    for view in views:
        identifier = getattr(view, "layout_id", None) or getattr(view, "case_rule_id", "")
        rows.append((view.name + (" (deleted)" if view.deleted else ""), identifier))
    return table(("Name", id_header), rows, caption)


def domain_html(domain: DomainView) -> str:
    record = domain._record
    custom = [domain.fields[i] for i, f in record.fields.items() if f.namespace == "Custom"]
    cases, cases_caption = _latest(domain.cases, "cases")
    parts = [
        f"<div><strong>Domain {_text(domain.name)}</strong> "
        f"<code>{_text(domain.domain_id)}</code></div>",
        templates_table(
            domain, list(domain.templates.values()), count(len(record.templates), "templates")
        ),
        fields_table(custom, count(len(custom), "custom fields")),
        cases_table(cases, cases_caption),
    ]
    return "".join(parts)


def backend_html(backend: BackendView) -> str:
    domains = list(backend.domains.values())
    parts = [
        f"<div><strong>casemock</strong> account <code>{_text(backend.account_id)}</code>, "
        f"region <code>{_text(backend.region)}</code></div>",
        domains_table(domains, count(len(domains), "domains")),
    ]
    parts.extend(domain_html(domain) for domain in domains)
    return "".join(parts)


def case_html(case: CaseView) -> str:
    record = case._domain
    rows = []
    for field_id in case.values:
        found = record.fields.get(field_id)
        rows.append((found.name if found else field_id, field_id, case.value(field_id)))
    caption = f"Case {case.case_id}"
    return table(("Field", "Field id", "Value"), rows, caption) + table(
        ("Tag", "Value"), case.tags.items(), count(len(case.tags), "tags")
    )


def layouts_table(layouts: Sequence[LayoutView], caption: str) -> str:
    def fields_in(content: Any) -> int:
        if isinstance(content, Mapping):
            return (1 if "id" in content and len(content) == 1 else 0) + sum(
                fields_in(v) for v in content.values()
            )
        if isinstance(content, (list, tuple)):
            return sum(fields_in(item) for item in content)
        return 0

    rows = [
        (
            view.name + (" (deleted)" if view.deleted else ""),
            view.layout_id,
            fields_in(view.content),
            view.last_modified_time,
        )
        for view in layouts
    ]
    return table(("Name", "Layout id", "Fields", "Last modified"), rows, caption)


def case_rules_table(rules: Sequence[CaseRuleView], caption: str) -> str:
    rows = [
        (
            view.name + (" (deleted)" if view.deleted else ""),
            view.case_rule_id,
            view.kind,
            view.description,
            view.rule[view.kind],
        )
        for view in rules
    ]
    return table(("Name", "Case rule id", "Kind", "Description", "Rule"), rows, caption)


def case_values_table(case: CaseView) -> str:
    """The case's field values: field name, id and plain value."""
    record = case._domain
    rows = []
    for field_id in case.values:
        found = record.fields.get(field_id)
        rows.append((found.name if found else field_id, field_id, case.value(field_id)))
    return table(("Field", "Field id", "Value"), rows, count(len(rows), "field values"))


def related_items_table(items: Sequence[RelatedItemView], caption: str) -> str:
    rows = [
        (item.type, item.related_item_id, item.association_time, item.content, item.tags)
        for item in items
    ]
    return table(("Type", "Related item id", "Associated", "Content", "Tags"), rows, caption)


def _union_text(value: Any) -> str:
    """A FieldValueUnion as a person reads it: the value, ``(empty)`` or ``-`` (unset)."""
    if not value:
        return "-"
    member, item = next(iter(value.items()))
    return "(empty)" if member == "emptyValue" else str(_plain(item))


def audit_table(
    events: Sequence[AuditEventView], caption: str, field_names: Mapping[str, str] | None = None
) -> str:
    """Audit events, oldest first; each changed field on a line: ``name: old → new``."""
    names = field_names or {}
    rows = []
    for event in events:
        lines = []
        for change in event.fields:
            field_id = change.get("eventFieldId", "")
            old, new = _union_text(change.get("oldValue")), _union_text(change.get("newValue"))
            lines.append(html.escape(f"{names.get(field_id, field_id)}: {old} \u2192 {new}"))
        changes = "<br>".join(lines)
        who = event.performed_by.get("user") or event.performed_by.get("iamPrincipalArn")
        if isinstance(who, Mapping):
            who = next(iter(who.values()), None)
        rows.append(
            (event.performed_time, event.type, event.related_item_type, Markup(changes), who)
        )
    headers = ("Performed", "Type", "Related item", "Changes", "Performed by")
    return table(headers, rows, caption)


def field_names(case: CaseView) -> dict[str, str]:
    """Field id -> name in the case's domain."""
    return {field_id: record.name for field_id, record in case._domain.fields.items()}


def tags_table(tags: Mapping[str, str]) -> str:
    return table(("Tag", "Value"), tags.items(), count(len(tags), "tags"))


def records_html(noun: str, records: Mapping[str, Any]) -> str:
    """A table for one of a view's collections (domains, fields, templates, cases, ...)."""
    items, caption = _latest(records, noun)
    if not items:
        return f"<p>0 {_text(noun)}</p>"
    if noun == "domains":
        return domains_table(items, caption)
    if noun == "cases":
        return cases_table(items, caption)
    if noun == "fields":
        return fields_table(items, caption)
    if noun == "templates":
        rows = [(t.name, t.template_id, t.status, len(t.required_field_ids)) for t in items]
        return table(("Name", "Template id", "Status", "Required fields"), rows, caption)
    header = "Case rule id" if noun == "case rules" else "Layout id"
    return _named_table(items, header, caption)


def mock_head(active: bool, calls: int, events: int) -> str:
    """The first line of a mock's HTML: activation, calls and events."""
    state = "active" if active else "inactive"
    return f"<div><strong>CasesMock</strong> ({state}), {calls} calls, {events} events</div>"
