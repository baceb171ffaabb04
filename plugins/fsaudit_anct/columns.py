"""How one record of the list, in any known layout, maps to a declaration, and where a field came from.

A record (field → cell value, fields as named in :mod:`fsaudit_anct.layouts`) becomes one
JSON-shaped structure (``fsaudit/schemas/declaration.schema.json``). Values the list writes in
its own way are read here (hours, label, type and format, Oui/Non, coordinates) with the
vocabularies of the record's layout. A value that cannot be read is reported at its column and
recorded as an unread fact of the structure (``fsaudit.inputs.reader.UnreadFact``): the rules that need
it answer *à vérifier*, never *non conforme*.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from attrs import frozen

from fsaudit_anct.hours import DayKind, parse_day, parse_week
from fsaudit_anct.layouts import DAY_FIELDS, DECLARATION_FIELDS, FIELDS, KIND_FIELDS, Layout, fold, layouts

__all__ = [
    "COLUMNS",
    "DAY_COLUMNS",
    "Columns",
    "CsvLocation",
    "FeatureLocation",
    "Issue",
    "Record",
    "SheetLocation",
    "build_record",
    "derived_id",
    "map_record",
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
"""The columns of the list published since 2024, in its order (the order is not required)."""

DAY_COLUMNS: dict[str, str] = {
    "monday": "h_lundi",
    "tuesday": "h_mardi",
    "wednesday": "h_mercredi",
    "thursday": "h_jeudi",
    "friday": "h_vendredi",
    "saturday": "h_samedi",
}
"""Declaration day → column of the published list; the list has no Sunday column."""

ERROR = "erreur"
WARNING = "avertissement"


# --- where a field came from ------------------------------------------------------------------


@frozen(cache_hash=True)
class Columns:
    """The columns of one input: ``(field, column name as written)`` pairs, in header order."""

    pairs: tuple[tuple[str, str], ...]
    _by_field: dict[str, str] = attrs.field(init=False, eq=False, repr=False)
    days: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)
    """Day fields of the input, in week order."""

    def __attrs_post_init__(self) -> None:
        by_field = dict(self.pairs)
        object.__setattr__(self, "_by_field", by_field)
        object.__setattr__(self, "days", tuple(day for day in DAY_FIELDS if day in by_field))

    def get(self, name: str) -> str | None:
        """The column of a field, ``None`` when the input has none."""
        return self._by_field.get(name)

    def names(self, fields: Sequence[str]) -> tuple[str, ...]:
        """The columns of ``fields`` that the input has, in header order."""
        wanted = set(fields)
        return tuple(column for name, column in self.pairs if name in wanted)


_ADDRESS = {"street": "street", "complement": "complement", "postal_code": "postal_code", "city": "city"}
_SIMPLE = {
    "id": "id",
    "name": "name",
    "departement": "departement",
    "commune": "commune",
    "group": "group",
    "label": "label",
    "appointment_booking": "appointment_booking",
    "comment": "comment",
    "gestionnaire": "gestionnaire",
}


def fields_for(parts: Sequence[str | int], columns: Columns, note_fields: Sequence[str] = ()) -> tuple[str, ...]:
    """The field(s) a JSON path of a structure comes from; ``()`` for the record as a whole."""
    if not parts:
        return ()
    head = parts[0]
    sub = parts[1] if len(parts) > 1 else None
    if head == "opening_hours":
        if columns.get("week") is not None:
            return ("week",)
        if sub in DAY_FIELDS:
            return (sub,) if columns.get(sub) is not None else ()  # type: ignore[return-value]
        return () if sub is not None else columns.days
    if head == "address":
        if sub in _ADDRESS:
            return (sub,)  # type: ignore[return-value]
        return tuple(_ADDRESS)
    if head == "coordinates":
        if sub in ("latitude", "longitude"):
            return (sub,)  # type: ignore[return-value]
        return ("latitude", "longitude")
    if head == "irregular_openings":
        return tuple(note_fields)
    if head in ("type", "format"):
        return tuple(k for k in KIND_FIELDS if columns.get(k) is not None)
    name = _SIMPLE.get(str(head))
    return (name,) if name else ()


def _join_columns(names: Sequence[str], columns: Columns) -> str:
    if len(names) == 1:
        return f"colonne {names[0]}"
    days = [columns.get(day) for day in columns.days]
    if len(names) > 2 and tuple(names) == tuple(days):
        return f"colonnes {names[0]} à {names[-1]}"
    return "colonnes " + ", ".join(names)


@functools.lru_cache(maxsize=8192)
def _csv_suffix(parts: tuple[str | int, ...], columns: Columns, note_fields: tuple[str, ...]) -> str:
    names = columns.names(fields_for(parts, columns, note_fields))
    return f", {_join_columns(names, columns)}" if names else ""


@frozen
class CsvLocation:
    """Where a record of a CSV list is: ``ligne 124, colonne h_mardi``.

    A picklable callable (``locate(parts)``) for :func:`fsaudit.inputs.validation.validate_declaration`;
    ``line`` is the physical line the record starts on (a quoted field may span lines).
    """

    line: int
    columns: Columns
    note_fields: tuple[str, ...] = ()

    def at(self, fields: Sequence[str]) -> str:
        """The location of ``fields`` of this record (the record itself for none)."""
        names = self.columns.names(fields)
        if not names:
            return f"ligne {self.line}"
        return f"ligne {self.line}, {_join_columns(names, self.columns)}"

    def with_notes(self, note_fields: tuple[str, ...]) -> CsvLocation:
        return CsvLocation(self.line, self.columns, note_fields)

    def __call__(self, parts: Sequence[str | int]) -> str:
        try:
            suffix = _csv_suffix(parts, self.columns, self.note_fields)  # type: ignore[arg-type]
        except TypeError:  # parts given as a list: not hashable
            return self.at(fields_for(parts, self.columns, self.note_fields))
        return f"ligne {self.line}{suffix}"


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
    """``(field, column letter)`` pairs of the header."""
    note_fields: tuple[str, ...] = ()
    columns: Columns = Columns(())

    def at(self, fields: Sequence[str]) -> str:
        """The cell (or cell range) of ``fields`` in this record's row."""
        letters = dict(self.letters)
        found = [letters[f] for f in fields if f in letters]
        sheet = _sheet_ref(self.sheet)
        if not found:
            return f"{sheet}, ligne {self.row}"
        if len(found) == 1:
            return f"{sheet}!{found[0]}{self.row}"
        ordered = sorted(found, key=lambda letter: (len(letter), letter))
        return f"{sheet}!{ordered[0]}{self.row}:{ordered[-1]}{self.row}"

    def with_notes(self, note_fields: tuple[str, ...]) -> SheetLocation:
        return SheetLocation(self.sheet, self.row, self.letters, note_fields, self.columns)

    def __call__(self, parts: Sequence[str | int]) -> str:
        return self.at(fields_for(parts, self.columns, self.note_fields))


