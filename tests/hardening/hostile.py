"""Builders of raw and hostile workbook files for the hardening tests.

Archives are written byte by byte (local headers, central directory, end record) so that a test
can make a member lie about its size, inflate to gigabytes without ever building the gigabytes,
or hold thousands of members. Sheets are written as raw XML (.xlsx and .ods), so that a test
controls every cell: types, formulas without a cached value, error values, merged cells,
duplicated sheet names.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import attrs

# --- archives -------------------------------------------------------------------------------


@attrs.frozen
class Member:
    """One member of a hand-written ZIP archive."""

    name: str
    data: bytes
    """Stored bytes: raw deflate data when ``deflated``, else the content itself."""
    size: int
    """Uncompressed size written in the headers (may lie)."""
    crc: int
    deflated: bool = True


def member(name: str, content: bytes | str) -> Member:
    """An honest deflated member."""
    raw = content.encode() if isinstance(content, str) else content
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, packer.compress(raw) + packer.flush(), len(raw), zlib.crc32(raw))


def stored(name: str, content: bytes) -> Member:
    """An honest member stored without compression."""
    return Member(name, content, len(content), zlib.crc32(content), deflated=False)


def bomb(name: str, head: bytes, unit: bytes, count: int, tail: bytes, *, declared: int | None = None) -> Member:
    """``head + unit * count + tail`` deflated without building it.

    A full flush after each unit makes every unit's compressed form identical, so the data is
    one compressed unit repeated. ``declared`` replaces the true size in the headers (a bomb that
    lies about its size). The CRC is left at 0: a reader must refuse the member long before it
    could check it.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    one = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(unit) + packer.flush(zlib.Z_FULL_FLUSH)
    assert one == again
    data = first + one * count + packer.compress(tail) + packer.flush()
    size = len(head) + len(unit) * count + len(tail)
    return Member(name, data, size if declared is None else declared, 0)


def write_zip(path: Path, members: Sequence[Member], *, announced: int | None = None) -> Path:
    """Write ``members`` as a ZIP archive; ``announced`` replaces the member count of the end record."""
    out = bytearray()
    central = bytearray()
    for item in members:
        name = item.name.encode()
        method = 8 if item.deflated else 0
        offset = len(out)
        out += struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            0x800,
            method,
            0,
            0x21,
            item.crc,
            len(item.data),
            item.size,
            len(name),
            0,
        )
        out += name + item.data
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0x800,
            method,
            0,
            0x21,
            item.crc,
            len(item.data),
            item.size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    count = len(members) if announced is None else announced
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def members_of(path: Path) -> list[Member]:
    """The members of an existing archive, recompressed honestly."""
    with zipfile.ZipFile(path) as archive:
        return [member(info.filename, archive.read(info)) for info in archive.infolist()]


def replace_member(members: Sequence[Member], new: Member) -> list[Member]:
    """``members`` with the one named like ``new`` replaced (or ``new`` appended)."""
    out = [new if m.name == new.name else m for m in members]
    return out if any(m.name == new.name for m in members) else [*out, new]


def content_of(members: Sequence[Member], name: str) -> bytes:
    """The uncompressed content of an honest member."""
    item = next(m for m in members if m.name == name)
    return zlib.decompress(item.data, -15) if item.deflated else item.data


# --- raw workbooks ------------------------------------------------------------------------------


class Formula:
    """A formula cell; ``cached`` is the value the spreadsheet saved (``None``: never calculated)."""

    def __init__(self, text: str, cached: Any = None) -> None:
        self.text = text
        self.cached = cached

    def __repr__(self) -> str:
        return f"Formula({self.text!r}, {self.cached!r})"


class Huge:
    """A huge text cell (``char * size``), with a short repr for Hypothesis reports."""

    def __init__(self, char: str, size: int) -> None:
        self.char = char
        self.size = size

    def __str__(self) -> str:
        return self.char * self.size

    def __repr__(self) -> str:
        return f"Huge({self.char!r}, {self.size})"


class ErrorValue:
    """An error cell (``#DIV/0!``)."""

    def __init__(self, text: str = "#DIV/0!") -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"ErrorValue({self.text!r})"


