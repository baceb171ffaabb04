"""Generate ``docs/rules.md`` and ``docs/missing-facts.md`` (French) from the charter rules.

Run ``python -m fsaudit_charter.docgen > docs/rules.md`` and ``python -m fsaudit_charter.docgen
--missing-facts > docs/missing-facts.md`` after changing a rule or a referential; a test fails
when a committed file drifts from what the rules give.

The missing-facts table is computed by running the rules: for each rule and each fact it needs,
the test structure of :func:`fsaudit.testing.make_structure` (which meets every rule) loses that
fact, and the table records the status the rule then gives.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import attrs

__all__ = ["MissingFactCell", "missing_fact_cells", "missing_facts_markdown", "rules_markdown"]

MISSING_FACTS_AS_OF = "2025-06-30"
"""Audit date of the missing-facts table (referential charte-2025, FS-MIS-01 in force)."""

_CONFIDENCE = {
    "C": "[C] source officielle ou primaire",
    "C2": "[C2] source secondaire seulement",
    "U": "[U] pratique rapportée qu'aucune source ne formule : règle paramétrable, gravité au plus mineure",
}

_SCOPE = {"network": "réseau (toutes les structures ensemble)", "structure": "chaque structure"}


def rules_markdown(rules: Sequence[Any] | None = None, referentials: Sequence[Any] | None = None) -> str:
    """The French Markdown documentation of ``rules`` (default: every rule of the pack)."""
    from fsaudit_charter import all_rules
    from fsaudit_charter.referentials import charter_referentials

    rules = list(rules if rules is not None else all_rules())
    referentials = list(referentials if referentials is not None else charter_referentials())
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
        "de l'audit ; leur fiabilité, le socle de 2025 et la surcouche d'une préfecture sont décrits "
        "dans `docs/referentiel.md`, et le statut de chaque règle quand une donnée manque dans "
        "`docs/missing-facts.md`.",
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
        severities = " ; ".join(f"{ref.id} : {ref.severity_for(rule.id, rule.severity.value)}" for ref in referentials)
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
            f"- Statuts possibles : {', '.join(status.label for status in rule.statuses) or 'non déclarés'}",
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
        else:
            out += ["", "Données de la déclaration utilisées : aucune (vérification de l'auditeur)."]
    return "\n".join(out) + "\n"


@attrs.frozen
class MissingFactCell:
    """One cell of the missing-facts table: ``rule`` without ``fact`` gives ``status``."""

    rule: str
    fact: str
    status: Any
    """The :class:`~fsaudit.model.rule.Status` the rule gives without the fact; ``None`` when the
    fact is required (it can be unreadable, never missing)."""
    message: str


def missing_fact_cells(rules: Sequence[Any] | None = None) -> list[MissingFactCell]:
    """Run each rule on the test structure without each fact it needs (see the module docstring)."""
    import datetime as _dt

    from fsaudit.testing import audit_structures, make_departement, make_structure, remove_fact, result_of
    from fsaudit_charter import all_rules

    as_of = _dt.date.fromisoformat(MISSING_FACTS_AS_OF)
    cells = []
    for rule in rules if rules is not None else all_rules():
        for fact in rule.needs:
            try:
                structure = remove_fact(make_structure(), fact)
            except ValueError:
                cells.append(MissingFactCell(rule.id, fact, None, ""))
                continue
            report = audit_structures([structure], as_of=as_of, departements=[make_departement()])
            result = result_of(report, rule.id)
            cells.append(MissingFactCell(rule.id, fact, result.status, result.message))
    return cells


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def missing_facts_markdown(rules: Sequence[Any] | None = None) -> str:
    """The French table of every charter rule × each fact it needs → its status without it."""
    from fsaudit_charter import all_rules

    rules = list(rules if rules is not None else all_rules())
    out = [
        "# Données manquantes : ce que répond chaque règle",
        "",
        "Ce document est produit en exécutant les règles (`python -m fsaudit_charter.docgen "
        "--missing-facts > docs/missing-facts.md`) ; ne pas le modifier à la main : un test échoue "
        "quand il ne correspond plus à ce que donnent les règles, et un test par case vérifie le "
        "statut indiqué.",
        "",
        "Principe : une donnée qui n'a pas été lue n'est jamais traitée comme absente, et une donnée "
        "absente n'est jamais un manquement. Une règle dont une donnée manque répond « à vérifier » "
        "(en disant ce qui manque), « sans objet » ou « conforme » quand la donnée n'était pas "
        "nécessaire à ce cas, jamais « non conforme ». Chaque ligne part de la structure de test "
        f"(`fsaudit.testing.make_structure()`, auditée au {MISSING_FACTS_AS_OF} sous le bloc "
        "département `make_departement()`), qui satisfait toutes les règles, et lui retire une seule "
        "donnée (`None` ; pour un élément de liste, la donnée de chaque élément ; une donnée "
        "obligatoire retire ce qui la contient : `label.status` retire `label`).",
        "",
        "Une donnée présente mais illisible (cellule « neuf heures », valeur du mauvais type) rend "
        "toujours « à vérifier » chaque règle qui en a besoin : « non évaluable : donnée illisible ou "
        "absente (emplacement : raison) », et la décision est « instruction incomplète ».",
        "",
        "| Règle | Donnée manquante | Statut sans la donnée | Message |",
        "|---|---|---|---|",
    ]
    for cell in missing_fact_cells(rules):
        if cell.status is None:
            status, message = "— (obligatoire)", "donnée obligatoire : jamais absente, seulement illisible"
        else:
            status, message = cell.status.label, cell.message
        out.append(f"| {cell.rule} | `{cell.fact}` | {status} | {_cell(message)} |")
    for rule in rules:
        if not rule.needs:
            out.append(f"| {rule.id} | aucune | — | la règle ne lit aucune donnée de la déclaration |")
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the rules documentation (or, with ``--missing-facts``, the table) on standard output."""
    args = list(sys.argv[1:] if argv is None else argv)
    sys.stdout.write(missing_facts_markdown() if "--missing-facts" in args else rules_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