@frozen
class FeatureLocation:
    """Where a feature of a GeoJSON FeatureCollection is: ``$.features[3].properties.h_lundi``."""

    index: int
    columns: Columns
    note_fields: tuple[str, ...] = ()

    def at(self, fields: Sequence[str]) -> str:
        names = self.columns.names(fields)
        base = f"$.features[{self.index}]"
        if not names:
            return base
        if len(names) == 1:
            return f"{base}.properties.{names[0]}"
        return f"{base}.properties ({', '.join(names)})"

    def with_notes(self, note_fields: tuple[str, ...]) -> FeatureLocation:
        return FeatureLocation(self.index, self.columns, note_fields)

    def __call__(self, parts: Sequence[str | int]) -> str:
        return self.at(fields_for(parts, self.columns, self.note_fields))


# --- reading values ------------------------------------------------------------------------------


@frozen
class Issue:
    """Something met while mapping a record: a problem to report at ``fields`` (``message`` and
    ``level``, or no message) and, when ``facts`` is not empty, the declaration facts left unread."""

    fields: tuple[str, ...]
    message: str | None
    level: str = ERROR
    facts: tuple[str, ...] = ()
    reason: str | None = None
    """Why the facts are unread (the message when ``None``)."""


@frozen
class Record:
    """One record, mapped: JSON-shaped ``data``, the issues met, the fields the
    ``irregular_openings`` note was made from, and French notes on how it was read."""

    data: dict[str, Any]
    issues: tuple[Issue, ...]
    note_fields: tuple[str, ...]
    notes: tuple[str, ...] = ()


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
    """Restore the leading zeros a spreadsheet drops from a numeric code (``1`` → ``01``), and
    from the number of a Corsican commune (``2B14`` → ``2B014``, as R's exports of 2020 write it)."""
    if value is None or len(value) >= width:
        return value
    if value.isdigit():
        return value.zfill(width)
    if width == 5 and value[:2].upper() in ("2A", "2B") and value[2:].isdigit():
        return value[:2].upper() + value[2:].zfill(3)
    return value


