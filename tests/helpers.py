"""Builders and assertions shared by the test modules (no test module imports another).

Constants name the resources tests use; the builders call a real boto3 client the way an
application would (``create``, ``read``, ``update`` for cases; ``add`` and the content
builders for related items; ``start_merge``/``merge_status`` for merges; ``main_layout``,
``case_rule`` and ``default_template`` for the state tests' example domains; ``all_pages``
to walk a paginated listing).
"""

from __future__ import annotations

import gc
import re
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pytest
import time_machine
from botocore.exceptions import ClientError

from casemock import CasesMock, Settings, _model, mock_cases
from casemock.backend._records import Domain

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
    from types_boto3_connectcases.type_defs import (
        BatchPutFieldOptionsResponseTypeDef,
        CaseRuleDetailsTypeDef,
        FieldOptionTypeDef,
        LayoutContentTypeDef,
    )
else:
    ConnectCasesClient = Any

T = TypeVar("T")

REGION = "us-east-1"
USER = "arn:aws:connect:us-east-1:123456789012:instance/i-1/user/agent-1"
OTHER_USER = "arn:aws:connect:us-east-1:123456789012:instance/i-1/user/agent-2"
PROFILE = "arn:aws:profile:us-east-1:123456789012:domains/profiles/profiles/0123456789abcdef"
CONTACT = "arn:aws:connect:us-east-1:123456789012:instance/i-1/contact/c-1"
FILE = "arn:aws:connect:us-east-1:123456789012:instance/i-1/file/f-1"
START = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
ALL_SYSTEM = [
    "title",
    "status",
    "case_id",
    "reference_number",
    "created_datetime",
    "last_updated_datetime",
    "last_closed_datetime",
    "last_reopened_datetime",
    "created_by",
    "last_updated_user",
]
ROOT = Path(__file__).resolve().parent.parent  # the checkout
DOCS = ROOT / "docs"

needs_merge = pytest.mark.skipif(
    not _model.has_operation("StartMergeCases"), reason="no StartMergeCases in this botocore"
)


