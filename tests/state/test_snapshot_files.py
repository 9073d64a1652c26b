"""Snapshot files: save() never loses the previous good file, load() never loads a bad one."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from casemock import CasesMock, SnapshotFormatError, mock_cases
from casemock.seeding import create_cases, seed_domain


def saved_domains(path: Path) -> list[str]:
    with mock_cases() as m:
        m.load(path)
        return sorted(d.name for d in m.backend().domains.values())


@pytest.fixture(params=["state.json", "state.json.gz"])
def saved(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path: Path = tmp_path / request.param
    with mock_cases() as m:
        m.client().create_domain(name="good")
        m.save(path)
    return path


def leftovers(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p != path)


def test_a_save_that_fails_midway_leaves_the_previous_file(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with mock_cases() as m:
        m.client().create_domain(name="newer")
        monkeypatch.setattr(os, "fsync", disk_full)
        with pytest.raises(OSError, match="No space left"):
            m.save(saved)
    assert saved_domains(saved) == ["good"]
    assert leftovers(saved) == []  # the temporary file is removed


def test_an_unserialisable_document_leaves_the_previous_file(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with mock_cases() as m:
        doc = m.snapshot()
        doc["regions"] = {"us-east-1": {"domains": object()}}
        monkeypatch.setattr(m, "snapshot", lambda: doc)
        with pytest.raises(TypeError):
            m.save(saved)
    assert saved_domains(saved) == ["good"]
    assert leftovers(saved) == []


def test_save_replaces_the_file_and_keeps_its_mode(saved: Path) -> None:
    saved.chmod(0o640)
    with mock_cases() as m:
        m.client().create_domain(name="newer")
        m.save(saved)
    assert saved_domains(saved) == ["newer"]
    assert saved.stat().st_mode & 0o777 == 0o640
    assert leftovers(saved) == []


WRITER = """
import sys
from casemock import mock_cases
from casemock.seeding import create_cases, seed_domain

path = sys.argv[1]
with mock_cases(seed=1) as m:
    domain = seed_domain(m, "big", template=True)
    create_cases(m, domain.domain_id, domain.template_id,
                 [{"title": str(i), "summary": "x" * 2900} for i in range(600)])
    m.save(path)
    print("ready", flush=True)
    while True:
        m.save(path)
"""


@pytest.mark.parametrize("name", ["big.json", "big.json.gz"])
def test_kill_9_during_a_save_leaves_a_readable_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    for delay in (0.03, 0.11):
        writer = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(WRITER), str(path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready"
            time.sleep(delay)  # somewhere inside one of the next saves
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
            assert writer.stdout is not None
            writer.stdout.close()
        with mock_cases() as m:
            m.load(path)
            assert len(m.backend().domain("big").cases) == 600
        for stray in path.parent.glob(f".{name}.*.tmp"):  # a kill can leave one behind
            stray.unlink()


# -- unreadable files ---------------------------------------------------------------------


def good_document() -> dict[str, Any]:
    with mock_cases() as m:
        m.client().create_domain(name="good")
        doc: dict[str, Any] = json.loads(json.dumps(m.snapshot()))
        return doc


def damaged_files() -> dict[str, tuple[str, bytes]]:
    good = json.dumps(good_document()).encode()
    zipped = gzip.compress(good)
    return {
        "bad JSON": ("state.json", b'{"format": "casemock-state", '),
        "truncated gzip": ("state.json.gz", zipped[: len(zipped) // 2]),
        "gzip header only": ("state.json.gz", zipped[:10]),
        "not gzip": ("state.json.gz", b"\x1f\x8b\x00garbage" * 10),
        "not UTF-8": ("state.json", b'{"format": "casemock-\xff\xfe"}'),
        "not UTF-8 in gzip": ("state.json.gz", gzip.compress(b'["\xc3\x28"]')),
        "empty": ("state.json", b""),
        "top-level array": ("state.json", b"[1, 2, 3]"),
        "top-level string": ("state.json", b'"casemock-state"'),
        "missing regions": (
            "state.json",
            json.dumps({k: v for k, v in json.loads(good).items() if k != "regions"}).encode(),
        ),
        "regions a list": (
            "state.json",
            json.dumps({**json.loads(good), "regions": []}).encode(),
        ),
        "seq a string": ("state.json", json.dumps({**json.loads(good), "seq": "7"}).encode()),
        "nested too deeply": ("state.json", b"[" * 100_000 + b"]" * 100_000),
        "NaN": ("state.json", good.replace(b'"seq":', b'"x": NaN, "seq":')),
    }


@pytest.mark.parametrize("case", sorted(damaged_files()))
def test_an_unreadable_file_raises_snapshot_format_error(
    case: str, tmp_path: Path, mock: CasesMock
) -> None:
    name, data = damaged_files()[case]
    path = tmp_path / name
    path.write_bytes(data)
    mock.client().create_domain(name="current")
    before = mock.snapshot()
    with pytest.raises(SnapshotFormatError) as excinfo:
        mock.load(path)
    assert "casemock state document" in str(excinfo.value)
    assert mock.snapshot() == before
    with pytest.raises(SnapshotFormatError), mock_cases(state=path):
        pass


def test_a_missing_file_raises_file_not_found(tmp_path: Path, mock: CasesMock) -> None:
    with pytest.raises(FileNotFoundError):
        mock.load(tmp_path / "nowhere.json")
    with pytest.raises(FileNotFoundError):
        mock.restore(tmp_path / "nowhere.json.gz")


def test_a_damaged_file_names_the_place(tmp_path: Path, mock: CasesMock) -> None:
    doc = good_document()
    (domain_id,) = doc["regions"]["us-east-1"]["domains"]
    doc["regions"]["us-east-1"]["domains"][domain_id]["fields"]["title"]["type"] = "Banana"
    path = tmp_path / "state.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SnapshotFormatError) as excinfo:
        mock.load(path)
    message = str(excinfo.value)
    assert f"regions.us-east-1.domains.{domain_id}.fields.title" in message
    assert "Banana" in message


def test_a_gzip_file_loads_whatever_its_name(tmp_path: Path) -> None:
    with mock_cases() as m:
        seed = seed_domain(m, "support", template=True)
        create_cases(m, seed.domain_id, str(seed.template_id), [{"title": "a"}])
        m.save(tmp_path / "state.json.gz")
    (tmp_path / "state.json.gz").rename(tmp_path / "state.bin")
    with mock_cases(state=tmp_path / "state.bin") as m:
        assert len(m.backend().domain("support").cases) == 1