def _departement_of(commune: str) -> str | None:
    """The département of an INSEE commune code (``97411`` → ``974``, ``2A004`` → ``2A``)."""
    if commune[:2] in ("97", "98"):
        return commune[:3]
    return commune[:2] if len(commune) == 5 else None


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


def _map_coordinates(cells: Mapping[str, Any], issues: list[Issue], columns: Columns) -> dict[str, float] | None:
    lat_raw, lon_raw = cells.get("latitude"), cells.get("longitude")
    lat, lon = _coordinate(lat_raw), _coordinate(lon_raw)
    if lat is None and lon is None:
        return None
    if columns.get("latitude") is None or columns.get("longitude") is None:
        return None  # a column the header lacks: said once, its facts unread (not once per record)
    bad = False
    for name, number, raw, bound in (("latitude", lat, lat_raw, 90), ("longitude", lon, lon_raw, 180)):
        if number is None:
            issues.append(
                Issue(
                    (name,),
                    f"{name} manquante alors que l'autre coordonnée est donnée : position non retenue",
                    facts=("coordinates",),
                )
            )
            bad = True
        elif math.isnan(number) or not -bound <= number <= bound:
            issues.append(
                Issue(
                    (name,),
                    f"{name} illisible : {_quote(_text(raw) or '')} ; attendu un nombre décimal "
                    f"entre -{bound} et {bound} (WGS84) : position non retenue",
                    facts=("coordinates",),
                )
            )
            bad = True
    if bad:
        return None
    return {"latitude": lat, "longitude": lon}  # type: ignore[dict-item]


_DATE = re.compile(r"(\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4})")


def _map_label(value: Any, layout: Layout, issues: list[Issue], notes: list[str]) -> dict[str, Any] | None:
    if isinstance(value, _dt.datetime):
        return {"status": "labelled", "date": value.date().isoformat()}
    if isinstance(value, _dt.date):
        return {"status": "labelled", "date": value.isoformat()}
    text = _text(value)
    if text is None:
        return None
    date, problem, note = _label_text(text, layout.label.prefixes, layout.label.date_formats)
    if note is not None:
        notes.append(note)
    if problem is not None:
        if date is None:
            issues.append(Issue(("label",), problem, facts=("label",)))
            return None
        issues.append(Issue(("label",), problem, facts=("label.date",)))
    if not date:
        return {"status": "labelled"}
    return {"status": "labelled", "date": date}


@functools.lru_cache(maxsize=1024)
def _label_text(
    text: str, prefixes: tuple[str, ...], formats: tuple[str, ...]
) -> tuple[str | None, str | None, str | None]:
    """``(date, problem, note)`` for a label cell: date ``""`` for a label without date, ``None``
    for no label. The list writes a few dozen distinct labels: each is read once."""
    folded = fold(text)
    prefix = next((p for p in prefixes if folded.startswith(p)), None)
    expected = "attendu « Espace labellisé JJ/MM/AAAA »"
    if prefix is None:
        return None, f"labellisation illisible : {_quote(text)} ; {expected}", None
    rest = folded[len(prefix) :].strip()
    if rest.startswith("le "):
        rest = rest[3:]
    if not rest:
        return "", None, None
    found = _DATE.search(text)
    if found is None or fold(found.group(1)) != rest:
        return None, f"labellisation illisible : {_quote(text)} ; {expected}", None
    written = found.group(1)
    for form in formats:
        try:
            date = _dt.datetime.strptime(written, form).date()
        except ValueError:
            continue
        note = None
        if "%d" not in form:
            note = (
                f"date de labellisation donnée au mois ({written}) : retenue au premier jour du mois, "
                f"{date.strftime('%d/%m/%Y')}"
            )
        return date.isoformat(), None, note
    if any(_matches_shape(written, form) for form in formats):
        return (
            "",
            (f"date de labellisation inexistante : {_quote(text)} ; structure retenue comme labellisée, sans date"),
            None,
        )
    return None, f"labellisation illisible : {_quote(text)} ; {expected}", None


