"""Reader for declaration workbooks (.xlsx, .xlsm, .ods) in the documented layout.

The workbook is read with python-calamine (fast, and it reads .ods too), which gives each
formula's cached value; formulas without one and error values, which calamine returns as empty
cells, are found by :mod:`fsaudit_workbook.scan`. Rows are joined to their structure by the
« Identifiant » column, turned into the JSON-shaped data of the declaration schema and validated
by :func:`fsaudit.inputs.validation.validate_declaration` with a :class:`CellLocator`, so that every
problem and every finding points at a ``Sheet!C12`` cell.

Data that was not read is never treated as absent: a cell that does not read, a misspelt sheet
or column, rows that cannot be attached to one structure are reported (an error, exit code 3)
and become :class:`~fsaudit.inputs.reader.UnreadFact` of the structures they may belong to; the rules
that need them answer *manual*. What the audit does not need (a sheet or column of the
auditor's own, the template's example structure) is ignored with a warning.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from fsaudit import (
    Declaration,
    InputProblem,
    ManualAnswer,
    Reader,
    ReadResult,
    UnreadFact,
    UnsafeArchive,
    check_archive,
    closest_name,
    declaration_schema,
    describe_error,
    input_source,
    validate_declaration,
)
from fsaudit_workbook import cells
from fsaudit_workbook.layout import (
    CLOSED_MARK,
    CLOSED_MARKS,
    DEPARTEMENT,
    EMPTY_MARK,
    EMPTY_MARKS,
    IGNORED_SHEETS,
    SHEETS,
    STRUCTURES,
    Column,
    SheetSpec,
    header_key,
    sheet_by_key,
)
from fsaudit_workbook.scan import BadCells, column_letter, ods_bad_cells, xlsx_bad_cells
from fsaudit_workbook.template import EXAMPLE_DEPARTEMENT, EXAMPLE_ID, declaration_rows

__all__ = ["READER", "CellLocator", "read_workbook"]

PathParts = tuple[str | int, ...]
_HEADER_SEARCH_ROWS = 10


_Node = tuple[int, int, str, dict[PathParts, str] | None, list[int] | None]


@attrs.frozen(eq=False)
class CellLocator:
    """Maps a JSON path of the declaration to the cell it came from (``Horaires!C12``).

    A path with no cell of its own is located at its deepest known parent (a structure's field
    that was left empty points at the structure's row). A plain class, not a closure, so that
    it can be pickled into worker processes.

    Most cells are never written out: a national workbook has hundreds of thousands of them and
    only those that end up in a problem or a finding are ever located. ``rows`` maps a path to
    ``(sheet, row, column, fields, items)``: the path is at that row (0-based) and column key
    of that sheet; ``fields`` (a table shared by the rows of a sheet) maps a path below it to
    the column of the same row (``name``, ``address.street``), or, for a list, ``items`` holds
    the row of each item and ``fields`` maps a path below an item (``[2].referent``) to its
    column. ``Sheet!C12`` is only formatted when asked for; ``cells`` holds the few paths
    located once and for all.
    """

    cells: dict[PathParts, str]
    rows: dict[PathParts, _Node] = attrs.field(factory=dict)
    sheets: tuple[tuple[str, dict[str, str]], ...] = ()
    """Sheet name as written in a reference (quoted when it needs it), and its column letters
    by column key, for the sheet numbers of ``rows``."""

    def __call__(self, parts: Sequence[str | int]) -> str | None:
        probe = tuple(parts)
        cells = self.cells
        while probe:
            found = cells.get(probe) or self._row_cell(probe)
            if found:
                return found
            probe = probe[:-1]
        return None

    def _row_cell(self, probe: PathParts) -> str | None:
        rows = self.rows
        node = rows.get(probe)
        if node is not None:
            return self._format(node[0], node[1], node[2])
        for cut in (1, 2):
            if len(probe) <= cut:
                break
            node = rows.get(probe[:-cut])
            if node is None:
                continue
            sheet, row, key, fields, items = node
            below = probe[-cut:]
            if items is None:
                key = None if fields is None else fields.get(below)
                if key is not None:
                    return self._format(sheet, row, key)
                continue
            n = below[0]
            if not isinstance(n, int) or not 0 <= n < len(items):
                continue
            if cut == 2:
                key = None if fields is None else fields.get(below[1:])
                if key is None:
                    continue
            return self._format(sheet, items[n], key)
        return None

    def _format(self, sheet: int, row: int, key: str) -> str:
        name, letters = self.sheets[sheet]
        return f"{name}!{letters[key]}{row + 1}"


class _Empty:
    """The « aucun » marker of a list sheet."""


class _Closed:
    """The « fermé » marker of Horaires."""


EMPTY = _Empty()
CLOSED = _Closed()
_MISS = object()
_BLANK = object()


_Row = tuple[int, dict[str, Any]]
"""A filled row: its 0-based index in the sheet and its values by column key (in the order of
the sheet's columns). A tuple, not an object: a national workbook has 150,000 rows."""

_SHEET_FACTS: dict[str, tuple[str, ...]] = {
    "Structures": (),
    "Horaires": ("opening_hours", "conseillers[].presence"),
    "Conseillers": ("conseillers",),
    "Partenaires": ("partners",),
    "Services locaux": ("local_services",),
    "Locaux": ("premises",),
    "Fréquentation": ("attendance",),
    "Département": ("departement.cantons",),
    "Vérifications": (),
    "Extensions": ("extensions",),
}
"""The structure facts each sheet carries (fact paths, see :class:`fsaudit.inputs.reader.UnreadFact`):
when a sheet cannot be read, they are unread for every structure of the workbook. The
département block is not a structure's own fact, but the canton coverage of its structures
depends on it. « Vérifications » holds answers, not facts: without them a manual check stays
manual."""


@attrs.define
class _Sheet:
    name: str
    spec: SheetSpec
    headers: dict[str, str]
    """Column key → header as typed in the workbook."""
    rows: list[_Row]
    prefix: str
    """The sheet name as written in a reference (quoted when it needs it)."""
    letters: dict[str, str]
    """Column key → column letters, for every mapped column, in the sheet's order."""
    columns: dict[str, int]
    """Column letters → 0-based column, for every mapped column."""
    lines: list[list[Any]]
    """Every row as the library gave it, to quote a typed value in a schema problem."""
    errors: dict[int, dict[str, tuple[str, str]]] = attrs.Factory(dict)
    """Row index → column key → (cell, French reason) of each value of the row that could not be
    read or is missing (already reported); such a key is absent from the row's values."""
    number: int = -1
    """The sheet's number in the cell locator."""
    extras: dict[int, tuple[str, str]] = attrs.Factory(dict)
    """Row index → (cell, French reason) of the first value of the row in a column of a second
    value (« Début 2 »): the sheet's facts are unread for the row's structure."""

    def ref(self, index: int, key: str) -> str:
        """``Sheet!C12`` of the cell of column ``key`` in row ``index``."""
        return f"{self.prefix}!{self.letters[key]}{index + 1}"

    def error(self, index: int, key: str, location: str, reason: str) -> None:
        self.errors.setdefault(index, {}).setdefault(key, (location, reason))


@attrs.frozen
class _NotRead:
    """A sheet of the layout whose rows are not read (no header row, a required column missing):
    where and why, as reported."""

    location: str
    reason: str


@attrs.define
class _State:
    path: str
    problems: list[InputProblem] = attrs.Factory(list)
    headers: dict[tuple[str, str], str] = attrs.Factory(dict)
    """(sheet, column letters) → header of the column, to name the column in schema problems."""

    def problem(self, location: str, message: str, level: str = InputProblem.ERROR) -> None:
        self.problems.append(InputProblem(self.path, location, message, level))


def _ref(sheet: str, row: int, col: int) -> str:
    """0-based row and column → ``Sheet!C12`` (the sheet name quoted when it needs it)."""
    name = sheet if re.fullmatch(r"[\w.]+", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{column_letter(col)}{row + 1}"


class _FreshLists(dict):
    """The value cache of a « modes » column: lists are not shared between rows, each row
    gets its own copy of the list a value read as."""

    def get(self, key: Any, default: Any = None) -> Any:
        found = super().get(key, default)
        return found.copy() if type(found) is list else found


_MARK_COLUMNS = {
    ("Conseillers", "id"),
    ("Partenaires", "operator"),
    ("Services locaux", "name"),
    ("Fréquentation", "month"),
    ("Département", "canton"),
}


def _read_sheet(
    state: _State, name: str, spec: SheetSpec, rows: list[list[Any]], bad: dict[tuple[int, int], str]
) -> _Sheet | _NotRead:
    key_column = spec.columns[0]
    header_index = None
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if any(isinstance(v, str) and header_key(v) in key_column.keys for v in row):
            header_index = index
            break
    if header_index is None:
        where = _ref(name, 0, 0)
        message = (
            f"ligne d'en-têtes introuvable : la feuille « {name} » doit avoir une colonne « {key_column.header} » "
            f"dans ses {_HEADER_SEARCH_ROWS} premières lignes"
        )
        state.problem(where, message)
        return _NotRead(where, message)
    by_key = {k: column for column in spec.columns for k in column.keys}
    mapped: dict[str, tuple[int, Column]] = {}
    headers: dict[str, str] = {}
    unknown: list[tuple[int, str]] = []
    doubled: list[tuple[int, str, str]] = []
    for col, value in enumerate(rows[header_index]):
        if cells.is_empty(value):
            continue
        typed = cells.text(value)
        column = by_key.get(header_key(typed))
        if column is None:
            unknown.append((col, typed))
        elif column.key in mapped:
            doubled.append((col, typed, column.key))
        else:
            mapped[column.key] = (col, column)
            headers[column.key] = typed
    # Columns whose cells hold a fact that is not read: (column, key of the fact, reason, and when
    # this one doubles a column that is read, that column: only where it is empty is the fact lost).
    shadows: list[tuple[int, str, str, int | None]] = []
    for col, typed, key in doubled:
        first = mapped[key][0]
        message = (
            f"colonne « {typed} » en double (déjà en {_ref(name, header_index, first)}) : cette colonne est ignorée"
        )
        state.problem(_ref(name, header_index, col), message)
        shadows.append((col, key, message, first))
    absent = {k: column for column in spec.columns if column.key not in mapped for k in column.keys}
    # Columns of a second value (« Début 2 », « Partenaire 2 »): data not read, sheet facts lost per row.
    extras: list[tuple[int, str]] = []
    for col, typed in unknown:
        where = _ref(name, header_index, col)
        close = closest_name(header_key(typed), absent) if absent else None
        extended = _extended(header_key(typed), spec) if close is None else None
        if extended is not None and extended.key not in mapped:
            close = next(k for k in extended.keys if k in absent)  # « Début matin » without « Début »
        elif extended is not None and _column_holds_values(rows, header_index, col):
            message = _second_value_message(spec, typed, headers[extended.key])
            state.problem(where, message)
            if spec.name in _PER_ROW_FACTS:
                extras.append((col, message))
            else:
                shadows.append((col, extended.key, message, None))
            continue
        if close is None:
            expected = ", ".join(f"« {c.header} »" for c in spec.columns)
            state.problem(
                where, f"colonne « {typed} » inconnue : ignorée (colonnes attendues {expected})", InputProblem.WARNING
            )
            continue
        column = absent[close]
        message = f"colonne « {typed} » inconnue ; attendu « {column.header} » ?"
        state.problem(where, message)
        shadows.append((col, column.key, message, None))
    missing = [column for column in spec.columns if column.required and column.key not in mapped]
    for column in missing:
        state.problem(
            _ref(name, header_index, 0),
            f"colonne obligatoire « {column.header} » absente de la feuille « {name} » : la feuille n'est pas lue",
        )
    if missing:
        return _NotRead(
            _ref(name, header_index, 0),
            f"colonne obligatoire « {missing[0].header} » absente de la feuille « {name} » : la feuille n'est pas lue",
        )
    out: list[_Row] = []
    prefix = _ref(name, 0, 0)[:-3]  # "Sheet!A1" without "!A1"
    letters = {key: column_letter(col) for key, (col, _c) in mapped.items()}
    for key, letter in letters.items():
        state.headers[(prefix, letter)] = headers[key]
    sheet = _Sheet(
        name, spec, headers, out, prefix, letters, {column_letter(col): col for col, _c in mapped.values()}, rows
    )
    extra = sheet.extras
    # One plan entry per mapped column, chosen once: its converter, whether it takes a marker,
    # and a cache of the values already read in it (a national workbook repeats the same hours,
    # months and list labels thousands of times).
    plan = []
    for key, (col, column) in mapped.items():
        if (spec.name, key) in _MARK_COLUMNS:
            mark = frozenset(header_key(m) for m in EMPTY_MARKS), EMPTY
        elif (spec.name, key) == ("Horaires", "start"):
            mark = frozenset(header_key(m) for m in CLOSED_MARKS), CLOSED
        else:
            mark = None
        cache: dict[Any, Any] = _FreshLists() if column.kind == "modes" else {}
        plan.append((key, col, headers[key], cells.converter(column.kind, column.choices), mark, cache))
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        width = len(row)
        values: dict[str, Any] = {}
        filled = False
        for key, col, header, convert, mark, cache in plan:
            if bad:
                problem = bad.get((index, col))
                if problem is not None:
                    where = sheet.ref(index, key)
                    message = f"colonne « {header} » : {problem}"
                    state.problem(where, message)
                    sheet.error(index, key, where, message)
                    filled = True
                    continue
            raw = row[col] if col < width else None
            if raw is None or raw == "":
                continue
            probe = raw if type(raw) is str else (type(raw), raw)
            cached = cache.get(probe, _MISS)
            if cached is _MISS:
                if cells.is_empty(raw):
                    cached = _BLANK
                elif mark is not None and isinstance(raw, str) and header_key(raw) in mark[0]:
                    cached = mark[1]
                else:
                    try:
                        cached = convert(raw)
                    except cells.CellError as exc:
                        filled = True
                        where = sheet.ref(index, key)
                        message = f"colonne « {header} » : {exc}"
                        state.problem(where, message)
                        sheet.error(index, key, where, message)
                        continue
                cache[probe] = cached
            if cached is _BLANK:
                continue
            filled = True
            values[key] = cached
        if extras:
            for col, reason in extras:
                if col < width and not cells.is_empty(row[col]):
                    filled = True
                    if index not in extra:
                        extra[index] = (_ref(name, index, col), reason)
        if shadows:
            for col, key, reason, first in shadows:
                raw = row[col] if col < width else None
                if cells.is_empty(raw) or (first is not None and first < width and not cells.is_empty(row[first])):
                    continue  # nothing there, or the column that is read has the value
                filled = True
                sheet.error(index, key, _ref(name, index, col), reason)
                values.pop(key, None)
        if filled:
            out.append((index, values))
    return sheet


_ONE_PER_ROW = {
    "Horaires": "une ligne par créneau (un jour ouvert le matin et l'après-midi a deux lignes)",
    "Conseillers": "une ligne par conseiller",
    "Partenaires": "une ligne par partenaire",
    "Services locaux": "une ligne par service",
    "Fréquentation": "une ligne par mois",
    "Département": "une ligne par canton",
    "Vérifications": "une ligne par vérification",
    "Extensions": "une ligne par fait",
}
"""What to do with a second value of a column, by sheet (Structures and Locaux: one row per structure)."""
_PER_ROW_FACTS = frozenset(
    ("Horaires", "Conseillers", "Partenaires", "Services locaux", "Locaux", "Fréquentation", "Extensions")
)
"""Sheets joined to a structure by each row: a row with a value in a column of a second value
makes that sheet's facts unread for its structure. In the others (Structures, Département,
Vérifications), the value of the column it repeats is unread for the row."""


def _extended(folded: str, spec: SheetSpec) -> Column | None:
    """The column whose header or alias ``folded`` repeats with more words or a number
    (« debut 2 », « debut apres midi », « partenaire 2 »): the longest such, or ``None``."""
    found = [(len(k), column) for column in spec.columns for k in column.keys if folded.startswith(k + " ")]
    return max(found, key=lambda item: item[0])[1] if found else None


def _column_holds_values(rows: list[list[Any]], header_index: int, col: int) -> bool:
    return any(col < len(row) and not cells.is_empty(row[col]) for row in rows[header_index + 1 :])


def _second_value_message(spec: SheetSpec, typed: str, header: str) -> str:
    """The error of a column holding a second value of column ``header``: what to do instead."""
    advice = _ONE_PER_ROW.get(spec.name)
    if advice is None:
        what = f"une structure a une seule valeur « {header} », à saisir dans la colonne « {header} »"
    else:
        what = f"la colonne « {header} » prend une seule valeur par ligne ; saisir {advice}"
    return f"colonne « {typed} » non lue : {what}, puis supprimer cette colonne"


def _holds_data(rows: list[list[Any]]) -> bool:
    return any(not cells.is_empty(value) for row in rows for value in row)


def _header(sheet: _Sheet, key: str) -> str:
    return sheet.headers.get(key) or sheet.spec.column(key).header


def _missing(state: _State, sheet: _Sheet, index: int, key: str) -> tuple[str, str]:
    """Where and why a required value of a row is not there: its cell could not be read (already
    reported), or it is empty (reported now as « valeur obligatoire manquante »)."""
    found = sheet.errors.get(index, {}).get(key)
    if found is not None:
        return found
    where = sheet.ref(index, key if key in sheet.letters else sheet.spec.columns[0].key)
    message = f"colonne « {_header(sheet, key)} » : valeur obligatoire manquante"
    state.problem(where, message)
    sheet.error(index, key, where, message)
    return where, message


def _is_example(sid: Any) -> bool:
    return isinstance(sid, str) and sid.upper() == EXAMPLE_ID


_STRUCTURE_FIELDS: dict[str, PathParts] = {
    "street": ("address", "street"),
    "complement": ("address", "complement"),
    "postal_code": ("address", "postal_code"),
    "city": ("address", "city"),
    "latitude": ("coordinates", "latitude"),
    "longitude": ("coordinates", "longitude"),
    "gestionnaire_kind": ("gestionnaire", "kind"),
    "gestionnaire_name": ("gestionnaire", "name"),
    "label_status": ("label", "status"),
    "label_date": ("label", "date"),
}
_GROUP_ANCHOR = {
    "address": "street",
    "coordinates": "latitude",
    "gestionnaire": "gestionnaire_kind",
    "label": "label_status",
}


@functools.cache
def _code_pattern() -> str:
    """The pattern of a département code in the declaration schema."""
    return declaration_schema()["$defs"]["departement"]["properties"]["code"]["pattern"]


@functools.cache
def _required(definition: str) -> frozenset[str]:
    """The fields an object of the declaration schema cannot be without (``label``: status)."""
    return frozenset(declaration_schema()["$defs"][definition].get("required", ()))


_UNJOINED = (
    "identifiant absent ou illisible : les lignes des autres feuilles ne peuvent pas être rattachées à cette structure"
)


class _Builder:
    """Assembles the JSON-shaped declaration from the parsed sheets.

    What a sheet holds but cannot be attached or read becomes an :class:`UnreadFact` of the
    structures it may belong to (``unread``, by structure index); no structure is left out.
    """

    def __init__(self, state: _State) -> None:
        self.state = state
        self.structures: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        """Identifier → structure index, for identifiers carried by one row of Structures."""
        self.ambiguous: dict[str, list[int]] = {}
        """Identifier carried by several rows of Structures → their structure indices."""
        self.unjoined: list[tuple[int, str]] = []
        """Structures without a readable identifier, and the cell of that identifier."""
        self.unread: dict[int, list[UnreadFact]] = {}
        self.cells: dict[PathParts, str] = {}
        self.rows: dict[PathParts, _Node] = {}
        self.conseiller_rows: dict[int, list[_Row]] = {}
        self.example: list[tuple[str, int, str]] = []
        """Rows of the template's example structure, skipped: (sheet, row, cell)."""
        self.departement_lost: list[tuple[str, str]] = []
        self._said: set[tuple[int, str]] = set()
        self._said_everywhere: set[tuple[str, str]] = set()

    def lose(self, k: int, field: str, location: str, reason: str) -> None:
        """Record a fact of structure ``k`` that the workbook holds but that is not read."""
        self.unread.setdefault(k, []).append(UnreadFact(field, location, reason))

    def example_row(self, sheet: _Sheet, index: int) -> None:
        self.example.append((sheet.name, index, sheet.ref(index, sheet.spec.columns[0].key)))

    # --- Structures ---------------------------------------------------------------------

    def structures_sheet(self, sheet: _Sheet) -> None:
        lines: dict[str, list[int]] = {}
        for index, values in sheet.rows:
            sid = values.get("id")
            if sid is not None:
                lines.setdefault(sid, []).append(index)
        table: dict[PathParts, str] = {_STRUCTURE_FIELDS.get(key, (key,)): key for key in sheet.letters}
        table.update({(group,): anchor for group, anchor in _GROUP_ANCHOR.items() if anchor in sheet.letters})
        errors = sheet.errors
        for index, values in sheet.rows:
            sid = values.get("id")
            if _is_example(sid):
                self.example_row(sheet, index)
                continue
            k = len(self.structures)
            self.rows[("structures", k)] = (sheet.number, index, "id", table, None)
            data: dict[str, Any] = {}
            for key, value in values.items():
                sub = _STRUCTURE_FIELDS.get(key)
                if sub is None:
                    data[key] = value
                else:
                    data.setdefault(sub[0], {})[sub[1]] = value
            self.structures.append(data)
            bad = errors.get(index)
            if bad:
                for key, (where, reason) in bad.items():
                    if key in ("id", "name"):
                        continue  # validation gives a provisional one and says so
                    sub = _STRUCTURE_FIELDS.get(key)
                    if sub is not None and sub[1] in _required(sub[0]):  # no such group without it
                        data.pop(sub[0], None)
                        self.lose(k, sub[0], where, reason)
                    else:
                        self.lose(k, ".".join(sub or (key,)), where, reason)
            if sid is None:
                where, _reason = _missing(self.state, sheet, index, "id")
                self.unjoined.append((k, where))
                continue
            same = lines[sid]
            if len(same) == 1:
                self.index[sid] = k
                continue
            self.ambiguous.setdefault(sid, []).append(k)
            if index != same[0]:
                self.state.problem(
                    sheet.ref(index, "id"),
                    f"colonne « {_header(sheet, 'id')} » : identifiant « {sid} » déjà utilisé ligne {same[0] + 1} ; "
                    "attendu un identifiant unique dans le classeur : les lignes des autres feuilles qui portent cet "
                    "identifiant ne sont rattachées à aucune de ces structures",
                )

    def _owner(self, sheet: _Sheet, index: int, values: dict[str, Any]) -> int | None:
        """The structure index of a row of another sheet, or ``None``.

        ``None`` for a row of the template's example (skipped, said once for the workbook), a
        row whose identifier several structures carry (the sheet's facts are unread for each of
        them), and a row whose identifier is missing or not in Structures (reported). The two
        big joins (list sheets, Horaires) look the identifier up themselves and only call this
        for a row whose identifier is not found.
        """
        sid = values.get("structure_id")
        k = self.index.get(sid)
        if k is not None:
            return k
        header = _header(sheet, "structure_id")
        if sid is None:
            _missing(self.state, sheet, index, "structure_id")
            suspect = self._suspect(None)
            where = sheet.ref(index, "structure_id")
            if suspect is not None:
                self._lose_sheet(suspect[1], sheet, where, f"ligne de la feuille « {sheet.name} » sans identifiant")
            else:
                self._lose_everywhere(sheet, where, f"ligne de la feuille « {sheet.name} » sans identifiant")
        elif _is_example(sid):
            self.example_row(sheet, index)
        elif sid in self.ambiguous:
            where = sheet.ref(index, "structure_id")
            facts = _SHEET_FACTS[sheet.spec.name]
            if not facts:
                self.state.problem(
                    where,
                    f"colonne « {header} » : identifiant « {sid} » porté par plusieurs lignes de la feuille "
                    "Structures : la ligne n'est rattachée à aucune d'elles",
                )
            reason = (
                f"identifiant « {sid} » porté par plusieurs lignes de la feuille Structures : les lignes de la "
                f"feuille « {sheet.name} » qui le portent ne sont rattachées à aucune d'elles"
            )
            for k in self.ambiguous[sid]:
                if (k, sheet.spec.name) not in self._said:
                    self._said.add((k, sheet.spec.name))
                    for field in facts:
                        self.lose(k, field, where, reason)
        else:
            where = sheet.ref(index, "structure_id")
            suspect = self._suspect(sid)
            hint = f" ; voulez-vous dire « {suspect[0]} » ?" if suspect is not None and len(self.index) > 1 else ""
            self.state.problem(
                where, f"colonne « {header} » : identifiant « {sid} » absent de la feuille Structures{hint}"
            )
            reason = f"ligne de la feuille « {sheet.name} » à l'identifiant « {sid} » inconnu"
            if suspect is not None:
                self._lose_sheet(suspect[1], sheet, where, reason)
            else:
                self._lose_everywhere(sheet, where, reason)
        return None

    def _suspect(self, sid: str | None) -> tuple[str, int] | None:
        """The structure a row with an unknown identifier was most likely meant for: the only
        one of the workbook, the one whose identifier is the same number (« 002 » for « 2 »), or
        the one whose identifier is close (« S-01 » for « S-1 »). Its
        facts from that sheet are then unread rather than judged without the row."""
        if len(self.index) == 1:
            ((only, k),) = self.index.items()
            return only, k
        if sid is None:
            return None
        if sid.isdigit():  # « 2 » typed as a number where Structures has « 002 »
            same = [known for known in self.index if known.isdigit() and int(known) == int(sid)]
            if len(same) == 1:
                return same[0], self.index[same[0]]
        close = closest_name(sid, self.index, cutoff=0.8)
        return (close, self.index[close]) if close is not None else None

    def _lose_everywhere(self, sheet: _Sheet, where: str, reason: str) -> None:
        """A row of ``sheet`` whose structure cannot be told (no identifier, an unknown one, in a
        workbook of several structures): it may be any structure's, so the sheet's facts are
        unread for every structure (said once per structure and sheet, at the first such row),
        rather than judged without the row (a merged identifier cell, an identifier typed on the
        first row of a block only, a name typed for the identifier)."""
        key = ("*", sheet.spec.name)
        if key in self._said_everywhere:
            return
        self._said_everywhere.add(key)
        reason += " : elle peut être celle de n'importe quelle structure du classeur"
        for k in range(len(self.structures)):
            self._lose_sheet(k, sheet, where, reason)

    def _lose_sheet(self, k: int, sheet: _Sheet, where: str, reason: str) -> None:
        for field in _SHEET_FACTS[sheet.spec.name]:
            self.lose(k, field, where, reason)

    def second_values(self, sheet: _Sheet) -> None:
        """Rows holding a value in a column of a second value (« Début 2 »): the sheet's facts
        are unread for the row's structure (said once per structure, at its first such row).
        A row of no known structure was reported, and its facts lost, when it was joined."""
        said: set[int] = set()
        owners = self.index
        for index, values in sheet.rows:
            found = sheet.extras.get(index)
            if found is None:
                continue
            k = owners.get(values.get("structure_id"))
            if k is None or k in said:
                continue
            said.add(k)
            self._lose_sheet(k, sheet, *found)

    # --- list sheets ---------------------------------------------------------------------

    def list_sheet(self, sheet: _Sheet, field: str, key: str, keys: Sequence[str], definition: str) -> None:
        """Conseillers, Partenaires, Services locaux, Fréquentation: one item per row.

        A row whose key cell (Conseiller, Partenaire…) or another value an item cannot be
        without (a month's Accompagnements) is missing or unreadable makes the whole list unread
        and is left out; another unreadable cell makes that value of its item unread
        (``conseillers[0].fte``).
        """
        required = _required(definition)
        items: dict[int, list[_Row]] = {}
        empty: dict[int, int] = {}
        # A row's values are in the sheet's column order: when that is the order of ``keys``
        # (as in the template), an item is the row's values less the structure's identifier.
        in_order = [c for c in sheet.letters if c != "structure_id"] == [c for c in keys if c in sheet.letters]
        owners = self.index
        errors = sheet.errors
        for index, values in sheet.rows:
            k = owners.get(values.get("structure_id"))
            if k is None:
                self._owner(sheet, index, values)  # reports why
                continue
            marker = values.get(key)
            if marker is EMPTY:
                others = [c for c in keys if c != key and (c in values or c in errors.get(index, ()))]
                if others:
                    where = sheet.ref(index, key)
                    message = (
                        f"colonne « {_header(sheet, key)} » : « {EMPTY_MARK} » déclare une liste vide, mais la "
                        f"ligne remplit aussi « {_header(sheet, others[0])} »"
                    )
                    self.state.problem(where, message)
                    self.lose(k, field, where, message)
                empty.setdefault(k, index)
                continue
            if key not in values:
                where, reason = _missing(self.state, sheet, index, key)
                self.lose(k, field, where, reason)
                continue
            bad = errors.get(index)
            if bad and not required.isdisjoint(bad):
                for c in sorted(required.intersection(bad), key=keys.index):
                    self.lose(k, field, *bad[c])
                continue
            if in_order:
                data = values.copy()
                del data["structure_id"]
            else:
                data = {c: values[c] for c in keys if c in values}
            entries = items.get(k)
            if entries is None:
                items[k] = [(index, data)]
            else:
                entries.append((index, data))
        number = sheet.number
        for k, index in empty.items():
            if k in items:
                where = sheet.ref(index, key)
                message = (
                    f"colonne « {_header(sheet, key)} » : « {EMPTY_MARK} » déclare une liste vide, mais la "
                    f"structure a d'autres lignes dans la feuille « {sheet.name} »"
                )
                self.state.problem(where, message)
                self.lose(k, field, where, message)
            else:
                self.structures[k][field] = []
                self.rows[("structures", k, field)] = (number, index, key, None, None)
        table: dict[PathParts, str] = {(c,): c for c in keys if c in sheet.letters}
        rows = self.rows
        for k, entries in items.items():
            self.structures[k][field] = [data for _index, data in entries]
            rows[("structures", k, field)] = (number, entries[0][0], key, table, [index for index, _data in entries])
            if field == "conseillers":
                self.conseiller_rows[k] = entries
                self._doubled_conseillers(sheet, k, entries)
            if errors:
                for n, (index, _data) in enumerate(entries):
                    for c, (where, reason) in errors.get(index, {}).items():
                        self.lose(k, f"{field}[{n}].{c}", where, reason)

    def _doubled_conseillers(self, sheet: _Sheet, k: int, entries: list[_Row]) -> None:
        """A conseiller identifier on two rows of one structure: an error at the second row's cell;
        that item is unread (one conseiller or two, and which values, cannot be told)."""
        first: dict[Any, int] = {}
        for n, (index, data) in enumerate(entries):
            cid = data.get("id")
            if cid not in first:
                first[cid] = index
                continue
            where = sheet.ref(index, "id")
            message = (
                f"colonne « {_header(sheet, 'id')} » : conseiller « {cid} » déjà déclaré ligne {first[cid] + 1} "
                "pour cette structure ; attendu une ligne par conseiller, chacun sous son propre identifiant"
            )
            self.state.problem(where, message)
            self.lose(k, f"conseillers[{n}]", where, message)

    def locaux_sheet(self, sheet: _Sheet) -> None:
        seen: dict[int, int] = {}
        table: dict[PathParts, str] = {(c,): c for c in sheet.letters if c != "structure_id"}
        for index, values in sheet.rows:
            k = self._owner(sheet, index, values)
            if k is None:
                continue
            if k in seen:
                where = sheet.ref(index, "structure_id")
                message = (
                    f"colonne « {_header(sheet, 'structure_id')} » : la structure a déjà une ligne de locaux "
                    f"(ligne {seen[k] + 1}) : une seule ligne par structure"
                )
                self.state.problem(where, message)
                self.lose(k, "premises", where, message)
                continue
            seen[k] = index
            self.rows[("structures", k, "premises")] = (sheet.number, index, "structure_id", table, None)
            self.structures[k]["premises"] = {c: v for c, v in values.items() if c != "structure_id"}
            for c, (where, reason) in sheet.errors.get(index, {}).items():
                self.lose(k, f"premises.{c}", where, reason)

    def horaires_sheet(self, sheet: _Sheet, *, conseillers_lost: bool = False) -> None:
        """Opening hours and presences. An unreadable time makes its day unread
        (``opening_hours.monday``); an unreadable day or conseiller, the whole week. When the
        Conseillers sheet is not read (``conseillers_lost``: its facts, presences included, are
        unread for every structure), the rows of a conseiller named on several rows are left out
        without a problem of their own; a conseiller named once is read as an unknown one."""
        weeks: dict[tuple[int, int | None], dict[str, list[dict[str, str]]]] = {}
        closed: dict[tuple[int, int | None, str], int] = {}
        opened: dict[tuple[int, int | None, str], int] = {}
        number = sheet.number
        rows = self.rows
        start_key = "start" if "start" in sheet.letters else "day"
        table: dict[PathParts, str] = {("start",): start_key, ("end",): "end" if "end" in sheet.letters else "day"}
        owners = self.index
        errors = sheet.errors
        # With the Conseillers sheet not read, a conseiller named on several rows of a structure is
        # a schedule; one named once may be a stray value on a row of opening hours (as an unknown
        # conseiller is when the sheet is read): its day is unread.
        schedules: Counter[tuple[int | None, Any]] = Counter(
            (owners.get(values.get("structure_id")), values.get("conseiller"))
            for _index, values in sheet.rows
            if conseillers_lost and values.get("conseiller") is not None
        )
        for index, values in sheet.rows:
            k = owners.get(values.get("structure_id"))
            if k is None:
                self._owner(sheet, index, values)  # reports why
                continue
            bad = errors.get(index) or {}
            who: int | None = None
            week_field = "opening_hours"
            if "conseiller" in bad:  # opening hours or a presence: cannot be said
                where, reason = bad["conseiller"]
                self.lose(k, "opening_hours", where, reason)
                self.lose(k, "conseillers[].presence", where, reason)
                continue
            conseiller = values.get("conseiller")
            if conseiller is not None and conseillers_lost and schedules[(k, conseiller)] > 1:
                continue  # a schedule of several rows: a presence, unread with the Conseillers sheet
            if conseiller is not None:
                entries = self.conseiller_rows.get(k, [])
                matches = [n for n, (_index, data) in enumerate(entries) if data.get("id") == conseiller]
                header = _header(sheet, "conseiller")
                where = sheet.ref(index, "conseiller")
                if not matches:  # a mistyped presence, or opening hours with a stray Conseiller: both unread
                    message = (
                        f"colonne « {header} » : conseiller « {conseiller} » absent de la feuille Conseillers "
                        "pour cette structure"
                    )
                    self.state.problem(where, message)
                    day = values.get("day")
                    self.lose(k, "opening_hours" if day is None else f"opening_hours.{day}", where, message)
                    self.lose(k, "conseillers[].presence", where, message)
                    continue
                if len(matches) > 1:
                    lines = ", ".join(str(entries[n][0] + 1) for n in matches)
                    message = (
                        f"colonne « {header} » : conseiller « {conseiller} » ambigu : plusieurs lignes de la "
                        f"feuille Conseillers (lignes {lines}) portent cet identifiant"
                    )
                    self.state.problem(where, message)
                    for n in matches:
                        self.lose(k, f"conseillers[{n}].presence", where, message)
                    continue
                who = matches[0]
                week_field = f"conseillers[{who}].presence"
            day = values.get("day")
            if day is None:
                where, reason = _missing(self.state, sheet, index, "day")
                self.lose(k, week_field, where, reason)
                continue
            day_field = f"{week_field}.{day}"
            unreadable = [bad[c] for c in ("start", "end") if c in bad]
            if unreadable:
                for where, reason in unreadable:
                    self.lose(k, day_field, where, reason)
                continue
            start = values.get("start")
            if start is CLOSED and "end" in values:
                where = sheet.ref(index, "end")
                message = (
                    f"colonne « {_header(sheet, 'end')} » : le jour est déclaré « {CLOSED_MARK} » : laissez la fin vide"
                )
                self.state.problem(where, message)
                self.lose(k, day_field, where, message)
                continue
            if start is not CLOSED and (start is None or "end" not in values):
                for c in ("start", "end"):
                    if values.get(c) is None:
                        where, message = self._empty_time(sheet, index, c)
                        self.lose(k, day_field, where, message)
                continue
            base: PathParts = (
                ("structures", k, "opening_hours") if who is None else ("structures", k, "conseillers", who, "presence")
            )
            week = weeks.get((k, who))
            if week is None:
                week = weeks[(k, who)] = {}
                rows[base] = (number, index, "day", None, None)
            at_day = (*base, day)
            day_node = rows.get(at_day)
            if day_node is None:
                day_node = rows[at_day] = (number, index, "day", table, [])
            if start is CLOSED:
                closed.setdefault((k, who, day), index)
                continue
            ranges = week.get(day)
            if ranges is None:
                ranges = week[day] = []
            item = {}
            if start is not None:
                item["start"] = start
            end = values.get("end")
            if end is not None:
                item["end"] = end
            ranges.append(item)
            day_node[4].append(index)  # the row of range n of the day
            opened.setdefault((k, who, day), index)
        for (k, who, day), index in closed.items():
            if (k, who, day) in opened:
                where = sheet.ref(index, start_key)
                message = (
                    f"colonne « {_header(sheet, 'start')} » : {cells.CHOICES['jour'][day][0]} déclaré "
                    f"« {CLOSED_MARK} » et ouvert ligne {opened[(k, who, day)] + 1}"
                )
                self.state.problem(where, message)
                week_field = "opening_hours" if who is None else f"conseillers[{who}].presence"
                self.lose(k, f"{week_field}.{day}", where, message)
        for (k, who), week in weeks.items():
            if who is None:
                self.structures[k]["opening_hours"] = week
            else:
                self.structures[k]["conseillers"][who]["presence"] = week

    def _empty_time(self, sheet: _Sheet, index: int, key: str) -> tuple[str, str]:
        """Report the missing start or end of a range of Horaires, at its empty cell (or, without
        such a column, at the day's): where and why."""
        header = _header(sheet, key)
        what = "début" if key == "start" else "fin"
        example = "9h" if key == "start" else "12h"
        if key in sheet.letters:
            where = sheet.ref(index, key)
            message = f"colonne « {header} » vide ; attendu l'heure de {what} du créneau, par exemple {example}"
        else:
            where = sheet.ref(index, "day")
            message = (
                f"colonne « {header} » absente ; attendu l'heure de {what} du créneau dans une colonne « {header} »"
            )
        self.state.problem(where, message)
        return where, message

    def departement_sheet(self, sheet: _Sheet, *, example: bool) -> dict[str, Any] | None:
        """The département block, or ``None`` when there is none or it cannot be read whole
        (then ``departement_lost`` says where and why: the canton coverage is not judged)."""
        listed = sheet.rows
        if example:  # the template's example block, left with its structure
            expected = _example_departement_rows(sheet)
            kept = []
            for index, values in listed:
                if values in expected:
                    expected.remove(values)
                    self.example_row(sheet, index)
                else:
                    kept.append((index, values))
            listed = kept
        if not listed:
            return None
        lost = self.departement_lost
        for index, _values in listed:
            lost.extend(sheet.errors.get(index, {}).values())
        if lost:
            return None
        block: dict[str, Any] = {}
        cantons: list[dict[str, Any]] = []
        empty_row: int | None = None
        code_row: int | None = None
        name_row: int | None = None
        letters = sheet.letters
        for index, values in listed:
            code = values.get("code")
            if code is not None:
                if code_row is None:
                    code_row = index
                    block["code"] = code
                elif code != block["code"]:
                    where = sheet.ref(index, "code")
                    message = (
                        f"colonne « {_header(sheet, 'code')} » : « {code} » diffère du département "
                        f"« {block['code']} » de la ligne {code_row + 1} : un seul département par classeur"
                    )
                    self.state.problem(where, message)
                    lost.append((where, message))
                    return None
            name = values.get("name")
            if name is not None:
                if name_row is None:
                    name_row = index
                    block["name"] = name
                elif name != block["name"]:
                    where = sheet.ref(index, "name")
                    message = (
                        f"colonne « {_header(sheet, 'name')} » : « {name} » diffère du nom « {block['name']} » "
                        f"de la ligne {name_row + 1}"
                    )
                    self.state.problem(where, message)
                    lost.append((where, message))
                    return None
            canton = values.get("canton")
            if canton is EMPTY:
                empty_row = index
                continue
            if canton is not None or "canton_name" in values:
                n = len(cantons)
                entry = {}
                if canton is not None:
                    entry["code"] = canton
                if "canton_name" in values:
                    entry["name"] = values["canton_name"]
                cantons.append(entry)
                self.cells[("departement", "cantons", n)] = sheet.ref(
                    index, "canton" if "canton" in letters else "code"
                )
                for c, field in (("canton", "code"), ("canton_name", "name")):
                    if c in letters:
                        self.cells[("departement", "cantons", n, field)] = sheet.ref(index, c)
        first = listed[0][0]
        if code_row is None:
            lost.append(_missing(self.state, sheet, first, "code"))
            return None
        if not re.fullmatch(_code_pattern(), block["code"]):
            where = sheet.ref(code_row, "code")
            message = (
                f"colonne « {_header(sheet, 'code')} » : « {block['code']} » n'est pas un code de département ; "
                "attendu un code INSEE : 01 à 95, 2A, 2B, 971 à 989"
            )
            self.state.problem(where, message)
            lost.append((where, message))
            return None
        self.cells[("departement",)] = sheet.ref(code_row, "code")
        self.cells[("departement", "code")] = sheet.ref(code_row, "code")
        if "name" in letters:
            self.cells[("departement", "name")] = sheet.ref(first if name_row is None else name_row, "name")
        if empty_row is not None and cantons:
            where = sheet.ref(empty_row, "canton")
            message = (
                f"colonne « {_header(sheet, 'canton')} » : « {EMPTY_MARK} » déclare une liste vide, mais "
                "d'autres lignes déclarent des cantons"
            )
            self.state.problem(where, message)
            lost.append((where, message))
            return None
        if cantons:
            block["cantons"] = cantons
            self.cells[("departement", "cantons")] = self.cells[("departement", "cantons", 0)]
        elif empty_row is not None:
            block["cantons"] = []
            self.cells[("departement", "cantons")] = sheet.ref(empty_row, "canton")
        return block

    def verifications_sheet(self, sheet: _Sheet) -> list[ManualAnswer]:
        """The auditor's answers. A row with an unreadable or missing cell is reported at each
        such cell, like any sheet, and not applied."""
        answers: list[ManualAnswer] = []
        seen: dict[tuple[str, str], int] = {}
        for index, values in sheet.rows:
            if _is_example(values.get("structure_id")):
                self.example_row(sheet, index)
                continue
            complete = index not in sheet.errors
            for c in ("rule", "result", "evidence", "auditor", "date"):
                if c not in values:
                    _missing(self.state, sheet, index, c)
                    complete = False
            if self._owner(sheet, index, values) is None or not complete:
                continue
            key = (values["structure_id"], values["rule"])
            if key in seen:
                # Which answer the auditor stands by cannot be told: neither is applied.
                self.state.problem(
                    sheet.ref(index, "rule"),
                    f"colonne « {_header(sheet, 'rule')} » : la règle {key[1]} de la structure « {key[0]} » est déjà "
                    f"vérifiée ligne {seen[key] + 1} : aucune des réponses n'est appliquée, la règle reste à "
                    "vérifier ; n'en garder qu'une",
                )
                answers = [a for a in answers if (a.structure_id, a.rule) != key]
                continue
            seen[key] = index
            answers.append(
                ManualAnswer(
                    structure_id=key[0],
                    rule=key[1],
                    status=values["result"],
                    evidence=values["evidence"],
                    auditor=values["auditor"],
                    date=_dt.date.fromisoformat(values["date"]),
                    location=sheet.ref(index, "result"),
                )
            )
        return answers

    def extensions_sheet(self, sheet: _Sheet) -> None:
        """Plugins' extension facts, one per row: the Valeur becomes
        ``extensions.<Espace>.<Champ>`` of the row's structure, located at its cell.

        A missing or unreadable cell is reported at its cell, and what the row may have declared
        is unread: every extension fact of the structure (no Espace), the namespace (no Champ),
        the fact (no Valeur). Two rows for one fact: an error at the second, and the fact is
        unread, neither value being chosen.
        """
        number = sheet.number
        rows = self.rows
        first: dict[tuple[int, str, str], int] = {}
        facts: dict[tuple[int, str, str], Any] = {}
        dropped: set[tuple[int, str, str]] = set()
        for index, values in sheet.rows:
            k = self._owner(sheet, index, values)
            if k is None:
                continue
            lacking = [
                (c, _missing(self.state, sheet, index, c)) for c in ("namespace", "field", "value") if c not in values
            ]
            if ("structures", k, "extensions") not in rows:
                rows[("structures", k, "extensions")] = (number, index, "namespace", None, None)
            if lacking and lacking[0][0] == "namespace":
                self.lose(k, "extensions", *lacking[0][1])
                continue
            ns = values["namespace"]
            namespaces = self.structures[k].setdefault("extensions", {})
            if ns not in namespaces:
                namespaces[ns] = {}
                rows[("structures", k, "extensions", ns)] = (number, index, "namespace", None, None)
            if lacking and lacking[0][0] == "field":
                self.lose(k, f"extensions.{ns}", *lacking[0][1])
                continue
            field = values["field"]
            key = (k, ns, field)
            fact = f"extensions.{ns}.{field}"
            if key in first:
                where = sheet.ref(index, "field")
                message = (
                    f"colonne « {_header(sheet, 'field')} » : le fait « {ns}.{field} » de la structure "
                    f"« {values['structure_id']} » est déjà déclaré ligne {first[key] + 1} : une seule ligne par "
                    "fait ; aucune de ses valeurs n'est lue"
                )
                self.state.problem(where, message)
                self.lose(k, fact, where, message)
                dropped.add(key)
                continue
            first[key] = index
            rows[("structures", k, "extensions", ns, field)] = (number, index, "value", None, None)
            if lacking:
                self.lose(k, fact, *lacking[0][1])
                dropped.add(key)
                continue
            facts[key] = values["value"]
        for key, value in facts.items():
            if key not in dropped:
                k, ns, field = key
                self.structures[k]["extensions"][ns][field] = value

    # --- what could not be attached --------------------------------------------------------

    def finish(self, lost: Sequence[tuple[SheetSpec, str, str]], present: Sequence[str], order: dict[str, int]) -> None:
        """Unread facts of the sheets that could not be read, of the département block, of the
        structures without identifier; the warning about the template's example."""
        count = len(self.structures)
        for spec, where, reason in lost:
            for field in _SHEET_FACTS[spec.name]:
                for k in range(count):
                    self.lose(k, field, where, reason)
        for where, reason in self.departement_lost:
            for k in range(count):
                self.lose(k, "departement.cantons", where, reason)
        joined = [name for name in present if name != "Département"]
        for k, where in self.unjoined:
            for name in joined:
                for field in _SHEET_FACTS[name]:
                    self.lose(k, field, where, _UNJOINED)
        if self.example:
            rows = sorted(self.example, key=lambda row: (order.get(row[0], len(order)), row[1]))
            sheets = ", ".join(dict.fromkeys(name for name, _index, _where in rows))
            self.state.problem(
                rows[0][2],
                f"structure d'exemple « {EXAMPLE_ID} » du modèle ignorée, elle n'est pas auditée : supprimez ses "
                f"lignes des feuilles {sheets} (ou créez le modèle sans exemple : fsaudit template --sans-exemple)",
                InputProblem.WARNING,
            )


def _example_departement_rows(sheet: _Sheet) -> list[dict[str, Any]]:
    """The rows the template writes for its example département, as read in ``sheet``."""
    keys = [column.key for column in DEPARTEMENT.columns]
    out = []
    for line in declaration_rows(Declaration((), EXAMPLE_DEPARTEMENT))["Département"]:
        out.append({k: v for k, v in zip(keys, line, strict=True) if v is not None and k in sheet.letters})
    return out


_LIST_SHEETS = {
    "Conseillers": ("conseillers", "id", ("id", "fte", "training_date", "training_days", "start_date"), "conseiller"),
    "Partenaires": ("partners", "operator", ("operator", "modes", "referent"), "partner"),
    "Services locaux": ("local_services", "name", ("name", "category", "provider"), "local_service"),
    "Fréquentation": ("attendance", "month", ("month", "accompaniments"), "attendance"),
}
"""Sheet → the structure's list, its key column, its item's columns, and the item's schema."""


def _open(path: Path, state: _State) -> tuple[Any, BadCells] | None:
    from python_calamine import CalamineWorkbook

    name = str(path)
    try:
        check_archive(path)  # before any library inflates a member
        opened = input_source(path)
        workbook = (
            CalamineWorkbook.from_path(opened) if isinstance(opened, str) else CalamineWorkbook.from_filelike(opened)
        )
    except UnsafeArchive as exc:
        state.problem("fichier", str(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for a bad file
        message = describe_error(exc, path)
        if not message.startswith("classeur protégé"):
            message = f"classeur illisible ({message}) : attendu un fichier .xlsx, .xlsm ou .ods"
        state.problem("fichier", message)
        return None
    try:
        scan = ods_bad_cells if name.lower().endswith(".ods") else xlsx_bad_cells
        bad = scan(input_source(path))
    except UnsafeArchive as exc:
        state.problem("fichier", str(exc))
        return None
    except Exception as exc:  # noqa: BLE001
        state.problem("fichier", f"contrôle des formules impossible ({describe_error(exc)})")
        bad = {}
    return workbook, bad


def _roles(
    state: _State, names: Sequence[str]
) -> tuple[dict[str, str], list[tuple[SheetSpec, str, str]], dict[str, str]]:
    """Which sheet plays which role of the layout (``{"Horaires": "horaires"}``), the sheets
    that hold data of the layout but are not read: a misspelt name (« Horaire »), a name with
    more words (« Fréquentation mensuelle »), a second sheet for one role; and, by role, the
    sheet of more words that looks like it. A sheet whose name resembles none of the layout is
    ignored with a warning."""
    known = sheet_by_key()
    ignored = {header_key(n) for n in IGNORED_SHEETS}
    roles: dict[str, str] = {}
    lost: list[tuple[SheetSpec, str, str]] = []
    lookalikes: dict[str, str] = {}
    unknown: list[str] = []
    for name in names:
        folded = header_key(name)
        spec = known.get(folded)
        if spec is None:
            if folded not in ignored:
                unknown.append(name)
            continue
        if spec.name in roles:
            where = _ref(name, 0, 0)
            message = f"feuille « {name} » ignorée : la feuille « {roles[spec.name]} » tient déjà ce rôle"
            state.problem(where, message)
            lost.append((spec, where, message))
            continue
        roles[spec.name] = name
    absent = {n: spec for spec in SHEETS if spec.name not in roles for n in (spec.name, *spec.aliases)}
    for name in unknown:
        if not name:  # a crafted file: no spreadsheet saves a sheet without a name
            state.problem("fichier", "feuille sans nom : ignorée", InputProblem.WARNING)
            continue
        where = _ref(name, 0, 0)
        close = closest_name(name, absent) if absent else None
        if close is None:
            renamed = _lookalike(name, [spec for spec in SHEETS if spec.name not in roles])
            if renamed is not None:
                message = (
                    f"feuille « {name} » non lue : la feuille attendue s'appelle « {renamed.name} » ; "
                    "renommer la feuille"
                )
                state.problem(where, message)
                lost.append((renamed, where, message))
                lookalikes.setdefault(renamed.name, name)
                continue
            layout = ", ".join(spec.name for spec in SHEETS)
            state.problem(
                where, f"feuille « {name} » inconnue : ignorée (feuilles lues : {layout})", InputProblem.WARNING
            )
            continue
        spec = absent[close]
        message = f"feuille « {name} » inconnue ; attendu « {spec.name} » ?"
        state.problem(where, message)
        lost.append((spec, where, message))
    return roles, lost, lookalikes


def _lookalike(name: str, absent: Sequence[SheetSpec]) -> SheetSpec | None:
    """The absent sheet of the layout that ``name`` renames with more words (« Fréquentation
    mensuelle », « Liste des structures »): one whose name or alias it contains as words, or
    whose first word it shares, folded as headers are; the one of the same first word first."""
    words = header_key(name).split()
    if not words:
        return None
    contained = None
    for spec in absent:
        for known in (spec.name, *spec.aliases):
            folded = header_key(known).split()
            if folded[0] == words[0]:
                return spec
            if contained is None and any(words[i : i + len(folded)] == folded for i in range(len(words))):
                contained = spec
    return contained


def read_workbook(path: Path) -> ReadResult:
    """Read one declaration workbook; every problem is reported with its cell, nothing raises.

    No structure of ``Structures`` is left out: what the workbook holds for it but cannot be
    read (a cell « neuf heures », a misspelt sheet or column, rows of an identifier several
    structures carry) is left out of its data and passed to validation as an
    :class:`~fsaudit.inputs.reader.UnreadFact`, so that the rules needing it answer *manual*.
    """
    state = _State(str(path))
    opened = _open(path, state)
    if opened is None:
        return ReadResult("workbook", problems=tuple(state.problems))
    workbook, bad = opened
    names = list(workbook.sheet_names)
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:  # no spreadsheet allows it, and the library would give one sheet's cells for both
        state.problem(
            "fichier",
            f"plusieurs feuilles portent le nom « {doubled[0]} », ce qu'aucun tableur n'admet : "
            "classeur non lu ; renommez-les",
        )
        return ReadResult("workbook", problems=tuple(state.problems))
    order = {name: i for i, name in enumerate(names)}
    roles, lost, lookalikes = _roles(state, names)
    specs = {name: spec for spec in SHEETS if (name := roles.get(spec.name)) is not None}
    found: dict[str, _Sheet] = {}
    with workbook:
        for name in names:
            spec = specs.get(name)
            if spec is None:
                continue
            try:
                rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:  # noqa: BLE001 - a damaged sheet part: calamine raises several kinds
                where = _ref(name, 0, 0)
                consequence = (
                    "aucune structure du classeur n'est lue"
                    if spec is STRUCTURES
                    else "ses données ne sont pas lues, les règles qui en dépendent sont à vérifier pour chaque "
                    "structure du classeur"
                )
                message = f"feuille « {name} » illisible ({describe_error(exc)}) : {consequence}"
                state.problem(where, message)
                lost.append((spec, where, message))
                continue
            sheet = _read_sheet(state, name, spec, rows, bad.get(name, {}))
            if isinstance(sheet, _NotRead):
                if _holds_data(rows):
                    lost.append((spec, sheet.location, sheet.reason))
                continue
            sheet.number = len(found)
            found[spec.name] = sheet
    builder = _Builder(state)
    answers: list[ManualAnswer] = []
    data: dict[str, Any] = {"structures": builder.structures}
    if "Structures" not in found:
        lookalike = lookalikes.get("Structures")
        if "Structures" not in roles and (
            lookalike is not None or not any(spec is STRUCTURES for spec, _w, _r in lost)
        ):
            hint = "" if lookalike is None else f" ; voulez-vous dire « {lookalike} » ?"
            state.problem(
                "fichier",
                "feuille « Structures » absente : le classeur doit avoir une feuille Structures "
                f"(voir « fsaudit template »){hint}",
            )
    else:
        builder.structures_sheet(found["Structures"])
        for sheet_name, (field, key, keys, definition) in _LIST_SHEETS.items():
            if sheet_name in found:
                builder.list_sheet(found[sheet_name], field, key, keys, definition)
        if "Locaux" in found:
            builder.locaux_sheet(found["Locaux"])
        if "Horaires" in found:
            conseillers_lost = any(spec.name == "Conseillers" for spec, _w, _r in lost)
            builder.horaires_sheet(found["Horaires"], conseillers_lost=conseillers_lost)
        if "Département" in found:
            example = any(name == "Structures" for name, _index, _where in builder.example)
            block = builder.departement_sheet(found["Département"], example=example)
            if block is not None:
                data["departement"] = block
        if "Vérifications" in found:
            answers = builder.verifications_sheet(found["Vérifications"])
        if "Extensions" in found:
            builder.extensions_sheet(found["Extensions"])
        for sheet in found.values():
            if sheet.extras:
                builder.second_values(sheet)
        present = list(dict.fromkeys([*roles, *(spec.name for spec, _w, _r in lost)]))
        builder.finish(lost, present, order)
    sheets = tuple((sheet.prefix, sheet.letters) for sheet in found.values())
    locator = CellLocator(builder.cells, builder.rows, sheets)
    loaded, departements, problems = validate_declaration(data, state.path, locate=locator, unread=builder.unread)
    reported = {p.location for p in state.problems}
    by_prefix = {sheet.prefix: sheet for sheet in found.values()}
    said: dict[tuple[str, str], str] = {}
    for problem in problems:
        match = _CELL.match(problem.location)
        header = state.headers.get((match.group(1), match.group(2))) if match else None
        if header and problem.location in reported:
            continue  # the cell could not be read: already reported, with its raw value
        message = problem.message
        if header and not message.startswith("colonne"):
            message = f"colonne « {header} » : {_NUMBER.sub(_french_number, message)}"
            raw = _typed(by_prefix[match.group(1)], match.group(2), int(match.group(3)))
            typed = None if raw is None else cells.display(raw)
            if typed and f"« {typed} »" not in message:
                message += f" (saisi : « {typed} »)"
            said[(problem.location, problem.message)] = message
        state.problem(problem.location, message, problem.level)
    if said:  # the unread fact of a refused cell gives the reason as the problem says it: one message
        loaded = [
            attrs.evolve(
                item,
                unread=tuple(
                    attrs.evolve(fact, reason=said.get((fact.location, fact.reason), fact.reason))
                    for fact in item.unread
                ),
            )
            for item in loaded
        ]
    return ReadResult(
        "workbook",
        tuple(loaded),
        tuple(departements),
        tuple(sorted(set(state.problems), key=lambda p: _problem_key(p, order))),
        tuple(answers),
    )


_CELL = re.compile(r"^(.*)!([A-Z]+)([0-9]+)$")
_NUMBER = re.compile(r"\ble nombre (-?[0-9]+)\.([0-9]+)\b")
"""A decimal number as the schema's messages write it (``le nombre 50.0``)."""


def _french_number(match: re.Match[str]) -> str:
    """``le nombre 50.0`` → ``le nombre 50``, ``le nombre 95.5`` → ``le nombre 95,5``: as a French user types it."""
    whole, decimals = match.group(1), match.group(2).rstrip("0")
    return f"le nombre {whole},{decimals}" if decimals else f"le nombre {whole}"


def _typed(sheet: _Sheet, letters: str, number: int) -> Any:
    """The value of a mapped cell as the library gave it (1-based row ``number``)."""
    line = sheet.lines[number - 1]
    col = sheet.columns[letters]
    return line[col] if col < len(line) else None


_LOCATION = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!([A-Z]+)([0-9]+)$")


def _problem_key(problem: InputProblem, order: dict[str, int]) -> tuple[Any, ...]:
    match = _LOCATION.match(problem.location)
    if not match:
        return (-1, 0, 0, problem.location, problem.message)
    sheet = (match.group(1) or "").replace("''", "'") or match.group(2)
    letters = match.group(3)
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return (order.get(sheet, len(order)), int(match.group(4)), col, "", problem.message)


READER = Reader(
    name="workbook",
    description="Classeur de déclaration (.xlsx, .xlsm, .ods) au format de « fsaudit template »",
    extensions=(".xlsx", ".xlsm", ".ods"),
    read=read_workbook,
)