@attrs.frozen
class Sheet:
    """A sheet: its name, rows of cells (``None`` is an empty cell) and merged ranges (``A1:B2``)."""

    name: str
    rows: Sequence[Sequence[Any]]
    merged: Sequence[str] = ()


def letter(index: int) -> str:
    """0 → A, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


_EXCEL_EPOCH = _dt.datetime(1899, 12, 30)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}{extra}</Types>"
)
_MAIN_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MAIN_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="hh:mm"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL_SHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"


def _xlsx_value(value: Any) -> tuple[str, str]:
    """``(attributes, inner XML)`` of one cell."""
    if isinstance(value, Formula):
        formula = f"<f>{escape(value.text)}</f>"
        if value.cached is None:
            return "", formula
        if isinstance(value.cached, str):
            return ' t="str"', f"{formula}<v>{escape(_xml_text(value.cached))}</v>"
        attributes, inner = _xlsx_value(value.cached)
        return attributes, formula + inner
    if isinstance(value, ErrorValue):
        return ' t="e"', f"<v>{escape(value.text)}</v>"
    if isinstance(value, bool):
        return ' t="b"', f"<v>{int(value)}</v>"
    if isinstance(value, _dt.datetime):
        return ' s="1"', f"<v>{(value - _EXCEL_EPOCH).total_seconds() / 86400!r}</v>"
    if isinstance(value, _dt.date):
        return ' s="1"', f"<v>{(value - _EXCEL_EPOCH.date()).days}</v>"
    if isinstance(value, _dt.time):
        return ' s="2"', f"<v>{(value.hour * 3600 + value.minute * 60 + value.second) / 86400!r}</v>"
    if isinstance(value, int | float):
        return "", f"<v>{value!r}</v>"
    return ' t="inlineStr"', f'<is><t xml:space="preserve">{escape(_xml_text(str(value)))}</t></is>'


def _xml_text(text: str) -> str:
    """Characters XML 1.0 cannot hold are dropped (a spreadsheet cannot store them either)."""
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r" or ("\x20" <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd") or ch >= "\U00010000"
    )


def _xlsx_sheet(sheet: Sheet) -> str:
    rows = []
    for r, values in enumerate(sheet.rows, start=1):
        cells = []
        for c, value in enumerate(values):
            if value is None:
                continue
            attributes, inner = _xlsx_value(value)
            cells.append(f'<c r="{letter(c)}{r}"{attributes}>{inner}</c>')
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    merged = ""
    if sheet.merged:
        merged = (
            f'<mergeCells count="{len(sheet.merged)}">'
            + "".join(f'<mergeCell ref="{ref}"/>' for ref in sheet.merged)
            + "</mergeCells>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_NS_MAIN}">'
        f"<sheetData>{''.join(rows)}</sheetData>{merged}</worksheet>"
    )


def xlsx_members(sheets: Sequence[Sheet], *, macro: bool = False) -> list[Member]:
    """The members of an .xlsx (or .xlsm with ``macro``) holding exactly ``sheets``."""
    sheet_entries = "".join(
        f'<sheet name={quoteattr(_xml_text(s.name))} sheetId="{i}" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, start=1)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_NS_MAIN}" '
        f'xmlns:r="{_NS_R}"><sheets>{sheet_entries}</sheets></workbook>'
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_SHEET}" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    rels += f'<Relationship Id="rIdStyles" Type="{_REL_STYLES}" Target="styles.xml"/>'
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    types = _CONTENT_TYPES.format(main=_MAIN_XLSM if macro else _MAIN_XLSX, sheets=overrides, extra="")
    out = [
        member("[Content_Types].xml", types),
        member("_rels/.rels", root_rels),
        member("xl/workbook.xml", workbook),
        member("xl/_rels/workbook.xml.rels", workbook_rels),
        member("xl/styles.xml", _STYLES),
    ]
    out += [member(f"xl/worksheets/sheet{i}.xml", _xlsx_sheet(s)) for i, s in enumerate(sheets, start=1)]
    return out


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, Formula):
        formula = f"table:formula={quoteattr('of:' + value.text)}"
        if value.cached is None:
            return f"<table:table-cell {formula}/>"
        return _ods_cell(value.cached).replace("<table:table-cell ", f"<table:table-cell {formula} ", 1)
    if isinstance(value, ErrorValue):
        return (
            '<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" '
            f'calcext:value-type="error"><text:p>{escape(value.text)}</text:p></table:table-cell>'
        )
    if isinstance(value, bool):
        text = "true" if value else "false"
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{text}">'
            f"<text:p>{text}</text:p></table:table-cell>"
        )
    if isinstance(value, _dt.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, _dt.time):
        iso = f"PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S"
        return (
            f'<table:table-cell office:value-type="time" office:time-value="{iso}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value!r}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(_xml_text(str(value)))}</text:p>'
        "</table:table-cell>"
    )


def _merged_ods(sheet: Sheet) -> dict[tuple[int, int], tuple[int, int] | None]:
    """(row, col) → (rows, cols) spanned for a merge's first cell, ``None`` for a covered cell."""
    out: dict[tuple[int, int], tuple[int, int] | None] = {}
    for ref in sheet.merged:
        first, last = ref.split(":")
        (r1, c1), (r2, c2) = _cell_index(first), _cell_index(last)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                out[(r, c)] = None
        out[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
    return out


def _cell_index(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters) :]) - 1, col - 1


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
)


