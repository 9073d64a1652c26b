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

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from botocore.model import Shape

from casemock import _model
from casemock._errors import OutputShapeError, ServiceError
from casemock._protocol import output_check, validation
from casemock._settings import Settings
from casemock._snapshots.codec import LoadError, show
from casemock.backend._records import (
    AuditEvent,
    Case,
    CaseRule,
    Domain,
    Field,
    Layout,
    Merge,
    RelatedItem,
    Template,
)
from casemock.backend.cases.values import (
    MEMBER_TYPES,
    allowed_members,
    stored_value_problem,
    union_problem,
)
from casemock.backend.config.system_fields import SYSTEM_FIELDS
from casemock.backend.related_items.content import TYPE_MEMBERS

REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}")
_REQUEST_MEMBERS = ("templateId", "fields", "tags", "performedBy")


@functools.cache
def _shape(structure: str, member: str) -> Shape | None:
    """The model shape of ``structure.member`` (None when this model lacks it)."""
    shape: Any = _model.service_model().shape_for(structure)
    found: Shape | None = shape.members.get(member)
    return found


def _shape_named(name: str) -> Shape:
    shape: Shape = _model.service_model().shape_for(name)
    return shape


def conforms(shape: Shape | None, value: Any, name: str) -> None:
    """LoadError unless ``value`` is what the API could answer for ``shape``."""
    if shape is None:
        if value is not None:
            raise LoadError("this botocore's model has no such member")
        return
    try:
        output_check.check_shape(shape, value, name)
        validation.check_shape(shape, value, name)
    except OutputShapeError as error:
        message = str(error).replace("casemock answered ", "found ")
        raise LoadError(message.replace("casemock's answer lacks", "missing")) from None
    except ServiceError as error:
        raise LoadError(error.message) from None


def member(value: Any, structure: str, name: str, attribute: str) -> None:
    """Check a record ``attribute`` (None: absent) against ``structure.name``."""
    if value is None:
        return
    try:
        _member_check(structure, name)(value)
    except LoadError as error:
        raise error.at(attribute) from None


@functools.cache
def _member_check(structure: str, name: str) -> Callable[[Any], None]:
    """A check of values of ``structure.name``: a direct one for strings (most members,
    and the ones every case has), else ``conforms`` with a memo of the values that
    passed (audit ``performedBy``, tags and the like repeat across cases)."""
    shape = _shape(structure, name)
    if shape is not None and shape.type_name == "string":
        return _string_check(shape, name)
    passed: set[Any] = set()

    def check(value: Any) -> None:
        key = _frozen(value)
        if key is not None and key in passed:
            return
        conforms(shape, value, name)
        if key is not None and len(passed) < 10_000:
            passed.add(key)

    return check


def _string_check(shape: Shape, name: str) -> Callable[[Any], None]:
    meta = shape.metadata
    low, high = meta.get("min", 0), meta.get("max")
    enum = frozenset(getattr(shape, "enum", None) or ())
    pattern = re.compile(meta["pattern"]) if "pattern" in meta and not enum else None

    def check(value: Any) -> None:
        if (
            type(value) is not str
            or len(value) < low
            or (high is not None and len(value) > high)
            or (enum and value not in enum)
            or (pattern is not None and pattern.fullmatch(value) is None)
        ):
            conforms(shape, value, name)  # says what is wrong

    return check


def _frozen(value: Any) -> Any:
    """A hashable copy of small JSON data (None when it is not worth it)."""
    kind = type(value)
    if kind is dict:
        if len(value) > 8:
            return None
        items = []
        for key, item in value.items():
            frozen = _frozen(item)
            if frozen is None:
                return None
            items.append((key, frozen))
        return (dict, tuple(items))
    if kind is list:
        return None
    return (kind, value)


def _keyed(key: str, record_id: str, what: str) -> None:
    if key != record_id:
        raise LoadError(f"the {what} stored under {key!r} has the id {record_id!r}")


def _arn(arn: str, expected: str) -> None:
    if arn != expected:
        raise LoadError(f"the ARN is {show(arn)}, not {expected!r}").at("arn")


def _quota(count: int, limit: int, what: str, *path: Any) -> None:
    if count > limit:
        raise _at(LoadError(f"{count} {what}, the quota is {limit} (Settings)"), *path)


def _at(error: LoadError, *steps: Any) -> LoadError:
    for step in reversed(steps):
        error.at(step)
    return error