def _matches_shape(written: str, form: str) -> bool:
    return written.count("/") == form.count("/")


def _choice_values(layout: Layout, name: str) -> str:
    return ", ".join(layout.displays.get(name, ()))


@functools.lru_cache(maxsize=2048)
def _lookup(layout_id: str, name: str, folded: str) -> tuple[bool, Any]:
    layout = _LAYOUTS[layout_id]
    vocabulary = layout.kinds.get(name) if name in layout.kinds else layout.values.get(name, {})
    if vocabulary is None or folded not in vocabulary:
        return False, None
    return True, vocabulary[folded]


@functools.lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return fold(text)


class _Layouts(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> Layout:
        for layout in layouts():
            self[layout.id] = layout
        return dict.__getitem__(self, key)


_LAYOUTS: dict[str, Layout] = _Layouts()


def _map_value(name: str, value: Any, layout: Layout, issues: list[Issue], fact: str) -> Any:
    if isinstance(value, bool) and name == "appointment_booking":
        return value
    text = _text(value)
    if text is None:
        return None
    found, mapped = _lookup(layout.id, name, _fold_cached(text))
    if not found:
        issues.append(
            Issue(
                (name,),
                f"valeur non reconnue : {_quote(text)} ; valeurs admises : {_choice_values(layout, name)}",
                facts=(fact,),
            )
        )
        return None
    return mapped


_ROAMING = {"fixe": False, "multisites": False, "bus": True, "itinerant": True}


def _map_kinds(
    cells: Mapping[str, Any], plan: _Plan, columns: Columns, issues: list[Issue]
) -> tuple[str | None, str | None, bool]:
    """Type and format from every kind column of the layout; contradictions are reported. The
    last item is true when the format « fixe » is inferred from « not itinerant » (2022-2023)."""
    if not plan.kinds:
        return None, None, False
    texts = tuple([_text(cells.get(name)) for name in plan.kinds])
    kind, fmt, found, inferred = _kinds(plan.layout.id, plan.kinds, texts, columns)
    if found:
        issues.extend(found)
    return kind, fmt, inferred


@functools.lru_cache(maxsize=1024)
def _kinds(
    layout_id: str, names: tuple[str, ...], texts: tuple[str | None, ...], columns: Columns
) -> tuple[str | None, str | None, tuple[Issue, ...], bool]:
    """:func:`_map_kinds` for one combination of kind cells (a list has a handful)."""
    layout = _LAYOUTS[layout_id]
    issues: list[Issue] = []
    said: dict[str, dict[Any, list[str]]] = {"type": {}, "format": {}, "roaming": {}}
    written: dict[str, str] = {}
    for name, text in zip(names, texts, strict=True):
        if text is None:
            continue
        written[name] = text
        found, facts = _lookup(layout.id, name, _fold_cached(text))
        if not found:
            given = {key for entry in layout.kinds[name].values() for key in entry}
            unread = tuple(sorted({"format" if key == "roaming" else key for key in given}))
            issues.append(
                Issue(
                    (name,),
                    f"valeur non reconnue : {_quote(text)} ; valeurs admises : {_choice_values(layout, name)}",
                    facts=unread,
                )
            )
            continue
        for key, fact_value in facts.items():
            said[key].setdefault(fact_value, []).append(name)
            if key == "format":
                said["roaming"].setdefault(_ROAMING[fact_value], []).append(name)
    kind: str | None = None
    fmt: str | None = None
    inferred = False
    if len(said["type"]) > 1:
        fields = tuple(sorted({f for names in said["type"].values() for f in names}, key=FIELDS.index))
        issues.append(_contradiction(fields, written, columns, "type"))
    elif said["type"]:
        kind = next(iter(said["type"]))
    if len(said["format"]) > 1 or len(said["roaming"]) > 1:
        names = [f for key in ("format", "roaming") for values in said[key].values() for f in values]
        fields = tuple(sorted(set(names), key=FIELDS.index))
        issues.append(_contradiction(fields, written, columns, "format"))
    elif said["format"]:
        fmt = next(iter(said["format"]))
    elif said["roaming"]:
        # The offer is said itinerant or not, without its exact format (2022-2023 lists): an
        # itinerant offer is judged as one; a non-itinerant one is a fixed place (« lieu fixe »:
        # fixe or multisites, which the charter's rules judge alike), unless it is an antenne.
        if next(iter(said["roaming"])) is True:
            fmt = "itinerant"
        elif kind != "antenne":
            fmt = "fixe"
            inferred = True
    return kind, fmt, tuple(issues), inferred


@frozen
class _Plan:
    """What :func:`map_record` does for the records of one input (its layout and columns)."""

    layout: Layout
    days: tuple[str, ...]
    day_labels: tuple[str, ...]
    week: bool
    kinds: tuple[str, ...]
    booking: bool
    label: bool
    gestionnaire: bool
    departement_column: bool


@functools.lru_cache(maxsize=64)
def _plan(layout_id: str, columns: Columns) -> _Plan:
    layout = _LAYOUTS[layout_id]
    return _Plan(
        layout,
        columns.days,
        tuple(columns.get(d) or d for d in columns.days),
        columns.get("week") is not None,
        tuple(k for k in KIND_FIELDS if k in layout.kinds and columns.get(k) is not None),
        "appointment_booking" in layout.values,
        "label" in layout.columns,
        "gestionnaire" in layout.values,
        columns.get("departement") is not None,
    )


def _contradiction(fields: tuple[str, ...], written: Mapping[str, str], columns: Columns, fact: str) -> Issue:
    values = ", ".join(f"{columns.get(f) or f} {_quote(written[f])}" for f in fields)
    what = "type (principale ou antenne)" if fact == "type" else "format (fixe, multisites, bus ou itinérant)"
    return Issue(
        fields,
        f"valeurs contradictoires : {values} : {what} non retenu, à vérifier",
        level=WARNING,
        facts=(fact,),
    )


# --- the week ------------------------------------------------------------------------------------


_Week = tuple[
    tuple[tuple[str, tuple[tuple[str, str], ...]], ...] | None,
    str | None,
    tuple[str, ...],
    tuple[Issue, ...],
]
"""Day cells read: ``(day, ranges)`` pairs (``None`` when the week gives no opening), the
``irregular_openings`` note, the fields it was made from, and the issues."""


def _day_texts(cells: Mapping[str, Any], days: tuple[str, ...]) -> tuple[str, ...]:
    """The day cells of a record as text, ``""`` for a missing one: the key of ``_week``.

    Spreadsheet cells become text before they key the cache: ``1``, ``1.0`` and ``True`` are
    equal in a tuple, not in the list (each is quoted as written).
    """
    return tuple(
        [value if value.__class__ is str else ("" if value is None else str(value)) for value in map(cells.get, days)]
    )


@functools.lru_cache(maxsize=8192)
def _week(days: tuple[str, ...], texts: tuple[str, ...], labels: tuple[str, ...]) -> _Week:
    """Read the day cells of a record (see ``_Week``); ``labels`` are their column names.

    Many records share their week (a network's structures, antennes and their main site),
    so a week is read once; the caller builds fresh ranges from the pairs.
    """
    week: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    issues: list[Issue] = []
    notes: list[str] = []
    note_fields: list[str] = []
    opened = False
    for day, value, column in zip(days, texts, labels, strict=True):
        read = parse_day(value)
        if read.kind is DayKind.OPEN:
            week.append((day, read.ranges))
            opened = True
            if read.note is not None:
                notes.append(f"{DAY_FIELDS[day]} ({column}) : {_quote(read.note)}")
                note_fields.append(day)
        elif read.kind is DayKind.CLOSED:
            week.append((day, ()))
        elif read.kind is DayKind.UNKNOWN:
            issues.append(
                Issue((day,), None, facts=(f"opening_hours.{day}",), reason=f"{read.reason} ({_quote(read.raw)})")
            )
        else:
            issues.append(
                Issue(
                    (day,),
                    f"horaire illisible : {_quote(read.raw)} ({read.reason}) ; attendu des créneaux "
                    "HH:MM - HH:MM séparés par « / » (par exemple 09:00 - 12:00 / 13:30 - 17:00), une "
                    "cellule vide ou « fermé » pour un jour fermé ; jour non évalué (à vérifier)",
                    level=WARNING,
                    facts=(f"opening_hours.{day}",),
                    reason=f"horaire illisible : {_quote(read.raw)} ({read.reason})",
                )
            )
    return (
        tuple(week) if opened else None,
        " ; ".join(notes) if notes else None,
        tuple(note_fields),
        tuple(issues),
    )


def _map_week_osm(value: Any, issues: list[Issue]) -> tuple[dict[str, Any] | None, str | None]:
    text = _text(value)
    if text is None:
        return None, None
    read = parse_week(text)
    if read.reason is not None:
        issues.append(
            Issue(
                ("week",),
                f"horaires illisibles : {_quote(text)} ({read.reason}) ; attendu des horaires au format "
                "OpenStreetMap (par exemple Mo-Fr 09:00-12:00,13:30-17:00) ; horaires non évalués (à vérifier)",
                level=WARNING,
                facts=("opening_hours",),
            )
        )
        return None, None
    for day in read.unknown:
        issues.append(
            Issue(("week",), None, facts=(f"opening_hours.{day}",), reason=f"horaires inconnus ({_quote(text)})")
        )
    hours = {
        day: [{"start": start, "end": end} for start, end in ranges]
        for day, ranges in zip(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), read.days, strict=True
        )
        if day not in read.unknown
    }
    note = f"horaires : {_quote(text)}" if read.comments else None
    return (hours if any(hours.values()) else None), note


