"""Injected faults: modeled errors travel on the wire, so botocore reacts as with AWS."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from casemock import _model
from casemock._errors import CasesMockError, ServiceError


@dataclass
class ErrorRule:
    operation: str | None  # None: every operation
    code: str
    message: str
    remaining: int | None  # None: unlimited

    def matches(self, operation: str) -> bool:
        return self.operation is None or self.operation == operation


class Faults:
    def __init__(self) -> None:
        self._rules: list[ErrorRule] = []
        self._lock = threading.Lock()

    def add_error(
        self, operation: str | None, code: str, *, times: int | None = 1, message: str | None = None
    ) -> ErrorRule:
        if operation is not None and not _model.has_operation(operation):
            raise CasesMockError(
                f"{operation!r} is not an operation of the installed connectcases model; "
                "use the PascalCase operation name, e.g. 'CreateCase'."
            )
        codes = _model.error_codes()
        if operation is not None:
            codes = [e.name for e in _model.operation(operation).error_shapes]
        if code not in codes:
            raise CasesMockError(
                f"{code!r} is not a modeled error of {operation or 'connectcases'}; "
                f"choose one of {', '.join(sorted(codes))}."
            )
        rule = ErrorRule(operation, code, message or _default_message(code), times)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def check(self, operation: str) -> None:
        """Raise the first matching injected error, consuming one of its repetitions."""
        if not self._rules:
            return
        with self._lock:
            for rule in self._rules:
                if rule.matches(operation) and rule.remaining != 0:
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    raise ServiceError(rule.code, rule.message)


def _default_message(code: str) -> str:
    return {
        "ThrottlingException": "Rate exceeded",
        "InternalServerException": "We couldn't process your request because of an issue with the server. Try again later.",
        "AccessDeniedException": "You do not have sufficient access to perform this action.",
    }.get(code, f"Injected {code} (casemock)")
