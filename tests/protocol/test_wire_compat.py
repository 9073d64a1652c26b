"""Wire compatibility with clients other than boto3: the AWS CLI and the AWS SDK for
JavaScript v3 (in Node.js and in a browser).

Each request below is replayed byte for byte as one of those clients sent it to
``casemock.server`` (method, raw target, headers, body; recorded with aws-cli 1.46.3,
@aws-sdk/client-connectcases 3.1138.0 on Node.js 20 and in Chromium, see
docs/real-clients.md). The assertions are what those clients rely on when they parse the
answer: status, ``x-amzn-ErrorType``, ``x-amzn-RequestId``, ``Content-Type``,
``Content-Length``, ISO-8601 timestamps, modeled error members in the JSON body, CORS.
Neither the CLI nor node is needed to run them.
"""

from __future__ import annotations

import email.message
import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock as patch

import pytest

from casemock import CasesMock, Settings
from casemock._errors import ServiceError
from casemock.backend import _registry
from casemock.server import run_in_thread

ACCOUNT = "111122223333"
REGION = "eu-west-2"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# What the JS SDK's parseRfc3339DateTimeWithOffset and botocore both accept.
ISO8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

CLI_USER_AGENT = (
    "aws-cli/1.46.3 md/Botocore#1.43.62 ua/2.1 os/linux md/arch#x86_64 lang/python#3.11.7 "
    "md/pyimpl#CPython m/g,b,Z,D,N cfg/retry-mode#legacy botocore/1.43.62"
)
JS_USER_AGENT = (
    "aws-sdk-js/3.1137.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 "
    "api/connectcases#3.1137.0 m/N,E,e"
)
BROWSER_ORIGIN = "http://127.0.0.1:5090"


def _authorization(access_key: str, region: str, signed: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential={access_key}/20261122/{region}/cases/aws4_request, "
        f"SignedHeaders={signed}, Signature={'0' * 64}"
    )


def cli_headers(body: bytes | None, region: str = REGION) -> dict[str, str]:
    """Headers as aws-cli 1.46.3 (botocore 1.43.62) sends them."""
    headers = {
        "Accept-Encoding": "identity",
        "User-Agent": CLI_USER_AGENT,
        "X-Amz-Date": "20261122T082320Z",
        "amz-sdk-invocation-id": "23dd7f25-9e4b-45ac-8ff7-90dd564e3759",
        "amz-sdk-request": "attempt=1",
    }
    if body is not None:
        headers["Content-Type"] = "application/json"
        headers["Authorization"] = _authorization("AKIDCLI", region, "content-type;host;x-amz-date")
    else:
        headers["Authorization"] = _authorization("AKIDCLI", region, "host;x-amz-date")
    return headers


def js_headers(body: bytes | None, region: str = REGION) -> dict[str, str]:
    """Headers as @aws-sdk/client-connectcases 3.1138.0 on Node.js sends them."""
    headers = {
        "x-amz-user-agent": "aws-sdk-js/3.1137.0",
        "user-agent": JS_USER_AGENT,
        "amz-sdk-invocation-id": "d26ea171-db57-44af-a358-588adfb33f51",
        "amz-sdk-request": "attempt=1; max=1",
        "x-amz-date": "20261122T082557Z",
        "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "connection": "keep-alive",
    }
    signed = "amz-sdk-invocation-id;amz-sdk-request;host;x-amz-content-sha256;x-amz-date"
    if body is not None:
        headers["content-type"] = "application/json"
        signed = signed.replace("request;host", "request;content-length;content-type;host")
    headers["authorization"] = _authorization("AKIDJS", region, signed + ";x-amz-user-agent")
    return headers


CLIENTS = {"cli": cli_headers, "js": js_headers}


