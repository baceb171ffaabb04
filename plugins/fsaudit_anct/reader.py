"""Readers for the national list of France services structures (ANCT, data.gouv.fr).

The list is read as published (CSV, UTF-8, comma, double quotes, fields with line breaks) and as
older exports and spreadsheet saves write it (byte-order mark, ``;`` separator, Windows-1252), or
as a spreadsheet export (``.xlsx``, ``.ods``: the same columns on the first sheet). Both readers
recognise the list by its header, whatever the file name. Each record is validated on its own
with :func:`fsaudit.inputs.validate_declaration`; a bad record never stops the others.
"""

from __future__ import annotations

import csv
import io
import operator
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from fsaudit.inputs import InputProblem, LoadedStructure, Reader, ReadResult, validate_declaration
from fsaudit_anct.columns import (
    REQUIRED,
    CsvLocation,
    SheetLocation,
    is_anct_header,
    map_record,
    normalize_header,
)
from fsaudit_workbook.safety import UnsafeArchive, check_archive, describe_error

__all__ = [
    "CSV_READER",
    "RECORDS",
    "WORKBOOK_READER",
    "csv_records",
    "read_csv",
    "read_workbook",
    "sniff_csv",
    "sniff_workbook",
    "workbook_records",
]

CSV_FORMAT = "anct-csv"
WORKBOOK_FORMAT = "anct-tableur"
PRIORITY = 100
"""Above the generic readers: a file with the ANCT header is read as the ANCT list."""
WORKBOOK_EXTENSIONS = (".xlsx", ".ods")


# --- decoding and sniffing --------------------------------------------------------------------


def _decode(raw: bytes) -> tuple[str, str] | None:
    """``(text, encoding)``: UTF-8 (with or without BOM), else Windows-1252; ``None`` if neither."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return None


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def _separator(header_line: str) -> str:
    """``;`` when the header has more semicolons than commas (spreadsheet saves), else ``,``."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def sniff_csv(path: Path, head: bytes) -> bool:
    """True when the first line of ``head`` is an ANCT header (any file name)."""
    if head.startswith(b"PK\x03\x04"):
        return False
    line = head.split(b"\n", 1)[0]
    decoded = _decode(line) or _decode(line[: max(0, len(line) - 3)])
    if decoded is None:
        return False
    text = decoded[0]
    return is_anct_header(text.split(_separator(text)))


class _NoSheet(Exception):  # noqa: N818 - a verdict on the file, like UnsafeArchive
    """A workbook without any sheet; the message is in French."""


