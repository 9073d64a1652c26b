"""The HTTP transport, byte by byte over raw sockets: keep-alive, HTTP/1.0, chunked
bodies, malformed and oversize requests, idle connections, IPv6, and faults and state of
a served mock taking effect over HTTP."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from casemock import CasesMock, _intercept
from casemock.server import Server, run_in_thread, serve
from tests.server.serving import call, client

HOST = "127.0.0.1"


@pytest.fixture
def server() -> Iterator[Server]:
    with run_in_thread(mock=CasesMock(), max_body=4096, idle_timeout=1) as running:
        yield running


def connect(server: Server) -> socket.socket:
    return socket.create_connection((HOST, server.port), timeout=10)


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP response from ``sock`` (Content-Length framed)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:length]


def request_bytes(method: str, path: str, body: bytes = b"", *, version: str = "1.1") -> bytes:
    head = f"{method} {path} HTTP/{version}\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
    return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def closed_by_peer(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_keep_alive_answers_several_requests_on_one_connection(server: Server) -> None:
    with connect(server) as sock:
        for name in ("first", "second", "third"):
            sock.sendall(request_bytes("POST", "/domains", json.dumps({"name": name}).encode()))
            status, headers, body = read_response(sock)
            assert status == 200, body
            assert headers.get("connection", "keep-alive").lower() != "close"
        sock.sendall(request_bytes("POST", "/domains-list"))
        status, _, body = read_response(sock)
    assert [d["name"] for d in json.loads(body)["domains"]] == ["first", "second", "third"]


def test_http_1_0_request_is_answered_and_closed(server: Server) -> None:
    with connect(server) as sock:
        sock.sendall(request_bytes("POST", "/domains-list", version="1.0"))
        status, _, body = read_response(sock)
        assert status == 200
        assert json.loads(body) == {"domains": []}
        assert closed_by_peer(sock)


def test_chunked_body_is_decoded(server: Server) -> None:
    payload = json.dumps({"name": "sent-in-chunks"}).encode()
    chunks = b"".join(
        f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (payload[:7], payload[7:])
    )
    head = (
        f"POST /domains HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    )
    with connect(server) as sock:
        sock.sendall(head.encode() + chunks + b"0\r\n\r\n")
        status, _, body = read_response(sock)
    assert status == 200, body
    assert server.mock.backend().domain("sent-in-chunks").name == "sent-in-chunks"


@pytest.mark.parametrize("length", ["abc", "-5", "12, 13"])
def test_malformed_content_length_gets_a_json_400(server: Server, length: str) -> None:
    raw = f"POST /domains HTTP/1.1\r\nHost: {HOST}\r\nContent-Length: {length}\r\n\r\n{{}}"
    with connect(server) as sock:
        sock.sendall(raw.encode())
        status, headers, body = read_response(sock)
    assert status == 400
    assert headers["content-type"] == "application/json"
    assert headers["x-amzn-errortype"] == "BadRequestException"
    assert "Content-Length" in json.loads(body)["message"]


def test_body_over_the_limit_gets_a_json_413(server: Server) -> None:
    body = json.dumps({"name": "x" * 5000}).encode()
    with connect(server) as sock:
        sock.sendall(request_bytes("POST", "/domains", body))
        status, headers, answer = read_response(sock)
    assert status == 413
    assert headers["x-amzn-errortype"] == "RequestEntityTooLargeException"
    assert "4096 bytes" in json.loads(answer)["message"]
    assert server.mock.calls == []


def test_a_client_sending_a_large_body_at_once_reads_the_413(server: Server) -> None:
    """The 413 is answered after the body is read, so a client that writes the whole body
    before reading (Python's http.client, Node's fetch) gets it, not a reset connection."""
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host.strip("[]"), int(port), timeout=30)
    try:
        connection.request("PUT", "/_casemock/state", body=b"x" * 16_000_000)
        reply = connection.getresponse()
        assert reply.status == 413
        assert reply.getheader("x-amzn-ErrorType") == "RequestEntityTooLargeException"
        assert "larger than this server's limit" in json.loads(reply.read())["message"]
    finally:
        connection.close()


def test_chunked_body_over_the_limit_gets_a_json_413(server: Server) -> None:
    head = f"POST /domains HTTP/1.1\r\nHost: {HOST}\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"1000\r\n" + b"x" * 4096 + b"\r\n"
    with connect(server) as sock:
        sock.sendall(head.encode() + chunk + chunk + b"0\r\n\r\n")
        status, _, answer = read_response(sock)
    assert status == 413
    assert json.loads(answer)["message"].startswith("The request body is larger")


def test_a_body_at_the_limit_is_accepted() -> None:
    body = json.dumps({"name": "fits"}).encode()
    with run_in_thread(mock=CasesMock(), max_body=len(body)) as running:
        assert call(f"{running.url}/domains", "POST", data=body).status == 200


def test_half_sent_request_is_closed_after_the_idle_timeout(server: Server) -> None:
    with connect(server) as sock:
        sock.sendall(b"POST /domains HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        started = time.monotonic()
        assert closed_by_peer(sock)
        assert time.monotonic() - started < 8


def test_idle_keep_alive_connection_is_closed(server: Server) -> None:
    with connect(server) as sock:
        sock.sendall(request_bytes("POST", "/domains-list"))
        assert read_response(sock)[0] == 200
        assert closed_by_peer(sock)


def test_unknown_route_is_a_json_error_not_a_page(server: Server) -> None:
    reply = call(f"{server.url}/no/such/route", "POST", data=b"{}")
    assert reply.status == 400
    assert reply.json()["message"] == "No operation matches POST /no/such/route"


def test_root_points_to_the_dashboard_and_health(server: Server) -> None:
    reply = call(f"{server.url}/")
    assert reply.status == 200
    assert reply.json()["dashboard"] == "/_casemock/"
    assert reply.json()["health"] == "/_casemock/health"
    with connect(server) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/html\r\n\r\n".encode())
        status, headers, _ = read_response(sock)
    assert (status, headers["location"]) == (302, "/_casemock/")


def test_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        running = run_in_thread("::1", mock=CasesMock())
    except OSError as error:
        pytest.skip(f"cannot bind ::1: {error}")
    with running:
        assert running.url == f"http://[::1]:{running.port}"
        client(running.url).create_domain(name="over-ipv6")
        assert [d["name"] for d in client(running.url).list_domains()["domains"]] == ["over-ipv6"]


def test_busy_port_raises_oserror(server: Server) -> None:
    with pytest.raises(OSError):
        serve(HOST, server.port)


def test_faults_of_the_served_mock_fire_over_http() -> None:
    mock = CasesMock()
    mock.add_error("ListDomains", "ThrottlingException", times=1)  # before serving
    with run_in_thread(mock=mock) as running:
        cases = client(running.url)
        with pytest.raises(ClientError) as first:
            cases.list_domains()
        assert first.value.response["Error"]["Code"] == "ThrottlingException"
        assert cases.list_domains()["domains"] == []
        mock.add_error("CreateDomain", "AccessDeniedException", times=1)  # while serving
        with pytest.raises(ClientError) as second:
            cases.create_domain(name="refused")
        assert second.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        mock.add_latency("ListDomains", 0.3, times=1)
        started = time.monotonic()
        cases.list_domains()
        assert time.monotonic() - started >= 0.3


def test_a_served_mock_is_live_but_botocore_is_not_patched() -> None:
    mock = CasesMock()
    assert not mock.live
    with run_in_thread(mock=mock):
        assert mock.live and not mock.active
        assert _intercept.current() is None
    assert not mock.live


def test_a_started_mock_can_be_served_and_keeps_its_state() -> None:
    with CasesMock() as mock:
        mock.client().create_domain(name="in-process")
        with run_in_thread(mock=mock) as running:
            names = [d["name"] for d in client(running.url).list_domains()["domains"]]
        assert names == ["in-process"]
        assert mock.active and mock.live  # stopping the server leaves the mock started


def test_server_handle_is_compatible_with_the_tuple_of_0_1() -> None:
    server, thread = run_in_thread(mock=CasesMock())
    assert thread is not None and thread.is_alive()
    assert server.server_port == server.port
    server.shutdown()
    server.server_close()
    thread.join(10)
    assert not thread.is_alive()


def test_serve_then_serve_forever_on_a_thread_of_ones_own() -> None:
    import threading

    server = serve(HOST, 0, mock=CasesMock())
    worker = threading.Thread(target=server.serve_forever)
    worker.start()
    try:
        assert call(f"{server.url}/_casemock/health").status == 200
    finally:
        server.stop()
        worker.join(10)
    assert not worker.is_alive()


def test_a_server_that_never_served_can_be_stopped() -> None:
    mock = CasesMock()
    server = serve(HOST, 0, mock=mock)
    assert mock.live
    server.stop()
    server.stop()
    assert not mock.live


def test_a_started_mock_answers_in_process_clients_even_with_a_server_endpoint() -> None:
    """As docs/server.md says: do not start a mock in a test that means the HTTP path."""
    served = CasesMock()
    with run_in_thread(mock=served) as running, CasesMock() as local:
        client(running.url).create_domain(name="answered-in-process")
        assert [c.operation for c in local.calls] == ["CreateDomain"]
        assert served.calls == []


def test_stop_finishes_the_request_in_progress() -> None:
    import threading

    mock = CasesMock()
    running = run_in_thread(mock=mock)
    mock.add_latency("ListDomains", 0.5, times=1)
    answers: list[int] = []
    worker = threading.Thread(
        target=lambda: answers.append(call(f"{running.url}/domains-list", "POST").status)
    )
    worker.start()
    time.sleep(0.2)  # the request is now waiting in the server
    running.stop()
    worker.join(10)
    assert answers == [200]
