"""Lifecycle: what a decorated call leaves behind, mocks leaked by a test, and mocks
started on two threads."""

from __future__ import annotations

import asyncio
import gc
import threading
import tracemalloc
import unittest
import warnings
from typing import Any

import pytest

from casemock import CasesMock, CasesMockWarning, _intercept, mock_cases
from casemock.seeding import create_cases, seed_domain

pytest_plugins = ["pytester"]


def seed(count: int) -> CasesMock:
    """Seed ``count`` cases into the active mock; return it."""
    mock = _intercept.current()
    assert isinstance(mock, CasesMock)
    domain = seed_domain(mock, "support", template=True)
    create_cases(mock, domain.domain_id, str(domain.template_id), [{"title": "t"}] * count)
    mock.client().list_domains()  # a call in the log too
    return mock


# -- the decorator releases what only it holds -------------------------------------------


def test_bare_decorator_releases_the_state_when_the_call_returns() -> None:
    seen: list[CasesMock] = []

    @mock_cases
    def test() -> None:
        seen.append(seed(3))
        assert len(seen[0].store.regions) == 1

    test()
    assert dict(seen[0].store.regions) == {}
    assert seen[0].calls == [] and seen[0].events == []


def test_decorator_with_options_releases_the_state_too() -> None:
    seen: list[CasesMock] = []

    @mock_cases(region="eu-west-2", seed=4)
    def test() -> None:
        seen.append(seed(3))

    test()
    assert dict(seen[0].store.regions) == {}


def test_async_decorated_call_releases_the_state() -> None:
    seen: list[CasesMock] = []

    @mock_cases
    async def test() -> None:
        seen.append(seed(2))

    asyncio.run(test())
    assert dict(seen[0].store.regions) == {}


def test_a_decorated_generator_is_mocked_from_its_first_step_to_its_end() -> None:
    """A ``yield`` fixture (or any generator) runs mocked through setup and teardown."""
    seen: list[CasesMock] = []

    @mock_cases
    def fixture() -> Any:
        mock = _intercept.current()
        assert isinstance(mock, CasesMock)
        seen.append(mock)
        client = mock.client()
        domain_id = client.create_domain(name="fixture")["domainId"]
        sent = yield domain_id
        assert sent is None
        assert client.get_domain(domainId=domain_id)["name"] == "fixture"  # teardown
        yield "after"

    steps = fixture()
    assert _intercept.current() is None  # nothing active until the first step
    domain_id = next(steps)
    assert seen[0].active and _intercept.current() is seen[0]
    assert next(steps) == "after"
    with pytest.raises(StopIteration):
        next(steps)
    assert _intercept.current() is None
    assert dict(seen[0].store.regions) == {}  # released, as for a function
    assert domain_id


def test_closing_a_decorated_generator_stops_the_mock() -> None:
    @mock_cases
    def fixture() -> Any:
        yield _intercept.current()

    steps = fixture()
    mock = next(steps)
    assert isinstance(mock, CasesMock) and mock.active
    steps.close()
    assert not mock.active and _intercept.current() is None


def test_a_decorated_async_generator_is_mocked_throughout() -> None:
    seen: list[Any] = []

    @mock_cases
    async def fixture() -> Any:
        seen.append(_intercept.current())
        received = yield "first"
        seen.append((received, _intercept.current()))

    async def drive() -> None:
        steps = fixture()
        assert await steps.asend(None) == "first"
        with pytest.raises(StopAsyncIteration):
            await steps.asend("sent")

    asyncio.run(drive())
    assert isinstance(seen[0], CasesMock)
    assert seen[1] == ("sent", seen[0])
    assert _intercept.current() is None


def test_class_and_static_test_methods_of_a_plain_class_are_mocked() -> None:
    @mock_cases
    class Tests:
        @classmethod
        def test_as_class(cls) -> Any:
            return _intercept.current()

        @staticmethod
        def test_as_static() -> Any:
            return _intercept.current()

    assert isinstance(Tests.test_as_class(), CasesMock)
    assert isinstance(Tests.test_as_static(), CasesMock)
    assert _intercept.current() is None


def test_state_is_released_when_the_decorated_call_raises() -> None:
    seen: list[CasesMock] = []

    @mock_cases
    def test() -> None:
        seen.append(seed(2))
        raise KeyError("boom")

    with pytest.raises(KeyError):
        test()
    assert dict(seen[0].store.regions) == {}


