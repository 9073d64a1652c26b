"""Templates: which layout a case shows, which fields are required, which case rules apply
and which tags propagate to cases (CreateTemplate, GetTemplate, UpdateTemplate,
DeleteTemplate, ListTemplates).

``require_template`` resolves a template id for other families (cases, search).
Templates are soft-deleted: GetTemplate still answers with ``deleted: true``, nothing can
be created from them and ListTemplates omits them.
"""

from __future__ import annotations

import copy
from typing import Any

from casemock._errors import conflict, not_found, quota_exceeded, validation_error
from casemock.backend._context import Context
from casemock.backend._pagination import page_by_creation
from casemock.backend._records import Domain, Template
from casemock.backend._registry import operation
from casemock.backend.config.fields import DEFAULT_PAGE_SIZE, live_field
from casemock.backend.config.layouts import refuse_deletion_beyond
from casemock.backend.tags import check_tags

# The members UpdateTemplate may change; at least one must be given.
_UPDATABLE = (
    "name",
    "description",
    "layoutConfiguration",
    "requiredFields",
    "status",
    "rules",
    "tagPropagationConfigurations",
)


def require_template(domain: Domain, template_id: str) -> Template:
    """The template with this id; ResourceNotFoundException (resourceType Template) if none.

    A soft-deleted template is returned (with ``deleted`` set); callers decide what a
    deleted template means for them."""
    found = domain.templates.get(template_id)
    if found is None:
        raise not_found(
            "Template",
            template_id,
            f"Template {template_id} not found in domain {domain.domain_id}",
        )
    return found


def _check_required_fields(domain: Domain, required: list[dict[str, Any]]) -> None:
    ids = [item["fieldId"] for item in required]
    unknown = sorted({i for i in ids if live_field(domain, i) is None})
    if unknown:
        raise validation_error(
            f"requiredFields {unknown} do not exist in domain {domain.domain_id} "
            "or have been deleted."
        )
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise validation_error(f"Fields {repeated} appear more than once in requiredFields.")


def _check_layout(domain: Domain, layout_configuration: dict[str, Any]) -> None:
    layout_id = layout_configuration.get("defaultLayout")
    if layout_id is None:
        return
    layout = domain.layouts.get(layout_id)
    if layout is None or layout.deleted:
        raise validation_error(
            f"Layout {layout_id} does not exist in domain {domain.domain_id} or has been deleted."
        )


def _check_rules(domain: Domain, rules: list[dict[str, Any]]) -> None:
    for rule in rules:
        rule_id = rule["caseRuleId"]
        case_rule = domain.case_rules.get(rule_id)
        if case_rule is None or case_rule.deleted:
            raise validation_error(
                f"Case rule {rule_id} does not exist in domain {domain.domain_id} "
                "or has been deleted."
            )
        field_id = rule.get("fieldId")
        if field_id is not None and live_field(domain, field_id) is None:
            raise validation_error(
                f"Field {field_id} of the rule {rule_id} does not exist in domain "
                f"{domain.domain_id} or has been deleted."
            )
    pairs = [(rule["caseRuleId"], rule.get("fieldId")) for rule in rules]
    if len(set(pairs)) != len(pairs):
        raise validation_error("The same case rule is attached to the same field more than once.")


def _check_tag_propagation(configurations: list[dict[str, Any]]) -> None:
    for index, configuration in enumerate(configurations):
        check_tags(configuration["tagMap"], f"tagPropagationConfigurations.{index}.tagMap")


def _check_name_free(domain: Domain, name: str, except_id: str | None = None) -> None:
    for other in domain.templates.values():
        if other.name == name and not other.deleted and other.template_id != except_id:
            raise conflict(
                f"A template named {name!r} already exists in domain {domain.domain_id} "
                f"({other.template_id})."
            )


def _check_references(domain: Domain, params: dict[str, Any]) -> None:
    if "requiredFields" in params:
        _check_required_fields(domain, params["requiredFields"])
    if "layoutConfiguration" in params:
        _check_layout(domain, params["layoutConfiguration"])
    if "rules" in params:
        _check_rules(domain, params["rules"])
    if "tagPropagationConfigurations" in params:
        _check_tag_propagation(params["tagPropagationConfigurations"])


