"""French formatting of numbers, hours, dates and lists, shared by rules, summaries and reports."""

from __future__ import annotations

from typing import Any

__all__ = [
    "MONTHS_FR",
    "NARROW_NBSP",
    "fr_date",
    "fr_decimal",
    "fr_hours",
    "fr_int",
    "fr_list",
    "fr_number",
    "fr_pct",
    "fr_signed",
]

NARROW_NBSP = "\u202f"
"""Thousands separator of French numbers (espace fine insécable)."""

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
    """``38792`` → ``38 792``."""
    return f"{int(value):,}".replace(",", NARROW_NBSP)


def fr_signed(value: int) -> str:
    """``8274`` → ``+8 274``; ``-12`` → ``−12``."""
    return ("+" if value >= 0 else "−") + fr_int(abs(value))


def fr_number(value: float, decimals: int = 1) -> str:
    """``1234.5`` → ``1 234,5`` (always ``decimals`` decimals)."""
    return f"{value:,.{decimals}f}".replace(",", NARROW_NBSP).replace(".", ",")


def fr_decimal(value: float, decimals: int = 2) -> str:
    """``27.1134`` → ``27,11``; ``6.5`` with 1 decimal → ``6,5``; ``12.0`` → ``12``."""
    text = fr_number(value, decimals)
    if decimals and text.endswith("," + "0" * decimals):
        text = text[: -(decimals + 1)]
    return text


def fr_pct(value: float, decimals: int = 2, signed: bool = False) -> str:
    """``27.1134`` → ``27,11 %``; with ``signed``: ``+27,11 %`` (``−`` for a decrease)."""
    body = fr_number(abs(value), decimals)
    sign = ("+" if value >= 0 else "−") if signed else ("−" if value < 0 else "")
    return f"{sign}{body} %"


def fr_hours(minutes: int) -> str:
    """``1950`` → ``32 h 30``; ``1440`` → ``24 h``."""
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


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