class Checker:
    """One pass over loaded regions; ``top_seq`` is the highest record ``seq`` seen."""

    def __init__(self, settings: Settings, account_id: str) -> None:
        self.settings = settings
        self.account_id = account_id
        self.region = ""
        self.top_seq = 0

    def seq(self, value: int) -> None:
        if value < 1:
            raise LoadError(f"seq must be a positive record number, got {value}")
        if value > self.top_seq:
            self.top_seq = value

    def regions(self, regions: Mapping[str, Mapping[str, Domain]]) -> None:
        for region, domains in regions.items():
            try:
                if REGION.fullmatch(region) is None:
                    raise LoadError(f"{show(region)} is not an AWS region name")
                _quota(len(domains), self.settings.domains, "domains in the region")
                self.region = region
                for key, domain in domains.items():
                    try:
                        self.domain(key, domain)
                    except LoadError as error:
                        raise _at(error, "domains", key) from None
            except LoadError as error:
                raise error.at(region) from None

    # -- configuration --------------------------------------------------------------------

    def domain(self, key: str, domain: Domain) -> None:
        _keyed(key, domain.domain_id, "domain")
        self.seq(domain.seq)
        prefix = f"arn:aws:cases:{self.region}:{self.account_id}"
        _arn(domain.arn, f"{prefix}:domain/{domain.domain_id}")
        structure = "GetDomainResponse"
        member(domain.domain_id, structure, "domainId", "domain_id")
        member(domain.arn, structure, "domainArn", "arn")
        member(domain.name, structure, "name", "name")
        member(domain.status, structure, "domainStatus", "status")
        member(domain.tags, structure, "tags", "tags")
        _tags(domain.tags, self.settings)
        if domain.event_config is not None:
            try:
                shape = _shape_named("GetCaseEventConfigurationResponse")
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
            ("idempotency", _idempotency),
            ("reference_numbers", _reference_numbers),
            ("related_item_batches", _related_item_batches),
            ("case_batches", _case_batches),
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
        _quota(custom, self.settings.fields, "custom fields")
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
        _keyed(key, field.field_id, "field")
        _arn(field.arn, f"{domain.arn}/field/{key}")
        self.seq(field.seq)
        structure = "GetFieldResponse"
        member(field.field_id, structure, "fieldId", "field_id")
        member(field.arn, structure, "fieldArn", "arn")
        member(field.name, structure, "name", "name")
        member(field.type, structure, "type", "type")
        member(field.namespace, structure, "namespace", "namespace")
        member(field.description, structure, "description", "description")
        member(field.attributes, structure, "attributes", "attributes")
        member(field.tags, structure, "tags", "tags")
        _tags(field.tags, self.settings)
        if field.attributes and "text" in field.attributes and field.type != "Text":
            raise LoadError("attributes.text applies to Text fields only").at("attributes")
        if field.options and field.type != "SingleSelect":
            raise LoadError(f"a {field.type} field has no options").at("options")
        _quota(len(field.options), self.settings.field_options, "options")
        for value, option in field.options.items():
            try:
                if option.value != value:
                    raise LoadError(f"the option stored under {value!r} has value {option.value!r}")
                conforms(
                    _shape_named("FieldOption"),
                    {"name": option.name, "value": option.value, "active": option.active},
                    "option",
                )
            except LoadError as error:
                raise error.at(value).at("options") from None

    def layouts(self, domain: Domain) -> None:
        live = 0
        for key, layout in domain.layouts.items():
            try:
                self.layout(key, layout, domain)
            except LoadError as error:
                raise error.at(key) from None
            live += not layout.deleted
        _quota(live, self.settings.layouts, "layouts")

    def layout(self, key: str, layout: Layout, domain: Domain) -> None:
        _keyed(key, layout.layout_id, "layout")
        _arn(layout.arn, f"{domain.arn}/layout/{key}")
        self.seq(layout.seq)
        structure = "GetLayoutResponse"
        member(layout.layout_id, structure, "layoutId", "layout_id")
        member(layout.arn, structure, "layoutArn", "arn")
        member(layout.name, structure, "name", "name")
        member(layout.content, structure, "content", "content")
        member(layout.tags, structure, "tags", "tags")
        _tags(layout.tags, self.settings)
        ids = list(_layout_field_ids(layout.content))
        _quota(len(ids), self.settings.fields_per_layout, "fields in the layout")
        _known(ids, domain.fields, "field", "content")

    def case_rules(self, domain: Domain) -> None:
        live = 0
        for key, rule in domain.case_rules.items():
            try:
                self.case_rule(key, rule, domain)
            except LoadError as error:
                raise error.at(key) from None
            live += not rule.deleted
        _quota(live, self.settings.case_rules, "case rules")

    def case_rule(self, key: str, rule: CaseRule, domain: Domain) -> None:
        _keyed(key, rule.case_rule_id, "case rule")
        _arn(rule.arn, f"{domain.arn}/case-rule/{key}")
        self.seq(rule.seq)
        structure = "GetCaseRuleResponse"
        member(rule.case_rule_id, structure, "caseRuleId", "case_rule_id")
        member(rule.arn, structure, "caseRuleArn", "arn")
        member(rule.name, structure, "name", "name")
        member(rule.description, structure, "description", "description")
        member(rule.rule, structure, "rule", "rule")
        member(rule.tags, structure, "tags", "tags")
        _tags(rule.tags, self.settings)

    def templates(self, domain: Domain) -> None:
        live = 0
        for key, template in domain.templates.items():
            try:
                self.template(key, template, domain)
            except LoadError as error:
                raise error.at(key) from None
            live += not template.deleted
        _quota(live, self.settings.templates, "templates")

    def template(self, key: str, template: Template, domain: Domain) -> None:
        _keyed(key, template.template_id, "template")
        _arn(template.arn, f"{domain.arn}/template/{key}")
        self.seq(template.seq)
        structure = "GetTemplateResponse"
        member(template.template_id, structure, "templateId", "template_id")
        member(template.arn, structure, "templateArn", "arn")
        member(template.name, structure, "name", "name")
        member(template.description, structure, "description", "description")
        member(template.status, structure, "status", "status")
        member(
            template.layout_configuration,
            structure,
            "layoutConfiguration",
            "layout_configuration",
        )
        member(template.required_fields, structure, "requiredFields", "required_fields")
        member(template.rules, structure, "rules", "rules")
        if template.tag_propagation:
            member(
                template.tag_propagation,
                structure,
                "tagPropagationConfigurations",
                "tag_propagation",
            )
        member(template.tags, structure, "tags", "tags")
        _tags(template.tags, self.settings)
        layout = (template.layout_configuration or {}).get("defaultLayout")
        if layout is not None:
            _known([layout], domain.layouts, "layout", "layout_configuration")
        _known(
            [item["fieldId"] for item in template.required_fields],
            domain.fields,
            "field",
            "required_fields",
        )
        _known(
            [rule["caseRuleId"] for rule in template.rules], domain.case_rules, "case rule", "rules"
        )
        _known(
            [rule["fieldId"] for rule in template.rules if "fieldId" in rule],
            domain.fields,
            "field",
            "rules",
        )

    def merges(self, domain: Domain) -> None:
        for key, merge in domain.merges.items():
            try:
                _merge(key, merge, domain)
            except LoadError as error:
                raise error.at(key) from None

    # -- cases ----------------------------------------------------------------------------

    def cases(self, domain: Domain) -> None:
        # field id -> (members its values may use, whether they must parse as date-times):
        # the common, valid value passes with a few lookups, the others go to
        # values.stored_value_problem, which says what is wrong.
        fields = {
            field_id: (allowed_members(field), field.type == "DateTime")
            for field_id, field in domain.fields.items()
        }
        for key, case in domain.cases.items():
            try:
                self.case(key, case, domain, fields)
            except LoadError as error:
                raise error.at(key) from None

    def case(
        self,
        key: str,
        case: Case,
        domain: Domain,
        fields: Mapping[str, tuple[frozenset[str], bool]],
    ) -> None:
        _keyed(key, case.case_id, "case")
        self.seq(case.seq)
        member(case.case_id, "GetCaseRequest", "caseId", "case_id")
        member(case.template_id, "GetCaseResponse", "templateId", "template_id")
        if case.template_id not in domain.templates:
            raise LoadError(f"template {case.template_id!r} does not exist").at("template_id")
        _arn(case.arn, f"{domain.arn}/case/{key}")
        for field_id, value in case.values.items():
            rule = fields.get(field_id)
            if rule is not None and type(value) is dict and len(value) == 1:
                for union_member, item in value.items():
                    if (
                        union_member in rule[0]
                        and type(item) in MEMBER_TYPES[union_member]
                        and item == item  # not NaN
                        and not rule[1]
                    ):
                        break
                else:
                    rule = None  # the slow path
                if rule is not None:
                    continue
            field = domain.fields.get(field_id)
            problem = (
                f"field {field_id!r} does not exist in the domain"
                if field is None
                else stored_value_problem(field, value)
            )
            if problem is not None:
                raise LoadError(problem).at(field_id).at("values")
        if "reference_number" not in case.values or "created_datetime" not in case.values:
            raise LoadError("a case holds its reference_number and created_datetime").at("values")
        member(case.tags, "GetCaseResponse", "tags", "tags")
        _tags(case.tags, self.settings)
        if case.client_token is not None and domain.idempotency.get(case.client_token) != key:
            raise LoadError("the case's clientToken is not in the domain's idempotency table").at(
                "client_token"
            )
        if case.request is not None:
            _request(case.request)
        if case.merge_id is not None and case.merge_id not in domain.merges:
            raise LoadError(f"merge {case.merge_id!r} does not exist").at("merge_id")
        self.related_items(case, domain)
        for index, event in enumerate(case.audit):
            try:
                self.audit_event(event)
            except LoadError as error:
                raise error.at(index).at("audit") from None

    def related_items(self, case: Case, domain: Domain) -> None:
        items = case.related_items
        _quota(len(items), self.settings.related_items_per_case, "related items", "related_items")
        for key, item in items.items():
            try:
                self.related_item(key, item, case, domain)
            except LoadError as error:
                raise error.at(key).at("related_items") from None

    def related_item(self, key: str, item: RelatedItem, case: Case, domain: Domain) -> None:
        _keyed(key, item.related_item_id, "related item")
        _arn(item.arn, f"{case.arn}/related-item/{key}")
        self.seq(item.seq)
        if item.case_id != case.case_id:
            raise LoadError(f"the item belongs to case {item.case_id!r}").at("case_id")
        structure = "SearchRelatedItemsResponseItem"
        member(item.related_item_id, structure, "relatedItemId", "related_item_id")
        member(item.type, structure, "type", "type")
        member(item.performed_by, structure, "performedBy", "performed_by")
        member(item.last_updated_user, structure, "performedBy", "last_updated_user")
        member(item.tags, structure, "tags", "tags")
        _tags(item.tags, self.settings)
        expected = TYPE_MEMBERS[item.type]
        if list(item.content) != [expected]:
            raise LoadError(f"a related item of type {item.type} holds content.{expected} only").at(
                "content"
            )
        body = item.content[expected]
        if expected == "sla":
            body = _sla_as_answered(body)
        member({expected: body}, structure, "content", "content")
        if expected == "sla":
            config = body["slaConfiguration"]
            fields = [config["fieldId"]] if "fieldId" in config else []
            _known(fields, domain.fields, "field", "content")
            for value in config.get("targetFieldValues") or ():
                problem = stored_value_problem(domain.fields[config["fieldId"]], value)
                if problem is not None:
                    raise LoadError(problem).at("content")
        elif expected == "custom":
            for entry in body["fields"]:
                field = domain.fields.get(entry["id"])
                problem = (
                    f"field {entry['id']!r} does not exist in the domain"
                    if field is None
                    else stored_value_problem(field, entry["value"])
                )
                if problem is not None:
                    raise LoadError(problem).at("content")

    def audit_event(self, event: AuditEvent) -> None:
        self.seq(event.seq)
        structure = "AuditEvent"
        member(event.event_id, structure, "eventId", "event_id")
        member(event.type, structure, "type", "type")
        member(event.related_item_type, structure, "relatedItemType", "related_item_type")
        member(event.performed_by, structure, "performedBy", "performed_by")
        member(event.merge_metadata, structure, "mergeMetadata", "merge_metadata")
        check_id = _member_check("AuditEventField", "eventFieldId")
        for index, entry in enumerate(event.fields):
            try:
                _audit_field(entry, check_id)
            except LoadError as error:
                raise error.at(index).at("fields") from None


