"""Local complementary services rules FS-SVC-01 and FS-SVC-02."""

from __future__ import annotations

import functools
import re
from typing import Any

from fsaudit import CharterReference, Outcome, Partner, Referential, Rule, RuleContext, Status, normalize_name
from fsaudit_charter._common import fr_list, plural

__all__ = ["RULES", "partner_in_name"]

_SOURCE_LOCAL = (
    "Circulaire n° 6094-SG du 1er juillet 2019 ; préfecture du Gers, 5 octobre 2023 : les "
    "gestionnaires peuvent ajouter des services locaux, administratifs ou de convivialité "
    "(coworking, aide au numérique…), en plus du socle garanti"
)


def _is_distinctive(alias: str) -> bool:
    """An alias that designates the partner even inside a longer name.

    Several words (« La Poste », « Pôle emploi ») or an acronym (« CAF », « DGFiP »); a single
    common word (« Poste », « Retraite », « Justice ») designates the partner only on its own,
    so that « Poste informatique en libre accès » is not taken for La Poste.
    """
    words = normalize_name(alias).split()
    if len(words) >= 2:
        return True
    letters = re.sub(r"[^A-Za-z]", "", alias)
    return len(letters) >= 3 and sum(ch.isupper() for ch in letters) >= 2


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


@functools.lru_cache(maxsize=16)
def _distinctive_aliases(
    referential_key: tuple[str, str], partners: tuple[Partner, ...]
) -> tuple[tuple[Partner, tuple[str, ...]], ...]:
    """Each partner's distinctive aliases as token tuples, computed once per referential."""
    return tuple(
        (partner, tuple(normalize_name(alias).split()))
        for partner in partners
        for alias in (partner.name, *partner.aliases)
        if _is_distinctive(alias)
    )


_FOUND: dict[int, tuple[Referential, dict[str, Partner | None]]] = {}
"""Answers of :func:`partner_in_name` by referential (held, so that its id stays its own)."""


def partner_in_name(name: str, referential: Referential) -> Partner | None:
    """The national partner a local service's name designates, or ``None``."""
    entry = _FOUND.get(id(referential))
    if entry is None or entry[0] is not referential:
        if len(_FOUND) >= 16:
            _FOUND.clear()
        entry = _FOUND[id(referential)] = (referential, {})
    answers = entry[1]
    if name in answers:
        return answers[name]
    found = _partner_in_name(name, referential)
    if len(answers) < 65536:
        answers[name] = found
    return found


def _partner_in_name(name: str, referential: Referential) -> Partner | None:
    exact = referential.resolve_partner(name)
    if exact is not None:
        return exact
    tokens = normalize_name(name).split()
    aliases = _distinctive_aliases((referential.id, referential.sha256), referential.partners)
    for partner, alias_tokens in aliases:
        if _contains(tokens, list(alias_tokens)):
            return partner
    return None


def check_categories(structure: Any, ctx: RuleContext) -> Outcome:
    """FS-SVC-01."""
    if not structure.local_services:
        return Outcome.not_applicable("aucun service local complémentaire déclaré", field="local_services")
    known = {normalize_name(c): c for c in ctx.referential.local_service_categories}
    unknown: list[tuple[int, str]] = []
    undeclared: list[tuple[int, str]] = []
    for index, service in enumerate(structure.local_services):
        if service.category is None or not service.category.strip():
            undeclared.append((index, service.name))
        elif normalize_name(service.category) not in known:
            unknown.append((index, f"« {service.name} » : catégorie « {service.category} »"))
    categories = ", ".join(ctx.referential.local_service_categories)
    if unknown:
        return Outcome.warned(
            f"{plural(len(unknown), 'service local', 'services locaux')} de catégorie inconnue : "
            + " ; ".join(text for _, text in unknown)
            + f" (catégories admises : {categories})",
            field=f"local_services[{unknown[0][0]}].category",
            categories_admises=list(ctx.referential.local_service_categories),
        )
    if undeclared:
        return Outcome.manual(
            f"catégorie non indiquée pour {fr_list([f'« {name} »' for _, name in undeclared])} : "
            f"à classer parmi {categories}",
            field=f"local_services[{undeclared[0][0]}].category",
        )
    return Outcome.passed(
        f"{plural(len(structure.local_services), 'service local', 'services locaux')} de catégorie reconnue",
        field="local_services",
    )


def check_not_partner(structure: Any, ctx: RuleContext) -> Outcome:
    """FS-SVC-02."""
    if not structure.local_services:
        return Outcome.not_applicable("aucun service local complémentaire déclaré", field="local_services")
    found: list[tuple[int, str, Partner]] = []
    for index, service in enumerate(structure.local_services):
        partner = partner_in_name(service.name, ctx.referential)
        if partner is not None:
            found.append((index, service.name, partner))
    if found:
        return Outcome.failed(
            "partenaire national déclaré comme service local : "
            + " ; ".join(f"« {name} » relève de {partner.name}" for _, name, partner in found)
            + " (à déclarer parmi les partenaires, il ne compte pas comme service local)",
            field=f"local_services[{found[0][0]}].name",
            partenaires=[partner.id for _, _, partner in found],
        )
    return Outcome.passed("aucun service local ne reprend l'offre d'un partenaire national", field="local_services")


RULES = [
    Rule(
        id="FS-SVC-01",
        title="Services locaux complémentaires de catégorie connue",
        severity="info",
        applies_to="toutes les structures",
        domain="services locaux",
        reference=CharterReference(
            "Les gestionnaires peuvent ajouter des services de leur choix, administratifs ou de "
            "convivialité (coworking, aide au numérique…), en plus du socle garanti.",
            _SOURCE_LOCAL,
            "C",
        ),
        description=(
            "Vérifie que chaque service local déclaré porte une catégorie de la liste du référentiel "
            "(administratif, numérique, social, convivialité, coworking, autre) ; une catégorie "
            "inconnue donne un avertissement, une catégorie absente est à vérifier. Sans service "
            "local, la règle est sans objet : ces services sont facultatifs."
        ),
        remediation="Classer chaque service local dans l'une des catégories admises.",
        check=check_categories,
        cacheable=True,
        needs=("local_services[].category",),
        statuses=(Status.PASS, Status.WARN, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
    Rule(
        id="FS-SVC-02",
        title="Un partenaire national n'est pas un service local",
        severity="majeur",
        applies_to="toutes les structures",
        domain="services locaux",
        reference=CharterReference(
            "L'offre des partenaires nationaux est le socle garanti de toute France services ; les "
            "services locaux s'y ajoutent sans la remplacer.",
            _SOURCE_LOCAL,
            "C",
        ),
        description=(
            "Signale un service local dont le nom désigne un partenaire national du référentiel en "
            "vigueur (nom ou alias exact, sigle comme « CAF » ou nom de plusieurs mots comme "
            "« La Poste » contenu dans le nom) : il doit être déclaré parmi les partenaires, et un "
            "service local ne satisfait jamais FS-PAR-01."
        ),
        remediation=(
            "Déclarer ce service parmi les partenaires nationaux (avec son référent) et le retirer des services locaux."
        ),
        check=check_not_partner,
        cacheable=True,
        needs=("local_services[].name",),
        statuses=(Status.PASS, Status.FAIL, Status.NOT_APPLICABLE),
    ),
]
