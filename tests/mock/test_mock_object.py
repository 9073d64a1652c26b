"""The mock object: decorator (bare, with options, async, TestCase classes), context
manager, start/stop, nesting and ref counting, through real boto3 clients."""

from __future__ import annotations

import asyncio
import inspect
import os
import re
import subprocess
import sys
import unittest
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.endpoint import Endpoint
from botocore.exceptions import ClientError

from casemock import (
    CasesMock,
    CasesMockError,
    MockNotStartedError,
    OutputShapeError,
    Settings,
    _intercept,
    mock_cases,
)
from casemock.backend._registry import handlers
from tests.helpers import ROOT

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

ORIGINAL_SEND_REQUEST = Endpoint.__dict__["_send_request"]


def make_client(region: str = "us-east-1") -> ConnectCasesClient:
    client: ConnectCasesClient = boto3.client(
        "connectcases",
        region_name=region,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    return client


def domain_names(client: ConnectCasesClient) -> list[str]:
    return [d["name"] for d in client.list_domains()["domains"]]


def assert_inactive() -> None:
    assert _intercept.current() is None
    assert not _intercept.is_patched()
    assert Endpoint.__dict__["_send_request"] is ORIGINAL_SEND_REQUEST


# -- decorator ---------------------------------------------------------------------------


def test_bare_decorator_answers_calls_inside_the_function() -> None:
    @mock_cases
    def create() -> str:
        return make_client().create_domain(name="support")["domainId"]

    domain_id = create()

    assert uuid.UUID(domain_id).version == 4
    assert_inactive()


def test_each_call_of_a_decorated_function_starts_empty() -> None:
    @mock_cases
    def names_after_create() -> list[str]:
        client = make_client()
        client.create_domain(name="support")  # a ConflictException if state leaked
        return domain_names(client)

    assert names_after_create() == ["support"]
    assert names_after_create() == ["support"]


def test_decorator_with_options_uses_account_and_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/casemock/config")

    @mock_cases(account_id="111122223333", region="eu-west-2")
    def create() -> tuple[str, str]:
        client = boto3.client(
            "connectcases", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret"
        )
        return client.meta.region_name, client.create_domain(name="support")["domainArn"]

    region, arn = create()

    assert region == "eu-west-2"
    assert arn.startswith("arn:aws:cases:eu-west-2:111122223333:domain/")


def test_decorator_keeps_name_arguments_and_return_value() -> None:
    @mock_cases
    def add(a: int, b: int = 0) -> int:
        """Adds."""
        return a + b

    assert add(2, b=3) == 5
    assert add.__name__ == "add"
    assert add.__doc__ == "Adds."


def test_decorated_function_that_raises_leaves_no_mock_behind() -> None:
    @mock_cases
    def fail() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        fail()
    assert_inactive()


def test_async_function_runs_mocked() -> None:
    @mock_cases
    async def create_and_list() -> list[str]:
        await asyncio.sleep(0)
        client = make_client()
        client.create_domain(name="support")
        return domain_names(client)

    assert inspect.iscoroutinefunction(create_and_list)
    assert asyncio.run(create_and_list()) == ["support"]
    assert_inactive()


def test_async_function_with_options() -> None:
    @mock_cases(account_id="444455556666")
    async def arn() -> str:
        return make_client().create_domain(name="support")["domainArn"]

    assert ":444455556666:domain/" in asyncio.run(arn())


def test_plain_class_gets_its_test_methods_mocked() -> None:
    @mock_cases
    class Suite:
        def test_create(self) -> list[str]:
            client = make_client()
            client.create_domain(name="support")
            return domain_names(client)

        def helper(self) -> object:
            return _intercept.current()

    suite = Suite()
    assert suite.test_create() == ["support"]
    assert suite.helper() is None


# -- unittest.TestCase classes -----------------------------------------------------------


def run_testcase(cls: type[unittest.TestCase]) -> unittest.TestResult:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(cls).run(result)
    problems = [text for _, text in result.errors + result.failures]
    assert result.wasSuccessful(), "\n".join(problems)
    return result


def test_testcase_class_runs_setupclass_setup_and_tests_mocked() -> None:
    seen: dict[str, Any] = {}

    @mock_cases
    class DomainTests(unittest.TestCase):
        client: ConnectCasesClient

        @classmethod
        def setUpClass(cls) -> None:
            cls.client = make_client()
            cls.client.create_domain(name="from-setupclass")

        def setUp(self) -> None:
            seen.setdefault("setUp", []).append(domain_names(self.client))

        def test_a_adds_a_domain(self) -> None:
            self.client.create_domain(name="from-test-a")
            seen["a"] = domain_names(self.client)

        def test_b_sees_only_what_setupclass_left(self) -> None:
            seen["b"] = domain_names(self.client)

        @classmethod
        def tearDownClass(cls) -> None:
            seen["tearDownClass"] = _intercept.current() is not None

    result = run_testcase(DomainTests)

    assert result.testsRun == 2
    assert seen["setUp"] == [["from-setupclass"], ["from-setupclass"]]
    assert seen["a"] == ["from-setupclass", "from-test-a"]
    assert seen["b"] == ["from-setupclass"]
    assert seen["tearDownClass"] is True
    assert_inactive()


def test_testcase_class_calls_inherited_setup_methods() -> None:
    seen: list[str] = []

    class Base(unittest.TestCase):
        @classmethod
        def setUpClass(cls) -> None:
            seen.append("base setUpClass")

        def setUp(self) -> None:
            seen.append("base setUp")

    @mock_cases
    class Derived(Base):
        def test_mocked(self) -> None:
            seen.append(f"test mocked={_intercept.current() is not None}")

    run_testcase(Derived)

    assert seen == ["base setUpClass", "base setUp", "test mocked=True"]


def test_testcase_class_with_options() -> None:
    arns: list[str] = []

    @mock_cases(account_id="111122223333", region="ap-southeast-2")
    class OptionsTests(unittest.TestCase):
        def test_arn(self) -> None:
            arns.append(make_client("ap-southeast-2").create_domain(name="d")["domainArn"])

    run_testcase(OptionsTests)

    assert arns[0].startswith("arn:aws:cases:ap-southeast-2:111122223333:domain/")


# -- context manager and start/stop ------------------------------------------------------


def test_context_manager_yields_the_active_mock() -> None:
    with mock_cases() as mock:
        assert isinstance(mock, CasesMock)
        assert mock.active
        assert _intercept.current() is mock
        make_client().create_domain(name="support")
        assert [call.operation for call in mock.calls] == ["CreateDomain"]
    assert not mock.active
    assert_inactive()


def test_context_manager_stops_when_the_body_raises() -> None:
    with pytest.raises(ValueError), mock_cases():
        raise ValueError("boom")
    assert_inactive()


def test_start_and_stop_for_notebooks() -> None:
    mock = mock_cases()
    assert mock.start() is mock
    try:
        make_client().create_domain(name="support")
        assert domain_names(make_client()) == ["support"]
    finally:
        mock.stop()
    assert_inactive()


def test_every_activation_starts_empty() -> None:
    mock = mock_cases()
    with mock:
        make_client().create_domain(name="support")
    with mock:
        assert domain_names(make_client()) == []
        assert mock.calls[-1].operation == "ListDomains"
        assert len(mock.calls) == 1


def test_start_stop_of_one_instance_is_ref_counted() -> None:
    mock = mock_cases()
    mock.start()
    mock.start()
    client = make_client()
    client.create_domain(name="support")
    mock.stop()
    assert mock.active
    assert domain_names(client) == ["support"]  # the inner stop kept state and patch
    mock.stop()
    assert not mock.active
    assert_inactive()


def test_reentering_the_same_instance_keeps_its_state() -> None:
    with mock_cases() as mock:
        client = make_client()
        client.create_domain(name="support")
        with mock:
            assert domain_names(client) == ["support"]
        assert domain_names(client) == ["support"]


def test_stop_without_start_raises_a_casemock_error() -> None:
    mock = mock_cases()
    with pytest.raises(MockNotStartedError, match=r"start\(\)") as excinfo:
        mock.stop()
    assert isinstance(excinfo.value, CasesMockError)


def test_stop_more_often_than_start_raises() -> None:
    mock = mock_cases()
    mock.start()
    mock.stop()
    with pytest.raises(MockNotStartedError):
        mock.stop()
    assert_inactive()


# -- nesting -----------------------------------------------------------------------------


def test_inner_mock_starts_empty_and_outer_state_comes_back() -> None:
    client = make_client()
    with mock_cases() as outer:
        client.create_domain(name="outer")
        with mock_cases() as inner:
            assert _intercept.current() is inner
            assert domain_names(client) == []
            client.create_domain(name="outer")  # no conflict: the inner state is its own
            client.create_domain(name="inner")
        assert _intercept.current() is outer
        assert domain_names(client) == ["outer"]
    assert_inactive()


def test_inner_mock_options_shadow_the_outer() -> None:
    client = make_client()
    with mock_cases(account_id="111111111111"):
        outer_arn = client.create_domain(name="d")["domainArn"]
        with mock_cases(account_id="222222222222"):
            inner_arn = client.create_domain(name="d")["domainArn"]
        later_arn = client.create_domain(name="e")["domainArn"]
    assert ":111111111111:" in outer_arn
    assert ":222222222222:" in inner_arn
    assert ":111111111111:" in later_arn


def test_outer_stop_before_inner_keeps_the_inner_answering() -> None:
    outer, inner = mock_cases(), mock_cases()
    outer.start()
    inner.start()
    try:
        outer.stop()
        assert _intercept.current() is inner
        make_client().create_domain(name="still-mocked")
        assert inner.calls[-1].operation == "CreateDomain"
    finally:
        inner.stop()
    assert_inactive()


# -- the two error families --------------------------------------------------------------


def test_aws_errors_arrive_as_client_errors() -> None:
    with mock_cases(), pytest.raises(ClientError) as excinfo:
        make_client().get_domain(domainId="00000000-0000-4000-8000-000000000000")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_strict_mode_turns_a_broken_answer_into_an_assertion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        return {"domains": [{"domainId": "d"}]}  # lacks domainArn and name

    monkeypatch.setitem(handlers(), "ListDomains", broken)
    with mock_cases(), pytest.raises(OutputShapeError, match="domainArn") as excinfo:
        make_client().list_domains()
    assert isinstance(excinfo.value, AssertionError)
    with mock_cases(strict=False):
        assert make_client().list_domains()["domains"] == [{"domainId": "d"}]


# -- options -----------------------------------------------------------------------------


def test_seed_makes_ids_reproducible() -> None:
    def ids(seed: int) -> list[str]:
        with mock_cases(seed=seed):
            client = make_client()
            return [client.create_domain(name=f"d{i}")["domainId"] for i in range(3)]

    first = ids(7)
    assert ids(7) == first
    assert ids(8) != first
    assert all(uuid.UUID(i).version == 4 for i in first)


def test_repr_says_whether_active_and_what_it_holds() -> None:
    mock = mock_cases(account_id="111122223333", region="eu-west-1")
    assert "inactive" in repr(mock)
    with mock:
        make_client("eu-west-1").create_domain(name="d")
        text = repr(mock)
    assert "active" in text and "domains=1" in text and "111122223333" in text


# -- the README's examples run as written ------------------------------------------------


def test_readme_examples_run(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "mock_cases" in b]
    assert len(blocks) >= 2
    runner = (
        "import sys\n"
        "for source in sys.argv[1:]:\n"
        "    namespace = {}\n"
        "    exec(compile(source, 'README.md', 'exec'), namespace)\n"
        "    for name, value in list(namespace.items()):\n"
        "        if name.startswith('test_') and callable(value):\n"
        "            value()\n"
        "print('ok')\n"
    )
    env = {  # no region, credentials or config: the examples must not need them
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "missing"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "missing"),
        "AWS_EC2_METADATA_DISABLED": "true",
        **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
    }
    done = subprocess.run(
        [sys.executable, "-c", runner, *blocks], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_strict_mode_is_off_by_default_and_follows_casemock_strict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CASEMOCK_STRICT", raising=False)
    assert mock_cases().strict is False
    assert mock_cases(strict=True).strict is True
    monkeypatch.setenv("CASEMOCK_STRICT", "1")
    assert mock_cases().strict is True
    assert mock_cases(strict=False).strict is False


# -- options no mock can run with -------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"account_id": "abc"}, "account_id='abc'"),
        ({"account_id": 123456789012}, "account_id=123456789012"),
        ({"region": "Mars_1"}, "region='Mars_1'"),
        ({"region": ""}, "region=''"),
        ({"settings": {"domains": 2}}, "give a casemock.Settings"),
        ({"seed": "abc"}, "seed='abc'"),
    ],
)
def test_options_no_mock_can_run_with_are_a_casemock_error(
    options: dict[str, Any], named: str
) -> None:
    with pytest.raises(CasesMockError, match=re.escape(named)):
        mock_cases(**options)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"domains": -1}, "Settings.domains=-1"),
        ({"fields": 2.5}, "Settings.fields=2.5"),
        ({"templates": True}, "Settings.templates=True"),
        ({"search_delay": float("nan")}, "Settings.search_delay=nan"),
        ({"merge_seconds": -1.0}, "Settings.merge_seconds=-1.0"),
        ({"single_line_text_limit": 0}, "Settings.single_line_text_limit=0"),
        ({"reference_number_length": 0}, "Settings.reference_number_length=0"),
        ({"reference_number_alphabet": "A"}, "Settings.reference_number_alphabet='A'"),
        ({"reference_number_alphabet": "ABA"}, "only once"),
        ({"rate_limit_overrides": {"ListDomains": 5}}, "rate_limit_overrides['ListDomains']"),
        ({"rate_limit_overrides": {"ListDomains": (0, 1)}}, "two positive numbers"),
        ({"contact_resolver": "VOICE"}, "Settings.contact_resolver='VOICE'"),
        ({"rate_limits": "yes"}, "Settings.rate_limits='yes'"),
    ],
)
def test_settings_no_run_could_use_are_refused_when_made(
    values: dict[str, Any], named: str
) -> None:
    with pytest.raises(CasesMockError, match=re.escape(named)):
        Settings(**values)


def test_settings_that_work_are_accepted() -> None:
    as_json: Any = [1, 2]  # what --settings JSON gives
    settings = Settings(
        domains=0,
        single_line_text_limit=None,
        reference_number_alphabet="0123456789",
        reference_number_length=8,
        rate_limit_overrides={"ListDomains": (5, 10), "GetCase": None, "CreateCase": as_json},
        search_delay=0.5,
    )
    assert settings.with_realism("aws").merge_seconds == 2.0


def test_used_up_reference_numbers_are_a_casemock_error_not_a_hang() -> None:
    settings = Settings(reference_number_alphabet="01", reference_number_length=1)
    with mock_cases(settings=settings) as mock:
        client = mock.client()
        domain_id = client.create_domain(name="tiny")["domainId"]
        template_id = client.create_template(domainId=domain_id, name="t")["templateId"]
        fields: Any = [{"id": "title", "value": {"stringValue": "t"}}]
        for _ in range(2):
            client.create_case(domainId=domain_id, templateId=template_id, fields=fields)
        with pytest.raises(CasesMockError, match="reference_number_length=1"):
            client.create_case(domainId=domain_id, templateId=template_id, fields=fields)
        assert len(mock.backend().domains[domain_id].cases) == 2
