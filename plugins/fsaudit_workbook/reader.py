"""Reader for declaration workbooks (.xlsx, .xlsm, .ods) in the documented layout.

The workbook is read with python-calamine (fast, and it reads .ods too), which gives each
formula's cached value; formulas without one and error values, which calamine returns as empty
cells, are found by :mod:`fsaudit_workbook.scan`. Rows are joined to their structure by the
« Identifiant » column, turned into the JSON-shaped data of the declaration schema and validated
by :func:`fsaudit.inputs.validate_declaration` with a :class:`CellLocator`, so that every
problem and every finding points at a ``Sheet!C12`` cell.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from fsaudit.inputs import InputProblem, ManualAnswer, Reader, ReadResult, validate_declaration
from fsaudit_workbook import cells
from fsaudit_workbook.layout import (
    CLOSED_MARK,
    EMPTY_MARK,
    IGNORED_SHEETS,
    Column,
    SheetSpec,
    header_key,
    sheet_by_key,
)
from fsaudit_workbook.safety import UnsafeArchive, check_archive, describe_error
from fsaudit_workbook.scan import BadCells, column_letter, ods_bad_cells, xlsx_bad_cells

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
    errors: dict[int, set[str]] = attrs.Factory(dict)
    """Row index → keys of its cells that could not be read or were missing (already reported)."""
    number: int = -1
    """The sheet's number in the cell locator."""

    def ref(self, index: int, key: str) -> str:
        """``Sheet!C12`` of the cell of column ``key`` in row ``index``."""
        return f"{self.prefix}!{self.letters[key]}{index + 1}"

    def error(self, index: int, key: str) -> None:
        self.errors.setdefault(index, set()).add(key)


@attrs.define
class _State:
    path: str
    problems: list[InputProblem] = attrs.Factory(list)
    headers: dict[tuple[str, str], str] = attrs.Factory(dict)
    """(sheet, column letters) → header of the column, to name the column in schema problems."""

    def problem(self, location: str, message: str) -> None:
        self.problems.append(InputProblem(self.path, location, message))


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


def _read_sheet(state: _State, name: str, spec: SheetSpec, rows: list[list[Any]], bad: dict[tuple[int, int], str]) -> _Sheet | None:
    key_column = spec.columns[0]
    header_index = None
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if any(isinstance(v, str) and header_key(v) in key_column.keys for v in row):
            header_index = index
            break
    if header_index is None:
        state.problem(
            _ref(name, 0, 0),
            f"ligne d'en-têtes introuvable : la feuille « {name} » doit avoir une colonne « {key_column.header} » "
            f"dans ses {_HEADER_SEARCH_ROWS} premières lignes",
        )
        return None
    by_key = {k: column for column in spec.columns for k in column.keys}
    mapped: dict[str, tuple[int, Column]] = {}
    headers: dict[str, str] = {}
    for col, value in enumerate(rows[header_index]):
        if cells.is_empty(value):
            continue
        typed = cells.text(value)
        column = by_key.get(header_key(typed))
        where = _ref(name, header_index, col)
        if column is None:
            expected = ", ".join(f"« {c.header} »" for c in spec.columns)
            state.problem(where, f"colonne « {typed} » inconnue : colonnes attendues {expected}")
            continue
        if column.key in mapped:
            first = _ref(name, header_index, mapped[column.key][0])
            state.problem(where, f"colonne « {typed} » en double (déjà en {first}) : cette colonne est ignorée")
            continue
        mapped[column.key] = (col, column)
        headers[column.key] = typed
    missing = [column for column in spec.columns if column.required and column.key not in mapped]
    for column in missing:
        state.problem(
            _ref(name, header_index, 0),
            f"colonne obligatoire « {column.header} » absente de la feuille « {name} » : la feuille n'est pas lue",
        )
    if missing:
        return None
    out: list[_Row] = []
    prefix = _ref(name, 0, 0)[:-3]  # "Sheet!A1" without "!A1"
    letters = {key: column_letter(col) for key, (col, _c) in mapped.items()}
    for key, letter in letters.items():
        state.headers[(prefix, letter)] = headers[key]
    sheet = _Sheet(name, spec, headers, out, prefix, letters,
                   {column_letter(col): col for col, _c in mapped.values()}, rows)
    # One plan entry per mapped column, chosen once: its converter, whether it takes a marker,
    # and a cache of the values already read in it (a national workbook repeats the same hours,
    # months and list labels thousands of times).
    plan = []
    for key, (col, column) in mapped.items():
        if (spec.name, key) in _MARK_COLUMNS:
            mark = EMPTY_MARK, EMPTY
        elif (spec.name, key) == ("Horaires", "start"):
            mark = header_key(CLOSED_MARK), CLOSED
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
                    state.problem(sheet.ref(index, key), f"colonne « {header} » : {problem}")
                    sheet.error(index, key)
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
                elif mark is not None and isinstance(raw, str) and header_key(raw) == mark[0]:
                    cached = mark[1]
                else:
                    try:
                        cached = convert(raw)
                    except cells.CellError as exc:
                        filled = True
                        state.problem(sheet.ref(index, key), f"colonne « {header} » : {exc}")
                        sheet.error(index, key)
                        continue
                cache[probe] = cached
            if cached is _BLANK:
                continue
            filled = True
            values[key] = cached
        if filled:
            out.append((index, values))
    return sheet


