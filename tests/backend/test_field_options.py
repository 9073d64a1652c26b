"""Single-select options: BatchPutFieldOptions and ListFieldOptions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import all_pages, error_of, mock_domain, option, put_options

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
    from types_boto3_connectcases.type_defs import FieldOptionTypeDef
else:
    ConnectCasesClient = Any


def options_of(client: ConnectCasesClient, domain_id: str, field_id: str) -> list[tuple[Any, ...]]:
    answer = client.list_field_options(domainId=domain_id, fieldId=field_id, maxResults=100)
    return [(o["name"], o["value"], o["active"]) for o in answer["options"]]


@pytest.fixture
def select_id(client: ConnectCasesClient, domain_id: str) -> str:
    return client.create_field(domainId=domain_id, name="Priority", type="SingleSelect")["fieldId"]


@pytest.fixture
def deleted_select_id(client: ConnectCasesClient, domain_id: str, select_id: str) -> str:
    """``select_id`` with option ("A", "a") put, then the field deleted."""
    put_options(client, domain_id, select_id, option("A", "a"))
    client.delete_field(domainId=domain_id, fieldId=select_id)
    return select_id


def test_put_adds_options_in_insertion_order(
    client: ConnectCasesClient, domain_id: str, select_id: str
) -> None:
    answer = put_options(client, domain_id, select_id, option("High", "high"), option("Low", "low"))
    assert answer["errors"] == []
    put_options(client, domain_id, select_id, option("Medium", "medium"))
    assert options_of(client, domain_id, select_id) == [
        ("High", "high", True),
        ("Low", "low", True),
        ("Medium", "medium", True),
    ]


def test_put_updates_and_deactivates_existing_options_in_place(
    client: ConnectCasesClient, domain_id: str, select_id: str
) -> None:
    put_options(client, domain_id, select_id, option("High", "high"), option("Low", "low"))
    put_options(client, domain_id, select_id, option("Very high", "high", active=False))
    assert options_of(client, domain_id, select_id) == [
        ("Very high", "high", False),
        ("Low", "low", True),
    ]


def test_options_only_on_single_select_fields(client: ConnectCasesClient, domain_id: str) -> None:
    text_id = client.create_field(domainId=domain_id, name="Notes", type="Text")["fieldId"]
    with pytest.raises(ClientError) as excinfo:
        put_options(client, domain_id, text_id, option("A", "a"))
    assert error_of(excinfo) == ("ValidationException", 400)
    assert options_of(client, domain_id, text_id) == []


def test_options_of_a_deleted_field_cannot_change(
    client: ConnectCasesClient, domain_id: str, deleted_select_id: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_options(client, domain_id, deleted_select_id, option("B", "b"))
    assert error_of(excinfo) == ("ValidationException", 400)
    assert options_of(client, domain_id, deleted_select_id) == [("A", "a", True)]


def test_options_of_an_unknown_field_are_not_found(
    client: ConnectCasesClient, domain_id: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_options(client, domain_id, "nope", option("A", "a"))
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    with pytest.raises(ClientError) as excinfo:
        client.list_field_options(domainId=domain_id, fieldId="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


@pytest.mark.parametrize("change", [option("Opened", "open"), option("Open", "open", active=False)])
def test_status_open_cannot_be_renamed_or_deactivated(
    client: ConnectCasesClient, domain_id: str, change: FieldOptionTypeDef
) -> None:
    answer = put_options(
        client, domain_id, "status", change, option("Investigating", "investigating")
    )
    assert [(e["value"], e["errorCode"]) for e in answer["errors"]] == [
        ("open", "ValidationException")
    ]
    assert options_of(client, domain_id, "status") == [
        ("Open", "open", True),
        ("Closed", "closed", True),
        ("Investigating", "investigating", True),
    ]


def test_status_closed_cannot_be_deactivated(client: ConnectCasesClient, domain_id: str) -> None:
    answer = put_options(client, domain_id, "status", option("Closed", "closed", active=False))
    assert [e["value"] for e in answer["errors"]] == ["closed"]
    assert ("Closed", "closed", True) in options_of(client, domain_id, "status")


def test_resending_status_options_unchanged_is_fine(
    client: ConnectCasesClient, domain_id: str
) -> None:
    answer = put_options(
        client, domain_id, "status", option("Open", "open"), option("Closed", "closed")
    )
    assert answer["errors"] == []


def test_repeated_value_in_one_request_is_reported(
    client: ConnectCasesClient, domain_id: str, select_id: str
) -> None:
    answer = put_options(client, domain_id, select_id, option("A", "a"), option("Again", "a"))
    assert [e["value"] for e in answer["errors"]] == ["a"]
    assert options_of(client, domain_id, select_id) == [("A", "a", True)]


def test_invalid_option_value_is_refused(
    client: ConnectCasesClient, domain_id: str, select_id: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        put_options(client, domain_id, select_id, option("A", "a "), option("B", "b"))
    assert error_of(excinfo) == ("ValidationException", 400)
    assert options_of(client, domain_id, select_id) == []


def test_option_quota_refuses_the_whole_call() -> None:
    with mock_domain(field_options=3) as (client, domain_id):
        field_id = client.create_field(domainId=domain_id, name="P", type="SingleSelect")["fieldId"]
        put_options(client, domain_id, field_id, option("A", "a"), option("B", "b"))
        with pytest.raises(ClientError) as excinfo:
            put_options(
                client, domain_id, field_id, option("A2", "a"), option("C", "c"), option("D", "d")
            )
        assert error_of(excinfo) == ("ServiceQuotaExceededException", 402)
        assert options_of(client, domain_id, field_id) == [("A", "a", True), ("B", "b", True)]
        # Updating existing options and adding up to the quota still works.
        put_options(client, domain_id, field_id, option("A2", "a"), option("C", "c"))
        assert len(options_of(client, domain_id, field_id)) == 3


def test_list_options_filters_by_value(
    client: ConnectCasesClient, domain_id: str, select_id: str
) -> None:
    put_options(client, domain_id, select_id, option("High", "high"), option("Low", "low"))
    answer = client.list_field_options(domainId=domain_id, fieldId=select_id, values=["low"])
    assert answer["options"] == [{"name": "Low", "value": "low", "active": True}]
    none = client.list_field_options(domainId=domain_id, fieldId=select_id, values=["x"])
    assert none["options"] == []


def test_list_options_paginates_in_insertion_order(
    client: ConnectCasesClient, domain_id: str, select_id: str
) -> None:
    values = [f"v{index:02d}" for index in range(12)]
    put_options(client, domain_id, select_id, *(option(v.upper(), v) for v in values))
    listed = all_pages(
        client.list_field_options, "options", 5, domainId=domain_id, fieldId=select_id
    )
    assert [o["value"] for o in listed] == values


def test_list_options_token_of_another_field_is_refused(
    client: ConnectCasesClient, domain_id: str, select_id: str
) -> None:
    put_options(client, domain_id, select_id, option("A", "a"), option("B", "b"))
    token = client.list_field_options(domainId=domain_id, fieldId=select_id, maxResults=1)[
        "nextToken"
    ]
    with pytest.raises(ClientError) as excinfo:
        client.list_field_options(
            domainId=domain_id, fieldId="status", maxResults=1, nextToken=token
        )
    assert error_of(excinfo) == ("ValidationException", 400)


def test_options_of_a_deleted_field_can_still_be_listed(
    client: ConnectCasesClient, domain_id: str, deleted_select_id: str
) -> None:
    assert options_of(client, domain_id, deleted_select_id) == [("A", "a", True)]