@dataclass
class Reply:
    status: int
    headers: email.message.Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def send(
    endpoint: str,
    method: str,
    target: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One raw request; urllib adds only Host, Connection and (for a bodyless POST/PUT)
    ``Content-Length: 0``, as both clients do."""
    request = urllib.request.Request(
        endpoint + target, data=body, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())


@pytest.fixture(scope="module")
def server_mock() -> Iterator[tuple[str, CasesMock]]:
    # one server for the module: every test makes its own domain, so allow plenty
    mock = CasesMock(account_id=ACCOUNT, settings=Settings(domains=1000))
    server, thread = run_in_thread(mock=mock)
    try:
        yield f"http://127.0.0.1:{server.server_port}", mock
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def endpoint(server_mock: tuple[str, CasesMock]) -> str:
    return server_mock[0]


_names = iter(range(1_000_000))


def create_domain(endpoint: str, client: str = "js") -> dict[str, Any]:
    """CreateDomain's answer, plus the unique name it was given."""
    name = f"wire-{client}-{next(_names)}"
    body = json.dumps({"name": name}, separators=(",", ":")).encode()
    reply = send(endpoint, "POST", "/domains", body, CLIENTS[client](body))
    assert reply.status == 200, reply.body
    result: dict[str, Any] = reply.json()
    return {**result, "name": name}


def js_call(endpoint: str, method: str, target: str, payload: Any = None) -> Reply:
    body = None if payload is None else json.dumps(payload, separators=(",", ":")).encode()
    return send(endpoint, method, target, body, js_headers(body))


def create_case(endpoint: str, domain_id: str, title: str = "Printer on fire") -> str:
    template = js_call(
        endpoint,
        "POST",
        f"/domains/{domain_id}/templates",
        {"name": "Support", "status": "Active"},
    ).json()
    reply = js_call(
        endpoint,
        "POST",
        f"/domains/{domain_id}/cases",
        {
            "templateId": template["templateId"],
            "fields": [{"id": "title", "value": {"stringValue": title}}],
        },
    )
    assert reply.status == 200, reply.body
    case_id: str = reply.json()["caseId"]
    return case_id


# -- successful answers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("client", "body"),
    [
        ("cli", b'{"name": "cli-demo"}'),  # botocore's json.dumps keeps the spaces
        ("js", b'{"name":"js-demo"}'),
    ],
)
def test_create_domain_as_sent_by_each_client(endpoint: str, client: str, body: bytes) -> None:
    reply = send(endpoint, "POST", "/domains", body, CLIENTS[client](body))
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert int(reply.headers["Content-Length"]) == len(reply.body)
    assert UUID.match(reply.headers["x-amzn-RequestId"])
    assert reply.headers["Date"]  # the JS SDK corrects clock skew from it
    created = reply.json()
    assert created["domainStatus"] == "Active"
    # the region comes from the SigV4 credential scope, as the clients signed it
    assert created["domainArn"] == f"arn:aws:cases:{REGION}:{ACCOUNT}:domain/{created['domainId']}"


@pytest.mark.parametrize("client", ["cli", "js"])
def test_bodyless_post_answers_with_iso8601_timestamps(endpoint: str, client: str) -> None:
    domain = create_domain(endpoint, client)
    # GetDomain is a POST without a body: both clients send Content-Length: 0
    reply = send(endpoint, "POST", f"/domains/{domain['domainId']}", None, CLIENTS[client](None))
    assert reply.status == 200
    got = reply.json()
    assert ISO8601.match(got["createdTime"]), got["createdTime"]
    assert got["name"].startswith(f"wire-{client}-")
    assert got["tags"] == {}


@pytest.mark.parametrize("client", ["cli", "js"])
def test_tags_on_a_percent_encoded_arn_with_repeated_query_keys(endpoint: str, client: str) -> None:
    arn = create_domain(endpoint, client)["domainArn"]
    # both clients encode the whole ARN as one path segment: ':' -> %3A, '/' -> %2F
    target = "/tags/" + arn.replace(":", "%3A").replace("/", "%2F")
    body = json.dumps({"tags": {"k:x/y": "1", "plus+sign": "2", "a=b": "3", "keep": "4"}})
    tag = send(endpoint, "POST", target, body.encode(), CLIENTS[client](body.encode()))
    assert tag.status == 200
    assert tag.body == b""  # TagResource has no output members
    assert tag.headers["Content-Length"] == "0"

    # GET and DELETE without a body and without Content-Length
    listed = send(endpoint, "GET", target, None, CLIENTS[client](None))
    assert listed.json()["tags"] == {"k:x/y": "1", "plus+sign": "2", "a=b": "3", "keep": "4"}

    query = "?tagKeys=k%3Ax%2Fy&tagKeys=plus%2Bsign&tagKeys=a%3Db"
    untag = send(endpoint, "DELETE", target + query, None, CLIENTS[client](None))
    assert untag.status == 200
    listed = send(endpoint, "GET", target, None, CLIENTS[client](None))
    assert listed.json()["tags"] == {"keep": "4"}


def test_repeated_status_query_keys_filter_templates(endpoint: str) -> None:
    domain_id = create_domain(endpoint)["domainId"]
    for name, status in (("On", "Active"), ("Off", "Inactive")):
        js_call(
            endpoint, "POST", f"/domains/{domain_id}/templates", {"name": name, "status": status}
        )
    both = js_call(
        endpoint, "POST", f"/domains/{domain_id}/templates-list?status=Active&status=Inactive"
    )
    assert sorted(t["name"] for t in both.json()["templates"]) == ["Off", "On"]
    inactive = js_call(endpoint, "POST", f"/domains/{domain_id}/templates-list?status=Inactive")
    assert [t["name"] for t in inactive.json()["templates"]] == ["Off"]


