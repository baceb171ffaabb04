"""Readers for the national list of France services structures (ANCT, data.gouv.fr), in every
layout it has been published in.

The list is read as published (CSV, UTF-8, comma, double quotes, fields with line breaks) and as
other exports and spreadsheet saves write it (byte-order mark, ``;`` separator, Windows-1252,
CRLF), as a spreadsheet export (``.xlsx``, ``.ods``: the columns on the first sheet) or as a
GeoJSON FeatureCollection (properties and point geometry). The layout (``layouts/*.toml``) is
recognised by the header, whatever the file name; a header close to a layout is read with the
columns it can map, and the report says which. Each record is validated on its own with
:func:`fsaudit.inputs.validation.validate_declaration`; a bad value never drops a record: it is reported at
its cell and recorded as an unread fact of the structure.
"""

from __future__ import annotations

import csv
import io
import json
import operator
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from fsaudit import (
    InputProblem,
    LoadedStructure,
    Reader,
    ReadResult,
    UnreadFact,
    UnsafeArchive,
    check_archive,
    describe_error,
    fr_int,
    input_source,
    validate_declaration,
)
from fsaudit_anct.columns import (
    Columns,
    CsvLocation,
    FeatureLocation,
    SheetLocation,
    derived_id,
    map_record,
    missing_facts,
)
from fsaudit_anct.layouts import DECLARATION_FIELDS, Layout, Recognition, claims, fold, layouts, recognise

__all__ = [
    "CSV_READER",
    "GEOJSON_READER",
    "RECORDS",
    "WORKBOOK_READER",
    "csv_records",
    "read_csv",
    "read_geojson",
    "read_workbook",
    "sniff_csv",
    "sniff_geojson",
    "sniff_workbook",
    "workbook_records",
]

CSV_FORMAT = "anct-csv"
WORKBOOK_FORMAT = "anct-tableur"
GEOJSON_FORMAT = "anct-geojson"
PRIORITY = 100
"""Above the generic readers: a file with a header of the list is read as the list."""
WORKBOOK_EXTENSIONS = (".xlsx", ".ods")
GEOJSON_EXTENSIONS = (".geojson",)

Location = CsvLocation | SheetLocation | FeatureLocation


# --- decoding and sniffing --------------------------------------------------------------------


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
"""How a UTF-16 text starts (little-, big-endian): a spreadsheet's « Texte Unicode » save."""


def _decode(raw: bytes) -> tuple[str, str] | None:
    """``(text, encoding)``: UTF-8 (with or without BOM), UTF-16 with its BOM, else
    Windows-1252; ``None`` if none of them."""
    if raw.startswith(_UTF16_BOMS):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
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
    """The character the header is split by most: ``,`` (the published list), ``;`` (a French
    spreadsheet's CSV save) or a tab (its « Texte Unicode » save); ``,`` on a tie."""
    return max((",", ";", "\t"), key=header_line.count)


def _header_cells(line: str, separator: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=separator))
    except (csv.Error, StopIteration):
        return line.split(separator)


