"""Rule documentation in French, for ``fsaudit rules``."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

__all__ = ["describe_rule", "rules_table"]

_CONFIDENCE = {
    "C": "source officielle ou primaire",
    "C2": "source secondaire seulement",
    "U": "pratique rapportée qu'aucune source ne formule : règle paramétrable, gravité au plus mineure",
}


def _wrap(text: str, indent: str = "  ") -> str:
    return "\n".join(
        textwrap.fill(par, width=96, initial_indent=indent, subsequent_indent=indent)
        for par in text.split("\n")
    )


def rules_table(rules: Sequence[Any], referential: Any) -> str:
    """One line per rule: id, severity in force, scope, title, source."""
    lines = [f"Règles appliquées (référentiel {referential.id}, en vigueur depuis le {referential.valid_from:%d/%m/%Y})", ""]
    header = f"{'Règle':<12} {'Gravité':<9} {'Domaine':<16} {'Titre'}"
    lines += [header, "-" * len(header)]
    for rule in rules:
        severity = referential.severity_for(rule.id, rule.severity.value)
        lines.append(f"{rule.id:<12} {severity:<9} {rule.domain:<16} {rule.title}")
        lines.append(f"{'':<12} champ : {rule.applies_to} ; source : {rule.reference.source} [{rule.reference.confidence}]")
    lines += ["", f"{len(rules)} règles. Détail d'une règle : fsaudit rules FS-HOR-01"]
    return "\n".join(lines)


def describe_rule(rule: Any, referential: Any, plugin: str) -> str:
    """Everything an auditor needs to know about one rule, in French."""
    severity = referential.severity_for(rule.id, rule.severity.value)
    parts = [
        f"{rule.id} — {rule.title}",
        "",
        f"Gravité : {severity} (référentiel {referential.id}) ; gravité par défaut : {rule.severity.value}",
        f"Champ d'application : {rule.applies_to}",
        f"Domaine : {rule.domain} ; portée : {'réseau (toutes les structures ensemble)' if rule.scope.value == 'network' else 'chaque structure'}",
        f"Plugin : {plugin}",
        "",
        "Ce que la règle vérifie :",
        _wrap(rule.description),
        "",
        "Exigence de la charte :",
        _wrap(rule.reference.text),
        f"  Source : {rule.reference.source}",
        f"  Fiabilité : {rule.reference.confidence} — {_CONFIDENCE.get(rule.reference.confidence, '')}",
        "",
        "Comment corriger un écart :",
        _wrap(rule.remediation),
    ]
    if rule.needs:
        parts += ["", f"Données de la déclaration utilisées : {', '.join(rule.needs)}"]
    return "\n".join(parts)