def test_next_token_in_the_query_string_continues_the_listing(endpoint: str) -> None:
    domain_id = create_domain(endpoint)["domainId"]
    seen: list[str] = []
    target = f"/domains/{domain_id}/fields-list?maxResults=4"
    while True:
        page = js_call(endpoint, "POST", target).json()
        seen += [field["fieldId"] for field in page["fields"]]
        if "nextToken" not in page:
            break
        target = f"/domains/{domain_id}/fields-list?maxResults=4&nextToken={page['nextToken']}"
    assert len(seen) == len(set(seen)) > 4
    assert "title" in seen


def test_trailing_slash_routes_as_the_clients_send_them(endpoint: str) -> None:
    domain_id = create_domain(endpoint)["domainId"]
    case_id = create_case(endpoint, domain_id)
    created = js_call(
        endpoint,
        "POST",
        f"/domains/{domain_id}/cases/{case_id}/related-items/",
        {"type": "Comment", "content": {"comment": {"body": "hello", "contentType": "Text/Plain"}}},
    )
    assert created.status == 200, created.body
    assert created.json()["relatedItemArn"].endswith(
        f"/case/{case_id}/related-item/{created.json()['relatedItemId']}"
    )
    rules = js_call(endpoint, "POST", f"/domains/{domain_id}/rules-list/")
    assert rules.status == 200
    assert rules.json() == {"caseRules": []}


def test_put_update_then_search_with_a_filter(endpoint: str) -> None:
    domain_id = create_domain(endpoint, "cli")["domainId"]
    case_id = create_case(endpoint, domain_id)
    body = json.dumps({"fields": [{"id": "summary", "value": {"stringValue": "smoke seen"}}]})
    update = send(
        endpoint,
        "PUT",
        f"/domains/{domain_id}/cases/{case_id}",
        body.encode(),
        cli_headers(body.encode()),
    )
    assert update.status == 200
    assert update.json() == {}
    search = {
        "filter": {"field": {"equalTo": {"id": "summary", "value": {"stringValue": "smoke seen"}}}},
        "fields": [{"id": "title"}],
        "sorts": [{"fieldId": "created_datetime", "sortOrder": "Desc"}],
    }
    found = send(
        endpoint,
        "POST",
        f"/domains/{domain_id}/cases-search",
        json.dumps(search).encode(),
        cli_headers(json.dumps(search).encode()),
    ).json()
    assert found["totalCount"] == 1
    assert found["cases"][0]["caseId"] == case_id
    assert found["cases"][0]["fields"] == [
        {"id": "title", "value": {"stringValue": "Printer on fire"}}
    ]


def test_utf8_bodies_round_trip_with_byte_content_lengths(endpoint: str) -> None:
    domain_id = create_domain(endpoint)["domainId"]
    title = "Café ☕ #25"
    case_id = create_case(endpoint, domain_id, title)  # the JS SDK sends raw UTF-8
    reply = js_call(
        endpoint, "POST", f"/domains/{domain_id}/cases/{case_id}", {"fields": [{"id": "title"}]}
    )
    assert int(reply.headers["Content-Length"]) == len(reply.body)
    assert reply.json()["fields"] == [{"id": "title", "value": {"stringValue": title}}]


# -- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("client", ["cli", "js"])
def test_not_found_error_as_the_clients_parse_it(endpoint: str, client: str) -> None:
    reply = send(endpoint, "POST", "/domains/missing", None, CLIENTS[client](None))
    assert reply.status == 404
    # both clients take the code from this header; the JS SDK keeps what precedes ':'
    assert reply.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert reply.headers["Content-Type"] == "application/json"
    assert UUID.match(reply.headers["x-amzn-RequestId"])
    assert int(reply.headers["Content-Length"]) == len(reply.body)
    # modeled members come from the body (the JS SDK sets e.resourceId / e.resourceType)
    assert reply.json() == {
        "message": "Domain missing not found",
        "resourceId": "missing",
        "resourceType": "Domain",
    }


def test_too_long_name_is_a_validation_error(endpoint: str) -> None:
    # the JS SDK does not check max lengths client-side: the server must
    body = json.dumps({"name": "x" * 101}, separators=(",", ":")).encode()
    reply = send(endpoint, "POST", "/domains", body, js_headers(body))
    assert reply.status == 400
    assert reply.headers["x-amzn-ErrorType"] == "ValidationException"
    assert "Member must have length less than or equal to 100" in reply.json()["message"]


