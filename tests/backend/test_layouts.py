"""Layouts: content validation, names, quotas, soft delete, tags."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import pytest
from botocore.exceptions import ClientError

from casemock._settings import Settings
from tests.helpers import all_pages, error_of, mock_domain

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
    from types_boto3_connectcases.type_defs import LayoutContentTypeDef
else:
    ConnectCasesClient = Any

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def content(top: list[str], more: list[str] | None = None) -> LayoutContentTypeDef:
    basic: dict[str, Any] = {
        "topPanel": {
            "sections": [{"fieldGroup": {"name": "Top", "fields": [{"id": i} for i in top]}}]
        }
    }
    if more is not None:
        basic["moreInfo"] = {
            "sections": [{"fieldGroup": {"name": "More", "fields": [{"id": i} for i in more]}}]
        }
    return cast("LayoutContentTypeDef", {"basic": basic})


def field_ids(layout: dict[str, Any], panel: str = "topPanel") -> list[str]:
    sections = layout["content"]["basic"][panel]["sections"]
    return [item["id"] for item in sections[0]["fieldGroup"]["fields"]]


def layout_names(client: ConnectCasesClient, domain_id: str) -> list[str]:
    return [x["name"] for x in client.list_layouts(domainId=domain_id)["layouts"]]


@pytest.fixture
def custom_id(client: ConnectCasesClient, domain_id: str) -> str:
    return client.create_field(domainId=domain_id, name="Priority", type="Text")["fieldId"]


def test_create_and_get_layout(client: ConnectCasesClient, domain_id: str, custom_id: str) -> None:
    created = client.create_layout(
        domainId=domain_id,
        name="Default",
        content=content(["case_id", custom_id], ["summary", "created_datetime"]),
    )
    assert UUID.fullmatch(created["layoutId"])
    domain_arn = client.get_domain(domainId=domain_id)["domainArn"]
    assert created["layoutArn"] == f"{domain_arn}/layout/{created['layoutId']}"
    fetched = client.get_layout(domainId=domain_id, layoutId=created["layoutId"])
    assert fetched["name"] == "Default"
    assert field_ids(dict(fetched)) == ["case_id", custom_id]
    assert field_ids(dict(fetched), "moreInfo") == ["summary", "created_datetime"]
    assert fetched["content"]["basic"]["topPanel"]["sections"][0]["fieldGroup"]["name"] == "Top"
    assert fetched["deleted"] is False
    assert fetched["tags"] == {}
    assert fetched["createdTime"] == fetched["lastModifiedTime"]
    assert layout_names(client, domain_id) == ["Default"]


@pytest.mark.parametrize("banned", ["title", "status"])
def test_title_and_status_cannot_be_in_a_layout(
    client: ConnectCasesClient, domain_id: str, banned: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_layout(domainId=domain_id, name="L", content=content(["summary", banned]))
    assert error_of(excinfo) == ("ValidationException", 400)
    assert layout_names(client, domain_id) == []


def test_unknown_field_in_a_layout_is_refused(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_layout(domainId=domain_id, name="L", content=content([], ["nope"]))
    assert error_of(excinfo) == ("ValidationException", 400)
    assert layout_names(client, domain_id) == []


def test_deleted_field_in_a_new_layout_is_refused(
    client: ConnectCasesClient, domain_id: str, custom_id: str
) -> None:
    client.delete_field(domainId=domain_id, fieldId=custom_id)
    with pytest.raises(ClientError) as excinfo:
        client.create_layout(domainId=domain_id, name="L", content=content([custom_id]))
    assert error_of(excinfo) == ("ValidationException", 400)


def test_field_twice_in_a_layout_is_refused(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_layout(
            domainId=domain_id, name="L", content=content(["summary"], ["summary"])
        )
    assert error_of(excinfo) == ("ValidationException", 400)


def test_more_than_one_section_per_panel_is_refused(
    client: ConnectCasesClient, domain_id: str
) -> None:
    group = {"fieldGroup": {"fields": [{"id": "summary"}]}}
    with pytest.raises(ClientError) as excinfo:
        client.create_layout(
            domainId=domain_id,
            name="L",
            content=cast(
                "LayoutContentTypeDef", {"basic": {"topPanel": {"sections": [group, group]}}}
            ),
        )
    assert error_of(excinfo) == ("ValidationException", 400)


def test_fields_per_layout_quota() -> None:
    with mock_domain(fields_per_layout=2) as (client, domain_id):
        client.create_layout(
            domainId=domain_id, name="ok", content=content(["summary"], ["case_id"])
        )
        with pytest.raises(ClientError) as excinfo:
            client.create_layout(
                domainId=domain_id,
                name="too big",
                content=content(["summary", "case_id"], ["customer_id"]),
            )
        assert error_of(excinfo) == ("ServiceQuotaExceededException", 402)
        assert layout_names(client, domain_id) == ["ok"]


def test_layout_quota_counts_live_layouts() -> None:
    with mock_domain(layouts=1) as (client, domain_id):
        first = client.create_layout(domainId=domain_id, name="a", content=content([]))
        with pytest.raises(ClientError) as excinfo:
            client.create_layout(domainId=domain_id, name="b", content=content([]))
        assert error_of(excinfo) == ("ServiceQuotaExceededException", 402)
        client.delete_layout(domainId=domain_id, layoutId=first["layoutId"])
        client.create_layout(domainId=domain_id, name="b", content=content([]))


def test_a_domain_can_delete_up_to_its_deletion_limit_of_layouts() -> None:
    """DeleteLayout: "You can delete up to 100 layouts per domain" (Settings.deleted_layouts).
    The model lists no ServiceQuotaExceededException for DeleteLayout: ValidationException."""
    assert Settings().deleted_layouts == 100
    with mock_domain(deleted_layouts=2) as (client, domain_id):
        ids = [
            client.create_layout(domainId=domain_id, name=n, content=content([]))["layoutId"]
            for n in "abc"
        ]
        client.delete_layout(domainId=domain_id, layoutId=ids[0])
        client.delete_layout(domainId=domain_id, layoutId=ids[1])
        with pytest.raises(ClientError) as excinfo:
            client.delete_layout(domainId=domain_id, layoutId=ids[2])
        assert error_of(excinfo) == ("ValidationException", 400)
        assert layout_names(client, domain_id) == ["c"]
        client.delete_layout(domainId=domain_id, layoutId=ids[0])  # already deleted: 200


def test_duplicate_layout_name_is_a_conflict(client: ConnectCasesClient, domain_id: str) -> None:
    client.create_layout(domainId=domain_id, name="L", content=content([]))
    with pytest.raises(ClientError) as excinfo:
        client.create_layout(domainId=domain_id, name="L", content=content(["summary"]))
    assert error_of(excinfo) == ("ConflictException", 409)
    assert layout_names(client, domain_id) == ["L"]


def test_get_layout_omits_fields_deleted_later(
    client: ConnectCasesClient, domain_id: str, custom_id: str
) -> None:
    layout_id = client.create_layout(
        domainId=domain_id, name="L", content=content([custom_id, "summary"])
    )["layoutId"]
    client.delete_field(domainId=domain_id, fieldId=custom_id)
    fetched = client.get_layout(domainId=domain_id, layoutId=layout_id)
    assert field_ids(dict(fetched)) == ["summary"]


def test_get_unknown_layout_is_not_found(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_layout(domainId=domain_id, layoutId="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
    assert excinfo.value.response["resourceType"] == "Layout"  # type: ignore[typeddict-item]


# -- UpdateLayout -----------------------------------------------------------------------


def test_update_layout_replaces_content_and_name(
    client: ConnectCasesClient, domain_id: str, custom_id: str
) -> None:
    layout_id = client.create_layout(
        domainId=domain_id, name="L", content=content(["summary"], ["case_id"])
    )["layoutId"]
    client.update_layout(domainId=domain_id, layoutId=layout_id, content=content([custom_id]))
    fetched = client.get_layout(domainId=domain_id, layoutId=layout_id)
    assert field_ids(dict(fetched)) == [custom_id]
    assert "moreInfo" not in fetched["content"]["basic"]
    assert fetched["name"] == "L"
    client.update_layout(domainId=domain_id, layoutId=layout_id, name="Renamed")
    fetched = client.get_layout(domainId=domain_id, layoutId=layout_id)
    assert fetched["name"] == "Renamed"
    assert field_ids(dict(fetched)) == [custom_id]


def test_update_layout_with_bad_content_changes_nothing(
    client: ConnectCasesClient, domain_id: str
) -> None:
    layout_id = client.create_layout(domainId=domain_id, name="L", content=content(["summary"]))[
        "layoutId"
    ]
    with pytest.raises(ClientError) as excinfo:
        client.update_layout(
            domainId=domain_id, layoutId=layout_id, name="New", content=content(["title"])
        )
    assert error_of(excinfo) == ("ValidationException", 400)
    fetched = client.get_layout(domainId=domain_id, layoutId=layout_id)
    assert (fetched["name"], field_ids(dict(fetched))) == ("L", ["summary"])


def test_rename_layout_onto_an_existing_name_is_a_conflict(
    client: ConnectCasesClient, domain_id: str
) -> None:
    client.create_layout(domainId=domain_id, name="A", content=content([]))
    b = client.create_layout(domainId=domain_id, name="B", content=content([]))["layoutId"]
    with pytest.raises(ClientError) as excinfo:
        client.update_layout(domainId=domain_id, layoutId=b, name="A")
    assert error_of(excinfo) == ("ConflictException", 409)
    assert sorted(layout_names(client, domain_id)) == ["A", "B"]


def test_update_deleted_layout_is_refused(client: ConnectCasesClient, domain_id: str) -> None:
    layout_id = client.create_layout(domainId=domain_id, name="L", content=content([]))["layoutId"]
    client.delete_layout(domainId=domain_id, layoutId=layout_id)
    with pytest.raises(ClientError) as excinfo:
        client.update_layout(domainId=domain_id, layoutId=layout_id, name="M")
    assert error_of(excinfo) == ("ValidationException", 400)
    assert client.get_layout(domainId=domain_id, layoutId=layout_id)["name"] == "L"


# -- DeleteLayout -----------------------------------------------------------------------


def test_deleted_layout_is_soft_deleted(client: ConnectCasesClient, domain_id: str) -> None:
    layout_id = client.create_layout(domainId=domain_id, name="L", content=content(["summary"]))[
        "layoutId"
    ]
    client.delete_layout(domainId=domain_id, layoutId=layout_id)
    assert layout_names(client, domain_id) == []
    fetched = client.get_layout(domainId=domain_id, layoutId=layout_id)
    assert fetched["deleted"] is True
    assert field_ids(dict(fetched)) == ["summary"]
    again = client.delete_layout(domainId=domain_id, layoutId=layout_id)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    client.create_layout(domainId=domain_id, name="L", content=content([]))


def test_delete_unknown_layout_is_not_found(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.delete_layout(domainId=domain_id, layoutId="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)


def test_default_layout_of_a_live_template_cannot_be_deleted(
    client: ConnectCasesClient, domain_id: str
) -> None:
    layout_id = client.create_layout(domainId=domain_id, name="L", content=content([]))["layoutId"]
    template_id = client.create_template(
        domainId=domain_id, name="T", layoutConfiguration={"defaultLayout": layout_id}
    )["templateId"]
    with pytest.raises(ClientError) as excinfo:
        client.delete_layout(domainId=domain_id, layoutId=layout_id)
    assert error_of(excinfo) == ("ConflictException", 409)
    assert layout_names(client, domain_id) == ["L"]
    client.delete_template(domainId=domain_id, templateId=template_id)
    client.delete_layout(domainId=domain_id, layoutId=layout_id)
    assert layout_names(client, domain_id) == []


# -- ListLayouts ------------------------------------------------------------------------


def test_list_layouts_paginates_in_creation_order(
    client: ConnectCasesClient, domain_id: str
) -> None:
    names = [f"layout {index}" for index in range(5)]
    for name in names:
        client.create_layout(domainId=domain_id, name=name, content=content([]))
    listed = all_pages(client.list_layouts, "layouts", 2, domainId=domain_id)
    assert [x["name"] for x in listed] == names


# -- tags -------------------------------------------------------------------------------


def test_layout_arn_can_be_tagged_until_deleted(client: ConnectCasesClient, domain_id: str) -> None:
    created = client.create_layout(domainId=domain_id, name="L", content=content([]))
    arn = created["layoutArn"]
    client.tag_resource(arn=arn, tags={"team": "billing"})
    assert client.list_tags_for_resource(arn=arn)["tags"] == {"team": "billing"}
    fetched = client.get_layout(domainId=domain_id, layoutId=created["layoutId"])
    assert fetched["tags"] == {"team": "billing"}
    client.delete_layout(domainId=domain_id, layoutId=created["layoutId"])
    with pytest.raises(ClientError) as excinfo:
        client.list_tags_for_resource(arn=arn)
    assert error_of(excinfo) == ("ResourceNotFoundException", 404)
