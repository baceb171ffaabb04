"""The Excel report prints: A4 landscape, one page wide, header rows repeated, text wrapped in rows
high enough for it, colours and a chart that mean something, the fiche's content in French.

The page set-up is read back with openpyxl and the chart from its XML; where LibreOffice Calc and
pdftotext are installed, the report of the workbook sample is printed to PDF and every character
of every cell is checked to be printed (none cut), inside the page, on a handful of A4 pages.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree as SafeET
from openpyxl import load_workbook

from fsaudit.model.result import DecisionCode, Section
from fsaudit.plugin.hookspecs import hookimpl
from fsaudit.run.engine import audit
from fsaudit_workbook.xlsx_report import DECISION_COLOURS, render_xlsx, row_height, text_lines

AS_OF = _dt.date(2025, 6, 30)
SAMPLE_PAGES = 17
"""Pages of the workbook sample's report printed by LibreOffice 7.4 (4 structures, 100 results)."""
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def sample_report(samples_dir: Path) -> Any:
    """The audit of the .xlsx sample, named relatively as a user would."""
    import os

    here = Path.cwd()
    os.chdir(samples_dir / "workbook")
    try:
        return audit(["declaration-exemple.xlsx"], as_of=AS_OF)
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def samples_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "samples"


@pytest.fixture(scope="module")
def payload(sample_report: Any) -> bytes:
    return render_xlsx(sample_report, {})


@pytest.fixture(scope="module")
def workbook(payload: bytes) -> Any:
    return load_workbook(io.BytesIO(payload))


HEADER_ROWS = {"Synthèse": "$6:$6", "Valeurs du référentiel": "$4:$4"}


def test_every_sheet_prints_a4_landscape_fitted_to_width(workbook: Any) -> None:
    """Each sheet: A4, landscape, one page wide and as many down as needed, its header row on every page."""
    found = [
        (
            ws.title,
            ws.page_setup.paperSize,
            ws.page_setup.orientation,
            ws.page_setup.fitToWidth,
            ws.page_setup.fitToHeight,
            ws.sheet_properties.pageSetUpPr.fitToPage,
            ws.print_title_rows,
        )
        for ws in workbook.worksheets
    ]
    assert found == [
        (ws.title, 9, "landscape", 1, 0, True, HEADER_ROWS.get(ws.title, "$1:$1")) for ws in workbook.worksheets
    ]


def test_every_page_says_what_it_is(workbook: Any) -> None:
    """The footer of every printed page gives the audit date, the sheet's name and the page number."""
    footers = {(ws.oddFooter.left.text, ws.oddFooter.center.text, ws.oddFooter.right.text) for ws in workbook}
    assert footers == {("Audit France services au 30/06/2025 — fsaudit 0.1.0", "&A", "page &P sur &N")}


def test_every_text_is_wrapped_in_a_row_high_enough(workbook: Any) -> None:
    """Every text cell of every table wraps, and its row is high enough for its lines (LibreOffice
    does not size an .xlsx row to its text by itself)."""
    short = []
    for ws in workbook.worksheets:
        merged = {cell for ranges in ws.merged_cells.ranges for cell in ranges.cells}
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if not isinstance(cell.value, str) or (cell.row, cell.column) in merged:
                    continue
                width = ws.column_dimensions[cell.column_letter].width
                needed = row_height(text_lines(cell.value, width, bold=bool(cell.font.b)))
                if not cell.alignment.wrap_text or ws.row_dimensions[cell.row].height < needed:
                    short.append(f"{ws.title}!{cell.coordinate}")
    assert short == []


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("conforme", 10, 1),
        ("Un référent local désigné par chaque opérateur partenaire", 26, 2),
        ("Un référent local désigné par chaque opérateur partenaire", 16, 4),
        ("Accompagnements, mêmes mois de l'année précédente", 45, 1),
        ("a\nb", 10, 2),
        ("x" * 40, 10, 4),
        ("", 10, 1),
    ],
)
def test_lines_of_a_wrapped_text(text: str, width: float, lines: int) -> None:
    """Lines a text takes in a column of Arial 9, words wrapped whole, a long word over several lines."""
    assert text_lines(text, width) == lines


