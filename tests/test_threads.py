"""Thread safety: many threads calling one mock, and starting and stopping mocks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.endpoint import Endpoint
from botocore.exceptions import ClientError

from casemock import CasesMock, Settings, _intercept, mock_cases

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

THREADS = 16
T = TypeVar("T")
ORIGINAL_DO_GET_RESPONSE = Endpoint.__dict__["_do_get_response"]


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
    assert Endpoint.__dict__["_do_get_response"] is ORIGINAL_DO_GET_RESPONSE


def test_concurrent_start_stop_of_separate_mocks_leaves_botocore_clean() -> None:
    def cycle(index: int) -> None:
        for _ in range(25):
            mock: CasesMock = mock_cases()
            mock.start()
            mock.stop()

    in_threads(THREADS, cycle)
    assert _intercept.current() is None
    assert not _intercept.is_patched()
    assert Endpoint.__dict__["_do_get_response"] is ORIGINAL_DO_GET_RESPONSE
