"""The exit code counted in one pass over the results agrees with the report's own questions
(``failing()`` at ``fail_on``, ``rule_errors``) on every mix of statuses and severities."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fsaudit.cli.exitcodes import ExitCode
from fsaudit.cli.main import exit_code_for
from fsaudit.model.rule import Severity, Status
from fsaudit.run.engine import audit

SAMPLE = Path(__file__).parents[2] / "samples" / "exemple-candidature.json"
REPORT = audit([SAMPLE], as_of=_dt.date(2025, 6, 30))


def _reference(report) -> ExitCode:  # type: ignore[no-untyped-def]
    code = ExitCode.OK
    if report.failing():
        code = ExitCode.FAILURES
    if report.input_errors:
        code = max(code, ExitCode.INPUT_ERROR)
    if report.rule_errors or report.plugin_errors:
        code = max(code, ExitCode.PLUGIN_ERROR)
    return code


def _with(pairs: list[tuple[Status, Severity]], fail_on: Severity):  # type: ignore[no-untyped-def]
    """The sample report with its results given these statuses and severities, in turn."""
    structures = []
    position = 0
    for structure in REPORT.structures:
        results = []
        for result in structure.results:
            status, severity = pairs[position % len(pairs)]
            position += 1
            results.append(result.evolve(status=status, severity=severity))
        structures.append(attrs.evolve(structure, results=tuple(results)))
    return attrs.evolve(REPORT, structures=tuple(structures), fail_on=fail_on, plugin_errors=())


@pytest.mark.parametrize("fail_on", list(Severity))
@pytest.mark.parametrize("severity", list(Severity))
def test_a_failure_counts_from_fail_on_upwards(fail_on: Severity, severity: Severity) -> None:
    """One failure of each severity against each ``fail_on``: exit 1 exactly when it is at or
    above ``fail_on``; an error of any severity gives 4."""
    report = _with([(Status.PASS, Severity.INFO)] * 9 + [(Status.FAIL, severity)], fail_on)
    expected = ExitCode.FAILURES if severity.rank >= fail_on.rank else ExitCode.OK
    assert exit_code_for(report) == expected == _reference(report)
    report = _with([(Status.PASS, Severity.INFO)] * 9 + [(Status.ERROR, severity)], fail_on)
    assert exit_code_for(report) == ExitCode.PLUGIN_ERROR == _reference(report)


@given(
    pairs=st.lists(st.tuples(st.sampled_from(list(Status)), st.sampled_from(list(Severity))), min_size=1, max_size=40),
    fail_on=st.sampled_from(list(Severity)),
)
def test_exit_code_matches_the_reports_questions(pairs: list[tuple[Status, Severity]], fail_on: Severity) -> None:
    report = _with(pairs, fail_on)
    assert exit_code_for(report) == _reference(report)
    counts = report.status_severities()
    assert sum(counts.values()) == sum(len(s.results) for s in report.structures)
    assert report.summary()["failing"] == len(report.failing())
    assert report.summary()["rule_errors"] == len(report.rule_errors)
