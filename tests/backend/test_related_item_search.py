"""SearchRelatedItems (one case) and SearchAllRelatedItems (the whole domain): every filter
of the model, OR across filter entries and AND within one, order, sorts and paging."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, cast
from unittest import mock

import pytest
import time_machine
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from casemock import _model
from casemock._settings import Settings
from casemock.backend._context import Context, Runtime
from casemock.backend._records import Case, Domain, Field, RegionState, RelatedItem
from casemock.backend.related_items.items import list_cases_for_contact
from casemock.backend.search import related_items as related_search
from casemock.backend.search.related_items import compile_filters, search_all_related_items
from tests.helpers import (
    CONTACT,
    FILE,
    START,
    add,
    add_at,
    at,
    comment,
    contact,
    create,
    custom,
    make_field,
    make_template,
    refused,
    sla,
    small_mock,
    text,
)

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

CHAT_CONTACT = "arn:aws:connect:us-east-1:123456789012:instance/i-1/contact/c-chat"
needs_search_all = pytest.mark.skipif(
    not _model.has_operation("SearchAllRelatedItems"),
    reason="no SearchAllRelatedItems in this botocore",
)


def found(client: ConnectCasesClient, domain_id: str, case_id: str, *filters: Any) -> list[str]:
    """Ids of the case's items matching ``filters`` (one page of 25)."""
    answer = client.search_related_items(domainId=domain_id, caseId=case_id, filters=list(filters))
    return [item["relatedItemId"] for item in answer["relatedItems"]]


# -- SearchRelatedItems: order and paging ----------------------------------------------------


