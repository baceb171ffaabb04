"""National partner rules FS-PAR-01 to FS-PAR-03."""

from __future__ import annotations

from typing import Any

from fsaudit.referential import Partner, Referential, load_referentials
from fsaudit.rule import CharterReference, Outcome, Rule, RuleContext

from fsaudit_charter._common import fr_list, plural, principal_only

__all__ = ["RULES", "offered_partners"]

_SOURCE_PARTNERS = (
    "Circulaire n° 6094-SG du 1er juillet 2019 (9 partenaires nationaux, « l'offre n'est plus à "
    "géométrie variable ») ; élargissement au 1er janvier 2024 (Anah, chèque énergie) ; Urssaf en 2025"
)
_SOURCE_REFERENTS = (
    "Circulaire n° 6094-SG du 1er juillet 2019 (chaque opérateur désigne des référents locaux) ; "
    "sources secondaires concordantes sur le back-office des référents"
)


def offered_partners(structure_partners: Any, referential: Referential) -> dict[str, Partner]:
    """The referential's partners a declaration offers, by partner id (aliases resolved)."""
    found: dict[str, Partner] = {}
    for offer in structure_partners or ():
        partner = referential.resolve_partner(offer.operator)
        if partner is not None:
            found.setdefault(partner.id, partner)
    return found


def check_all_partners(structure: Any, ctx: RuleContext) -> Outcome:
    """FS-PAR-01."""
    skip = principal_only(structure)
    if skip is not None:
        return skip
    if structure.partners is None:
        return Outcome.manual("partenaires non déclarés : offre de services à vérifier", field="partners")
    referential = ctx.referential
    offered = offered_partners(structure.partners, referential)
    required = list(referential.partners)
    missing = [p for p in required if p.id not in offered]
    evidence: dict[str, Any] = {
        "referentiel": referential.id,
        "partenaires_exiges": len(required),
        "partenaires_proposes": sorted(offered),
        "manquants": [p.name for p in missing],
    }
    if missing:
        return Outcome.failed(
            f"{plural(len(missing), 'partenaire national manquant', 'partenaires nationaux manquants')} "
            f"sur {len(required)} ({referential.id}) : {fr_list([p.name for p in missing])}",
            field="partners",
            **evidence,
        )
    return Outcome.passed(
        f"les {len(required)} partenaires nationaux du référentiel {referential.id} sont proposés",
        field="partners",
        **evidence,
    )


def check_referents(structure: Any, ctx: RuleContext) -> Outcome:
    """FS-PAR-02."""
    skip = principal_only(structure)
    if skip is not None:
        return skip
    if structure.partners is None:
        return Outcome.manual("partenaires non déclarés : référents à vérifier", field="partners")
    if not structure.partners:
        return Outcome.not_applicable("aucun partenaire déclaré (voir FS-PAR-01)", field="partners")
    missing = [
        (index, offer.operator)
        for index, offer in enumerate(structure.partners)
        if not (offer.referent or "").strip()
    ]
    if missing:
        return Outcome.failed(
            f"référent local non nommé pour {plural(len(missing), 'partenaire')} : "
            f"{fr_list([name for _, name in missing])}",
            field=f"partners[{missing[0][0]}].referent",
            sans_referent=[name for _, name in missing],
        )
    return Outcome.passed(
        f"un référent local nommé pour chacun des {plural(len(structure.partners), 'partenaire')} proposés",
        field="partners",
    )


def _known_elsewhere(name: str, referential: Referential) -> list[str]:
    """Ids of the other referentials where ``name`` is a national partner."""
    try:
        others = load_referentials()
    except Exception:  # noqa: BLE001 - the suggestion is a courtesy, never a failure
        return []
    return [r.id for r in others if r.id != referential.id and r.resolve_partner(name) is not None]


