"""Auditing workbooks: samples equal to their JSON twin, manual checks answered in « Vérifications »."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import pytest
from workbook_helpers import headers, problems, structures_sheet, write

from fsaudit.inputs.converter import structure_declaration
from fsaudit.inputs.reader import ManualAnswer
from fsaudit.model import declaration as model
from fsaudit.plugin.manager import select_referential
from fsaudit.run.engine import audit
from fsaudit.testing import make_structure, result_of
from fsaudit_workbook.reader import read_workbook
from fsaudit_workbook.template import render_workbook

AS_OF = _dt.date(2025, 6, 30)


def _key(report: object) -> list[tuple]:
    return [
        (
            s.id,
            s.name,
            s.decision.code.value,
            s.score,
            [(r.rule, r.status.value, r.severity.value, r.message) for r in s.results],
        )
        for s in report.structures
    ]


def test_sample_workbooks_equal_the_json_sample(samples: Path) -> None:
    """The .xlsx and .ods samples give the same structures and results as the JSON sample."""
    folder = samples / "workbook"
    reports = {ext: audit([folder / f"declaration-exemple.{ext}"], as_of=AS_OF) for ext in ("json", "xlsx", "ods")}
    assert all(not report.errors for report in reports.values())
    assert len(reports["json"].structures) == 4
    assert _key(reports["xlsx"]) == _key(reports["json"])
    assert _key(reports["ods"]) == _key(reports["json"])


def test_sample_workbooks_are_up_to_date(samples: Path, tmp_path: Path) -> None:
    """The committed samples are what make_samples.py writes today."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", samples / "workbook" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = json.loads((samples / "workbook" / "declaration-exemple.json").read_text(encoding="utf-8"))
    assert structure_declaration(data) == module.declaration()
    referential = select_referential(module.AS_OF)
    for fmt in ("xlsx", "ods"):
        written = render_workbook(fmt, referential, module.declaration())
        assert (samples / "workbook" / f"declaration-exemple.{fmt}").read_bytes() == written


def _workbook(tmp_path: Path, fmt: str, answers: tuple[ManualAnswer, ...]) -> Path:
    structure = make_structure(
        id="S1",
        irregular_openings="premier samedi du mois",
        conseillers=(
            model.Conseiller("C1", 1.0, _dt.date(2020, 11, 15), 6.5, _dt.date(2020, 12, 1)),
            model.Conseiller("C2", 1.0, _dt.date(2020, 11, 15), 6.5, _dt.date(2020, 12, 1)),
        ),
    )
    path = tmp_path / f"declaration.{fmt}"
    path.write_bytes(render_workbook(fmt, select_referential(AS_OF), model.Declaration((structure,)), answers))
    return path


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_manual_answers_settle_manual_checks(tmp_path: Path, fmt: str) -> None:
    """An answered manual check becomes pass or fail marked manual; an unanswered one stays manual."""
    before = audit([_workbook(tmp_path, fmt, ())], as_of=AS_OF)
    assert result_of(before, "FS-HOR-05").status.value == "manual"
    assert result_of(before, "FS-AGT-03").status.value == "manual"
    answer = ManualAnswer(
        "S1", "FS-HOR-05", "fail", "aucune ouverture le samedi constatée", "A. Martin", _dt.date(2025, 6, 12), ""
    )
    after = audit([_workbook(tmp_path, fmt, (answer,))], as_of=AS_OF)
    settled = result_of(after, "FS-HOR-05")
    assert (settled.status.value, settled.manual, settled.location) == ("fail", True, "Vérifications!C2")
    assert (
        settled.message == "vérifié par A. Martin le 12/06/2025 : non conforme — aucune ouverture le samedi constatée"
    )
    pending = result_of(after, "FS-AGT-03")
    assert (pending.status.value, pending.manual) == ("manual", False)


def test_answer_dated_after_the_audit_is_not_applied(tmp_path: Path) -> None:
    """An answer dated after the audit date was not given at that date: not applied, said at its cell."""
    answer = ManualAnswer("S1", "FS-HOR-05", "pass", "constaté", "A. Martin", _dt.date(2025, 9, 10), "")
    report = audit([_workbook(tmp_path, "xlsx", (answer,))], as_of=AS_OF)
    assert result_of(report, "FS-HOR-05").status.value == "manual"
    assert [(e.location, e.message, e.level) for e in report.errors] == [
        (
            "Vérifications!C2",
            "réponse datée du 10/09/2025, après la date de l'audit (30/06/2025) : non appliquée, la règle reste à "
            "vérifier",
            "erreur",
        )
    ]