# -- helpers --------------------------------------------------------------------------------


def _tags(tags: Mapping[str, str], settings: Settings) -> None:
    _quota(len(tags), settings.tags_per_resource, "tags", "tags")


def _known(ids: Iterable[str], records: Mapping[str, Any], what: str, *path: Any) -> None:
    """LoadError at ``path`` for the first id not in ``records``."""
    for record_id in ids:
        if record_id not in records:
            raise _at(LoadError(f"{what} {show(record_id)} does not exist in the domain"), *path)


def _layout_field_ids(content: Mapping[str, Any]) -> Iterable[str]:
    for panel in (content.get("basic") or {}).values():
        for section in (panel or {}).get("sections") or ():
            for item in ((section or {}).get("fieldGroup") or {}).get("fields") or ():
                yield item["id"]


_AUDIT_FIELD_MEMBERS = frozenset({"eventFieldId", "oldValue", "newValue"})


def _audit_field(entry: Any, check_id: Callable[[Any], None]) -> None:
    if type(entry) is not dict or "eventFieldId" not in entry or "newValue" not in entry:
        raise LoadError("an audit field is {eventFieldId, oldValue?, newValue}")
    if not _AUDIT_FIELD_MEMBERS.issuperset(entry):
        raise LoadError(f"unknown members {sorted(set(entry) - _AUDIT_FIELD_MEMBERS)}")
    check_id(entry["eventFieldId"])
    for name in ("oldValue", "newValue"):
        value = entry.get(name)
        if value is None and name == "oldValue":
            continue
        if type(value) is dict and len(value) == 1:
            for union_member, item in value.items():
                kinds = MEMBER_TYPES.get(union_member)
                if kinds is not None and type(item) in kinds and item == item:
                    break
            else:
                kinds = None
            if kinds is not None:
                continue
        problem = union_problem(value)
        if problem is not None:
            raise LoadError(problem).at(name)