def test_a_mock_the_user_holds_keeps_its_state_after_the_call() -> None:
    held = mock_cases()

    @held
    def test() -> None:
        seed(2)

    test()
    assert not held.active
    assert len(held.backend().domain("support").cases) == 2  # readable after the call
    with held:  # and, as always, the next activation starts empty
        assert dict(held.store.regions) == {}


def test_decorated_test_case_class_releases_the_state_at_teardown() -> None:
    seen: list[CasesMock] = []

    @mock_cases
    class Cases(unittest.TestCase):
        @classmethod
        def setUpClass(cls) -> None:
            seen.append(seed(2))

        def test_sees_the_seed(self) -> None:
            assert len(seen[0].backend().domain("support").cases) == 2

    result = unittest.TextTestRunner(stream=_Null()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Cases)
    )
    assert result.wasSuccessful()
    assert dict(seen[0].store.regions) == {}


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def test_ten_decorated_tests_do_not_keep_their_cases_in_memory() -> None:
    def decorated() -> Any:
        @mock_cases
        def test() -> None:
            seed(1000)

        return test

    tests = [decorated() for _ in range(12)]  # kept, as a test module keeps its functions
    tests[0]()  # warm-up: imports and botocore's caches
    tests[1]()
    held = mock_cases()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for test in tests[2:]:
            test()
        gc.collect()
        after_ten = tracemalloc.get_traced_memory()[0]
        with held:
            seed(1000)
        gc.collect()
        after_held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    one_held = after_held - after_ten
    ten_released = after_ten - before
    assert one_held > 2_000_000  # 1,000 cases: a few MiB
    assert ten_released < one_held / 2, (ten_released, one_held)


# -- a mock left active by a test ----------------------------------------------------------

LEAKS = """
import pytest
from casemock import _intercept, mock_cases


def test_leaks():
    mock_cases(region="eu-west-1").start()


def test_next_is_not_answered_by_the_leak():
    assert _intercept.current() is None


def test_fails_between_start_and_stop():
    m = mock_cases()
    m.start()
    assert 1 == 2
    m.stop()


def test_after_the_failure():
    assert _intercept.current() is None


def test_fixture_and_marker_are_fine(cases_mock):
    assert _intercept.current() is cases_mock


@pytest.mark.casemock(region="eu-west-2")
def test_marker_and_a_decorator_on_one_thread_are_fine():
    @mock_cases
    def inner():
        assert _intercept.current() is not None
    inner()


def test_nested_and_stopped_is_fine():
    with mock_cases():
        outer = mock_cases()
        outer.start()
        outer.stop()
"""


def test_a_leaked_mock_fails_its_test_and_is_stopped(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(LEAKS)
    result = pytester.runpytest("-p", "no:casemock", "-p", "casemock.plugin", "-W", "error")
    result.assert_outcomes(passed=5, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*test_leaks*",
            "*casemock: this test started <CasesMock active account_id='123456789012' "
            "region='eu-west-1'* and did not stop it*",
        ]
    )
    # A test that failed between start() and stop() keeps its own failure.
    result.stdout.fnmatch_lines(["E       assert 1 == 2"])
    # One report, for test_leaks only (the summary lines, cut to the terminal's width or
    # whole under CI=true, start with FAILED and are not counted).
    reports = [line for line in result.stdout.lines if line.startswith("casemock: this test")]
    assert len(reports) == 1


# -- activation is process-wide ------------------------------------------------------------


def test_a_second_mock_started_on_another_thread_warns() -> None:
    with mock_cases() as outer:

        def other_thread() -> None:
            with mock_cases():
                pass

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            thread = threading.Thread(target=other_thread)
            thread.start()
            thread.join()
        assert outer.active
    (warning,) = [w for w in caught if issubclass(w.category, CasesMockWarning)]
    assert "process-wide" in str(warning.message)


def test_the_same_mock_on_many_threads_and_nesting_on_one_do_not_warn() -> None:
    shared = mock_cases()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CasesMockWarning)
        with shared, mock_cases():
            errors: list[BaseException] = []

            def enter_shared() -> None:
                try:
                    with shared:
                        pass
                except BaseException as error:
                    errors.append(error)

            thread = threading.Thread(target=enter_shared)
            thread.start()
            thread.join()
            assert errors == []


def test_usage_page_runs() -> None:
    """The examples of docs/usage.md (held mocks, threads) run as written."""
    from tests.helpers import run_python_blocks

    assert run_python_blocks("usage.md")["seed_and_check"] is not None
