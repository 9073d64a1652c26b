"""The checks of cases in a restored document: their values against their fields,
related items against their type and the model, audit history, and the records that
refer to cases (merges, idempotency tokens, reference numbers, replayed batch answers).
See ``checks`` for the whole pass."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from casemock import _model
from casemock._snapshots.codec import LoadError, show
from casemock._snapshots.rules import (
    Walk,
    arn,
    conforms,
    keyed,
    known,
    member,
    member_check,
    member_shape,
    members,
    quota,
    tags,
)
from casemock.backend._records import (
    AuditEvent,
    Case,
    Domain,
    Merge,
    RelatedItem,
    thaw_audit_fields,
    thaw_json,
)
from casemock.backend.cases.values import (
    MEMBER_TYPES,
    allowed_members,
    stored_value_problem,
    union_problem,
)
from casemock.backend.related_items.content import TYPE_MEMBERS

_REQUEST_MEMBERS = ("templateId", "fields", "tags", "performedBy")


class CaseChecks(Walk):
    """The case part of the pass (``checks.Checker`` adds the configuration part)."""

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
        keyed(key, case.case_id, "case")
        self.seq(case.seq)
        member(case.case_id, "GetCaseRequest", "caseId", "case_id")
        member(case.template_id, "GetCaseResponse", "templateId", "template_id")
        if case.template_id not in domain.templates:
            raise LoadError(f"template {case.template_id!r} does not exist").at("template_id")
        arn(case.arn, f"{domain.arn}/case/{key}")
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
        tags(case.tags, self.settings)
        if case.client_token is not None and domain.idempotency.get(case.client_token) != key:
            raise LoadError("the case's clientToken is not in the domain's idempotency table").at(
                "client_token"
            )
        if case.request is not None:
            _request(thaw_json(case.request))
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
        quota(len(items), self.settings.related_items_per_case, "related items", "related_items")
        for key, item in items.items():
            try:
                self.related_item(key, item, case, domain)
            except LoadError as error:
                raise error.at(key).at("related_items") from None

    def related_item(self, key: str, item: RelatedItem, case: Case, domain: Domain) -> None:
        keyed(key, item.related_item_id, "related item")
        arn(item.arn, f"{case.arn}/related-item/{key}")
        self.seq(item.seq)
        if item.case_id != case.case_id:
            raise LoadError(f"the item belongs to case {item.case_id!r}").at("case_id")
        structure = "SearchRelatedItemsResponseItem"
        members(
            item,
            structure,
            ("relatedItemId", "related_item_id"),
            ("type", "type"),
            ("performedBy", "performed_by"),
            ("performedBy", "last_updated_user"),
            ("tags", "tags"),
        )
        tags(item.tags, self.settings)
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
            known(fields, domain.fields, "field", "content")
            if config.get("type") == "CaseField" and not fields:
                raise LoadError("an SLA of type CaseField names its fieldId").at("content")
            for value in config.get("targetFieldValues") or ():
                if not fields:
                    raise LoadError("an SLA with targetFieldValues names its fieldId").at("content")
                problem = stored_value_problem(domain.fields[fields[0]], value)
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
        members(
            event,
            structure,
            ("eventId", "event_id"),
            ("type", "type"),
            ("relatedItemType", "related_item_type"),
            ("performedBy", "performed_by"),
            ("mergeMetadata", "merge_metadata"),
        )
        check_id = member_check("AuditEventField", "eventFieldId")
        for index, entry in enumerate(thaw_audit_fields(event.fields)):
            try:
                _audit_field(entry, check_id)
            except LoadError as error:
                raise error.at(index).at("fields") from None


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
                conforms(member_shape("CreateCaseRequest", name), value, name)
            except LoadError as error:
                raise error.at(name).at("request") from None


def _merge(key: str, merge: Merge, domain: Domain) -> None:
    keyed(key, merge.merge_id, "merge")
    for attribute, case_id in (
        ("primary_id", merge.primary_id),
        ("secondary_id", merge.secondary_id),
    ):
        if case_id not in domain.cases:
            raise LoadError(f"case {case_id!r} does not exist").at(attribute)
    known(merge.field_ids, domain.fields, "field", "field_ids")
    for item_type in merge.move_types:
        if item_type not in TYPE_MEMBERS:
            raise LoadError(f"{show(item_type)} is not a related item type").at("move_types")
    if merge.polls_left is not None and merge.polls_left < 0:
        raise LoadError("polls_left must not be negative").at("polls_left")
    if merge.performed_by is not None:
        member(merge.performed_by, "SearchRelatedItemsResponseItem", "performedBy", "performed_by")


def idempotency(domain: Domain) -> None:
    for token, case_id in domain.idempotency.items():
        case = domain.cases.get(case_id)
        if case is None or case.client_token != token:
            raise LoadError(
                f"token {show(token)} names case {case_id!r}, which it did not create"
            ).at(token)


def reference_numbers(domain: Domain) -> None:
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


def related_item_batches(domain: Domain) -> None:
    if domain.related_item_batches:
        _batches(domain.related_item_batches, "BatchCreateRelatedItemResponse")


def case_batches(domain: Domain) -> None:
    if domain.case_batches:
        _batches(domain.case_batches, "BatchUpdateCaseResponse")
