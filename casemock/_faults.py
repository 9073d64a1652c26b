"""Injected faults: modeled errors and added latency.

Errors travel on the wire like the service's own, so botocore's retry handler, error
parsing and ``client.exceptions`` react exactly as they would against AWS. A rule fires
for its ``times`` next matching calls, for every n-th matching call (``every``), or with
a probability drawn from a seeded generator (reproducible run to run).

With no rule, the transport pays one attribute check (``Faults.rules``).
"""

from __future__ import annotations

import contextvars
import enum
import functools
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from casemock import _model
from casemock._errors import CasesMockError, ServiceError
from casemock._settings import number_problem

# Set by the async transport: latency is collected here and awaited instead of slept.
deferred_latency: contextvars.ContextVar[list[float] | None] = contextvars.ContextVar(
    "casemock_deferred_latency", default=None
)


@dataclass
class Trigger:
    """When a rule fires: at most ``remaining`` more times (None: no limit), on every
    ``every``-th matching call, with probability ``probability``."""

    remaining: int | None
    every: int | None = None
    probability: float | None = None
    rng: random.Random = field(default_factory=random.Random, repr=False)
    seen: int = 0

    def fires(self) -> bool:
        if self.remaining == 0:
            return False
        self.seen += 1
        if self.every is not None and self.seen % self.every:
            return False
        if self.probability is not None and self.rng.random() >= self.probability:
            return False
        if self.remaining is not None:
            self.remaining -= 1
        return True


@dataclass
class ErrorRule:
    operation: str | None  # None: every operation
    code: str
    message: str
    members: dict[str, Any]
    trigger: Trigger

    def matches(self, operation: str) -> bool:
        """This operation, or (operation None) every operation that models the error: a
        rule for all never makes an operation answer an error AWS never sends for it."""
        if self.operation is not None:
            return self.operation == operation
        return self.code in _modeled_errors(operation)


@functools.cache
def _modeled_errors(operation: str) -> frozenset[str]:
    return frozenset(shape.name for shape in _model.operation(operation).error_shapes)


@dataclass
class LatencyRule:
    operation: str | None
    seconds: float
    trigger: Trigger

    def matches(self, operation: str) -> bool:
        return self.operation is None or self.operation == operation


Rule = ErrorRule | LatencyRule


class Unset(enum.Enum):
    """``times`` not given: once for a plain error, no limit with ``every``/``probability``."""

    TIMES = "default"


UNSET = Unset.TIMES


class Faults:
    """The fault rules of one mock, checked before each handler runs."""

    def __init__(self, seed: int | None = None) -> None:
        self.rules: list[Rule] = []
        self._seed = seed
        self._added = 0
        self._lock = threading.Lock()

    def add_error(
        self,
        operation: str | None,
        code: str,
        *,
        times: int | Unset | None = UNSET,
        every: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
        message: str | None = None,
        members: Mapping[str, Any] | None = None,
    ) -> ErrorRule:
        _check_operation(operation)
        codes = _model.error_codes()
        if operation is not None:
            codes = [e.name for e in _model.operation(operation).error_shapes]
        if code not in codes:
            raise CasesMockError(
                f"{code!r} is not a modeled error of {operation or 'connectcases'}; "
                f"choose one of {', '.join(sorted(codes))}."
            )
        rule = ErrorRule(
            operation,
            code,
            message or _default_message(code),
            _error_members(code, members or {}),
            self._trigger(times, every, probability, seed, once=True),
        )
        with self._lock:
            self.rules.append(rule)
        return rule

    def add_latency(
        self,
        operation: str | None,
        seconds: float,
        *,
        times: int | Unset | None = UNSET,
        every: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
    ) -> LatencyRule:
        _check_operation(operation)
        if number_problem(seconds):
            raise CasesMockError(
                f"latency must be a finite number of seconds, 0 or more, got {seconds!r}."
            )
        rule = LatencyRule(
            operation, seconds, self._trigger(times, every, probability, seed, once=False)
        )
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def check(self, operation: str) -> None:
        """Apply the matching rules: wait for the added latency, then raise the first
        injected error that fires. Each rule consumes one repetition when it fires."""
        delay = 0.0
        error: ErrorRule | None = None
        with self._lock:
            for rule in self.rules:
                if not rule.matches(operation):
                    continue
                if isinstance(rule, LatencyRule):
                    if rule.trigger.fires():
                        delay += rule.seconds
                elif error is None and rule.trigger.fires():
                    error = rule
        if delay:
            pending = deferred_latency.get()
            if pending is None:
                time.sleep(delay)
            else:
                pending.append(delay)
        if error is not None:
            raise ServiceError(error.code, error.message, **error.members)

    def _trigger(
        self,
        times: int | Unset | None,
        every: int | None,
        probability: float | None,
        seed: int | None,
        *,
        once: bool,
    ) -> Trigger:
        if times is UNSET:
            times = 1 if once and every is None and probability is None else None
        if times is not None and (type(times) is not int or times < 1):
            raise CasesMockError(
                f"times must be a whole number, 1 or more (or None for no limit), got {times!r}."
            )
        if every is not None and (type(every) is not int or every < 1):
            raise CasesMockError(f"every must be a whole number, 1 or more, got {every!r}.")
        if probability is not None and (
            type(probability) not in (int, float) or not 0.0 <= probability <= 1.0
        ):
            raise CasesMockError(f"probability must be between 0 and 1, got {probability!r}.")
        with self._lock:
            self._added += 1
            index = self._added
        if seed is None and self._seed is not None:
            seed = self._seed * 1_000_003 + index
        return Trigger(times, every, probability, random.Random(seed))


def _check_operation(operation: str | None) -> None:
    if operation is not None and not _model.has_operation(operation):
        raise CasesMockError(
            f"{operation!r} is not an operation of the installed connectcases model; "
            "use the PascalCase operation name, e.g. 'CreateCase'."
        )


def _error_members(code: str, members: Mapping[str, Any]) -> dict[str, Any]:
    """The modeled members of an injected error; required ones get a placeholder."""
    shape = _model.service_model().shape_for(code)
    modeled = set(shape.members) - {"message"}  # type: ignore[attr-defined]
    unknown = sorted(set(members) - modeled)
    if unknown:
        raise CasesMockError(
            f"{code} has no member(s) {', '.join(unknown)}; its members are "
            f"{', '.join(sorted(modeled)) or 'message only'}."
        )
    for name, value in members.items():
        kind = shape.members[name].type_name  # type: ignore[attr-defined]
        allowed = _MEMBER_TYPES.get(kind)
        if allowed is not None and (type(value) not in allowed):
            raise CasesMockError(f"{code}.{name} is sent as a model {kind}; {value!r} is not one.")
    result = dict(members)
    for name in shape.required_members:
        if name != "message":
            result.setdefault(name, "casemock-injected")
    return result


# The Python types an injected member may have, by the model type it is sent as.
_MEMBER_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "float": (int, float),
    "double": (int, float),
}


def _default_message(code: str) -> str:
    return {
        "ThrottlingException": "Rate exceeded",
        "InternalServerException": (
            "We couldn't process your request because of an issue with the server. Try again later."
        ),
        "AccessDeniedException": "You do not have sufficient access to perform this action.",
        "ServiceQuotaExceededException": "The service quota has been exceeded.",
    }.get(code, f"Injected {code} (casemock)")
