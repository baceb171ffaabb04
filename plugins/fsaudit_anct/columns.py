"""The columns of the ANCT list, how a record maps to a declaration, and where a field came from.

One record of the list becomes one JSON-shaped structure (``fsaudit/schemas/declaration.schema.json``).
Values the list writes in its own way are read here (hours, label, format, Oui/Non, coordinates);
a value that cannot be read is reported at its column and the field is left out, so the rest of
the record is still audited. Plain text columns go to validation as they are.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import frozen

from fsaudit.referential import normalize_name
from fsaudit_anct.hours import DayKind, parse_day

__all__ = [
    "COLUMNS",
    "DAY_COLUMNS",
    "REQUIRED",
    "SIGNATURE",
    "CsvLocation",
    "Record",
    "SheetLocation",
    "build_record",
    "columns_for",
    "is_anct_header",
    "map_record",
    "normalize_header",
]

COLUMNS: tuple[str, ...] = (
    "id_fs",
    "insee_dep",
    "lib_fs",
    "adresse",
    "complement_adresse",
    "insee_com",
    "code_postal",
    "lib_com",
    "latitude",
    "longitude",
    "mail",
    "telephone",
    "h_lundi",
    "h_mardi",
    "h_mercredi",
    "h_jeudi",
    "h_vendredi",
    "h_samedi",
    "prise_rdv",
    "commentaire",
    "type_fs",
    "format_fs",
    "groupe_fs",
    "labellisation_fs",
)
"""The columns of the published list, in its order (the order is not required)."""

SIGNATURE: frozenset[str] = frozenset({"id_fs", "h_lundi", "type_fs"})
"""A header with these columns is an ANCT list."""

REQUIRED: tuple[str, ...] = ("id_fs", "lib_fs")
"""Columns without which a record cannot be audited."""

DAY_COLUMNS: dict[str, str] = {
    "monday": "h_lundi",
    "tuesday": "h_mardi",
    "wednesday": "h_mercredi",
    "thursday": "h_jeudi",
    "friday": "h_vendredi",
    "saturday": "h_samedi",
}
"""Declaration day → column; the list has no Sunday column."""

_DAY_LABELS = {
    "h_lundi": "lundi",
    "h_mardi": "mardi",
    "h_mercredi": "mercredi",
    "h_jeudi": "jeudi",
    "h_vendredi": "vendredi",
    "h_samedi": "samedi",
}
_SIMPLE_COLUMNS = {
    "id": "id_fs",
    "name": "lib_fs",
    "departement": "insee_dep",
    "commune": "insee_com",
    "type": "type_fs",
    "format": "format_fs",
    "group": "groupe_fs",
    "label": "labellisation_fs",
    "appointment_booking": "prise_rdv",
    "comment": "commentaire",
}
_ADDRESS_COLUMNS = {
    "street": "adresse",
    "complement": "complement_adresse",
    "postal_code": "code_postal",
    "city": "lib_com",
}
_COORDINATE_COLUMNS = {"latitude": "latitude", "longitude": "longitude"}


def normalize_header(name: Any) -> str:
    """A header cell as a column name: no BOM, no surrounding spaces or quotes, lower case."""
    return str(name if name is not None else "").replace("\ufeff", "").strip().strip('"').strip().lower()


def is_anct_header(names: Sequence[Any]) -> bool:
    """True when a header row has the columns that identify the ANCT list."""
    return SIGNATURE <= {normalize_header(n) for n in names}


def columns_for(parts: Sequence[str | int], note_columns: Sequence[str] = ()) -> tuple[str, ...]:
    """The column(s) a JSON path of a structure comes from; ``()`` for the record as a whole."""
    if not parts:
        return ()
    head = parts[0]
    sub = parts[1] if len(parts) > 1 else None
    if head == "opening_hours":
        if sub in DAY_COLUMNS:
            return (DAY_COLUMNS[sub],)  # type: ignore[index]
        return () if sub is not None else tuple(DAY_COLUMNS.values())
    if head == "address":
        if sub in _ADDRESS_COLUMNS:
            return (_ADDRESS_COLUMNS[sub],)  # type: ignore[index]
        return tuple(_ADDRESS_COLUMNS.values())
    if head == "coordinates":
        if sub in _COORDINATE_COLUMNS:
            return (_COORDINATE_COLUMNS[sub],)  # type: ignore[index]
        return ("latitude", "longitude")
    if head == "irregular_openings":
        return tuple(note_columns)
    column = _SIMPLE_COLUMNS.get(str(head))
    return (column,) if column else ()


def _join_columns(columns: Sequence[str]) -> str:
    if len(columns) == 1:
        return f"colonne {columns[0]}"
    if tuple(columns) == tuple(DAY_COLUMNS.values()):
        return "colonnes h_lundi à h_samedi"
    return "colonnes " + ", ".join(columns)


@frozen
class CsvLocation:
    """Where a record of a CSV list is: ``ligne 124, colonne h_mardi``.

    A picklable callable (``locate(parts)``) for :func:`fsaudit.inputs.validate_declaration`;
    ``line`` is the physical line the record starts on (a quoted field may span lines).
    """

    line: int
    note_columns: tuple[str, ...] = ()

    def at(self, columns: Sequence[str]) -> str:
        """The location of ``columns`` of this record (the record itself for none)."""
        if not columns:
            return f"ligne {self.line}"
        return f"ligne {self.line}, {_join_columns(columns)}"

    def __call__(self, parts: Sequence[str | int]) -> str:
        try:
            suffix = _columns_suffix(parts, self.note_columns)  # type: ignore[arg-type]
        except TypeError:  # parts given as a list: not hashable
            return self.at(columns_for(parts, self.note_columns))
        return f"ligne {self.line}{suffix}"


@functools.lru_cache(maxsize=4096)
def _columns_suffix(parts: tuple[str | int, ...], note_columns: tuple[str, ...]) -> str:
    """What :meth:`CsvLocation.at` adds after the line for the columns of ``parts``."""
    columns = columns_for(parts, note_columns)
    return f", {_join_columns(columns)}" if columns else ""


def _sheet_ref(sheet: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@frozen
class SheetLocation:
    """Where a record of a workbook export is: ``Feuille1!N124`` (``Feuille1, ligne 124`` for
    the whole record). Picklable, like :class:`CsvLocation`."""

    sheet: str
    row: int
    letters: tuple[tuple[str, str], ...]
    """``(column name, column letter)`` pairs of the header."""
    note_columns: tuple[str, ...] = ()

    def at(self, columns: Sequence[str]) -> str:
        """The cell (or cell range) of ``columns`` in this record's row."""
        letters = dict(self.letters)
        found = [letters[c] for c in columns if c in letters]
        sheet = _sheet_ref(self.sheet)
        if not found:
            return f"{sheet}, ligne {self.row}"
        if len(found) == 1:
            return f"{sheet}!{found[0]}{self.row}"
        ordered = sorted(found, key=lambda letter: (len(letter), letter))
        return f"{sheet}!{ordered[0]}{self.row}:{ordered[-1]}{self.row}"

    def __call__(self, parts: Sequence[str | int]) -> str:
        return self.at(columns_for(parts, self.note_columns))


