"""Serving the app with waitress: HTTP/1.1 with keep-alive, chunked request bodies, a body
size limit, an idle timeout and a pool of worker threads, in pure Python.

waitress parses requests on one event-loop thread and runs the app on its workers.
Requests waitress refuses itself (a ``Content-Length`` that is not a number, a body over
the limit, broken chunked framing, oversize headers) get casemock's JSON error layout,
not waitress's plain-text page (``_JsonErrorTask``). A connection idle for
``idle_timeout`` seconds, a half-sent request included, is closed.

:class:`Server` owns the listening socket, the loop and the mock's opening: the mock is
opened (its state made live, botocore left alone) when the server binds and closed when
it stops; ``StateFile`` persistence loads before the first request and saves after the
last one.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any, cast

from casemock._errors import CasesMockError

try:
    from waitress import wasyncore
    from waitress.adjustments import Adjustments
    from waitress.channel import HTTPChannel
    from waitress.server import TcpWSGIServer
    from waitress.task import ErrorTask, ThreadedTaskDispatcher
except ImportError as failure:  # pragma: no cover - the server extra is not installed
    raise CasesMockError(
        "casemock's HTTP server needs waitress: pip install 'casemock[server]'"
    ) from failure

from casemock._mock import CasesMock
from casemock.server.app import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_THREADS,
    App,
    cors_headers,
    reason,
    too_large,
    transport_error,
)
from casemock.server.persistence import StateFile

# waitress logs a warning when requests queue for a worker; with SDKs firing calls in
# parallel that is normal, not a problem.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def read_bound(max_body: int) -> int:
    """The largest body waitress reads through before refusing it by closing the
    connection: four times the limit, or the limit and 64 MiB, whichever is more."""
    return max(4 * max_body, max_body + 64 * 2**20) + 1


class _JsonErrorTask(ErrorTask):
    """waitress's refusals (400, 413, 431, 500, 501) in casemock's JSON layout."""

    def execute(self) -> None:
        refusal: Any = cast(Any, self.request).error
        server = cast(_TcpServer, self.channel.server)
        if refusal.code == 413:
            status, headers, body = too_large(server.max_body)
        else:
            detail = str(refusal.body)
            if "Content-Length" in detail:
                detail = "the Content-Length header is not a number of bytes"
            status, headers, body = transport_error(refusal.code, f"{refusal.reason}: {detail}.")
        self.status = f"{status} {reason(status)}"
        cast(list[tuple[str, str]], self.response_headers).extend(
            {**headers, **cors_headers()}.items()
        )
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)
        app = server.application
        if isinstance(app, App) and app.log is not None:
            app.write_log("-", status, 0.0)


class _Channel(HTTPChannel):
    error_task_class = _JsonErrorTask


class _TcpServer(TcpWSGIServer):
    channel_class = _Channel
    max_body = 0


class Server:
    """A casemock HTTP server. ``url``, ``host`` and ``port`` name where it listens
    (``port`` is the real one when 0 was asked for); ``mock`` is the mock it serves.
    ``serve_forever()`` runs it in the calling thread until ``stop()``; ``run_in_thread``
    runs it on a background thread. As a context manager, leaving the block stops it.

    The mock is opened (its state live, botocore not patched) from construction to
    ``stop()``, so it can be seeded, restored and given faults before the first request.
    """

    def __init__(
        self,
        app: App,
        host: str,
        port: int,
        *,
        threads: int = DEFAULT_THREADS,
        idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
        state_file: StateFile | None = None,
    ) -> None:
        self.mock: CasesMock = app.mock
        self.app = app
        self._state_file = state_file
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._serving: threading.Thread | None = None  # the thread in serve_forever
        self._closed = False
        self._thread: threading.Thread | None = None
        self._map: dict[int, Any] = {}
        adjustments = Adjustments(
            host=host,
            port=port,
            threads=threads,
            channel_timeout=idle_timeout,
            # how often idle connections are looked for (waitress: whole seconds)
            cleanup_interval=max(1, min(30, idle_timeout // 2)),
            # waitress refuses a body of max_request_body_size bytes or more by closing
            # the connection before the client has sent it, which most clients see as a
            # reset, not the 413. So waitress reads (and buffers) bodies up to a wider
            # bound, and the app answers a body over max_body with the 413 itself.
            max_request_body_size=read_bound(app.max_body),
            connection_limit=500,
            ident="casemock",
            asyncore_use_poll=True,
            clear_untrusted_proxy_headers=False,
        )
        self._dispatcher = ThreadedTaskDispatcher()
        self._dispatcher.set_thread_count(threads)
        try:
            # one socket: the first address the host resolves to (one port, even with 0)
            self._server = _TcpServer(
                app,
                self._map,
                dispatcher=self._dispatcher,
                adj=adjustments,
                sockinfo=cast(Any, adjustments.listen[0]),
            )
            self._server.max_body = app.max_body
            self.host = host
            self.port = int(cast(Any, self._server).effective_port)
            literal = f"[{host}]" if ":" in host else host
            self.url = f"http://{literal}:{self.port}"
            self.mock.open()
        except BaseException:
            self._release()
            raise
        try:
            if state_file is not None:
                state_file.load(self.mock)
                state_file.start_autosave(self.mock)
        except BaseException:
            self.mock.close()
            self._release()
            raise

    def __repr__(self) -> str:
        state = "stopped" if self._stopped.is_set() else "ready"
        return f"<casemock Server {self.url} {state}>"

    @property
    def thread(self) -> threading.Thread | None:
        """The background thread of ``run_in_thread`` (None otherwise)."""
        return self._thread

    @property
    def loopback(self) -> bool:
        """True when only this machine can reach the server."""
        return is_loopback(str(cast(Any, self._server).effective_host))

    def serve_forever(self) -> None:
        """Answer requests until ``stop()`` (from another thread or a signal handler)."""
        with self._lock:
            if self._closed or self._serving is not None:
                raise RuntimeError("this casemock server is already serving, or stopped")
            self._serving = threading.current_thread()
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=1.0, map=self._map, use_poll=True, count=1)
        finally:
            self._shutdown()

    def start_thread(self) -> Server:
        """Run ``serve_forever`` on a daemon thread."""
        thread = threading.Thread(
            target=self.serve_forever, name=f"casemock-server-{self.port}", daemon=True
        )
        self._thread = thread
        thread.start()
        return self

    def request_stop(self) -> None:
        """Ask the loop to stop and return at once (safe in a signal handler)."""
        self._stopping.set()
        if not self._closed:
            with contextlib.suppress(OSError):  # closed meanwhile: the loop has ended
                self._server.pull_trigger()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving: finish the requests in progress (up to 5 seconds), save the state
        file when there is one, close the socket and the mock. Safe to call twice."""
        if self._stopped.is_set():
            return
        self.request_stop()
        with self._lock:
            serving = self._serving
        if serving is None and (self._thread is None or not self._thread.is_alive()):
            self._shutdown()  # never served
        elif serving is not threading.current_thread():
            self._stopped.wait(timeout)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- what casemock 0.1's wsgiref server and run_in_thread offered --------------------

    @property
    def server_port(self) -> int:
        return self.port

    def shutdown(self) -> None:
        self.stop()

    def server_close(self) -> None:
        self.stop()

    def __iter__(self) -> Iterator[Any]:
        """``server, thread = run_in_thread(...)`` as in casemock 0.1."""
        return iter((self, self._thread))

    # -- internals ------------------------------------------------------------------------

    def _shutdown(self) -> None:
        """After the loop: accept nothing more, let the workers finish the requests in
        progress, send what they answered, save, close."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        try:
            self._server.accepting = False
            # the workers' last answers may still pull the trigger: it stays open until
            # _release, after the workers are gone
            self._dispatcher.shutdown(cancel_pending=True, timeout=5)
            self._flush(deadline=time.monotonic() + 2)
            if self._state_file is not None:
                self._state_file.stop_autosave()
                self._state_file.save(self.mock)
        finally:
            self._release()
            self.mock.close()
            self._stopped.set()

    def _flush(self, deadline: float) -> None:
        """Run the loop until every connection has sent what it holds (or the deadline)."""
        while time.monotonic() < deadline and any(
            getattr(channel, "total_outbufs_len", 0) for channel in list(self._map.values())
        ):
            wasyncore.loop(timeout=0.05, map=self._map, use_poll=True, count=1)

    def _release(self) -> None:
        wasyncore.close_all(self._map)
        self._dispatcher.shutdown(cancel_pending=True, timeout=1)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return host == "localhost"