def check_names(structure: Any, ctx: RuleContext) -> Outcome:
    """FS-PAR-03."""
    if not structure.partners:
        return Outcome.not_applicable("aucun partenaire déclaré", field="partners")
    referential = ctx.referential
    unknown: list[tuple[int, str]] = []
    out_of_scope: list[str] = []
    suggestions: dict[str, str | None] = {}
    for index, offer in enumerate(structure.partners):
        if referential.resolve_partner(offer.operator) is not None:
            continue
        elsewhere = _known_elsewhere(offer.operator, referential)
        if elsewhere:
            out_of_scope.append(f"« {offer.operator} » (partenaire national dans {fr_list(elsewhere)})")
            continue
        closest = referential.closest_partner(offer.operator)
        suggestions[offer.operator] = closest.name if closest else None
        hint = f"le plus proche : {closest.name}" if closest else "aucun partenaire national proche"
        unknown.append((index, f"« {offer.operator} » ({hint})"))
    if unknown:
        return Outcome.warned(
            f"{plural(len(unknown), 'nom de partenaire non reconnu', 'noms de partenaires non reconnus')} : "
            + " ; ".join(text for _, text in unknown),
            field=f"partners[{unknown[0][0]}].operator",
            suggestions=suggestions,
        )
    message = f"les {plural(len(structure.partners), 'nom')} de partenaires sont reconnus"
    if out_of_scope:
        message += f", dont hors du socle de {referential.id} : {fr_list(out_of_scope)}"
    return Outcome.passed(message, field="partners")


RULES = [
    Rule(
        id="FS-PAR-01",
        title="Tous les partenaires nationaux du référentiel en vigueur sont proposés",
        severity="bloquant",
        applies_to="structures principales ; antennes : sans objet",
        domain="partenaires",
        reference=CharterReference(
            "Chaque France services propose l'offre de tous les partenaires nationaux : 9 en 2020 "
            "(DGFiP, Intérieur, Justice, CNAF, CNAM, CNAV, MSA, Pôle emploi, La Poste), Anah et "
            "chèque énergie en plus au 1er janvier 2024 (au moins 11), Urssaf en 2025 (au moins 12).",
            _SOURCE_PARTNERS,
            "C",
        ),
        description=(
            "Reconnaît chaque partenaire déclaré par son nom ou l'un de ses alias (CAF = CNAF, "
            "CARSAT = Assurance retraite, Pôle emploi = France Travail, ANTS = France Titres…) et "
            "vérifie que chaque partenaire national du référentiel en vigueur à la date de l'audit "
            "est proposé. Les partenaires manquants sont cités sous leur nom en vigueur. Un service "
            "local complémentaire ne remplace jamais un partenaire national."
        ),
        remediation=(
            "Conventionner avec les partenaires nationaux manquants et organiser leur offre "
            "(permanence, visioconférence, rendez-vous ou référent), puis la déclarer."
        ),
        check=check_all_partners,
        needs=("partners[].operator",),
    ),
    Rule(
        id="FS-PAR-02",
        title="Un référent local nommé pour chaque partenaire",
        severity="majeur",
        applies_to="structures principales ; antennes : sans objet",
        domain="partenaires",
        reference=CharterReference(
            "Chaque opérateur désigne des référents locaux qui répondent aux conseillers (back-office).",
            _SOURCE_REFERENTS,
            "C2",
        ),
        description=(
            "Vérifie que chaque partenaire déclaré a un référent local nommé (champ non vide). "
            "L'exigence des référents n'est formulée que par des sources secondaires concordantes."
        ),
        remediation=("Obtenir de chaque partenaire le nom de son référent local et le déclarer."),
        check=check_referents,
        needs=("partners[].referent",),
    ),
    Rule(
        id="FS-PAR-03",
        title="Noms de partenaires reconnus",
        severity="mineur",
        applies_to="toutes les structures",
        domain="partenaires",
        reference=CharterReference(
            "Les partenaires nationaux sont désignés sous des noms variés (CAF = CNAF, CPAM = CNAM, "
            "CARSAT = CNAV = Assurance retraite, DDFiP = DGFiP = Finances publiques, ANTS = France "
            "Titres = Intérieur, Pôle emploi = France Travail).",
            "Catalogue des règles fsaudit (CHARTER.md §4) ; alias tenus dans le référentiel",
            "C",
        ),
        description=(
            "Signale par un avertissement chaque nom de partenaire qui ne correspond à aucun "
            "partenaire national ni alias du référentiel en vigueur, avec le partenaire le plus "
            "proche, pour que la déclaration soit corrigée : un nom non reconnu ne compte pas pour "
            "FS-PAR-01. Un partenaire national d'une autre version de la charte (Urssaf avant 2025) "
            "est reconnu et signalé comme hors du socle en vigueur."
        ),
        remediation=(
            "Déclarer le partenaire sous son nom officiel ou l'un de ses alias (par exemple « CAF »)."
        ),
        check=check_names,
        needs=("partners[].operator",),
    ),
]