@frozen
class Record:
    """One record of the list, mapped: JSON-shaped ``data``, value problems ``(columns,
    message)``, and the columns the ``irregular_openings`` note was made from."""

    data: dict[str, Any]
    problems: tuple[tuple[tuple[str, ...], str], ...]
    note_columns: tuple[str, ...]


def _quote(raw: str, limit: int = 200) -> str:
    text = raw.strip()
    return f"« {text[:limit]}{'…' if len(text) > limit else ''} »"


def _text(value: Any) -> str | None:
    """A cell as text: ``None`` when empty; integral numbers without ``.0``."""
    if value.__class__ is str:
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _padded(value: str | None, width: int) -> str | None:
    """Restore the leading zeros a spreadsheet drops from a numeric code (``1`` → ``01``)."""
    if value is not None and value.isdigit() and len(value) < width:
        return value.zfill(width)
    return value


_FORMATS = {
    "fixe": "fixe",
    "multisites": "multisites",
    "multi sites": "multisites",
    "bus equivalent": "bus",
    "bus": "bus",
    "itinerante": "itinerant",
    "itinerant": "itinerant",
    "fixe antenne s": "fixe",
    "fixe antennes": "fixe",
    "fixe antenne": "fixe",
}
_TYPES = {"principal": "principal", "principale": "principal", "antenne": "antenne"}
_BOOLEANS = {"oui": True, "non": False}
_LABEL = re.compile(r"espace labellis[ée]e?(?:\s+(?:le\s+)?(\d{1,2})/(\d{1,2})/(\d{4}))?\.?")


