"""The input members casemock implements, shape by shape: the data that makes model
drift loud.

A newer botocore may model a member casemock has never heard of (botocore 1.44.7 added
``sla`` to ``RelatedItemUpdateContent``). Accepting it silently, or refusing it with an
error AWS would not give, would make a test pass or fail for the wrong reason. So every
member of every structure and union an operation's input can reach is listed here once
its behaviour is implemented (or deliberately a no-op, said in docs/behaviour.md):

- ``tests/protocol/test_model_drift.py`` walks the installed model and fails for every member an
  operation's input can reach that ``HANDLED`` lacks;
- at run time a request that uses such a member raises ``UnsupportedMemberError``
  (naming the operation, the member and the botocore version) before its handler runs.

Entries are by shape name, since one shape means one behaviour wherever it is used
(``FieldValueUnion`` in cases, related items and search filters alike). Members an older
botocore lacks are listed too: they simply never occur there.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from casemock import _model

# shape name -> its members that casemock implements, space-separated.
HANDLED: dict[str, str] = {
    # Configuration: domains, fields and options, layouts, templates, case rules (config/).
    "CreateDomainRequest": "name",
    "GetDomainRequest": "domainId",
    "ListDomainsRequest": "maxResults nextToken",
    "DeleteDomainRequest": "domainId",
    "CreateFieldRequest": "domainId name type description attributes",
    "FieldAttributes": "text",
    "TextAttributes": "isMultiline",
    "UpdateFieldRequest": "domainId fieldId name description attributes",
    "DeleteFieldRequest": "domainId fieldId",
    "ListFieldsRequest": "domainId maxResults nextToken",
    "BatchGetFieldRequest": "domainId fields",
    "FieldIdentifier": "id",
    "BatchPutFieldOptionsRequest": "domainId fieldId options",
    "FieldOption": "name value active",
    "ListFieldOptionsRequest": "domainId fieldId maxResults nextToken values",
    "CreateLayoutRequest": "domainId name content",
    "LayoutContent": "basic",
    "BasicLayout": "topPanel moreInfo",
    "LayoutSections": "sections",
    "Section": "fieldGroup",
    "FieldGroup": "name fields",
    "FieldItem": "id",
    "GetLayoutRequest": "domainId layoutId",
    "UpdateLayoutRequest": "domainId layoutId name content",
    "DeleteLayoutRequest": "domainId layoutId",
    "ListLayoutsRequest": "domainId maxResults nextToken",
    "CreateTemplateRequest": "domainId name description layoutConfiguration requiredFields"
    " status rules tagPropagationConfigurations",
    "LayoutConfiguration": "defaultLayout",
    "RequiredField": "fieldId",
    "TemplateRule": "caseRuleId fieldId",
    "TagPropagationConfiguration": "resourceType tagMap",
    "GetTemplateRequest": "domainId templateId",
    "UpdateTemplateRequest": "domainId templateId name description layoutConfiguration"
    " requiredFields status rules tagPropagationConfigurations",
    "DeleteTemplateRequest": "domainId templateId",
    "ListTemplatesRequest": "domainId maxResults nextToken status",
    "CreateCaseRuleRequest": "domainId name description rule",
    "CaseRuleDetails": "required fieldOptions hidden",
    "RequiredCaseRule": "defaultValue conditions",
    "HiddenCaseRule": "defaultValue conditions",
    "BooleanCondition": "equalTo notEqualTo andAll orAll",
    "BooleanOperands": "operandOne operandTwo result",
    "OperandOne": "fieldId",
    "OperandTwo": "stringValue booleanValue doubleValue emptyValue",
    "EmptyOperandValue": "",
    "CompoundCondition": "conditions",
    "FieldOptionsCaseRule": "parentFieldId childFieldId parentChildFieldOptionsMappings",
    "ParentChildFieldOptionsMapping": "parentFieldOptionValue childFieldOptionValues",
    "UpdateCaseRuleRequest": "domainId caseRuleId name description rule",
    "DeleteCaseRuleRequest": "domainId caseRuleId",
    "ListCaseRulesRequest": "domainId maxResults nextToken",
    "BatchGetCaseRuleRequest": "domainId caseRules",
    "CaseRuleIdentifier": "id",
    # Cases: lifecycle, field values, batch update, merge, audit, events (cases/).
    "CreateCaseRequest": "domainId templateId fields clientToken performedBy tags",
    "FieldValue": "id value",
    "FieldValueUnion": "stringValue doubleValue booleanValue emptyValue userArnValue",
    "EmptyFieldValue": "",
    "UserUnion": "userArn customEntity",
    "GetCaseRequest": "caseId domainId fields nextToken",
    "UpdateCaseRequest": "domainId caseId fields performedBy",
    "DeleteCaseRequest": "domainId caseId",
    "BatchUpdateCaseRequest": "domainId cases fields performedBy title status customerId"
    " clientToken",
    "BatchUpdateCaseIdentifier": "caseIdentifier",
    "CaseIdentifierUnion": "caseId referenceId",
    "FieldValueInput": "fieldIdentifier value",
    "FieldIdentifierUnion": "id name",
    "StartMergeCasesRequest": "domainId caseId secondaryCaseIds fieldsConfiguration"
    " relatedItemsConfiguration performedBy",
    "FieldsConfiguration": "fieldIds sourceCaseId",
    "RelatedItemsConfiguration": "comment connectCase contact custom",
    "GetMergeCasesStatusRequest": "domainId caseId",
    "GetCaseAuditEventsRequest": "caseId domainId maxResults nextToken",
    "GetCaseEventConfigurationRequest": "domainId",
    "PutCaseEventConfigurationRequest": "domainId eventBridge",
    "EventBridgeConfiguration": "enabled includedData",
    "EventIncludedData": "caseData relatedItemData",
    "CaseEventIncludedData": "fields autoIncludeFields",
    "RelatedItemEventIncludedData": "includeContent",
    # Related items (related_items/).
    "CreateRelatedItemRequest": "domainId caseId type content performedBy",
    "RelatedItemInputContent": "contact comment file sla connectCase custom",
    "Contact": "contactArn",
    "CommentContent": "body contentType",
    "FileContent": "fileArn",
    "SlaInputContent": "slaInputConfiguration",
    "SlaInputConfiguration": "name type fieldId targetFieldValues targetSlaMinutes",
    "ConnectCaseInputContent": "caseId",
    "CustomInputContent": "fields",
    "UpdateRelatedItemRequest": "domainId caseId relatedItemId content performedBy",
    "RelatedItemUpdateContent": "comment custom sla",
    "CommentUpdateContent": "body contentType",
    "CustomUpdateContent": "fields",
    "SlaUpdateContent": "slaUpdateConfiguration",
    "SlaUpdateConfiguration": "targetSlaMinutes",
    "DeleteRelatedItemRequest": "domainId caseId relatedItemId",
    "BatchCreateRelatedItemRequest": "domainId content cases performedBy clientToken",
    "BatchCreateRelatedItemIdentifier": "caseIdentifier",
    "ListCasesForContactRequest": "domainId contactArn maxResults nextToken",
    # Search (search/).
    "SearchCasesRequest": "domainId maxResults nextToken searchTerm filter sorts fields",
    "CaseFilter": "field not tag andAll orAll",
    "FieldFilter": "equalTo contains greaterThan greaterThanOrEqualTo lessThan lessThanOrEqualTo",
    "TagFilter": "equalTo",
    "TagValue": "key value",
    "Sort": "fieldId sortOrder",
    "SearchRelatedItemsRequest": "domainId caseId maxResults nextToken filters",
    "RelatedItemTypeFilter": "contact comment file sla connectCase custom",
    "ContactFilter": "channel contactArn",
    "CommentFilter": "",
    "FileFilter": "fileArn",
    "SlaFilter": "name status",
    "ConnectCaseFilter": "caseId",
    "CustomFilter": "fields",
    "CustomFieldsFilter": "field not andAll orAll",
    "SearchAllRelatedItemsRequest": "domainId maxResults nextToken filters sorts",
    "SearchAllRelatedItemsSort": "sortProperty sortOrder",
    # Tags (tags.py).
    "TagResourceRequest": "arn tags",
    "UntagResourceRequest": "arn tagKeys",
    "ListTagsForResourceRequest": "arn",
}


def handled(shape_name: str) -> frozenset[str]:
    return _HANDLED_SETS.get(shape_name, frozenset())


_HANDLED_SETS = {shape: frozenset(members.split()) for shape, members in HANDLED.items()}


def _children(shape: Shape) -> list[tuple[str | None, Shape]]:
    """(member name or None for a list item / map value, shape) one step down."""
    if isinstance(shape, StructureShape):
        return list(shape.members.items())
    if isinstance(shape, ListShape):
        return [(None, shape.member)]
    if isinstance(shape, MapShape):
        return [(None, shape.value)]
    return []


def _reachable(shape: Shape) -> dict[str, Shape]:
    """Every structure reachable from ``shape`` (itself included), by name."""
    found: dict[str, Shape] = {}
    stack = [shape]
    while stack:
        node = stack.pop()
        if isinstance(node, StructureShape):
            if node.name in found:
                continue
            found[node.name] = node
        stack.extend(child for _, child in _children(node))
    return found


@functools.cache
def unhandled(operation: str) -> frozenset[tuple[str, str]]:
    """(shape, member) pairs the operation's input can reach and ``HANDLED`` lacks."""
    shape = _model.operation(operation).input_shape
    if shape is None:
        return frozenset()
    return frozenset(
        (name, member)
        for name, node in _reachable(shape).items()
        for member in node.members  # type: ignore[attr-defined]
        if member not in handled(name)
    )


