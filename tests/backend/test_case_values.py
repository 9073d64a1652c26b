"""Field values on cases: property tests for what CreateCase and UpdateCase accept.

The checks are exercised directly (``case_values.check_value`` / ``check_fields`` on
stored field records) for breadth, and through boto3 for the round trip a user sees.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from casemock import Settings, _model, mock_cases
from casemock._errors import ServiceError
from casemock._timestamps import format_timestamp
from casemock.backend._records import Domain, Field, FieldOption
from casemock.backend._values import EMPTY, has_value
from casemock.backend.cases.values import check_fields, check_value
from casemock.backend.config.system_fields import SERVICE_SET
from tests.helpers import (
    REGION,
    as_fields,
    create,
    domain_of,
    make_field,
    make_template,
    read,
    text,
    update,
)

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
SETTINGS = Settings()
TYPES = ("Text", "Url", "Number", "Boolean", "DateTime", "SingleSelect", "User")
ACCEPTS = {
    "Text": {"stringValue"},
    "Url": {"stringValue"},
    "Number": {"doubleValue"},
    "Boolean": {"booleanValue"},
    "DateTime": {"stringValue"},
    "SingleSelect": {"stringValue"},
    "User": {"userArnValue"},
}
OPTION = "gold"
accounts = st.integers(min_value=0, max_value=10**12 - 1).map("{:012d}".format)
segment = st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=20)
user_arns = st.builds(
    "arn:aws:connect:{}:{}:instance/{}/user/{}".format,
    st.sampled_from(["us-east-1", "eu-west-2"]),
    accounts,
    segment,
    segment,
)
profile_arns = st.builds(
    "arn:aws:profile:{}:{}:domains/{}/profiles/{}".format,
    st.sampled_from(["us-east-1", "eu-west-2"]),
    accounts,
    segment,
    segment,
)
instants = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(timezone.utc)
)


def field(
    type_: str = "Text",
    field_id: str = "f",
    namespace: str = "Custom",
    attributes: dict[str, Any] | None = None,
    options: dict[str, bool] | None = None,
) -> Field:
    return Field(
        seq=1,
        field_id=field_id,
        arn=f"arn:aws:cases:{REGION}:123456789012:domain/d/field/{field_id}",
        name=field_id,
        type=type_,
        namespace=namespace,
        description=None,
        attributes=attributes,
        created_time=NOW,
        last_modified_time=NOW,
        options={v: FieldOption(v, v, active) for v, active in (options or {}).items()},
    )


def accepted(record: Field, value: dict[str, Any], previous: Any = None) -> bool:
    try:
        stored = check_value(record, value, previous, SETTINGS)
    except ServiceError as error:
        assert error.code == "ValidationException"
        return False
    assert stored in (value, EMPTY)
    return True


def valid_value(type_: str, member: str) -> st.SearchStrategy[Any]:
    """Values of ``member`` that pass every check except the member/type match."""
    if member == "doubleValue":
        return st.floats(allow_nan=False, allow_infinity=False)
    if member == "booleanValue":
        return st.booleans()
    if member == "userArnValue":
        return user_arns
    if type_ == "DateTime":
        return instants.map(format_timestamp)
    if type_ == "SingleSelect":
        return st.just(OPTION)
    return st.text(max_size=100)


# -- direct property tests ------------------------------------------------------------------


@given(
    st.sampled_from(TYPES),
    st.sampled_from(sorted({m for ms in ACCEPTS.values() for m in ms})),
    st.data(),
)
def test_a_field_takes_exactly_the_member_of_its_type(type_: str, member: str, data: Any) -> None:
    record = field(type_, options={OPTION: True})
    value = {member: data.draw(valid_value(type_, member))}
    assert accepted(record, value) == (member in ACCEPTS[type_])


@given(st.sampled_from(TYPES))
def test_empty_value_is_accepted_for_every_type(type_: str) -> None:
    assert check_value(field(type_), {"emptyValue": {}}, None, SETTINGS) == EMPTY


@given(st.integers(min_value=0, max_value=1200))
def test_single_line_custom_text_is_limited_to_500(length: int) -> None:
    assert accepted(field("Text"), text("x" * length)) == (length <= 500)


@given(st.integers(min_value=0, max_value=4100))
def test_multi_line_custom_text_takes_up_to_the_model_limit(length: int) -> None:
    record = field("Text", attributes={"text": {"isMultiline": True}})
    assert accepted(record, text("x" * length))


@given(st.integers(min_value=0, max_value=4100))
def test_summary_is_limited_to_3000(length: int) -> None:
    record = field("Text", "summary", "System")
    assert accepted(record, text("y" * length)) == (length <= 3000)


@given(st.integers(min_value=0, max_value=4100))
def test_title_is_limited_to_500(length: int) -> None:
    """As the model's CaseTitle (BatchUpdateCase's title) says, on CreateCase and UpdateCase
    too."""
    assert accepted(field("Text", "title", "System"), text("t" * length)) == (length <= 500)


@given(st.integers(min_value=0, max_value=4100))
def test_system_text_fields_take_up_to_the_model_limit(length: int) -> None:
    assert accepted(field("Text", "assigned_queue", "System"), text("q" * length))


def test_a_501_character_title_is_refused_by_every_operation_that_writes_it(
    client: ConnectCasesClient, domain_id: str
) -> None:
    template_id = make_template(client, domain_id)
    case_id = create(client, domain_id, template_id, {"title": text("t" * 500)})
    update(client, domain_id, case_id, {"title": text("u" * 500)})
    long_title = "x" * 501
    attempts: list[Any] = [
        lambda: create(client, domain_id, template_id, {"title": text(long_title)}),
        lambda: update(client, domain_id, case_id, {"title": text(long_title)}),
    ]
    if _model.has_operation("BatchUpdateCase"):
        batch: Any = getattr(client, "batch_update_case")  # noqa: B009 (not in the stubs)
        cases = [{"caseIdentifier": {"caseId": case_id}}]
        attempts.append(lambda: batch(domainId=domain_id, cases=cases, fields=[], title=long_title))
    for attempt in attempts:
        with pytest.raises(ClientError) as excinfo:
            attempt()
        assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    assert read(client, domain_id, case_id, ["title"]) == {"title": text("u" * 500)}


def test_single_line_limit_is_a_setting() -> None:
    relaxed = Settings(single_line_text_limit=None)
    assert check_value(field("Text"), text("x" * 4100), None, relaxed) == text("x" * 4100)


@given(instants, st.sampled_from(["Z", "+00:00", "-05:30"]), st.booleans())
def test_iso_date_times_are_accepted(moment: datetime, offset: str, millis: bool) -> None:
    spelled = moment.strftime("%Y-%m-%dT%H:%M:%S") + (".123" if millis else "") + offset
    assert accepted(field("DateTime"), text(spelled))


@given(st.text(string.ascii_letters + " :/", min_size=1, max_size=30))
def test_unparsable_date_times_are_refused(spelled: str) -> None:
    assert not accepted(field("DateTime"), text(spelled))


@pytest.mark.parametrize("spelled", ["2024-13-01T00:00:00Z", "2024-02-30", "01/05/2024", "now"])
def test_impossible_date_times_are_refused(spelled: str) -> None:
    assert not accepted(field("DateTime"), text(spelled))


@given(
    st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.booleans()),
    st.sampled_from(["a", "b", "c", "d", "e"]),
    st.one_of(st.none(), st.sampled_from(["a", "b", "e"])),
)
def test_single_select_takes_active_options_or_the_value_it_holds(
    options: dict[str, bool], value: str, held: str | None
) -> None:
    record = field("SingleSelect", options=options)
    previous = text(held) if held is not None else None
    assert accepted(record, text(value), previous) == (options.get(value, False) or value == held)


@given(profile_arns)
def test_customer_id_takes_profile_arns(arn: str) -> None:
    assert accepted(field("Text", "customer_id", "System"), text(arn))


@given(st.one_of(user_arns, st.text(max_size=40)))
def test_customer_id_refuses_anything_else(value: str) -> None:
    assert not accepted(field("Text", "customer_id", "System"), text(value))


@given(user_arns)
def test_user_fields_take_connect_user_arns(arn: str) -> None:
    assert accepted(field("User"), {"userArnValue": arn})


@given(st.one_of(profile_arns, st.text(max_size=40)))
def test_user_fields_refuse_other_strings(value: str) -> None:
    assert not accepted(field("User"), {"userArnValue": value})


@given(st.one_of(user_arns.map(lambda a: {"userArnValue": a}), st.text().map(text)))
def test_assigned_user_takes_a_string_or_a_user_arn(value: dict[str, Any]) -> None:
    assert accepted(field("Text", "assigned_user", "System"), value)


@given(
    st.one_of(
        st.just({"emptyValue": {}}),
        st.text(max_size=5).map(text),
        st.booleans().map(lambda b: {"booleanValue": b}),
        st.floats(allow_nan=False).map(lambda d: {"doubleValue": d}),
    )
)
def test_has_value_is_false_only_for_empty_and_blank(value: dict[str, Any]) -> None:
    assert has_value(value) == (value not in ({"emptyValue": {}}, text("")))


# -- check_fields over a real domain ------------------------------------------------------------


@pytest.fixture(scope="module")
def stocked_domain() -> Iterator[tuple[Domain, str, str]]:
    """A domain with a live and a deleted custom field: (domain, live id, deleted id)."""
    with mock_cases(region=REGION) as mock:
        client = mock.client()
        domain_id = client.create_domain(name="d")["domainId"]
        live = make_field(client, domain_id, "Live")
        gone = make_field(client, domain_id, "Gone")
        client.delete_field(domainId=domain_id, fieldId=gone)
        yield domain_of(mock, domain_id), live, gone


@given(
    st.lists(
        st.sampled_from(["title", "summary", "live", "gone", "unknown", *SERVICE_SET]), max_size=6
    )
)
def test_a_request_is_accepted_iff_every_id_is_unique_live_and_writable(
    stocked_domain: tuple[Domain, str, str], picks: list[str]
) -> None:
    domain, live, gone = stocked_domain
    ids = [{"live": live, "gone": gone}.get(p, p) for p in picks]
    fields = [{"id": i, "value": text("v")} for i in ids]
    good = len(set(picks)) == len(picks) and not set(picks) & {"gone", "unknown", *SERVICE_SET}
    try:
        result = check_fields(domain, fields, None, SETTINGS)
    except ServiceError as error:
        assert error.code == "ValidationException"
        assert not good
    else:
        assert good
        assert list(result) == ids


@given(
    st.lists(
        st.sampled_from(["title", "summary", "live", "gone", "unknown"]), min_size=1, max_size=5
    ),
    st.integers(min_value=0, max_value=4),
)
def test_ids_are_refused_before_any_value(
    stocked_domain: tuple[Domain, str, str], picks: list[str], bad: int
) -> None:
    """A request with a bad id and a bad value is refused for the id, wherever each is."""
    domain, live, gone = stocked_domain
    ids = [{"live": live, "gone": gone}.get(p, p) for p in picks]
    fields = [{"id": i, "value": text("v")} for i in ids]
    fields[bad % len(fields)]["value"] = {"doubleValue": 1.0}  # no text field takes it
    ids_ok = len(set(picks)) == len(picks) and not set(picks) & {"gone", "unknown"}
    with pytest.raises(ServiceError) as excinfo:
        check_fields(domain, fields, None, SETTINGS)
    if ids_ok:
        assert "takes stringValue, not doubleValue" in excinfo.value.message
    else:
        assert excinfo.value.message.startswith("Fields [")


# -- round trips through boto3 ----------------------------------------------------------------


@pytest.fixture(scope="module")
def workspace() -> Iterator[tuple[ConnectCasesClient, str, str, dict[str, str]]]:
    """(client, domain id, case id, custom field id by type) in one mock for the module."""
    with mock_cases(region=REGION) as mock:
        client = mock.client()
        domain_id = client.create_domain(name="values")["domainId"]
        ids = {
            type_: make_field(client, domain_id, type_, type_)
            for type_ in ("Text", "Number", "Boolean", "DateTime", "Url", "User")
        }
        template_id = make_template(client, domain_id)
        case_id = create(client, domain_id, template_id)
        yield client, domain_id, case_id, ids


ROUND_TRIP = hsettings(max_examples=40, deadline=None)


@ROUND_TRIP
@given(st.text(max_size=500))
def test_text_values_round_trip(workspace: Any, value: str) -> None:
    client, domain_id, case_id, ids = workspace
    update(client, domain_id, case_id, {ids["Text"]: text(value), "title": text(value or "t")})
    assert read(client, domain_id, case_id, [ids["Text"]]) == {ids["Text"]: text(value)}


@ROUND_TRIP
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_number_values_round_trip(workspace: Any, value: float) -> None:
    client, domain_id, case_id, ids = workspace
    update(client, domain_id, case_id, {ids["Number"]: {"doubleValue": value}})
    assert read(client, domain_id, case_id, [ids["Number"]]) == {
        ids["Number"]: {"doubleValue": value}
    }


@ROUND_TRIP
@given(instants.map(format_timestamp), st.booleans(), user_arns)
def test_date_time_boolean_and_user_values_round_trip(
    workspace: Any, moment: str, flag: bool, user: str
) -> None:
    client, domain_id, case_id, ids = workspace
    values = {
        ids["DateTime"]: text(moment),
        ids["Boolean"]: {"booleanValue": flag},
        ids["User"]: {"userArnValue": user},
    }
    update(client, domain_id, case_id, values)
    assert read(client, domain_id, case_id, list(values)) == values


@ROUND_TRIP
@given(st.sampled_from(["Text", "Number", "Boolean", "DateTime", "User"]), st.data())
def test_wrong_member_is_refused_and_the_case_is_unchanged(
    workspace: Any, type_: str, data: Any
) -> None:
    client, domain_id, case_id, ids = workspace
    wrong = data.draw(
        st.sampled_from(sorted({"stringValue", "doubleValue", "booleanValue"} - ACCEPTS[type_]))
    )
    value = {wrong: data.draw(valid_value("Text", wrong))}
    before = read(client, domain_id, case_id, [ids[type_], "last_updated_datetime"])
    with pytest.raises(ClientError) as excinfo:
        update(client, domain_id, case_id, {ids[type_]: value})
    assert excinfo.value.response["Error"]["Code"] == "ValidationException"
    assert read(client, domain_id, case_id, [ids[type_], "last_updated_datetime"]) == before


def test_values_written_on_create_read_back_unchanged(workspace: Any) -> None:
    client, domain_id, _, ids = workspace
    template_id = make_template(client, domain_id)
    values = {
        "title": text("t"),
        ids["Text"]: text("émoji ✓"),
        ids["Number"]: {"doubleValue": -0.5},
        ids["Boolean"]: {"booleanValue": False},
        ids["Url"]: text("https://example.com/x?y=1"),
    }
    answer = client.create_case(
        domainId=domain_id, templateId=template_id, fields=as_fields(values)
    )
    assert read(client, domain_id, answer["caseId"], list(values)) == values


def test_whole_number_doubles_come_back_as_doubles() -> None:
    """Clients such as the JavaScript SDK write 1.0 as 1 on the wire; boto3 callers still
    read back a float, as from AWS."""
    from datetime import datetime, timezone

    from casemock._settings import Settings
    from casemock.backend._records import Field
    from casemock.backend.cases.values import check_value

    now = datetime.now(timezone.utc)
    number = Field(1, "n", "arn", "Amount", "Number", "Custom", None, None, now, now)
    stored = check_value(number, {"doubleValue": 1}, None, Settings())
    assert stored == {"doubleValue": 1.0}
    assert isinstance(stored["doubleValue"], float)


def test_the_fast_reading_of_service_timestamps_agrees_with_the_general_one() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from casemock._timestamps import _parse_date_like, parse_instant

    canonical = st.builds(
        lambda y, mo, d, h, mi, s, ms: (
            f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}.{ms:03d}Z"
        ),
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 25),
        st.integers(0, 61),
        st.integers(0, 61),
        st.integers(0, 999),
    )
    damaged = st.tuples(canonical, st.integers(0, 23), st.sampled_from("0123456789-T:.Z +x٣")).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1 :]
    )

    @given(st.one_of(canonical, damaged))
    def agree(text: str) -> None:
        general = _parse_date_like(text) if text[4] == "-" and text[7] == "-" else None
        assert parse_instant(text) == general

    agree()