def test_duplicate_domain_name_is_a_conflict(endpoint: str) -> None:
    name = create_domain(endpoint)["name"]
    reply = js_call(endpoint, "POST", "/domains", {"name": name})
    assert reply.status == 409
    assert reply.headers["x-amzn-ErrorType"] == "ConflictException"


def test_unsupported_operation_is_a_json_501(endpoint: str) -> None:
    handlers = _registry.handlers()
    with patch.patch.dict(handlers):
        del handlers["ListDomains"]
        reply = js_call(endpoint, "POST", "/domains-list")
    assert reply.status == 501
    assert reply.headers["x-amzn-ErrorType"] == "UnsupportedOperationException"
    assert "'ListDomains'" in reply.json()["message"]
    assert js_call(endpoint, "POST", "/domains-list").status == 200  # still serving


def test_a_crashing_handler_is_a_json_500(
    endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("boom")

    with patch.patch.dict(_registry.handlers(), {"ListDomains": crash}):
        reply = js_call(endpoint, "POST", "/domains-list")
    assert reply.status == 500
    assert reply.headers["x-amzn-ErrorType"] == "InternalServerException"
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json()["message"].startswith("casemock failed: KeyError: 'boom'")
    assert "KeyError: 'boom'" in capsys.readouterr().err  # the traceback, for the user
    assert js_call(endpoint, "POST", "/domains-list").status == 200


def test_service_errors_from_handlers_keep_their_status(endpoint: str) -> None:
    def throttled(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        raise ServiceError("ThrottlingException", "Rate exceeded")

    with patch.patch.dict(_registry.handlers(), {"ListDomains": throttled}):
        reply = js_call(endpoint, "POST", "/domains-list")
    assert reply.status == 429
    assert reply.headers["x-amzn-ErrorType"] == "ThrottlingException"
    assert reply.json() == {"message": "Rate exceeded"}


# -- the JavaScript SDK in a browser: CORS -----------------------------------------------


def test_cors_preflight_as_chromium_sends_it(endpoint: str) -> None:
    reply = send(
        endpoint,
        "OPTIONS",
        "/domains/3d39731c-9c21-4981-9766-822f20d1361a/fields/f1",
        None,
        {
            "Origin": BROWSER_ORIGIN,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "amz-sdk-invocation-id,amz-sdk-request,"
            "authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-user-agent",
        },
    )
    assert reply.status == 200
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in reply.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST", "PUT", "DELETE"} <= methods
    # '*' would not cover Authorization: the requested list is echoed
    allowed = reply.headers["Access-Control-Allow-Headers"].split(",")
    assert "authorization" in allowed
    assert "x-amz-content-sha256" in allowed


def test_cors_headers_let_a_browser_read_errors_and_request_ids(endpoint: str) -> None:
    headers = js_headers(None)
    headers["Origin"] = BROWSER_ORIGIN
    for reply in (
        send(endpoint, "POST", "/domains-list", None, headers),
        send(endpoint, "POST", "/domains/missing", None, headers),
    ):
        assert reply.headers["Access-Control-Allow-Origin"] == "*"
        exposed = {
            h.strip().lower() for h in reply.headers["Access-Control-Expose-Headers"].split(",")
        }
        assert {"x-amzn-requestid", "x-amzn-errortype", "date", "retry-after"} <= exposed


# -- transport details --------------------------------------------------------------------


def test_a_slow_call_does_not_hold_up_other_clients(
    server_mock: tuple[str, CasesMock],
) -> None:
    endpoint, mock = server_mock
    domain_id = create_domain(endpoint)["domainId"]
    mock.add_latency("GetDomain", 1.2, times=1)
    slow = threading.Thread(target=js_call, args=(endpoint, "POST", f"/domains/{domain_id}"))
    try:
        slow.start()
        time.sleep(0.2)  # the GetDomain call is now waiting in the server
        started = time.monotonic()
        assert js_call(endpoint, "POST", "/domains-list").status == 200
        assert time.monotonic() - started < 0.6
    finally:
        slow.join()
        mock.faults.clear()


def test_absolute_form_request_target(endpoint: str) -> None:
    host, port = endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("POST", f"{endpoint}/domains-list", headers=js_headers(None))
        response = connection.getresponse()
        assert response.status == 200
        assert "domains" in json.loads(response.read())
    finally:
        connection.close()
