"""Bad input of every kind, in every member of every operation, is refused with a 4xx
error, never a 500 or a Python exception, and changes nothing.

The sweep derives the requests from the installed model (``tests.model_inputs``): for
every member reachable from an operation's input, the kinds of bad value its shape can
carry are sent

* through a boto3 client with ``parameter_validation=False`` (what botocore can send:
  values in the body, labels and query strings as botocore serialises them), and
* as raw HTTP bytes through ``casemock._dispatch.handle`` (what any client can send:
  invalid UTF-8, JSON literals botocore never writes, unknown union members, nesting
  deeper than botocore could serialise).

Kinds: lone surrogates and invalid UTF-8 in every string (map keys included),
non-finite and out-of-range numbers, ``null`` list items and map values, unknown and
extra union members, deep nesting through every recursive shape, oversize strings. Each
must answer ``SerializationException`` (oversize strings: a ValidationException or other
modeled 4xx with a short message), and the state (``m.snapshot()``) must be the same
after all of an operation's refusals as before.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import boto3
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import ListShape, MapShape, Shape, StructureShape

from casemock import CasesMock, _model, mock_cases
from casemock._dispatch import handle
from casemock._protocol.decoder import MAX_DEPTH
from tests.protocol.model_inputs import Step, build, constrained_paths, place, serialize

REGION = "us-east-1"
OPERATIONS = sorted(_model.operation_names())
SERIALIZATION = frozenset({"SerializationException"})
MODELED_4XX = frozenset(_model.error_codes()) - {"InternalServerException"} | SERIALIZATION
OVERSIZE = 50_000  # characters: more than any string maximum of the model (15,000)
MESSAGE_LIMIT = 2_000  # an error message never echoes a whole oversize value

# Placeholders put into a serialised body, then replaced by bytes json.dumps never writes.
_BAD_BYTES = "casemock-placeholder-bad-bytes"
_HUGE_NUMBER = "casemock-placeholder-huge-number"
_DEEP = "casemock-placeholder-deep"
_RAW_BYTES = {
    "bad-utf8": b"\xff\xed\xa0\x80",
    "1e400": b"1e400",
    "-1e400": b"-1e400",
    "NaN": b"NaN",
    "Infinity": b"Infinity",
    "-Infinity": b"-Infinity",
}


@dataclass(frozen=True)
class Bad:
    """One bad request: ``params`` for boto3, or ``raw`` (method, url, body) for the wire."""

    operation: str
    kind: str
    where: str
    params: dict[str, Any] | None = None
    raw: tuple[str, str, bytes] | None = None
    expect: frozenset[str] = SERIALIZATION

    @property
    def id(self) -> str:
        channel = "boto3" if self.params is not None else "raw"
        return f"{self.operation}:{self.where}:{self.kind}:{channel}"


# -- building bad requests from the model ------------------------------------------------


def where(path: tuple[Step, ...]) -> str:
    return ".".join(path)


def base_params(operation: str, path: tuple[Step, ...], domain_id: str) -> dict[str, Any]:
    """A valid input for ``operation`` reaching ``path``, in the fixture's domain."""
    shape = _model.operation(operation).input_shape
    assert shape is not None
    params: dict[str, Any] = build(shape, path)
    if "domainId" in params and path[:1] != ("domainId",):
        params["domainId"] = domain_id
    return params


def location(operation: str, member: str) -> str | None:
    shape = _model.operation(operation).input_shape
    assert isinstance(shape, StructureShape)
    found: str | None = shape.members[member].serialization.get("location")
    return found


def raw_request(
    operation: str, params: dict[str, Any], path: tuple[Step, ...], bad: Any, raw_text: str
) -> tuple[str, str, bytes]:
    """The wire request for ``params`` with ``bad`` at ``path``: in the JSON body for body
    members (then placeholders become ``_RAW_BYTES``/deep text), percent-encoded
    ``raw_text`` for labels and query members."""
    request = serialize(operation, params)
    url = request.url
    body = request.body or b""
    body = body if isinstance(body, bytes) else body.encode()
    located = location(operation, path[0])
    if located is None:
        payload = json.loads(body) if body else {}
        place(payload, path, bad)
        body = json.dumps(payload).encode()
        for name, text in _RAW_BYTES.items():
            body = body.replace(json.dumps(f"{_BAD_BYTES}:{name}").encode(), text)
            body = body.replace(json.dumps(f"{_HUGE_NUMBER}:{name}").encode(), text)
        return request.method, url, body
    split = urlsplit(url)
    wire = _wire_name(operation, path[0])
    if located == "uri":
        template = _model.operation(operation).http["requestUri"].split("?")[0].split("/")
        segments = split.path.split("/")
        segments[template.index("{" + wire + "}")] = raw_text
        return request.method, urlunsplit(split._replace(path="/".join(segments))), body
    pairs = [p for p in split.query.split("&") if p and not p.startswith(wire + "=")]
    pairs.append(f"{quote(wire)}={raw_text}")
    return request.method, urlunsplit(split._replace(query="&".join(pairs))), body


