"""The pytest plugin, run in pytester's inner sessions with the plugin loaded explicitly,
so these tests pass whether or not the outer run loads it (``-p no:casemock``)."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT

pytest_plugins = ["pytester"]

# The inner run loads the plugin by module whatever the entry point does (and leaves out
# hypothesis's plugin, whose re-import would cost seconds per inner run).
PLUGIN = ("-p", "no:casemock", "-p", "casemock.plugin", "-p", "no:hypothesispytest")


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(source)
    return pytester.runpytest(*PLUGIN, *args)


def test_cases_mock_is_active_and_fresh_per_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from casemock import CasesMock, CasesClient
        from casemock import _intercept

        @pytest.mark.parametrize("name", ["first", "second"])
        def test_one_domain_each(cases_mock: CasesMock, cases_client: CasesClient, name):
            assert _intercept.current() is cases_mock
            cases_client.create_domain(name=name)
            assert [d["name"] for d in cases_client.list_domains()["domains"]] == [name]

        def test_no_mock_without_fixture_or_marker():
            assert _intercept.current() is None
        """,
    )
    result.assert_outcomes(passed=3)


def test_client_uses_the_mock_region_and_placeholder_credentials(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.casemock(region="eu-west-2")
        def test_region(cases_mock, cases_client):
            assert cases_client.meta.region_name == "eu-west-2"
            cases_client.create_domain(name="d")
            assert list(cases_mock.store.region("eu-west-2").domains)
            assert cases_mock.calls[0].region == "eu-west-2"
            assert cases_mock.calls[0].access_key_id == "AKIACASEMOCKEXAMPLE"
        """,
    )
    result.assert_outcomes(passed=1)


def test_markers_merge_closest_first(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        pytestmark = pytest.mark.casemock(account_id="111122223333", region="eu-west-1", seed=1)

        @pytest.mark.casemock(region="ap-southeast-2")
        class TestClass:
            @pytest.mark.casemock(seed=7)
            def test_all_three_levels(self, cases_mock):
                assert cases_mock.account_id == "111122223333"
                assert cases_mock.region == "ap-southeast-2"
                assert cases_mock.seed == 7

            def test_class_over_module(self, cases_mock):
                assert (cases_mock.region, cases_mock.seed) == ("ap-southeast-2", 1)

        def test_module_only(cases_mock):
            assert (cases_mock.account_id, cases_mock.region) == ("111122223333", "eu-west-1")
        """,
    )
    result.assert_outcomes(passed=3)


def test_marker_alone_activates_the_mock(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import boto3
        import pytest
        from casemock import _intercept

        @pytest.mark.casemock(account_id="210987654321")
        def test_marked():
            client = boto3.client("connectcases", region_name="us-west-2")
            arn = client.create_domain(name="d")["domainArn"]
            assert arn.startswith("arn:aws:cases:us-west-2:210987654321:domain/")
            assert _intercept.current().account_id == "210987654321"

        def test_unmarked():
            assert _intercept.current() is None
        """,
    )
    result.assert_outcomes(passed=2)


def test_settings_and_strict_pass_through_the_marker(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from botocore.exceptions import ClientError
        from casemock import Settings

        @pytest.mark.casemock(settings=Settings(domains=1), strict=False)
        def test_quota(cases_mock, cases_client):
            assert cases_mock.strict is False
            cases_client.create_domain(name="a")
            with pytest.raises(ClientError) as excinfo:
                cases_client.create_domain(name="b")
            assert excinfo.value.response["Error"]["Code"] == "ServiceQuotaExceededException"
        """,
    )
    result.assert_outcomes(passed=1)


