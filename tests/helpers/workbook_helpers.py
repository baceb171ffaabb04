"""Helpers for the workbook tests: write raw workbooks cell by cell, in .xlsx and .ods."""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from fsaudit_workbook.layout import SHEETS


class Formula:
    """A formula cell without a cached value (``=1+1``)."""

    def __init__(self, text: str) -> None:
        self.text = text


def headers(sheet: str) -> list[str]:
    """The template headers of ``sheet``."""
    spec = next(s for s in SHEETS if s.name == sheet)
    return [c.header for c in spec.columns]


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An .xlsx whose cells hold exactly the given values (Formula → formula without a cached value)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c)
                if isinstance(value, Formula):
                    cell.value = value.text
                else:
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"
                    if isinstance(value, _dt.time):
                        cell.number_format = "hh:mm"
    wb.save(path)
    return path


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, Formula):
        return f"<table:table-cell table:formula={quoteattr('of:' + value.text)}/>"
    if isinstance(value, bool):
        text = "true" if value else "false"
        return _typed_cell(f'office:value-type="boolean" office:boolean-value="{text}"', text)
    if isinstance(value, _dt.date):
        return _typed_cell(f'office:value-type="date" office:date-value="{value.isoformat()}"', value)
    if isinstance(value, _dt.time):
        iso = f"PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S"
        return _typed_cell(f'office:value-type="time" office:time-value="{iso}"', value)
    if isinstance(value, int | float):
        return _typed_cell(f'office:value-type="float" office:value="{value!r}"', value)
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A minimal .ods whose cells hold exactly the given values."""
    tables = []
    for name, rows in sheets.items():
        body = "".join("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
        tables.append(f"<table:table table:name={quoteattr(name)}>{body}</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    path.write_bytes(buffer.getvalue())
    return path


def write(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Write ``sheets`` in the format of ``path``'s extension."""
    return write_ods(path, sheets) if path.suffix == ".ods" else write_xlsx(path, sheets)


def structures_sheet(*rows: list[Any]) -> list[list[Any]]:
    """The Structures sheet with the template headers and ``rows`` (Identifiant, Nom first)."""
    width = len(headers("Structures"))
    return [headers("Structures")] + [list(r) + [None] * (width - len(r)) for r in rows]


def problems(result: Any) -> list[tuple[str, str]]:
    """``(location, message)`` of every problem of a read result."""
    return [(p.location, p.message) for p in result.problems]


# --- editing a workbook written by the template (the samples, « fsaudit template ») ---------

_ODS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _ods_rows(table: Any) -> list[Any]:
    """The rows of an ODS table in order, header rows included (a repeated row counts once)."""
    out = []
    for child in table:
        if child.tag == f"{{{_ODS['table']}}}table-header-rows":
            out.extend(child)
        elif child.tag == f"{{{_ODS['table']}}}table-row":
            out.append(child)
    return out


def _ods_string_cell(value: str) -> Any:
    from xml.etree import ElementTree as ET

    cell = ET.Element(f"{{{_ODS['table']}}}table-cell", {f"{{{_ODS['office']}}}value-type": "string"})
    ET.SubElement(cell, f"{{{_ODS['text']}}}p").text = value
    return cell


def edit_workbook(
    path: Path,
    *,
    cells: dict[tuple[str, int, int], str] | None = None,
    columns: dict[str, tuple[str, dict[int, str]]] | None = None,
    renames: dict[str, str] | None = None,
) -> Path:
    """Edit a workbook written by the template, in place, in its own format.

    ``cells``: ``(sheet, row, column)`` (1-based) → text; ``columns``: sheet → (header, {row: text})
    appended after the last column; ``renames``: sheet → new name. An .xlsx is edited with
    openpyxl; an .ods in its XML, so that everything else stays as the template wrote it.
    """
    cells, columns, renames = cells or {}, columns or {}, renames or {}
    if path.suffix != ".ods":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        for (sheet, row, col), value in cells.items():
            target = wb[sheet].cell(row=row, column=col)
            target.value = value
            target.data_type = "s"
        for sheet, (header, values) in columns.items():
            ws = wb[sheet]
            col = max(len(r) for r in ws.iter_rows(min_row=1, max_row=1)) + 1
            ws.cell(row=1, column=col).value = header
            for row, value in values.items():
                ws.cell(row=row, column=col).value = value
        for old, new in renames.items():
            wb[old].title = new
        wb.save(path)
        return path
    from xml.etree import ElementTree as ET

    from defusedxml import ElementTree as SafeET

    with zipfile.ZipFile(path) as archive:
        parts = {info: archive.read(info.filename) for info in archive.infolist()}
    member = next(info for info in parts if info.filename == "content.xml")
    raw = parts[member].decode("utf-8")
    for prefix, uri in dict.fromkeys(re.findall(r'xmlns:(\w+)="([^"]+)"', raw)):
        ET.register_namespace(prefix, uri)
    root = SafeET.fromstring(raw)
    tables = {t.get(f"{{{_ODS['table']}}}name"): t for t in root.iter(f"{{{_ODS['table']}}}table")}
    for (sheet, row, col), value in cells.items():
        line = _ods_rows(tables[sheet])[row - 1]
        while len(line) < col:
            line.append(ET.Element(f"{{{_ODS['table']}}}table-cell"))
        line[col - 1] = _ods_string_cell(value)
    for sheet, (header, values) in columns.items():
        rows = _ods_rows(tables[sheet])
        width = max(len(r) for r in rows[:1])
        for n, line in enumerate(rows, start=1):
            if line.get(f"{{{_ODS['table']}}}number-rows-repeated"):
                continue
            while len(line) < width:
                line.append(ET.Element(f"{{{_ODS['table']}}}table-cell"))
            text = header if n == 1 else values.get(n)
            line.append(_ods_string_cell(text) if text is not None else ET.Element(f"{{{_ODS['table']}}}table-cell"))
    for old, new in renames.items():
        tables[old].set(f"{{{_ODS['table']}}}name", new)
    parts[member] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in parts.items():
            archive.writestr(info, data)
    return path


def _typed_cell(attributes: str, shown: object) -> str:
    return f"<table:table-cell {attributes}><text:p>{shown}</text:p></table:table-cell>"
