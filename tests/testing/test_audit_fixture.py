"""The ``fsaudit_audit`` fixture a plugin author's tests use (``fsaudit.testing.pytest_plugin``)."""

from __future__ import annotations

from typing import Any

from rule_plugins import RulesPlugin, make_rule

from fsaudit import Outcome, Status


def _booking(structure: Any, ctx: Any) -> Outcome:
    return Outcome.passed("prise de rendez-vous", field="appointment_booking")


def test_builtin_false_runs_only_the_plugins_given(fsaudit_audit: Any, make_structure: Any) -> None:
    """``builtin=False`` runs only the plugins given, under the charter's referential in force (it
    raised « aucun référentiel de la charte n'est chargé »)."""
    plugin = ("mien", RulesPlugin(make_rule("DEP-RDV-01", _booking, needs=("appointment_booking",))))
    report = fsaudit_audit([make_structure()], plugins=[plugin], builtin=False)
    assert [r.rule for r in report.structures[0].results] == ["DEP-RDV-01"]
    assert report.structures[0].results[0].status is Status.PASS
    assert report.referential.id == "charte-2025"
