"""--compare-as-of: the same inputs audited at another date, and what changes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs

from fsaudit.cli.main import main
from fsaudit.model import declaration as model
from fsaudit.run.datecompare import compare_reports, with_comparison
from fsaudit.testing import audit_structures, make_structure

D = dt.date
GERS = Path(__file__).resolve().parents[2] / "samples" / "gers" / "declarations" / "gers-2023-10.json"
PARTNERS_2020 = ("DGFiP", "ANTS", "Justice", "CAF", "CPAM", "CARSAT", "MSA", "Pôle emploi", "La Poste")


def _structure_2020() -> model.Structure:
    """Compliant in 2023 with the partners of 2020 (attendance of 2022-2023: nothing after the dates compared)."""
    offers = tuple(model.PartnerOffer(n, (model.PartnerMode.PERMANENCE,), f"Référent {n}") for n in PARTNERS_2020)
    attendance = (model.Attendance("2022-01", 300), model.Attendance("2023-01", 330))
    return make_structure(partners=offers, attendance=attendance)


def _compared(structure: model.Structure, before: dt.date, after: dt.date):
    base = audit_structures([structure], as_of=before)
    other = audit_structures([structure], as_of=after)
    return with_comparison(base, other)


def test_compliant_2023_loses_anah_and_cheque_energie_in_2024():
    """A structure compliant on 31/12/2023 fails FS-PAR-01 for Anah and chèque énergie on 01/01/2024."""
    data = _compared(_structure_2020(), D(2023, 12, 31), D(2024, 1, 1)).comparison.data
    (change,) = data["changes"]
    assert change["decision"] == {
        "from": "maintien",
        "to": "maintien_conditionnel",
        "from_label": "Maintien du label",
        "to_label": "Maintien conditionnel",
    }
    assert [(r["rule"], r["from"], r["to"], r["message_to"]) for r in change["results"]] == [
        (
            "FS-PAR-01",
            "pass",
            "fail",
            "2 partenaires nationaux manquants sur 11 (charte-2024) : Agence nationale de l'habitat (Anah) "
            "et Chèque énergie (DGEC), exigés depuis le 01/01/2024 (source : Élargissement du socle au "
            "1er janvier 2024)",
        )
    ]
    assert (data["referential"]["id"], data["compare_referential"]["id"]) == ("charte-2020", "charte-2024")


def test_no_change_within_same_referential():
    """Two dates under the same referential with nothing date-dependent changing report no change."""
    data = _compared(make_structure(), D(2025, 3, 1), D(2025, 6, 1)).comparison.data
    assert (data["changes"], data["structures_changed"], data["decisions_changed"]) == ([], 0, 0)


def test_text_section_in_french():
    """The comparison is a French section of the text report."""
    from fsaudit_formats.text_report import render_text

    report = _compared(_structure_2020(), D(2023, 12, 31), D(2024, 1, 1))
    text = render_text(report, {}).decode("utf-8")
    assert "Comparaison avec un audit au 01/01/2024 (référentiel charte-2024) :" in text
    assert "    Décision : Maintien du label → Maintien conditionnel" in text
    assert "    FS-PAR-01 (bloquant) : conforme → non conforme — 2 partenaires nationaux manquants" in text


def test_json_report_has_top_level_comparison():
    """The JSON report carries the comparison under the top-level key « comparison »."""
    from fsaudit.report.json_contract import report_to_dict

    report = _compared(_structure_2020(), D(2023, 12, 31), D(2024, 1, 1))
    out = report_to_dict(report)
    assert out["comparison"]["changes"][0]["structure"] == "TEST-001"
    assert out["sections"]["comparaison"]["decisions_changed"] == 1


def test_section_rows_for_tabular_formats():
    """The section gives one row per change, decision first."""
    report = _compared(_structure_2020(), D(2023, 12, 31), D(2024, 1, 1))
    section = next(s for s in report.sections if s.key == "comparaison")
    assert [(r["Règle"], r["Avant"], r["Après"]) for r in section.rows] == [
        ("décision", "Maintien du label", "Maintien conditionnel"),
        ("FS-PAR-01", "conforme", "non conforme"),
    ]


def test_severity_change_is_reported():
    """A result whose severity changes (same status) is a change."""
    base = audit_structures([make_structure()], as_of=D(2025, 6, 30))
    s = base.structures[0]
    results = tuple(r.evolve(severity="mineur") if r.rule == "FS-LOC-01" else r for r in s.results)
    other = attrs.evolve(base, structures=(attrs.evolve(s, results=results),))
    (change,) = compare_reports(base, other)["changes"]
    assert [(r["rule"], r["severity_from"], r["severity_to"]) for r in change["results"]] == [
        ("FS-LOC-01", "majeur", "mineur")
    ]


def test_cli_compare_as_of_gers(capsys):
    """fsaudit audit --compare-as-of on the Gers sample: 22 principal structures lose FS-PAR-01 in 2024."""
    code = main(["audit", str(GERS), "--as-of", "2023-12-31", "--compare-as-of", "2024-01-01", "-f", "json"])
    out = json.loads(capsys.readouterr().out)
    data = out["comparison"]
    rules = {r["rule"] for c in data["changes"] for r in c["results"]}
    assert code != 2
    assert (data["structures_changed"], rules) == (22, {"FS-PAR-01"})


def test_cli_bad_compare_date(capsys):
    """A malformed --compare-as-of date is a usage error in French."""
    code = main(["audit", str(GERS), "--as-of", "2023-12-31", "--compare-as-of", "2024-13-01"])
    assert (code, capsys.readouterr().err) == (
        2,
        "fsaudit : erreur : date invalide « 2024-13-01 » : attendu AAAA-MM-JJ ou JJ/MM/AAAA\n",
    )


def test_cli_compare_before_first_referential(capsys):
    """A comparison date before the first referential is a usage error naming it."""
    code = main(["audit", str(GERS), "--as-of", "2023-12-31", "--compare-as-of", "2019-06-01"])
    assert code == 2
    assert "aucun référentiel en vigueur au 01/06/2019" in capsys.readouterr().err