def _sla_as_answered(body: Any) -> Any:
    """Stored SLA content has no ``status`` (computed when read): add one to check it."""
    if type(body) is not dict or type(body.get("slaConfiguration")) is not dict:
        return body
    return {**body, "slaConfiguration": {**body["slaConfiguration"], "status": "Active"}}


def _request(request: Mapping[str, Any]) -> None:
    unknown = set(request) - set(_REQUEST_MEMBERS)
    if unknown:
        raise LoadError(f"unknown members {sorted(unknown)}").at("request")
    for name in _REQUEST_MEMBERS:
        value = request.get(name)
        if value is not None:
            try:
                conforms(_shape("CreateCaseRequest", name), value, name)
            except LoadError as error:
                raise error.at(name).at("request") from None


def _merge(key: str, merge: Merge, domain: Domain) -> None:
    _keyed(key, merge.merge_id, "merge")
    for attribute, case_id in (
        ("primary_id", merge.primary_id),
        ("secondary_id", merge.secondary_id),
    ):
        if case_id not in domain.cases:
            raise LoadError(f"case {case_id!r} does not exist").at(attribute)
    _known(merge.field_ids, domain.fields, "field", "field_ids")
    for item_type in merge.move_types:
        if item_type not in TYPE_MEMBERS:
            raise LoadError(f"{show(item_type)} is not a related item type").at("move_types")
    if merge.polls_left < 0:
        raise LoadError("polls_left must not be negative").at("polls_left")
    if merge.performed_by is not None:
        member(merge.performed_by, "SearchRelatedItemsResponseItem", "performedBy", "performed_by")


