"""The template's « Instructions » sheet prints on A4 portrait without cut text (.xlsx and .ods).

The page set-up is read back from each file (openpyxl, the ODS XML); where LibreOffice and
pdftotext are installed, the sheet is also printed to PDF and every word is checked to be there,
inside the page's printable width and over no other word.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from defusedxml import ElementTree as SafeET
from openpyxl import load_workbook

from fsaudit.plugin.manager import select_referential
from fsaudit_workbook.layout import SHEETS
from fsaudit_workbook.template import A4_MARGIN_CM, instructions, render_workbook

REFERENTIAL = select_referential(_dt.date(2025, 6, 30))
LINES = instructions(REFERENTIAL.title, True, REFERENTIAL.partners)
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}
A4_CM = (21.0, 29.7)
PRINTABLE_CM = A4_CM[0] - 2 * A4_MARGIN_CM


def _attr(element: ET.Element, name: str) -> str | None:
    prefix, local = name.split(":")
    return element.get(f"{{{NS[prefix]}}}{local}")


def _cm(length: str) -> float:
    match = re.fullmatch(r"([0-9.]+)(cm|mm|in|pt)", length)
    assert match, length
    factor = {"cm": 1.0, "mm": 0.1, "in": 2.54, "pt": 2.54 / 72}[match.group(2)]
    return float(match.group(1)) * factor


def test_xlsx_instructions_print_on_a4_portrait_fitted_to_the_width(tmp_path: Path) -> None:
    """A4, portrait, one page wide, margins of 1.5 cm, wrapped text in a column narrower than the page."""
    path = tmp_path / "modele.xlsx"
    path.write_bytes(render_workbook("xlsx", REFERENTIAL, example=True))
    ws = load_workbook(path)["Instructions"]
    setup = ws.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "portrait", 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    margins = ws.page_margins
    assert {round(m * 2.54, 2) for m in (margins.left, margins.right, margins.top, margins.bottom)} == {A4_MARGIN_CM}
    # Excel's width unit: one digit of Calibri 11 (7 px) plus 5 px of padding, at 96 px per inch.
    width_cm = (ws.column_dimensions["A"].width * 7 + 5) / 96 * 2.54
    assert width_cm <= PRINTABLE_CM
    rows = list(ws.iter_rows(min_col=1, max_col=1))
    assert [row[0].value for row in rows] == [text for _style, text in LINES]
    assert all(row[0].alignment.wrap_text for row in rows)
    assert all(ws.row_dimensions[row[0].row].height for row in rows)


def test_xlsx_data_sheets_repeat_their_header_row_in_print(tmp_path: Path) -> None:
    """Every sheet of the layout prints its header row on each page."""
    path = tmp_path / "modele.xlsx"
    path.write_bytes(render_workbook("xlsx", REFERENTIAL, example=True))
    wb = load_workbook(path)
    assert {spec.name: wb[spec.name].print_title_rows for spec in SHEETS} == {spec.name: "$1:$1" for spec in SHEETS}


def test_ods_instructions_print_on_a4_portrait_fitted_to_the_width() -> None:
    """The Instructions table's page style: A4, portrait, one page wide, 1.5 cm margins; its column fits, its text
    wraps."""
    archive = zipfile.ZipFile(io.BytesIO(render_workbook("ods", REFERENTIAL, example=True)))
    content = SafeET.fromstring(archive.read("content.xml"))
    styles = SafeET.fromstring(archive.read("styles.xml"))
    automatic = {_attr(s, "style:name"): s for s in content.iter(f"{{{NS['style']}}}style")}
    table = next(t for t in content.iter(f"{{{NS['table']}}}table") if _attr(t, "table:name") == "Instructions")
    master_name = _attr(automatic[_attr(table, "table:style-name")], "style:master-page-name")
    master = next(m for m in styles.iter(f"{{{NS['style']}}}master-page") if _attr(m, "style:name") == master_name)
    layout = next(
        p
        for p in styles.iter(f"{{{NS['style']}}}page-layout")
        if _attr(p, "style:name") == _attr(master, "style:page-layout-name")
    )
    props = layout.find("style:page-layout-properties", NS)
    assert (_cm(_attr(props, "fo:page-width")), _cm(_attr(props, "fo:page-height"))) == A4_CM
    assert (
        _attr(props, "style:print-orientation"),
        _attr(props, "style:scale-to-X"),
        _attr(props, "style:scale-to-Y"),
    ) == (
        "portrait",
        "1",
        "0",
    )
    margins = {_cm(_attr(props, f"fo:margin-{side}")) for side in ("top", "bottom", "left", "right")}
    assert margins == {A4_MARGIN_CM}
    (column,) = table.findall("table:table-column", NS)
    width = automatic[_attr(column, "table:style-name")].find("style:table-column-properties", NS)
    assert _cm(_attr(width, "style:column-width")) <= PRINTABLE_CM
    cells = [row.find("table:table-cell", NS) for row in table.findall("table:table-row", NS)]
    assert len(cells) == len(LINES)
    for cell, (style, _text) in zip(cells, LINES, strict=True):
        wrap = automatic[_attr(cell, "table:style-name")].find("style:table-cell-properties", NS)
        assert style != "text" or _attr(wrap, "fo:wrap-option") == "wrap"


def test_ods_data_sheets_repeat_their_header_row_in_print() -> None:
    """Every sheet of the layout has its header row in table-header-rows (repeated on each printed page)."""
    archive = zipfile.ZipFile(io.BytesIO(render_workbook("ods", REFERENTIAL, example=True)))
    content = SafeET.fromstring(archive.read("content.xml"))
    tables = {_attr(t, "table:name"): t for t in content.iter(f"{{{NS['table']}}}table")}
    for spec in SHEETS:
        header = tables[spec.name].find("table:table-header-rows/table:table-row", NS)
        texts = ["".join(cell.itertext()) for cell in header.findall("table:table-cell", NS)]
        assert texts == [column.header for column in spec.columns]


# --- printed by LibreOffice ------------------------------------------------------------------------


def _instructions_only(fmt: str, path: Path) -> Path:
    """The template with its Instructions sheet alone (the others would print after it)."""
    data = render_workbook(fmt, REFERENTIAL, example=True)
    if fmt == "xlsx":
        path.write_bytes(data)
        wb = load_workbook(path)
        for name in wb.sheetnames[1:]:
            del wb[name]
        wb.save(path)
        return path
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info: source.read(info.filename) for info in source.infolist()}
    member = next(info for info in parts if info.filename == "content.xml")
    text = parts[member].decode("utf-8")
    first = text.index("</table:table>") + len("</table:table>")
    text = text[:first] + text[text.index("</office:spreadsheet>") :]
    parts[member] = re.sub(r"<table:content-validations>.*?</table:content-validations>", "", text).encode("utf-8")
    with zipfile.ZipFile(path, "w") as target:
        for info, content in parts.items():
            target.writestr(info, content)
    return path


def _words(pdf: Path) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
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


def _flat(text: str) -> str:
    """Words separated by single spaces; a word cut at its hyphen at the end of a printed line
    (« Agirc- » / « Arrco ») is joined back."""
    return re.sub(r"(?<=\w)- (?=\w)", "-", " ".join(text.split()))


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice (soffice) and pdftotext (poppler-utils) are needed to print the sheet to PDF",
)
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_instructions_printed_by_libreoffice_fit_the_page(tmp_path: Path, fmt: str) -> None:
    """Printed to PDF: A4 portrait pages, every word of the instructions in order, inside the margins, none over
    another."""
    source = _instructions_only(fmt, tmp_path / f"instructions.{fmt}")
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pages = _words(tmp_path / "instructions.pdf")
    assert pages
    margin = A4_MARGIN_CM / 2.54 * 72
    for width, height, words in pages:
        assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
        for x0, _y0, x1, _y1, text in words:
            assert margin - 2 <= x0 and x1 <= width - margin + 2, text
        boxes = sorted(words)
        for n, (x0, y0, x1, y1, text) in enumerate(boxes):
            for a0, b0, a1, b1, other in boxes[n + 1 :]:
                if a0 >= x1:
                    break
                # Boxes span the font's whole height: those of two lines touch; printed text overlaps more.
                tolerance = 0.3 * min(y1 - y0, b1 - b0)
                assert min(y1, b1) - max(y0, b0) <= tolerance or min(x1, a1) - max(x0, a0) <= 0.5, (text, other)
    printed = _flat(" ".join(word[4] for _w, _h, words in pages for word in words))
    assert printed == _flat(" ".join(text for _style, text in LINES))