def test_decision_chart_counts_in_whole_structures_with_the_decisions_colours(payload: bytes) -> None:
    """The chart's axes are shown, its count axis goes up by whole structures, and each decision has
    its colour (the HTML report's), the series from the best decision to the worst."""
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        root = SafeET.fromstring(archive.read("xl/charts/chart1.xml"))
    value_axis = root.find(f".//{CHART}valAx")
    assert (
        value_axis.find(f"{CHART}majorUnit").get("val"),
        value_axis.find(f"{CHART}numFmt").get("formatCode"),
        value_axis.find(f"{CHART}scaling/{CHART}min").get("val"),
    ) == ("1", "0", "0")
    assert [
        axis.find(f"{CHART}delete").get("val") for axis in root.iter() if axis.tag in (f"{CHART}valAx", f"{CHART}catAx")
    ] == ["0", "0"]
    series = [
        (
            "".join(s.find(f"{CHART}tx").itertext()).strip() or s.find(f".//{CHART}f").text,
            s.find(f"{CHART}spPr/{DRAWING}solidFill/{DRAWING}srgbClr").get("val"),
        )
        for s in root.iter(f"{CHART}ser")
    ]
    assert [colour for _, colour in series] == [
        DECISION_COLOURS[DecisionCode.MAINTIEN],
        DECISION_COLOURS[DecisionCode.INSTRUCTION_INCOMPLETE],
        DECISION_COLOURS[DecisionCode.AVIS_DEFAVORABLE],
    ]


def test_decisions_table_from_best_to_worst(workbook: Any) -> None:
    """The département table has one column per decision present, the best first."""
    rows = list(workbook["Décisions par département"].iter_rows(values_only=True))
    assert rows == [
        ("Département", "Maintien du label", "Instruction incomplète", "Avis défavorable", "Total"),
        ("32", 1, 2, 1, 4),
    ]


def test_identity_sheet_shows_each_structure_as_declared(workbook: Any) -> None:
    """« Identité » gives each structure's identity facts in French, its file and the place in it."""
    rows = list(workbook["Identité"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert rows == [
        (
            "EX-32-001",
            "France services de Mirande (exemple fictif)",
            "32",
            "Adresse : 2 rue de l'Exemple, 32300 Mirande\nCommune (code INSEE) : 32256\nCanton : 3210\n"
            "Type et format : structure principale, fixe\nGestionnaire : Communauté de communes (exemple) "
            "(collectivité)\nLabel : labellisée depuis le 01/01/2021\nPosition (WGS84) : 43.51460, 0.40360",
            "declaration-exemple.xlsx",
            "Structures!A2",
            None,
        ),
        (
            "EX-32-002",
            "France services de Vic-Fezensac (exemple fictif)",
            "32",
            "Canton : 3216\nType et format : structure principale, fixe\nGestionnaire : Association (exemple) "
            "(association)\nLabel : candidate au label",
            "declaration-exemple.xlsx",
            "Structures!A3",
            None,
        ),
    ]


def test_unread_identity_fact_reads_illisible(tmp_path: Path) -> None:
    """An identity fact that could not be read says so, with the place, in « Identité »."""
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"structures": [{"id": "X", "name": "N", "commune": 32013}]}), encoding="utf-8")
    ws = load_workbook(io.BytesIO(render_xlsx(audit([str(path)], as_of=AS_OF), {})))["Identité"]
    assert ws["D2"].value == "Commune (code INSEE) : illisible ($.structures[0].commune)"


def test_evidence_is_in_french(workbook: Any) -> None:
    """« Éléments » gives each finding's evidence with French names (declaration fields as the
    template names them, the rules' own keys with spaces and accents)."""
    rows = list(workbook["Constats"].iter_rows(min_row=2, values_only=True))
    evidence = {(r[0], r[1]): r[6] for r in rows}
    assert evidence[("EX-32-001", "FS-LOC-01")] == "espace confidentiel : oui"
    assert evidence[("EX-32-002", "FS-AGT-01")] == "conseillers : 1 · minimum : 2 · ETP déclarés : 1"
    assert evidence[("EX-32-001", "FS-ACT-01")] == (
        "année : 2025 · mois : 01/2025 · accompagnements : 455 · année précédente : 2024 · mois comparables : "
        "01/2025 · accompagnements comparables : 455 · accompagnements année précédente : 402 · écart : 53 · "
        "évolution (%) : 13,18"
    )


