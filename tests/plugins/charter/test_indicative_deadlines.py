"""Action-plan deadlines have no source ([U]): every report that shows one says « délai indicatif »."""

from __future__ import annotations

import datetime as dt
import io
import json

import jsonschema
import pytest
from openpyxl import load_workbook

from fsaudit import expand_v2
from fsaudit._resources import schema
from fsaudit.model import declaration as model
from fsaudit.plugin.manager import load_plugins
from fsaudit.testing import audit_structures, make_departement, make_structure

AS_OF = dt.date(2025, 6, 30)
NO_CONFIDENTIAL_SPACE = model.Premises(False, True, True, True, True, True, True, True)
BASIS = (
    "délai indicatif [U] : 180 jours (référentiel charte-2025), qu'aucun texte ne fixe ; "
    "la préfecture peut le modifier (surcouche --referentiel)"
)


@pytest.fixture(scope="module")
def report():
    """One structure with a majeur finding (FS-LOC-01): one action due 27/12/2025."""
    return audit_structures(
        [make_structure(premises=NO_CONFIDENTIAL_SPACE)], as_of=AS_OF, departements=[make_departement()]
    )


def test_action_is_indicative_with_its_basis(report):
    """The action carries its [U] mark and where its deadline comes from."""
    (action,) = report.structures[0].decision.actions
    assert (action.rule, action.deadline, action.indicative, action.deadline_basis, action.deadline_label) == (
        "FS-LOC-01",
        dt.date(2025, 12, 27),
        True,
        BASIS,
        "avant le 27/12/2025 (délai indicatif)",
    )


def test_json_action_says_indicative_and_validates(report):
    """The JSON report's action has indicative and deadline_basis, and the report fits its schema."""
    written = json.loads(load_plugins().reporter("json").render(report, {}))
    data = expand_v2(written)
    assert data["structures"][0]["actions"] == [
        {
            "rule": "FS-LOC-01",
            "severity": "majeur",
            "action": "Aménager un bureau fermé permettant un accueil confidentiel et le déclarer.",
            "deadline": "2025-12-27",
            "indicative": True,
            "deadline_basis": BASIS,
        }
    ]
    assert list(jsonschema.Draft202012Validator(schema("report-2")).iter_errors(written)) == []


def test_text_report_says_indicative(report):
    """The text report's action line and the note under the plan say « délai indicatif »."""
    lines = load_plugins().reporter("text").render(report, {}).decode().splitlines()
    plan = lines.index("  Plan d'actions :")
    assert lines[plan + 1 : plan + 3] == [
        "    - FS-LOC-01 (majeur, avant le 27/12/2025 (délai indicatif)) : Aménager un bureau fermé permettant un "
        "accueil confidentiel et le déclarer.",
        f"    Échéance : {BASIS}",
    ]


def test_excel_action_plan_says_indicative(report):
    """The Excel « Plan d'actions » sheet gives the nature of each deadline next to it."""
    wb = load_workbook(io.BytesIO(load_plugins().reporter("xlsx").render(report, {})))
    rows = list(wb["Plan d'actions"].iter_rows(values_only=True))
    assert (rows[0][-2:], (rows[1][-2].date(), rows[1][-1])) == (
        ("Échéance", "Nature du délai"),
        (dt.date(2025, 12, 27), BASIS),
    )


@pytest.mark.parametrize("name", sorted(r.name for r in load_plugins().reporters if not r.binary))
def test_every_text_report_showing_the_deadline_says_indicative(report, name: str):
    """Whatever the format, a report that shows the deadline also says « délai indicatif »."""
    text = load_plugins().reporter(name).render(report, {}).decode()
    shows = "27/12/2025" in text or "2025-12-27" in text
    assert (shows, "délai indicatif" in text) in ((False, False), (False, True), (True, True))


def test_decision_reason_says_the_compliance_deadline_is_indicative():
    """A labelled structure kept conditionally is told its compliance deadline is indicative."""
    s = make_structure(conseillers=make_structure().conseillers[:1])
    decision = audit_structures([s], as_of=AS_OF, departements=[make_departement()]).structures[0].decision
    assert decision.reasons[-1] == (
        "mise en conformité exigée dans le délai du plan d'actions (délai indicatif), à défaut retrait du label"
    )
