"""SearchCases through boto3: every filter operator on every field type, combinations,
searchTerm, sorts, projection, totalCount and paging."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import boto3
import pytest
import time_machine
from botocore.config import Config
from botocore.exceptions import ClientError

from casemock import CasesMock
from casemock.backend.search.filters import MAX_DEPTH
from tests.helpers import REGION

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

USER_A = "arn:aws:connect:us-east-1:123456789012:instance/i-1/user/user-a"
USER_B = "arn:aws:connect:us-east-1:123456789012:instance/i-1/user/user-b"
PROFILE = "arn:aws:profile:us-east-1:123456789012:domains/shop/profiles/Customer42"
CUSTOM = {
    "notes": "Text",
    "link": "Url",
    "age": "Number",
    "vip": "Boolean",
    "due": "DateTime",
    "tier": "SingleSelect",
    "owner": "User",
}


@dataclass
class Env:
    client: ConnectCasesClient
    domain_id: str
    template_id: str
    fields: dict[str, str]  # name -> field id ("title", "status" ... map to themselves)
    cases: dict[str, str] = field(default_factory=dict)  # name -> case id
    arns: dict[str, str] = field(default_factory=dict)  # name -> case ARN

    def fid(self, name: str) -> str:
        return self.fields.get(name, name)

    def create(self, name: str, tags: dict[str, str] | None = None, **values: Any) -> str:
        fields: list[Any] = [{"id": "title", "value": {"stringValue": name}}]
        fields += [{"id": self.fid(k), "value": v} for k, v in values.items()]
        created = self.client.create_case(
            domainId=self.domain_id, templateId=self.template_id, fields=fields, tags=tags or {}
        )
        self.cases[name] = created["caseId"]
        self.arns[name] = created["caseArn"]
        return created["caseId"]

    def update(self, name: str, **values: Any) -> None:
        fields: list[Any] = [{"id": self.fid(k), "value": v} for k, v in values.items()]
        self.client.update_case(domainId=self.domain_id, caseId=self.cases[name], fields=fields)

    def search(self, **kwargs: Any) -> dict[str, Any]:
        return dict(self.client.search_cases(domainId=self.domain_id, **kwargs))

    def names(self, **kwargs: Any) -> list[str]:
        """Names (titles) of every match, in order, following nextToken."""
        by_id = {v: k for k, v in self.cases.items()}
        found: list[str] = []
        token: str | None = None
        while True:
            extra: dict[str, Any] = {"nextToken": token} if token else {}
            answer = self.search(**kwargs, **extra)
            found += [by_id[item["caseId"]] for item in answer["cases"]]
            token = answer.get("nextToken")
            if not token:
                return found

    def leaf(self, op: str, name: str, value: dict[str, Any]) -> dict[str, Any]:
        return {"field": {op: {"id": self.fid(name), "value": value}}}


def s(text: str) -> dict[str, Any]:
    return {"stringValue": text}


def n(number: float) -> dict[str, Any]:
    return {"doubleValue": number}


def b(flag: bool) -> dict[str, Any]:
    return {"booleanValue": flag}


def u(arn: str) -> dict[str, Any]:
    return {"userArnValue": arn}


EMPTY: dict[str, Any] = {"emptyValue": {}}


def code_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def env(client: ConnectCasesClient, domain_id: str) -> Env:
    fields = {
        name: client.create_field(domainId=domain_id, name=name, type=kind)["fieldId"]  # type: ignore[arg-type]
        for name, kind in CUSTOM.items()
    }
    client.batch_put_field_options(
        domainId=domain_id,
        fieldId=fields["tier"],
        options=[{"name": v.title(), "value": v, "active": True} for v in ("gold", "silver")],
    )
    template_id = client.create_template(domainId=domain_id, name="Support")["templateId"]
    return Env(client, domain_id, template_id, fields)


@pytest.fixture
def data(env: Env) -> Env:
    """Three cases: alpha and beta hold every custom field, gamma none."""
    env.create(
        "alpha",
        tags={"team": "red"},
        notes=s("Broken Printer"),
        link=s("https://example.com/a"),
        age=n(30),
        vip=b(True),
        due=s("2024-05-01T12:00:00.000Z"),
        tier=s("gold"),
        owner=u(USER_A),
        customer_id=s(PROFILE),
    )
    env.create(
        "beta",
        tags={"team": "blue"},
        notes=s("printer jam"),
        link=s("https://example.org/b"),
        age=n(45.5),
        vip=b(False),
        due=s("2024-05-02T00:00:00Z"),
        tier=s("silver"),
        owner=u(USER_B),
    )
    env.create("gamma")
    return env


def matches(env: Env, case_filter: dict[str, Any]) -> set[str]:
    return set(env.names(filter=case_filter))


# -- operators by field type --------------------------------------------------------------

OPERATOR_CASES: list[tuple[str, str, dict[str, Any], set[str]]] = [
    # Text: equalTo exact, contains case-insensitive, range by code point
    ("equalTo", "notes", s("Broken Printer"), {"alpha"}),
    ("equalTo", "notes", s("broken printer"), set()),
    ("contains", "notes", s("PRINTER"), {"alpha", "beta"}),
    ("contains", "notes", s("ken pr"), {"alpha"}),
    ("greaterThan", "notes", s("Broken Printer"), {"beta"}),
    ("greaterThanOrEqualTo", "notes", s("Broken Printer"), {"alpha", "beta"}),
    ("lessThan", "notes", s("printer jam"), {"alpha"}),
    ("lessThanOrEqualTo", "notes", s("printer jam"), {"alpha", "beta"}),
    ("equalTo", "title", s("beta"), {"beta"}),
    ("contains", "title", s("AMM"), {"gamma"}),
    ("equalTo", "customer_id", s(PROFILE), {"alpha"}),
    # Url
    ("equalTo", "link", s("https://example.com/a"), {"alpha"}),
    ("contains", "link", s("EXAMPLE.ORG"), {"beta"}),
    ("greaterThan", "link", s("https://example.d"), {"beta"}),
    ("lessThanOrEqualTo", "link", s("https://example.com/a"), {"alpha"}),
    # Number
    ("equalTo", "age", n(30), {"alpha"}),
    ("equalTo", "age", n(30.0), {"alpha"}),
    ("greaterThan", "age", n(30), {"beta"}),
    ("greaterThanOrEqualTo", "age", n(30), {"alpha", "beta"}),
    ("lessThan", "age", n(45.5), {"alpha"}),
    ("lessThanOrEqualTo", "age", n(45.5), {"alpha", "beta"}),
    # Boolean
    ("equalTo", "vip", b(True), {"alpha"}),
    ("equalTo", "vip", b(False), {"beta"}),
    # DateTime: instants, whatever the spelling
    ("equalTo", "due", s("2024-05-01T14:00:00+02:00"), {"alpha"}),
    ("equalTo", "due", s("2024-05-02T00:00:00.000Z"), {"beta"}),
    ("greaterThan", "due", s("2024-05-01T12:00:00Z"), {"beta"}),
    ("greaterThanOrEqualTo", "due", s("2024-05-01T12:00:00Z"), {"alpha", "beta"}),
    ("lessThan", "due", s("2024-05-02T00:00:00.000Z"), {"alpha"}),
    ("lessThanOrEqualTo", "due", s("2024-05-02"), {"alpha", "beta"}),
    ("greaterThan", "created_datetime", s("2000-01-01T00:00:00Z"), {"alpha", "beta", "gamma"}),
    # SingleSelect and User
    ("equalTo", "tier", s("gold"), {"alpha"}),
    ("equalTo", "tier", s("bronze"), set()),
    ("equalTo", "status", s("open"), {"alpha", "beta", "gamma"}),
    ("equalTo", "owner", u(USER_B), {"beta"}),
    # emptyValue: the case has no value
    ("equalTo", "age", EMPTY, {"gamma"}),
    ("equalTo", "tier", EMPTY, {"gamma"}),
    ("equalTo", "title", EMPTY, set()),
    # a comparison never matches a case without the field
    ("greaterThan", "age", n(-1000), {"alpha", "beta"}),
    ("lessThan", "notes", s("\U0010ffff"), {"alpha", "beta"}),
]


@pytest.mark.parametrize(("op", "name", "value", "expected"), OPERATOR_CASES)
def test_field_operator(
    data: Env, op: str, name: str, value: dict[str, Any], expected: set[str]
) -> None:
    assert matches(data, data.leaf(op, name, value)) == expected


@pytest.mark.parametrize(
    ("op", "name", "value"),
    [
        ("greaterThan", "age", n(-1000)),
        ("contains", "notes", s("")),
        ("equalTo", "vip", b(True)),
    ],
)
def test_not_of_a_comparison_matches_cases_without_the_field(
    data: Env, op: str, name: str, value: dict[str, Any]
) -> None:
    assert "gamma" in matches(data, {"not": data.leaf(op, name, value)})


def test_not_empty_value_means_has_a_value(data: Env) -> None:
    assert matches(data, {"not": data.leaf("equalTo", "age", EMPTY)}) == {"alpha", "beta"}


def test_cleared_field_matches_empty_value(data: Env) -> None:
    data.update("alpha", age=EMPTY)
    assert matches(data, data.leaf("equalTo", "age", EMPTY)) == {"alpha", "gamma"}


@pytest.mark.parametrize(
    ("op", "name", "value"),
    [
        ("contains", "age", n(3)),  # Number: no contains
        ("greaterThan", "vip", b(True)),  # Boolean: equalTo only
        ("contains", "tier", s("go")),  # SingleSelect: equalTo only
        ("lessThan", "tier", s("m")),
        ("greaterThan", "owner", u(USER_A)),  # User: equalTo only
        ("contains", "due", s("2024")),  # DateTime: no contains
        ("equalTo", "notes", b(True)),  # wrong member for the type
        ("equalTo", "owner", s(USER_A)),
        ("equalTo", "due", n(1714564800)),
        ("equalTo", "age", s("30")),
        ("equalTo", "vip", s("true")),
        ("equalTo", "due", s("yesterday")),  # not a date-time
        ("equalTo", "due", s("2024-13-01T00:00:00Z")),
        ("greaterThan", "age", EMPTY),  # emptyValue: equalTo only
        ("contains", "notes", EMPTY),
        ("equalTo", "no-such-field", s("x")),  # never existed
    ],
)
def test_invalid_field_filter_is_a_validation_error(
    data: Env, op: str, name: str, value: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as excinfo:
        data.search(filter=data.leaf(op, name, value))
    assert code_of(excinfo) == ("ValidationException", 400)


def test_invalid_leaf_deep_inside_a_filter_is_refused(data: Env) -> None:
    bad = data.leaf("contains", "age", n(3))
    with pytest.raises(ClientError) as excinfo:
        data.search(filter={"orAll": [data.leaf("equalTo", "vip", b(True)), {"not": bad}]})
    assert code_of(excinfo) == ("ValidationException", 400)
    assert "orAll[1].not.field.contains" in excinfo.value.response["Error"]["Message"]


def test_filter_union_with_two_members_is_refused(data: Env) -> None:
    """botocore checks unions on the client; the service checks them too (other SDKs)."""
    unchecked = boto3.client(
        "connectcases",
        region_name=REGION,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(parameter_validation=False),
    )
    two: Any = {
        "field": {
            "equalTo": {"id": "title", "value": s("alpha")},
            "contains": {"id": "title", "value": s("a")},
        }
    }
    with pytest.raises(ClientError) as excinfo:
        unchecked.search_cases(domainId=data.domain_id, filter=two)
    assert code_of(excinfo) == ("SerializationException", 400)  # Smithy's malformed union


def test_deleted_field_keeps_matching_stored_values(data: Env) -> None:
    data.client.delete_field(domainId=data.domain_id, fieldId=data.fid("notes"))
    assert matches(data, data.leaf("contains", "notes", s("printer"))) == {"alpha", "beta"}
    assert set(data.names(searchTerm="jam")) == {"beta"}


# -- tags, not, andAll, orAll --------------------------------------------------------------


def tag(key: str, value: str) -> dict[str, Any]:
    return {"tag": {"equalTo": {"key": key, "value": value}}}


def test_tag_filter(data: Env) -> None:
    assert matches(data, tag("team", "red")) == {"alpha"}
    assert matches(data, tag("team", "RED")) == set()
    assert matches(data, tag("colour", "red")) == set()
    assert matches(data, {"not": tag("team", "red")}) == {"beta", "gamma"}


def test_tag_filter_follows_tag_resource_and_untag_resource(data: Env) -> None:
    case_arn = data.arns["gamma"]
    data.client.tag_resource(arn=case_arn, tags={"team": "red"})
    assert matches(data, tag("team", "red")) == {"alpha", "gamma"}
    data.client.untag_resource(arn=case_arn, tagKeys=["team"])
    assert matches(data, tag("team", "red")) == {"alpha"}


def test_tag_filter_needs_key_and_value(data: Env) -> None:
    with pytest.raises(ClientError) as excinfo:
        data.search(filter={"tag": {"equalTo": {"key": "team"}}})
    assert code_of(excinfo) == ("ValidationException", 400)


def test_and_all_or_all_not_combined(data: Env) -> None:
    printer_over_40 = {
        "andAll": [
            data.leaf("contains", "notes", s("printer")),
            data.leaf("greaterThan", "age", n(40)),
        ]
    }
    assert matches(data, printer_over_40) == {"beta"}
    gold_or_not_vip = {
        "orAll": [data.leaf("equalTo", "tier", s("gold")), data.leaf("equalTo", "vip", b(False))]
    }
    assert matches(data, gold_or_not_vip) == {"alpha", "beta"}
    nested = {
        "andAll": [
            {"orAll": [tag("team", "red"), tag("team", "blue")]},
            {"not": data.leaf("equalTo", "age", n(30))},
        ]
    }
    assert matches(data, nested) == {"beta"}
    # The API reference example: equalTo on the title and not(greaterThan) on a number.
    example = {
        "andAll": [
            data.leaf("equalTo", "title", s("alpha")),
            {"not": data.leaf("greaterThan", "age", n(38))},
        ]
    }
    assert matches(data, example) == {"alpha"}


def test_empty_and_all_matches_every_case_and_empty_or_all_none(data: Env) -> None:
    assert matches(data, {"andAll": []}) == {"alpha", "beta", "gamma"}
    assert matches(data, {"orAll": []}) == set()


def test_and_all_with_an_index_lookup_still_checks_every_condition(data: Env) -> None:
    both = {"andAll": [tag("team", "red"), data.leaf("equalTo", "vip", b(False))]}
    assert matches(data, both) == set()
    either = {"orAll": [tag("team", "red"), data.leaf("equalTo", "title", s("gamma"))]}
    assert matches(data, either) == {"alpha", "gamma"}


def nest(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    node = leaf
    for _ in range(depth - 1):
        node = {"andAll": [node]}
    return node


def test_nesting_limit(data: Env) -> None:
    leaf = data.leaf("equalTo", "title", s("alpha"))
    assert matches(data, nest(MAX_DEPTH, leaf)) == {"alpha"}
    with pytest.raises(ClientError) as excinfo:
        data.search(filter=nest(MAX_DEPTH + 1, leaf))
    assert code_of(excinfo) == ("ValidationException", 400)


def test_and_all_with_more_than_ten_filters_is_refused(data: Env) -> None:
    leaf = data.leaf("equalTo", "title", s("alpha"))
    assert matches(data, {"andAll": [leaf] * 10}) == {"alpha"}
    with pytest.raises(ClientError) as excinfo:
        data.search(filter={"orAll": [leaf] * 11})
    assert code_of(excinfo) == ("ValidationException", 400)


# -- searchTerm ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("ALPHA", {"alpha"}),  # title, case-insensitive
        ("ken prin", {"alpha"}),  # a Text field, substring
        ("example.org", {"beta"}),  # Url
        ("SILVER", {"beta"}),  # SingleSelect value
        ("customer42", {"alpha"}),  # customer_id
        ("user-b", {"beta"}),  # user ARN
        ("2024-05-02T00", {"beta"}),  # DateTime as stored
        ("45.5", set()),  # numbers are not text
        ("printer", {"alpha", "beta"}),
        ("", {"alpha", "beta", "gamma"}),  # no constraint
        ("   ", {"alpha", "beta", "gamma"}),
        ("  jam ", {"beta"}),  # surrounding whitespace is ignored
    ],
)
def test_search_term(data: Env, term: str, expected: set[str]) -> None:
    assert set(data.names(searchTerm=term)) == expected


def test_search_term_matches_reference_number(data: Env) -> None:
    reference = data.client.get_case(
        domainId=data.domain_id, caseId=data.cases["gamma"], fields=[{"id": "reference_number"}]
    )["fields"][0]["value"]["stringValue"]
    assert data.names(searchTerm=reference.lower()) == ["gamma"]


def test_search_term_and_filter_combine(data: Env) -> None:
    assert data.names(searchTerm="printer", filter=tag("team", "blue")) == ["beta"]


# -- sorting -------------------------------------------------------------------------------


def asc(name: str, env: Env) -> dict[str, Any]:
    return {"fieldId": env.fid(name), "sortOrder": "Asc"}


def desc(name: str, env: Env) -> dict[str, Any]:
    return {"fieldId": env.fid(name), "sortOrder": "Desc"}


@pytest.mark.parametrize(
    ("name", "ascending", "descending"),
    [
        ("age", ["alpha", "beta", "gamma"], ["beta", "alpha", "gamma"]),
        ("notes", ["alpha", "beta", "gamma"], ["beta", "alpha", "gamma"]),
        ("due", ["alpha", "beta", "gamma"], ["beta", "alpha", "gamma"]),
        ("vip", ["beta", "alpha", "gamma"], ["alpha", "beta", "gamma"]),
        ("title", ["alpha", "beta", "gamma"], ["gamma", "beta", "alpha"]),
    ],
)
def test_sort_orders_and_cases_without_the_field_come_last(
    data: Env, name: str, ascending: list[str], descending: list[str]
) -> None:
    assert data.names(sorts=[asc(name, data)], maxResults=1) == ascending
    assert data.names(sorts=[desc(name, data)], maxResults=2) == descending


def test_second_sort_key_breaks_ties(env: Env) -> None:
    env.create("a", tier=s("gold"), age=n(2))
    env.create("b", tier=s("silver"), age=n(1))
    env.create("c", tier=s("gold"), age=n(1))
    assert env.names(sorts=[asc("tier", env), desc("age", env)]) == ["a", "c", "b"]
    assert env.names(sorts=[desc("tier", env), asc("age", env)]) == ["b", "c", "a"]


def test_equal_sort_values_are_ordered_by_case_id(env: Env) -> None:
    for number in range(6):
        env.create(f"same {number}", tier=s("gold"))
    by_id = sorted(env.cases, key=lambda name: env.cases[name])
    assert env.names(sorts=[asc("tier", env)], maxResults=4) == by_id
    assert env.names(sorts=[desc("tier", env)], maxResults=4) == by_id


def test_default_order_is_last_updated_descending(env: Env) -> None:
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False) as clock:
        for name in ("first", "second", "third"):
            env.create(name)
            clock.shift(timedelta(seconds=1))
        assert env.names() == ["third", "second", "first"]
        env.update("first", summary=s("touched"))
        assert env.names() == ["first", "third", "second"]


def test_unknown_sort_field_is_refused(data: Env) -> None:
    with pytest.raises(ClientError) as excinfo:
        data.search(sorts=[{"fieldId": "no-such-field", "sortOrder": "Asc"}])
    assert code_of(excinfo) == ("ValidationException", 400)


def test_more_than_two_sorts_are_refused(data: Env) -> None:
    sorts = [asc("title", data), asc("age", data), asc("due", data)]
    with pytest.raises(ClientError) as excinfo:
        data.search(sorts=sorts)
    assert code_of(excinfo) == ("ValidationException", 400)


def test_sort_by_deleted_field(data: Env) -> None:
    data.client.delete_field(domainId=data.domain_id, fieldId=data.fid("age"))
    assert data.names(sorts=[desc("age", data)]) == ["beta", "alpha", "gamma"]


# -- projection and items ------------------------------------------------------------------


def test_projection_in_request_order_with_values_only(data: Env) -> None:
    fields: Any = [{"id": data.fid("age")}, {"id": "title"}, {"id": "no-such"}, {"id": "title"}]
    items = data.search(filter=data.leaf("equalTo", "tier", EMPTY), fields=fields)["cases"]
    assert items == [
        {
            "caseId": data.cases["gamma"],
            "templateId": data.template_id,
            "fields": [{"id": "title", "value": s("gamma")}],
            "tags": {},
        }
    ]
    alpha = data.search(filter=tag("team", "red"), fields=fields)["cases"][0]
    assert alpha["fields"] == [
        {"id": data.fid("age"), "value": n(30)},
        {"id": "title", "value": s("alpha")},
    ]
    assert alpha["tags"] == {"team": "red"}


def test_projection_of_every_type_and_system_fields(data: Env) -> None:
    wanted = ["notes", "link", "age", "vip", "due", "tier", "owner", "status", "case_id"]
    fields: Any = [{"id": data.fid(name)} for name in wanted]
    alpha = data.search(filter=tag("team", "red"), fields=fields)["cases"][0]
    assert [item["value"] for item in alpha["fields"]] == [
        s("Broken Printer"),
        s("https://example.com/a"),
        n(30),
        b(True),
        s("2024-05-01T12:00:00.000Z"),
        s("gold"),
        u(USER_A),
        s("open"),
        s(data.cases["alpha"]),
    ]


def test_without_fields_items_have_empty_fields(data: Env) -> None:
    items = data.search()["cases"]
    assert len(items) == 3
    assert all(item["fields"] == [] for item in items)


def test_projection_of_more_than_25_fields_is_refused(data: Env) -> None:
    with pytest.raises(ClientError) as excinfo:
        data.search(fields=[{"id": "title"}] * 26)
    assert code_of(excinfo) == ("ValidationException", 400)


def test_updates_are_visible_to_the_next_search(data: Env) -> None:
    data.update("gamma", age=n(99), status=s("closed"))
    assert matches(data, data.leaf("greaterThan", "age", n(50))) == {"gamma"}
    assert matches(data, data.leaf("equalTo", "status", s("open"))) == {"alpha", "beta"}
    data.client.delete_case(domainId=data.domain_id, caseId=data.cases["alpha"])
    assert matches(data, tag("team", "red")) == set()
    assert data.search()["totalCount"] == 2


def test_unknown_domain(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.search_cases(domainId="no-such-domain")
    assert code_of(excinfo) == ("ResourceNotFoundException", 404)


# -- paging --------------------------------------------------------------------------------


def test_empty_result(data: Env) -> None:
    answer = data.search(filter=tag("team", "green"))
    assert answer["cases"] == []
    assert answer["totalCount"] == 0
    assert "nextToken" not in answer


def test_exactly_one_page_has_no_token(data: Env) -> None:
    answer = data.search(maxResults=3)
    assert len(answer["cases"]) == 3
    assert answer["totalCount"] == 3
    assert "nextToken" not in answer


def test_default_page_size_is_25_and_total_count_counts_every_match(env: Env) -> None:
    for number in range(27):
        env.create(f"case {number:02}")
    first = env.search(sorts=[asc("title", env)])
    assert len(first["cases"]) == 25
    assert first["totalCount"] == 27
    second = env.search(sorts=[asc("title", env)], nextToken=first["nextToken"])
    assert [c["caseId"] for c in second["cases"]] == [env.cases["case 25"], env.cases["case 26"]]
    assert second["totalCount"] == 27
    assert "nextToken" not in second
    assert len(env.search(maxResults=100)["cases"]) == 27


def test_max_results_above_100_is_refused(data: Env) -> None:
    with pytest.raises(ClientError) as excinfo:
        data.search(maxResults=101)
    assert code_of(excinfo) == ("ValidationException", 400)


def test_pages_return_every_match_once(env: Env) -> None:
    for number in range(11):
        env.create(
            f"case {number:02}", age=n(number % 4), **({"vip": b(True)} if number % 3 else {})
        )
    for sorts in ([], [desc("age", env)], [asc("vip", env), desc("title", env)]):
        for size in (1, 3, 4, 11):
            names = env.names(sorts=sorts, maxResults=size)
            assert sorted(names) == sorted(env.cases)
            assert names == env.names(sorts=sorts, maxResults=100)


def test_deleting_cases_between_pages_neither_skips_nor_repeats(env: Env) -> None:
    for number in range(10):
        env.create(f"case {number}")
    sorts = [asc("title", env)]
    first = env.search(sorts=sorts, maxResults=4)
    seen = [c["caseId"] for c in first["cases"]]
    # delete the last case returned and one not yet returned
    for name in ("case 3", "case 6"):
        env.client.delete_case(domainId=env.domain_id, caseId=env.cases.pop(name))
    rest = env.search(sorts=sorts, maxResults=100, nextToken=first["nextToken"])
    seen += [c["caseId"] for c in rest["cases"]]
    expected = [env.cases[f"case {i}"] for i in (0, 1, 2, 4, 5, 7, 8, 9)]
    assert [i for i in seen if i in env.cases.values()] == expected
    assert len(seen) == len(set(seen)) == 9  # case 3 was returned before it was deleted
    assert rest["totalCount"] == 8


def test_case_changed_between_pages_appears_at_its_new_position(env: Env) -> None:
    for name in ("a", "b", "c", "d", "e"):
        env.create(name)
    sorts = [asc("title", env)]
    first = env.search(sorts=sorts, maxResults=2)  # a, b
    env.update("c", title=s("zz"))  # moves after the cursor: still returned, last
    env.update("e", title=s("aa"))  # moves before the cursor: not returned again
    rest = env.search(sorts=sorts, maxResults=100, nextToken=first["nextToken"])
    by_id = {v: k for k, v in env.cases.items()}
    assert [by_id[c["caseId"]] for c in rest["cases"]] == ["d", "c"]


def test_token_from_another_query_is_refused(data: Env) -> None:
    token = data.search(maxResults=1, filter={"andAll": []})["nextToken"]
    for other in (
        {"filter": {"orAll": [tag("team", "red")]}},
        {"searchTerm": "printer"},
        {"sorts": [asc("title", data)]},
        {},
    ):
        with pytest.raises(ClientError) as excinfo:
            data.search(nextToken=token, **other)
        assert code_of(excinfo) == ("ValidationException", 400)


def test_token_of_another_domain_is_refused(data: Env) -> None:
    token = data.search(maxResults=1)["nextToken"]
    other = data.client.create_domain(name="other")["domainId"]
    with pytest.raises(ClientError) as excinfo:
        data.client.search_cases(domainId=other, nextToken=token)
    assert code_of(excinfo) == ("ValidationException", 400)


def test_garbage_token_is_refused(data: Env) -> None:
    with pytest.raises(ClientError) as excinfo:
        data.search(nextToken="not-a-token")
    assert code_of(excinfo) == ("ValidationException", 400)


def test_token_survives_page_size_change(data: Env) -> None:
    first = data.search(maxResults=1, sorts=[asc("title", data)])
    rest = data.search(maxResults=5, sorts=[asc("title", data)], nextToken=first["nextToken"])
    assert [c["caseId"] for c in rest["cases"]] == [data.cases["beta"], data.cases["gamma"]]


def test_paginator_collects_every_case_and_keeps_total_count(data: Env) -> None:
    paginator = data.client.get_paginator("search_cases")
    pages = list(paginator.paginate(domainId=data.domain_id, PaginationConfig={"PageSize": 2}))
    assert [len(p["cases"]) for p in pages] == [2, 1]
    assert [p["totalCount"] for p in pages] == [3, 3]
    printer: Any = data.leaf("contains", "notes", s("printer"))
    full = paginator.paginate(
        domainId=data.domain_id,
        filter=printer,
        PaginationConfig={"PageSize": 1},
    ).build_full_result()
    assert len(full["cases"]) == 2
    assert full["totalCount"] == 2  # a non-aggregate key: not summed over pages


def test_search_sees_cases_of_its_own_domain_only(data: Env, mock: CasesMock) -> None:
    other = data.client.create_domain(name="other")["domainId"]
    assert data.client.search_cases(domainId=other)["cases"] == []
    assert mock.store.region(REGION).domains[data.domain_id].cases.keys() == set(
        data.cases.values()
    )


def test_restricted_caller_sees_and_counts_only_cases_in_scope(data: Env, mock: CasesMock) -> None:
    mock.restrict_access("AKIDAGENT", tags={"team": "red"})
    agent = boto3.client(
        "connectcases",
        region_name=REGION,
        aws_access_key_id="AKIDAGENT",
        aws_secret_access_key="secret",
    )
    answer = agent.search_cases(domainId=data.domain_id, filter={"andAll": []})
    assert [item["caseId"] for item in answer["cases"]] == [data.cases["alpha"]]
    assert answer["totalCount"] == 1
    assert data.search()["totalCount"] == 3  # unrestricted callers see every case
