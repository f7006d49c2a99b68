"""The parity comparison (harness/parity.py) reads pytest's JUnit reports and names every test
plain LocalStack passes that LocalStack with the extension does not."""

from pathlib import Path

from harness.parity import Comparison, Outcome, Result, read_junit

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5">
<testcase classname="tests.aws.services.ec2.test_ec2.TestEc2Integrations" name="test_a[id]"/>
<testcase classname="tests.aws.services.ec2.test_ec2" name="test_b">
  <failure message="AssertionError: 1 != 2&#10;more">trace</failure></testcase>
<testcase classname="tests.aws.services.ec2.test_ec2" name="test_c">
  <skipped type="pytest.skip" message="not here">skip</skipped></testcase>
<testcase classname="tests.aws.services.ec2.test_ec2" name="test_d"/>
<testcase classname="tests.aws.services.ec2.test_ec2" name="test_d">
  <error message="failed on teardown with &quot;boom&quot;">trace</error></testcase>
</testsuite></testsuites>
"""


def test_read_junit_names_each_test_by_module_class_and_name_with_its_outcome(tmp_path: Path):
    path = tmp_path / "report.xml"
    path.write_text(REPORT)

    results = read_junit(path)

    assert results == {
        "tests.aws.services.ec2.test_ec2.TestEc2Integrations::test_a[id]": Result(Outcome.PASSED),
        "tests.aws.services.ec2.test_ec2::test_b": Result(Outcome.FAILED, "AssertionError: 1 != 2"),
        "tests.aws.services.ec2.test_ec2::test_c": Result(Outcome.SKIPPED, "not here"),
        "tests.aws.services.ec2.test_ec2::test_d": Result(
            Outcome.ERROR, 'failed on teardown with "boom"'
        ),
    }


def test_a_test_plain_passes_and_ours_fails_errors_skips_or_misses_is_a_regression():
    plain = {name: Result(Outcome.PASSED) for name in ("a", "b", "c", "d", "e")}
    ours = {
        "a": Result(Outcome.PASSED),
        "b": Result(Outcome.FAILED, "boom"),
        "c": Result(Outcome.ERROR, "setup"),
        "d": Result(Outcome.SKIPPED, "why"),
    }

    comparison = Comparison(plain=plain, ours=ours)

    assert comparison.regressions == ["b", "c", "d", "e"]
    assert "  b -- failed: boom" in comparison.report()
    assert "  e -- not run" in comparison.report()


def test_tests_plain_does_not_pass_are_no_regression_and_ours_passing_them_are_gains():
    plain = {
        "a": Result(Outcome.FAILED, "x"),
        "b": Result(Outcome.SKIPPED),
        "c": Result(Outcome.ERROR),
    }
    ours = {
        "a": Result(Outcome.PASSED),
        "b": Result(Outcome.FAILED, "y"),
        "c": Result(Outcome.ERROR),
    }

    comparison = Comparison(plain=plain, ours=ours)

    assert comparison.regressions == []
    assert comparison.gains == ["a"]
    report = comparison.report()
    assert "plain LocalStack: 0 passed, 1 failed, 1 error, 1 skipped" in report
    assert "with the extension: 1 passed, 1 failed, 1 error, 0 skipped" in report
    assert "regressions (0):" in report
