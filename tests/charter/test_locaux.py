"""FS-LOC-01 to FS-LOC-04: premises."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from fsaudit import model
from fsaudit.referential import select_referential
from fsaudit.testing import audit_structures, make_structure, result_of

FULL = model.Premises(True, True, True, True, True, True, True)
CASES = {
    "FS-LOC-01": ("confidential_space",),
    "FS-LOC-02": ("free_access_station", "printer_scanner"),
    "FS-LOC-03": ("videoconference",),
    "FS-LOC-04": ("free_of_charge", "walk_in"),
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


def test_loc02_disabled_by_referential():
    """A referential that turns the [U] digital station off makes FS-LOC-02 not applicable."""
    from fsaudit.engine import audit_inputs
    from fsaudit.inputs import LoadedStructure, ReadResult
    from fsaudit.referential import ReferentialValue
    from fsaudit.report import InputInfo

    base = select_referential(dt.date(2025, 6, 30))
    values = {
        **base.values,
        "premises.digital_station_required": ReferentialValue(
            "premises.digital_station_required", False, "pratique"
        ),
    }
    ref = attrs.evolve(base, values=values)
    s = make_structure(premises=attrs.evolve(FULL, printer_scanner=False))
    loaded = (LoadedStructure(s, "<mémoire>", ("structures", 0)),)
    report = audit_inputs(
        [(InputInfo("<mémoire>", None, "memoire", 1, 0), ReadResult("memoire", loaded))],
        as_of=base.valid_from,
        referential=ref,
    )
    assert result_of(report, "FS-LOC-02").status.value == "not_applicable"