def test_without_filters_every_item_comes_newest_first(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    first = add_at(0, client, domain_id, case_id, "Comment", comment())
    second = add_at(5, client, domain_id, case_id, "Contact", contact())
    third = add_at(10, client, domain_id, case_id, "Sla", sla())
    answer = client.search_related_items(domainId=domain_id, caseId=case_id)
    assert [i["relatedItemId"] for i in answer["relatedItems"]] == [third, second, first]
    assert [i["associationTime"] for i in answer["relatedItems"]] == [at(10), at(5), at(0)]
    assert "nextToken" not in answer


def test_items_added_at_the_same_time_come_latest_created_first(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    with time_machine.travel(START, tick=False):
        ids = [add(client, domain_id, case_id, "Comment", comment(str(n))) for n in range(4)]
    assert found(client, domain_id, case_id) == ids[::-1]


def test_pages_return_every_item_once(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    with time_machine.travel(START, tick=False):
        ids = [add(client, domain_id, case_id, "Comment", comment(str(n))) for n in range(7)]
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"domainId": domain_id, "caseId": case_id, "maxResults": 3}
        if token:
            kwargs["nextToken"] = token
        answer = client.search_related_items(**kwargs)
        assert len(answer["relatedItems"]) <= 3
        seen += [i["relatedItemId"] for i in answer["relatedItems"]]
        token = answer.get("nextToken")
        if not token:
            break
    assert seen == ids[::-1]


def test_paginator_collects_every_item(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    ids = {add(client, domain_id, case_id, "Comment", comment(str(n))) for n in range(30)}
    pages = client.get_paginator("search_related_items").paginate(
        domainId=domain_id, caseId=case_id, PaginationConfig={"PageSize": 4}
    )
    collected = [item["relatedItemId"] for page in pages for item in page["relatedItems"]]
    assert len(collected) == 30
    assert set(collected) == ids


def test_default_page_is_25_items(client: ConnectCasesClient, domain_id: str, case_id: str) -> None:
    for n in range(26):
        add(client, domain_id, case_id, "Comment", comment(str(n)))
    answer = client.search_related_items(domainId=domain_id, caseId=case_id)
    assert len(answer["relatedItems"]) == 25
    assert answer["nextToken"]


def test_a_token_from_another_query_is_refused(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    for n in range(3):
        add(client, domain_id, case_id, "Comment", comment(str(n)))
    token = client.search_related_items(domainId=domain_id, caseId=case_id, maxResults=1)[
        "nextToken"
    ]
    with pytest.raises(ClientError) as excinfo:
        client.search_related_items(
            domainId=domain_id, caseId=case_id, nextToken=token, filters=[{"comment": {}}]
        )
    assert refused(excinfo) == "ValidationException"


def test_unknown_case_is_not_found(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.search_related_items(domainId=domain_id, caseId="no-such-case")
    assert refused(excinfo) == "ResourceNotFoundException"


def test_items_carry_tags_and_performer(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    user = "arn:aws:connect:us-east-1:123456789012:instance/i-1/user/u-1"
    answer = client.create_related_item(
        domainId=domain_id,
        caseId=case_id,
        type="Comment",
        content=comment(),  # type: ignore[arg-type]
        performedBy={"customEntity": "billing-bot"},
    )
    client.tag_resource(arn=answer["relatedItemArn"], tags={"source": "bot"})
    add(client, domain_id, case_id, "Comment", comment(), performedBy={"userArn": user})
    items = client.search_related_items(domainId=domain_id, caseId=case_id)["relatedItems"]
    assert [i.get("performedBy") for i in items] == [
        {"userArn": user},
        {"customEntity": "billing-bot"},
    ]
    assert [i["tags"] for i in items] == [{}, {"source": "bot"}]


# -- SearchRelatedItems: filters -------------------------------------------------------------


@pytest.fixture
def mixed(client: ConnectCasesClient, domain_id: str, case_id: str) -> dict[str, str]:
    """One item of each kind, created a minute apart (so the order is known)."""

    other_case = create(client, domain_id, make_template(client, domain_id))
    names = [
        ("comment", "Comment", comment()),
        ("voice", "Contact", contact()),
        ("file", "File", {"file": {"fileArn": FILE}}),
        ("sla", "Sla", sla(name="First reply")),
        ("link", "ConnectCase", {"connectCase": {"caseId": other_case}}),
    ]
    ids = {
        name: add_at(n, client, domain_id, case_id, item_type, content)
        for n, (name, item_type, content) in enumerate(names)
    }
    ids["other_case"] = other_case
    return ids


def test_comment_filter_matches_every_comment(
    client: ConnectCasesClient, domain_id: str, case_id: str, mixed: dict[str, str]
) -> None:
    second = add_at(30, client, domain_id, case_id, "Comment", comment("another"))
    assert found(client, domain_id, case_id, {"comment": {}}) == [second, mixed["comment"]]


def test_contact_filter_matches_channel_and_arn_together() -> None:
    def resolver(arn: str) -> dict[str, Any] | None:
        return {"channel": "CHAT"} if arn == CHAT_CONTACT else None  # else VOICE

    with small_mock(contact_resolver=resolver) as (client, domain_id, _, case_id):
        add_at(0, client, domain_id, case_id, "Comment", comment())
        voice = add_at(1, client, domain_id, case_id, "Contact", contact())
        chat = add_at(2, client, domain_id, case_id, "Contact", contact(CHAT_CONTACT))
        email = {"contact": {"channel": ["EMAIL"]}}
        expectations: list[tuple[dict[str, Any], list[str]]] = [
            ({"contact": {}}, [chat, voice]),
            ({"contact": {"channel": ["VOICE"]}}, [voice]),
            ({"contact": {"channel": ["VOICE", "CHAT"]}}, [chat, voice]),
            (email, []),
            ({"contact": {"contactArn": CONTACT}}, [voice]),
            ({"contact": {"contactArn": CONTACT, "channel": ["CHAT"]}}, []),
            ({"contact": {"contactArn": CHAT_CONTACT, "channel": ["CHAT"]}}, [chat]),
        ]
        for contact_filter, expected in expectations:
            assert found(client, domain_id, case_id, contact_filter) == expected, contact_filter


def test_file_filter_matches_the_file_arn(
    client: ConnectCasesClient, domain_id: str, case_id: str, mixed: dict[str, str]
) -> None:
    assert found(client, domain_id, case_id, {"file": {}}) == [mixed["file"]]
    assert found(client, domain_id, case_id, {"file": {"fileArn": FILE}}) == [mixed["file"]]
    assert found(client, domain_id, case_id, {"file": {"fileArn": FILE + "x"}}) == []


def test_sla_filter_matches_name_and_computed_status(
    client: ConnectCasesClient, domain_id: str, case_id: str, mixed: dict[str, str]
) -> None:
    sla_id = mixed["sla"]
    with time_machine.travel(at(10), tick=False):
        assert found(client, domain_id, case_id, {"sla": {"name": "First reply"}}) == [sla_id]
        assert found(client, domain_id, case_id, {"sla": {"name": "Other"}}) == []
        assert found(client, domain_id, case_id, {"sla": {"status": "Active"}}) == [sla_id]
        assert found(client, domain_id, case_id, {"sla": {"status": "Overdue"}}) == []
    with time_machine.travel(at(24 * 60), tick=False):
        assert found(client, domain_id, case_id, {"sla": {"status": "Overdue"}}) == [sla_id]
        both = {"sla": {"name": "Other", "status": "Overdue"}}
        assert found(client, domain_id, case_id, both) == []


def test_connect_case_filter_matches_the_linked_case(
    client: ConnectCasesClient, domain_id: str, case_id: str, mixed: dict[str, str]
) -> None:
    link = {"connectCase": {"caseId": mixed["other_case"]}}
    assert found(client, domain_id, case_id, link) == [mixed["link"]]
    assert found(client, domain_id, case_id, {"connectCase": {"caseId": case_id}}) == []


def test_filter_entries_are_alternatives(
    client: ConnectCasesClient, domain_id: str, case_id: str, mixed: dict[str, str]
) -> None:
    either = found(client, domain_id, case_id, {"comment": {}}, {"file": {"fileArn": FILE}})
    assert either == [mixed["file"], mixed["comment"]]


@pytest.fixture
def orders(client: ConnectCasesClient, domain_id: str, case_id: str) -> dict[str, str]:
    """Three Custom items with an order id (Text), an amount (Number), a due date
    (DateTime) and a flag (Boolean); the third has no amount."""
    fields = {
        "order": make_field(client, domain_id, "Order"),
        "amount": make_field(client, domain_id, "Amount", "Number"),
        "due": make_field(client, domain_id, "Due", "DateTime"),
        "urgent": make_field(client, domain_id, "Urgent", "Boolean"),
    }
    rows = [
        ("A-100", 10.0, "2026-03-01T00:00:00Z", True),
        ("B-200", 250.0, "2026-04-01T00:00:00Z", False),
        ("A-300", None, "2026-05-01T00:00:00.000Z", False),
    ]
    ids = dict(fields)
    for n, (order, amount, due, urgent) in enumerate(rows):
        values: dict[str, Any] = {
            fields["order"]: text(order),
            fields["due"]: text(due),
            fields["urgent"]: {"booleanValue": urgent},
        }
        if amount is not None:
            values[fields["amount"]] = {"doubleValue": amount}
        ids[order] = add_at(n, client, domain_id, case_id, "Custom", custom(**values))
    return ids


def field(op: str, field_id: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"field": {op: {"id": field_id, "value": value}}}


def by_custom(
    client: ConnectCasesClient, domain_id: str, case_id: str, tree: dict[str, Any]
) -> list[str]:
    return found(client, domain_id, case_id, {"custom": {"fields": tree}})


def test_custom_filter_without_fields_matches_every_custom_item(
    client: ConnectCasesClient, domain_id: str, case_id: str, orders: dict[str, str]
) -> None:
    add(client, domain_id, case_id, "Comment", comment())
    expected = [orders["A-300"], orders["B-200"], orders["A-100"]]
    assert found(client, domain_id, case_id, {"custom": {}}) == expected


def test_custom_field_operators(
    client: ConnectCasesClient, domain_id: str, case_id: str, orders: dict[str, str]
) -> None:
    a100, b200, a300 = orders["A-100"], orders["B-200"], orders["A-300"]
    order, amount, due, urgent = orders["order"], orders["amount"], orders["due"], orders["urgent"]
    cases: list[tuple[dict[str, Any], list[str]]] = [
        (field("equalTo", order, text("B-200")), [b200]),
        (field("contains", order, text("a-")), [a300, a100]),  # case-insensitive
        (field("greaterThan", amount, {"doubleValue": 10.0}), [b200]),
        (field("greaterThanOrEqualTo", amount, {"doubleValue": 10.0}), [b200, a100]),
        (field("lessThan", amount, {"doubleValue": 250.0}), [a100]),
        (field("lessThanOrEqualTo", amount, {"doubleValue": 250.0}), [b200, a100]),
        (field("equalTo", amount, {"emptyValue": {}}), [a300]),
        (field("greaterThan", due, text("2026-04-01T00:00:00.000Z")), [a300]),
        (field("lessThanOrEqualTo", due, text("2026-04-01T00:00:00Z")), [b200, a100]),
        (field("equalTo", urgent, {"booleanValue": True}), [a100]),
    ]
    for tree, expected in cases:
        assert by_custom(client, domain_id, case_id, tree) == expected, tree


def test_custom_filter_combinators(
    client: ConnectCasesClient, domain_id: str, case_id: str, orders: dict[str, str]
) -> None:
    a100, b200, a300 = orders["A-100"], orders["B-200"], orders["A-300"]
    order, amount = orders["order"], orders["amount"]
    starts_a = field("contains", order, text("A-"))
    big = field("greaterThan", amount, {"doubleValue": 5.0})
    assert by_custom(client, domain_id, case_id, {"not": starts_a}) == [b200]
    assert by_custom(client, domain_id, case_id, {"andAll": [starts_a, big]}) == [a100]
    assert by_custom(client, domain_id, case_id, {"orAll": [starts_a, big]}) == [a300, b200, a100]
    # A comparison never matches an item without the field, so its negation does.
    assert by_custom(client, domain_id, case_id, {"not": big}) == [a300]
    nested = {
        "orAll": [{"andAll": [starts_a, {"not": big}]}, field("equalTo", order, text("B-200"))]
    }
    assert by_custom(client, domain_id, case_id, nested) == [a300, b200]


def test_invalid_custom_filters_are_refused(
    client: ConnectCasesClient, domain_id: str, case_id: str, orders: dict[str, str]
) -> None:
    order, amount, urgent = orders["order"], orders["amount"], orders["urgent"]
    deep: dict[str, Any] = field("equalTo", order, text("x"))
    for _ in range(11):
        deep = {"not": deep}
    bad = [
        field("equalTo", "no-such-field", text("x")),
        field("equalTo", "title", text("x")),  # system fields are not in Custom items
        field("equalTo", amount, text("10")),  # wrong value member for a Number field
        field("contains", amount, {"doubleValue": 1.0}),
        field("greaterThan", urgent, {"booleanValue": True}),
        field("greaterThan", order, {"emptyValue": {}}),
        field("greaterThan", orders["due"], text("yesterday")),
        deep,
    ]
    for tree in bad:
        with pytest.raises(ClientError) as excinfo:
            by_custom(client, domain_id, case_id, tree)
        assert refused(excinfo) == "ValidationException", tree


def test_deleted_custom_field_still_matches_stored_values(
    client: ConnectCasesClient, domain_id: str, case_id: str, orders: dict[str, str]
) -> None:
    client.delete_field(domainId=domain_id, fieldId=orders["order"])
    tree = field("equalTo", orders["order"], text("B-200"))
    assert by_custom(client, domain_id, case_id, tree) == [orders["B-200"]]


# -- SearchAllRelatedItems -------------------------------------------------------------------


@pytest.fixture
def spread(client: ConnectCasesClient, domain_id: str, template_id: str) -> list[tuple[str, str]]:
    """(case id, item id) of five comments over three cases, one per minute, plus a
    contact on the last case."""
    cases = [create(client, domain_id, template_id) for _ in range(3)]
    result = []
    for minute, n in enumerate([0, 1, 2, 0, 1]):
        item_id = add_at(minute, client, domain_id, cases[n], "Comment", comment(str(minute)))
        result.append((cases[n], item_id))
    add_at(10, client, domain_id, cases[2], "Contact", contact())
    return result


def search_all(client: ConnectCasesClient, domain_id: str, **options: Any) -> list[Any]:
    answer = client.search_all_related_items(domainId=domain_id, **options)
    return [(i["caseId"], i["relatedItemId"]) for i in answer["relatedItems"]]


@needs_search_all
def test_search_all_spans_the_domain_newest_first(
    client: ConnectCasesClient, domain_id: str, spread: list[tuple[str, str]]
) -> None:
    comments = search_all(client, domain_id, filters=[{"comment": {}}])
    assert comments == spread[::-1]
    everything = search_all(client, domain_id)
    assert len(everything) == 6
    assert everything[1:] == spread[::-1]
    other_domain = client.create_domain(name="other")["domainId"]
    assert search_all(client, other_domain) == []


@needs_search_all
def test_search_all_sorts_with_the_first_sort_deciding(
    client: ConnectCasesClient, domain_id: str, spread: list[tuple[str, str]]
) -> None:
    comments: list[Any] = [{"comment": {}}]
    oldest = search_all(
        client,
        domain_id,
        filters=comments,
        sorts=[{"sortProperty": "AssociationTime", "sortOrder": "Asc"}],
    )
    assert oldest == spread
    by_case = search_all(
        client,
        domain_id,
        filters=comments,
        sorts=[
            {"sortProperty": "CaseId", "sortOrder": "Asc"},
            {"sortProperty": "AssociationTime", "sortOrder": "Asc"},
        ],
    )
    assert by_case == sorted(spread, key=lambda pair: (pair[0], spread.index(pair)))
    by_case_desc = search_all(
        client,
        domain_id,
        filters=comments,
        sorts=[
            {"sortProperty": "CaseId", "sortOrder": "Desc"},
            {"sortProperty": "AssociationTime", "sortOrder": "Desc"},
        ],
    )
    assert by_case_desc == by_case[::-1]


@needs_search_all
def test_search_all_filters_and_paginator(
    client: ConnectCasesClient, domain_id: str, spread: list[tuple[str, str]]
) -> None:
    contacts = search_all(client, domain_id, filters=[{"contact": {"contactArn": CONTACT}}])
    assert [case for case, _ in contacts] == [spread[2][0]]
    pages = client.get_paginator("search_all_related_items").paginate(
        domainId=domain_id,
        sorts=[{"sortProperty": "CaseId", "sortOrder": "Desc"}],
        PaginationConfig={"PageSize": 2},
    )
    collected = [(i["caseId"], i["relatedItemId"]) for p in pages for i in p["relatedItems"]]
    assert len(collected) == 6
    assert [case for case, _ in collected] == sorted((case for case, _ in collected), reverse=True)
    assert set(collected) >= set(spread)


@needs_search_all
def test_search_all_items_carry_the_case_id_and_content(
    client: ConnectCasesClient, domain_id: str, case_id: str
) -> None:
    with time_machine.travel(START, tick=False):
        item_id = add(client, domain_id, case_id, "Comment", comment("Hi"))
    answer = client.search_all_related_items(domainId=domain_id)
    assert answer["relatedItems"] == [
        {
            "relatedItemId": item_id,
            "caseId": case_id,
            "type": "Comment",
            "associationTime": START.replace(tzinfo=timezone.utc),
            "content": comment("Hi"),
            "tags": {},
        }
    ]


@needs_search_all
def test_search_all_refuses_bad_filters_and_unknown_domains(
    client: ConnectCasesClient, domain_id: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        search_all(
            client, domain_id, filters=[{"custom": {"fields": field("equalTo", "nope", text("x"))}}]
        )
    assert refused(excinfo) == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        search_all(client, "no-such-domain")
    assert refused(excinfo) == "ResourceNotFoundException"


# -- the custom filter evaluator against a reference ---------------------------------------

NAMES = ("t", "n", "b")  # a Text, a Number and a Boolean field
TEXTS = st.sampled_from(["", "a", "ab", "B", "ba"])
NUMBERS = st.sampled_from([-1.0, 0.0, 2.5, 10.0])
VALUES = {
    "t": TEXTS.map(lambda v: {"stringValue": v}),
    "n": NUMBERS.map(lambda v: {"doubleValue": v}),
    "b": st.booleans().map(lambda v: {"booleanValue": v}),
}
OPERATORS = {
    "t": ["equalTo", "contains", "greaterThan", "lessThanOrEqualTo"],
    "n": ["equalTo", "greaterThan", "greaterThanOrEqualTo", "lessThan", "lessThanOrEqualTo"],
    "b": ["equalTo"],
}


@st.composite
def leaves(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(NAMES))
    if draw(st.integers(0, 5)) == 0:
        return {"field": {"equalTo": {"id": name, "value": {"emptyValue": {}}}}}
    op = draw(st.sampled_from(OPERATORS[name]))
    return {"field": {op: {"id": name, "value": draw(VALUES[name])}}}


trees = st.recursive(
    leaves(),
    lambda inner: st.one_of(
        inner.map(lambda child: {"not": child}),
        st.lists(inner, max_size=3).map(lambda kids: {"andAll": kids}),
        st.lists(inner, max_size=3).map(lambda kids: {"orAll": kids}),
    ),
    max_leaves=8,
)
stored_values = st.fixed_dictionaries(
    {}, optional={name: strategy for name, strategy in VALUES.items()}
)


def reference(tree: dict[str, Any], values: dict[str, Any]) -> bool:
    """The filter semantics written out plainly."""
    if "not" in tree:
        return not reference(tree["not"], values)
    if "andAll" in tree:
        return all(reference(child, values) for child in tree["andAll"])
    if "orAll" in tree:
        return any(reference(child, values) for child in tree["orAll"])
    [(op, operand)] = tree["field"].items()
    [(member, given)] = operand["value"].items()
    stored = values.get(operand["id"])
    if member == "emptyValue":  # no value, or a blank string (as on cases)
        return stored is None or stored.get("stringValue") == ""
    if stored is None:
        return False
    have = stored[member]
    return bool(
        {
            "equalTo": have == given,
            "contains": isinstance(have, str) and given.lower() in have.lower(),
            "greaterThan": have > given,
            "greaterThanOrEqualTo": have >= given,
            "lessThan": have < given,
            "lessThanOrEqualTo": have <= given,
        }[op]
    )


@hsettings(max_examples=300, deadline=None)
@given(tree=trees, values=stored_values)
def test_custom_filter_agrees_with_the_reference(tree: dict[str, Any], values: Any) -> None:
    domain = Domain(seq=0, domain_id="d", arn="arn", name="d", created_time=START)
    for name, field_type in zip(NAMES, ("Text", "Number", "Boolean"), strict=True):
        domain.fields[name] = Field(
            seq=0,
            field_id=name,
            arn=name,
            name=name,
            type=field_type,
            namespace="Custom",
            description=None,
            attributes=None,
            created_time=START,
            last_modified_time=START,
        )
    case = Case(seq=1, case_id="c", arn="arn:c", template_id="t", values={})
    item = RelatedItem(
        seq=2,
        related_item_id="i",
        arn="arn:i",
        case_id="c",
        type="Custom",
        content={"custom": {"fields": [{"id": k, "value": v} for k, v in values.items()]}},
        association_time=START,
    )
    match = compile_filters(domain, [{"custom": {"fields": tree}}])
    assert match(case, item, START) == reference(tree, values)


# -- the related-item index against a reference scan -----------------------------------------

ARNS = [f"arn:aws:connect:us-east-1:123456789012:instance/i-1/contact/c-{n}" for n in range(3)]
FILES = [f"arn:aws:connect:us-east-1:123456789012:instance/i-1/file/f-{n}" for n in range(2)]
MOMENTS = [START + timedelta(minutes=m) for m in (0, 1, 1, 2)]  # ties in association time
ENTRIES = [
    {"contact": {"contactArn": ARNS[0]}},
    {"contact": {"contactArn": ARNS[1], "channel": ["VOICE"]}},
    {"contact": {"channel": ["CHAT"]}},
    {"contact": {}},
    {"comment": {}},
    {"file": {"fileArn": FILES[0]}},
    {"file": {}},
    {"connectCase": {"caseId": "case-1"}},
    {"custom": {}},
]
SORTS = [
    {"sortProperty": prop, "sortOrder": order}
    for prop in ("AssociationTime", "CaseId")
    for order in ("Asc", "Desc")
]


class _Runtime:
    """The clock and settings the search handlers read."""

    settings = Settings()

    def now(self) -> datetime:
        return START + timedelta(hours=1)

    def new_id(self) -> str:
        raise AssertionError("searches create no ids")

    def next_seq(self) -> int:
        raise AssertionError("searches create no records")


def _content(data: st.DataObject, kind: str) -> dict[str, Any]:
    if kind == "Contact":
        arn, channel = (
            data.draw(st.sampled_from(ARNS)),
            data.draw(st.sampled_from(["VOICE", "CHAT"])),
        )
        return {"contact": {"contactArn": arn, "channel": channel, "connectedToSystemTime": START}}
    if kind == "Comment":
        return {"comment": {"body": "b", "contentType": "Text/Plain"}}
    if kind == "File":
        return {"file": {"fileArn": data.draw(st.sampled_from(FILES))}}
    if kind == "ConnectCase":
        return {"connectCase": {"caseId": f"case-{data.draw(st.integers(0, 3))}"}}
    return {"custom": {"fields": []}}


def _new_item(data: st.DataObject, case: Case, seq: int) -> RelatedItem:
    kinds = ["Contact", "Contact", "Comment", "File", "ConnectCase", "Custom"]
    kind = data.draw(st.sampled_from(kinds))
    item_id = f"item-{seq:03d}"
    return RelatedItem(
        seq=seq,
        related_item_id=item_id,
        arn=f"{case.arn}/related-item/{item_id}",
        case_id=case.case_id,
        type=kind,
        content=_content(data, kind),
        association_time=data.draw(st.sampled_from(MOMENTS)),
    )


def _reference_entry(entry: dict[str, Any], item: RelatedItem) -> bool:
    ((member, body),) = entry.items()
    kinds = {"contact": "Contact", "comment": "Comment", "file": "File"}
    kinds |= {"connectCase": "ConnectCase", "custom": "Custom"}
    if item.type != kinds[member]:
        return False
    held = item.content[member]
    if "channel" in body and held["channel"] not in body["channel"]:
        return False
    return all(held[key] == wanted for key, wanted in body.items() if key != "channel")


class _Backwards:
    def __init__(self, text: str) -> None:
        self.text = text

    def __lt__(self, other: _Backwards) -> bool:
        return other.text < self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Backwards) and other.text == self.text


def _reference_key(item: RelatedItem, sorts: list[dict[str, Any]]) -> list[Any]:
    """The requested sorts, then association time newest first, then creation newest first."""
    stamp = item.association_time.timestamp()
    key: list[Any] = []
    for sort in sorts:
        up = sort["sortOrder"] == "Asc"
        if sort["sortProperty"] == "AssociationTime":
            key.append(stamp if up else -stamp)
        else:
            key.append(item.case_id if up else _Backwards(item.case_id))
    return [*key, -stamp, -item.seq]


def _pages(handler: Any, ctx: Context, params: dict[str, Any], member: str, key: str) -> list[str]:
    found: list[str] = []
    for _ in range(100):  # more pages than items: paging does not end
        answer = handler(ctx, params)
        found += [entry[key] for entry in answer[member]]
        if "nextToken" not in answer:
            return found
        params = {**params, "nextToken": answer["nextToken"]}
    raise AssertionError(f"paging does not end: {found}")


@hsettings(max_examples=100, deadline=None)
@given(data=st.data(), few=st.sampled_from([0, 512]))
def test_related_item_index_agrees_with_a_reference_scan(data: st.DataObject, few: int) -> None:
    """SearchAllRelatedItems and ListCasesForContact, with items added, deleted and moved
    (as a merge moves them) and cases deleted between searches; looked-up candidates
    sorted, or the orders walked (``few`` = 0)."""
    with mock.patch.object(related_search, "FEW", few):
        check_related_items(data)


def check_related_items(data: st.DataObject) -> None:
    domain = Domain(seq=0, domain_id="d", arn="arn:d", name="d", created_time=START)
    ctx = Context(cast(Runtime, _Runtime()), RegionState("1", "us-east-1", {"d": domain}), "x")
    seq = 100
    for number in range(data.draw(st.integers(1, 6), label="cases")):
        case = Case(seq=number, case_id=f"case-{number}", arn=f"arn:c{number}", template_id="t",
                    values={})  # fmt: skip
        domain.cases[case.case_id] = case
        for _ in range(data.draw(st.integers(0, 3))):
            seq += 1
            item = _new_item(data, case, seq)
            case.related_items[item.related_item_id] = item
    for _ in range(data.draw(st.integers(2, 4), label="rounds")):
        entries: list[dict[str, Any]] = data.draw(
            st.lists(st.sampled_from(ENTRIES), max_size=3, unique_by=str)
        )
        sorts: list[dict[str, Any]] = data.draw(st.lists(st.sampled_from(SORTS), max_size=2))
        items = [i for c in domain.cases.values() for i in c.related_items.values()]
        wanted = [i for i in items if not entries or any(_reference_entry(e, i) for e in entries)]
        wanted.sort(key=lambda i: _reference_key(i, sorts))
        size: int = data.draw(st.integers(1, 3))
        params = {"domainId": "d", "filters": entries, "sorts": sorts, "maxResults": size}
        found = _pages(search_all_related_items, ctx, params, "relatedItems", "relatedItemId")
        assert found == [i.related_item_id for i in wanted]
        arn = data.draw(st.sampled_from(ARNS))
        latest: dict[str, RelatedItem] = {}
        for item in items:
            if item.type == "Contact" and item.content["contact"]["contactArn"] == arn:
                best = latest.get(item.case_id)
                if best is None or _reference_key(item, []) < _reference_key(best, []):
                    latest[item.case_id] = item
        expected = [i.case_id for i in sorted(latest.values(), key=lambda i: _reference_key(i, []))]
        size = data.draw(st.integers(1, 3))
        params = {"domainId": "d", "contactArn": arn, "maxResults": size}
        assert _pages(list_cases_for_contact, ctx, params, "cases", "caseId") == expected
        for _ in range(data.draw(st.integers(1, 4), label="changes")):  # told as handlers tell
            ids = sorted(domain.cases)
            if not ids:
                break
            case = domain.cases[data.draw(st.sampled_from(ids))]
            change = data.draw(st.sampled_from(["add", "delete item", "move", "delete case"]))
            if change == "add":
                seq += 1
                item = _new_item(data, case, seq)
                case.related_items[item.related_item_id] = item
            elif change == "delete case":
                domain.case_index.remove(case)
                del domain.cases[case.case_id]
                continue
            elif case.related_items:
                item = case.related_items[data.draw(st.sampled_from(sorted(case.related_items)))]
                del case.related_items[item.related_item_id]
                if change == "move":
                    target = domain.cases[data.draw(st.sampled_from(ids))]
                    item.case_id = target.case_id
                    target.related_items[item.related_item_id] = item
                    domain.case_index.add(target)
            domain.case_index.add(case)
