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
    match = _LABEL.fullmatch(" ".join(text.lower().split()))
    if match is None:
        problems.append(
            (
                ("labellisation_fs",),
                f"labellisation illisible : {_quote(text)} ; attendu « Espace labellisé JJ/MM/AAAA »",
            )
        )
        return None
    if match.group(1) is None:
        return {"status": "labelled"}
    day, month, year = (int(match.group(i)) for i in (1, 2, 3))
    try:
        date = _dt.date(year, month, day)
    except ValueError:
        problems.append(
            (
                ("labellisation_fs",),
                f"date de labellisation inexistante : {_quote(text)} ; structure "
                "retenue comme labellisée, sans date",
            )
        )
        return {"status": "labelled"}
    return {"status": "labelled", "date": date.isoformat()}


def _map_choice(
    column: str,
    value: Any,
    choices: Mapping[str, Any],
    expected: str,
    problems: list[tuple[tuple[str, ...], str]],
) -> Any:
    if isinstance(value, bool) and column == "prise_rdv":
        return value
    text = _text(value)
    if text is None:
        return None
    key = normalize_name(text)
    if key in choices:
        return choices[key]
    problems.append(((column,), f"valeur non reconnue : {_quote(text)} ; valeurs admises : {expected}"))
    return None


def _map_hours(
    cells: Mapping[str, Any], problems: list[tuple[tuple[str, ...], str]]
) -> tuple[dict[str, list[dict[str, str]]] | None, list[str], list[str]]:
    week: dict[str, list[dict[str, str]]] = {}
    notes: list[str] = []
    note_columns: list[str] = []
    known = False
    unknown_days: list[str] = []
    for day, column in DAY_COLUMNS.items():
        value = cells.get(column)
        read = parse_day(None if value is None else str(value))
        if read.kind is DayKind.OPEN:
            week[day] = [{"start": start, "end": end} for start, end in read.ranges]
            known = True
        elif read.kind is DayKind.CLOSED:
            week[day] = []
            known = known or bool(read.raw.strip())  # « fermé » says something; an empty cell does not
        elif read.kind is DayKind.UNKNOWN:
            week[day] = []
            unknown_days.append(column)
        else:
            week[day] = []
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
    if not known and not any(week.values()):
        return None, notes, note_columns
    return week, notes, note_columns


def build_record(cells: Mapping[str, Any]) -> Record:
    """Map one record (column name → cell value) to a JSON-shaped structure."""
    problems: list[tuple[tuple[str, ...], str]] = []

    def text(column: str) -> str | None:
        return _text(cells.get(column))

    data: dict[str, Any] = {"id": text("id_fs") or "", "name": text("lib_fs") or ""}
    departement = _padded(text("insee_dep"), 2)
    if departement is not None:
        data["departement"] = departement.upper()
    commune = _padded(text("insee_com"), 5)
    if commune is not None:
        data["commune"] = commune.upper()
    address = {
        "street": text("adresse"),
        "complement": text("complement_adresse"),
        "postal_code": _padded(text("code_postal"), 5),
        "city": text("lib_com"),
    }
    if any(v is not None for v in address.values()):
        data["address"] = {k: v for k, v in address.items() if v is not None}
    coordinates = _map_coordinates(cells, problems)
    if coordinates is not None:
        data["coordinates"] = coordinates
    hours, notes, note_columns = _map_hours(cells, problems)
    if hours is not None:
        data["opening_hours"] = hours
    if notes:
        data["irregular_openings"] = " ; ".join(notes)
    booking = _map_choice("prise_rdv", cells.get("prise_rdv"), _BOOLEANS, "Oui, Non", problems)
    if booking is not None:
        data["appointment_booking"] = booking
    comment = text("commentaire")
    if comment is not None:
        data["comment"] = comment
    kind = _map_choice("type_fs", cells.get("type_fs"), _TYPES, "Principal, Antenne", problems)
    if kind is not None:
        data["type"] = kind
    fmt = _map_choice(
        "format_fs",
        cells.get("format_fs"),
        _FORMATS,
        "Fixe, Multisites, Bus_équivalent, Fixe_antenne(s), Itinérante",
        problems,
    )
    if fmt is not None:
        data["format"] = fmt
    group = text("groupe_fs")
    if group is not None:
        data["group"] = group
    label = _map_label(cells.get("labellisation_fs"), problems)
    if label is not None:
        data["label"] = label
    problems.sort(
        key=lambda item: (COLUMNS.index(item[0][0]) if item[0][0] in COLUMNS else len(COLUMNS), item[1])
    )
    return Record(data, tuple(problems), tuple(note_columns))
