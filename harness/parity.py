"""Compares two runs of one test suite test by test: LocalStack with this extension must pass every
test that plain LocalStack passes. Outcomes are read from pytest's JUnit XML report, one per test,
named ``module.Class::name[param]`` as the report names them."""

import enum
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    message: str = ""
    """The first line of the failure, error or skip reason; empty for a pass."""


def read_junit(path: Path) -> dict[str, Result]:
    """Each test case of a JUnit report by its pytest id. A test whose setup and call both report
    (a failure, then an error in teardown) keeps its worst outcome."""
    results: dict[str, Result] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        result = _result(case)
        earlier = results.get(test_id)
        if earlier is None or _RANK[result.outcome] > _RANK[earlier.outcome]:
            results[test_id] = result
    return results


_RANK = {Outcome.SKIPPED: 0, Outcome.PASSED: 1, Outcome.FAILED: 2, Outcome.ERROR: 3}


def _result(case: ET.Element) -> Result:
    for tag, outcome in (
        ("error", Outcome.ERROR),
        ("failure", Outcome.FAILED),
        ("skipped", Outcome.SKIPPED),
    ):
        element = case.find(tag)
        if element is not None:
            return Result(outcome, _first_line(element))
    return Result(Outcome.PASSED)


def _first_line(element: ET.Element) -> str:
    text = element.get("message") or element.text or ""
    return text.strip().splitlines()[0] if text.strip() else ""


@dataclass(frozen=True)
class Comparison:
    plain: Mapping[str, Result]
    ours: Mapping[str, Result]

    @property
    def regressions(self) -> list[str]:
        """Tests plain LocalStack passes and ours does not (missing from our run counts)."""
        return sorted(
            test_id
            for test_id, result in self.plain.items()
            if result.outcome is Outcome.PASSED
            and (test_id not in self.ours or self.ours[test_id].outcome is not Outcome.PASSED)
        )

    @property
    def gains(self) -> list[str]:
        """Tests ours passes and plain LocalStack does not."""
        return sorted(
            test_id
            for test_id, result in self.ours.items()
            if result.outcome is Outcome.PASSED
            and (test_id not in self.plain or self.plain[test_id].outcome is not Outcome.PASSED)
        )

    def report(self) -> str:
        """Counts per side, then each regression with our outcome and its first line."""
        lines = [
            f"plain LocalStack: {_counts(self.plain)}",
            f"with the extension: {_counts(self.ours)}",
        ]
        regressions = self.regressions
        lines.append(f"regressions ({len(regressions)}):")
        for test_id in regressions:
            result = self.ours.get(test_id)
            why = f"{result.outcome}: {result.message}" if result else "not run"
            lines.append(f"  {test_id} -- {why}")
        gains = self.gains
        if gains:
            lines.append(f"passed only with the extension ({len(gains)}):")
            lines.extend(f"  {test_id}" for test_id in gains)
        return "\n".join(lines)


def _counts(results: Mapping[str, Result]) -> str:
    counts = Counter(result.outcome for result in results.values())
    return ", ".join(f"{counts[outcome]} {outcome}" for outcome in Outcome)
