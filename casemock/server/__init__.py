"""HTTP server mode: the same router, decoder, validator, backend and encoder as the
in-process mock behind a WSGI app, so clients in other processes and languages (the AWS
CLI, the JavaScript, Java or Go SDKs, a service in a container) get byte-for-byte the
same answers. See docs/server.md.

``casemock-server --port 5000`` (or ``python -m casemock.server``) serves from the
command line; in a Python test, ``run_in_thread(mock=m)`` serves a mock on a background
thread and returns a :class:`~casemock.server.runner.Server` (``.url``, ``.port``,
``.stop()``, a context manager).

The modules, top to bottom:

* ``cli``: the command line, options from flags and CASEMOCK_* variables.
* ``runner``: waitress (HTTP/1.1, keep-alive, chunked bodies, limits, timeouts), the
  ``Server`` handle, JSON answers for requests waitress refuses.
* ``persistence``: ``--state FILE``, loaded at start, saved atomically at stop and on a
  timer.
* ``app``: the WSGI app: Connect Cases requests into ``_dispatch.handle``, CORS, the
  request log.
* ``control``: the endpoints under ``/_casemock/`` (health, reset, state, faults, calls).
* ``dashboard``: the HTML page at ``/_casemock/``.

Live, not patched: a server *opens* its mock (``CasesMock.open()``): the state is live
from the moment the server binds until it stops, so ``restore()``, the seeding helpers
and ``add_error``/``add_latency`` work on it and take effect over HTTP, while botocore
in the serving process stays unpatched (its own clients still reach AWS). A mock that is
already open or started is served as it is, sharing its state; otherwise the first
opening starts from empty state, or from the mock's ``state=``.

waitress is an optional dependency (``pip install 'casemock[server]'``); ``make_app``
works without it, in any WSGI server.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

from casemock._mock import CasesMock
from casemock.server.app import (
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_MAX_BODY,
    DEFAULT_THREADS,
    App,
    make_app,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from casemock.server.runner import Server


def serve(
    host: str = "127.0.0.1",
    port: int = 5000,
    *,
    mock: CasesMock | None = None,
    log: TextIO | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
    threads: int = DEFAULT_THREADS,
    state_file: str | os.PathLike[str] | None = None,
    autosave: float | None = None,
) -> Server:
    """A server bound to ``host``:``port`` (0: a free port) for ``mock`` (default: a new
    ``CasesMock()``), not yet answering: call ``serve_forever()`` on it, or use
    :func:`run_in_thread`. The mock is open (live, not patched) until ``stop()``.

    ``log``: a stream for one line per request. ``max_body``: the largest request body
    in bytes (413 beyond). ``idle_timeout``: seconds before an idle connection, a
    half-sent request included, is closed. ``state_file``: load the state from this file
    if it exists, save it there at ``stop()`` and, with ``autosave``, every so many
    seconds.
    """
    from casemock.server.persistence import StateFile
    from casemock.server.runner import Server  # CasesMockError without waitress

    persisted = StateFile(state_file, autosave=autosave) if state_file is not None else None
    app = App(mock or CasesMock(), log=log, max_body=max_body)
    return Server(app, host, port, threads=threads, idle_timeout=idle_timeout, state_file=persisted)


def run_in_thread(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    mock: CasesMock | None = None,
    log: TextIO | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    idle_timeout: int = DEFAULT_IDLE_TIMEOUT,
    threads: int = DEFAULT_THREADS,
    state_file: str | os.PathLike[str] | None = None,
    autosave: float | None = None,
) -> Server:
    """:func:`serve` on a background thread (port 0, the default, picks a free port)::

        with run_in_thread(mock=m) as server:
            client = boto3.client("connectcases", endpoint_url=server.url, ...)

    (``server, thread = run_in_thread(...)`` still works, as in casemock 0.1.)
    """
    server = serve(
        host,
        port,
        mock=mock,
        log=log,
        max_body=max_body,
        idle_timeout=idle_timeout,
        threads=threads,
        state_file=state_file,
        autosave=autosave,
    )
    return server.start_thread()


def main(argv: Sequence[str] | None = None) -> int:
    """The ``casemock-server`` command (see ``casemock-server --help``)."""
    from casemock.server.cli import main as run

    return run(argv)


def __getattr__(name: str) -> object:
    if name == "Server":
        from casemock.server.runner import Server

        return Server
    raise AttributeError(f"module 'casemock.server' has no attribute {name!r}")


__all__ = ["App", "Server", "main", "make_app", "run_in_thread", "serve"]