# --- a whole record ------------------------------------------------------------------------------


def derived_id(cells: Mapping[str, Any]) -> str:
    """A stable identifier for a record without one: from its name, département, commune and street."""
    parts = [fold(_text(cells.get(name)) or "") for name in ("name", "departement", "commune", "city", "street")]
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:10]
    departement = _padded(_text(cells.get("departement")), 2) or "xx"
    return f"fs-{fold(departement).replace(' ', '') or 'xx'}-{digest}"


def map_record(cells: Mapping[str, Any], layout: Layout | None = None, columns: Columns | None = None) -> Record:
    """Map one record (field → cell value) of ``layout`` (the 2024 list by default)."""
    if layout is None:
        layout = _LAYOUTS["liste-2024"]
    if columns is None:
        columns = _published_columns(layout.id)
    plan = _plan(layout.id, columns)
    get = cells.get
    issues: list[Issue] = []
    notes: list[str] = []
    identifier = _text(get("id"))
    if identifier is not None and layout.integer_ids and re.fullmatch(r"\d+\.0+", identifier):
        identifier = identifier.split(".")[0]
    data: dict[str, Any] = {"id": identifier or "", "name": _text(get("name")) or ""}
    commune = _padded(_text(get("commune")), 5)
    if commune is not None:
        data["commune"] = commune.upper()
    departement = _padded(_text(get("departement")), 2)
    if departement is None and commune is not None and not plan.departement_column:
        departement = _departement_of(commune.upper())
    if departement is not None:
        data["departement"] = departement.upper()
    address = {}
    for key, value in (
        ("street", _text(get("street"))),
        ("complement", _text(get("complement"))),
        ("postal_code", _padded(_text(get("postal_code")), 5)),
        ("city", _text(get("city"))),
    ):
        if value is not None:
            address[key] = value
    if address:
        data["address"] = address
    coordinates = _map_coordinates(cells, issues, columns)
    if coordinates is not None:
        data["coordinates"] = coordinates
    note: str | None = None
    note_fields: tuple[str, ...] = ()
    if plan.week:
        hours, note = _map_week_osm(get("week"), issues)
        if hours is not None:
            data["opening_hours"] = hours
        note_fields = ("week",) if note else ()
    elif plan.days:
        week, note, note_fields, hour_issues = _week(plan.days, _day_texts(cells, plan.days), plan.day_labels)
        if hour_issues:
            issues.extend(hour_issues)
        if week is not None:
            data["opening_hours"] = {
                day: [{"start": start, "end": end} for start, end in ranges] for day, ranges in week
            }
    if note is not None:
        data["irregular_openings"] = note
    if plan.booking:
        booking = _map_value("appointment_booking", get("appointment_booking"), layout, issues, "appointment_booking")
        if booking is not None:
            data["appointment_booking"] = booking
    comment = _text(get("comment"))
    if comment is not None:
        data["comment"] = comment
    kind, fmt, inferred = _map_kinds(cells, plan, columns, issues)
    if inferred:
        fmt = _inferred_fixe(data.get("name"), columns, issues, notes)
    if kind is not None:
        data["type"] = kind
    if fmt is not None:
        data["format"] = fmt
    group = _text(get("group"))
    if group is not None:
        data["group"] = group
    if plan.label:
        label = _map_label(get("label"), layout, issues, notes)
        if label is not None:
            data["label"] = label
    if plan.gestionnaire:
        gestionnaire = _map_value("gestionnaire", get("gestionnaire"), layout, issues, "gestionnaire.kind")
        if gestionnaire is not None:
            data["gestionnaire"] = {"kind": gestionnaire}
    if len(issues) > 1:
        issues.sort(key=_issue_order)
    return Record(data, tuple(issues), note_fields, tuple(notes))


