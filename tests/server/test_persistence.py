"""Saving state is atomic: a failure or a ``kill -9`` in the middle of a save leaves the
previous good file, never a truncated one."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from casemock import CasesMock, CasesMockError, Settings, mock_cases
from casemock._snapshots import document
from casemock.seeding import create_cases, seed_domain
from casemock.server import run_in_thread
from casemock.server.persistence import StateFile
from tests.server.serving import call, client, serving


def snapshot_with(name: str) -> dict[str, object]:
    with CasesMock() as mock:
        mock.client().create_domain(name=name)
        return dict(mock.snapshot())


def test_a_failed_write_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    document.write(snapshot_with("first"), path)
    before = path.read_bytes()

    def fail(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="No space left"):
        document.write(snapshot_with("second"), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


@pytest.mark.parametrize("name", ["state.json", "state.json.gz"])
def test_write_and_read_back(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    doc = snapshot_with("round-trip")
    document.write(doc, path)
    assert document.read(path) == json.loads(json.dumps(doc))


def test_stale_temporary_files_are_removed_at_start(tmp_path: Path) -> None:
    """A process killed in the middle of a save leaves its temporary file; the next start
    removes it, and leaves other files and the temporaries of running processes alone."""
    path = tmp_path / "state.json"
    killed = textwrap.dedent(
        f"""
        import os
        from casemock._snapshots import document
        os.replace = lambda *args: os._exit(9)  # killed after writing, before renaming
        document.write({{"format": "casemock-state"}}, {str(path)!r})
        """
    )
    subprocess.run([sys.executable, "-c", killed], check=False)
    (stale,) = tmp_path.glob(".state.json.*.tmp")
    running = tmp_path / f".state.json.{os.getpid()}.0a1b2c3d.tmp"
    running.write_text("{")
    unrelated = tmp_path / ".other.json.1.0a1b2c3d.tmp"
    unrelated.write_text("{")
    StateFile(path)
    assert not stale.exists()
    assert running.exists() and unrelated.exists()


def test_run_in_thread_with_a_state_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json.gz"
    with run_in_thread(state_file=path) as server:
        client(server.url).create_domain(name="kept-in-a-file")
    with run_in_thread(state_file=path) as server:
        names = [d["name"] for d in client(server.url).list_domains()["domains"]]
    assert names == ["kept-in-a-file"]


def big_document(cases: int) -> dict[str, object]:
    with CasesMock(seed=7) as mock:
        seeded = seed_domain(
            mock, "bulk", fields=[{"name": "Notes", "type": "Text"}], template=True
        )
        assert seeded.template_id is not None
        rows = [{"title": f"case {i}", "Notes": "x" * 200} for i in range(cases)]
        create_cases(mock, seeded.domain_id, seeded.template_id, rows)
        return dict(mock.snapshot())


def test_kill_9_during_autosave_leaves_a_readable_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    doc = big_document(2000)
    document.write(doc, path)
    rng = random.Random(1)
    interrupted = 0
    for _ in range(8):
        with serving("--state", str(path), "--autosave", "0.01") as server:
            call(f"{server.url}/_casemock/state", "PUT", doc)  # a few MB to write each time
            time.sleep(0.3 + rng.random() * 0.3)
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(timeout=30)
            # a save cut short leaves its temporary file next to the target
            interrupted += any(p != path for p in tmp_path.iterdir())
        saved = document.read(path)  # never truncated, always complete
        (region,) = saved["regions"].values()
        (domain,) = region["domains"].values()
        assert len(domain["cases"]) == 2000
        if interrupted:
            break
    # How many kills land mid-save depends on the machine's speed (a save takes a few
    # milliseconds); what must hold after every kill is a complete file, checked above.
    print(f"{interrupted} kill(s) interrupted a save")


def test_a_file_saved_under_other_options_names_the_flags(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with mock_cases(settings=Settings(domains=3)) as roomy:
        for name in ("a", "b", "c"):
            roomy.client().create_domain(name=name)
        roomy.save(path)
    strict = CasesMock(settings=Settings(domains=2))
    strict.open()
    try:
        with pytest.raises(CasesMockError, match="--domains") as excinfo:
            StateFile(path).load(strict)
        assert "the quota is 2" in str(excinfo.value)
        assert strict.store.domain_count() == 0
    finally:
        strict.close()
