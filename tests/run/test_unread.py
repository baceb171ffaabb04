"""Data that was not read is never treated as absent (docs/honest-verdicts.md)."""

from __future__ import annotations

from typing import Any

import pytest
from rule_plugins import RulesPlugin, make_rule

from fsaudit import DecisionCode, Outcome, Status, hookimpl
from fsaudit.model.facts import UnreadFact, facts_overlap
from fsaudit.plugin.manager import load_plugins
from fsaudit.testing import audit_structures, make_structure, result_of

HOURS_CELL = UnreadFact("opening_hours.monday", "Horaires!C2", "heure illisible « neuf heures »")


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ("opening_hours", "opening_hours.monday[0].start", True),
        ("conseillers[].training_date", "conseillers[1].training_date", True),
        ("conseillers[].training_date", "conseillers[1].fte", False),
        ("conseillers", "conseillers[1].fte", True),
        ("", "premises.walk_in", True),
        ("premises.walk_in", "premises.confidential_space", False),
        ("label.date", "label", True),
    ],
)
def test_fact_paths_overlap_when_one_contains_the_other(a: str, b: str, overlap: bool) -> None:
    """A rule needing ``a`` is blocked by an unread ``b`` exactly when one path contains the other."""
    assert facts_overlap(a, b) is overlap
    assert facts_overlap(b, a) is overlap


def test_unread_hours_make_every_hours_rule_manual_and_no_other() -> None:
    """A structure with 4 h of hours read and Monday unread is not judged below 24 h."""
    short = make_structure(
        opening_hours=make_structure().opening_hours.__class__(tuesday=make_structure().opening_hours.tuesday)
    )
    report = audit_structures([short], unread={0: [HOURS_CELL]})
    for rule in ("FS-HOR-01", "FS-HOR-02", "FS-HOR-03", "FS-HOR-04"):
        result = result_of(report, rule)
        assert result.status is Status.MANUAL, rule
        assert result.message.startswith("non évaluable : donnée illisible ou absente (Horaires!C2 : ")
        assert result.location == "Horaires!C2"
    assert result_of(report, "FS-AGT-01").status is Status.PASS
    assert not [r for r in report.structures[0].results if r.status is Status.FAIL]


def test_a_place_and_reason_is_said_once_in_a_manual_result() -> None:
    """A day and its range unread for one cell are two facts, said once (« … ; … » listed the
    same text twice), with the French spacing before the semicolon between distinct ones."""
    day = UnreadFact("opening_hours.wednesday", "$.opening_hours.wednesday[1].end", "format invalide « 17h »")
    cell = UnreadFact("opening_hours.wednesday[1].end", "$.opening_hours.wednesday[1].end", "format invalide « 17h »")
    other = UnreadFact("opening_hours.friday", "$.opening_hours.friday", "type incorrect")
    report = audit_structures([make_structure()], unread={0: [day, cell, other]})
    assert result_of(report, "FS-HOR-01").message == (
        "non évaluable : donnée illisible ou absente ($.opening_hours.wednesday[1].end : format invalide « 17h » ; "
        "$.opening_hours.friday : type incorrect)"
    )


def test_structure_with_unread_facts_is_never_refused() -> None:
    """One conseiller read and the other row unreadable: no *avis défavorable*, *instruction incomplète*."""
    one = make_structure(conseillers=make_structure().conseillers[:1])
    report = audit_structures(
        [one], unread={0: [UnreadFact("conseillers", "Conseillers!C3", "nombre illisible « un »")]}
    )
    structure = report.structures[0]
    assert result_of(report, "FS-AGT-01").status is Status.MANUAL
    assert structure.decision.code is DecisionCode.INSTRUCTION_INCOMPLETE
    assert structure.unread[0].location == "Conseillers!C3"


def test_decision_guard_holds_against_any_policy() -> None:
    """Even a policy that refuses everything cannot refuse a structure with unread facts."""

    class Harsh:
        @hookimpl(tryfirst=True)
        def fsaudit_decide(self, structure: Any, results: Any, context: Any) -> Any:
            from fsaudit import Decision

            return Decision(DecisionCode.AVIS_DEFAVORABLE, ("refus",))

    report = audit_structures(
        [make_structure(), make_structure(id="B")],
        unread={1: [UnreadFact("comment", "$.comment", "texte illisible")]},
        extra_plugins=[("harsh", Harsh())],
    )
    decisions = {s.id: s.decision for s in report.structures}
    assert decisions["TEST-001"].code is DecisionCode.AVIS_DEFAVORABLE
    assert decisions["B"].code is DecisionCode.INSTRUCTION_INCOMPLETE
    reasons = decisions["B"].reasons
    assert reasons[0].startswith("1 donnée(s) de la déclaration illisible(s) ou absente(s) ($.comment)")
    assert reasons[1] == "en l'état des données lues : refus"


def _always_fails(structure: Any, ctx: Any) -> Outcome:
    return Outcome.failed("toujours non conforme")


