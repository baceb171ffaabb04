"""Helpers shared by the charter rules: scopes and French formatting."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from fsaudit.frtext import (  # noqa: F401 - re-exported for the rule modules
    MONTHS_FR,
    NARROW_NBSP,
    fr_date,
    fr_decimal,
    fr_hours,
    fr_int,
    fr_list,
    fr_pct,
)
from fsaudit.model import Format, Structure, StructureType
from fsaudit.rule import Outcome

__all__ = [
    "MONTHS_FR",
    "assumed",
    "fr_date",
    "fr_days",
    "fr_decimal",
    "fr_hours",
    "fr_int",
    "fr_list",
    "fr_signed_pct",
    "parse_date",
    "plural",
    "principal_only",
    "site_kind",
]


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


def fr_signed_pct(value: float) -> str:
    """``27.1134`` → ``+27,11 %``; ``-3.5`` → ``−3,50 %``."""
    return fr_pct(value, 2, signed=True)


def fr_days(value: float) -> str:
    """``6.5`` → ``6,5 jours``; ``1`` → ``1 jour``."""
    text = fr_decimal(float(value), 1)
    return f"{text} jour" if float(value) <= 1 else f"{text} jours"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``plural(2, "conseiller")`` → ``2 conseillers``."""
    word = singular if abs(count) <= 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def parse_date(value: Any) -> _dt.date:
    """A referential date value (``"2024-01-01"``) as a date."""
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value))
