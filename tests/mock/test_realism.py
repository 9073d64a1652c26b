"""The realism preset (``Settings.with_realism``, ``mock_cases(realism=...)``, the pytest
marker) and the documentation page whose examples must run (docs/realism.md)."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timezone
from typing import Any

import pytest
import time_machine
from botocore.config import Config
from botocore.exceptions import ClientError

from casemock import CasesMock, CasesMockError, Settings, _model, mock_cases
from casemock._settings import REALISM
from tests.helpers import ROOT

pytest_plugins = ["pytester"]
DOCS = ROOT / "docs"
SWITCHES = {
    "search_delay": 0.0,
    "merge_polls_until_complete": 0,
    "merge_seconds": 0.0,
    "resolve_external_resources": False,
    "rate_limits": False,
}


def test_every_switch_is_off_by_default() -> None:
    settings = Settings()
    assert {name: getattr(settings, name) for name in SWITCHES} == SWITCHES
    with mock_cases() as mock:
        store = mock.store
        assert (store.throttle, store.timed_merges, store.resolving) == (None, False, False)


def test_the_aws_preset_turns_every_switch_on() -> None:
    settings = Settings().with_realism("aws")
    assert set(REALISM["aws"]) == set(SWITCHES)
    for name, off in SWITCHES.items():
        assert getattr(settings, name) != off, name
    assert settings.search_delay == 2.0
    assert settings.rate_limits is True
    assert Settings().with_realism(None) == Settings()


def test_the_preset_keeps_the_switches_you_set_and_the_other_settings() -> None:
    mine = Settings(search_delay=0.5, domains=9, rate_limit_overrides={"GetCase": None})
    settings = mine.with_realism("aws")
    assert settings.search_delay == 0.5
    assert settings.domains == 9
    assert settings.rate_limit_overrides == {"GetCase": None}
    assert settings.resolve_external_resources is True
    # To turn one off again, replace it afterwards.
    assert not dataclasses.replace(settings, rate_limits=False).rate_limits


def test_an_unknown_preset_is_refused() -> None:
    with pytest.raises(CasesMockError, match="'aws'"):
        Settings().with_realism("azure")
    with pytest.raises(CasesMockError):
        mock_cases(realism="AWS")


def test_mock_cases_takes_the_preset() -> None:
    assert mock_cases(realism="aws").settings == Settings().with_realism("aws")
    assert mock_cases(realism=None).settings == Settings()
    assert mock_cases(settings=Settings(domains=2), realism="aws").settings.domains == 2


def test_the_marker_takes_the_preset(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.casemock(realism="aws")
        def test_realistic(cases_mock):
            assert cases_mock.settings.rate_limits
            assert cases_mock.settings.search_delay == 2.0

        def test_plain(cases_mock):
            assert not cases_mock.settings.rate_limits
        """
    )
    result = pytester.runpytest(
        "-p", "no:casemock", "-p", "casemock.plugin", "-p", "no:hypothesispytest"
    )
    result.assert_outcomes(passed=2)


def run_page(page: str) -> dict[str, Any]:
    """Run the ```python blocks of a docs page in order, in one namespace; blocks that use
    StartMergeCases only where the installed model has it."""
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert blocks, page
    namespace: dict[str, Any] = {"__name__": f"docs_{page}"}
    try:
        for block in blocks:
            if "start_merge_cases" in block and not _model.has_operation("StartMergeCases"):
                continue
            exec(compile(block, page, "exec"), namespace)
    finally:
        mock = namespace.get("m")
        while isinstance(mock, CasesMock) and mock.active:
            mock.stop()
    return namespace


def test_the_realism_page_runs() -> None:
    namespace = run_page("realism.md")
    assert not namespace["m"].active


def test_settings_stay_hashable() -> None:
    overrides = {"GetCase": (1.0, 1.0)}
    assert hash(Settings(rate_limits=True, rate_limit_overrides=overrides)) == hash(
        Settings(rate_limits=True)
    )
    assert Settings(rate_limit_overrides=overrides) != Settings()


def _aws_scenario(seed: int) -> tuple[Any, list[str | None]]:
    """Writes, a merge, throttled calls and searches under the aws preset, a seed and a
    frozen clock: the final state document and every call's outcome."""
    moment = datetime(2031, 5, 17, 9, 0, tzinfo=timezone.utc)
    with (
        time_machine.travel(moment, tick=False) as clock,
        mock_cases(realism="aws", seed=seed) as mock,
    ):
        contact = "arn:aws:connect:us-east-1:123456789012:instance/i-1/contact/c-1"
        mock.add_contact(contact, channel="CHAT")
        client = mock.client(config=Config(retries={"total_max_attempts": 1}))
        domain_id = client.create_domain(name="d")["domainId"]
        template_id = client.create_template(domainId=domain_id, name="t")["templateId"]
        title: Any = [{"id": "title", "value": {"stringValue": "x"}}]
        case_ids = []
        for number in range(12):  # the last two are throttled
            try:
                answer = client.create_case(  # boto3 would draw a random clientToken
                    domainId=domain_id,
                    templateId=template_id,
                    fields=title,
                    clientToken=f"token-{number}",
                )
            except ClientError:
                continue
            case_ids.append(answer["caseId"])
        client.create_related_item(
            domainId=domain_id,
            caseId=case_ids[0],
            type="Contact",
            content={"contact": {"contactArn": contact}},
        )
        if _model.has_operation("StartMergeCases"):
            client.start_merge_cases(  # type: ignore[attr-defined]
                domainId=domain_id, caseId=case_ids[0], secondaryCaseIds=[case_ids[1]]
            )
        client.search_cases(domainId=domain_id)
        clock.shift(1.0)
        client.search_cases(domainId=domain_id)
        return mock.snapshot(), [call.error_code for call in mock.calls]


def test_the_aws_preset_repeats_exactly_under_a_seed_and_a_frozen_clock() -> None:
    first = _aws_scenario(3)
    assert first == _aws_scenario(3)
    document, outcomes = first
    assert outcomes.count("ThrottlingException") == 2
    domains = document["regions"]["us-east-1"]["domains"]
    assert any(domain["pending_writes"] for domain in domains.values())
    assert document["external"]["contacts"][0]["channel"] == "CHAT"
