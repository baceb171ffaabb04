"""Cells the fast reader cannot tell from empty ones: formulas without a cached value, errors.

python-calamine returns a formula's cached value, which is what we want; but a formula that was
never calculated (a file written by a program, not saved by a spreadsheet) and an error value
(``#DIV/0!``) both come back as an empty cell. This module finds them in the file itself, with a
streaming XML parse that runs only when the sheet holds formulas or errors at all.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET

from fsaudit import vet_xml

__all__ = ["column_letter", "ods_bad_cells", "xlsx_bad_cells"]

BadCells = dict[str, dict[tuple[int, int], str]]
"""Sheet name → {(row, column), 0-based: French description of the problem}."""

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_NS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_NS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_NS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"

NO_CACHED_VALUE = (
    "formule sans valeur calculée ; attendu une valeur : ouvrez le fichier dans un tableur et enregistrez-le, "
    "ou saisissez la valeur"
)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


_REF = re.compile(r"([A-Z]+)([0-9]+)")
_MAY_HAVE_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def _ref_to_index(ref: str) -> tuple[int, int]:
    match = _REF.fullmatch(ref)
    if not match:
        raise ValueError(ref)
    letters, row = match.groups()
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return int(row) - 1, col - 1


def _parse(raw: bytes) -> ET.Element:
    return SafeET.fromstring(raw, forbid_dtd=True)


def _checked(raw: bytes) -> bytes:
    """Spreadsheet XML never declares a DOCTYPE: defusedxml parses the prolog and refuses one
    (:class:`~fsaudit.UnsafeArchive`); the C parser then streams the same bytes."""
    vet_xml(raw, "feuille")
    return raw


def xlsx_sheet_names(archive: zipfile.ZipFile) -> list[str]:
    """The names of the sheets of an .xlsx/.xlsm, in order, from its workbook part (parsed with
    defusedxml, entities decoded: « Plan d'actions »)."""
    return [sheet.get("name", "") for sheet in _parse(archive.read("xl/workbook.xml")).iter(f"{_NS_MAIN}sheet")]


def _xlsx_sheet_paths(archive: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    workbook = _parse(archive.read("xl/workbook.xml"))
    rels = _parse(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_NS_PKG_REL}Relationship")}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        yield sheet.get("name", ""), path


def xlsx_bad_cells(path: Any) -> BadCells:
    """Formula cells without a cached value and error cells of every sheet of an .xlsx/.xlsm."""
    found: BadCells = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for sheet, member in _xlsx_sheet_paths(archive):
            if member not in names:
                continue
            with archive.open(member) as handle:
                raw = handle.read()
            if not _MAY_HAVE_FORMULA.search(raw) and b't="e"' not in raw:
                continue
            cells = _xlsx_scan(raw)
            if cells:
                found[sheet] = cells
    return found


def _xlsx_scan(raw: bytes) -> dict[tuple[int, int], str]:
    out: dict[tuple[int, int], str] = {}
    row_index = -1
    col_index = -1
    for _event, element in ET.iterparse(_BytesReader(_checked(raw)), events=("end",)):  # noqa: S314 - checked
        tag = element.tag
        if tag == f"{_NS_MAIN}c":
            ref = element.get("r")
            if ref:
                row_index, col_index = _ref_to_index(ref)
            else:
                col_index += 1
            formula = element.find(f"{_NS_MAIN}f")
            value = element.find(f"{_NS_MAIN}v")
            kind = element.get("t", "n")
            if kind == "e":
                shown = value.text if value is not None and value.text else "erreur"
                out[(row_index, col_index)] = f"la cellule contient une erreur de calcul ({shown}) ; attendu une valeur"
            elif formula is not None and (value is None or (not value.text and kind != "str")):
                out[(row_index, col_index)] = NO_CACHED_VALUE
            element.clear()
        elif tag == f"{_NS_MAIN}row":
            ref = element.get("r")
            if ref:
                row_index = int(ref) - 1
            col_index = -1
            element.clear()
    return out


class _BytesReader:
    """A file-like view of bytes for iterparse (avoids copying into BytesIO twice)."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            size = len(self._data) - self._pos
        chunk = self._data[self._pos : self._pos + size]
        self._pos += len(chunk)
        return bytes(chunk)


def ods_bad_cells(path: Any) -> BadCells:
    """Formula cells without a cached value and error cells of every sheet of an .ods."""
    with zipfile.ZipFile(path) as archive:
        raw = archive.read("content.xml")
    if b"table:formula" not in raw:
        return {}
    found: BadCells = {}
    sheet = ""
    row = 0
    col = 0
    stack_rows_repeat = 1
    for event, element in ET.iterparse(_BytesReader(_checked(raw)), events=("start", "end")):  # noqa: S314 - checked
        tag = element.tag
        if event == "start":
            if tag == f"{_NS_TABLE}table":
                sheet = element.get(f"{_NS_TABLE}name", "")
                row = 0
            elif tag == f"{_NS_TABLE}table-row":
                col = 0
                stack_rows_repeat = int(element.get(f"{_NS_TABLE}number-rows-repeated", "1"))
            continue
        if tag in (f"{_NS_TABLE}table-cell", f"{_NS_TABLE}covered-table-cell"):
            repeat = int(element.get(f"{_NS_TABLE}number-columns-repeated", "1"))
            formula = element.get(f"{_NS_TABLE}formula")
            if formula is not None and tag == f"{_NS_TABLE}table-cell":
                kind = element.get(f"{_NS_OFFICE}value-type")
                message = None
                if element.get(f"{_NS_CALCEXT}value-type") == "error":
                    shown = "".join(element.itertext()).strip() or "erreur"
                    message = f"la cellule contient une erreur de calcul ({shown}) ; attendu une valeur"
                elif kind is None:
                    message = NO_CACHED_VALUE
                if message:
                    for offset in range(repeat):
                        for down in range(stack_rows_repeat):
                            found.setdefault(sheet, {})[(row + down, col + offset)] = message
            col += repeat
            element.clear()
        elif tag == f"{_NS_TABLE}table-row":
            row += stack_rows_repeat
            element.clear()
    return found