def _first_sheet_rows(path: Path) -> tuple[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    check_archive(path)  # before calamine inflates anything (UnsafeArchive)
    workbook = CalamineWorkbook.from_path(str(path))
    if not workbook.sheet_names:
        raise _NoSheet("classeur sans aucune feuille : attendu la liste ANCT sur la première feuille")
    name = workbook.sheet_names[0]
    rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return name, rows


def _header_index(rows: Sequence[Sequence[Any]]) -> int | None:
    for index, row in enumerate(rows):
        if any(cell not in (None, "") for cell in row):
            return index
    return None


def sniff_workbook(path: Path, head: bytes) -> bool:
    """True for a ``.xlsx``/``.ods`` workbook whose first sheet's header row is an ANCT header."""
    if not path.name.lower().endswith(WORKBOOK_EXTENSIONS) or not head.startswith(b"PK\x03\x04"):
        return False
    try:
        _name, rows = _first_sheet_rows(path)
    except Exception:  # noqa: BLE001 - an unreadable workbook is simply not claimed
        return False
    index = _header_index(rows)
    return index is not None and is_anct_header(rows[index])


# --- the header ---------------------------------------------------------------------------------


def _columns(header: Sequence[Any]) -> tuple[dict[str, int], list[str]]:
    """Column name → index, and the French problems of the header (missing or doubled columns)."""
    index: dict[str, int] = {}
    problems: list[str] = []
    for position, cell in enumerate(header):
        name = normalize_header(cell)
        if not name:
            continue
        if name in index:
            problems.append(f"colonne « {name} » présente deux fois dans l'en-tête : liste non lue")
            continue
        index[name] = position
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        problems.append(
            f"colonne(s) obligatoire(s) absente(s) de l'en-tête : {', '.join(missing)} ; "
            "attendu l'en-tête de la liste ANCT (id_fs, insee_dep, lib_fs, …, labellisation_fs)"
        )
    return index, problems


def _record(
    name: str,
    cells: dict[str, Any],
    location: CsvLocation | SheetLocation,
) -> tuple[list[LoadedStructure], list[InputProblem]]:
    data, record_problems, note_columns = map_record(cells)
    if note_columns:
        if isinstance(location, CsvLocation):
            location = CsvLocation(location.line, note_columns)
        else:
            location = SheetLocation(location.sheet, location.row, location.letters, note_columns)
    loaded, _departements, invalid = validate_declaration(data, name, locate=location)
    if not record_problems:
        return loaded, invalid
    problems = [InputProblem(name, location.at(columns), message) for columns, message in record_problems]
    return loaded, problems + invalid


# --- CSV ------------------------------------------------------------------------------------------


def _csv_rows(text: str, separator: str) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """``(first physical line, fields, error)`` for each record; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"', strict=True)
    previous = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield previous + 1, None, str(exc)
            previous = reader.line_num
            continue
        start, previous = previous + 1, reader.line_num
        if "".join(row).strip():
            yield start, row, None


_CSV_ERRORS = {
    "unexpected end of data": "guillemet ouvrant sans guillemet fermant jusqu'à la fin du fichier",
    "',' expected after '\"'": "caractère inattendu après un guillemet fermant",
    "';' expected after '\"'": "caractère inattendu après un guillemet fermant",
}


Item = InputProblem | tuple[CsvLocation | SheetLocation, dict[str, Any]]
"""What a record source yields: a problem, or a record's location and cells (column → value)."""


def csv_records(path: Path) -> Iterator[Item]:
    """The records of an ANCT list in CSV, in file order, and the problems met on the way."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield InputProblem(name, "fichier", f"lecture impossible ({exc.strerror or exc})")
        return
    decoded = _decode(raw)
    if decoded is None:
        yield InputProblem(name, "fichier", "encodage non reconnu : enregistrez le fichier en UTF-8")
        return
    text, _encoding = decoded
    separator = _separator(_first_line(text))
    rows = _csv_rows(text, separator)
    header = next(rows, None)
    if header is None or header[1] is None:
        yield InputProblem(
            name,
            f"ligne {header[0]}" if header else "fichier",
            "en-tête de la liste ANCT illisible ou absent",
        )
        return
    index, header_problems = _columns(header[1])
    if header_problems:
        for message in header_problems:
            yield InputProblem(name, f"ligne {header[0]}", message)
        return
    width = len(header[1])
    names = tuple(index)
    pick = operator.itemgetter(*index.values())  # a tuple: the header has the REQUIRED columns
    for line, fields, error in rows:
        if fields is None:
            yield InputProblem(
                name,
                f"ligne {line}",
                f"CSV mal formé ({_CSV_ERRORS.get(error or '', error)}) : enregistrement non lu",
            )
            continue
        if len(fields) > width and not any(f.strip() for f in fields[width:]):
            fields = fields[:width]
        if len(fields) != width:
            yield InputProblem(
                name,
                f"ligne {line}",
                f"{len(fields)} champs au lieu des {width} de l'en-tête (séparateur « {separator} ») ; "
                "vérifiez les guillemets et les séparateurs : enregistrement non lu",
            )
            continue
        yield CsvLocation(line), dict(zip(names, pick(fields), strict=True))


def _read(format_name: str, path: Path, items: Iterator[Item]) -> ReadResult:
    name = str(path)
    structures: list[LoadedStructure] = []
    problems: list[InputProblem] = []
    for item in items:
        if isinstance(item, InputProblem):
            problems.append(item)
            continue
        location, cells = item
        loaded, found = _record(name, cells, location)
        structures.extend(loaded)
        problems.extend(found)
    return ReadResult(format_name, tuple(structures), (), tuple(problems))


def read_csv(path: Path) -> ReadResult:
    """Read an ANCT list in CSV; every problem is reported, nothing raises."""
    return _read(CSV_FORMAT, path, csv_records(path))


# --- workbook -------------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def workbook_records(path: Path) -> Iterator[Item]:
    """The records of the first sheet of a workbook export, and the problems met on the way."""
    name = str(path)
    try:
        sheet, rows = _first_sheet_rows(path)
    except (UnsafeArchive, _NoSheet) as exc:
        yield InputProblem(name, "fichier", str(exc))
        return
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        yield InputProblem(name, "fichier", f"classeur illisible ({describe_error(exc)})")
        return
    header_at = _header_index(rows)
    if header_at is None:
        yield InputProblem(
            name, SheetLocation(sheet, 1, ()).at(()), "feuille vide : en-tête de la liste ANCT absent"
        )
        return
    index, header_problems = _columns(rows[header_at])
    if header_problems:
        for message in header_problems:
            yield InputProblem(name, SheetLocation(sheet, header_at + 1, ()).at(()), message)
        return
    letters = tuple((column, column_letter(position)) for column, position in index.items())
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(cell not in (None, "") for cell in row):
            continue
        cells = {
            column: (row[position] if position < len(row) else None) for column, position in index.items()
        }
        yield SheetLocation(sheet, number, letters), cells


def read_workbook(path: Path) -> ReadResult:
    """Read the spreadsheet export of the ANCT list (first sheet); nothing raises on bad content."""
    return _read(WORKBOOK_FORMAT, path, workbook_records(path))


RECORDS = {CSV_FORMAT: csv_records, WORKBOOK_FORMAT: workbook_records}
"""Record sources by format name, for the network view."""


CSV_READER = Reader(
    name=CSV_FORMAT,
    description="Liste nationale des France services (ANCT, data.gouv.fr) en CSV, reconnue par son en-tête",
    extensions=(".csv",),
    read=read_csv,
    sniff=sniff_csv,
    priority=PRIORITY,
)

WORKBOOK_READER = Reader(
    name=WORKBOOK_FORMAT,
    description=(
        "Liste nationale des France services (ANCT) exportée en classeur .xlsx ou .ods (première feuille)"
    ),
    extensions=WORKBOOK_EXTENSIONS,
    read=read_workbook,
    sniff=sniff_workbook,
    priority=PRIORITY,
)
