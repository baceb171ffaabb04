"""Every structure in every report, with its input problems beside its results; input warnings
told apart from input errors everywhere, and counted apart."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from networks import AS_OF, structure, write_declaration
from openpyxl import load_workbook
from report_json import v1_of

from fsaudit.inputs.converter import unstructure
from fsaudit.plugin.manager import load_plugins
from fsaudit.run.engine import audit

MONDAY = "type incorrect : attendu une liste, reçu le texte « neuf heures »"
"""Why 32-A's Monday could not be read."""
COULEUR = (
    "champ inconnu « couleur » (champs admis : $schema, address, appointment_booking, attendance, canton, comment, "
    "commune, conseillers, coordinates, departement, extensions, format, gestionnaire, group, id, "
    "irregular_openings, label, "
    "local_services, name, opening_hours, parent_id, partners, premises, type) : ignoré"
)
"""The warning for 32-A's unknown key."""
BROKEN = "JSON invalide : nom de clé entre guillemets doubles attendu"
"""The error of the file that is not JSON."""


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``decl/u.json``: 32-A with Monday « neuf heures » (unread) and an unknown key (ignored), 32-B
    whole; ``decl/casse.json``, not JSON."""
    monkeypatch.chdir(tmp_path)
    a = unstructure(structure("32-A"))
    a["opening_hours"]["monday"] = "neuf heures"
    a["couleur"] = "bleu"
    Path("decl").mkdir()
    Path("decl/u.json").write_text(
        json.dumps({"structures": [a, unstructure(structure("32-B"))]}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    Path("decl/casse.json").write_text("{", encoding="utf-8")
    return audit(["decl/u.json", "decl/casse.json"], as_of=dt.date.fromisoformat(AS_OF))


def render(report: Any, name: str) -> bytes:
    return load_plugins().reporter(name).render(report, {})


def test_text_shows_input_problems_with_their_structure(report: Any) -> None:
    """The text block of 32-A says what could not be read and what was ignored, before its results."""
    lines = render(report, "text").decode("utf-8").splitlines()
    start = lines.index("[32-A] France services 32-A — decl/u.json ($.structures[0])")
    # The score counts only the criteria judged, and says so (« 100 % » read as a pass).
    assert lines[start + 1].startswith("  Décision : Instruction incomplète ; score 100,0 % des critères jugés ; ")
    assert lines[start + 1].endswith(" à vérifier ou non évalué(s), hors score")
    # The decision's first reason names the place not read, also when the checks it left to make
    # would have made the decision « instruction incomplète » anyway.
    assert lines[start + 2] == (
        "    · 1 donnée(s) de la déclaration illisible(s) ou absente(s) ($.structures[0].opening_hours.monday) : "
        "aucune décision ne peut être rendue avant leur correction"
    )
    assert lines[start + 4 : start + 8] == [
        "  Erreurs de saisie (données non lues : instruction incomplète) :",
        f"    · $.structures[0].opening_hours.monday (horaires d'ouverture › lundi) : {MONDAY}",
        "  Avertissements de saisie (éléments ignorés) :",
        f"    · $.structures[0].couleur : {COULEUR}",
    ]


def test_text_lists_apart_only_the_problems_of_no_structure(report: Any) -> None:
    """The closing list holds the file that is not JSON, not 32-A's problems again; the header counts
    errors and warnings apart."""
    lines = render(report, "text").decode("utf-8").splitlines()
    assert lines[2] == "Entrées : 2 fichier(s), 2 structure(s), 2 erreur(s) de saisie, 1 avertissement(s) de saisie"
    assert lines[-2:] == [
        "Erreurs de saisie (déclarations non auditées en tout ou partie) ; celles d'une structure sont indiquées "
        "avec elle :",
        f"  decl/casse.json — ligne 1, colonne 2 : {BROKEN}",
    ]
    assert sum(1 for line in lines if MONDAY in line and "non évaluable" not in line) == 1


def test_large_text_report_lists_a_structure_with_unread_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above 30 structures, a structure without failure but with an unread fact is still listed, with it."""
    monkeypatch.chdir(tmp_path)
    items = [unstructure(structure(f"32-{n:02d}")) for n in range(31)]
    items[5]["opening_hours"]["monday"] = "neuf heures"
    Path("many.json").write_text(json.dumps({"structures": items}), encoding="utf-8")
    lines = render(audit(["many.json"], as_of=dt.date.fromisoformat(AS_OF)), "text").decode("utf-8").splitlines()
    start = lines.index("[32-05] France services 32-05 (dép. 32, $.structures[5]) — Instruction incomplète")
    assert lines[start + 1] == f"  ‽ erreur de saisie : {MONDAY} [$.structures[5].opening_hours.monday]"


def _csv(report: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(render(report, "csv").decode("utf-8-sig")), delimiter=";"))


