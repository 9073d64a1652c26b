"""Live, not patched: ``CasesMock.open()``/``close()`` make the state live without patching
botocore (what a server does with its mock); ``start()``/``stop()`` open it and patch."""

from __future__ import annotations

import pytest

from casemock import CasesMock, CasesMockError, MockNotStartedError, _intercept
from casemock.seeding import seed_domain


def test_open_makes_the_state_live_without_patching() -> None:
    mock = CasesMock()
    assert (mock.live, mock.active) == (False, False)
    with pytest.raises(CasesMockError, match="active mock"):
        seed_domain(mock, "too-early")
    mock.open()
    try:
        assert (mock.live, mock.active) == (True, False)
        assert _intercept.current() is None
        seed_domain(mock, "seeded")
        assert [d.name for d in mock.backend().domains.values()] == ["seeded"]
        assert "open" in repr(mock)
    finally:
        mock.close()
    assert not mock.live


def test_start_inside_open_shares_the_state_and_keeps_it_after_stop() -> None:
    mock = CasesMock()
    mock.open()
    try:
        seed_domain(mock, "kept")
        with mock:
            assert mock.active and _intercept.current() is mock
            names = [d["name"] for d in mock.client().list_domains()["domains"]]
            assert names == ["kept"]
        assert mock.live and not mock.active
        assert [d.name for d in mock.backend().domains.values()] == ["kept"]
    finally:
        mock.close()


def test_the_first_opening_starts_from_the_initial_state() -> None:
    with CasesMock() as source:
        seed_domain(source, "from-state")
        document = source.snapshot()
    mock = CasesMock(state=document)
    mock.open()
    try:
        assert [d.name for d in mock.backend().domains.values()] == ["from-state"]
    finally:
        mock.close()


def test_faults_end_with_the_last_close() -> None:
    mock = CasesMock()
    mock.open()
    mock.open()
    mock.add_error("ListDomains", "ThrottlingException")
    mock.close()
    assert len(mock.faults.rules) == 1  # still open once
    mock.close()
    assert mock.faults.rules == []
    with pytest.raises(MockNotStartedError):
        mock.close()


def test_reset_empties_everything_but_keeps_the_mock_started() -> None:
    with CasesMock() as mock:
        mock.client().create_domain(name="gone")
        mock.add_error("ListDomains", "ThrottlingException", times=3)
        mock.restrict_access("AKIDLIMITED", tags={"team": "a"})
        mock.reset()
        assert mock.active
        assert (mock.calls, mock.faults.rules, mock.events) == ([], [], [])
        assert mock.client().list_domains()["domains"] == []
        assert mock.access.scope("AKIDLIMITED") is None
