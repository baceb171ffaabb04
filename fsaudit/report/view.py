"""What every report format shows beside a structure's results: its input problems.

The core keeps every structure, even one read in part (``StructureReport.unread``). Report
formats show a structure's input problems *with* the structure, and the problems that concern no
structure (a file that is not JSON, a folder that cannot be listed, a sheet of the workbook) on
their own; errors and warnings are told apart everywhere. :func:`input_issues` makes that
split once, the same way for every format.

A problem belongs to a structure when it is in the structure's file and either is at the place
of one of its unread facts, or lies inside the structure (a JSON path below the structure's
own, ``$.structures[1].opening_hours`` under ``$.structures[1]``; a column of its row,
``ligne 12, colonne h_lundi`` under ``ligne 12``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import frozen

from fsaudit.model.facts import ERROR, InputProblem
from fsaudit.model.location import Location

__all__ = ["InputIssues", "Issue", "enclosing_locations", "input_issues", "level_label"]


@frozen
class Issue:
    """One input problem of a structure: an unread fact or a warning."""

    level: str
    """``erreur`` (a fact that could not be read) or ``avertissement`` (something ignored)."""
    location: str
    message: str
    field: str | None = None
    """Dotted path of the fact in the structure, when known (``opening_hours.monday``)."""

    @property
    def is_error(self) -> bool:
        """True for an error, False for a warning."""
        return self.level == ERROR


@frozen
class InputIssues:
    """The input problems of a report, split between its structures and the rest."""

    by_structure: tuple[tuple[Issue, ...], ...]
    """One tuple per structure of ``report.structures``, in the same order: its errors (unread
    facts), then its warnings."""
    apart: tuple[InputProblem, ...]
    """The problems that concern no single structure, in report order."""

    @property
    def apart_errors(self) -> list[InputProblem]:
        """The errors among :attr:`apart`."""
        return [p for p in self.apart if p.is_error]

    @property
    def apart_warnings(self) -> list[InputProblem]:
        """The warnings among :attr:`apart`."""
        return [p for p in self.apart if not p.is_error]


def enclosing_locations(location: Location | str) -> list[Location]:
    """The places that contain ``location``, innermost first (see :meth:`Location.enclosing`)."""
    return Location.of(location).enclosing()


def input_issues(report: Any) -> InputIssues:
    """Split ``report.errors`` between the structures they belong to and the rest, and add to
    each structure the unread facts no problem already describes."""
    structures: Sequence[Any] = report.structures
    by_place: dict[tuple[str, str], int] = {}
    by_fact: dict[tuple[str, str], int] = {}
    for index, s in enumerate(structures):
        by_place.setdefault((s.path, s.location), index)
        for fact in s.unread:
            by_fact.setdefault((s.path, fact.location), index)
    found: list[list[Issue]] = [[] for _ in structures]
    apart: list[InputProblem] = []
    for problem in report.errors:
        owner = by_fact.get((problem.path, problem.location))
        if owner is None:
            places = ((problem.path, place) for place in enclosing_locations(problem.location))
            owner = next((by_place[key] for key in places if key in by_place), None)
        if owner is None:
            apart.append(problem)
            continue
        field = next((f.field for f in structures[owner].unread if f.location == problem.location), None)
        found[owner].append(Issue(problem.level, problem.location, problem.message, field))
    for index, s in enumerate(structures):
        said = {(issue.location, issue.message) for issue in found[index]}
        for fact in s.unread:
            # A reader may prefix the problem with the column (« colonne « Fin » : … »): the same
            # fact, said once.
            if (fact.location, fact.reason) not in said and not any(
                location == fact.location and message.endswith(" : " + fact.reason) for location, message in said
            ):
                found[index].append(Issue(ERROR, fact.location, fact.reason, fact.field))
                said.add((fact.location, fact.reason))
        found[index].sort(key=lambda issue: not issue.is_error)  # errors first, each in report order
    return InputIssues(tuple(tuple(items) for items in found), tuple(apart))


def level_label(level: str) -> str:
    """``erreur de saisie`` or ``avertissement de saisie``."""
    return "erreur de saisie" if level == ERROR else "avertissement de saisie"