def test_module_scoped_mock_keeps_state_across_the_module(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from casemock import _intercept

        pytestmark = pytest.mark.casemock(region="eu-central-1")

        def test_seed(cases_mock_module, cases_client_module):
            assert cases_client_module.meta.region_name == "eu-central-1"
            cases_client_module.create_domain(name="seeded")

        def test_sees_seed(cases_mock_module, cases_client_module):
            # The module marker configures the module mock; no per-test mock is stacked.
            assert _intercept.current() is cases_mock_module
            names = [d["name"] for d in cases_client_module.list_domains()["domains"]]
            assert names == ["seeded"]
        """,
    )
    result.assert_outcomes(passed=2)


def test_function_mock_inside_a_module_mock_is_fresh(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        def test_seed(cases_client_module):
            cases_client_module.create_domain(name="seeded")

        def test_inner(cases_mock_module, cases_client):
            assert cases_client.list_domains()["domains"] == []

        def test_outer_again(cases_client_module):
            assert len(cases_client_module.list_domains()["domains"]) == 1
        """,
    )
    result.assert_outcomes(passed=3)


def test_session_scoped_mock_is_shared_across_modules(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_a="""
        def test_seed(cases_client_session):
            cases_client_session.create_domain(name="from-a")
        """,
        test_b="""
        def test_sees(cases_mock_session, cases_client_session):
            domains = cases_client_session.list_domains()["domains"]
            assert [d["name"] for d in domains] == ["from-a"]
            assert cases_mock_session.active
        """,
    )
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=2)


def test_mock_is_stopped_after_the_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        from casemock import _intercept

        kept = []

        def test_uses(cases_mock):
            kept.append(cases_mock)

        def test_after():
            assert not kept[0].active
            assert not _intercept.is_patched()
        """,
    )
    result.assert_outcomes(passed=2)


def test_unknown_marker_option_is_a_clear_error(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.casemock(regoin="eu-west-1")
        def test_typo(cases_mock):
            pass
        """,
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown option(s) regoin*account_id*region*"])


def test_positional_marker_arguments_are_refused(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.casemock("eu-west-1")
        def test_positional():
            pass
        """,
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*keyword options only*"])


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.casemock
        def test_marked(cases_mock):
            assert cases_mock.active
        """,
        "--strict-markers",
    )
    result.assert_outcomes(passed=1)
    markers = pytester.runpytest(*PLUGIN, "--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.casemock(**options): activate*"])


def test_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_needs_fixture(cases_mock):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:casemock", "-p", "no:hypothesispytest")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'cases_mock' not found*"])


def test_entry_point_loads_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fixture(cases_mock):
            assert cases_mock.active
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:hypothesispytest")
    result.assert_outcomes(passed=1)


def test_readme_pytest_example_passes(pytester: pytest.Pytester) -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = [b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "cases_client" in b]
    assert len(blocks) == 1
    pytester.makepyfile(test_readme=blocks[0])
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=2)


def test_cases_server_is_one_server_reset_per_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import json
        import urllib.request

        import boto3
        import pytest
        from casemock import CasesMock, _intercept

        SEEN = set()

        def cases(url):
            return boto3.client(
                "connectcases", region_name="us-east-1", endpoint_url=url,
                aws_access_key_id="test", aws_secret_access_key="test",
            )

        @pytest.mark.parametrize("name", ["first", "second"])
        def test_empty_each_time(cases_server: str, name):
            SEEN.add(cases_server)
            assert len(SEEN) == 1  # the same server for the session
            assert _intercept.current() is None  # nothing patched in this process
            client = cases(cases_server)
            assert client.list_domains()["domains"] == []
            client.create_domain(name=name)

        def test_the_mock_behind_it(cases_server: str, cases_server_mock: CasesMock):
            assert cases_server_mock.calls == []
            cases_server_mock.add_error("ListDomains", "ThrottlingException", times=1)
            with urllib.request.urlopen(cases_server + "/_casemock/faults") as reply:
                assert len(json.load(reply)["faults"]) == 1

        def test_faults_do_not_leak(cases_server: str):
            assert cases(cases_server).list_domains()["domains"] == []
        """,
    )
    result.assert_outcomes(passed=4)
