"""The Excel audit report, reopened with openpyxl: sheets, rows, colours, links, no formula, reproducible."""

from __future__ import annotations

import datetime as _dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fsaudit.cli.main import main
from fsaudit.model.result import Section
from fsaudit.model.rule import Severity
from fsaudit.plugin.hookspecs import hookimpl
from fsaudit.run.engine import audit
from fsaudit_workbook.xlsx_report import PASS_FILL, SEVERITY_FILLS, render_xlsx

AS_OF = _dt.date(2025, 6, 30)


@pytest.fixture
def sample_report(samples: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    """The audit of the .xlsx sample, named relatively as a user would."""
    monkeypatch.chdir(samples / "workbook")
    return audit(["declaration-exemple.xlsx"], as_of=AS_OF)


def _open(report: object) -> object:
    return load_workbook(io.BytesIO(render_xlsx(report, {})))


def _rows(ws: object, header_row: int = 1) -> list[dict]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_report_sheets(sample_report: object) -> None:
    """The report has its fixed sheets, in order, then one sheet per section with rows."""
    assert _open(sample_report).sheetnames == [
        "Synthèse",
        "Identité",
        "Constats",
        "Plan d'actions",
        "Décisions par département",
        "Erreurs",
        "Référentiel",
        "Valeurs du référentiel",
        "Synthèse par département",
    ]


def test_synthese_has_one_row_per_structure(sample_report: object) -> None:
    """Synthèse lists each structure with its decision, score, counts by status and reasons."""
    rows = _rows(_open(sample_report)["Synthèse"], header_row=6)
    assert [
        (
            r["Identifiant"],
            r["Décision"],
            r["Score (%)"],
            r["Conformes"],
            r["Non conformes"],
            r["À vérifier"],
            r["Autres résultats"],
        )
        for r in rows
    ] == [
        ("EX-32-001", "Maintien du label", 100, 22, 0, 2, "1 sans objet"),
        ("EX-32-002", "Avis défavorable", 61.5, 7, 5, 7, "1 avertissement, 5 sans objet"),
        ("EX-32-003", "Instruction incomplète", 100, 4, 0, 4, "17 sans objet"),
        ("EX-32-004", "Instruction incomplète", 100, 7, 0, 12, "2 avertissements, 4 sans objet"),
    ]
    assert rows[1]["Motifs"] == "\n".join(sample_report.structures[1].decision.reasons)


def test_constats_rows_filter_and_links(sample_report: object) -> None:
    """Constats has one row per result, an autofilter and links to the input cells."""
    ws = _open(sample_report)["Constats"]
    rows = _rows(ws)
    assert sorted((r["Identifiant"], r["Règle"], r["Statut"], r["Emplacement"]) for r in rows) == sorted(
        (s.id, r.rule, r.status.label, r.location) for s in sample_report.structures for r in s.results
    )
    assert ws.auto_filter.ref == f"A1:H{len(rows) + 1}"
    for n, row in enumerate(rows, start=2):
        link = ws.cell(row=n, column=8).hyperlink
        assert link is not None and link.target == f"declaration-exemple.xlsx#{row['Emplacement']}"


def test_constats_most_serious_first(sample_report: object) -> None:
    """Each structure's results come as in the HTML fiche: non-conformities (bloquant first), then
    checks to do, warnings, waivers, passes and the rules without object."""
    rows = [r for r in _rows(_open(sample_report)["Constats"]) if r["Identifiant"] == "EX-32-002"]
    assert [(r["Statut"], r["Gravité"], r["Règle"]) for r in rows] == [
        ("non conforme", "bloquant", "FS-AGT-01"),
        ("non conforme", "bloquant", "FS-HOR-01"),
        ("non conforme", "bloquant", "FS-HOR-02"),
        ("non conforme", "bloquant", "FS-PAR-01"),
        ("non conforme", "majeur", "FS-LOC-01"),
        ("à vérifier", "majeur", "FS-AGT-03"),
        ("à vérifier", "mineur", "FS-LOC-02"),
        ("à vérifier", "mineur", "FS-LOC-03"),
        ("à vérifier", "mineur", "FS-LOC-05"),
        ("à vérifier", "mineur", "FS-PAR-02"),
        ("à vérifier", "info", "FS-MIS-01"),
        ("à vérifier", "info", "FS-NET-02"),
        ("avertissement", "mineur", "FS-PAR-03"),
        ("conforme", "bloquant", "FS-AGT-02"),
        ("conforme", "bloquant", "FS-HOR-04"),
        ("conforme", "bloquant", "FS-NET-01"),
        ("conforme", "majeur", "FS-LOC-04"),
        ("conforme", "mineur", "FS-AGT-04"),
        ("conforme", "mineur", "FS-HOR-03"),
        ("conforme", "info", "FS-HOR-05"),
        ("sans objet", "majeur", "FS-NET-03"),
        ("sans objet", "majeur", "FS-SVC-02"),
        ("sans objet", "info", "FS-ACT-01"),
        ("sans objet", "info", "FS-FIN-01"),
        ("sans objet", "info", "FS-SVC-01"),
    ]


def test_only_non_conformities_are_coloured_by_severity(sample_report: object) -> None:
    """A non-conformity's status and severity are coloured by its severity (a bloquant one in white
    letters); a pass is green in its status only; every other result is left neutral."""
    ws = _open(sample_report)["Constats"]
    seen = {}
    for row in ws.iter_rows(min_row=2):
        status, severity = row[3], row[4]
        key = (status.value, severity.value)
        fills = (
            status.fill.fgColor.rgb if status.fill.fill_type else None,
            severity.fill.fgColor.rgb if severity.fill.fill_type else None,
            status.font.color is not None,
        )
        seen.setdefault(key, set()).add(fills)
    red = "00" + SEVERITY_FILLS[Severity.BLOQUANT]
    assert seen[("non conforme", "bloquant")] == {(red, red, True)}
    assert seen[("non conforme", "majeur")] == {("00" + SEVERITY_FILLS[Severity.MAJEUR],) * 2 + (False,)}
    assert seen[("conforme", "bloquant")] == {("00" + PASS_FILL, None, False)}
    assert seen[("à vérifier", "majeur")] == {(None, None, False)}
    assert seen[("sans objet", "majeur")] == {(None, None, False)}


def test_plan_d_actions_and_referentiel(sample_report: object) -> None:
    """The action plan lists each action with its deadline; Référentiel lists the rules with sources."""
    wb = _open(sample_report)
    actions = _rows(wb["Plan d'actions"])
    assert [(a["Identifiant"], a["Règle"], a["Échéance"].date()) for a in actions] == [
        (s.id, a.rule, a.deadline) for s in sample_report.structures for a in s.decision.actions
    ]
    assert actions
    ws = wb["Référentiel"]
    rules = [row for row in ws.iter_rows(min_row=2, max_row=1 + len(sample_report.rules), values_only=True)]
    assert [(r[0], r[6], r[7]) for r in rules] == [
        (rule.id, rule.reference.source, rule.reference.confidence) for rule in sample_report.rules
    ]


def test_decisions_by_departement_chart(sample_report: object) -> None:
    """The département table counts decisions and a chart is drawn from it."""
    data = render_xlsx(sample_report, {})
    ws = load_workbook(io.BytesIO(data))["Décisions par département"]
    rows = _rows(ws)
    assert [r["Département"] for r in rows] == ["32"]
    assert rows[0]["Total"] == 4
    assert any(name.startswith("xl/charts/chart") for name in zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_report_is_reproducible(sample_report: object) -> None:
    """The same audit gives the same bytes; the file's dates are the audit date."""
    first = render_xlsx(sample_report, {})
    assert render_xlsx(sample_report, {}) == first
    properties = load_workbook(io.BytesIO(first)).properties
    assert properties.created == properties.modified == _dt.datetime(2025, 6, 30)


def test_hostile_texts_are_never_formulas(tmp_path: Path) -> None:
    """Names starting with =, +, - or @ from an input are written as text cells, never formulas."""
    hostile = ['=HYPERLINK("http://exemple.invalid","clic")', "+1+1", "-2+3", "@SOMME(A1)", "=1\x01"]
    data = {"structures": [{"id": f"S{n}", "name": name, "comment": name} for n, name in enumerate(hostile)]}
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = audit([path], as_of=AS_OF)
    payload = render_xlsx(report, {})
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert not re.search(rb"<f[ >]", archive.read(name)), name
    ws = load_workbook(io.BytesIO(payload))["Synthèse"]
    names = [ws.cell(row=n, column=2) for n in range(7, 7 + len(hostile))]
    assert [c.value for c in names] == [*hostile[:4], "=1�"]
    assert {c.data_type for c in names} == {"s"}


def test_template_writes_hostile_texts_as_text(tmp_path: Path) -> None:
    """A declaration with formula-like names written into a workbook keeps them as text, and reads back."""
    from fsaudit.model import declaration as model
    from fsaudit.plugin.manager import select_referential
    from fsaudit_workbook.reader import read_workbook
    from fsaudit_workbook.template import render_workbook

    names = ["=1+1", "+33 5 62 00 00 00", "-", "@moi"]
    decl = model.Declaration(tuple(model.Structure(f"S{n}", name) for n, name in enumerate(names)))
    path = tmp_path / "d.xlsx"
    path.write_bytes(render_workbook("xlsx", select_referential(AS_OF), decl))
    ws = load_workbook(path)["Structures"]
    assert [(ws.cell(row=n, column=2).value, ws.cell(row=n, column=2).data_type) for n in range(2, 6)] == [
        (name, "s") for name in names
    ]
    assert [item.structure.name for item in read_workbook(path).structures] == names


class _SectionPlugin:
    """A plugin adding a per-département section with rows."""

    @hookimpl
    def fsaudit_report_sections(self, report: object) -> list[Section]:
        return [
            Section(
                "zz_test",
                "Section: de test",
                data={},
                rows=({"Département": "32", "Structures": 4, "Motif": "=pas une formule"},),
            )
        ]


def test_sections_with_rows_get_a_sheet(samples: Path) -> None:
    """Each report section with rows becomes a sheet named after its title."""
    report = audit(
        [samples / "workbook" / "declaration-exemple.json"],
        as_of=AS_OF,
        extra_plugins=[("sections-test", _SectionPlugin())],
    )
    ws = _open(report)["Section  de test"]
    assert _rows(ws) == [{"Département": "32", "Structures": 4, "Motif": "=pas une formule"}]


def test_cli_writes_xlsx_report(samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """« fsaudit audit … --format xlsx -o rapport.xlsx » writes the workbook; without -o it is refused."""
    monkeypatch.chdir(samples / "workbook")
    target = tmp_path / "rapport.xlsx"
    code = main(["audit", "declaration-exemple.ods", "--as-of", "2025-06-30", "--format", "xlsx", "-o", str(target)])
    assert code == 1
    assert load_workbook(target)["Constats"]["H2"].hyperlink.target.startswith("declaration-exemple.ods#")
    assert main(["audit", "declaration-exemple.ods", "--format", "xlsx"]) == 2
