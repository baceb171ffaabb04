"""What a reader is and what it returns: input problems, unread facts, loaded structures.

A reader turns one input file into structures (:class:`LoadedStructure`), each with where it came
from and what of it could not be read (:class:`UnreadFact`), and reports every problem
(:class:`InputProblem`) in French at its place. A reader never raises on bad content.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
from attrs import field, frozen

from fsaudit.model import declaration as model
from fsaudit.model.facts import (
    InputProblem,
    Locate,
    PathParts,
    UnreadFact,
    _field_parts,
    _field_suffix,
    _structure_path,
    json_path,
)
from fsaudit.model.location import Location, as_location

__all__ = [
    "DuplicateKeyError",
    "LoadedStructure",
    "ManualAnswer",
    "ReadResult",
    "Reader",
    "no_duplicate_keys",
]


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

    def locate(self, field_path: str | None = None) -> Location:
        """Where ``field_path`` (``opening_hours.monday[0]``) of this structure is in the input.

        With a reader's ``locate`` function (a workbook), the deepest known place wins: a field
        with no cell of its own points at its row. Otherwise it is the JSON path.
        """
        if self.locate_fn is None:
            # Same as json_path(self.parts + field parts), from cached pieces.
            return Location.json(_structure_path(self.parts) + (_field_suffix(field_path) if field_path else ""))
        parts = self.parts + (_field_parts(field_path) if field_path else ())
        probe = parts
        while True:
            found = self.locate_fn(probe)
            if found:
                return Location.of(found)
            if len(probe) <= len(self.parts):
                break
            probe = probe[:-1]
        return Location.json(json_path(parts))


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
    location: Location = attrs.field(converter=as_location)


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
