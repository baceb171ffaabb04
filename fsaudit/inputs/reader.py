"""What a reader is and what it returns: input problems, unread facts, loaded structures.

A reader turns one input file into structures (:class:`LoadedStructure`), each with where it came
from and what of it could not be read (:class:`UnreadFact`), and reports every problem
(:class:`InputProblem`) in French at its place. A reader never raises on bad content.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

import attrs
from attrs import field, frozen

from fsaudit.model import declaration as model

__all__ = [
    "ERROR",
    "WARNING",
    "DuplicateKeyError",
    "InputProblem",
    "LoadedStructure",
    "Locate",
    "ManualAnswer",
    "PathParts",
    "ReadResult",
    "Reader",
    "UnreadFact",
    "closest_name",
    "fact_segments",
    "facts_overlap",
    "field_path",
    "json_path",
    "no_duplicate_keys",
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
    return tuple(
        name if name else int(index) for name, index in _FIELD_PART.findall(field_path)
    )


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
    location: str
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


def closest_name(name: str, known: Iterable[str], *, cutoff: float = 0.75) -> str | None:
    """The known name closest to ``name`` (case, accents and spacing ignored), for
    « voulez-vous dire … ? » hints; ``None`` when nothing is close enough."""
    import difflib
    import unicodedata

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", str(text))
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
        return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())

    by_fold: dict[str, str] = {}
    for item in known:
        by_fold.setdefault(fold(item), item)
    folded = fold(name)
    if folded in by_fold:
        return by_fold[folded]
    match = difflib.get_close_matches(folded, sorted(by_fold), n=1, cutoff=cutoff)
    return by_fold[match[0]] if match else None


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
    location: str
    """Where in the input (``Horaires!C2``, ``$.structures[0].name``, ``ligne 12, colonne h_lundi``)."""
    reason: str
    """What could not be read, in French."""

    def __str__(self) -> str:
        return f"{self.location} : {self.reason}"


@frozen
class LoadedStructure:
    """A validated structure with where it came from."""

    structure: model.Structure
    path: str
    """The input file, as the user named it."""
    parts: PathParts = ()
    """JSON path of the structure inside the input's JSON-shaped data."""
    locate_fn: Locate | None = field(default=None, eq=False, repr=False)
    unread: tuple[UnreadFact, ...] = ()
    """Facts the input holds for this structure but that could not be read (see
    :class:`UnreadFact`); empty for a structure read whole."""
    notes: tuple[str, ...] = ()
    """French notes on how the structure was read (an identifier derived from the record…)."""

    def locate(self, field_path: str | None = None) -> str:
        """Where ``field_path`` (``opening_hours.monday[0]``) of this structure is in the input.

        With a reader's ``locate`` function (a workbook), the deepest known place wins: a field
        with no cell of its own points at its row. Otherwise it is the JSON path.
        """
        if self.locate_fn is None:
            # Same as json_path(self.parts + field parts), from cached pieces.
            return _structure_path(self.parts) + (_field_suffix(field_path) if field_path else "")
        parts = self.parts + (_field_parts(field_path) if field_path else ())
        probe = parts
        while True:
            found = self.locate_fn(probe)
            if found:
                return found
            if len(probe) <= len(self.parts):
                break
            probe = probe[:-1]
        return json_path(parts)


@frozen
class ManualAnswer:
    """An auditor's answer to a ``manual`` check, recorded in the input (a workbook sheet).

    The engine applies it to the ``manual`` result of ``rule`` on ``structure_id``: the status
    becomes ``status`` (pass or fail) and the result is marked as manual. An answer to a rule
    that is not ``manual`` leaves the rule's own result in place and is listed as unused.
    """

    structure_id: str
    rule: str
    status: str = attrs.field(validator=attrs.validators.in_(("pass", "fail")))
    evidence: str
    auditor: str
    date: _dt.date
    location: str


@frozen
class ReadResult:
    """What a reader got out of one input."""

    format: str
    structures: tuple[LoadedStructure, ...] = ()
    departements: tuple[model.Departement, ...] = ()
    problems: tuple[InputProblem, ...] = ()
    answers: tuple[ManualAnswer, ...] = ()
    layout: str | None = None
    """Which layout of the format the reader recognised (``liste-2022`` for the national list of
    December 2022), when a format has several; written in the JSON report's ``inputs``."""


@frozen
class Reader:
    """An input format. ``read(path)`` returns a :class:`ReadResult` and never raises on bad
    content: it reports problems. ``sniff(path, head)`` says whether a file whose extension is
    not enough to decide is of this format (``head`` is its first 64 KiB)."""

    name: str
    description: str
    extensions: tuple[str, ...]
    read: Callable[[Path], ReadResult] = field(eq=False, repr=False)
    sniff: Callable[[Path, bytes], bool] | None = field(default=None, eq=False, repr=False)
    priority: int = 0
    """Among readers that claim a file, the highest priority reads it."""


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice (``json.loads`` would keep the last silently)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for ``json.loads`` that raises :class:`DuplicateKeyError`."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(key)
        out[key] = value
    return out
