"""Opening hours of one day as the ANCT list writes them.

The list writes a day as ``HH:MM - HH:MM`` ranges joined by `` / `` (``09:00 - 12:00 / 13:30 -
17:00``); an empty cell is a closed day, and ``00:00 - 00:00`` placeholders occur (they are kept:
rule FS-HOR-03 flags them). Older exports and hand-edited spreadsheets also write ``9h30 – 12h15``
(en dash, ``h``), ``9h-12h``, ``9:00-12:00``, ranges separated by ``/``, ``;``, ``,``, ``et`` or a
line break, ``fermé`` for a closed day and ``Horaires non communiqués`` for a day whose hours are
unknown. Anything else is unreadable: the reader reports it with the raw text.
"""

from __future__ import annotations

import enum
import functools
import re

from attrs import frozen

__all__ = ["DayHours", "DayKind", "parse_day"]


class DayKind(enum.Enum):
    """What a day's cell says."""

    OPEN = "open"
    """One or more ranges."""
    CLOSED = "closed"
    """Empty cell, or ``fermé``."""
    UNKNOWN = "unknown"
    """``Horaires non communiqués``: the day's hours are not known."""
    UNREADABLE = "unreadable"
    """Text that is none of the accepted styles."""


@frozen
class DayHours:
    """One day's cell, read: its kind and, when open, its ranges as ``("HH:MM", "HH:MM")``."""

    kind: DayKind
    ranges: tuple[tuple[str, str], ...] = ()
    raw: str = ""


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_CLOSED = re.compile(r"(?:ferm[ée]e?s?|closed?)(?: au public| toute la journ[ée]e)?\.?")
_UNKNOWN = re.compile(r"(?:(?:les )?horaires? )?non communiqu[ée]e?s?\.?|n\.? ?c\.?")
# A time: 9h, 9h30, 09h00, 9:00, 09:00, 9.30 (hours 0-24, minutes 00-59 checked after).
_TIME = r"(\d{1,2})\s*(?:(?:h|:|\.)\s*(\d{2})?)"
_RANGE = re.compile(rf"{_TIME}\s*(?:-|–|—|à|a)\s*{_TIME}")
_SEPARATORS = re.compile(r"\s*(?:/|;|,|\+|\bet\b)\s*")


def _hhmm(hours: str, minutes: str | None) -> str | None:
    h, m = int(hours), int(minutes or 0)
    if m > 59 or h > 24 or (h == 24 and m):
        return None
    return f"{h:02d}:{m:02d}"


def parse_day(value: str | None) -> DayHours:
    """Read one ``h_lundi`` … ``h_samedi`` cell."""
    return _parse_text("" if value is None else str(value))


@functools.lru_cache(maxsize=16384)
def _parse_text(raw: str) -> DayHours:
    # The national list repeats a few thousand distinct cells: each is read once.
    text = _SPACES.sub(" ", _LINE_BREAKS.sub(" / ", raw)).strip().lower()
    if not text:
        return DayHours(DayKind.CLOSED, raw=raw)
    if _CLOSED.fullmatch(text):
        return DayHours(DayKind.CLOSED, raw=raw)
    if _UNKNOWN.fullmatch(text):
        return DayHours(DayKind.UNKNOWN, raw=raw)
    ranges: list[tuple[str, str]] = []
    for piece in _SEPARATORS.split(text):
        if not piece:
            continue  # a trailing or doubled separator
        match = _RANGE.fullmatch(piece)
        if match is None:
            return DayHours(DayKind.UNREADABLE, raw=raw)
        start = _hhmm(match.group(1), match.group(2))
        end = _hhmm(match.group(3), match.group(4))
        if start is None or end is None:
            return DayHours(DayKind.UNREADABLE, raw=raw)
        ranges.append((start, end))
    if not ranges:
        return DayHours(DayKind.UNREADABLE, raw=raw)
    return DayHours(DayKind.OPEN, tuple(ranges), raw=raw)