def test_csv_rows_of_input_problems(report: Any) -> None:
    """32-A's rows start with its input error then its warning (French field); the file that is not
    JSON closes the table."""
    rows = _csv(report)
    a = [row for row in rows if row[0] == "32-A" and row[7].endswith("de saisie")]
    where = ["32-A", "France services 32-A", "decl/u.json", "32", "", "", ""]
    assert a == [
        [
            *where,
            "erreur de saisie",
            MONDAY,
            "$.structures[0].opening_hours.monday",
            "horaires d'ouverture › lundi",
            "Instruction incomplète",
            "100,0",
            "",
        ],
        [
            *where,
            "avertissement de saisie",
            COULEUR,
            "$.structures[0].couleur",
            "",
            "Instruction incomplète",
            "100,0",
            "",
        ],
    ]
    assert rows[-1] == [
        "",
        "",
        "decl/casse.json",
        "",
        "",
        "",
        "",
        "erreur de saisie",
        BROKEN,
        "ligne 1, colonne 2",
        "",
        "",
        "",
        "",
    ]


def test_markdown_lists_unread_facts_and_warnings_apart(report: Any) -> None:
    """The Markdown summary has a table of unread facts by structure, then errors, then warnings, each counted."""
    text = render(report, "markdown").decode("utf-8")
    assert "· 2 erreur(s) de saisie · 1 avertissement(s) de saisie · 0 erreur(s) de règle" in text
    sections = text.split("\n### ")[1:]
    assert [s.splitlines()[0] for s in sections] == [
        "Données illisibles (instruction incomplète)",
        "Erreurs de saisie, de règle et de plugin",
        "Avertissements de saisie (éléments ignorés)",
    ]
    assert sections[0].splitlines()[4] == (
        f"| 32-A | horaires d'ouverture › lundi | `decl/u.json $.structures[0].opening_hours.monday` | {MONDAY} |"
    )
    assert sections[1].splitlines()[2:] == [f"- decl/casse.json ligne 1, colonne 2 : {BROKEN}"]
    assert (
        sections[2]
        .splitlines()[2]
        .startswith("- 32-A `decl/u.json $.structures[0].couleur` : champ inconnu « couleur »")
    )


def test_junit_structure_with_an_unread_fact_has_an_error_case(report: Any) -> None:
    """32-A's suite holds an <error> test case for its unread fact and a passing one for its warning."""
    root = ET.fromstring(render(report, "junit"))
    suite = next(s for s in root.findall("testsuite") if s.get("name") == "32-A — France services 32-A")
    cases = [c for c in suite.findall("testcase") if c.get("name", "").startswith("Saisie")]
    assert [(c.get("name"), [(n.tag, n.get("message")) for n in c]) for c in cases] == [
        ("Saisie — $.structures[0].opening_hours.monday (horaires d'ouverture › lundi)", [("error", MONDAY)]),
        ("Saisie — $.structures[0].couleur", [("system-out", None)]),
    ]
    assert suite.get("errors") == "1"