def _header(sheet: _Sheet, key: str) -> str:
    return sheet.headers.get(key) or sheet.spec.column(key).header


def _missing(state: _State, sheet: _Sheet, index: int, key: str) -> None:
    """Report a required value left empty (unless its cell was already reported as unreadable)."""
    if key in sheet.errors.get(index, ()):
        return
    state.problem(sheet.ref(index, key if key in sheet.letters else sheet.spec.columns[0].key),
                  f"colonne « {_header(sheet, key)} » : valeur obligatoire manquante")
    sheet.error(index, key)


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
_GROUP_ANCHOR = {"address": "street", "coordinates": "latitude", "gestionnaire": "gestionnaire_kind", "label": "label_status"}


class _Builder:
    """Assembles the JSON-shaped declaration from the parsed sheets."""

    def __init__(self, state: _State) -> None:
        self.state = state
        self.structures: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        self.ambiguous: set[str] = set()
        self.bad: set[int] = set()
        self.cells: dict[PathParts, str] = {}
        self.rows: dict[PathParts, _Node] = {}
        self.conseiller_rows: dict[int, list[_Row]] = {}

    # --- Structures ---------------------------------------------------------------------

    def structures_sheet(self, sheet: _Sheet) -> None:
        first: dict[str, int] = {}
        rows: list[_Row] = []
        for index, values in sheet.rows:
            sid = values.get("id")
            if sid is None:
                _missing(self.state, sheet, index, "id")
                continue
            if sid in first:
                self.state.problem(
                    sheet.ref(index, "id"),
                    f"colonne « {_header(sheet, 'id')} » : identifiant « {sid} » déjà utilisé ligne "
                    f"{first[sid] + 1} ; chaque structure doit avoir un identifiant unique dans le classeur "
                    "(les autres feuilles s'y rattachent) : ces structures sont écartées",
                )
                self.ambiguous.add(sid)
                continue
            first[sid] = index
            rows.append((index, values))
        table: dict[PathParts, str] = {_STRUCTURE_FIELDS.get(key, (key,)): key for key in sheet.letters}
        table.update({(group,): anchor for group, anchor in _GROUP_ANCHOR.items() if anchor in sheet.letters})
        errors = sheet.errors
        for index, values in rows:
            sid = values["id"]
            if sid in self.ambiguous:
                continue
            k = len(self.structures)
            self.index[sid] = k
            self.rows[("structures", k)] = (sheet.number, index, "id", table, None)
            data: dict[str, Any] = {}
            for key, value in values.items():
                sub = _STRUCTURE_FIELDS.get(key)
                if sub is None:
                    data[key] = value
                else:
                    data.setdefault(sub[0], {})[sub[1]] = value
            if index in errors:
                self.bad.add(k)
            self.structures.append(data)

    def _owner(self, sheet: _Sheet, index: int, values: dict[str, Any]) -> int | None:
        """The structure index of a row of another sheet, or ``None`` (reported).

        The two big joins (list sheets, Horaires) look the identifier up themselves and only
        call this for a row whose identifier is not found, to report it.
        """
        sid = values.get("structure_id")
        k = self.index.get(sid)  # never an ambiguous identifier
        if k is None:
            if sid is None:
                _missing(self.state, sheet, index, "structure_id")
            elif sid not in self.ambiguous:
                self.state.problem(
                    sheet.ref(index, "structure_id"),
                    f"colonne « {_header(sheet, 'structure_id')} » : identifiant « {sid} » absent de la feuille Structures",
                )
            return None
        if index in sheet.errors:
            self.bad.add(k)
        return k

    # --- list sheets ---------------------------------------------------------------------

    def list_sheet(self, sheet: _Sheet, field: str, key: str, keys: Sequence[str]) -> None:
        """Conseillers, Partenaires, Services locaux, Fréquentation: one item per row."""
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
            if index in errors:
                self.bad.add(k)
            marker = values.get(key)
            if marker is EMPTY:
                others = [c for c in keys if c != key and c in values]
                if others:
                    self.state.problem(
                        sheet.ref(index, key),
                        f"colonne « {_header(sheet, key)} » : « {EMPTY_MARK} » déclare une liste vide, mais la ligne "
                        f"remplit aussi « {_header(sheet, others[0])} »",
                    )
                    self.bad.add(k)
                empty.setdefault(k, index)
                continue
            if key not in values:
                _missing(self.state, sheet, index, key)
                self.bad.add(k)
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
                self.state.problem(
                    sheet.ref(index, key),
                    f"colonne « {_header(sheet, key)} » : « {EMPTY_MARK} » déclare une liste vide, mais la structure a "
                    f"d'autres lignes dans la feuille « {sheet.name} »",
                )
                self.bad.add(k)
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

    def locaux_sheet(self, sheet: _Sheet) -> None:
        seen: dict[int, int] = {}
        table: dict[PathParts, str] = {(c,): c for c in sheet.letters if c != "structure_id"}
        for index, values in sheet.rows:
            k = self._owner(sheet, index, values)
            if k is None:
                continue
            if k in seen:
                self.state.problem(
                    sheet.ref(index, "structure_id"),
                    f"colonne « {_header(sheet, 'structure_id')} » : la structure a déjà une ligne de locaux "
                    f"(ligne {seen[k] + 1}) : une seule ligne par structure",
                )
                self.bad.add(k)
                continue
            seen[k] = index
            self.rows[("structures", k, "premises")] = (sheet.number, index, "structure_id", table, None)
            self.structures[k]["premises"] = {c: v for c, v in values.items() if c != "structure_id"}

    def horaires_sheet(self, sheet: _Sheet) -> None:
        weeks: dict[tuple[int, int | None], dict[str, list[dict[str, str]]]] = {}
        closed: dict[tuple[int, int | None, str], int] = {}
        opened: dict[tuple[int, int | None, str], int] = {}
        number = sheet.number
        rows = self.rows
        start_key = "start" if "start" in sheet.letters else "day"
        table: dict[PathParts, str] = {("start",): start_key, ("end",): "end" if "end" in sheet.letters else "day"}
        owners = self.index
        errors = sheet.errors
        for index, values in sheet.rows:
            k = owners.get(values.get("structure_id"))
            if k is None:
                self._owner(sheet, index, values)  # reports why
                continue
            if index in errors:
                self.bad.add(k)
            who: int | None = None
            conseiller = values.get("conseiller")
            if conseiller is not None:
                entries = self.conseiller_rows.get(k, [])
                matches = [n for n, (_index, data) in enumerate(entries) if data.get("id") == conseiller]
                header = _header(sheet, "conseiller")
                if not matches:
                    self.state.problem(
                        sheet.ref(index, "conseiller"),
                        f"colonne « {header} » : conseiller « {conseiller} » absent de la feuille Conseillers pour "
                        "cette structure",
                    )
                    self.bad.add(k)
                    continue
                if len(matches) > 1:
                    lines = ", ".join(str(entries[n][0] + 1) for n in matches)
                    self.state.problem(
                        sheet.ref(index, "conseiller"),
                        f"colonne « {header} » : conseiller « {conseiller} » ambigu : plusieurs lignes de la feuille "
                        f"Conseillers (lignes {lines}) portent cet identifiant",
                    )
                    self.bad.add(k)
                    continue
                who = matches[0]
            day = values.get("day")
            if day is None:
                _missing(self.state, sheet, index, "day")
                self.bad.add(k)
                continue
            base: PathParts = ("structures", k, "opening_hours") if who is None else (
                "structures", k, "conseillers", who, "presence")
            week = weeks.get((k, who))
            if week is None:
                week = weeks[(k, who)] = {}
                rows[base] = (number, index, "day", None, None)
            at_day = base + (day,)
            day_node = rows.get(at_day)
            if day_node is None:
                day_node = rows[at_day] = (number, index, "day", table, [])
            start = values.get("start")
            if start is CLOSED:
                if "end" in values:
                    self.state.problem(
                        sheet.ref(index, "end"),
                        f"colonne « {_header(sheet, 'end')} » : le jour est déclaré « {CLOSED_MARK} » : laissez la fin vide",
                    )
                    self.bad.add(k)
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
                self.state.problem(
                    sheet.ref(index, start_key),
                    f"colonne « {_header(sheet, 'start')} » : {cells.CHOICES['jour'][day][0]} déclaré « {CLOSED_MARK} » "
                    f"et ouvert ligne {opened[(k, who, day)] + 1}",
                )
                self.bad.add(k)
        for (k, who), week in weeks.items():
            if who is None:
                self.structures[k]["opening_hours"] = week
            else:
                self.structures[k]["conseillers"][who]["presence"] = week

    def departement_sheet(self, sheet: _Sheet) -> dict[str, Any] | None:
        if not sheet.rows:
            return None
        block: dict[str, Any] = {}
        cantons: list[dict[str, Any]] = []
        empty_row: int | None = None
        code_row: int | None = None
        name_row: int | None = None
        letters = sheet.letters
        for index, values in sheet.rows:
            code = values.get("code")
            if code is not None:
                if code_row is None:
                    code_row = index
                    block["code"] = code
                elif code != block["code"]:
                    self.state.problem(
                        sheet.ref(index, "code"),
                        f"colonne « {_header(sheet, 'code')} » : « {code} » diffère du département « {block['code']} » "
                        f"de la ligne {code_row + 1} : un seul département par classeur",
                    )
                    return None
            name = values.get("name")
            if name is not None:
                if name_row is None:
                    name_row = index
                    block["name"] = name
                elif name != block["name"]:
                    self.state.problem(
                        sheet.ref(index, "name"),
                        f"colonne « {_header(sheet, 'name')} » : « {name} » diffère du nom « {block['name']} » de la "
                        f"ligne {name_row + 1}",
                    )
                    return None
            if index in sheet.errors:
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
                self.cells[("departement", "cantons", n)] = sheet.ref(index, "canton" if "canton" in letters else "code")
                for c, field in (("canton", "code"), ("canton_name", "name")):
                    if c in letters:
                        self.cells[("departement", "cantons", n, field)] = sheet.ref(index, c)
        first = sheet.rows[0][0]
        self.cells[("departement",)] = sheet.ref(first if code_row is None else code_row, "code")
        self.cells[("departement", "code")] = sheet.ref(first if code_row is None else code_row, "code")
        if "name" in letters:
            self.cells[("departement", "name")] = sheet.ref(first if name_row is None else name_row, "name")
        if empty_row is not None and cantons:
            self.state.problem(
                sheet.ref(empty_row, "canton"),
                f"colonne « {_header(sheet, 'canton')} » : « {EMPTY_MARK} » déclare une liste vide, mais d'autres "
                "lignes déclarent des cantons",
            )
            return None
        if cantons:
            block["cantons"] = cantons
            self.cells[("departement", "cantons")] = self.cells[("departement", "cantons", 0)]
        elif empty_row is not None:
            block["cantons"] = []
            self.cells[("departement", "cantons")] = sheet.ref(empty_row, "canton")
        return block

    def verifications_sheet(self, sheet: _Sheet) -> list[ManualAnswer]:
        answers: list[ManualAnswer] = []
        seen: dict[tuple[str, str], int] = {}
        letters = sheet.letters
        for index, values in sheet.rows:
            if self._owner(sheet, index, values) is None:
                continue
            missing = [c for c in ("rule", "result", "evidence", "auditor", "date")
                       if c not in values and c in letters]
            absent = [c for c in ("result", "evidence", "auditor", "date") if c not in letters]
            if index in sheet.errors:
                continue
            if absent:
                self.state.problem(
                    sheet.ref(index, "structure_id"),
                    f"vérification incomplète : colonne « {sheet.spec.column(absent[0]).header} » absente de la feuille",
                )
                continue
            if missing:
                for c in missing:
                    self.state.problem(
                        sheet.ref(index, c),
                        f"colonne « {_header(sheet, c)} » : valeur obligatoire pour enregistrer une vérification",
                    )
                continue
            key = (values["structure_id"], values["rule"])
            if key in seen:
                self.state.problem(
                    sheet.ref(index, "rule"),
                    f"colonne « {_header(sheet, 'rule')} » : la règle {key[1]} de la structure « {key[0]} » est déjà "
                    f"vérifiée ligne {seen[key] + 1}",
                )
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


