"""Seeding: build a ready domain in one call and create many cases fast.

The helpers skip the wire (no HTTP encoding, no botocore) but not the checks: each step
runs casemock's server-side validation of the model constraints and then the same
handler a boto3 call reaches, so a value the service would refuse is refused here too.
Refusals are raised as ``botocore.exceptions.ClientError`` with the error code, message,
HTTP status and modeled members a boto3 client would show.

By default seeded calls are not added to ``CasesMock.calls`` and seeded cases publish no
case events (``record_calls=True`` / ``events=True`` to have them). See docs/inspection.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from casemock._dispatch import Direct, client_error
from casemock._errors import CasesMockError, ServiceError
from casemock._snapshots.document import paused_gc
from casemock._timestamps import format_timestamp
from casemock.backend._records import Domain

if TYPE_CHECKING:
    from casemock._mock import CasesMock

_FIELD_REFERENCES = frozenset({"fieldId", "parentFieldId", "childFieldId"})
_OPTIONS_PER_CALL = 50  # BatchPutFieldOptions takes at most 50 options


@dataclass(frozen=True)
class SeededDomain:
    """What :func:`seed_domain` created."""

    domain_id: str
    domain_arn: str
    name: str
    region: str
    field_ids: Mapping[str, str] = field(default_factory=dict)  # custom field name -> id
    layout_id: str | None = None
    template_id: str | None = None
    case_rule_ids: Mapping[str, str] = field(default_factory=dict)  # rule name -> id

    def field_id(self, name_or_id: str) -> str:
        """The id of a seeded field by name; any other string is returned unchanged (so a
        system field id such as ``"title"`` passes through)."""
        return self.field_ids.get(name_or_id, name_or_id)


# -- seed_domain ------------------------------------------------------------------------


def _options(spec: Sequence[str | Mapping[str, Any]]) -> list[dict[str, Any]]:
    options = []
    for option in spec:
        if isinstance(option, str):
            options.append({"name": option, "value": option, "active": True})
        else:
            value = option["value"]
            name = option.get("name", value)
            options.append({"name": name, "value": value, "active": option.get("active", True)})
    return options


def _resolve(data: Any, ids: Mapping[str, str]) -> Any:
    """``data`` with field names replaced by ids under fieldId/parentFieldId/childFieldId."""
    if isinstance(data, Mapping):
        return {
            key: ids.get(value, value)
            if key in _FIELD_REFERENCES and isinstance(value, str)
            else _resolve(value, ids)
            for key, value in data.items()
        }
    if isinstance(data, (list, tuple)):
        return [_resolve(item, ids) for item in data]
    return data


def _layout_content(
    ids: Mapping[str, str], top: Sequence[str], more_info: Sequence[str]
) -> dict[str, Any]:
    basic: dict[str, Any] = {}
    for panel, names in (("topPanel", top), ("moreInfo", more_info)):
        fields = [{"id": ids.get(name, name)} for name in names]
        group = {"name": "Fields" if panel == "topPanel" else "More information", "fields": fields}
        basic[panel] = {"sections": [{"fieldGroup": group}] if fields else []}
    return {"basic": basic}


def seed_domain(
    mock: CasesMock,
    name: str,
    *,
    fields: Sequence[Mapping[str, Any]] = (),
    rules: Sequence[Mapping[str, Any]] = (),
    layout: bool | Mapping[str, Any] = False,
    template: bool | Mapping[str, Any] | None = None,
    region: str | None = None,
    record_calls: bool = False,
) -> SeededDomain:
    """Create a domain with its custom fields (and options), case rules, a layout and a
    template in one call. Fields, rules, layouts and templates name fields by name or id.

    * ``fields``: ``{"name", "type", "description"?, "attributes"?, "options"?}``; options
      are strings (name = value) or ``{"value", "name"?, "active"?}``. ``{"id":
      "case_reason", "options": [...]}`` adds options to an existing (system) field.
    * ``rules``: ``{"name", "rule": CaseRuleDetails, "description"?, "field"?}``; every
      rule is attached to the template, to ``field`` when given (a fieldOptions rule
      names its fields inside the rule).
    * ``layout``: True for a layout showing every custom field in the top panel, or
      ``{"name"?, "top": [...], "more_info": [...]}``; it is the template's default layout.
    * ``template``: True, or ``{"name"?, "description"?, "status"?, "required": [...],
      "tag_propagation"?: {tag: value}}``.

    If a step is refused, the domain is deleted again and the ClientError is raised.
    """
    require_active(mock, "seed_domain()")
    _check_specs(fields, rules, layout, template)
    call = Direct(mock, region, record_calls=record_calls)
    created = call("CreateDomain", {"name": name})
    domain_id: str = created["domainId"]
    try:
        return _build_domain(call, created, name, fields, rules, layout, template)
    except BaseException:
        with call.state.lock:
            call.state.domains.pop(domain_id, None)
        raise


# spec kind -> (keys it needs, keys it may have), as seed_domain's docstring lists them
_SPECS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "fields": (frozenset({"name", "type"}), frozenset({"description", "attributes", "options"})),
    "fields (existing)": (frozenset({"id"}), frozenset({"options"})),
    "rules": (frozenset({"name", "rule"}), frozenset({"description", "field"})),
    "layout": (frozenset(), frozenset({"name", "top", "more_info"})),
    "template": (
        frozenset(),
        frozenset({"name", "description", "status", "required", "tag_propagation"}),
    ),
}


def _check_specs(
    fields: Sequence[Mapping[str, Any]],
    rules: Sequence[Mapping[str, Any]],
    layout: bool | Mapping[str, Any],
    template: bool | Mapping[str, Any] | None,
) -> None:
    """CasesMockError for a spec seed_domain cannot read (before anything is created)."""
    specs: list[tuple[str, object]] = [
        ("fields (existing)" if "id" in spec else "fields", spec) for spec in fields
    ]
    specs += [("rules", spec) for spec in rules]
    specs += [(kind, spec) for kind, spec in (("layout", layout), ("template", template))]
    for kind, spec in specs:
        if kind in ("layout", "template") and not isinstance(spec, Mapping):
            continue  # True, False or None
        if not isinstance(spec, Mapping):
            raise CasesMockError(f"seed_domain(): a {kind} entry is a dict, not {spec!r}.")
        needed, optional = _SPECS[kind]
        missing = sorted(needed - set(spec))
        unknown = sorted(set(spec) - needed - optional)
        if missing or unknown:
            problem = f"needs {missing}" if missing else f"has unknown keys {unknown}"
            raise CasesMockError(
                f"seed_domain(): the {kind} entry {dict(spec)!r} {problem}; its keys are "
                f"{sorted(needed | optional)} (see seed_domain's documentation)."
            )


def _build_domain(
    call: Direct,
    created: dict[str, Any],
    name: str,
    fields: Sequence[Mapping[str, Any]],
    rules: Sequence[Mapping[str, Any]],
    layout: bool | Mapping[str, Any],
    template: bool | Mapping[str, Any] | None,
) -> SeededDomain:
    domain_id: str = created["domainId"]
    ids: dict[str, str] = {}
    custom: list[str] = []
    for spec in fields:
        if "id" in spec:
            field_id = spec["id"]
        else:
            params = {"domainId": domain_id, "name": spec["name"], "type": spec["type"]}
            for key in ("description", "attributes"):
                if key in spec:
                    params[key] = spec[key]
            field_id = call("CreateField", params)["fieldId"]
            ids[spec["name"]] = field_id
            custom.append(field_id)
        options = _options(spec.get("options", ()))
        for start in range(0, len(options), _OPTIONS_PER_CALL):
            batch = options[start : start + _OPTIONS_PER_CALL]
            params = {"domainId": domain_id, "fieldId": field_id, "options": batch}
            errors = call("BatchPutFieldOptions", params).get("errors") or []
            if errors:
                first = errors[0]
                message = f"option {first['value']!r}: {first['message']}"
                raise client_error(
                    "BatchPutFieldOptions", ServiceError(first["errorCode"], message)
                )

    rule_ids: dict[str, str] = {}
    attached: list[dict[str, str]] = []
    for spec in rules:
        params = {"domainId": domain_id, "name": spec["name"], "rule": _resolve(spec["rule"], ids)}
        if "description" in spec:
            params["description"] = spec["description"]
        rule_id = call("CreateCaseRule", params)["caseRuleId"]
        rule_ids[spec["name"]] = rule_id
        entry = {"caseRuleId": rule_id}
        if spec.get("field"):
            entry["fieldId"] = ids.get(spec["field"], spec["field"])
        attached.append(entry)

    layout_id: str | None = None
    if layout:
        spec = layout if isinstance(layout, Mapping) else {}
        top = spec.get("top", custom if not isinstance(layout, Mapping) else ())
        content = _layout_content(ids, top, spec.get("more_info", ()))
        params = {"domainId": domain_id, "name": spec.get("name", f"{name} layout")}
        params["content"] = content
        layout_id = call("CreateLayout", params)["layoutId"]

    template_id: str | None = None
    if template:
        spec = template if isinstance(template, Mapping) else {}
        params = {"domainId": domain_id, "name": spec.get("name", f"{name} template")}
        for key in ("description", "status"):
            if key in spec:
                params[key] = spec[key]
        required = spec.get("required", ())
        if required:
            params["requiredFields"] = [{"fieldId": ids.get(f, f)} for f in required]
        if layout_id is not None:
            params["layoutConfiguration"] = {"defaultLayout": layout_id}
        if attached:
            params["rules"] = attached
        if spec.get("tag_propagation"):
            params["tagPropagationConfigurations"] = [
                {"resourceType": "Cases", "tagMap": dict(spec["tag_propagation"])}
            ]
        template_id = call("CreateTemplate", params)["templateId"]

    return SeededDomain(
        domain_id=domain_id,
        domain_arn=created["domainArn"],
        name=name,
        region=call.region,
        field_ids=ids,
        layout_id=layout_id,
        template_id=template_id,
        case_rule_ids=rule_ids,
    )


# -- create_cases -----------------------------------------------------------------------


def wire_value(value: Any, field_type: str | None) -> dict[str, Any]:
    """A FieldValueUnion for a plain value: None -> emptyValue, bool -> booleanValue,
    int/float -> doubleValue, datetime -> ISO-8601 stringValue (naive means UTC), str ->
    stringValue (userArnValue for User fields); a mapping is taken as a union already."""
    if value is None:
        return {"emptyValue": {}}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, (int, float)):
        return {"doubleValue": float(value)}
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        return {"stringValue": format_timestamp(moment)}
    if isinstance(value, str):
        return {"userArnValue": value} if field_type == "User" else {"stringValue": value}
    if isinstance(value, Mapping):
        return dict(value)
    raise CasesMockError(
        f"create_cases() cannot turn {value!r} ({type(value).__name__}) into a field value; "
        "use str, int, float, bool, datetime, None or a FieldValueUnion dict."
    )


class _FieldKeys:
    """Row keys (field ids or names) -> (field id, type), resolved once per key."""

    def __init__(self, domain: Domain | None) -> None:
        self._domain = domain
        self.known: dict[str, tuple[str, str | None]] = {}

    def __call__(self, key: str) -> tuple[str, str | None]:
        known = self.known.get(key)
        if known is None:
            known = (key, None)
            domain = self._domain
            if domain is not None:
                record = domain.fields.get(key)
                if record is None:
                    named = (f for f in domain.fields.values() if f.name == key and not f.deleted)
                    record = next(named, None)
                if record is not None:
                    known = (record.field_id, record.type)
            self.known[key] = known
        return known


def require_active(mock: CasesMock, what: str) -> None:
    if not mock.live:
        raise CasesMockError(
            f"{what} needs an active mock (started, or served over HTTP): start() begins "
            "with empty state and would discard what was seeded. Seed inside `with "
            "mock_cases() as m:` (or after m.start(), or on a server's mock)."
        )


def _performed_by(value: str | Mapping[str, str] | None) -> dict[str, str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {"userArn": value} if value.startswith("arn:") else {"customEntity": value}
    return dict(value)


def create_cases(
    mock: CasesMock,
    domain_id: str,
    template_id: str | None,
    rows: Iterable[Mapping[str, Any]],
    *,
    tags: Mapping[str, str] | None = None,
    performed_by: str | Mapping[str, str] | None = None,
    region: str | None = None,
    events: bool = False,
    record_calls: bool = False,
) -> list[str]:
    """Create one case per row (``{field id or name: plain value}``, see :func:`wire_value`)
    with CreateCase's validation; return the case ids in row order.

    ``template_id`` may be a ``SeededDomain.template_id`` as it is typed (None, for a
    domain seeded without a template, is a CasesMockError).
    ``tags`` go on every case; ``performed_by`` is a user ARN or a custom entity. Each case
    gets its audit history as through the API; case events are published only with
    ``events=True`` and calls logged only with ``record_calls=True``. The first refused
    row raises a ClientError naming the row; the rows before it stay created.
    """
    require_active(mock, "create_cases()")
    if template_id is None:  # SeededDomain.template_id of a domain seeded without one
        raise CasesMockError(
            "create_cases() needs a template id: seed the domain with a template "
            "(seed_domain(..., template=True) or template={...}) or pass one you created."
        )
    call = Direct(mock, region, record_calls=record_calls, events=events)
    extra: dict[str, Any] = {}
    if tags:
        extra["tags"] = dict(tags)
    who = _performed_by(performed_by)
    if who:
        extra["performedBy"] = who
    ids: list[str] = []
    with call.state.lock, paused_gc():
        keys = _FieldKeys(call.state.domains.get(domain_id))
        known = keys.known  # resolved keys, read without a call
        for index, row in enumerate(rows):
            fields = []
            for key, value in row.items():
                field_id, field_type = known.get(key) or keys(key)
                kind = type(value)  # the common plain values first, as wire_value turns them
                if kind is str and field_type != "User":
                    union: dict[str, Any] = {"stringValue": value}
                elif kind is float or kind is int:
                    union = {"doubleValue": float(value)}
                else:
                    union = wire_value(value, field_type)
                fields.append({"id": field_id, "value": union})
            params: dict[str, Any] = {
                "domainId": domain_id,
                "templateId": template_id,
                "fields": fields,
            }
            for name, value in extra.items():
                params[name] = dict(value)
            result = call("CreateCase", params, f"create_cases row {index}")
            ids.append(result["caseId"])
    return ids


__all__ = ["SeededDomain", "create_cases", "seed_domain", "wire_value"]