_ROAMING_NAME = re.compile(r"\b(bus|itinerante?s?|antennes?)\b")
"""A name that says the place is no fixed principal site: the offer moves (« Bus France services
… », « France services itinérante ») or it is an antenne (« Fraize - Antenne de Corcieux »)."""


def _inferred_fixe(name: Any, columns: Columns, issues: list[Issue], notes: list[str]) -> str | None:
    """The format « fixe » inferred from « itinerance Non », said in the notes; none when the
    structure's name says it moves or is an antenne (a bus listed « Non »): the format is then unread."""
    column = columns.get("itinerance") or "itinerance"
    if isinstance(name, str) and _ROAMING_NAME.search(_fold_cached(name)):
        issues.append(
            Issue(
                ("itinerance",),
                f"le nom {_quote(name)} désigne une offre itinérante ou une antenne, alors que la colonne "
                f"{column} vaut « Non » : format non lu, à vérifier",
                WARNING,
                facts=("format",),
            )
        )
        return None
    notes.append(
        f"format « fixe » déduit de la colonne {column} « Non » "
        "(lieu fixe ou multisite : la liste ne les distingue pas)"
    )
    return "fixe"


@functools.lru_cache(maxsize=16)
def _published_columns(layout_id: str) -> Columns:
    layout = _LAYOUTS[layout_id]
    return Columns(tuple((name, layout.published(name)) for name in layout.columns))


def _issue_order(issue: Issue) -> tuple[int, str]:
    first = issue.fields[0] if issue.fields else ""
    return (FIELDS.index(first) if first in FIELDS else len(FIELDS)), issue.message or ""


def build_record(cells: Mapping[str, Any]) -> Record:
    """Map one record of the 2024 list, given by its published column names."""
    layout = _LAYOUTS["liste-2024"]
    by_field = {}
    for column, value in cells.items():
        name = layout.field_of(column)
        if name is not None:
            by_field[name] = value
    return map_record(by_field, layout)


def missing_facts(layout: Layout, missing: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """``(declaration fact, column)`` pairs left unread by the expected columns a header lacks."""
    out: list[tuple[str, str]] = []
    for name in missing:
        for fact in DECLARATION_FIELDS.get(name, ()):
            out.append((fact, layout.published(name)))
    return tuple(out)