def _plugin_rule(needs: tuple[str, ...]) -> RulesPlugin:
    return RulesPlugin(make_rule("TEST-UNR-01", _always_fails, severity="bloquant", needs=needs))


def test_a_rule_that_does_not_say_what_it_needs_cannot_fail_on_a_partly_read_structure() -> None:
    """Without ``needs``, a *fail* on a structure with unread facts becomes *manual*."""
    report = audit_structures(
        [make_structure(), make_structure(id="B")],
        unread={1: [HOURS_CELL]},
        extra_plugins=[("p", _plugin_rule(()))],
    )
    assert result_of(report, "TEST-UNR-01", "TEST-001").status is Status.FAIL
    blocked = result_of(report, "TEST-UNR-01", "B")
    assert blocked.status is Status.MANUAL
    assert blocked.evidence == {"donnees_illisibles": ["Horaires!C2 : heure illisible « neuf heures »"]}


def test_a_rule_whose_needs_were_read_still_fails() -> None:
    """An unread fact the rule does not need leaves its verdict alone."""
    report = audit_structures(
        [make_structure()], unread={0: [HOURS_CELL]}, extra_plugins=[("p", _plugin_rule(("premises",)))]
    )
    assert result_of(report, "TEST-UNR-01").status is Status.FAIL
    assert report.structures[0].decision.code is DecisionCode.INSTRUCTION_INCOMPLETE


def test_unread_facts_are_in_the_json_report() -> None:
    """The JSON report lists a structure's unread facts beside its results."""
    from fsaudit.report.json_contract import report_to_dict

    report = audit_structures([make_structure()], unread={0: [HOURS_CELL]})
    data = report_to_dict(report)
    assert data["structures"][0]["unread"] == [
        {"field": "opening_hours.monday", "location": "Horaires!C2", "message": "heure illisible « neuf heures »"}
    ]
    assert data["summary"]["unreadable_structures"] == 1


def test_every_builtin_rule_declares_what_it_needs() -> None:
    """The guard relies on ``needs``: every built-in rule declares at least one fact, unless it
    reads none and cannot fail (FS-MIS-01, a check the auditor answers)."""
    plugins = load_plugins()
    missing = [rule.id for rule in plugins.rules if not rule.needs and (not rule.statuses or "fail" in rule.statuses)]
    assert missing == []


def _uses_premises(structure: Any, ctx: Any) -> Outcome:
    if structure.premises is None or not structure.premises.confidential_space:
        return Outcome.failed("pas d'espace confidentiel")
    return Outcome.passed("espace confidentiel")


def test_a_rule_whose_needs_name_no_declared_fact_is_refused() -> None:
    """A misspelt need (« premisses ») would let the rule run, and fail, on premises that were not
    read: the rule is refused with a plugin error naming the need; the rule spelt right is
    loaded."""
    plugins = load_plugins(
        extra=[
            (
                "besoins",
                RulesPlugin(
                    make_rule("TST-NEEDS-01", _uses_premises, needs=("premisses",)),
                    make_rule("TST-NEEDS-02", _uses_premises, needs=("premises.confidential_space",)),
                    make_rule("TST-NEEDS-03", _uses_premises, needs=("conseillers[].presence.mondy",)),
                ),
            )
        ]
    )
    ids = {rule.id for rule in plugins.rules}
    assert "TST-NEEDS-02" in ids and not ids & {"TST-NEEDS-01", "TST-NEEDS-03"}
    messages = [e.message for e in plugins.errors if e.plugin == "besoins"]
    assert messages == [
        "la règle TST-NEEDS-01 déclare un besoin inconnu « premisses » (« premisses » n'est pas un champ de la "
        "déclaration) : règle ignorée",
        "la règle TST-NEEDS-03 déclare un besoin inconnu « conseillers[].presence.mondy » (« mondy » n'est pas un "
        "champ de la déclaration) : règle ignorée",
    ]


class _Opaque:
    """An object without a text of its own (its repr shows its memory address)."""


def _odd_evidence(structure: Any, ctx: Any) -> Outcome:
    return Outcome.passed("preuves inhabituelles", ensemble={"b", "a", "c"}, objet=_Opaque())


def test_evidence_that_is_not_json_gives_the_same_bytes_every_run() -> None:
    """A set is written sorted and an object without a text of its own without its memory address:
    two runs give the same JSON report (they differed: « <…_Opaque object at 0x7f…> »)."""
    from fsaudit.report.json_contract import report_to_dict
    from fsaudit_formats.json_report import render_json

    plugin = [("preuves", RulesPlugin(make_rule("TST-ODD-01", _odd_evidence)))]
    runs = [render_json(audit_structures([make_structure()], extra_plugins=plugin), {}) for _ in range(2)]
    assert runs[0] == runs[1] and b"0x" not in runs[0]
    evidence = next(
        r["evidence"]
        for r in report_to_dict(audit_structures([make_structure()], extra_plugins=plugin))["structures"][0]["results"]
        if r["rule"] == "TST-ODD-01"
    )
    assert evidence["ensemble"] == ["a", "b", "c"] and "_Opaque object" in evidence["objet"]
