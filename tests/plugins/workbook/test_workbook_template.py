"""The declaration template: « fsaudit template », Instructions, drop-down lists, frozen headers, example."""

from __future__ import annotations

import datetime as _dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from fsaudit.cli.main import main
from fsaudit.plugin.manager import select_referential
from fsaudit_workbook.layout import SHEETS
from fsaudit_workbook.reader import read_workbook
from fsaudit_workbook.template import render_workbook

REFERENTIAL = select_referential(_dt.date(2025, 6, 30))


def test_cli_writes_xlsx_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """« fsaudit template -o x.xlsx » writes a workbook whose sheets follow the layout."""
    target = tmp_path / "declaration.xlsx"
    assert main(["template", "-o", str(target), "--as-of", "2025-06-30"]) == 0
    assert capsys.readouterr().out == f"{target} : modèle de déclaration créé (référentiel charte-2025)\n"
    wb = load_workbook(target)
    assert wb.sheetnames == ["Instructions", "Listes"] + [spec.name for spec in SHEETS]
    assert wb["Listes"].sheet_state == "hidden"


def test_cli_refuses_existing_file_and_unknown_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An existing file is kept unless --force; only .xlsx and .ods are written."""
    target = tmp_path / "declaration.xlsx"
    target.write_bytes(b"travail en cours")
    assert main(["template", "-o", str(target)]) == 2
    assert target.read_bytes() == b"travail en cours"
    assert main(["template", "-o", str(tmp_path / "x.csv")]) == 2
    assert main(["template"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"fsaudit : erreur : {target} existe déjà : choisissez un autre nom, ou ajoutez --force pour le remplacer",
        f"fsaudit : erreur : « {tmp_path / 'x.csv'} » : le modèle s'écrit en .xlsx ou en .ods",
        "fsaudit : erreur : indiquez le classeur à créer avec -o, par exemple -o declaration.xlsx",
    ]
    assert main(["template", "-o", str(target), "--force"]) == 0
    assert zipfile.is_zipfile(target)


def test_xlsx_template_has_headers_widths_freeze_and_lists(tmp_path: Path) -> None:
    """Each sheet has its French headers, widths and a frozen header row; lists come from the referential."""
    path = tmp_path / "t.xlsx"
    path.write_bytes(render_workbook("xlsx", REFERENTIAL, example=True))
    wb = load_workbook(path)
    for spec in SHEETS:
        ws = wb[spec.name]
        assert [c.value for c in ws[1]] == [c.header for c in spec.columns]
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width == spec.columns[0].width
    listes = {wb["Listes"].cell(row=1, column=n).value: n for n in range(1, wb["Listes"].max_column + 1)}
    column = listes["partenaires"]
    partners = [wb["Listes"].cell(row=r, column=column).value for r in range(2, 2 + len(REFERENTIAL.partners))]
    assert partners == [p.name for p in REFERENTIAL.partners]
    validations = {str(dv.sqref): dv for dv in wb["Partenaires"].data_validations.dataValidation}
    assert validations["B2:B2001"].formula1 == f"Listes!${_letter(column)}$2:${_letter(column)}${1 + len(partners)}"
    assert validations["B2:B2001"].showErrorMessage is False
    day = next(dv for dv in wb["Horaires"].data_validations.dataValidation if str(dv.sqref) == "B2:B2001")
    assert day.showErrorMessage is True


def _letter(n: int) -> str:
    return chr(64 + n)


def test_instructions_sheet_explains_the_layout(tmp_path: Path) -> None:
    """The Instructions sheet names every sheet and the French conventions."""
    path = tmp_path / "t.xlsx"
    path.write_bytes(render_workbook("xlsx", REFERENTIAL, example=True))
    lines = [row[0] for row in load_workbook(path)["Instructions"].iter_rows(values_only=True)]
    assert lines[0] == "Déclaration France services — classeur à remplir pour fsaudit"
    for spec in SHEETS:
        assert f"Feuille « {spec.name} »" in lines
    assert "Heures : 9h, 9h30, 09:00 ou 9:00 ; 24:00 pour minuit en fin de journée." in lines


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_template_example_is_skipped_with_a_warning(tmp_path: Path, fmt: str) -> None:
    """The example structure fills every sheet and is skipped with one warning; without it the template is empty."""
    path = tmp_path / f"t.{fmt}"
    path.write_bytes(render_workbook(fmt, REFERENTIAL, example=True))
    result = read_workbook(path)
    assert [(p.location, p.level) for p in result.problems] == [("Structures!A2", "avertissement")]
    assert result.problems[0].message.endswith(
        "feuilles Structures, Horaires, Conseillers, Partenaires, Services locaux, Locaux, Fréquentation, "
        "Département, Vérifications, Extensions (ou créez le modèle sans exemple : fsaudit template --sans-exemple)"
    )
    assert (result.structures, result.answers, result.departements) == ((), (), ())
    empty = tmp_path / f"vide.{fmt}"
    empty.write_bytes(render_workbook(fmt, REFERENTIAL, example=False))
    assert read_workbook(empty).structures == ()
    assert read_workbook(empty).problems == ()


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_template_is_reproducible(fmt: str) -> None:
    """Writing the template twice gives the same bytes (no clock in the file)."""
    assert render_workbook(fmt, REFERENTIAL, example=True) == render_workbook(fmt, REFERENTIAL, example=True)


def test_ods_template_has_validations_and_frozen_rows() -> None:
    """The .ods declares list validations on the cells and a frozen first row per sheet."""
    import io

    data = render_workbook("ods", REFERENTIAL, example=True)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist()[0] == "mimetype"
    content = archive.read("content.xml").decode()
    assert 'table:condition=\'of:cell-content-is-in-list("lundi";"mardi";' in content
    assert 'table:content-validation-name="val1"' in content
    settings = archive.read("settings.xml").decode()
    assert settings.count(
        '<config:config-item config:name="VerticalSplitMode" config:type="short">2</config:config-item>'
    ) == len(SHEETS)
