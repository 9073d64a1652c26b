"""``--state FILE``: a server's state kept across restarts.

The file is read when the server starts (if it exists; a missing file means empty state,
and is where the state will be saved), written when the server stops (SIGTERM, SIGINT,
``Server.stop()``) and, with ``autosave``, every so many seconds while it runs. Writing
goes through ``casemock._snapshots.document.write``: a temporary file in the same
directory, flushed to disk and renamed over the target, so a crash or ``kill -9`` in the
middle of a save leaves the previous good file. A name ending in ``.gz`` is gzip-compressed.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path
from typing import TextIO

from casemock._errors import CasesMockError, SnapshotFormatError
from casemock._mock import CasesMock
from casemock._snapshots import document


class StateFile:
    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        autosave: float | None = None,
        errors: TextIO | None = None,
    ) -> None:
        self.path = Path(path)
        self.autosave = autosave
        self._errors = errors
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._save_lock = threading.Lock()
        folder = self.path.parent
        if not folder.is_dir():
            raise CasesMockError(f"cannot keep state in {self.path}: {folder} is not a directory")
        if not os.access(folder, os.W_OK):
            raise CasesMockError(f"cannot keep state in {self.path}: {folder} is not writable")
        if autosave is not None and autosave <= 0:
            raise CasesMockError(f"autosave must be a positive number of seconds, got {autosave}")
        self._remove_stale_temporaries()

    def _remove_stale_temporaries(self) -> None:
        """Temporary files of saves that a crash or kill -9 interrupted."""
        for candidate in document.stray_temporaries(self.path):
            with contextlib.suppress(OSError):
                candidate.unlink()

    def load(self, mock: CasesMock) -> bool:
        """Restore the file into ``mock`` if it exists (True if it did)."""
        if not self.path.exists():
            return False
        try:
            mock.restore(self.path)
        except SnapshotFormatError as failure:
            raise CasesMockError(
                f"cannot read the state file {self.path}: {failure} (a file is read under "
                "the server's own options: if it is intact, start the server with those it "
                "was saved under, such as --account-id or quota flags like --domains)"
            ) from None
        except (OSError, EOFError, ValueError) as failure:
            raise CasesMockError(f"cannot read the state file {self.path}: {failure}") from None
        return True

    def save(self, mock: CasesMock) -> None:
        with self._save_lock:
            document.write(mock.snapshot(), self.path)

    def start_autosave(self, mock: CasesMock) -> None:
        if self.autosave is None or self._thread is not None:
            return
        interval = self.autosave

        def run() -> None:
            while not self._stop.wait(interval):
                try:
                    self.save(mock)
                except Exception as failure:  # keep serving; say why the file is stale
                    stream = self._errors or sys.stderr
                    stream.write(f"casemock: warning: autosave to {self.path} failed: {failure}\n")
                    stream.flush()

        self._thread = threading.Thread(target=run, name="casemock-autosave", daemon=True)
        self._thread.start()

    def stop_autosave(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
