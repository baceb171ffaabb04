"""Hypothesis properties of the charter rules and decision policy (bounded default profile)."""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import given
from hypothesis import strategies as st

from fsaudit.inputs.reader import LoadedStructure
from fsaudit.model import declaration as model
from fsaudit.model.result import Result
from fsaudit.model.rule import RuleContext, Severity, Status
from fsaudit.plugin.manager import select_referential
from fsaudit.testing import audit_structures
from fsaudit.testing.strategies import structures, time_ranges
from fsaudit_charter import all_rules, conseillers, horaires, partenaires
from fsaudit_charter.decision import decide

AS_OF = dt.date(2025, 6, 30)
CTX = RuleContext(select_referential(AS_OF), AS_OF)
# Lower is better; statuses a rule cannot reach from the case at hand do not matter.
BADNESS = {Status.PASS: 0, Status.NOT_APPLICABLE: 0, Status.WARN: 1, Status.MANUAL: 2, Status.FAIL: 3}
REMEDIATION = {r.id: r.remediation for r in all_rules()}


def _check(module, rule_id):
    return next(r.check for r in module.RULES if r.id == rule_id)


HOR01 = _check(horaires, "FS-HOR-01")
PAR01 = _check(partenaires, "FS-PAR-01")
AGT01 = _check(conseillers, "FS-AGT-01")


@given(
    structures(well_formed_hours=True).filter(lambda s: s.opening_hours is not None and not s.opening_hours.is_empty),
    st.sampled_from(model.WEEKDAYS),
    time_ranges(well_formed=True),
)
def test_adding_opening_hours_never_worsens_hor01(structure, day, extra):
    """Adding a well-formed opening range never makes FS-HOR-01 worse."""
    hours = structure.opening_hours
    more = attrs.evolve(hours, **{day: (*hours.day(day), extra)})
    before = HOR01(structure, CTX).status
    after = HOR01(attrs.evolve(structure, opening_hours=more), CTX).status
    assert BADNESS[after] <= BADNESS[before]


@given(
    structures().filter(lambda s: s.partners is not None),
    st.sampled_from(["CAF", "Anah", "Urssaf", "Pôle emploi", "Mission locale", "DDFiP", "Chèque énergie"]),
)
def test_adding_a_partner_never_worsens_par01(structure, name):
    """Adding a partner offer never makes FS-PAR-01 worse."""
    offer = model.PartnerOffer(name, (model.PartnerMode.PERMANENCE,), "Référent")
    before = PAR01(structure, CTX).status
    after = PAR01(attrs.evolve(structure, partners=(*structure.partners, offer)), CTX).status
    assert BADNESS[after] <= BADNESS[before]


@given(structures().filter(lambda s: bool(s.conseillers)), st.data())
def test_removing_a_conseiller_never_improves_agt01(structure, data):
    """Removing a conseiller never makes FS-AGT-01 better."""
    index = data.draw(st.integers(0, len(structure.conseillers) - 1))
    fewer = structure.conseillers[:index] + structure.conseillers[index + 1 :]
    before = AGT01(structure, CTX).status
    after = AGT01(attrs.evolve(structure, conseillers=fewer), CTX).status
    assert BADNESS[after] >= BADNESS[before]


@given(structures(), st.sampled_from(list(Severity)), st.data())
def test_adding_a_fail_never_improves_the_decision(structure, severity, data):
    """Adding a failed criterion, or turning a met one into a failure, never improves the decision."""
    report = audit_structures([structure], as_of=AS_OF)
    s = report.structures[0]
    loaded = LoadedStructure(structure, "<mémoire>")
    base = decide(loaded, s.results, CTX, REMEDIATION)
    extra = Result("FS-TEST-01", Status.FAIL, severity, "critère ajouté non conforme", "$")
    added = decide(loaded, (*s.results, extra), CTX, REMEDIATION)
    assert added.code.rank >= base.code.rank
    met = [i for i, r in enumerate(s.results) if r.status in (Status.PASS, Status.WARN, Status.NOT_APPLICABLE)]
    if met:
        i = data.draw(st.sampled_from(met))
        turned = list(s.results)
        turned[i] = turned[i].evolve(status=Status.FAIL)
        assert decide(loaded, turned, CTX, REMEDIATION).code.rank >= base.code.rank