def ods_content(sheets: Sequence[Sheet]) -> str:
    """The content.xml of an .ods holding exactly ``sheets``."""
    tables = []
    for sheet in sheets:
        spans = _merged_ods(sheet)
        width = max((len(r) for r in sheet.rows), default=0)
        rows = []
        for r, values in enumerate(sheet.rows):
            cells = []
            for c in range(max(width, len(values))):
                value = values[c] if c < len(values) else None
                span = spans.get((r, c), False)
                if span is None:
                    cells.append("<table:covered-table-cell/>")
                    continue
                cell = _ods_cell(value)
                if span:
                    attrs_ = f'table:number-rows-spanned="{span[0]}" table:number-columns-spanned="{span[1]}"'
                    cell = cell.replace("<table:table-cell", f"<table:table-cell {attrs_}", 1)
                cells.append(cell)
            rows.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
        tables.append(f"<table:table table:name={quoteattr(_xml_text(sheet.name))}>{''.join(rows)}</table:table>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )


_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_members(sheets: Sequence[Sheet], content: str | None = None) -> list[Member]:
    """The members of an .ods holding exactly ``sheets`` (or the given content.xml)."""
    return [
        stored("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        member("META-INF/manifest.xml", _MANIFEST),
        member("content.xml", content if content is not None else ods_content(sheets)),
    ]


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` as .xlsx, .xlsm or .ods, after ``path``'s extension."""
    if path.suffix == ".ods":
        return write_zip(path, ods_members(sheets))
    return write_zip(path, xlsx_members(sheets, macro=path.suffix == ".xlsm"))


# --- measuring a run in a fresh process -----------------------------------------------------------

_RUNNER = """
import json, resource, sys, time
from fsaudit.cli.main import main
start = time.perf_counter()
code = main(sys.argv[2:])
elapsed = time.perf_counter() - start
try:  # the high-water mark of this process's own memory (ru_maxrss also counts what the parent
    # had when it forked us, on Linux)
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
with open(sys.argv[1], "w", encoding="utf-8") as handle:
    json.dump({"code": int(code), "seconds": elapsed, "peak_bytes": peak}, handle)
"""


@attrs.frozen
class Measured:
    """What a ``fsaudit`` run in a fresh process did: exit code, time, peak RSS, output."""

    code: int
    seconds: float
    peak_bytes: int
    stdout: str
    stderr: str


def measure_cli(args: Sequence[str], cwd: Path, *, timeout: float = 60, env: dict[str, str] | None = None) -> Measured:
    """Run ``fsaudit ARGS`` in a fresh Python process; its own peak RSS (``VmHWM``) and time."""
    out = cwd / ".measure.json"
    environment = {**os.environ, **(env or {})}
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(out), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        check=False,
    )
    if not out.exists():
        raise AssertionError(f"the run did not finish: {done.returncode}\n{done.stderr[-3000:]}")
    data = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return Measured(data["code"], data["seconds"], data["peak_bytes"], done.stdout, done.stderr)