def first_unhandled(operation: str, params: Mapping[str, Any]) -> str | None:
    """The path of the first member of ``params`` that casemock does not implement, or
    None; walks only where the operation has unhandled members."""
    missing = unhandled(operation)
    if not missing:
        return None
    shape = _model.operation(operation).input_shape
    assert shape is not None
    leads = _leading_shapes(operation)
    return _find(shape, params, "", missing, leads)


@functools.cache
def _leading_shapes(operation: str) -> frozenset[str]:
    """Structures from which an unhandled member can be reached (the only ones to walk)."""
    shape = _model.operation(operation).input_shape
    assert shape is not None
    missing = {name for name, _ in unhandled(operation)}
    return frozenset(
        name for name, node in _reachable(shape).items() if missing & _reachable(node).keys()
    )


def _find(
    shape: Shape, value: Any, path: str, missing: frozenset[tuple[str, str]], leads: frozenset[str]
) -> str | None:
    if isinstance(shape, StructureShape):
        if shape.name not in leads or not isinstance(value, dict):
            return None
        for member, item in value.items():
            if item is None or member not in shape.members:
                continue
            where = f"{path}.{member}" if path else member
            if (shape.name, member) in missing:
                return where
            found = _find(shape.members[member], item, where, missing, leads)
            if found is not None:
                return found
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for index, item in enumerate(value):
            found = _find(shape.member, item, f"{path}[{index}]", missing, leads)
            if found is not None:
                return found
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            found = _find(shape.value, item, f"{path}[{key!r}]", missing, leads)
            if found is not None:
                return found
    return None