class _WideSection:
    """A plugin adding a one-row section with 30 columns (a département's summary)."""

    @hookimpl
    def fsaudit_report_sections(self, report: object) -> list[Section]:
        row = {"Département": "32", **{f"Indicateur numéro {n} de la synthèse": n for n in range(29)}}
        return [Section("zz_large", "Section large", data={}, rows=(row,))]


def test_wide_section_with_few_rows_is_transposed(samples_dir: Path) -> None:
    """A section far wider than a page with few rows is written one column per row, to print on a page."""
    report = audit(
        [samples_dir / "workbook" / "declaration-exemple.json"], as_of=AS_OF, extra_plugins=[("large", _WideSection())]
    )
    rows = list(load_workbook(io.BytesIO(render_xlsx(report, {})))["Section large"].iter_rows(values_only=True))
    assert rows == [("Département", "32")] + [(f"Indicateur numéro {n} de la synthèse", n) for n in range(29)]


# --- printed by LibreOffice ------------------------------------------------------------------------


def _calc_available() -> bool:
    command = shutil.which("soffice")
    if command is None or shutil.which("pdftotext") is None:
        return False
    return (
        Path(command).resolve().parent.joinpath("libsclo.so").exists()
        or Path("/usr/lib/libreoffice/program/libsclo.so").exists()
    )


needs_calc = pytest.mark.skipif(
    not _calc_available(),
    reason="LibreOffice Calc et pdftotext sont nécessaires (apt-get install libreoffice-calc-nogui poppler-utils)",
)


def _pages(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Pages of a PDF: width, height, and each word with its box (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, timeout=60).stdout
    root = SafeET.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", out))
    pages = []
    for page in root.iter("{http://www.w3.org/1999/xhtml}page"):
        words = [
            (float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")), w.text or "")
            for w in page.iter("{http://www.w3.org/1999/xhtml}word")
        ]
        pages.append((float(page.get("width")), float(page.get("height")), words))
    return pages


def _shown(value: Any) -> str:
    """A cell's value as the spreadsheet shows it (General format, dates as JJ/MM/AAAA)."""
    if isinstance(value, _dt.datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@pytest.fixture(scope="module")
def printed(payload: bytes, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The sample's report printed to PDF by LibreOffice: its pages of words."""
    folder = tmp_path_factory.mktemp("impression")
    (folder / "rapport.xlsx").write_bytes(payload)
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(folder / 'profil').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(folder / "rapport.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return _pages(folder / "rapport.pdf")


@needs_calc
def test_sample_report_prints_on_a_handful_of_a4_landscape_pages(printed: Any) -> None:
    """The report of the workbook sample (4 structures) prints on 17 A4 landscape pages (57 before)."""
    assert [(round(w), round(h)) for w, h, _ in printed] == [(842, 595)] * SAMPLE_PAGES


@needs_calc
def test_every_printed_word_is_inside_the_page(printed: Any) -> None:
    """No word is printed outside the page's margins (1 cm)."""
    outside = [text for width, _h, words in printed for x0, _y0, x1, _y1, text in words if x0 < 26 or x1 > width - 26]
    assert outside == []


@needs_calc
def test_no_cell_text_is_cut_in_print(printed: Any, workbook: Any) -> None:
    """Every character of every cell is printed: no text is cut by its row or its column."""
    written = Counter(
        "".join(
            "".join(_shown(cell.value).split())
            for ws in workbook
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None
        )
    )
    shown = Counter("".join("".join(text.split()) for _w, _h, words in printed for *_box, text in words))
    assert {char: count - shown[char] for char, count in written.items() if shown[char] < count} == {}


@needs_calc
def test_header_row_is_on_every_printed_page(printed: Any) -> None:
    """Each page of « Constats » (6 of them) begins with the sheet's header row."""
    pages = [
        words
        for _w, height, words in printed
        if any(text == "Constats" and y0 > height - 50 for _x0, y0, _x1, _y1, text in words)
    ]
    firsts = [" ".join(text for *_box, text in sorted(words, key=lambda w: (round(w[1]), w[0]))[:8]) for words in pages]
    assert firsts == ["Identifiant Règle Titre Statut Gravité Constat Éléments Emplacement"] * 6