# -- errors -----------------------------------------------------------------------------------


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def refused(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    """The error code of a refusal, after checking its HTTP status is the modeled one."""
    code, status = error_of(excinfo)
    expected = {
        "ValidationException": 400,
        "ResourceNotFoundException": 404,
        "ServiceQuotaExceededException": 402,
        "ConflictException": 409,
    }
    assert status == expected[code]
    return code


# -- listings ---------------------------------------------------------------------------------


def all_pages(list_call: Callable[..., Any], key: str, page_size: int, **params: Any) -> list[Any]:
    """Every entry under ``key`` of ``list_call(**params)``, page by page with ``maxResults``
    ``page_size``, following ``nextToken``; checks that no page holds more than ``page_size``."""
    seen: list[Any] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {**params, "maxResults": page_size}
        if token:
            kwargs["nextToken"] = token
        answer = list_call(**kwargs)
        assert len(answer[key]) <= page_size
        seen.extend(answer[key])
        token = answer.get("nextToken")
        if not token:
            return seen


# -- cases ------------------------------------------------------------------------------------


def text(value: str) -> dict[str, Any]:
    return {"stringValue": value}


def as_fields(values: dict[str, dict[str, Any]]) -> list[Any]:
    return [{"id": field_id, "value": value} for field_id, value in values.items()]


def make_template(client: ConnectCasesClient, domain_id: str, **options: Any) -> str:
    options.setdefault(
        "name", f"template-{len(client.list_templates(domainId=domain_id)['templates'])}"
    )
    return client.create_template(domainId=domain_id, **options)["templateId"]


def option(name: str, value: str, active: bool = True) -> FieldOptionTypeDef:
    return {"name": name, "value": value, "active": active}


def put_options(
    client: ConnectCasesClient, domain_id: str, field_id: str, *options: FieldOptionTypeDef
) -> BatchPutFieldOptionsResponseTypeDef:
    """BatchPutFieldOptions with ``options`` on one field."""
    return client.batch_put_field_options(
        domainId=domain_id, fieldId=field_id, options=list(options)
    )


def make_field(
    client: ConnectCasesClient,
    domain_id: str,
    name: str,
    type_: str = "Text",
    options: tuple[str, ...] = (),
    **extra: Any,
) -> str:
    field_id = client.create_field(domainId=domain_id, name=name, type=type_, **extra)["fieldId"]  # type: ignore[arg-type]
    if options:
        put_options(client, domain_id, field_id, *(option(v.title(), v) for v in options))
    return field_id


def create(
    client: ConnectCasesClient,
    domain_id: str,
    template_id: str,
    values: dict[str, dict[str, Any]] | None = None,
    **options: Any,
) -> str:
    values = {"title": text("Parcel lost")} if values is None else values
    return client.create_case(
        domainId=domain_id, templateId=template_id, fields=as_fields(values), **options
    )["caseId"]


def read(
    client: ConnectCasesClient, domain_id: str, case_id: str, ids: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    answer = client.get_case(
        domainId=domain_id, caseId=case_id, fields=[{"id": i} for i in ids or ALL_SYSTEM]
    )
    return {item["id"]: dict(item["value"]) for item in answer["fields"]}


def update(
    client: ConnectCasesClient,
    domain_id: str,
    case_id: str,
    values: dict[str, dict[str, Any]],
    **options: Any,
) -> None:
    client.update_case(domainId=domain_id, caseId=case_id, fields=as_fields(values), **options)


def audit_types(client: ConnectCasesClient, domain_id: str, case_id: str) -> list[str]:
    answer = client.get_case_audit_events(domainId=domain_id, caseId=case_id)
    return [event["type"] for event in answer["auditEvents"]]


def audit_events(client: ConnectCasesClient, domain_id: str, case_id: str) -> list[Any]:
    return list(client.get_case_audit_events(domainId=domain_id, caseId=case_id)["auditEvents"])


def domain_of(mock: CasesMock, domain_id: str) -> Domain:
    """The stored record of a domain (for the few tests that look behind the API)."""
    return mock.store.region(REGION).domains[domain_id]


@contextmanager
def mock_domain(**quotas: Any) -> Iterator[tuple[ConnectCasesClient, str]]:
    """A mock with the given Settings and a domain (for tests of quotas on configuration)."""
    with mock_cases(region=REGION, settings=Settings(**quotas)) as mock:
        client: ConnectCasesClient = mock.client()
        yield client, client.create_domain(name="d")["domainId"]


@contextmanager
def small_mock(**quotas: Any) -> Iterator[tuple[ConnectCasesClient, str, str, str]]:
    """A mock with the given Settings, a domain, a template and a case."""
    with mock_domain(**quotas) as (client, domain_id):
        template_id = make_template(client, domain_id)
        yield client, domain_id, template_id, create(client, domain_id, template_id)


# -- configuration: the pieces of the state tests' example domains ----------------------------


def main_layout(
    client: ConnectCasesClient, domain_id: str, top_field: str, more_field: str | None = None
) -> str:
    """Layout "Main": ``top_field`` in a field group "Top" of the top panel and, when given,
    ``more_field`` in an unnamed field group under "more info"."""
    basic: dict[str, Any] = {
        "topPanel": {"sections": [{"fieldGroup": {"name": "Top", "fields": [{"id": top_field}]}}]}
    }
    if more_field is not None:
        basic["moreInfo"] = {"sections": [{"fieldGroup": {"fields": [{"id": more_field}]}}]}
    content = cast("LayoutContentTypeDef", {"basic": basic})
    return client.create_layout(domainId=domain_id, name="Main", content=content)["layoutId"]


def case_rule(
    client: ConnectCasesClient,
    domain_id: str,
    name: str,
    kind: str = "required",
    conditions: tuple[Any, ...] = (),
) -> str:
    """A case rule of ``kind`` ("required", "hidden", ...) with default value False."""
    rule = cast(
        "CaseRuleDetailsTypeDef", {kind: {"defaultValue": False, "conditions": list(conditions)}}
    )
    return client.create_case_rule(domainId=domain_id, name=name, rule=rule)["caseRuleId"]


def default_template(
    client: ConnectCasesClient,
    domain_id: str,
    layout_id: str,
    required_field: str,
    rules: list[tuple[str, str]],
    **options: Any,
) -> str:
    """Template "Default": layout ``layout_id``, ``required_field`` required, and ``rules``
    given as (case rule id, field id) pairs."""
    return client.create_template(
        domainId=domain_id,
        name="Default",
        layoutConfiguration={"defaultLayout": layout_id},
        requiredFields=[{"fieldId": required_field}],
        rules=[{"caseRuleId": rule_id, "fieldId": field_id} for rule_id, field_id in rules],
        **options,
    )["templateId"]


# -- related items ----------------------------------------------------------------------------


def comment(body: str = "Customer called back") -> dict[str, Any]:
    return {"comment": {"body": body, "contentType": "Text/Plain"}}


def contact(arn: str = CONTACT) -> dict[str, Any]:
    return {"contact": {"contactArn": arn}}


def sla(
    name: str = "Resolve", minutes: int = 60, target: str = "closed", field_id: str = "status"
) -> dict[str, Any]:
    return {
        "sla": {
            "slaInputConfiguration": {
                "name": name,
                "type": "CaseField",
                "fieldId": field_id,
                "targetFieldValues": [text(target)],
                "targetSlaMinutes": minutes,
            }
        }
    }


def custom(**values: dict[str, Any]) -> dict[str, Any]:
    return {"custom": {"fields": [{"id": k, "value": v} for k, v in values.items()]}}


def add(
    client: ConnectCasesClient,
    domain_id: str,
    case_id: str,
    item_type: str,
    content: dict[str, Any],
    **options: Any,
) -> str:
    return client.create_related_item(
        domainId=domain_id,
        caseId=case_id,
        type=item_type,  # type: ignore[arg-type]
        content=content,  # type: ignore[arg-type]
        **options,
    )["relatedItemId"]


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def add_at(minutes: int, *args: Any, **kwargs: Any) -> str:
    """``add`` with the clock at START + ``minutes``."""
    with time_machine.travel(at(minutes), tick=False):
        return add(*args, **kwargs)


def items(
    client: ConnectCasesClient, domain_id: str, case_id: str, **options: Any
) -> list[dict[str, Any]]:
    answer = client.search_related_items(domainId=domain_id, caseId=case_id, **options)
    return [dict(item) for item in answer["relatedItems"]]


def item(client: ConnectCasesClient, domain_id: str, case_id: str, item_id: str) -> dict[str, Any]:
    return next(i for i in items(client, domain_id, case_id) if i["relatedItemId"] == item_id)


def sla_config(client: ConnectCasesClient, domain_id: str, case_id: str, item_id: str) -> Any:
    return item(client, domain_id, case_id, item_id)["content"]["sla"]["slaConfiguration"]


# -- merges -----------------------------------------------------------------------------------


def start_merge(
    client: ConnectCasesClient, domain_id: str, primary: str, secondary: str, **options: Any
) -> None:
    client.start_merge_cases(  # type: ignore[attr-defined]
        domainId=domain_id, caseId=primary, secondaryCaseIds=[secondary], **options
    )


def merge_status(client: ConnectCasesClient, domain_id: str, case_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = client.get_merge_cases_status(  # type: ignore[attr-defined]
        domainId=domain_id, caseId=case_id
    )
    answer.pop("ResponseMetadata")
    return answer


# -- threads ----------------------------------------------------------------------------------


def retained_bytes(action: Callable[[], object]) -> int:
    """Bytes still allocated (``tracemalloc``) after ``action`` and a full collection:
    what the objects it left alive cost."""
    gc.collect()
    tracemalloc.start()
    try:
        action()
        gc.collect()
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return current


def in_threads(count: int, work: Callable[[int], T]) -> list[T]:
    """Run ``work(i)`` for i in range(count) in as many threads, released together."""
    barrier = threading.Barrier(count)

    def run(index: int) -> T:
        barrier.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    return "ok"


# -- docs pages -------------------------------------------------------------------------------


def run_python_blocks(page: str) -> dict[str, Any]:
    """Run the ```python blocks of a docs page in order, in one namespace."""
    source = (DOCS / page).read_text()
    blocks = re.findall(r"```python\n(.*?)```", source, flags=re.DOTALL)
    assert blocks, page
    namespace: dict[str, Any] = {"__name__": f"docs_{page}"}
    try:
        for block in blocks:
            exec(compile(block, page, "exec"), namespace)
    finally:
        mock = namespace.get("m")
        while isinstance(mock, CasesMock) and mock.active:
            mock.stop()
    return namespace
