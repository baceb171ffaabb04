"""Helpers for the workbook tests: write raw workbooks cell by cell, in .xlsx and .ods."""

from __future__ import annotations

import datetime as _dt
import io
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
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{text}"><text:p>{text}</text:p></table:table-cell>'
    if isinstance(value, _dt.date):
        return f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"><text:p>{value}</text:p></table:table-cell>'
    if isinstance(value, _dt.time):
        iso = f"PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S"
        return f'<table:table-cell office:value-type="time" office:time-value="{iso}"><text:p>{value}</text:p></table:table-cell>'
    if isinstance(value, int | float):
        return f'<table:table-cell office:value-type="float" office:value="{value!r}"><text:p>{value}</text:p></table:table-cell>'
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
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
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
