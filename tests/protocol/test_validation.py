"""Server-side validation: what botocore lets through is refused by casemock with AWS's
message style, and a refused request changes nothing."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from casemock import _model
from casemock._errors import ServiceError
from casemock._protocol.validation import check_shape, validate_input

if TYPE_CHECKING:
    from types_boto3_connectcases import ConnectCasesClient
else:
    ConnectCasesClient = Any


def validation_message(operation: str, params: dict[str, Any]) -> str:
    with pytest.raises(ServiceError) as excinfo:
        validate_input(operation, params)
    assert excinfo.value.code == "ValidationException"
    return excinfo.value.message


def client_error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


# -- through boto3: botocore sends it, casemock refuses it -------------------------------


def test_max_length(client: ConnectCasesClient) -> None:
    name = "n" * 101
    with pytest.raises(ClientError) as excinfo:
        client.create_domain(name=name)
    assert client_error(excinfo) == (
        "ValidationException",
        f"1 validation error detected: Value '{name}' at 'name' failed to satisfy "
        "constraint: Member must have length less than or equal to 100",
        400,
    )


def test_pattern_applies_to_the_whole_value(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_domain(name="support ")
    code, message, _ = client_error(excinfo)
    assert code == "ValidationException"
    assert message == (
        "1 validation error detected: Value 'support ' at 'name' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: .*[\\S]"
    )


def test_leading_whitespace_satisfies_the_name_pattern(client: ConnectCasesClient) -> None:
    assert client.create_domain(name="  support")["domainStatus"] == "Active"


def test_max_value(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_domains(maxResults=11)
    assert client_error(excinfo)[1] == (
        "1 validation error detected: Value '11' at 'maxResults' failed to satisfy "
        "constraint: Member must have value less than or equal to 10"
    )


def test_enum(client: ConnectCasesClient, domain_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.create_field(domainId=domain_id, name="f", type="Colour")  # type: ignore[arg-type]
    code, message, _ = client_error(excinfo)
    assert code == "ValidationException"
    assert message == (
        "1 validation error detected: Value 'Colour' at 'type' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Text, Number, Boolean, DateTime, SingleSelect, "
        "Url, User]"
    )


def test_list_size(client: ConnectCasesClient, domain_id: str) -> None:
    arn = client.get_domain(domainId=domain_id)["domainArn"]
    keys = [f"k{i}" for i in range(51)]
    with pytest.raises(ClientError) as excinfo:
        client.untag_resource(arn=arn, tagKeys=keys)
    code, message, _ = client_error(excinfo)
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value '[k0, k1, ")
    assert message.endswith(
        "at 'tagKeys' failed to satisfy constraint: Member must have length less than or "
        "equal to 50"
    )


def test_every_violation_is_listed(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.list_domains(maxResults=11, nextToken="t" * 9001)
    message = client_error(excinfo)[1]
    assert message.startswith("2 validation errors detected: Value '11' at 'maxResults'")
    assert "; Value 'ttt" in message
    assert message.endswith(
        "at 'nextToken' failed to satisfy constraint: Member must have length less than or "
        "equal to 9000"
    )


def test_refused_request_changes_nothing(client: ConnectCasesClient) -> None:
    with pytest.raises(ClientError):
        client.create_domain(name="x" * 101)
    assert client.list_domains()["domains"] == []


# -- directly: nested paths, unions, minimums, types -------------------------------------


def test_nested_list_members_are_named_by_position() -> None:
    message = validation_message(
        "GetCase",
        {"domainId": "d", "caseId": "c", "fields": [{"id": "title"}, {"id": "x" * 501}]},
    )
    assert "at 'fields.2.member.id' failed to satisfy constraint: Member must have length " in (
        message
    )


def serialization_message(operation: str, params: dict[str, Any]) -> str:
    with pytest.raises(ServiceError) as excinfo:
        validate_input(operation, params)
    assert excinfo.value.code == "SerializationException"
    return excinfo.value.message


def test_union_with_two_members() -> None:
    """Smithy's restJson1 malformed-request tests: a union with several members set is a
    400 SerializationException, not a constraint violation."""
    value = {"id": "title", "value": {"stringValue": "a", "booleanValue": True}}
    message = serialization_message(
        "CreateCase", {"domainId": "d", "templateId": "t", "fields": [value]}
    )
    assert message == ("Expected exactly one member of the union at 'fields.1.member.value', got 2")


def test_union_with_no_member() -> None:
    message = serialization_message(
        "CreateCase", {"domainId": "d", "templateId": "t", "fields": [{"id": "t", "value": {}}]}
    )
    assert message.endswith("at 'fields.1.member.value', got 0")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"fields": [{"id": "t", "value": {"doubleValue": float("nan")}}]},
            "Expected a finite number at 'fields.1.member.value.doubleValue'",
        ),
        ({"fields": [None]}, "A list item is null at 'fields.1.member'"),
        ({"fields": [], "tags": {"k": None}}, "A map value is null at 'tags.k'"),
    ],
)
def test_values_that_bypass_the_decoder_are_held_to_its_rules(
    params: dict[str, Any], expected: str
) -> None:
    """Seeding runs the validator on Python values without the wire decoder."""
    assert serialization_message("CreateCase", {"domainId": "d", "templateId": "t", **params}) == (
        expected
    )


def test_missing_required_member() -> None:
    assert validation_message("CreateDomain", {}) == (
        "1 validation error detected: Value at 'name' failed to satisfy constraint: "
        "Member must not be null"
    )


@pytest.mark.parametrize(
    ("operation", "params", "constraint"),
    [
        ("CreateDomain", {"name": ""}, "Member must have length greater than or equal to 1"),
        ("ListDomains", {"maxResults": 0}, "Member must have value greater than or equal to 1"),
    ],
)
def test_minimums_are_checked_too(operation: str, params: dict[str, Any], constraint: str) -> None:
    assert constraint in validation_message(operation, params)


def test_map_keys_are_checked() -> None:
    message = validation_message(
        "CreateCase", {"domainId": "d", "templateId": "t", "fields": [], "tags": {"aws:k": "v"}}
    )
    assert "Value 'aws:k' at 'tags.key' failed to satisfy constraint: Member must satisfy " in (
        message
    )


def test_map_size() -> None:
    tags = {f"k{i}": "v" for i in range(51)}
    message = validation_message(
        "CreateCase", {"domainId": "d", "templateId": "t", "fields": [], "tags": tags}
    )
    assert message.endswith(
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"name": 5}, "Expected string at 'name'"),
        ({"name": ["a"]}, "Expected string at 'name'"),
    ],
)
def test_wrong_json_types_are_serialization_errors(params: dict[str, Any], expected: str) -> None:
    with pytest.raises(ServiceError) as excinfo:
        validate_input("CreateDomain", params)
    assert (excinfo.value.code, excinfo.value.message) == ("SerializationException", expected)


def test_a_boolean_is_not_an_integer() -> None:
    with pytest.raises(ServiceError) as excinfo:
        validate_input("ListDomains", {"maxResults": True})
    assert excinfo.value.code == "SerializationException"


def test_sensitive_values_are_not_echoed() -> None:
    if "CaseTitle" not in _model.service_model().shape_names:
        pytest.skip("the installed model has no sensitive string shape CaseTitle")
    shape = _model.service_model().shape_for("CaseTitle")
    too_long = "secret" * 1000
    with pytest.raises(ServiceError) as excinfo:
        check_shape(shape, too_long, "title")
    assert "secret" not in excinfo.value.message
    assert "Value at 'title' failed to satisfy constraint" in excinfo.value.message


# -- property: the validator agrees with the model's constraints -------------------------

NAME = _model.operation("CreateDomain").input_shape.members["name"]  # type: ignore[union-attr]


@given(st.text(max_size=120))
def test_domain_names_are_accepted_exactly_when_the_model_allows_them(name: str) -> None:
    meta = NAME.metadata
    allowed = (
        meta["min"] <= len(name) <= meta["max"] and re.fullmatch(meta["pattern"], name) is not None
    )
    try:
        validate_input("CreateDomain", {"name": name})
    except ServiceError as error:
        assert not allowed
        assert error.code == "ValidationException"
        assert "at 'name' failed to satisfy constraint" in error.message
    else:
        assert allowed


@given(st.integers(min_value=-(2**40), max_value=2**40))
def test_max_results_is_accepted_exactly_within_its_range(value: int) -> None:
    try:
        validate_input("ListDomains", {"maxResults": value})
    except ServiceError as error:
        assert not 1 <= value <= 10
        assert f"Value '{value}' at 'maxResults'" in error.message
    else:
        assert 1 <= value <= 10


# -- the generated validators agree with the per-shape closures ----------------------------

_BAD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.text(alphabet="ab-_ ", min_size=90, max_size=600),
    st.lists(st.one_of(st.none(), st.text(max_size=3), st.integers()), max_size=3),
    st.dictionaries(st.text(max_size=4), st.one_of(st.none(), st.text(max_size=3)), max_size=3),
)


def _outcome(check: Any, params: dict[str, Any]) -> tuple[str, Any]:
    from casemock._protocol.validation import describe_errors

    errors: list[Any] = []
    try:
        check(params, errors)
    except ServiceError as error:
        return ("raised", (error.code, error.message))
    return ("errors", describe_errors(errors))


@settings(max_examples=400)
@given(st.data())
def test_generated_validators_give_what_the_shape_closures_give(data: st.DataObject) -> None:
    """validate_input runs one function generated per operation; every request, valid or
    broken anywhere, gets the same errors, in the same order, as the closures of
    ``_compile`` walking the input shape."""
    from casemock._protocol.validation import _compile, _input_check
    from tests.protocol.model_inputs import build, constrained_paths, place

    operation = data.draw(st.sampled_from(sorted(_model.operation_names())))
    shape = _model.operation(operation).input_shape
    if shape is None:
        return
    paths = list(constrained_paths(operation))
    chosen = data.draw(st.lists(st.sampled_from(paths), max_size=3)) if paths else []
    params = dict(build(shape, chosen[0][0] if chosen else (), full=data.draw(st.booleans())))
    for path, _ in chosen:
        try:
            place(params, path, data.draw(_BAD_VALUES))
        except (KeyError, IndexError, TypeError, StopIteration, AttributeError):
            continue  # an earlier bad value replaced the way to this path
    closures = _compile(shape)
    assert _outcome(_input_check(operation), params) == _outcome(
        lambda value, errors: closures(value, None, errors), params
    )
