"""An example fsaudit plugin: rules of a (fictitious) departmental convention.

Everything a plugin needs is here: the API version it targets, rules with their metadata, and
check functions that return one :class:`fsaudit.Outcome` per structure.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from fsaudit import CharterReference, Outcome, Rule, RuleContext, Structure, hookimpl

__version__ = "1.0.0"


@lru_cache(maxsize=1)
def convention() -> dict[str, Any]:
    """The local referential shipped with the plugin."""
    text = resources.files(__name__).joinpath("convention.json").read_text(encoding="utf-8")
    return json.loads(text)


def _saturday_minutes(structure: Structure) -> int:
    hours = structure.opening_hours
    if hours is None:
        return 0
    return sum(r.minutes for r in hours.saturday)


def check_saturday(structure: Structure, ctx: RuleContext) -> Outcome:
    """EXD-SAM-01: at least the convention's minimum of Saturday opening."""
    if structure.is_antenne:
        return Outcome.not_applicable("antenne : la convention ne l'exige que des structures principales")
    if structure.opening_hours is None:
        return Outcome.manual(
            "horaires non déclarés : ouverture du samedi impossible à vérifier", field="opening_hours"
        )
    minimum = convention()["saturday_min_hours"]
    minutes = _saturday_minutes(structure)
    if minutes >= minimum * 60:
        return Outcome.passed(
            f"ouverte {minutes / 60:g} h le samedi (minimum local {minimum} h)",
            field="opening_hours.saturday",
            heures_samedi=minutes / 60,
            minimum=minimum,
        )
    return Outcome.failed(
        f"ouverte {minutes / 60:g} h le samedi, sous le minimum local de {minimum} h",
        field="opening_hours.saturday",
        heures_samedi=minutes / 60,
        minimum=minimum,
    )


def check_booking(structure: Structure, ctx: RuleContext) -> Outcome:
    """EXD-RDV-01: appointment booking offered."""
    if structure.appointment_booking is None:
        return Outcome.manual("prise de rendez-vous non déclarée", field="appointment_booking")
    if structure.appointment_booking:
        return Outcome.passed("prise de rendez-vous proposée", field="appointment_booking")
    return Outcome.failed("prise de rendez-vous non proposée", field="appointment_booking")


def _reference() -> CharterReference:
    return CharterReference(convention()["title"], convention()["source"], "U")


RULES = [
    Rule(
        id="EXD-SAM-01",
        title="Ouverture le samedi (convention départementale)",
        severity="mineur",
        applies_to="structures principales du département",
        domain="horaires",
        reference=_reference(),
        description=(
            "Exige une ouverture minimale le samedi, fixée par la convention départementale "
            "(valeur lue dans convention.json). Exemple fictif de règle locale."
        ),
        remediation="Ouvrir la structure le samedi au moins le temps fixé par la convention.",
        check=check_saturday,
        needs=("opening_hours",),
    ),
    Rule(
        id="EXD-RDV-01",
        title="Prise de rendez-vous proposée (convention départementale)",
        severity="info",
        applies_to="toutes les structures du département",
        domain="accueil",
        reference=_reference(),
        description="Vérifie que la structure propose la prise de rendez-vous. Exemple fictif de règle locale.",
        remediation="Proposer la prise de rendez-vous (téléphone ou en ligne) en plus de l'accueil libre.",
        check=check_booking,
        needs=("appointment_booking",),
    ),
]


@hookimpl
def fsaudit_api_version() -> str:
    return "1"


@hookimpl
def fsaudit_rules() -> list[Rule]:
    return RULES
