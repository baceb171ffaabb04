"""Helpers shared by the charter rules: scopes and French formatting."""

from __future__ import annotations

import datetime as _dt
from typing import Any

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


# --- French formatting ------------------------------------------------------------------------

NARROW_NBSP = "\u202f"
"""Thousands separator of French numbers (same as the text report)."""

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def fr_int(value: int) -> str:
    """``38792`` → ``38 792`` (narrow no-break space between thousands)."""
    return f"{int(value):,}".replace(",", NARROW_NBSP)


def fr_decimal(value: float, decimals: int = 2) -> str:
    """``27.1134`` → ``27,11``; ``6.5`` with 1 decimal → ``6,5``; ``12.0`` → ``12``."""
    text = f"{value:,.{decimals}f}".replace(",", NARROW_NBSP).replace(".", ",")
    if decimals and text.endswith("," + "0" * decimals):
        text = text[: -(decimals + 1)]
    return text


def fr_signed_pct(value: float) -> str:
    """``27.1134`` → ``+27,11 %``; ``-3.5`` → ``−3,50 %``."""
    body = f"{abs(value):,.2f}".replace(",", NARROW_NBSP).replace(".", ",")
    sign = "+" if value >= 0 else "−"
    return f"{sign}{body} %"


def fr_days(value: float) -> str:
    """``6.5`` → ``6,5 jours``; ``1`` → ``1 jour``."""
    text = fr_decimal(float(value), 1)
    return f"{text} jour" if float(value) <= 1 else f"{text} jours"


def fr_date(value: Any) -> str:
    """A date as ``JJ/MM/AAAA``."""
    return f"{value:%d/%m/%Y}"


def fr_list(items: list[str]) -> str:
    """``["a", "b", "c"]`` → ``a, b et c``."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " et " + items[-1]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``plural(2, "conseiller")`` → ``2 conseillers``."""
    word = singular if abs(count) <= 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def parse_date(value: Any) -> _dt.date:
    """A referential date value (``"2024-01-01"``) as a date."""
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value))
