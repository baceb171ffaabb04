"""Funding rule FS-FIN-01: the annual operating forfait due for the audit year."""

from __future__ import annotations

from typing import Any

from fsaudit import (
    CharterReference,
    Format,
    GestionnaireKind,
    LabelStatus,
    Outcome,
    Rule,
    RuleContext,
    Status,
)
from fsaudit_charter._common import fr_int, principal_only
from fsaudit_charter.referentials import load_forfaits

__all__ = ["RULES"]


def check_forfait(structure: Any, ctx: RuleContext) -> Outcome:
    """FS-FIN-01."""
    skip = principal_only(structure)
    if skip is not None:
        return skip
    label = structure.label
    if label is None:
        return Outcome.manual(
            "statut de labellisation non déclaré : forfait de fonctionnement à établir", field="label"
        )
    if label.status is LabelStatus.CANDIDATE:
        return Outcome.not_applicable(
            "candidature : le forfait de fonctionnement est versé aux structures labellisées",
            field="label.status",
        )
    if label.date is not None and label.date > ctx.as_of:
        return Outcome.manual(
            f"labellisation datée du {label.date:%d/%m/%Y}, après la date de l'audit ({ctx.as_of:%d/%m/%Y}) : "
            "forfait de fonctionnement à établir",
            field="label.date",
        )
    year = ctx.as_of.year
    forfaits = load_forfaits()
    amount = forfaits.amount_for(year)
    if amount is None:
        known = sorted(forfaits.amounts)
        return Outcome.manual(
            f"forfait de fonctionnement {year} absent de la table des forfaits "
            f"(années connues : {known[0]} à {known[-1]}) : montant à établir",
            field="label",
            annee=year,
        )
    evidence: dict[str, Any] = {
        "annee": year,
        "montant_eur": amount,
        "detail": forfaits.details.get(year, ""),
        "source": forfaits.source,
    }
    message = f"forfait de fonctionnement {year} dû : {fr_int(amount)} €"
    gestionnaire = structure.gestionnaire
    if gestionnaire is not None and gestionnaire.kind is GestionnaireKind.LA_POSTE:
        # The postal fund's share is known for the years whose detail gives it (2020-2022) only.
        if "fonds postal" in evidence["detail"]:
            message += " (structure gérée par La Poste : financement par le fonds postal, voir le détail)"
        else:
            message += f" (structure gérée par La Poste : part du fonds postal non connue pour {year})"
    if structure.format is Format.BUS:
        message += " (bus : même forfait de fonctionnement)"
    return Outcome.passed(message, field="label", **evidence)


RULES = [
    Rule(
        id="FS-FIN-01",
        title="Forfait annuel de fonctionnement dû pour l'année de l'audit",
        severity="info",
        applies_to="structures principales labellisées ; candidatures et antennes : sans objet",
        domain="financement",
        reference=CharterReference(
            "Subvention annuelle de fonctionnement par structure labellisée : 30 000 € de 2020 à 2022 "
            "(15 000 € FNADT et 15 000 € du fonds national France services ; sites La Poste : "
            "26 000 € du fonds postal et 4 000 €), 35 000 € en 2023, 40 000 € en 2024, 45 000 € en "
            "2025, 50 000 € en 2026 ; les bus reçoivent le même forfait.",
            "Annonces de l'État (trajectoire annoncée en 2023) ; préfecture du Gers, 5 octobre 2023 "
            "(table rules/forfaits.json)",
            "C",
        ),
        description=(
            "Indique le montant du forfait annuel de fonctionnement dû à une structure principale "
            "labellisée pour l'année de la date d'audit, lu dans la table des forfaits. Une année "
            "absente de la table, un statut de labellisation non déclaré ou une labellisation datée "
            "après la date de l'audit rend le montant à établir. Pour une structure gérée par La "
            "Poste, la part du fonds postal n'est indiquée que pour les années où la table la donne "
            "(2020 à 2022)."
        ),
        remediation=(
            "Compléter la table des forfaits pour l'année de l'audit ou déclarer le statut de "
            "labellisation de la structure."
        ),
        check=check_forfait,
        cacheable=True,
        needs=("type", "format", "label.status", "label.date", "gestionnaire.kind"),
        statuses=(Status.PASS, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
]
