"""Helpers shared by the charter rules: scopes and French formatting."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable
from typing import Any

from fsaudit import (
    MONTHS_FR,
    Format,
    Outcome,
    RuleContext,
    Status,
    Structure,
    StructureType,
    fr_date,
    fr_decimal,
    fr_hours,
    fr_int,
    fr_list,
    fr_pct,
)

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
    "scope_guard",
    "site_kind",
    "undeclared_scope",
]


def principal_only(structure: Structure) -> Outcome | None:
    """``not_applicable`` for an antenne, ``None`` (go on) for a principal structure.

    A structure whose type is not declared is judged as a principal one: the antenne is the
    exception of the charter and must be declared as such (the evidence says so).
    """
    if structure.is_antenne:
        return Outcome.not_applicable("antenne : critère exigé des structures principales seulement")
    return None


def undeclared_scope(structure: Structure, *, format_matters: bool = False) -> list[str]:
    """What the declaration lacks to know whether a rule applies, in French: the type (an
    antenne is out of the scope of principal-only rules) and, where it matters, the format (a
    bus is not judged as a fixed site)."""
    missing: list[str] = []
    if structure.type is None and structure.format is not Format.ANTENNE:
        missing.append("type de structure non déclaré (une antenne n'est pas concernée)")
    if format_matters and structure.format is None and not structure.is_antenne:
        missing.append("format non déclaré (un bus ou une offre itinérante n'est pas jugé comme un lieu fixe)")
    return missing


def scope_guard(
    check: Callable[[Any, RuleContext], Outcome],
    format_matters: Callable[[RuleContext], bool] | bool = False,
) -> Callable[[Any, RuleContext], Outcome]:
    """``check``, except that a *fail* judged on an assumed scope becomes *manual*.

    A structure whose type (or, for ``format_matters``, format) is not declared is judged as a
    principal fixed one; a failure so judged rests on a fact that was not declared, and a
    missing fact is never a breach: the auditor confirms the scope.
    """

    @functools.wraps(check)
    def guarded(structure: Any, ctx: RuleContext) -> Outcome:
        outcome = check(structure, ctx)
        if outcome.status is not Status.FAIL:
            return outcome
        matters = format_matters(ctx) if callable(format_matters) else format_matters
        missing = undeclared_scope(structure, format_matters=matters)
        if not missing:
            return outcome
        return Outcome.manual(
            f"{outcome.message} ; à vérifier : {' ; '.join(missing)}",
            field=outcome.field,
            **{**outcome.evidence, "non_declare": missing},
        )

    return guarded


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
