"""Keyset pagination shared by every list and search operation: through ListDomains and
directly through ``_pagination.page``."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from casemock import CasesMock, Settings, mock_cases
from casemock._errors import ServiceError
from casemock.backend._pagination import decode_token, encode_token, page

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any


@pytest.fixture
def many() -> Iterator[CasesMock]:
    with mock_cases(settings=Settings(domains=30)) as mock:
        yield mock


@pytest.fixture
def big_client(many: CasesMock) -> ConnectCasesClient:
    return many.client()


def create(client: ConnectCasesClient, *names: str) -> dict[str, str]:
    return {name: client.create_domain(name=name)["domainId"] for name in names}


def all_pages(client: ConnectCasesClient, **kwargs: Any) -> list[list[str]]:
    pages: list[list[str]] = []
    token: str | None = None
    while True:
        args = dict(kwargs, nextToken=token) if token else dict(kwargs)
        response = client.list_domains(**args)
        pages.append([d["name"] for d in response["domains"]])
        token = response.get("nextToken")
        if not token:
            return pages


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


# -- through ListDomains -----------------------------------------------------------------


def test_pages_of_max_results(big_client: ConnectCasesClient) -> None:
    create(big_client, *[f"d{i}" for i in range(5)])
    assert all_pages(big_client, maxResults=2) == [["d0", "d1"], ["d2", "d3"], ["d4"]]


def test_no_token_when_everything_fits(big_client: ConnectCasesClient) -> None:
    create(big_client, "a", "b")
    response = big_client.list_domains(maxResults=2)
    assert [d["name"] for d in response["domains"]] == ["a", "b"]
    assert "nextToken" not in response


def test_default_page_size_is_ten(big_client: ConnectCasesClient) -> None:
    create(big_client, *[f"d{i:02}" for i in range(12)])
    pages = all_pages(big_client)
    assert [len(p) for p in pages] == [10, 2]


def test_page_size_may_change_between_pages(big_client: ConnectCasesClient) -> None:
    create(big_client, *[f"d{i}" for i in range(6)])
    first = big_client.list_domains(maxResults=1)
    second = big_client.list_domains(maxResults=5, nextToken=first["nextToken"])
    assert [d["name"] for d in second["domains"]] == ["d1", "d2", "d3", "d4", "d5"]
    assert "nextToken" not in second


def test_items_added_between_pages_come_later_exactly_once(
    big_client: ConnectCasesClient,
) -> None:
    create(big_client, "a", "b", "c", "d")
    first = big_client.list_domains(maxResults=2)
    create(big_client, "e")
    second = big_client.list_domains(maxResults=2, nextToken=first["nextToken"])
    third = big_client.list_domains(maxResults=2, nextToken=second["nextToken"])
    seen = [d["name"] for r in (first, second, third) for d in r["domains"]]
    assert seen == ["a", "b", "c", "d", "e"]
    assert "nextToken" not in third


def test_items_removed_between_pages_are_skipped(big_client: ConnectCasesClient) -> None:
    ids = create(big_client, "a", "b", "c", "d", "e")
    first = big_client.list_domains(maxResults=2)
    big_client.delete_domain(domainId=ids["b"])  # the last one returned: the token's position
    big_client.delete_domain(domainId=ids["c"])  # not reached yet
    rest = big_client.list_domains(maxResults=10, nextToken=first["nextToken"])
    assert [d["name"] for d in rest["domains"]] == ["d", "e"]


def test_token_stays_valid_when_every_later_item_is_gone(big_client: ConnectCasesClient) -> None:
    ids = create(big_client, "a", "b", "c")
    first = big_client.list_domains(maxResults=1)
    big_client.delete_domain(domainId=ids["b"])
    big_client.delete_domain(domainId=ids["c"])
    rest = big_client.list_domains(maxResults=1, nextToken=first["nextToken"])
    assert rest["domains"] == []
    assert "nextToken" not in rest


@pytest.mark.parametrize(
    "token",
    [
        "garbage!",
        "bm90IGpzb24",  # base64 of "not json"
        base64.urlsafe_b64encode(b'{"x": 1}').decode(),  # JSON without our keys
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        encode_token("not-a-number", "domains"),  # a position of the wrong type
    ],
)
def test_malformed_token_is_a_validation_error(big_client: ConnectCasesClient, token: str) -> None:
    create(big_client, "a", "b")
    with pytest.raises(ClientError) as excinfo:
        big_client.list_domains(nextToken=token)
    assert error_code(excinfo) == "ValidationException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_token_of_another_list_is_a_validation_error(big_client: ConnectCasesClient) -> None:
    domain_id = create(big_client, "a")["a"]
    fields = big_client.list_fields(domainId=domain_id, maxResults=1)
    with pytest.raises(ClientError) as excinfo:
        big_client.list_domains(nextToken=fields["nextToken"])
    assert error_code(excinfo) == "ValidationException"


# -- page() directly ---------------------------------------------------------------------


def test_token_is_bound_to_its_query() -> None:
    items = list(range(10))
    _, token = page(items, lambda i: i, 3, None, {"domain": "a"})
    assert token is not None
    assert page(items, lambda i: i, 3, token, {"domain": "a"})[0] == [3, 4, 5]
    with pytest.raises(ServiceError) as excinfo:
        page(items, lambda i: i, 3, token, {"domain": "b"})
    assert excinfo.value.code == "ValidationException"


def test_tokens_are_opaque_strings() -> None:
    token = encode_token([3, "x"], "q")
    assert "=" not in token
    assert decode_token(token, "q") == [3, "x"]


def test_tuple_positions_for_sorted_results() -> None:
    # e.g. SearchCases sorted by (value, seq): ties broken by creation order
    items = [("a", 1), ("a", 4), ("b", 2), ("c", 3)]
    first, token = page(items, lambda i: i, 2, None, "sorted")
    assert first == [("a", 1), ("a", 4)]
    items.remove(("a", 4))
    items.insert(1, ("a", 5))  # sorts after the token's position ("a", 4)
    rest, token = page(items, lambda i: i, 10, token, "sorted")
    assert rest == [("a", 5), ("b", 2), ("c", 3)]
    assert token is None


@given(
    initial=st.integers(min_value=0, max_value=30),
    size=st.integers(min_value=1, max_value=7),
    changes=st.lists(
        st.tuples(st.booleans(), st.integers(min_value=0, max_value=1000)), max_size=12
    ),
)
def test_every_item_present_throughout_is_returned_exactly_once(
    initial: int, size: int, changes: list[tuple[bool, int]]
) -> None:
    items = list(range(initial))
    next_seq = initial
    removed: set[int] = set()
    seen: list[int] = []
    token: str | None = None
    turn = 0
    while True:
        chunk, token = page(items, lambda i: i, size, token, "q")
        seen.extend(chunk)
        if token is None:
            break
        if turn < len(changes):  # mutate between pages: add a newer item or remove one
            add, pick = changes[turn]
            if add:
                items.append(next_seq)
                next_seq += 1
            elif items:
                victim = items.pop(pick % len(items))
                removed.add(victim)
        turn += 1
    assert len(seen) == len(set(seen))  # never twice
    assert seen == sorted(seen)  # in order
    # every item never removed (there from the start or added between pages) is returned
    assert set(range(next_seq)) - removed <= set(seen)
