"""What an input problem is, and a fact of a declaration that could not be read.

Paths into a declaration are dotted (``conseillers[1].start_date``, what a rule's ``field`` and
``needs`` say) or JSON paths (``$.structures[0].name``, where a value is in a JSON input).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import ClassVar

import attrs
from attrs import frozen

from fsaudit.model.location import Location, as_location

__all__ = [
    "ERROR",
    "WARNING",
    "InputProblem",
    "Locate",
    "PathParts",
    "UnreadFact",
    "fact_segments",
    "facts_overlap",
    "field_path",
    "json_path",
]

PathParts = tuple[str | int, ...]
Locate = Callable[[PathParts], str | None]


def json_path(parts: Iterable[str | int]) -> str:
    """``("structures", 0, "name")`` → ``$.structures[0].name``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@functools.lru_cache(maxsize=4096)
def _field_parts(field_path: str) -> PathParts:
    return tuple(name if name else int(index) for name, index in _FIELD_PART.findall(field_path))


@functools.lru_cache(maxsize=4096)
def _field_suffix(field_path: str) -> str:
    """``opening_hours.monday[0]`` → ``.opening_hours.monday[0]``, the end of a JSON path."""
    return json_path(_field_parts(field_path))[1:]


@functools.lru_cache(maxsize=4096)
def _structure_path(parts: PathParts) -> str:
    return json_path(parts)


ERROR = "erreur"
WARNING = "avertissement"


@frozen
class InputProblem:
    """A problem in an input: the file, where in it, and what is expected, in French.

    ``level`` is ``"erreur"`` (something the input holds could not be read: exit code 3) or
    ``"avertissement"`` (something was ignored that the audit does not need, such as an
    auditor's own column).
    """

    ERROR: ClassVar[str] = ERROR
    """The level of a problem with something the input holds that could not be read."""
    WARNING: ClassVar[str] = WARNING
    """The level of something ignored that the audit does not need."""

    path: str
    location: Location = attrs.field(converter=as_location)
    message: str
    level: str = attrs.field(default=ERROR, validator=attrs.validators.in_((ERROR, WARNING)))

    @property
    def is_error(self) -> bool:
        """True for an error, False for a warning."""
        return self.level == ERROR

    def __str__(self) -> str:
        return f"{self.path}:{self.location} : {self.message}"


def field_path(parts: Iterable[str | int]) -> str:
    """``("conseillers", 1, "start_date")`` → ``conseillers[1].start_date`` (a rule's ``field``)."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


_SEGMENT_SPLIT = re.compile(r"\.|\[\d*\]")


@functools.lru_cache(maxsize=4096)
def fact_segments(path: str) -> tuple[str, ...]:
    """The names along a fact path, list indices dropped: ``conseillers[1].start_date`` and
    ``conseillers[].start_date`` both give ``("conseillers", "start_date")``; ``""`` (the whole
    structure) gives ``()``."""
    return tuple(part for part in _SEGMENT_SPLIT.split(path) if part)


def facts_overlap(a: str, b: str) -> bool:
    """True when one fact path contains the other (``conseillers`` and ``conseillers[1].fte``)."""
    sa, sb = fact_segments(a), fact_segments(b)
    n = min(len(sa), len(sb))
    return sa[:n] == sb[:n]


@frozen
class UnreadFact:
    """A fact the input holds but that could not be read (a cell « neuf heures », a misspelt
    sheet, a value of the wrong type).

    Data that was not read is never treated as absent: every rule whose ``needs`` overlap
    ``field`` answers ``manual`` (« non évaluable : donnée illisible… ») instead of running on
    what is left, and the structure's decision is *instruction incomplète*.
    """

    field: str
    """Dotted path in the structure (``opening_hours.monday``, ``conseillers[1].start_date``);
    ``""`` is the whole structure."""
    location: Location = attrs.field(converter=as_location)
    """Where in the input (``Horaires!C2``, ``$.structures[0].name``, ``ligne 12, colonne h_lundi``)."""
    reason: str
    """What could not be read, in French."""

    def __str__(self) -> str:
        return f"{self.location} : {self.reason}"