def test_junit_warning_apart_is_not_an_error(tmp_path: Path) -> None:
    """An input warning of no structure (a FIFO in a folder) is in « Avertissements de saisie » and passes.

    The run is a subprocess with a timeout: were the FIFO opened, the test fails instead of hanging."""
    import os
    import subprocess

    from commands import run_fsaudit

    write_declaration(tmp_path / "decl" / "a.json", [structure("32-A")])
    os.mkfifo(tmp_path / "decl" / "x.json")
    try:
        done = run_fsaudit("audit", "decl", "--as-of", AS_OF, "-f", "junit", "-o", "r.xml", cwd=tmp_path, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the audit hung on a FIFO")
    assert done.returncode == 0, done.stderr
    root = ET.parse(tmp_path / "r.xml").getroot()
    suite = next(s for s in root.findall("testsuite") if s.get("name") == "Avertissements de saisie")
    assert [(c.get("classname"), [n.tag for n in c]) for c in suite.findall("testcase")] == [
        ("decl/x.json", ["system-out"])
    ]
    assert (root.get("errors"), root.get("failures")) == ("0", "0")


def test_sarif_input_problems_are_results_at_the_input(report: Any) -> None:
    """SARIF has a result per input problem: level error or warning, with its structure, its
    logical location and (a JSON input) the line and column of the value."""
    results = json.loads(render(report, "sarif"))["runs"][0]["results"]
    found = [
        (
            r["ruleId"],
            r["level"],
            r["properties"].get("structure"),
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "region" in r["locations"][0]["physicalLocation"],
        )
        for r in results
        if r["ruleId"].startswith("saisie/")
    ]
    assert found == [
        ("saisie/donnee-illisible", "error", "32-A", "$.structures[0].opening_hours.monday", True),
        ("saisie/element-ignore", "warning", "32-A", "$.structures[0].couleur", True),
        ("saisie/donnee-illisible", "error", None, "ligne 1, colonne 2", True),
    ]
    first = next(r for r in results if r["ruleId"] == "saisie/donnee-illisible")
    assert (
        first["message"]["text"]
        == f"32-A — France services 32-A : erreur de saisie (horaires d'ouverture › lundi) : {MONDAY}"
    )


def test_excel_errors_sheet_puts_problems_beside_their_structure(report: Any) -> None:
    """« Erreurs » lists each input problem with its level, structure and French field; « Synthèse »
    counts each structure's errors and warnings."""
    wb = load_workbook(io.BytesIO(render(report, "xlsx")))
    rows = list(wb["Erreurs"].iter_rows(values_only=True))
    assert rows == [
        ("Origine", "Niveau", "Identifiant", "Structure", "Donnée", "Fichier ou plugin", "Emplacement", "Message"),
        (
            "saisie",
            "erreur",
            "32-A",
            "France services 32-A",
            "horaires d'ouverture › lundi",
            "decl/u.json",
            "$.structures[0].opening_hours.monday",
            MONDAY,
        ),
        (
            "saisie",
            "avertissement",
            "32-A",
            "France services 32-A",
            None,
            "decl/u.json",
            "$.structures[0].couleur",
            COULEUR,
        ),
        ("saisie", "erreur", None, None, None, "decl/casse.json", "ligne 1, colonne 2", BROKEN),
    ]
    synthese = list(wb["Synthèse"].iter_rows(min_row=5, values_only=True))
    assert synthese[0][:2] == (
        "Saisie",
        "2 erreurs de saisie, 1 avertissement de saisie (détail : feuille « Erreurs »)",
    )
    header = synthese[1]
    counts = [dict(zip(header, row, strict=True)) for row in synthese[2:]]
    assert [(c["Identifiant"], c["Erreurs de saisie"], c["Avertissements de saisie"]) for c in counts] == [
        ("32-A", 1, 1),
        ("32-B", 0, 0),
    ]


def test_json_report_keeps_unread_facts_and_counts_warnings_apart(report: Any) -> None:
    """The JSON report gives 32-A's unread fact and counts input errors and warnings apart."""
    data = v1_of(render(report, "json"))
    assert data["structures"][0]["unread"] == [
        {"field": "opening_hours.monday", "location": "$.structures[0].opening_hours.monday", "message": MONDAY}
    ]
    assert "unread" not in data["structures"][1]
    assert (
        data["summary"]["input_errors"],
        data["summary"]["input_warnings"],
        data["summary"]["unreadable_structures"],
    ) == (2, 1, 1)


def test_structure_note_is_shown_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A structure without an id is reported under its provisional id; its note is not repeated."""
    monkeypatch.chdir(tmp_path)
    Path("s.json").write_text(json.dumps({"structures": [{"name": "Sans identifiant"}]}), encoding="utf-8")
    text = render(audit(["s.json"], as_of=dt.date.fromisoformat(AS_OF)), "text").decode("utf-8")
    provisional = "identifiant absent ou illisible : identifiant provisoire « sans-identifiant-1 »"
    assert "[sans-identifiant-1] Sans identifiant — s.json ($.structures[0])" in text.splitlines()
    said = [line for line in text.splitlines() if provisional in line and "non évaluable" not in line]
    assert said == [f"    · $.structures[0].id (identifiant) : {provisional}"]


@pytest.mark.parametrize(("version", "name"), [("1", "report"), ("2", "report-2")])
def test_report_with_unread_facts_and_warnings_validates(report: Any, version: str, name: str) -> None:
    """The JSON report (each version) of a run with unread facts, warnings and errors is valid for its schema."""
    import jsonschema

    from fsaudit._resources import schema

    data = json.loads(load_plugins().reporter("json").render(report, {"report_version": version}))
    assert [e.message for e in jsonschema.Draft202012Validator(schema(name)).iter_errors(data)] == []


def test_a_fact_its_reader_reported_with_the_column_is_said_once() -> None:
    """A workbook reader says « colonne « Fin » : champ obligatoire … » where the unread fact says
    « champ obligatoire … » at the same cell: one issue, the reader's (it was listed twice)."""
    from types import SimpleNamespace

    from fsaudit.model.facts import InputProblem, UnreadFact
    from fsaudit.report.view import input_issues

    reason = "champ obligatoire « end » (fin) manquant"
    structure = SimpleNamespace(
        path="d.xlsx",
        location="Structures!A2",
        unread=(
            UnreadFact("opening_hours.monday", "Horaires!D3", reason),
            UnreadFact("opening_hours.tuesday", "Horaires!D4", reason),
        ),
    )
    problem = InputProblem("d.xlsx", "Horaires!D3", f"colonne « Fin » : {reason}")
    issues = input_issues(SimpleNamespace(structures=[structure], errors=[problem])).by_structure[0]
    assert [(i.location, i.message) for i in issues] == [
        ("Horaires!D3", f"colonne « Fin » : {reason}"),
        ("Horaires!D4", reason),
    ]
