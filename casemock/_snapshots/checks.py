"""What a restored document must satisfy beyond its JSON types: the rules the API
applies, so that whatever loads reads back through every operation.

The codec checks the records' own types; this pass checks, in one walk over the loaded
records, what the type hints cannot say:

* free-form parts against the model: every record attribute the API answers is checked
  against the shape of the member that answers it (the strict output check: types,
  required and unknown members, enums, unions with one member; then the input
  validator: lengths, patterns, value ranges), e.g. a layout's ``content`` against
  ``GetLayoutResponse.content``;
* the backend's own rules: every system field present with its type; option values as
  keys; each case value against its field's type (``values.stored_value_problem``);
  related-item content of the item's type; ids that match their keys; references
  (templates, layouts, case rules, fields, merges, idempotency tokens and reference
  numbers) that resolve;
* quotas from the restoring mock's ``Settings``;
* the record counter ahead of every stored ``seq``.

A problem raises ``LoadError`` with its path; nothing is changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from casemock._settings import Settings
from casemock._snapshots.case_checks import (
    CaseChecks,
    case_batches,
    idempotency,
    reference_numbers,
    related_item_batches,
)
from casemock._snapshots.codec import LoadError, show
from casemock._snapshots.rules import (
    arn,
    at,
    conforms,
    keyed,
    known,
    member,
    members,
    quota,
    shape_named,
    tags,
)
from casemock.backend._records import CaseRule, Domain, Field, Layout, Template
from casemock.backend.config.system_fields import SYSTEM_FIELDS

R = TypeVar("R", Layout, CaseRule, Template)

# What a request may name as its Region (the SigV4 credential scope takes any name, and
# local setups use names such as "local"), so that any state a server kept loads again.
REGION = re.compile(r"[^/\s]{1,128}")


class Checker(CaseChecks):
    """One pass over loaded regions: regions, domains and their configuration here,
    cases in ``CaseChecks``."""

    def regions(self, regions: Mapping[str, Mapping[str, Domain]]) -> None:
        for region, domains in regions.items():
            try:
                if REGION.fullmatch(region) is None:
                    raise LoadError(f"{show(region)} is not a Region name")
                quota(len(domains), self.settings.domains, "domains in the region")
                self.region = region
                for key, domain in domains.items():
                    try:
                        self.domain(key, domain)
                    except LoadError as error:
                        raise at(error, "domains", key) from None
            except LoadError as error:
                raise error.at(region) from None

    # -- configuration --------------------------------------------------------------------

    def domain(self, key: str, domain: Domain) -> None:
        keyed(key, domain.domain_id, "domain")
        self.seq(domain.seq)
        prefix = f"arn:aws:cases:{self.region}:{self.account_id}"
        arn(domain.arn, f"{prefix}:domain/{domain.domain_id}")
        structure = "GetDomainResponse"
        members(
            domain,
            structure,
            ("domainId", "domain_id"),
            ("domainArn", "arn"),
            ("name", "name"),
            ("domainStatus", "status"),
            ("tags", "tags"),
        )
        tags(domain.tags, self.settings)
        if domain.event_config is not None:
            try:
                shape = shape_named("GetCaseEventConfigurationResponse")
                conforms(shape, domain.event_config, "event_config")
            except LoadError as error:
                raise error.at("event_config") from None
        for attribute, check in (
            ("fields", self.fields),
            ("layouts", self.layouts),
            ("case_rules", self.case_rules),
            ("templates", self.templates),
            ("merges", self.merges),
            ("cases", self.cases),
            ("idempotency", idempotency),
            ("reference_numbers", reference_numbers),
            ("related_item_batches", related_item_batches),
            ("case_batches", case_batches),
        ):
            try:
                check(domain)
            except LoadError as error:
                raise error.at(attribute) from None

    def fields(self, domain: Domain) -> None:
        fields = domain.fields
        custom = 0
        for key, field in fields.items():
            try:
                self.field(key, field, domain)
            except LoadError as error:
                raise error.at(key) from None
            if field.namespace == "Custom" and not field.deleted:
                custom += 1
        quota(custom, self.settings.fields, "custom fields")
        for system in SYSTEM_FIELDS:
            found = fields.get(system.field_id)
            if found is None:
                raise LoadError(f"the system field {system.field_id!r} is missing")
            if found.type != system.type or found.namespace != "System":
                raise LoadError(
                    f"the system field {system.field_id!r} must be a System field of type "
                    f"{system.type}"
                ).at(system.field_id)

    def field(self, key: str, field: Field, domain: Domain) -> None:
        keyed(key, field.field_id, "field")
        arn(field.arn, f"{domain.arn}/field/{key}")
        self.seq(field.seq)
        structure = "GetFieldResponse"
        members(
            field,
            structure,
            ("fieldId", "field_id"),
            ("fieldArn", "arn"),
            ("name", "name"),
            ("type", "type"),
            ("namespace", "namespace"),
            ("description", "description"),
            ("attributes", "attributes"),
            ("tags", "tags"),
        )
        tags(field.tags, self.settings)
        if field.attributes and "text" in field.attributes and field.type != "Text":
            raise LoadError("attributes.text applies to Text fields only").at("attributes")
        if field.options and field.type != "SingleSelect":
            raise LoadError(f"a {field.type} field has no options").at("options")
        quota(len(field.options), self.settings.field_options, "options")
        for value, option in field.options.items():
            try:
                if option.value != value:
                    raise LoadError(f"the option stored under {value!r} has value {option.value!r}")
                conforms(
                    shape_named("FieldOption"),
                    {"name": option.name, "value": option.value, "active": option.active},
                    "option",
                )
            except LoadError as error:
                raise error.at(value).at("options") from None

    def layouts(self, domain: Domain) -> None:
        live = _each(domain.layouts, lambda key, record: self.layout(key, record, domain))
        quota(live, self.settings.layouts, "layouts")

    def layout(self, key: str, layout: Layout, domain: Domain) -> None:
        keyed(key, layout.layout_id, "layout")
        arn(layout.arn, f"{domain.arn}/layout/{key}")
        self.seq(layout.seq)
        structure = "GetLayoutResponse"
        members(
            layout,
            structure,
            ("layoutId", "layout_id"),
            ("layoutArn", "arn"),
            ("name", "name"),
            ("content", "content"),
            ("tags", "tags"),
        )
        tags(layout.tags, self.settings)
        ids = list(_layout_field_ids(layout.content))
        quota(len(ids), self.settings.fields_per_layout, "fields in the layout")
        known(ids, domain.fields, "field", "content")

    def case_rules(self, domain: Domain) -> None:
        live = _each(domain.case_rules, lambda key, record: self.case_rule(key, record, domain))
        quota(live, self.settings.case_rules, "case rules")

    def case_rule(self, key: str, rule: CaseRule, domain: Domain) -> None:
        keyed(key, rule.case_rule_id, "case rule")
        arn(rule.arn, f"{domain.arn}/case-rule/{key}")
        self.seq(rule.seq)
        structure = "GetCaseRuleResponse"
        members(
            rule,
            structure,
            ("caseRuleId", "case_rule_id"),
            ("caseRuleArn", "arn"),
            ("name", "name"),
            ("description", "description"),
            ("rule", "rule"),
            ("tags", "tags"),
        )
        tags(rule.tags, self.settings)

    def templates(self, domain: Domain) -> None:
        live = _each(domain.templates, lambda key, record: self.template(key, record, domain))
        quota(live, self.settings.templates, "templates")

    def template(self, key: str, template: Template, domain: Domain) -> None:
        keyed(key, template.template_id, "template")
        arn(template.arn, f"{domain.arn}/template/{key}")
        self.seq(template.seq)
        structure = "GetTemplateResponse"
        members(
            template,
            structure,
            ("templateId", "template_id"),
            ("templateArn", "arn"),
            ("name", "name"),
            ("description", "description"),
            ("status", "status"),
        )
        member(
            template.layout_configuration,
            structure,
            "layoutConfiguration",
            "layout_configuration",
        )
        members(template, structure, ("requiredFields", "required_fields"), ("rules", "rules"))
        if template.tag_propagation:
            member(
                template.tag_propagation,
                structure,
                "tagPropagationConfigurations",
                "tag_propagation",
            )
        member(template.tags, structure, "tags", "tags")
        tags(template.tags, self.settings)
        layout = (template.layout_configuration or {}).get("defaultLayout")
        if layout is not None:
            known([layout], domain.layouts, "layout", "layout_configuration")
        known(
            [item["fieldId"] for item in template.required_fields],
            domain.fields,
            "field",
            "required_fields",
        )
        known(
            [rule["caseRuleId"] for rule in template.rules], domain.case_rules, "case rule", "rules"
        )
        known(
            [rule["fieldId"] for rule in template.rules if "fieldId" in rule],
            domain.fields,
            "field",
            "rules",
        )


def _layout_field_ids(content: Mapping[str, Any]) -> Iterable[str]:
    for panel in (content.get("basic") or {}).values():
        for section in (panel or {}).get("sections") or ():
            for item in ((section or {}).get("fieldGroup") or {}).get("fields") or ():
                yield item["id"]


def check(
    regions: Mapping[str, Mapping[str, Domain]], settings: Settings, account_id: str, seq: int
) -> None:
    """LoadError (with its path) unless ``regions`` is state the API could have made."""
    checker = Checker(settings, account_id)
    checker.regions(regions)
    if seq <= checker.top_seq:
        raise LoadError(
            f"the record counter ({seq}) must be ahead of every stored record's seq "
            f"(the highest is {checker.top_seq})"
        ).at("seq")


def _each(records: Mapping[str, R], check: Callable[[str, R], None]) -> int:
    """Check every soft-deletable record of a collection (a damage is reported under its
    key); the number of records not deleted, for the quota."""
    live = 0
    for key, record in records.items():
        try:
            check(key, record)
        except LoadError as error:
            raise error.at(key) from None
        live += not record.deleted
    return live
