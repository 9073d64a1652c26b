"""Model drift is loud: every input member the installed botocore models is one casemock
implements (``backend/_handled.HANDLED``), and a request that uses one it does not
implement raises ``UnsupportedMemberError`` instead of being ignored or refused with an
error AWS would not give.

When a new botocore adds a member, ``test_every_modeled_input_member_is_handled`` fails
naming it: implement it, document it in docs/behaviour.md, then add it to ``HANDLED``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import botocore
import pytest
from botocore.model import StructureShape

from casemock import CasesMock, UnsupportedMemberError, UnsupportedOperationError, _model
from casemock.backend import _handled
from tests.helpers import ROOT, USER, create, make_template, text

OPERATIONS = sorted(_model.operation_names())
# The botocore whose model HANDLED was last brought up to date with.
TABLE_MODEL = (1, 44, 8)


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3])


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_modeled_input_member_is_handled(operation: str) -> None:
    missing = sorted(f"{shape}.{member}" for shape, member in _handled.unhandled(operation))
    assert missing == [], (
        f"botocore {botocore.__version__} models input members of {operation} that casemock "
        "does not implement; implement them, document them in docs/behaviour.md and add "
        "them to casemock/backend/_handled.py HANDLED"
    )


def test_unhandled_members_are_found_through_unions_lists_and_nested_structures(
    drift: None,
) -> None:
    """With ``UserUnion.customEntity`` taken out of the table, every operation whose input
    reaches it (top level, inside lists, inside other structures) reports it."""
    reported = {op for op in OPERATIONS if ("UserUnion", "customEntity") in _handled.unhandled(op)}
    reaching = {op for op in OPERATIONS if "UserUnion" in shapes_reachable(op)}
    assert reported == reaching
    assert {"CreateCase", "UpdateRelatedItem", "BatchUpdateCase"} & set(OPERATIONS) <= reported


def shapes_reachable(operation: str) -> set[str]:
    shape = _model.operation(operation).input_shape
    return set() if shape is None else set(_handled._reachable(shape))


@pytest.mark.skipif(
    version(botocore.__version__) < TABLE_MODEL,
    reason="an older model lacks members the table lists for newer ones",
)
def test_the_table_names_only_members_of_the_model() -> None:
    model = _model.service_model()
    for shape_name, members in _handled.HANDLED.items():
        shape = model.shape_for(shape_name)
        assert isinstance(shape, StructureShape), shape_name
        assert set(members.split()) <= set(shape.members), shape_name


# -- at run time -------------------------------------------------------------------------


@pytest.fixture
def drift(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """casemock as if the installed botocore had just added ``UserUnion.customEntity``."""
    table = dict(_handled._HANDLED_SETS)
    table["UserUnion"] = table["UserUnion"] - {"customEntity"}
    monkeypatch.setattr(_handled, "_HANDLED_SETS", table)
    clear_caches()
    yield
    monkeypatch.undo()
    clear_caches()


def clear_caches() -> None:
    _handled.unhandled.cache_clear()
    _handled._leading_shapes.cache_clear()


def test_a_request_using_an_unimplemented_member_raises_unsupported_member_error(
    drift: None, mock: CasesMock, client: Any, domain_id: str
) -> None:
    template_id = make_template(client, domain_id)
    with pytest.raises(UnsupportedMemberError) as excinfo:
        create(client, domain_id, template_id, performedBy={"customEntity": "bob"})
    error = excinfo.value
    assert isinstance(error, UnsupportedOperationError)  # the server answers 501 for both
    assert (error.operation, error.member, error.botocore_version) == (
        "CreateCase",
        "performedBy.customEntity",
        botocore.__version__,
    )
    assert f"botocore {botocore.__version__}" in str(error)
    assert client.search_cases(domainId=domain_id)["cases"] == []  # nothing was stored


def test_members_deep_in_lists_are_found(drift: None, client: Any, domain_id: str) -> None:
    if not _model.has_operation("BatchCreateRelatedItem"):
        pytest.skip("no BatchCreateRelatedItem in this botocore")
    case_id = create(client, domain_id, make_template(client, domain_id))
    with pytest.raises(UnsupportedMemberError) as excinfo:
        client.batch_create_related_item(
            domainId=domain_id,
            cases=[{"caseIdentifier": {"caseId": case_id}}],
            content={"comment": {"body": "hi", "contentType": "Text/Plain"}},
            performedBy={"customEntity": "bob"},
        )
    assert excinfo.value.member == "performedBy.customEntity"


def test_requests_that_do_not_use_the_member_still_work(
    drift: None, client: Any, domain_id: str
) -> None:
    template_id = make_template(client, domain_id)
    case_id = create(client, domain_id, template_id, performedBy={"userArn": USER})
    answer = client.get_case(domainId=domain_id, caseId=case_id, fields=[{"id": "title"}])
    assert answer["fields"] == [{"id": "title", "value": text("Parcel lost")}]


def test_the_error_links_a_heading_that_exists() -> None:
    error = UnsupportedMemberError("CreateCase", "performedBy.newMember", "9.9.9")
    page, anchor = str(error).rsplit("/docs/", 1)[1].rstrip(".").split("#")
    text = (ROOT / "docs" / page).read_text()
    headings = {
        line.lstrip("#").strip().lower().replace(" ", "-")
        for line in text.splitlines()
        if line.startswith("#")
    }
    assert anchor in headings
