"""FS-LOC-01 to FS-LOC-05: premises."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from fsaudit.model import declaration as model
from fsaudit.plugin.manager import select_referential
from fsaudit.testing import audit_structures, make_structure, result_of

FULL = model.Premises(True, True, True, True, True, True, True, True)
CASES = {
    "FS-LOC-01": ("confidential_space",),
    "FS-LOC-02": ("free_access_station", "printer_scanner"),
    "FS-LOC-03": ("videoconference",),
    "FS-LOC-04": ("free_of_charge", "walk_in"),
    "FS-LOC-05": ("disability_access",),
}


def _result(structure: model.Structure, rule: str):
    return result_of(audit_structures([structure]), rule)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_loc_all_present_pass(rule):
    """Every equipment declared present passes."""
    assert _result(make_structure(premises=FULL), rule).status.value == "pass"


@pytest.mark.parametrize("rule", sorted(CASES))
def test_loc_absent_fails_at_field(rule):
    """Each required fact declared false fails, pointing at that field."""
    for name in CASES[rule]:
        result = _result(make_structure(premises=attrs.evolve(FULL, **{name: False})), rule)
        assert (result.status.value, result.location) == ("fail", f"$.structures[0].premises.{name}")


@pytest.mark.parametrize("rule", sorted(CASES))
def test_loc_undeclared_fact_is_manual(rule):
    """A required fact left undeclared is for the auditor to check."""
    name = CASES[rule][-1]
    assert _result(make_structure(premises=attrs.evolve(FULL, **{name: None})), rule).status.value == "manual"


@pytest.mark.parametrize("rule", sorted(CASES))
def test_loc_no_premises_is_manual(rule):
    """No premises block at all is for the auditor to check."""
    assert _result(make_structure(premises=None), rule).status.value == "manual"


@pytest.mark.parametrize("rule", sorted(CASES))
def test_loc_antenne_not_applicable(rule):
    """Antennes are out of scope."""
    s = make_structure(premises=None, type=model.StructureType.ANTENNE)
    assert _result(s, rule).status.value == "not_applicable"


def test_loc04_walk_in_and_free_both_needed():
    """Free of charge but appointment only fails, naming the walk-in access."""
    result = _result(make_structure(premises=attrs.evolve(FULL, walk_in=False)), "FS-LOC-04")
    assert result.message == "absent : accueil sans rendez-vous"


def _with_value(key: str, value: object):
    from fsaudit.model.referential import ReferentialValue

    base = select_referential(dt.date(2025, 6, 30))
    return attrs.evolve(base, values={**base.values, key: ReferentialValue(key, value, "pratique")})


def test_loc02_disabled_by_referential():
    """A referential that turns the [U] digital station off makes FS-LOC-02 not applicable."""
    ref = _with_value("premises.digital_station_required", False)
    s = make_structure(premises=attrs.evolve(FULL, printer_scanner=False))
    assert result_of(audit_structures([s], referential=ref), "FS-LOC-02").status.value == "not_applicable"


def test_loc05_disabled_by_referential():
    """FS-LOC-05 is configurable ([C2]): a referential that turns it off makes it not applicable, saying so."""
    ref = _with_value("premises.disability_access_required", False)
    s = make_structure(premises=attrs.evolve(FULL, disability_access=False))
    result = result_of(audit_structures([s], referential=ref), "FS-LOC-05")
    assert (result.status.value, result.message) == (
        "not_applicable",
        "critère désactivé par le référentiel charte-2025 (premises.disability_access_required)",
    )


def test_loc05_absent_access_is_a_minor_finding_with_an_indicative_action():
    """Access declared absent fails at mineur: an action with an indicative deadline, the decision unchanged."""
    s = make_structure(premises=attrs.evolve(FULL, disability_access=False))
    report = audit_structures([s])
    structure = report.structures[0]
    assert [(a.rule, a.severity.value, a.deadline, a.indicative) for a in structure.decision.actions] == [
        ("FS-LOC-05", "mineur", dt.date(2026, 6, 30), True)
    ]
    assert structure.decision.code.value == "maintien"


def test_loc04_fail_also_names_the_undeclared_fact():
    """Walk-in declared absent and free of charge not declared: the failure names both."""
    s = make_structure(premises=attrs.evolve(FULL, walk_in=False, free_of_charge=None))
    result = _result(s, "FS-LOC-04")
    assert (result.status.value, result.message) == (
        "fail",
        "absent : accueil sans rendez-vous ; non déclaré, à vérifier sur place : service gratuit",
    )
