"""Where something is in an input: a JSON path, a workbook cell, a line and column of a CSV file.

A :class:`Location` is what every finding, input problem and unread fact points at. It *is* the
French text an auditor sees (``Horaires!C12``, ``ligne 124, colonne h_mardi``,
``$.structures[0].name``: a :class:`str`, so that it prints, compares and sorts as that text),
and it gives its parts (``kind``, ``sheet``, ``cell``, ``line``, ``column``, ``path``), so that a
report format links a cell (Excel), places a region (SARIF) or writes a structured location (the
JSON report) without knowing how locations are written: the forms are known here only.

Readers build locations with the named constructors (:meth:`Location.json`,
:meth:`Location.at_cell`, :meth:`Location.text_line`…); any other text is read by
:meth:`Location.of`.
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["Location"]

_CELL_TEXT = re.compile(
    r"^(?P<sheet>'(?:[^']|'')+'|[^'!]+)!(?P<cell>\$?[A-Z]{1,3}\$?[0-9]+(?::\$?[A-Z]{1,3}\$?[0-9]+)?)$"
)
_SHEET_ROW_TEXT = re.compile(r"^(?P<sheet>'(?:[^']|'')+'|[^'!,]+), ligne (?P<line>[0-9]+)$")
_POSITION_TEXT = re.compile(r"^ligne (?P<line>[0-9]+), colonne (?P<column>[0-9]+)$")
_LINE_TEXT = re.compile(r"^ligne (?P<line>[0-9]+)(?:, colonnes? (?P<column>.+))?$", re.S)
_BYTE_TEXT = re.compile(r"^octet (?P<line>[0-9]+)$")
_PLAIN_SHEET = re.compile(r"[\w.]+")


def _sheet_name(text: str) -> str:
    return text[1:-1].replace("''", "'") if text.startswith("'") else text


def shown_sheet(name: str) -> str:
    """A sheet's name as a cell reference writes it: quoted when it holds a space or punctuation
    (``'Services locaux'!B3``), as it is otherwise (``Horaires!C12``)."""
    if _PLAIN_SHEET.fullmatch(name):
        return name
    return "'" + name.replace("'", "''") + "'"


@functools.lru_cache(maxsize=65536)
def _parts(text: str) -> tuple[str, str | None, str | None, str | None, int | None, str | None]:
    """``(kind, path, sheet, cell, line, column)`` of a location's text."""
    if text.startswith("$"):
        return ("json", text, None, None, None, None)
    if text == "fichier":
        return ("file", None, None, None, None, None)
    match = _CELL_TEXT.match(text)
    if match:
        return ("cell", None, _sheet_name(match["sheet"]), match["cell"].replace("$", ""), None, None)
    match = _POSITION_TEXT.match(text)
    if match:
        return ("position", None, None, None, int(match["line"]), match["column"])
    match = _LINE_TEXT.match(text)
    if match:
        return ("line", None, None, None, int(match["line"]), match["column"])
    match = _SHEET_ROW_TEXT.match(text)
    if match:
        return ("row", None, _sheet_name(match["sheet"]), None, int(match["line"]), None)
    match = _BYTE_TEXT.match(text)
    if match:
        return ("byte", None, None, None, int(match["line"]), None)
    return ("other", None, None, None, None, None)


class Location(str):
    """A place in an input: its text, and its parts.

    ``kind`` is ``json`` (``path``), ``cell`` (``sheet``, ``cell``: ``C12`` or a one-row range
    ``A3:F3``), ``row`` (``sheet``, ``line``: a whole row of a sheet), ``line`` (``line`` of a text
    file, ``column`` names when known), ``position`` (``line`` and numeric ``column`` of a syntax
    error), ``byte`` (``line`` holds the byte offset), ``file`` (the whole file) or ``other``.
    """

    __slots__ = ()

    # --- named constructors ---------------------------------------------------------------

    @classmethod
    def of(cls, value: str) -> Location:
        """``value`` as a location (itself when it is one)."""
        return value if type(value) is cls else cls(value)

    @classmethod
    def json(cls, path: str) -> Location:
        """A JSON path in a JSON input: ``$.structures[0].name``."""
        return cls(path)

    @classmethod
    def at_cell(cls, sheet: str, cell: str) -> Location:
        """A cell (or a range of one row) of a sheet: ``Horaires!C12``, ``'Services locaux'!B3``."""
        return cls(f"{shown_sheet(sheet)}!{cell}")

    @classmethod
    def sheet_row(cls, sheet: str, line: int) -> Location:
        """A whole row of a sheet: ``Feuille1, ligne 124``."""
        return cls(f"{shown_sheet(sheet)}, ligne {line}")

    @classmethod
    def text_line(cls, line: int, columns: str | None = None, *, several: bool = False) -> Location:
        """A line of a text file, and the column(s) concerned: ``ligne 124, colonne h_mardi``."""
        if columns is None:
            return cls(f"ligne {line}")
        return cls(f"ligne {line}, {'colonnes' if several else 'colonne'} {columns}")

    @classmethod
    def file(cls) -> Location:
        """The whole file."""
        return cls("fichier")

    # --- parts --------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """What the location designates (see the class documentation)."""
        return _parts(str(self))[0]

    @property
    def path(self) -> str | None:
        """The JSON path, for a location in a JSON input."""
        return _parts(str(self))[1]

    @property
    def sheet(self) -> str | None:
        """The sheet's name (unquoted), for a cell or a row of a workbook."""
        return _parts(str(self))[2]

    @property
    def cell(self) -> str | None:
        """The cell reference (``C12``, ``A3:F3``), for a cell of a workbook."""
        return _parts(str(self))[3]

    @property
    def line(self) -> int | None:
        """The line (of a text file) or row (of a sheet), from 1; the offset for ``byte``."""
        return _parts(str(self))[4]

    @property
    def column(self) -> str | None:
        """The column: its name(s) in a CSV file, its number in a syntax error."""
        return _parts(str(self))[5]

    def parts(self) -> dict[str, Any]:
        """The structured form (the JSON report v2): ``{"kind": "cell", "sheet": "Horaires",
        "cell": "C12"}``; the text is the location itself."""
        kind, path, sheet, cell, line, column = _parts(str(self))
        out: dict[str, Any] = {"kind": kind}
        for name, value in (("path", path), ("sheet", sheet), ("cell", cell), ("line", line), ("column", column)):
            if value is not None:
                out[name] = value
        return out

    def enclosing(self) -> list[Location]:
        """The places that contain this one, innermost first: ``$.a[1].b`` → ``$.a[1]``,
        ``$.a``, ``$``; ``ligne 12, colonne x`` → ``ligne 12``; a cell or a whole line, none."""
        kind, _path, _sheet, _cell, line, column = _parts(str(self))
        if kind == "json":
            out: list[Location] = []
            current = str(self)
            while len(current) > 1:
                cut = max(current.rfind("."), current.rfind("["))
                current = "$" if cut <= 0 else current[:cut]
                out.append(Location.json(current))
            return out
        if kind in ("line", "position") and column is not None and line is not None:
            return [Location.text_line(line)]
        return []


def as_location(value: str) -> Location:
    """``value`` as a :class:`Location` (:meth:`Location.of`), for the ``location`` fields of the
    model's classes (a converter that type checkers can follow)."""
    return Location.of(value)