def sniff_csv(path: Path, head: bytes) -> bool:
    """True when the first line of ``head`` has a column of a known layout of the list."""
    if head.startswith(b"PK\x03\x04"):
        return False
    if head.startswith(_UTF16_BOMS):
        # The head may end inside a character: its whole code units, the last one's error ignored.
        text = _first_line(head[: len(head) // 2 * 2].decode("utf-16", errors="ignore"))
    else:
        line = head.split(b"\n", 1)[0]
        decoded = _decode(line) or _decode(line[: max(0, len(line) - 3)])
        if decoded is None:
            return False
        text = decoded[0].rstrip("\r")
    return claims(_header_cells(text, _separator(text)), strong=False)


class _NoSheet(Exception):
    """A workbook without any sheet; the message is in French."""


def _first_sheet_rows(path: Path) -> tuple[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    check_archive(path)  # before calamine inflates anything (UnsafeArchive)
    opened = input_source(path)  # the bytes already read, when fsaudit read the file
    workbook = CalamineWorkbook.from_path(opened) if isinstance(opened, str) else CalamineWorkbook.from_filelike(opened)
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
    """True for a ``.xlsx``/``.ods`` workbook whose first sheet's header row is a header of the list."""
    if not path.name.lower().endswith(WORKBOOK_EXTENSIONS) or not head.startswith(b"PK\x03\x04"):
        return False
    try:
        _name, rows = _first_sheet_rows(path)
    except Exception:  # noqa: BLE001 - an unreadable workbook is simply not claimed
        return False
    index = _header_index(rows)
    return index is not None and claims([str(c) if c is not None else "" for c in rows[index]], strong=True)


def sniff_geojson(path: Path, head: bytes) -> bool:
    """True for a GeoJSON FeatureCollection (``.geojson``, or ``.json`` starting like one)."""
    text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"{") and b'"FeatureCollection"' in head and b'"features"' in head


# --- the header ---------------------------------------------------------------------------------


def _expected(layout: Layout) -> str:
    return ", ".join(layout.published(f) for f in layout.expected)


@attrs.frozen
class _Header:
    """A recognised header: its layout, columns, the problems it raises and the facts its
    missing or doubled columns leave unread in every record."""

    recognition: Recognition
    columns: Columns
    problems: tuple[tuple[str, str], ...]
    """``(message, level)`` pairs, reported at the header."""
    unread: tuple[tuple[str, str], ...]
    """``(declaration fact, reason)`` pairs for every record."""

    @property
    def layout(self) -> Layout:
        return self.recognition.layout


def _header(cells: Sequence[Any]) -> _Header | str:
    """The header of an input, or the French reason it is not one of the list."""
    found = recognise([str(c) if c is not None else "" for c in cells])
    layout = found.layout
    written = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    refusal = found.refusal()
    if refusal is not None:
        return (
            f"en-tête non reconnu : {refusal} ; disposition la plus proche : "
            f"« {layout.id} » ({layout.title}), colonnes attendues : {_expected(layout)} ; colonnes "
            f"trouvées : {', '.join(written) or 'aucune'}"
        )
    problems: list[tuple[str, str]] = []
    unread: list[tuple[str, str]] = []
    if not found.exact:
        problems.append((found.describe(), "avertissement"))
        for fact, column in missing_facts(layout, found.missing):
            unread.append((fact, f"colonne {column} absente du fichier"))
    if found.unused:
        problems.append(
            (
                f"colonne(s) ignorée(s), inconnues de la disposition « {layout.id} » : {', '.join(found.unused)}",
                "avertissement",
            )
        )
    for column in found.doubled:
        name = layout.field_of(column)
        problems.append(
            (f"colonne « {column} » présente deux fois dans l'en-tête : valeurs de cette colonne non lues", "erreur")
        )
        for fact in DECLARATION_FIELDS.get(name or "", ()):
            unread.append((fact, f"colonne {column} présente deux fois"))
    columns = Columns(tuple((name, column) for name, _index, column in found.positions))
    return _Header(found, columns, tuple(problems), tuple(dict.fromkeys(unread)))


# --- one record ---------------------------------------------------------------------------------


@attrs.define
class _Reading:
    """One input being read: its name, header and the derived identifiers given so far."""

    name: str
    header: _Header
    derived: dict[str, int] = attrs.Factory(dict)
    left_aside: int = 0


def _record(
    reading: _Reading, cells: dict[str, Any], location: Location
) -> tuple[list[LoadedStructure], list[InputProblem]]:
    header = reading.header
    layout = header.layout
    absent = cells.pop(ABSENT, ())
    mapped = map_record(cells, layout, header.columns)
    data = mapped.data
    notes = list(mapped.notes)
    problems: list[InputProblem] = []
    if not data["id"]:
        base = derived_id(cells)
        count = reading.derived.get(base, 0) + 1
        reading.derived[base] = count
        data["id"] = base if count == 1 else f"{base}-{count}"
        if header.columns.get("id") is None:
            notes.append(
                f"identifiant dérivé « {data['id']} » : la liste n'a pas de colonne d'identifiant ; "
                "dérivé du nom, du département, de la commune et de l'adresse"
            )
        else:
            notes.append(
                f"identifiant vide : identifiant dérivé « {data['id']} » du nom, du département, de la "
                "commune et de l'adresse"
            )
            problems.append(
                InputProblem(
                    reading.name,
                    location.at(("id",)),
                    f"identifiant vide : identifiant dérivé « {data['id']} »",
                    "avertissement",
                )
            )
    if mapped.note_fields:
        location = location.with_notes(mapped.note_fields)
    facts: list[UnreadFact] = []
    for issue in mapped.issues:
        where = location.at(issue.fields)
        if issue.message is not None:
            problems.append(InputProblem(reading.name, where, issue.message, issue.level))
        for fact in issue.facts:
            facts.append(UnreadFact(fact, where, issue.reason or issue.message or ""))
    if header.unread:
        where = location.at(())
        facts.extend(UnreadFact(fact, where, reason) for fact, reason in header.unread)
    if absent:
        where = location.at(tuple(absent))
        names = ", ".join(layout.published(field) for field in absent)
        problems.append(
            InputProblem(reading.name, where, f"propriété(s) absente(s) de cette entité : {names} ; faits non lus")
        )
        facts.extend(
            UnreadFact(fact, where, f"propriété {column} absente de cette entité")
            for fact, column in missing_facts(layout, absent)
        )
    loaded, _departements, invalid = validate_declaration(
        data, reading.name, locate=location, unread={0: facts} if facts else None
    )
    if notes:
        loaded = [attrs.evolve(one, notes=one.notes + tuple(notes)) for one in loaded]
    if not problems:
        return loaded, invalid
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
    "line contains NUL": "caractère nul (octet 0) dans la ligne",
}
_CSV_ERROR_PATTERNS = (
    (re.compile(r"'.' expected after '\"'"), "caractère inattendu après un guillemet fermant"),
    (
        re.compile(r"field larger than field limit \((\d+)\)"),
        "champ de plus de {0} caractères, la limite du lecteur CSV",
    ),
    (re.compile(r"new-line character seen in unquoted field"), "retour à la ligne dans un champ sans guillemets"),
)


def _csv_error(error: str | None) -> str:
    """The French for one of the ``csv`` module's errors (its own English when unknown)."""
    error = error or ""
    known = _CSV_ERRORS.get(error)
    if known is not None:
        return known
    for pattern, french in _CSV_ERROR_PATTERNS:
        found = pattern.match(error)
        if found:
            return french.format(*(fr_int(int(n)) for n in found.groups()))
    return error


ABSENT = "\x00absent"
"""Key of a record's cells naming the fields whose column this record lacks (a GeoJSON feature
without a property the others have): unknown, where an empty cell says « nothing »."""

Item = InputProblem | _Header | tuple[Location, dict[str, Any]]
"""What a record source yields: a problem, the header, or a record's location and cells (field → value)."""


def _header_items(name: str, header: _Header | str, where: str) -> Iterator[InputProblem | _Header]:
    if isinstance(header, str):
        yield InputProblem(name, where, header)
        return
    for message, level in header.problems:
        yield InputProblem(name, where, message, level)
    yield header


def csv_records(path: Path) -> Iterator[Item]:
    """The header and records of a CSV export, in file order, and the problems met on the way."""
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
    first = next(rows, None)
    if first is None or first[1] is None:
        yield InputProblem(
            name,
            f"ligne {first[0]}" if first else "fichier",
            "en-tête de la liste ANCT illisible ou absent",
        )
        return
    header = _header(first[1])
    items = list(_header_items(name, header, f"ligne {first[0]}"))
    yield from items
    if not isinstance(header, _Header):
        return
    width = len(first[1])
    names = tuple(field for field, _index, _column in header.recognition.positions)
    indices = [index for _field, index, _column in header.recognition.positions]
    pick = operator.itemgetter(*indices) if len(indices) > 1 else (lambda row: (row[indices[0]],))
    columns = header.columns
    for line, fields, error in rows:
        if fields is None:
            yield InputProblem(
                name,
                f"ligne {line}",
                f"CSV mal formé ({_csv_error(error)}) : enregistrement non lu",
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
        yield CsvLocation(line, columns), _cells(header.layout, dict(zip(names, pick(fields), strict=True)))


def _cells(layout: Layout, cells: dict[str, Any]) -> dict[str, Any]:
    """Cells with the layout's « no value » texts (``NA``, ``0NULL``) emptied."""
    if layout.missing:
        missing = set(layout.missing)
        for key, value in cells.items():
            if value.__class__ is str and value and fold(value) in missing:
                cells[key] = ""
    return cells


def _kept(layout: Layout, cells: dict[str, Any]) -> bool:
    if layout.keep is None:
        return True
    if layout.keep.field not in cells:
        return True  # the input has no such column: nothing to choose rows by
    value = cells.get(layout.keep.field)
    return layout.keep.contains in fold(value) if value is not None else False


def _read(format_name: str, path: Path, items: Iterator[Item]) -> ReadResult:
    name = str(path)
    structures: list[LoadedStructure] = []
    problems: list[InputProblem] = []
    reading: _Reading | None = None
    for item in items:
        if isinstance(item, InputProblem):
            problems.append(item)
            continue
        if isinstance(item, _Header):
            reading = _Reading(name, item)
            continue
        assert reading is not None
        location, cells = item
        if not _kept(reading.header.layout, cells):
            reading.left_aside += 1
            continue
        loaded, found = _record(reading, cells, location)
        structures.extend(loaded)
        problems.extend(found)
    layout = None
    if reading is not None:
        layout = reading.header.layout.id
        keep = reading.header.layout.keep
        if reading.left_aside and keep is not None:
            problems.append(
                InputProblem(
                    name,
                    "fichier",
                    f"{reading.left_aside} ligne(s) sans « {keep.contains} » dans la colonne "
                    f"{reading.header.columns.get(keep.field)} : lieux hors du réseau France services, "
                    "laissés de côté",
                    "avertissement",
                )
            )
    return ReadResult(format_name, tuple(structures), (), tuple(problems), layout=layout)


def read_csv(path: Path) -> ReadResult:
    """Read a CSV export of the list; every problem is reported, nothing raises."""
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
    """The header and records of the first sheet of a workbook export, and the problems met."""
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
        yield InputProblem(name, SheetLocation(sheet, 1, ()).at(()), "feuille vide : en-tête de la liste ANCT absent")
        return
    header = _header(rows[header_at])
    yield from _header_items(name, header, SheetLocation(sheet, header_at + 1, ()).at(()))
    if not isinstance(header, _Header):
        return
    positions = header.recognition.positions
    letters = tuple((field, column_letter(index)) for field, index, _column in positions)
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(cell not in (None, "") for cell in row):
            continue
        cells = {field: (row[index] if index < len(row) else None) for field, index, _column in positions}
        yield SheetLocation(sheet, number, letters, (), header.columns), _cells(header.layout, cells)


def read_workbook(path: Path) -> ReadResult:
    """Read the spreadsheet export of the list (first sheet); nothing raises on bad content."""
    return _read(WORKBOOK_FORMAT, path, workbook_records(path))


# --- GeoJSON --------------------------------------------------------------------------------------


def geojson_records(path: Path) -> Iterator[Item]:
    """The records of a GeoJSON FeatureCollection: each feature's properties, and its point."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield InputProblem(name, "fichier", f"lecture impossible ({exc.strerror or exc})")
        return
    decoded = _decode(raw)
    try:
        data = json.loads(decoded[0]) if decoded is not None else None
    except ValueError as exc:
        yield InputProblem(name, "fichier", f"GeoJSON illisible : JSON mal formé (détail technique : {exc})")
        return
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        yield InputProblem(
            name, "$", "GeoJSON non reconnu : attendu un objet « FeatureCollection » avec une liste « features »"
        )
        return
    columns_seen: dict[str, None] = {}
    for feature in features:
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(properties, dict):
            columns_seen.update(dict.fromkeys(str(k) for k in properties))
    header = _header(list(columns_seen))
    yield from _header_items(name, header, "$.features[*].properties")
    if not isinstance(header, _Header):
        return
    positions = header.recognition.positions
    columns = header.columns
    point_columns = Columns(
        (
            *((f, c) for f, c in columns.pairs if f not in ("latitude", "longitude")),
            ("latitude", "geometry"),
            ("longitude", "geometry"),
        )
    )
    for index, feature in enumerate(features):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            yield InputProblem(
                name, f"$.features[{index}]", "entité sans « properties » : attendu un objet de propriétés"
            )
            continue
        cells = {field: properties.get(column) for field, _i, column in positions}
        absent = tuple(field for field, _i, column in positions if column not in properties)
        location = FeatureLocation(index, columns)
        geometry = feature.get("geometry")
        empty = all(cells.get(k) in (None, "") for k in ("latitude", "longitude"))
        if empty and isinstance(geometry, dict) and geometry.get("type") == "Point":
            point = geometry.get("coordinates")
            if isinstance(point, list) and len(point) >= 2:
                cells["longitude"], cells["latitude"] = point[0], point[1]
                location = FeatureLocation(index, point_columns)
        cells = _cells(header.layout, {k: ("" if v is None else v) for k, v in cells.items()})
        if absent:  # a property other features have: this feature's value is unknown, not empty
            cells[ABSENT] = absent
        yield location, cells


def read_geojson(path: Path) -> ReadResult:
    """Read a GeoJSON FeatureCollection of structures; nothing raises on bad content."""
    return _read(GEOJSON_FORMAT, path, geojson_records(path))


RECORDS = {CSV_FORMAT: csv_records, WORKBOOK_FORMAT: workbook_records, GEOJSON_FORMAT: geojson_records}
"""Record sources by format name, for the network view."""


CSV_READER = Reader(
    name=CSV_FORMAT,
    description="Liste nationale des France services (ANCT, data.gouv.fr) en CSV, toutes dispositions "
    "depuis 2020, reconnue par son en-tête",
    extensions=(".csv",),
    read=read_csv,
    sniff=sniff_csv,
    priority=PRIORITY,
)

WORKBOOK_READER = Reader(
    name=WORKBOOK_FORMAT,
    description=("Liste nationale des France services (ANCT) exportée en classeur .xlsx ou .ods (première feuille)"),
    extensions=WORKBOOK_EXTENSIONS,
    read=read_workbook,
    sniff=sniff_workbook,
    priority=PRIORITY,
)

GEOJSON_READER = Reader(
    name=GEOJSON_FORMAT,
    description="Carte des France services (ANCT) en GeoJSON : propriétés et point de chaque structure",
    extensions=GEOJSON_EXTENSIONS,
    read=read_geojson,
    sniff=sniff_geojson,
    priority=PRIORITY,
)


def known_layouts() -> tuple[Layout, ...]:
    """The layouts the readers recognise (for the documentation and tests)."""
    return layouts()
