"""Rule and referential documentation in French, for ``fsaudit rules`` and ``fsaudit referentiel``."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from fsaudit.text.french import fr_value

__all__ = ["describe_rule", "referential_text", "rules_table"]

_CONFIDENCE = {
    "C": "source officielle ou primaire",
    "C2": "source secondaire seulement",
    "U": "pratique rapportée qu'aucune source ne formule : règle paramétrable, gravité au plus mineure",
}


def _glue(text: str) -> str:
    """Non-breaking spaces where French typography forbids a line break (« x », a ; b, a : b)."""
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»").replace(" ;", "\u00a0;").replace(" :", "\u00a0:")


def _wrap(text: str, indent: str = "  ") -> str:
    return "\n".join(
        textwrap.fill(_glue(par), width=96, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)
        for par in text.split("\n")
    ).replace("\u00a0", " ")


TABLE_WIDTH = 100
"""``fsaudit rules`` fits this many columns (long scopes and sources are wrapped)."""


def _fit(text: str, first: str, rest: str) -> list[str]:
    """Wrap ``text`` within the table width, never starting a line with « ; » or « : »."""
    glued = _glue(text)
    return [
        line.replace("\u00a0", " ")
        for line in textwrap.wrap(
            glued, width=TABLE_WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
        )
    ]


def rules_table(rules: Sequence[Any], referential: Any) -> str:
    """Per rule: id, severity in force, domain, confidence, title, then its scope and source,
    within 100 columns."""
    lines = [
        f"Règles appliquées (référentiel {referential.id}, en vigueur depuis le {referential.valid_from:%d/%m/%Y})",
        "",
    ]
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
        f"Domaine : {rule.domain} ; portée : "
        f"{'réseau (toutes les structures ensemble)' if rule.scope.value == 'network' else 'chaque structure'}",
        f"Plugin : {plugin}",
        "",
        "Ce que la règle vérifie :",
        _wrap(rule.description),
        "",
        "Exigence de la charte :",
        _wrap(rule.reference.text),
        "\n".join(_fit(f"Source : {rule.reference.source}", "  ", "    ")),
        "\n".join(
            _fit(
                f"Fiabilité : {rule.reference.confidence} — {_CONFIDENCE.get(rule.reference.confidence, '')}",
                "  ",
                "    ",
            )
        ),
        "",
        "Comment corriger un écart :",
        _wrap(rule.remediation),
    ]
    parts.append("")
    if rule.needs:
        parts += _fit(f"Données de la déclaration utilisées : {', '.join(rule.needs)}", "", "  ")
    if rule.statuses:
        labels = ", ".join(status.label for status in rule.statuses)
        parts += _fit(f"Statuts possibles : {labels}", "", "  ")
    return "\n".join(parts)


_STATUS_LEGEND = (
    "Fiabilité : [C] source officielle ou primaire ; [C2] source secondaire seulement ; [U] pratique "
    "qu'aucune source ne formule (valeur paramétrable ; un délai [U] est un délai indicatif). Une "
    "surcouche de la préfecture (--referentiel) ne modifie que les valeurs [U] et [C2], ou une "
    "exigence [C] par dérogation explicite, signalée."
)


def _since(date: Any) -> str:
    return f"depuis le {date:%d/%m/%Y}" if date is not None else "date d'entrée en vigueur inconnue"


def _source_lines(referential: Any, source: str, others: Sequence[str] = ()) -> list[str]:
    title = referential.sources.get(source, {}).get("title", source)
    lines = _fit(f"source : {title}", "    ", "      ")
    for other in others:
        lines += _fit(f"autre source : {referential.sources.get(other, {}).get('title', other)}", "    ", "      ")
    return lines


def referential_text(referential: Any, as_of: Any, history: Sequence[Any]) -> str:
    """Per requirement of ``referential`` (values, partners, severities): its value, since when
    (going back through ``history``, the bundled referentials), its source and confidence mark,
    in French within 100 columns; values changed by an overlay are marked « surcouche »."""
    from fsaudit.model.referential import first_in_force

    overlay = referential.overlay
    changed = {(c.kind, c.key): c for c in overlay.changes} if overlay is not None else {}
    overlay_since = (
        f"depuis la surcouche du {overlay.date:%d/%m/%Y}"
        if overlay is not None and overlay.date
        else "depuis la surcouche"
    )
    lines = _fit(
        f"Référentiel {referential.id} en vigueur au {as_of:%d/%m/%Y} (depuis le "
        f"{referential.valid_from:%d/%m/%Y}) : {referential.title}",
        "",
        "  ",
    )
    lines += _fit(f"Fichier {referential.path}, sha256 {referential.sha256}", "", "  ")
    if overlay is not None:
        for n, line in enumerate(overlay.text_lines()):
            lines += _fit(line, "" if n == 0 else "  ", "    ")
    lines += ["", *_fit(_STATUS_LEGEND, "", ""), "", "Valeurs"]
    for key in sorted(referential.values):
        entry = referential.values[key]
        change = changed.get(("value", key))
        lines += _fit(f"{key} — {entry.label or ''}".rstrip(" —"), "  ", "    ")
        if change is not None:
            head = (
                f"valeur : {fr_value(entry.value)} (surcouche ; valeur officielle : {fr_value(change.official)}) ; "
                f"{overlay_since} ; fiabilité [{entry.confidence}]"
            )
            if change.weakened:
                head += f" ; exigence officielle affaiblie ([force] : {change.justification})"
        else:
            since = first_in_force(referential, "value", key, history)
            head = f"valeur : {fr_value(entry.value)} ; {_since(since)} ; fiabilité [{entry.confidence}]"
        lines += _fit(head, "    ", "      ")
        lines += _source_lines(referential, entry.source, entry.other_sources)
        if entry.note:
            lines += _fit(f"note : {entry.note}", "    ", "      ")
    count = referential.values.get("partners.expected_count")
    expected = f" ; nombre attendu : {fr_value(count.value)}" if count is not None else ""
    lines += ["", f"Partenaires nationaux ({len(referential.partners)}{expected})"]
    for partner in referential.partners:
        since = partner.since or first_in_force(referential, "partner", partner.id, history)
        lines += _fit(f"{partner.name} — {_since(since)} ; fiabilité [{partner.confidence}]", "  ", "    ")
        lines += _source_lines(referential, partner.source, partner.other_sources)
        if partner.aliases:
            lines += _fit(f"aussi reconnu sous : {', '.join(partner.aliases)}", "    ", "      ")
    lines += ["", "Gravités des règles"]
    for rule_id in sorted(referential.severity_entries):
        entry = referential.severity_entries[rule_id]
        change = changed.get(("severity", rule_id))
        if change is not None:
            head = (
                f"{rule_id} {entry.value} (surcouche ; gravité officielle : {change.official}) ; "
                f"{overlay_since} ; fiabilité [{entry.confidence}]"
            )
            if change.weakened:
                head += f" ; exigence officielle affaiblie ([force] : {change.justification})"
        else:
            since = first_in_force(referential, "severity", rule_id, history)
            head = f"{rule_id} {entry.value} ; {_since(since)} ; fiabilité [{entry.confidence}]"
        lines += _fit(head, "  ", "    ")
        lines += _source_lines(referential, entry.source, entry.other_sources)
        if entry.note:
            lines += _fit(f"note : {entry.note}", "    ", "      ")
    return "\n".join(lines)
