"""Thread safety: many threads calling one mock, and starting and stopping mocks."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from botocore.config import Config
from botocore.endpoint import Endpoint
from botocore.exceptions import EndpointConnectionError
from botocore.httpsession import URLLib3Session

from casemock import CasesMock, CasesMockError, Settings, _intercept, mock_cases
from tests.helpers import in_threads, outcome

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

THREADS = 16
ORIGINAL_SEND_REQUEST = Endpoint.__dict__["_send_request"]


def test_many_threads_create_domains_concurrently() -> None:
    per_thread = 5
    with mock_cases(settings=Settings(domains=THREADS * per_thread)) as mock:
        clients = [mock.client() for _ in range(THREADS)]

        def create(index: int) -> list[str]:
            return [
                clients[index].create_domain(name=f"t{index}-d{n}")["domainId"]
                for n in range(per_thread)
            ]

        ids = [i for batch in in_threads(THREADS, create) for i in batch]

        listed: list[str] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"maxResults": 10}
            if token:
                kwargs["nextToken"] = token
            response = clients[0].list_domains(**kwargs)
            listed.extend(d["domainId"] for d in response["domains"])
            token = response.get("nextToken")
            if not token:
                break
    assert len(set(ids)) == THREADS * per_thread
    assert sorted(listed) == sorted(ids)
    assert len(mock.calls_to("CreateDomain")) == THREADS * per_thread


def test_the_quota_holds_under_a_race() -> None:
    with mock_cases() as mock:
        clients = [mock.client() for _ in range(THREADS)]
        results = in_threads(
            THREADS, lambda i: outcome(lambda: clients[i].create_domain(name=f"d{i}"))
        )
        assert len(clients[0].list_domains()["domains"]) == 5
    assert sorted(results).count("ok") == 5
    assert results.count("ServiceQuotaExceededException") == THREADS - 5


def test_unique_names_hold_under_a_race() -> None:
    with mock_cases() as mock:
        clients = [mock.client() for _ in range(THREADS)]
        results = in_threads(
            THREADS, lambda i: outcome(lambda: clients[i].create_domain(name="same"))
        )
        assert len(clients[0].list_domains()["domains"]) == 1
    assert results.count("ok") == 1
    assert results.count("ConflictException") == THREADS - 1


def test_ref_counted_start_stop_of_one_mock_from_many_threads() -> None:
    mock = mock_cases(settings=Settings(domains=THREADS))
    clients: list[ConnectCasesClient] = []
    with mock:
        clients.extend(mock.client() for _ in range(THREADS))

    def enter_call_leave(index: int) -> None:
        for _ in range(20):
            with mock:
                clients[index].list_domains()

    with mock:  # hold one activation so the state survives the threads' stops
        clients[0].create_domain(name="held")
        in_threads(THREADS, enter_call_leave)
        assert [d["name"] for d in clients[0].list_domains()["domains"]] == ["held"]
    assert not mock.active
    assert _intercept.current() is None
    assert Endpoint.__dict__["_send_request"] is ORIGINAL_SEND_REQUEST


# Separate mocks on separate threads is the mistake CasesMockWarning points out; here it
# is a stress test of the activation stack.
@pytest.mark.filterwarnings("ignore::casemock.CasesMockWarning")
def test_concurrent_start_stop_of_separate_mocks_leaves_botocore_clean() -> None:
    def cycle(index: int) -> None:
        for _ in range(25):
            mock: CasesMock = mock_cases()
            mock.start()
            mock.stop()

    in_threads(THREADS, cycle)
    assert _intercept.current() is None
    assert not _intercept.is_patched()
    assert Endpoint.__dict__["_send_request"] is ORIGINAL_SEND_REQUEST


# -- stopping while calls are in flight -----------------------------------------------------


class NetworkGuard:
    """Replaces botocore's HTTP session send: records every request that would have left
    the process, noting whether casemock had claimed its call, and fails it."""

    def __init__(self) -> None:
        self.claimed_sends: list[str] = []
        self.unclaimed_sends = 0
        self.lock = threading.Lock()

    def send(self, request: Any) -> Any:
        from casemock._intercept import active

        with self.lock:
            if active.claimed.get() is not None:
                self.claimed_sends.append(request.url)
            else:
                self.unclaimed_sends += 1
        raise EndpointConnectionError(endpoint_url=request.url)


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> NetworkGuard:
    guard = NetworkGuard()
    monkeypatch.setattr(URLLib3Session, "send", lambda session, request: guard.send(request))
    return guard


def no_retries() -> Config:
    return Config(retries={"max_attempts": 1, "mode": "standard"})


def in_background(
    call: Callable[[], object],
) -> tuple[threading.Thread, list[BaseException | None]]:
    """``call`` on a started thread; the list gets the error it raised, or None."""
    result: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
        except BaseException as error:
            result.append(error)
        else:
            result.append(None)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_a_call_in_flight_when_the_mock_stops_fails_clearly(network: NetworkGuard) -> None:
    mock = mock_cases()
    mock.start()
    client = mock.client(config=no_retries())
    in_flight, release = threading.Event(), threading.Event()

    def hold(**kwargs: Any) -> None:  # runs after casemock claimed the call, before sending
        in_flight.set()
        release.wait(10)

    client.meta.events.register("before-sign.connectcases", hold)
    thread, result = in_background(client.list_domains)
    assert in_flight.wait(10)
    mock.stop()  # the last mock: botocore's classes are restored while the call waits
    assert not _intercept.is_patched()
    release.set()
    thread.join(10)
    (error,) = result
    assert isinstance(error, CasesMockError)
    assert "stopped while the call was in flight" in str(error)
    assert network.claimed_sends == [] and network.unclaimed_sends == 0
    # The client's next call is not casemock's any more: it goes to the network as usual.
    client.meta.events.unregister("before-sign.connectcases", hold)
    with pytest.raises(EndpointConnectionError):
        client.list_domains()
    assert network.unclaimed_sends >= 1 and network.claimed_sends == []


def test_a_call_in_its_injected_latency_when_the_mock_stops_fails_clearly() -> None:
    """Stopped while the call sleeps in an injected latency: the call is not answered and
    writes nothing (it used to be answered into the stopped mock's state)."""
    mock = mock_cases()
    mock.start()
    client = mock.client(config=no_retries())
    mock.add_latency("CreateDomain", 0.5)
    thread, result = in_background(lambda: client.create_domain(name="late"))
    time.sleep(0.1)
    mock.stop()
    thread.join(10)
    (error,) = result
    assert isinstance(error, CasesMockError)
    assert "stopped during the latency injected" in str(error)
    assert mock.store.domain_count() == 0


def test_calls_racing_start_stop_cycles_never_reach_the_network(network: NetworkGuard) -> None:
    clients: list[ConnectCasesClient] = []
    with mock_cases() as mock:
        clients.extend(mock.client(config=no_retries()) for _ in range(4))
    stop = threading.Event()
    outcomes: list[dict[str, int]] = []
    answered = [0] * len(clients)

    def hammer(index: int) -> None:
        counts: dict[str, int] = {}
        while not stop.is_set():
            try:
                clients[index].list_domains()
                kind = "answered"
            except CasesMockError:
                kind = "stopped in flight"
            except EndpointConnectionError:
                kind = "no mock active"
            counts[kind] = counts.get(kind, 0) + 1
            answered[index] = counts.get("answered", 0)
        outcomes.append(counts)

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    try:
        # 120 cycles at least, and on until every thread had calls answered (a slow
        # machine's first calls can outlast 120 cycles)
        deadline = time.monotonic() + 30
        cycle = 0
        while cycle < 120 or (min(answered) < 20 and time.monotonic() < deadline):
            with mock_cases():
                time.sleep(0.002 if cycle % 2 else 0)
            cycle += 1
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert network.claimed_sends == []
    assert sum(c.get("answered", 0) for c in outcomes) > 0, outcomes
    assert not _intercept.is_patched()
    assert Endpoint.__dict__["_send_request"] is ORIGINAL_SEND_REQUEST
