"""A third-party plugin written only against fsaudit's public API, for the tests: it declares an
extension fact (``extensions.guichet.horaires_numeriques``) with its JSON Schema, reads a value
of its configuration (``[plugins.guichet] minimum``), and gives a remediation the action plan uses."""

from __future__ import annotations

from typing import Any

from fsaudit import CharterReference, Outcome, Rule, RuleContext, Structure, hookimpl

NAME = "guichet"

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "horaires_numeriques": {"type": "integer", "minimum": 0},
        "referent": {"type": "string", "minLength": 1},
    },
}


def check_digital_hours(structure: Structure, ctx: RuleContext) -> Outcome:
    """GUI-NUM-01: at least the configured weekly hours of digital help."""
    minimum = int(ctx.plugin_config(NAME).get("minimum", 4))
    facts = (structure.extensions or {}).get(NAME)
    hours = facts.get("horaires_numeriques") if facts is not None else None
    if hours is None:
        return Outcome.manual("heures d'aide numérique non déclarées", field=f"extensions.{NAME}.horaires_numeriques")
    if hours >= minimum:
        return Outcome.passed(
            f"{hours} h d'aide numérique (minimum local {minimum} h)",
            field=f"extensions.{NAME}.horaires_numeriques",
            heures=hours,
            minimum=minimum,
        )
    return Outcome.failed(
        f"{hours} h d'aide numérique, sous le minimum local de {minimum} h",
        field=f"extensions.{NAME}.horaires_numeriques",
        heures=hours,
        minimum=minimum,
    )


RULE = Rule(
    id="GUI-NUM-01",
    title="Aide numérique hebdomadaire",
    severity="majeur",
    applies_to="toutes les structures",
    domain="numérique",
    reference=CharterReference("Convention locale, art. 2", "Préfecture (exemple de test)", "C"),
    description="Heures d'aide numérique par semaine, au moins le minimum de la configuration.",
    remediation="Ouvrir un créneau d'aide numérique supplémentaire et le déclarer.",
    check=check_digital_hours,
    needs=(f"extensions.{NAME}.horaires_numeriques",),
)


@hookimpl
def fsaudit_api_version() -> str:
    return "2"


@hookimpl
def fsaudit_rules() -> list[Rule]:
    return [RULE]


@hookimpl
def fsaudit_extension_schemas() -> dict[str, Any]:
    return {NAME: SCHEMA}
