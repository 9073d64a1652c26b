"""casemock: an in-process mock of Amazon Connect Cases (botocore ``connectcases``)."""

from casemock._errors import (
    CasesMockError,
    MockNotStartedError,
    OutputShapeError,
    UnsupportedOperationError,
)
from casemock._mock import Call, CasesClient, CasesMock, mock_cases
from casemock._settings import Settings

__all__ = [
    "Call",
    "CasesClient",
    "CasesMock",
    "CasesMockError",
    "MockNotStartedError",
    "OutputShapeError",
    "Settings",
    "UnsupportedOperationError",
    "mock_cases",
]
