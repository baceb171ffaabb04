"""Helpers shared by the charter rules: scopes and French formatting."""

from __future__ import annotations

from fsaudit.model import Format, Structure, StructureType
from fsaudit.rule import Outcome

__all__ = ["fr_hours", "principal_only", "site_kind"]


def fr_hours(minutes: int) -> str:
    """``1350`` → ``22 h 30``; ``1440`` → ``24 h``."""
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def principal_only(structure: Structure) -> Outcome | None:
    """``not_applicable`` for an antenne, ``None`` (go on) for a principal structure.

    A structure whose type is not declared is judged as a principal one: the antenne is the
    exception of the charter and must be declared as such (the evidence says so).
    """
    if structure.is_antenne:
        return Outcome.not_applicable("antenne : critère exigé des structures principales seulement")
    return None


def site_kind(structure: Structure) -> str:
    """``antenne``, ``roaming`` (bus, itinérant) or ``fixed`` (fixe, multisites, not declared)."""
    if structure.is_antenne:
        return "antenne"
    if structure.format in (Format.BUS, Format.ITINERANT):
        return "roaming"
    return "fixed"


def assumed(structure: Structure) -> dict[str, str]:
    """Evidence notes for facts the rules had to assume because they were not declared."""
    notes: dict[str, str] = {}
    if structure.type is None:
        notes["type"] = "non déclaré : jugée comme structure principale"
    elif structure.type is StructureType.PRINCIPAL:
        notes["type"] = "principale"
    if structure.format is None:
        notes["format"] = "non déclaré : jugée comme lieu fixe"
    else:
        notes["format"] = structure.format.value
    return notes