def test_two_different_answers_in_two_files_apply_neither(tmp_path: Path) -> None:
    """Two workbooks answering one check differently: neither answer is applied, the second is an
    error naming where the first was given."""
    yes = ManualAnswer("S1", "FS-HOR-05", "pass", "constaté", "A. Martin", _dt.date(2025, 6, 12), "")
    no = ManualAnswer("S1", "FS-HOR-05", "fail", "porte close", "B. Durand", _dt.date(2025, 6, 20), "")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = _workbook(tmp_path / "a", "xlsx", (yes,)), _workbook(tmp_path / "b", "xlsx", (no,))
    report = audit([first, second], as_of=AS_OF)
    assert {r.status.value for s in report.structures for r in s.results if r.rule == "FS-HOR-05"} == {"manual"}
    (error,) = [e for e in report.errors if "réponse" in e.message]
    assert (error.path, error.location, error.message) == (
        str(second),
        "Vérifications!C2",
        f"la règle FS-HOR-05 de la structure « S1 » a déjà une autre réponse ({first} (Vérifications!C2)) : aucune "
        "des deux n'est appliquée, la règle reste à vérifier ; n'en garder qu'une",
    )


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_incomplete_verification_rows_are_errors(tmp_path: Path, fmt: str) -> None:
    """A verification with a missing or unreadable cell is reported at each such cell, like any sheet, and not
    applied; a check answered twice keeps neither answer (which one the auditor stands by cannot be told)."""
    path = write(
        tmp_path / f"v.{fmt}",
        {
            "Structures": structures_sheet(["S1", "Maison"]),
            "Vérifications": [
                headers("Vérifications"),
                ["S1", "fs-hor-05", None, "constaté", None, "12/06/2025"],
                ["S1", "FS-HOR-05", "conforme", "constaté", "A. Martin", "12/06/2025"],
                ["S1", "FS-HOR-05", "conforme", "encore", "B. Durand", "13/06/2025"],
                ["S1", "HORAIRES", "peut-être", None, "y", "hier"],
            ],
        },
    )
    result = read_workbook(path)
    assert result.answers == ()
    assert problems(result) == [
        ("Vérifications!C2", "colonne « Résultat » : valeur obligatoire manquante"),
        ("Vérifications!E2", "colonne « Auditeur » : valeur obligatoire manquante"),
        (
            "Vérifications!B4",
            "colonne « Règle » : la règle FS-HOR-05 de la structure « S1 » est déjà vérifiée ligne 3 : aucune des "
            "réponses n'est appliquée, la règle reste à vérifier ; n'en garder qu'une",
        ),
        (
            "Vérifications!B5",
            "colonne « Règle » : « HORAIRES » n'est pas un identifiant de règle ; attendu par exemple FS-HOR-05",
        ),
        (
            "Vérifications!C5",
            "colonne « Résultat » : « peut-être » n'est pas une valeur admise ; attendu conforme ou non conforme",
        ),
        ("Vérifications!D5", "colonne « Constat » : valeur obligatoire manquante"),
        ("Vérifications!F5", "colonne « Date » : « hier » n'est pas une date ; attendu une date JJ/MM/AAAA"),
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_verification_sheet_without_an_answer_column_is_not_read(tmp_path: Path, fmt: str) -> None:
    """Every column of an answer is required: without « Auditeur » the sheet is not read, said once at its header."""
    path = write(
        tmp_path / f"v.{fmt}",
        {
            "Structures": structures_sheet(["S1", "Maison"]),
            "Vérifications": [
                ["Identifiant", "Règle", "Résultat", "Constat", "Date"],
                ["S1", "FS-HOR-05", "conforme", "constaté", "12/06/2025"],
            ],
        },
    )
    result = read_workbook(path)
    assert result.answers == ()
    assert problems(result) == [
        (
            "Vérifications!A1",
            "colonne obligatoire « Auditeur » absente de la feuille « Vérifications » : la feuille n'est pas lue",
        ),
    ]
    assert result.structures[0].unread == ()


def test_answer_to_a_check_not_to_make_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An answer to a rule that is not « à vérifier » for the structure is listed in the JSON report
    and said on standard error: the auditor must not think it was taken into account."""
    from fsaudit.cli.main import main

    answer = ManualAnswer("S1", "FS-HOR-01", "fail", "porte close", "A. Martin", _dt.date(2025, 6, 12), "")
    path = _workbook(tmp_path, "xlsx", (answer,))
    out = tmp_path / "r.json"
    main(["audit", str(path), "--as-of", AS_OF.isoformat(), "-f", "json", "--report-version", "1", "-o", str(out)])
    message = (
        "réponse de l'auditeur non utilisée : la règle n'est pas à vérifier manuellement pour cette structure (ou "
        "la structure est inconnue)"
    )
    assert json.loads(out.read_text(encoding="utf-8"))["unused_answers"] == [
        {"structure": "S1", "rule": "FS-HOR-01", "path": str(path), "location": "Vérifications!C2", "message": message}
    ]
    assert f"avertissement : {path} (Vérifications!C2) : FS-HOR-01 de « S1 » : {message}" in capsys.readouterr().err
    # Both versions of the report carry the item, valid for their schema.
    import jsonschema

    from fsaudit._resources import schema

    for version, name in (("1", "report"), ("2", "report-2")):
        args = ["audit", str(path), "--as-of", AS_OF.isoformat(), "-f", "json", "--report-version", version]
        main([*args, "-o", str(out)])
        data = json.loads(out.read_text(encoding="utf-8"))
        jsonschema.validate(data, schema(name))
        assert [item["path"] for item in data["unused_answers"]] == [str(path)]