def _idempotency(domain: Domain) -> None:
    for token, case_id in domain.idempotency.items():
        case = domain.cases.get(case_id)
        if case is None or case.client_token != token:
            raise LoadError(
                f"token {show(token)} names case {case_id!r}, which it did not create"
            ).at(token)


def _reference_numbers(domain: Domain) -> None:
    for reference, case_id in domain.reference_numbers.items():
        case = domain.cases.get(case_id)
        held = case.values.get("reference_number", {}).get("stringValue") if case else None
        if held is None or held.upper() != reference:
            raise LoadError(
                f"reference number {show(reference)} names case {case_id!r}, which does not hold it"
            ).at(reference)
    # Every case's reference number is registered, or a second case could take it.
    for case in domain.cases.values():
        held = case.values.get("reference_number", {}).get("stringValue")
        if held is not None and domain.reference_numbers.get(held.upper()) != case.case_id:
            raise LoadError(f"the reference number of case {case.case_id!r} is not registered")


def _batches(batches: Mapping[str, Any], structure: str) -> None:
    shape = _model.service_model().shape_for(structure)
    for token, (fingerprint, response) in batches.items():
        try:
            if not fingerprint:
                raise LoadError("the request fingerprint is empty")
            conforms(shape, response, structure)
        except LoadError as error:
            raise error.at(token) from None


def _related_item_batches(domain: Domain) -> None:
    if domain.related_item_batches:
        _batches(domain.related_item_batches, "BatchCreateRelatedItemResponse")


def _case_batches(domain: Domain) -> None:
    if domain.case_batches:
        _batches(domain.case_batches, "BatchUpdateCaseResponse")


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
