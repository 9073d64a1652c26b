"""casemock: an in-process mock of Amazon Connect Cases (botocore ``connectcases``).

Public names are listed in ``__all__``; the types of what ``CasesMock.backend()`` returns
are in :mod:`casemock.views`, the seeding helpers in :mod:`casemock.seeding` and the HTTP
server mode in :mod:`casemock.server`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from casemock._errors import (
    CasesMockError,
    CasesMockWarning,
    MockNotStartedError,
    OutputShapeError,
    ServiceError,
    SnapshotFormatError,
    UnsupportedMemberError,
    UnsupportedOperationError,
)
from casemock._mock import CasesClient, CasesMock, mock_cases
from casemock._settings import Settings

__version__: str

if TYPE_CHECKING:
    from casemock._dispatch import Call
    from casemock._snapshots.document import StateDocument

# Imported on first use, so that `import casemock` stays cheap.
_LAZY = {
    "Call": "casemock._dispatch",
    "StateDocument": "casemock._snapshots.document",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":  # read on first use: importlib.metadata costs ~20 ms
        value = _version()
        globals()["__version__"] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'casemock' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("casemock")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0+unknown"


__all__ = [
    "Call",
    "CasesClient",
    "CasesMock",
    "CasesMockError",
    "CasesMockWarning",
    "MockNotStartedError",
    "OutputShapeError",
    "ServiceError",
    "Settings",
    "SnapshotFormatError",
    "StateDocument",
    "UnsupportedMemberError",
    "UnsupportedOperationError",
    "__version__",
    "mock_cases",
]
