"""Generate ``docs/rules.md`` (French) from the metadata of the charter rules.

Run ``python -m fsaudit_charter.docgen > docs/rules.md`` after changing a rule or a referential;
a test fails when the committed file drifts from the metadata.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["rules_markdown"]

_CONFIDENCE = {
    "C": "[C] source officielle ou primaire",
    "C2": "[C2] source secondaire seulement",
    "U": "[U] pratique rapportée qu'aucune source ne formule : règle paramétrable, gravité au plus mineure",
}

_SCOPE = {"network": "réseau (toutes les structures ensemble)", "structure": "chaque structure"}


def rules_markdown(rules: Sequence[Any] | None = None, referentials: Sequence[Any] | None = None) -> str:
    """The French Markdown documentation of ``rules`` (default: every rule of the pack)."""
    from fsaudit.referential import load_referentials

    from fsaudit_charter import all_rules

    rules = list(rules if rules is not None else all_rules())
    referentials = list(referentials if referentials is not None else load_referentials())
    out = [
        "# Règles de la charte France services",
        "",
        "Ce document est produit à partir des métadonnées des règles "
        "(`python -m fsaudit_charter.docgen > docs/rules.md`) ; ne pas le modifier à la main. "
        "La même documentation s'affiche avec `fsaudit rules` et `fsaudit rules IDENTIFIANT`.",
        "",
        "Statuts d'une règle sur une structure : conforme, non conforme, avertissement, sans objet, "
        "à vérifier (jugement de l'auditeur), dérogation, erreur de règle. Gravités : bloquant "
        "(empêche le label), majeur (plan d'actions), mineur, info. Les seuils, listes de "
        "partenaires et montants viennent des référentiels datés de `rules/`, choisis par la date "
        "de l'audit.",
        "",
        "| Règle | Titre | Gravité par défaut | Fiabilité |",
        "|---|---|---|---|",
    ]
    for rule in rules:
        out.append(
            f"| [{rule.id}](#{rule.id.lower()}) | {rule.title} | {rule.severity.value} | "
            f"[{rule.reference.confidence}] |"
        )
    for rule in rules:
        severities = " ; ".join(
            f"{ref.id} : {ref.severity_for(rule.id, rule.severity.value)}" for ref in referentials
        )
        out += [
            "",
            f"## {rule.id}",
            "",
            f"**{rule.title}**",
            "",
            f"- Domaine : {rule.domain}",
            f"- Champ d'application : {rule.applies_to}",
            f"- Portée : {_SCOPE[rule.scope.value]}",
            f"- Gravité par défaut : {rule.severity.value} ; dans les référentiels : {severities}",
            "",
            "Ce que la règle vérifie :",
            "",
            rule.description,
            "",
            "Exigence de la charte :",
            "",
            f"> {rule.reference.text}",
            "",
            f"- Source : {rule.reference.source}",
            f"- Fiabilité : {_CONFIDENCE[rule.reference.confidence]}",
            "",
            f"Comment corriger un écart : {rule.remediation}",
        ]
        if rule.needs:
            out += ["", f"Données de la déclaration utilisées : {', '.join(f'`{n}`' for n in rule.needs)}"]
    return "\n".join(out) + "\n"


def main() -> int:
    """Write the documentation on standard output."""
    sys.stdout.write(rules_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
