"""Model-driven sweep over every operation of the installed botocore model.

* Requests: a valid input built from the model is serialised by botocore's own rest-json
  serialiser, then routed, decoded and validated by casemock, and must come back as the
  same operation and parameters.
* Outputs: a valid output built from the model passes the strict output check, is encoded
  by casemock and parsed back by botocore's parser unchanged.
* Constraints: every constrained input member (length, value, pattern, enum, list and map
  sizes) of every operation, reached through every union branch, is probed with a
  violating value and must be refused with a ValidationException naming it.
* Registry: every operation has a handler, or answers UnsupportedOperationError.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3
import orjson
import pytest
from botocore.model import ListShape, MapShape, Shape
from botocore.parsers import create_parser
from botocore.validate import validate_parameters

from casemock import Call, UnsupportedOperationError, _model, mock_cases
from casemock._errors import ServiceError
from casemock._protocol import decoder, encoder, router
from casemock._protocol.output_check import check_output
from casemock._protocol.validation import validate_input
from casemock.backend._registry import MODULES, handler_for, handlers
from casemock.backend._registry import operation as register_operation
from tests.helpers import ROOT
from tests.protocol.model_inputs import (
    Step,
    body_bytes,
    build,
    constrained_paths,
    good_string,
    input_for,
    place,
    serialize,
)

OPERATIONS = sorted(_model.operation_names())
# Values tried, in order, to break a pattern while respecting the length limits.
BAD_STRINGS = ["a ", " ", "!", "a!", "\t", "aws:x", "é", "a\n", "?" * 3]


# -- requests round-trip -----------------------------------------------------------------


@pytest.mark.parametrize("full", [False, True], ids=["required", "all-members"])
@pytest.mark.parametrize("operation", OPERATIONS)
def test_request_routes_and_decodes_back(operation: str, full: bool) -> None:
    params = input_for(operation, full)
    input_shape = _model.operation(operation).input_shape
    if input_shape is not None:
        validate_parameters(params, input_shape)  # botocore agrees the input is valid
    request = serialize(operation, params)
    split = urlsplit(request.url)

    matched = router.match(request.method, split.path)
    assert matched is not None, f"{request.method} {split.path} routes nowhere"
    assert matched[0] == operation
    decoded = decoder.decode(
        operation, matched[1], split.query, request.headers, body_bytes(request.body)
    )
    assert decoded == params
    validate_input(operation, decoded)
    # The call log keeps the request as it came and decodes it again when read.
    wire = (
        tuple(matched[1].items()),
        split.query,
        decoder.header_items(operation, request.headers),
        body_bytes(request.body),
    )
    assert Call(operation, {}, None, None, wire=wire).params == params


# -- outputs round-trip ------------------------------------------------------------------


def output_for(operation: str) -> dict[str, Any]:
    shape = _model.operation(operation).output_shape
    return {} if shape is None else dict(build(shape, full=True))


@pytest.mark.parametrize("operation", OPERATIONS)
def test_output_encodes_and_parses_back(operation: str) -> None:
    output_shape = _model.operation(operation).output_shape
    result = output_for(operation)
    check_output(operation, result)
    status, headers, body = encoder.encode_output(operation, result)
    assert status == 200
    if output_shape is None:
        assert body == b""
        return
    parsed = create_parser("rest-json").parse(
        {"status_code": status, "headers": headers, "body": body}, output_shape
    )
    parsed.pop("ResponseMetadata", None)
    assert parsed == result


# -- every constraint of every input member ----------------------------------------------


@dataclass(frozen=True)
class Probe:
    operation: str
    path: tuple[Step, ...]
    wire_path: str  # how the validator names the member
    bad: Any
    constraint: str

    @property
    def id(self) -> str:
        kind = next(short for text, short in KINDS.items() if self.constraint.startswith(text))
        return f"{self.operation}:{self.wire_path}:{kind}"


KINDS = {
    "Member must have value less than": "max-value",
    "Member must have value greater than": "min-value",
    "Member must have length less than": "max-length",
    "Member must have length greater than": "min-length",
    "Member must satisfy regular expression": "pattern",
    "Member must satisfy enum": "enum",
}


def violations(shape: Shape) -> Iterator[tuple[Any, str]]:
    """(violating value, constraint text) for each constraint of ``shape``."""
    meta = shape.metadata
    kind = shape.type_name
    low, high = meta.get("min"), meta.get("max")
    if kind in ("integer", "long", "float", "double"):
        if high is not None:
            yield high + 1, f"Member must have value less than or equal to {high}"
        if low is not None:
            yield low - 1, f"Member must have value greater than or equal to {low}"
        return
    if kind == "string":
        enum = getattr(shape, "enum", None)
        if enum:
            yield (
                "NotAModeledValue",
                "Member must satisfy enum value set: [" + ", ".join(enum) + "]",
            )
        elif "pattern" in meta:
            pattern = meta["pattern"]
            for bad in BAD_STRINGS:
                fits = (low or 0) <= len(bad) <= (high if high is not None else 10**9)
                if fits and re.fullmatch(pattern, bad) is None:
                    yield bad, f"Member must satisfy regular expression pattern: {pattern}"
                    break
        if high is not None:
            yield "a" * (high + 1), f"Member must have length less than or equal to {high}"
        if low:
            yield "", f"Member must have length greater than or equal to {low}"
    elif kind in ("list", "map") and high is not None:
        yield None, f"Member must have length less than or equal to {high}"


def oversized(shape: Shape, size: int) -> Any:
    if isinstance(shape, ListShape):
        return [build(shape.member) for _ in range(size)]
    assert isinstance(shape, MapShape)
    return {good_string(shape.key, str(i)): build(shape.value) for i in range(size)}


def wire_path(steps: tuple[Step, ...]) -> str:
    parts: list[str] = []
    for step in steps:
        if step == "[]":
            parts.extend(["1", "member"])
        elif step == "{key}":
            parts.append("key")
        elif step == "{value}":
            parts.append("casemock")  # the key good_string gives a map's key shape
        else:
            parts.append(step)
    return ".".join(parts)


def probes() -> list[Probe]:
    found = []
    for operation in OPERATIONS:
        for path, shape in constrained_paths(operation):
            for bad, constraint in violations(shape):
                if bad is None:
                    bad = oversized(shape, shape.metadata["max"] + 1)
                found.append(Probe(operation, path, wire_path(path), bad, constraint))
    return found


PROBES = probes()


def test_the_sweep_covers_every_kind_of_constraint() -> None:
    for kind in KINDS:
        assert any(p.constraint.startswith(kind) for p in PROBES), kind
    assert any(p.path[-1] == "{key}" for p in PROBES)  # map keys
    assert any(p.path[-1] == "[]" for p in PROBES)  # list items
    assert {p.operation for p in PROBES} == set(OPERATIONS) - {
        op for op in OPERATIONS if _model.operation(op).input_shape is None
    }


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.id)
def test_constraint_violation_is_a_validation_error(probe: Probe) -> None:
    shape = _model.operation(probe.operation).input_shape
    assert shape is not None
    params = build(shape, probe.path)
    validate_input(probe.operation, params)  # valid before the violation
    place(params, probe.path, copy.deepcopy(probe.bad))
    with pytest.raises(ServiceError) as excinfo:
        validate_input(probe.operation, params)
    assert excinfo.value.code == "ValidationException"
    assert f"at '{probe.wire_path}' failed to satisfy constraint: {probe.constraint}" in (
        excinfo.value.message
    )


# -- the handler registry ----------------------------------------------------------------


def missing_operations() -> list[str]:
    return sorted(set(OPERATIONS) - set(handlers()))


def test_an_operation_without_a_handler_answers_unsupported_operation_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Never a silent 404: a model operation with no handler raises casemock's own error
    naming it (every operation has one today; this guards the mechanism)."""
    import casemock._dispatch as transport

    monkeypatch.setattr(transport, "handler_for", lambda name: None)
    client = boto3.client(
        "connectcases",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    with mock_cases(), pytest.raises(UnsupportedOperationError, match="GetDomain") as excinfo:
        client.get_domain(domainId="d")
    assert excinfo.value.operation == "GetDomain"


def test_every_operation_has_a_handler() -> None:
    assert missing_operations() == []


def test_handler_lookup_by_operation_agrees_with_the_registry() -> None:
    registry = handlers()
    for operation in OPERATIONS:
        assert handler_for(operation) is registry.get(operation), operation


def test_first_call_imports_only_the_module_it_needs() -> None:
    code = (
        "import sys\n"
        "from casemock.backend._registry import handler_for\n"
        "assert handler_for('ListDomains').__module__ == 'casemock.backend.config.domains'\n"
        "print(sorted(m for m in sys.modules if m.startswith('casemock.backend.')"
        " and not m.split('.')[-1].startswith('_')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.strip()
    assert "casemock.backend.config.domains" in loaded
    assert "casemock.backend.cases.lifecycle" not in loaded


def test_modules_table_names_the_module_of_every_handler() -> None:
    """``MODULES`` is the map of the backend: every model operation is in it, and each
    registered handler lives in the module the table names."""
    assert set(OPERATIONS) <= set(MODULES)
    for name, handler in handlers().items():
        assert handler.__module__ == MODULES[name], name


def test_operations_the_installed_model_lacks_get_no_handler() -> None:
    absent = set(MODULES) - set(OPERATIONS)
    assert not absent & set(handlers())


def test_registering_an_operation_the_model_lacks_is_a_no_op() -> None:
    def handler(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        return {}

    assert register_operation("NoSuchOperationInTheModel")(handler) is handler
    assert "NoSuchOperationInTheModel" not in handlers()


def test_handlers_are_named_like_model_operations() -> None:
    for name in handlers():
        assert re.fullmatch(r"[A-Z][A-Za-z]+", name), name


# -- the generated list of supported operations -----------------------------------------


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "gen_supported_ops", ROOT / "scripts" / "gen_supported_ops.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_supported_operations_page_is_up_to_date() -> None:
    generator = load_generator()
    committed = (ROOT / "docs" / "supported-operations.md").read_text()
    listed = generator.parse_statuses(committed)
    current = generator.statuses()
    if set(listed) == set(current):
        assert committed == generator.render(), (
            "docs/supported-operations.md is stale: run `python scripts/gen_supported_ops.py`"
        )
    else:
        # An older botocore model: every operation it has is listed with the same status.
        for operation, status in current.items():
            assert listed.get(operation) == status, operation


@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_call_log_reads_back_every_answer_exactly(operation: str) -> None:
    """The call log keeps an answer as its JSON body where ``body_is_result`` says the
    body decodes to the handler's result; for every operation, a full answer reads back
    from ``Call.response`` as the handler returned it."""
    result = output_for(operation)
    if _model.operation(operation).output_shape is None:
        result = {}
    body = encoder.encode_output(operation, result)[2]
    exact = body if encoder.body_is_result(operation) else None
    call = Call(operation, {"domainId": "d"}, result, None, body=exact)
    assert call.response == result
    assert type(call.response) is dict
    if exact is not None:
        assert orjson.loads(body) == result