@operation("CreateTemplate")
def create_template(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    name: str = params["name"]
    _check_references(domain, params)
    _check_name_free(domain, name)
    live = sum(1 for t in domain.templates.values() if not t.deleted)
    if live >= ctx.settings.templates:
        raise quota_exceeded(
            f"Domain {domain.domain_id} already has {live} templates, "
            f"the quota is {ctx.settings.templates}."
        )
    template_id = ctx.new_id()
    now = ctx.now()
    record = Template(
        seq=ctx.next_seq(),
        template_id=template_id,
        arn=f"{domain.arn}/template/{template_id}",
        name=name,
        description=params.get("description"),
        layout_configuration=copy.deepcopy(params.get("layoutConfiguration")),
        required_fields=copy.deepcopy(params.get("requiredFields", [])),
        status=params.get("status", "Active"),
        rules=copy.deepcopy(params.get("rules", [])),
        tag_propagation=copy.deepcopy(params.get("tagPropagationConfigurations", [])),
        created_time=now,
        last_modified_time=now,
    )
    domain.templates[template_id] = record
    return {"templateId": template_id, "templateArn": record.arn}


@operation("GetTemplate")
def get_template(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    record = require_template(domain, params["templateId"])
    result: dict[str, Any] = {
        "templateId": record.template_id,
        "templateArn": record.arn,
        "name": record.name,
        "requiredFields": [
            dict(item) for item in record.required_fields if live_field(domain, item["fieldId"])
        ],
        "tags": dict(record.tags),
        "status": record.status,
        "deleted": record.deleted,
        "createdTime": record.created_time,
        "lastModifiedTime": record.last_modified_time,
        "rules": copy.deepcopy(record.rules),
        "tagPropagationConfigurations": copy.deepcopy(record.tag_propagation),
    }
    if record.description is not None:
        result["description"] = record.description
    if record.layout_configuration is not None:
        result["layoutConfiguration"] = dict(record.layout_configuration)
    return result


@operation("UpdateTemplate")
def update_template(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    record = require_template(domain, params["templateId"])
    if record.deleted:
        raise validation_error(
            f"Template {record.template_id} has been deleted and cannot be updated."
        )
    if not any(member in params for member in _UPDATABLE):
        raise validation_error(
            f"At least one of {', '.join(_UPDATABLE)} must be given to update a template."
        )
    _check_references(domain, params)
    if "name" in params:
        _check_name_free(domain, params["name"], except_id=record.template_id)
    if "name" in params:
        record.name = params["name"]
    if "description" in params:
        record.description = params["description"]
    if "layoutConfiguration" in params:
        record.layout_configuration = copy.deepcopy(params["layoutConfiguration"])
    if "requiredFields" in params:
        record.required_fields = copy.deepcopy(params["requiredFields"])
    if "status" in params:
        record.status = params["status"]
    if "rules" in params:
        record.rules = copy.deepcopy(params["rules"])
    if "tagPropagationConfigurations" in params:
        record.tag_propagation = copy.deepcopy(params["tagPropagationConfigurations"])
    record.last_modified_time = ctx.now()
    return {}


@operation("DeleteTemplate")
def delete_template(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    record = require_template(domain, params["templateId"])
    if not record.deleted:
        deleted = sum(1 for t in domain.templates.values() if t.deleted)
        refuse_deletion_beyond("templates", deleted, ctx.settings.deleted_templates)
        record.deleted = True
        record.last_modified_time = ctx.now()
    return {}


@operation("ListTemplates")
def list_templates(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    statuses: list[str] = sorted(set(params.get("status") or ["Active", "Inactive"]))
    items, token = page_by_creation(
        (t for t in domain.templates.values() if not t.deleted and t.status in statuses),
        params,
        ["ListTemplates", domain.domain_id, statuses],
        DEFAULT_PAGE_SIZE,
    )
    summaries = []
    for t in items:
        summary: dict[str, Any] = {
            "templateId": t.template_id,
            "templateArn": t.arn,
            "name": t.name,
            "status": t.status,
        }
        if t.tag_propagation:
            summary["tagPropagationConfigurations"] = copy.deepcopy(t.tag_propagation)
        summaries.append(summary)
    result: dict[str, Any] = {"templates": summaries}
    if token:
        result["nextToken"] = token
    return result