_LIST_SHEETS = {
    "Conseillers": ("conseillers", "id", ("id", "fte", "training_date", "training_days", "start_date")),
    "Partenaires": ("partners", "operator", ("operator", "modes", "referent")),
    "Services locaux": ("local_services", "name", ("name", "category", "provider")),
    "Fréquentation": ("attendance", "month", ("month", "accompaniments")),
}


def _open(path: Path, state: _State) -> tuple[Any, BadCells] | None:
    from python_calamine import CalamineWorkbook

    name = str(path)
    try:
        check_archive(path)  # before any library inflates a member
        workbook = CalamineWorkbook.from_path(name)
    except UnsafeArchive as exc:
        state.problem("fichier", str(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for a bad file
        message = describe_error(exc)
        if not message.startswith("classeur protégé"):
            message = f"classeur illisible ({message}) : attendu un fichier .xlsx, .xlsm ou .ods"
        state.problem("fichier", message)
        return None
    try:
        bad = ods_bad_cells(name) if name.lower().endswith(".ods") else xlsx_bad_cells(name)
    except UnsafeArchive as exc:
        state.problem("fichier", str(exc))
        return None
    except Exception as exc:  # noqa: BLE001
        state.problem("fichier", f"contrôle des formules impossible ({describe_error(exc)})")
        bad = {}
    return workbook, bad


def read_workbook(path: Path) -> ReadResult:
    """Read one declaration workbook; every problem is reported with its cell, nothing raises."""
    state = _State(str(path))
    opened = _open(path, state)
    if opened is None:
        return ReadResult("workbook", problems=tuple(state.problems))
    workbook, bad = opened
    doubled = sorted({n for n in workbook.sheet_names if workbook.sheet_names.count(n) > 1})
    if doubled:  # no spreadsheet allows it, and the library would give one sheet's cells for both
        state.problem("fichier", f"plusieurs feuilles portent le nom « {doubled[0]} », ce qu'aucun tableur n'admet : "
                      "classeur non lu ; renommez-les")
        return ReadResult("workbook", problems=tuple(state.problems))
    known = sheet_by_key()
    found: dict[str, _Sheet] = {}
    ignored = {header_key(n) for n in IGNORED_SHEETS}
    order = {name: i for i, name in enumerate(workbook.sheet_names)}
    with workbook:
        for name in workbook.sheet_names:
            folded = header_key(name)
            spec = known.get(folded)
            if spec is None:
                if folded not in ignored:
                    close = difflib.get_close_matches(folded, sorted(known), n=1, cutoff=0.75)
                    if close:
                        state.problem(
                            _ref(name, 0, 0),
                            f"feuille « {name} » ignorée : nom inconnu, vouliez-vous dire « {known[close[0]].name} » ?",
                        )
                continue
            if spec.name in found:
                state.problem(
                    _ref(name, 0, 0),
                    f"feuille « {name} » ignorée : la feuille « {found[spec.name].name} » tient déjà ce rôle",
                )
                continue
            try:
                rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:  # noqa: BLE001 - a damaged sheet part: calamine raises several kinds
                state.problem(
                    _ref(name, 0, 0),
                    f"feuille « {name} » illisible ({describe_error(exc)}) : aucune structure du classeur n'est "
                    "auditée (les lignes de cette feuille peuvent concerner chacune d'elles)",
                )
                return ReadResult("workbook", problems=tuple(state.problems))
            sheet = _read_sheet(state, name, spec, rows, bad.get(name, {}))
            if sheet is not None:
                sheet.number = len(found)
                found[spec.name] = sheet
    builder = _Builder(state)
    answers: list[ManualAnswer] = []
    data: dict[str, Any] = {"structures": builder.structures}
    if "Structures" not in found:
        if not any(p.message.startswith("ligne d'en-têtes") and "Structures" in p.message for p in state.problems):
            state.problem("fichier", "feuille « Structures » absente : le classeur doit avoir une feuille Structures "
                          "(voir « fsaudit template »)")
    else:
        builder.structures_sheet(found["Structures"])
        for sheet_name, (field, key, keys) in _LIST_SHEETS.items():
            if sheet_name in found:
                builder.list_sheet(found[sheet_name], field, key, keys)
        if "Locaux" in found:
            builder.locaux_sheet(found["Locaux"])
        if "Horaires" in found:
            builder.horaires_sheet(found["Horaires"])
        if "Département" in found:
            block = builder.departement_sheet(found["Département"])
            if block is not None:
                data["departement"] = block
        if "Vérifications" in found:
            answers = builder.verifications_sheet(found["Vérifications"])
    sheets = tuple((sheet.prefix, sheet.letters) for sheet in found.values())
    locator = CellLocator(builder.cells, builder.rows, sheets)
    loaded, departements, problems = validate_declaration(data, state.path, locate=locator)
    reported = {p.location for p in state.problems}
    by_prefix = {sheet.prefix: sheet for sheet in found.values()}
    for problem in problems:
        match = _CELL.match(problem.location)
        header = state.headers.get((match.group(1), match.group(2))) if match else None
        if header and problem.location in reported:
            continue  # the cell could not be read: already reported, with its raw value
        message = problem.message
        if header and not message.startswith("colonne"):
            message = f"colonne « {header} » : {message}"
            raw = _typed(by_prefix[match.group(1)], match.group(2), int(match.group(3)))
            typed = None if raw is None else cells.display(raw)
            if typed and f"« {typed} »" not in message:
                message += f" (saisi : « {typed} »)"
        state.problem(problem.location, message)
    kept = tuple(item for item in loaded if item.parts[1] not in builder.bad)
    return ReadResult(
        "workbook",
        kept,
        tuple(departements),
        tuple(sorted(set(state.problems), key=lambda p: _problem_key(p, order))),
        tuple(answers),
    )


_CELL = re.compile(r"^(.*)!([A-Z]+)([0-9]+)$")


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
