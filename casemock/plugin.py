"""pytest plugin (entry point ``pytest11``): fixtures and the ``casemock`` marker.

* ``cases_mock`` -- an active :class:`~casemock.CasesMock`, fresh per test;
  ``cases_client`` -- a boto3 connectcases client bound to it (the mock's region,
  placeholder credentials).
* ``cases_mock_module`` / ``cases_client_module`` and ``cases_mock_session`` /
  ``cases_client_session`` -- the same, shared by a module or the whole session, for
  suites that seed once.
* ``cases_server`` -- the endpoint URL of a casemock HTTP server (``casemock.server``),
  started once per session on a free port and reset before each test, for clients in
  other processes or languages; ``cases_server_mock`` -- the mock it serves (seed it, add
  faults, inspect it). Needs waitress (``pip install 'casemock[server]'``).
* ``@pytest.mark.casemock(account_id=..., region=..., settings=..., seed=..., strict=...,
  realism=...)`` takes the options of ``mock_cases``; markers are merged closest-first
  (test over class over module). The marker alone activates the mock for the test.

A test whose body starts a mock and leaves it active fails, naming the mock, and the mock
is stopped so that it cannot answer the next test's calls (``pytest_runtest_call``).

Disable with ``-p no:casemock``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

from casemock._errors import CasesMockError
from casemock._intercept.active import active_mocks
from casemock._mock import CasesClient, CasesMock

MARKER = "casemock"
_SCOPED = ("cases_mock_module", "cases_mock_session")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): activate an Amazon Connect Cases mock for the test, with the "
        "options of casemock.mock_cases (account_id, region, settings, seed, strict, state, "
        "realism).",
    )


def marker_options(node: pytest.Item | pytest.Collector) -> dict[str, Any]:
    """The ``casemock`` marker options that apply to ``node``, closest marker first."""
    allowed = _option_names()
    options: dict[str, Any] = {}
    for marker in node.iter_markers(MARKER):
        if marker.args:
            raise CasesMockError(
                f"@pytest.mark.{MARKER} takes keyword options only (got positional "
                f"{marker.args!r}); write e.g. @pytest.mark.{MARKER}(region='eu-west-2')."
            )
        unknown = sorted(set(marker.kwargs) - allowed)
        if unknown:
            raise CasesMockError(
                f"@pytest.mark.{MARKER} got unknown option(s) {', '.join(unknown)}; "
                f"the options are those of mock_cases: {', '.join(sorted(allowed))}."
            )
        for name, value in marker.kwargs.items():
            options.setdefault(name, value)
    return options


def _option_names() -> set[str]:
    parameters = inspect.signature(CasesMock.__init__).parameters.values()
    return {p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY}


def _mock_fixture(scope: str) -> Callable[..., Iterator[CasesMock]]:
    def fixture(request: pytest.FixtureRequest) -> Iterator[CasesMock]:
        with CasesMock(**marker_options(request.node)) as mock:
            yield mock

    fixture.__doc__ = f"An active CasesMock with empty state, shared per {scope}."
    return fixture


def _client_fixture(mock_fixture: str, scope: str) -> Callable[..., CasesClient]:
    def fixture(request: pytest.FixtureRequest) -> CasesClient:
        mock: CasesMock = request.getfixturevalue(mock_fixture)
        return mock.client()

    fixture.__doc__ = f"A connectcases client bound to ``{mock_fixture}`` (per {scope})."
    return fixture


cases_mock = pytest.fixture(_mock_fixture("test"), name="cases_mock")
cases_mock_module = pytest.fixture(
    _mock_fixture("module"), scope="module", name="cases_mock_module"
)
cases_mock_session = pytest.fixture(
    _mock_fixture("session"), scope="session", name="cases_mock_session"
)
cases_client = pytest.fixture(_client_fixture("cases_mock", "test"), name="cases_client")
cases_client_module = pytest.fixture(
    _client_fixture("cases_mock_module", "module"), scope="module", name="cases_client_module"
)
cases_client_session = pytest.fixture(
    _client_fixture("cases_mock_session", "session"), scope="session", name="cases_client_session"
)


@pytest.fixture(scope="session")
def _casemock_server() -> Iterator[Any]:
    from casemock.server import run_in_thread

    with run_in_thread(mock=CasesMock()) as server:
        yield server


@pytest.fixture
def cases_server_mock(_casemock_server: Any) -> CasesMock:
    """The mock of the session's casemock HTTP server, reset before each test."""
    mock: CasesMock = _casemock_server.mock
    mock.reset()
    return mock


@pytest.fixture
def cases_server(_casemock_server: Any, cases_server_mock: CasesMock) -> str:
    """The endpoint URL of a casemock HTTP server (one per session, on a free port), its
    state, call log and faults reset before each test: give it to clients as
    ``endpoint_url`` or ``AWS_ENDPOINT_URL_CONNECTCASES``."""
    url: str = _casemock_server.url
    return url


@pytest.fixture(autouse=True)
def _casemock_marker(request: pytest.FixtureRequest) -> None:
    """A test carrying the marker runs with ``cases_mock`` active, unless it asks for a
    module- or session-scoped mock (then the marker configures that one)."""
    if request.node.get_closest_marker(MARKER) is None:
        return
    if any(name in request.fixturenames for name in _SCOPED):
        return
    request.getfixturevalue("cases_mock")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """A mock the test body started and did not stop would answer the next tests' calls:
    stop it, and fail the test that leaked it (unless it already failed: a failure between
    ``start()`` and ``stop()`` is the usual way to leak one, and stopping it is enough)."""
    before = active_mocks()
    try:
        result = yield
    except BaseException:
        _stop_leaked(before)
        raise
    leaked = _stop_leaked(before)
    if leaked:
        pytest.fail(
            f"casemock: this test started {', '.join(leaked)} and did not stop it; casemock "
            "stopped it, as it would otherwise answer the connectcases calls of the tests "
            "that follow. Use `with mock_cases():`, @mock_cases or the cases_mock fixture, "
            "which stop the mock for you, or call stop() in a finally block.",
            pytrace=False,
        )
    return result


def _stop_leaked(before: tuple[object, ...]) -> list[str]:
    """Stop the mocks that are active now and were not before; describe them."""
    leaked: list[str] = []
    for mock in reversed(active_mocks()):
        if any(mock is earlier for earlier in before) or not isinstance(mock, CasesMock):
            continue
        leaked.append(repr(mock))
        while mock.active:
            mock.stop()
    return leaked


__all__ = ["CasesClient", "CasesMock", "marker_options"]
