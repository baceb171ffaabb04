"""Public-service mission rule FS-MIS-01: laïcité and neutrality, a check the auditor answers."""

from __future__ import annotations

from typing import Any

from fsaudit import CharterReference, Outcome, Rule, RuleContext, Status
from fsaudit_charter._common import fr_date, parse_date

__all__ = ["RULES"]


def check_neutrality(structure: Any, ctx: RuleContext) -> Outcome:
    """FS-MIS-01: no declaration fact can show it; the auditor answers (Vérifications sheet)."""
    since = parse_date(ctx.value("mission.neutrality_since"))
    if ctx.as_of < since:
        return Outcome.not_applicable(
            f"laïcité et neutralité vérifiées à partir du {fr_date(since)} (référentiel approuvé par "
            "l'arrêté du 16 juin 2025) : sans objet à la date de l'audit"
        )
    return Outcome.manual(
        "laïcité et neutralité du service à vérifier par l'auditeur : les conseillers sont tenus aux "
        "obligations de l'article 1er de la loi n° 2021-1109 (mission de service public) ; réponse à "
        "consigner dans la feuille Vérifications (conforme ou non conforme, avec le constat)",
        depuis=since.isoformat(),
    )


RULES = [
    Rule(
        id="FS-MIS-01",
        title="Laïcité et neutralité du service",
        severity="info",
        applies_to="toutes les structures",
        domain="service public",
        reference=CharterReference(
            "Les conseillers France services sont tenus au respect des principes de laïcité, de "
            "neutralité et d'égalité (article 1er de la loi n° 2021-1109, mission de service public).",
            "Arrêté du 16 juin 2025 portant approbation du référentiel France services, partie I",
            "C",
        ),
        description=(
            "Aucune donnée de la déclaration ne le montre : la règle demande à l'auditeur de le "
            "vérifier (à vérifier), et sa réponse, consignée dans la feuille Vérifications, donne le "
            "résultat (conforme ou non conforme). Elle s'applique à partir de la date du référentiel "
            "« mission.neutrality_since » (16 juin 2025, date de l'arrêté) et est sans objet avant. "
            "Gravité par défaut info : la vérification en attente ne change pas la décision ; une "
            "préfecture qui veut en faire une condition de la décision relève sa gravité dans une "
            "surcouche du référentiel."
        ),
        remediation=(
            "Rappeler aux conseillers leurs obligations de laïcité et de neutralité (affichage, "
            "tenue, propos, égalité de traitement des usagers) et consigner la vérification."
        ),
        check=check_neutrality,
        cacheable=True,
        needs=(),
        statuses=(Status.MANUAL, Status.NOT_APPLICABLE),
    ),
]
