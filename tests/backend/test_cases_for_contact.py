"""ListCasesForContact: the cases that have a Contact related item for a contact ARN."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers import CONTACT, add, add_at, comment, contact, create, make_template, refused

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

OTHER_CONTACT = "arn:aws:connect:us-east-1:123456789012:instance/i-1/contact/c-2"


def cases_for(client: ConnectCasesClient, domain_id: str, arn: str = CONTACT, **kw: Any) -> Any:
    return client.list_cases_for_contact(domainId=domain_id, contactArn=arn, **kw)


def ids(answer: Any) -> list[str]:
    return [case["caseId"] for case in answer["cases"]]


def test_lists_cases_with_the_contact_latest_association_first(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    first, second, unrelated = (create(client, domain_id, template_id) for _ in range(3))
    add_at(0, client, domain_id, first, "Contact", contact())
    add_at(5, client, domain_id, second, "Contact", contact())
    add_at(6, client, domain_id, unrelated, "Contact", contact(OTHER_CONTACT))
    add_at(7, client, domain_id, unrelated, "Comment", comment(CONTACT))
    answer = cases_for(client, domain_id)
    assert answer["cases"] == [
        {"caseId": second, "templateId": template_id},
        {"caseId": first, "templateId": template_id},
    ]
    assert "nextToken" not in answer


def test_a_case_is_listed_once_by_its_latest_association(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    first, second = (create(client, domain_id, template_id) for _ in range(2))
    add_at(0, client, domain_id, first, "Contact", contact())
    add_at(5, client, domain_id, second, "Contact", contact())
    add_at(9, client, domain_id, first, "Contact", contact())  # the contact linked again
    assert ids(cases_for(client, domain_id)) == [first, second]


def test_a_contact_without_cases_lists_nothing(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    add(client, domain_id, create(client, domain_id, template_id), "Contact", contact())
    assert cases_for(client, domain_id, OTHER_CONTACT)["cases"] == []
    assert cases_for(client, domain_id, "not even an arn")["cases"] == []


def test_pages_through_the_cases(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    created = [create(client, domain_id, template_id) for _ in range(5)]
    for minute, case_id in enumerate(created):
        add_at(minute, client, domain_id, case_id, "Contact", contact())
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"maxResults": 2}
        if token:
            kwargs["nextToken"] = token
        answer = cases_for(client, domain_id, **kwargs)
        assert len(answer["cases"]) <= 2
        seen += ids(answer)
        token = answer.get("nextToken")
        if not token:
            break
    assert seen == created[::-1]


def test_default_page_is_ten_cases(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    for _ in range(11):
        add(client, domain_id, create(client, domain_id, template_id), "Contact", contact())
    answer = cases_for(client, domain_id)
    assert len(answer["cases"]) == 10
    rest = cases_for(client, domain_id, nextToken=answer["nextToken"])
    assert len(rest["cases"]) == 1
    assert not set(ids(rest)) & set(ids(answer))


def test_removing_the_contact_item_or_the_case_removes_it_from_the_list(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    first, second = (create(client, domain_id, template_id) for _ in range(2))
    item_id = add(client, domain_id, first, "Contact", contact())
    add(client, domain_id, second, "Contact", contact())
    client.delete_related_item(domainId=domain_id, caseId=first, relatedItemId=item_id)
    assert ids(cases_for(client, domain_id)) == [second]
    client.delete_case(domainId=domain_id, caseId=second)
    assert ids(cases_for(client, domain_id)) == []


def test_cases_of_other_domains_are_not_listed(
    client: ConnectCasesClient, domain_id: str, template_id: str
) -> None:
    other_domain = client.create_domain(name="other")["domainId"]
    elsewhere = create(client, other_domain, make_template(client, other_domain))
    add(client, domain_id, create(client, domain_id, template_id), "Contact", contact())
    add(client, other_domain, elsewhere, "Contact", contact())
    assert ids(cases_for(client, other_domain)) == [elsewhere]


def test_unknown_domain_is_not_found(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        cases_for(client, "no-such-domain")
    assert refused(excinfo) == "ResourceNotFoundException"
