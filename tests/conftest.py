"""Shared fixtures, each defined once: an active mock, a boto3 client bound to it, a fresh
domain, a template in it and a case from that template."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from hypothesis import HealthCheck, settings

from casemock import CasesMock, mock_cases
from tests.helpers import REGION, create, make_template

# CI machines are slow and shared: no per-example deadline, no "slow generation" failure,
# and the same examples on every run so a red build is reproducible.
settings.register_profile(
    "casemock",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.load_profile("casemock")

# casemock's own suite checks every answer against the model (strict mode); subprocesses
# started by the tests inherit it.
os.environ.setdefault("CASEMOCK_STRICT", "1")

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any


@pytest.fixture
def mock() -> Iterator[CasesMock]:
    with mock_cases(region=REGION) as m:
        yield m


@pytest.fixture
def client(mock: CasesMock) -> ConnectCasesClient:
    created: ConnectCasesClient = boto3.client(
        "connectcases",
        region_name=REGION,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    return created


@pytest.fixture
def domain_id(client: ConnectCasesClient) -> str:
    return client.create_domain(name="test-domain")["domainId"]


@pytest.fixture
def template_id(client: ConnectCasesClient, domain_id: str) -> str:
    return make_template(client, domain_id)


@pytest.fixture
def case_id(client: ConnectCasesClient, domain_id: str, template_id: str) -> str:
    return create(client, domain_id, template_id)