def _wire_name(operation: str, member: str) -> str:
    shape = _model.operation(operation).input_shape
    assert isinstance(shape, StructureShape)
    name: str = shape.members[member].serialization.get("name", member)
    return name


def sendable(operation: str, params: dict[str, Any]) -> bool:
    """Whether botocore (parameter validation off) can serialise ``params`` at all."""
    try:
        serialize(operation, params, validate=False)
    except Exception:  # botocore refuses it on the client: casemock never sees it
        return False
    return True


def cycle_of(shape: Shape) -> tuple[Step, ...] | None:
    """The shortest member path from a structure back to a shape of the same name."""
    if not isinstance(shape, StructureShape):
        return None
    queue: list[tuple[tuple[Step, ...], Shape]] = [((), shape)]
    seen: set[str] = set()
    while queue:
        path, node = queue.pop(0)
        children: list[tuple[Step, Shape]] = []
        if isinstance(node, StructureShape):
            children = list(node.members.items())
        elif isinstance(node, ListShape):
            children = [("[]", node.member)]
        elif isinstance(node, MapShape):
            children = [("{value}", node.value)]
        for step, child in children:
            if child.name == shape.name:
                return (*path, step)
            if child.name not in seen:
                seen.add(child.name)
                queue.append(((*path, step), child))
    return None


def _key(step: Step) -> str:
    return "casemock" if step == "{value}" else step


def nested(cycle: tuple[Step, ...], levels: int, leaf: Any) -> Any:
    value = leaf
    for _ in range(levels):
        for step in reversed(cycle):
            value = [value] if step == "[]" else {_key(step): value}
    return value


def deep_text(cycle: tuple[Step, ...], levels: int, leaf: Any) -> bytes:
    """``nested`` as JSON text, built without recursion (json.dumps would overflow)."""
    opening = "".join("[" if step == "[]" else json.dumps({_key(step): 0})[:-2] for step in cycle)
    closing = "".join("]" if step == "[]" else "}" for step in reversed(cycle))
    return (opening * levels + json.dumps(leaf) + closing * levels).encode()


