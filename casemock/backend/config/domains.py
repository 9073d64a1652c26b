"""Domains: CreateDomain, GetDomain, ListDomains, DeleteDomain."""

from __future__ import annotations

from typing import Any

from casemock._errors import conflict, quota_exceeded
from casemock.backend._context import Context
from casemock.backend._pagination import page_by_creation
from casemock.backend._records import Domain
from casemock.backend._registry import operation
from casemock.backend.config import system_fields


@operation("CreateDomain")
def create_domain(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    name = params["name"]
    domains = ctx.state.domains
    if any(d.name == name for d in domains.values()):
        raise conflict(f"A domain named {name!r} already exists in this account and region.")
    if len(domains) >= ctx.settings.domains:
        raise quota_exceeded(
            f"The account already has {len(domains)} Cases domains in {ctx.region}, "
            f"the quota is {ctx.settings.domains}."
        )
    domain_id = ctx.new_id()
    domain = Domain(
        seq=ctx.next_seq(),
        domain_id=domain_id,
        arn=ctx.arn(f"domain/{domain_id}"),
        name=name,
        created_time=ctx.now(),
    )
    system_fields.seed(ctx, domain)
    domains[domain_id] = domain
    return {"domainId": domain_id, "domainArn": domain.arn, "domainStatus": domain.status}


@operation("GetDomain")
def get_domain(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    return {
        "domainId": domain.domain_id,
        "domainArn": domain.arn,
        "name": domain.name,
        "createdTime": domain.created_time,
        "domainStatus": domain.status,
        "tags": dict(domain.tags),
    }


@operation("ListDomains")
def list_domains(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    items, token = page_by_creation(ctx.state.domains.values(), params, "domains", 10)
    result: dict[str, Any] = {
        "domains": [{"domainId": d.domain_id, "domainArn": d.arn, "name": d.name} for d in items]
    }
    if token:
        result["nextToken"] = token
    return result


@operation("DeleteDomain")
def delete_domain(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    domain = ctx.domain(params["domainId"])
    del ctx.state.domains[domain.domain_id]
    return {}