def _coordinate(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = _text(value)
        if text is None:
            return None
        try:
            number = float(text.replace(",", ".").replace(" ", ""))
        except ValueError:
            return math.nan
    return number if math.isfinite(number) else math.nan


def _map_coordinates(
    cells: Mapping[str, Any], problems: list[tuple[tuple[str, ...], str]]
) -> dict[str, float] | None:
    lat_raw, lon_raw = cells.get("latitude"), cells.get("longitude")
    lat, lon = _coordinate(lat_raw), _coordinate(lon_raw)
    if lat is None and lon is None:
        return None
    bad = False
    for column, number, raw, bound in (("latitude", lat, lat_raw, 90), ("longitude", lon, lon_raw, 180)):
        if number is None:
            problems.append(
                (
                    (column,),
                    f"{column} manquante alors que l'autre coordonnée est donnée : position non retenue",
                )
            )
            bad = True
        elif math.isnan(number) or not -bound <= number <= bound:
            problems.append(
                (
                    (column,),
                    f"{column} illisible : {_quote(_text(raw) or '')} ; attendu un nombre décimal "
                    f"entre -{bound} et {bound} (WGS84) : position non retenue",
                )
            )
            bad = True
    if bad:
        return None
    return {"latitude": lat, "longitude": lon}  # type: ignore[dict-item]


def _map_label(value: Any, problems: list[tuple[tuple[str, ...], str]]) -> dict[str, Any] | None:
    if isinstance(value, _dt.datetime):
        return {"status": "labelled", "date": value.date().isoformat()}
    if isinstance(value, _dt.date):
        return {"status": "labelled", "date": value.isoformat()}
    text = _text(value)
    if text is None:
        return None
    date, problem = _label_text(text)
    if problem is not None:
        problems.append((("labellisation_fs",), problem))
        if date is None:
            return None
    if not date:
        return {"status": "labelled"}
    return {"status": "labelled", "date": date}


@functools.lru_cache(maxsize=1024)
def _label_text(text: str) -> tuple[str | None, str | None]:
    """``(date, problem)`` for a label cell: ``""`` for a label without date, ``None`` for none.

    The list writes a few dozen distinct labels: each is read once.
    """
    match = _LABEL.fullmatch(" ".join(text.lower().split()))
    if match is None:
        return None, f"labellisation illisible : {_quote(text)} ; attendu « Espace labellisé JJ/MM/AAAA »"
    if match.group(1) is None:
        return "", None
    day, month, year = (int(match.group(i)) for i in (1, 2, 3))
    try:
        date = _dt.date(year, month, day)
    except ValueError:
        return "", (
            f"date de labellisation inexistante : {_quote(text)} ; structure "
            "retenue comme labellisée, sans date"
        )
    return date.isoformat(), None


_CHOICES: dict[str, tuple[Mapping[str, Any], str]] = {
    "prise_rdv": (_BOOLEANS, "Oui, Non"),
    "type_fs": (_TYPES, "Principal, Antenne"),
    "format_fs": (_FORMATS, "Fixe, Multisites, Bus_équivalent, Fixe_antenne(s), Itinérante"),
}
"""Columns read against a list of values: accepted values (folded) and how to name them."""


def _map_choice(column: str, value: Any, problems: list[tuple[tuple[str, ...], str]]) -> Any:
    if isinstance(value, bool) and column == "prise_rdv":
        return value
    text = _text(value)
    if text is None:
        return None
    choice, problem = _choice(column, text)
    if problem is not None:
        problems.append(((column,), problem))
    return choice


@functools.lru_cache(maxsize=1024)
def _choice(column: str, text: str) -> tuple[Any, str | None]:
    """``(value, problem)`` for a cell of a ``_CHOICES`` column.

    Folding a name costs more than the rest of a record; the list writes a handful of
    distinct values per column, so each is folded once.
    """
    choices, expected = _CHOICES[column]
    key = normalize_name(text)
    if key in choices:
        return choices[key], None
    return None, f"valeur non reconnue : {_quote(text)} ; valeurs admises : {expected}"


_Week = tuple[
    tuple[tuple[str, tuple[tuple[str, str], ...]], ...] | None,
    str | None,
    tuple[str, ...],
    tuple[tuple[tuple[str, ...], str], ...],
]
"""Six day cells read: ``(day, ranges)`` pairs (``None`` when the week says nothing), the
``irregular_openings`` note, the columns it was made from, and the value problems."""


_DAY_CELLS = tuple(DAY_COLUMNS.values())


def _day_texts(cells: Mapping[str, Any]) -> tuple[str, ...]:
    """The day cells of a record as text, ``""`` for a missing one: the key of ``_week``.

    Spreadsheet cells become text before they key the cache: ``1``, ``1.0`` and ``True`` are
    equal in a tuple, not in the list (each is quoted as written).
    """
    return tuple(
        [
            value if value.__class__ is str else ("" if value is None else str(value))
            for value in map(cells.get, _DAY_CELLS)
        ]
    )


@functools.lru_cache(maxsize=8192)
def _week(days: tuple[str, ...]) -> _Week:
    """Read the six day cells of a record (see ``_Week``).

    Many records share their week (a network's structures, antennes and their main site),
    so a week is read once; the caller builds fresh ranges from the pairs.
    """
    week: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    problems: list[tuple[tuple[str, ...], str]] = []
    notes: list[str] = []
    note_columns: list[str] = []
    known = False
    unknown_days: list[str] = []
    for (day, column), value in zip(DAY_COLUMNS.items(), days, strict=True):
        read = parse_day(value)
        if read.kind is DayKind.OPEN:
            week.append((day, read.ranges))
            known = True
        elif read.kind is DayKind.CLOSED:
            week.append((day, ()))
            known = known or bool(read.raw.strip())  # « fermé » says something; an empty cell does not
        elif read.kind is DayKind.UNKNOWN:
            week.append((day, ()))
            unknown_days.append(column)
        else:
            week.append((day, ()))
            problems.append(
                (
                    (column,),
                    f"horaire illisible : {_quote(read.raw)} ; attendu des créneaux HH:MM - HH:MM "
                    "séparés par « / » (par exemple 09:00 - 12:00 / 13:30 - 17:00), une cellule vide ou "
                    "« fermé » pour un jour fermé ; ce jour n'est pas compté dans les horaires",
                )
            )
            notes.append(
                f"{_DAY_LABELS[column]} ({column}) : horaire illisible, jour non compté : {_quote(read.raw)}"
            )
            note_columns.append(column)
    if known and unknown_days:
        for column in unknown_days:
            notes.append(f"{_DAY_LABELS[column]} ({column}) : horaires non communiqués, jour non compté")
            note_columns.append(column)
    opened = known or any(ranges for _day, ranges in week)
    return (
        tuple(week) if opened else None,
        " ; ".join(notes) if notes else None,
        tuple(note_columns),
        tuple(problems),
    )


_COLUMN_ORDER = {column: position for position, column in enumerate(COLUMNS)}


def _problem_order(item: tuple[tuple[str, ...], str]) -> tuple[int, str]:
    return _COLUMN_ORDER.get(item[0][0], len(COLUMNS)), item[1]


def map_record(
    cells: Mapping[str, Any],
) -> tuple[dict[str, Any], tuple[tuple[tuple[str, ...], str], ...], tuple[str, ...]]:
    """:func:`build_record` as a plain ``(data, problems, note_columns)`` tuple, for the readers."""
    get = cells.get
    problems: list[tuple[tuple[str, ...], str]] = []
    data: dict[str, Any] = {"id": _text(get("id_fs")) or "", "name": _text(get("lib_fs")) or ""}
    departement = _padded(_text(get("insee_dep")), 2)
    if departement is not None:
        data["departement"] = departement.upper()
    commune = _padded(_text(get("insee_com")), 5)
    if commune is not None:
        data["commune"] = commune.upper()
    address = {}
    for key, value in (
        ("street", _text(get("adresse"))),
        ("complement", _text(get("complement_adresse"))),
        ("postal_code", _padded(_text(get("code_postal")), 5)),
        ("city", _text(get("lib_com"))),
    ):
        if value is not None:
            address[key] = value
    if address:
        data["address"] = address
    coordinates = _map_coordinates(cells, problems)
    if coordinates is not None:
        data["coordinates"] = coordinates
    week, note, note_columns, hour_problems = _week(_day_texts(cells))
    if hour_problems:
        problems.extend(hour_problems)
    if week is not None:
        data["opening_hours"] = {
            day: [{"start": start, "end": end} for start, end in ranges] for day, ranges in week
        }
    if note is not None:
        data["irregular_openings"] = note
    booking = _map_choice("prise_rdv", get("prise_rdv"), problems)
    if booking is not None:
        data["appointment_booking"] = booking
    comment = _text(get("commentaire"))
    if comment is not None:
        data["comment"] = comment
    kind = _map_choice("type_fs", get("type_fs"), problems)
    if kind is not None:
        data["type"] = kind
    fmt = _map_choice("format_fs", get("format_fs"), problems)
    if fmt is not None:
        data["format"] = fmt
    group = _text(get("groupe_fs"))
    if group is not None:
        data["group"] = group
    label = _map_label(get("labellisation_fs"), problems)
    if label is not None:
        data["label"] = label
    if len(problems) > 1:
        problems.sort(key=_problem_order)
    return data, tuple(problems), note_columns


def build_record(cells: Mapping[str, Any]) -> Record:
    """Map one record (column name → cell value) to a JSON-shaped structure."""
    return Record(*map_record(cells))
