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


TABLE_WIDTH = 100
"""``fsaudit rules`` fits this many columns (long scopes and sources are wrapped)."""


def _fit(text: str, first: str, rest: str) -> list[str]:
    """Wrap ``text`` within the table width, never starting a line with « ; » or « : »."""
    glued = text.replace(" ;", "\u00a0;").replace(" :", "\u00a0:")
    return [
        line.replace("\u00a0", " ")
        for line in textwrap.wrap(glued, width=TABLE_WIDTH, initial_indent=first, subsequent_indent=rest)
    ]


def rules_table(rules: Sequence[Any], referential: Any) -> str:
    """Per rule: id, severity in force, domain, confidence, title, then its scope and source,
    within 100 columns."""
    lines = [f"Règles appliquées (référentiel {referential.id}, en vigueur depuis le {referential.valid_from:%d/%m/%Y})", ""]
    header = f"{'Règle':<12} {'Gravité':<9} {'Domaine':<16} {'Fiab.':<5} Titre"
    lines += [header, "-" * TABLE_WIDTH]
    indent = " " * 13
    for rule in rules:
        severity = referential.severity_for(rule.id, rule.severity.value)
        head = f"{rule.id:<12} {severity:<9} {rule.domain:<16} {'[' + rule.reference.confidence + ']':<5} "
        lines += _fit(rule.title, head, " " * len(head))
        lines += _fit(f"champ : {rule.applies_to}", indent, indent + "  ")
        lines += _fit(f"source : {rule.reference.source}", indent, indent + "  ")
    lines += [
        "",
        "Fiabilité : [C] source officielle, [C2] source secondaire, [U] pratique (paramétrable).",
        f"{len(rules)} règles. Détail d'une règle : fsaudit rules FS-HOR-01",
    ]
    return "\n".join(lines)


def describe_rule(rule: Any, referential: Any, plugin: str) -> str:
    """Everything an auditor needs to know about one rule, in French."""
    severity = referential.severity_for(rule.id, rule.severity.value)
    parts = [
        f"{rule.id} — {rule.title}",
        "",
        f"Gravité : {severity} (référentiel {referential.id}) ; gravité par défaut : {rule.severity.value}",
        "\n".join(_fit(f"Champ d'application : {rule.applies_to}", "", "  ")),
        f"Domaine : {rule.domain} ; portée : {'réseau (toutes les structures ensemble)' if rule.scope.value == 'network' else 'chaque structure'}",
        f"Plugin : {plugin}",
        "",
        "Ce que la règle vérifie :",
        _wrap(rule.description),
        "",
        "Exigence de la charte :",
        _wrap(rule.reference.text),
        "\n".join(_fit(f"Source : {rule.reference.source}", "  ", "    ")),
        "\n".join(_fit(f"Fiabilité : {rule.reference.confidence} — {_CONFIDENCE.get(rule.reference.confidence, '')}", "  ", "    ")),
        "",
        "Comment corriger un écart :",
        _wrap(rule.remediation),
    ]
    if rule.needs:
        parts += ["", *_fit(f"Données de la déclaration utilisées : {', '.join(rule.needs)}", "", "  ")]
    return "\n".join(parts)
