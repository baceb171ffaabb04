"""The spreadsheet export of the ANCT list (.xlsx, .ods): same columns on the first sheet."""

from __future__ import annotations

import datetime as _dt
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from anct_helpers import record, write_csv
from openpyxl import Workbook

from fsaudit.inputs.files import choose_reader
from fsaudit.plugin.manager import load_plugins
from fsaudit_anct.columns import COLUMNS
from fsaudit_anct.reader import WORKBOOK_READER, read_csv, read_workbook, sniff_workbook


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "Feuille1") -> Path:
    """A workbook whose first sheet holds ``rows`` from A1 (values as given: text, numbers, dates)."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    workbook.create_sheet("Notes").append(["ignorée"])
    workbook.save(path)
    return path


def _cell(value: Any) -> str:
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if value in (None, ""):
        return "<table:table-cell/>"
    text = escape(str(value))
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def write_ods(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "Feuille1") -> Path:
    """A minimal OpenDocument spreadsheet holding ``rows`` on its only sheet."""
    body = "".join("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _rows(*records: dict[str, Any]) -> list[list[Any]]:
    return [list(COLUMNS)] + [[r.get(c, "") for c in COLUMNS] for r in records]


def _as_spreadsheet(item: dict[str, str]) -> dict[str, Any]:
    """What a spreadsheet makes of a record: numbers for codes and coordinates, empty cells as None."""
    out: dict[str, Any] = {k: (v if v != "" else None) for k, v in item.items()}
    out.update(
        insee_dep=int(item["insee_dep"]) if item["insee_dep"].isdigit() else item["insee_dep"],
        insee_com=int(item["insee_com"]),
        code_postal=int(item["code_postal"]),
        latitude=float(item["latitude"]),
        longitude=float(item["longitude"]),
    )
    return out


@pytest.mark.parametrize("writer", [write_xlsx, write_ods], ids=["xlsx", "ods"])
def test_workbook_reads_as_the_csv(tmp_path: Path, writer: Any) -> None:
    """A spreadsheet export (numeric codes, float coordinates) gives the same structures as the CSV."""
    records = [
        record(),
        record(id_fs="2", insee_dep="2A", h_mardi="00:00 - 00:00", commentaire="sur\nrendez-vous"),
    ]
    from_csv = read_csv(write_csv(tmp_path / "liste.csv", records))
    suffix = ".xlsx" if writer is write_xlsx else ".ods"
    path = writer(tmp_path / f"liste{suffix}", _rows(*[_as_spreadsheet(r) for r in records]))
    from_workbook = read_workbook(path)
    assert from_workbook.problems == ()
    assert [s.structure for s in from_workbook.structures] == [s.structure for s in from_csv.structures]


@pytest.mark.parametrize("writer", [write_xlsx, write_ods], ids=["xlsx", "ods"])
def test_workbook_locations_are_cells(tmp_path: Path, writer: Any) -> None:
    """Problems and findings point at cells (``Feuille1!N3``), the record at its row."""
    suffix = ".xlsx" if writer is write_xlsx else ".ods"
    path = writer(tmp_path / f"liste{suffix}", _rows(record(), record(id_fs="2", h_mardi="9h à midi")))
    result = read_workbook(path)
    assert [(p.location, p.message.split(" (")[0]) for p in result.problems] == [
        ("Feuille1!N3", "horaire illisible : « 9h à midi »")
    ]
    second = result.structures[1]
    assert [second.locate(), second.locate("opening_hours"), second.locate("label.date")] == [
        "Feuille1, ligne 3",
        "Feuille1!M3:R3",
        "Feuille1!X3",
    ]


def test_workbook_label_date_cell(tmp_path: Path) -> None:
    """A label date typed as a date cell is the label date."""
    item = {**record(), "labellisation_fs": _dt.datetime(2020, 1, 1)}
    path = write_xlsx(tmp_path / "liste.xlsx", _rows(item))
    (loaded,) = read_workbook(path).structures
    assert loaded.structure.label is not None and loaded.structure.label.date == _dt.date(2020, 1, 1)


def test_workbook_header_below_empty_rows(tmp_path: Path) -> None:
    """A header under empty rows is found, and row numbers stay those of the sheet."""
    path = write_xlsx(tmp_path / "liste.xlsx", [[], [], *_rows(record(h_jeudi="00:00 - 00:00"))])
    (loaded,) = read_workbook(path).structures
    assert loaded.locate("opening_hours.thursday[0]") == "Feuille1!P4"


def test_sheet_name_with_spaces_is_quoted(tmp_path: Path) -> None:
    """A sheet name with spaces is quoted as a spreadsheet does (``'Liste FS'!N2``)."""
    path = write_xlsx(tmp_path / "liste.xlsx", _rows(record(h_mardi="n'importe")), sheet="Liste FS")
    assert [p.location for p in read_workbook(path).problems] == ["'Liste FS'!N2"]


def test_anct_workbook_wins_over_the_generic_workbook_reader(tmp_path: Path) -> None:
    """An .xlsx with the ANCT header is read by the ANCT reader, not the generic workbook reader."""
    path = write_xlsx(tmp_path / "export.xlsx", _rows(record()))
    assert choose_reader(path, load_plugins().readers).name == WORKBOOK_READER.name


def test_other_workbook_is_not_claimed(tmp_path: Path) -> None:
    """A workbook without the ANCT columns on its first sheet is left to other readers."""
    path = write_xlsx(tmp_path / "autre.xlsx", [["id", "nom"], ["1", "Mairie"]])
    assert not sniff_workbook(path, path.read_bytes()[:65536])
    chosen = choose_reader(path, load_plugins().readers)
    assert chosen is None or chosen.name != WORKBOOK_READER.name


def test_missing_column_in_workbook(tmp_path: Path) -> None:
    """A workbook header without ``id_fs`` is read with the columns it has: a warning at the
    header row says which are missing, and each structure gets an identifier derived from it."""
    rows = _rows(record())
    rows[0][0] = "identifiant"
    result = read_workbook(write_xlsx(tmp_path / "liste.xlsx", rows))
    assert [(p.location, p.level) for p in result.problems] == [
        ("Feuille1, ligne 1", "avertissement"),
        ("Feuille1, ligne 1", "avertissement"),
    ]
    assert result.problems[0].message.endswith("colonnes absentes (faits non lus, à vérifier) : id_fs")
    assert result.problems[1].message == (
        "colonne(s) ignorée(s), inconnues de la disposition « liste-2024 » : identifiant"
    )
    assert result.structures[0].structure.id.startswith("fs-01-")


def test_broken_workbook_is_a_problem(tmp_path: Path) -> None:
    """A file that is not a readable workbook is an input problem, not a crash."""
    path = tmp_path / "liste.xlsx"
    path.write_bytes(b"PK\x03\x04 pas un classeur")
    (problem,) = read_workbook(path).problems
    assert (problem.location, problem.message.startswith("classeur illisible (")) == ("fichier", True)
