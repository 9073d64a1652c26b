"""Tagging, generic over every taggable ARN: domains, fields, layouts, templates, case
rules, cases and related items. Every record kind stores its own ``tags``."""

from __future__ import annotations

import re
from typing import Any, Protocol

from casemock._errors import not_found, validation_error, validation_errors
from casemock.backend._access import check_case_access, check_create_access
from casemock.backend._context import Context
from casemock.backend._records import Case, RelatedItem
from casemock.backend._registry import operation
from casemock.backend.consistency import written

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):cases:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"domain/(?P<domain>[^/]+)(?P<rest>(?:/[^/]+/[^/]+)*)"
)
# MutableTagKey / MutableTagValue: the rules CreateCase and templates apply to tags.
_KEY = re.compile(r"(?![aA][wW][sS]:)[a-zA-Z0-9 _.:/=+\-@]+")
_VALUE = re.compile(r"[a-zA-Z0-9 _.:/=+\-@]*")


PARTITION = "aws"  # of every ARN casemock hands out (Context.arn)


class Taggable(Protocol):
    tags: dict[str, str]


def resolve(ctx: Context, arn: str) -> Taggable:
    """The stored resource an ARN names; ResourceNotFoundException if there is none."""
    found = _ARN.fullmatch(arn)
    if found is None:
        raise validation_error(f"{arn} is not a valid Amazon Connect Cases resource ARN.")
    if (
        found["partition"] != PARTITION
        or found["region"] != ctx.region
        or found["account"] != ctx.account_id
    ):
        raise not_found("Resource", arn, f"Resource {arn} not found")
    domain = ctx.state.domains.get(found["domain"])
    if domain is None:
        raise not_found("Resource", arn, f"Resource {arn} not found")
    parts = found["rest"].split("/")[1:]
    pairs = list(zip(parts[::2], parts[1::2], strict=False))
    target: Any = domain
    case = None
    for index, (kind, ident) in enumerate(pairs):
        record: Any = None
        if index == 0 and kind in _DOMAIN_CHILDREN:
            record = getattr(domain, _DOMAIN_CHILDREN[kind]).get(ident)
            if record is not None and getattr(record, "deleted", False):
                record = None
            if kind == "case" and record is not None:
                check_case_access(ctx, record)  # docs/access-control.md
                case = record
        elif index == 1 and kind == "related-item" and case is not None:
            record = case.related_items.get(ident)
        if record is None:
            raise not_found("Resource", arn, f"Resource {arn} not found")
        target = record
    return target  # type: ignore[no-any-return]


_DOMAIN_CHILDREN = {
    "field": "fields",
    "layout": "layouts",
    "template": "templates",
    "case-rule": "case_rules",
    "case": "cases",
}


def check_tags(tags: dict[str, str], where: str = "tags") -> None:
    """Apply the MutableTags key/value rules; ValidationException naming every bad entry."""
    problems = []
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or _KEY.fullmatch(key) is None:
            problems.append(
                f"Value '{key}' at '{where}' failed to satisfy constraint: Map keys must "
                "have length between 1 and 128, match [a-zA-Z0-9 _.:/=+\\-@]+ and must not "
                "start with 'aws:'"
            )
        if len(value) > 256 or _VALUE.fullmatch(value) is None:
            problems.append(
                f"Value '{value}' at '{where}.{key}' failed to satisfy constraint: Map values "
                "must have length at most 256 and match [a-zA-Z0-9 _.:/=+\\-@]*"
            )
    if problems:
        raise validation_errors(problems)


@operation("TagResource")
def tag_resource(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    target = resolve(ctx, params["arn"])
    tags: dict[str, str] = params["tags"]
    check_tags(tags)
    merged = {**target.tags, **tags}
    if len(merged) > ctx.settings.tags_per_resource:
        raise validation_error(
            f"A resource can have at most {ctx.settings.tags_per_resource} tags; "
            f"this request would leave {len(merged)}."
        )
    _write_tags(ctx, params["arn"], target, merged)
    return {}


@operation("UntagResource")
def untag_resource(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    target = resolve(ctx, params["arn"])
    removed = set(params.get("tagKeys", []))
    kept = {key: value for key, value in target.tags.items() if key not in removed}
    _write_tags(ctx, params["arn"], target, kept)
    return {}


def _write_tags(ctx: Context, arn: str, target: Taggable, tags: dict[str, str]) -> None:
    """Give ``target`` its new ``tags``. A case must stay in the caller's access scope, as
    a case it creates must be (AccessDeniedException otherwise)."""
    if isinstance(target, Case):
        check_create_access(ctx, tags, target.arn)
    if ctx.settings.search_delay:  # docs/realism.md#search-consistency
        _searched_write(ctx, arn, target)
    target.tags = tags
    _reindex(ctx, arn, target)


def _reindex(ctx: Context, arn: str, target: Taggable) -> None:
    """SearchCases tag filters read a case's tags from its domain's case index."""
    found = _ARN.fullmatch(arn)
    if isinstance(target, Case) and found is not None:
        ctx.state.domains[found["domain"]].case_index.add(target)


def _searched_write(ctx: Context, arn: str, target: Taggable) -> None:
    """The tags of a case or of a related item are about to change: the searches show them
    (Settings.search_delay)."""
    found = _ARN.fullmatch(arn)
    if found is None or not isinstance(target, (Case, RelatedItem)):
        return
    domain = ctx.state.domains[found["domain"]]
    case = target if isinstance(target, Case) else domain.cases[target.case_id]
    written(ctx, domain, case)


@operation("ListTagsForResource")
def list_tags_for_resource(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    target = resolve(ctx, params["arn"])
    return {"tags": dict(target.tags)}