def bad_requests(operation: str, domain_id: str) -> Iterator[Bad]:
    deep_done = False
    for path, shape in constrained_paths(operation):
        params = base_params(operation, path, domain_id)
        located = location(operation, path[0])
        in_body = located is None
        at = where(path)
        kind = shape.type_name
        if kind == "string":
            bad = copy.deepcopy(params)
            place(bad, path, "casemock\ud800")
            if in_body:
                yield Bad(operation, "surrogate", at, params=bad)
            yield Bad(
                operation,
                "surrogate",
                at,
                raw=raw_request(operation, params, path, "casemock\ud800", "%ED%A0%80"),
            )
            yield Bad(
                operation,
                "bad-utf8",
                at,
                raw=raw_request(operation, params, path, f"{_BAD_BYTES}:bad-utf8", "%FF"),
            )
            big = copy.deepcopy(params)
            place(big, path, "x" * OVERSIZE)
            yield Bad(operation, "oversize", at, params=big, expect=MODELED_4XX)
        elif kind in ("integer", "long"):
            high = 2**31 if kind == "integer" else 2**63
            for literal in ("1e400", "-1e400"):
                placeholder = f"{_HUGE_NUMBER}:{literal}"
                raw = raw_request(operation, params, path, placeholder, literal)
                yield Bad(operation, f"number {literal}", at, raw=raw)
            raw = raw_request(operation, params, path, high, str(high))
            yield Bad(operation, "out of range", at, raw=raw)
            raw = raw_request(operation, params, path, "casemock", "NaN")
            yield Bad(operation, "not a number", at, raw=raw)
        elif kind in ("float", "double"):
            for value in (float("nan"), float("inf"), float("-inf")):
                bad = copy.deepcopy(params)
                place(bad, path, value)
                yield Bad(operation, f"number {value}", at, params=bad)
            for literal in ("NaN", "Infinity", "-Infinity", "1e400", "-1e400"):
                placeholder = f"{_HUGE_NUMBER}:{literal}"
                raw = raw_request(operation, params, path, placeholder, literal)
                yield Bad(operation, f"number {literal}", at, raw=raw)
        elif kind in ("list", "map") and in_body:
            null_path = (*path, "[]" if kind == "list" else "{value}")
            null_params = base_params(operation, null_path, domain_id)
            bad = copy.deepcopy(null_params)
            place(bad, null_path, None)
            label = "null item" if kind == "list" else "null value"
            if sendable(operation, bad):
                yield Bad(operation, label, at, params=bad)
            yield Bad(
                operation, label, at, raw=raw_request(operation, null_params, null_path, None, "")
            )
        if isinstance(shape, StructureShape) and getattr(shape, "is_tagged_union", False):
            members = list(shape.members)
            known = build(shape, (members[0],))
            extra = {**known, "casemockUnknown": "y"}
            yield Bad(
                operation, "unknown member", at, raw=raw_request(operation, params, path, extra, "")
            )
            alone = {"casemockUnknown": "y"}
            yield Bad(
                operation, "unknown alone", at, raw=raw_request(operation, params, path, alone, "")
            )
            if len(members) > 1:
                two = {**known, **build(shape, (members[1],))}
                bad = copy.deepcopy(params)
                place(bad, path, two)
                yield Bad(operation, "two members", at, params=bad)
                yield Bad(
                    operation, "two members", at, raw=raw_request(operation, params, path, two, "")
                )
        cycle = cycle_of(shape) if in_body and not deep_done else None
        if cycle is not None:
            deep_done = True
            leaf = build(shape)
            bad = copy.deepcopy(params)
            place(bad, path, nested(cycle, MAX_DEPTH // len(cycle) + 10, leaf))
            yield Bad(operation, "deep", at, params=bad)
            # Below orjson's own limit of 1024 levels (casemock's limit answers), and far
            # beyond it (orjson's does).
            for levels in (900 // len(cycle), 100_000):
                raw = raw_request(operation, params, path, _DEEP, "")
                method, url, body = raw
                body = body.replace(json.dumps(_DEEP).encode(), deep_text(cycle, levels, leaf))
                yield Bad(operation, f"deep {levels}", at, raw=(method, url, body))


# -- examples, through the public interface ----------------------------------------------


def unchecked_client(m: CasesMock) -> Any:
    return m.client(config=Config(parameter_validation=False))


def wire(m: CasesMock, method: str, path: str, body: bytes) -> tuple[int, str, dict[str, Any]]:
    url = f"https://cases.{REGION}.amazonaws.com{path}"
    status, headers, payload = handle(m, method, url, {}, body)
    return status, headers.get("x-amzn-ErrorType", ""), json.loads(payload) if payload else {}


def refused_by_boto3(call: Any, **params: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    response: Any = excinfo.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


def test_a_lone_surrogate_from_boto3_is_refused_and_not_stored(mock: CasesMock) -> None:
    """botocore escapes it as \\ud800 (json.dumps, ensure_ascii); stored, it would make
    every later answer unencodable."""
    client = unchecked_client(mock)
    status, code, _ = refused_by_boto3(client.create_domain, name="support\ud800")
    assert (status, code) == (400, "SerializationException")
    assert client.list_domains()["domains"] == []


@pytest.mark.parametrize(
    "body",
    [b'{"name": "caf\xe9"}', b'{"name": "\xed\xa0\x80"}', b'\xef\xbb\xbf{"name": "a"}'],
    ids=["latin-1", "utf-8-surrogate", "byte-order-mark"],
)
def test_bodies_that_are_not_utf8_json_are_refused(mock: CasesMock, body: bytes) -> None:
    assert wire(mock, "POST", "/domains", body)[:2] == (400, "SerializationException")
    assert mock.client().list_domains()["domains"] == []


def test_a_label_or_query_value_that_is_not_utf8_is_refused(mock: CasesMock) -> None:
    assert wire(mock, "POST", "/domains/%FF", b"")[:2] == (400, "SerializationException")
    arn = quote(f"arn:aws:cases:{REGION}:123456789012:domain/d", safe="")
    status, code, _ = wire(mock, "DELETE", f"/tags/{arn}?tagKeys=%ED%A0%80", b"")
    assert (status, code) == (400, "SerializationException")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_are_refused(mock: CasesMock, domain_id: str, literal: str) -> None:
    body = b'{"filter": {"field": {"equalTo": {"id": "x", "value": {"doubleValue": %s}}}}}'
    status, code, _ = wire(
        mock, "POST", f"/domains/{domain_id}/cases-search", body % literal.encode()
    )
    assert (status, code) == (400, "SerializationException")


def test_non_finite_numbers_from_boto3_are_refused(mock: CasesMock, domain_id: str) -> None:
    """botocore sends float("nan") as the string "NaN"."""
    client = unchecked_client(mock)
    fields = [{"id": "title", "value": {"doubleValue": float("nan")}}]
    status, code, _ = refused_by_boto3(
        client.create_case, domainId=domain_id, templateId="t", fields=fields
    )
    assert (status, code) == (400, "SerializationException")


def test_null_list_items_and_map_values_are_refused(mock: CasesMock, domain_id: str) -> None:
    """Smithy's malformed-list and malformed-map tests: the model's lists and maps are dense."""
    client = unchecked_client(mock)
    arn = client.get_domain(domainId=domain_id)["domainArn"]
    status, code, message = refused_by_boto3(client.tag_resource, arn=arn, tags={"k": None})
    assert (status, code) == (400, "SerializationException")
    assert message == "A map value is null at 'tags.k'"
    assert client.list_tags_for_resource(arn=arn)["tags"] == {}
    body = b'{"fields": [{"id": "title"}, null]}'
    status, code, answer = wire(mock, "POST", f"/domains/{domain_id}/fields-batch", body)
    assert (status, code) == (400, "SerializationException")
    assert answer["message"] == "A list item is null at 'fields.2.member'"


def test_an_unknown_union_member_is_refused(mock: CasesMock, domain_id: str) -> None:
    """Smithy's malformed-union tests: an unknown member, alone or next to a known one, is
    a 400 SerializationException (botocore would read it back as SDK_UNKNOWN_MEMBER)."""
    for performed_by in ({"customEntity": "bob", "newMember": "y"}, {"newMember": "y"}):
        body = json.dumps({"templateId": "t", "fields": [], "performedBy": performed_by})
        status, code, answer = wire(mock, "POST", f"/domains/{domain_id}/cases", body.encode())
        assert (status, code) == (400, "SerializationException")
        assert answer["message"] == (
            "'newMember' is not a member of the union UserUnion at 'performedBy'"
        )


def test_unknown_structure_members_are_ignored(mock: CasesMock) -> None:
    """As Smithy services do: a client newer than the model may send them."""
    status, _, answer = wire(mock, "POST", "/domains", b'{"name": "d", "newThing": [1, 2]}')
    assert status == 200
    client = mock.client()
    assert client.get_domain(domainId=answer["domainId"])["name"] == "d"
    assert mock.calls[0].params == {"name": "d"}


def test_a_null_member_is_an_absent_member(mock: CasesMock) -> None:
    status, code, answer = wire(mock, "POST", "/domains", b'{"name": null}')
    assert (status, code) == (400, "ValidationException")
    assert "at 'name' failed to satisfy constraint: Member must not be null" in answer["message"]


@pytest.mark.parametrize("levels", [MAX_DEPTH, 900, 100_000])
def test_deep_nesting_is_refused_before_recursing(
    mock: CasesMock, domain_id: str, levels: int
) -> None:
    leaf = b'{"field": {"equalTo": {"id": "title", "value": {"stringValue": "a"}}}}'
    body = b'{"filter": ' + b'{"not": ' * levels + leaf + b"}" * levels + b"}"
    status, code, answer = wire(mock, "POST", f"/domains/{domain_id}/cases-search", body)
    assert (status, code) == (400, "SerializationException")
    assert len(answer["message"]) < MESSAGE_LIMIT


def test_deep_nesting_from_boto3_is_refused(mock: CasesMock, domain_id: str) -> None:
    leaf: Any = {"field": {"equalTo": {"id": "title", "value": {"stringValue": "a"}}}}
    for _ in range(300):
        leaf = {"not": leaf}
    client = unchecked_client(mock)
    status, code, _ = refused_by_boto3(client.search_cases, domainId=domain_id, filter=leaf)
    assert (status, code) == (400, "SerializationException")


def test_integers_beyond_their_width_are_refused(mock: CasesMock, domain_id: str) -> None:
    body = b'{"maxResults": 4294967297}'
    status, code, _ = wire(mock, "POST", f"/domains/{domain_id}/cases-search", body)
    assert (status, code) == (400, "SerializationException")


def test_error_messages_do_not_echo_a_whole_1mb_value(mock: CasesMock) -> None:
    client = unchecked_client(mock)
    name = "n" * 1_000_000
    status, code, message = refused_by_boto3(client.create_domain, name=name)
    assert (status, code) == (400, "ValidationException")
    assert message.startswith("1 validation error detected: Value 'nnnn")
    assert "... (999744 more characters)' at 'name' failed to satisfy constraint" in message
    assert len(message) < 500


# -- sending them ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[CasesMock, Any, str]]:
    """An active mock with a domain holding a template and a case, and an unchecked client."""
    with mock_cases(region=REGION) as m:
        client = boto3.client(
            "connectcases",
            region_name=REGION,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",
            config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
        )
        domain_id = client.create_domain(name="bad-input")["domainId"]
        template_id = client.create_template(domainId=domain_id, name="t")["templateId"]
        client.create_case(
            domainId=domain_id,
            templateId=template_id,
            fields=[{"id": "title", "value": {"stringValue": "A case"}}],
        )
        yield m, client, domain_id


def outcome(m: CasesMock, client: Any, bad: Bad) -> tuple[int, str, str]:
    """(status, error code, message) casemock answered."""
    if bad.params is not None:
        method = getattr(client, xform_name(bad.operation))
        try:
            method(**bad.params)
        except ClientError as error:
            response: Any = error.response
            return (
                response["ResponseMetadata"]["HTTPStatusCode"],
                response["Error"]["Code"],
                response["Error"]["Message"],
            )
        return 200, "", ""
    assert bad.raw is not None
    method_name, url, body = bad.raw
    status, headers, payload = handle(m, method_name, url, {}, body)
    message = json.loads(payload).get("message", "") if status >= 300 else ""
    return status, headers.get("x-amzn-ErrorType", ""), message


def refusal_problem(m: CasesMock, client: Any, bad: Bad) -> str | None:
    try:
        status, code, message = outcome(m, client, bad)
    except Exception as error:  # a crash in casemock, or a casemock error
        return f"{bad.id}: raised {type(error).__name__}: {str(error)[:200]}"
    if not 400 <= status < 500 or code not in bad.expect:
        return f"{bad.id}: answered {status} {code} {message[:200]!r}"
    if len(message) > MESSAGE_LIMIT:
        return f"{bad.id}: a {len(message)}-character message"
    return None


def _sweep_ids() -> list[str]:
    return OPERATIONS


@pytest.mark.parametrize("operation", _sweep_ids())
def test_every_bad_request_is_refused_and_changes_nothing(
    world: tuple[CasesMock, Any, str], operation: str
) -> None:
    m, client, domain_id = world
    before = m.snapshot()
    requests = list(bad_requests(operation, domain_id))
    problems = [p for p in (refusal_problem(m, client, bad) for bad in requests) if p]
    assert problems == [], f"{len(problems)} of {len(requests)} mishandled"
    assert m.snapshot() == before


def test_the_sweep_covers_every_kind_on_both_channels(world: tuple[CasesMock, Any, str]) -> None:
    _, _, domain_id = world
    every = [bad for operation in OPERATIONS for bad in bad_requests(operation, domain_id)]
    kinds = {(bad.kind.split()[0], bad.params is not None) for bad in every}
    for kind in ("surrogate", "number", "null", "two", "deep"):
        assert (kind, True) in kinds and (kind, False) in kinds, kind
    for kind in ("bad-utf8", "unknown", "out"):
        assert (kind, False) in kinds, kind
    assert ("oversize", True) in kinds
    assert {bad.operation for bad in every} == {
        op for op in OPERATIONS if _model.operation(op).input_shape is not None
    }
    assert len(every) > 1000
