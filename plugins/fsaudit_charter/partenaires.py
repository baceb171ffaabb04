"""National partner rules FS-PAR-01 to FS-PAR-03."""

from __future__ import annotations

import difflib
import functools
import re
from typing import Any

from fsaudit import CharterReference, Outcome, Partner, Referential, Rule, RuleContext, Status, normalize_name
from fsaudit_charter._common import fr_date, fr_list, plural, principal_only, scope_guard
from fsaudit_charter.referentials import charter_referentials

__all__ = ["RULES", "offered_partners"]

_SOURCE_PARTNERS = (
    "Circulaire n° 6094-SG du 1er juillet 2019 (9 partenaires nationaux, « l'offre n'est plus à "
    "géométrie variable ») ; élargissement au 1er janvier 2024 (Anah, chèque énergie opéré par la "
    "DGEC) ; Agirc-Arrco et Urssaf au 1er janvier 2025 (Sénat, avis sur le projet de loi de finances "
    "pour 2026 ; total de 13 par ce décompte, « au moins 12 » selon un communiqué de novembre 2025)"
)
_SOURCE_REFERENTS = (
    "Sources secondaires concordantes (chaque opérateur désigne des référents locaux, back-office "
    "des conseillers) ; Cour des comptes 2024, qui le recommande encore : obligation de l'opérateur"
)
_NONE_MARKS = frozenset(
    normalize_name(text)
    for text in ("aucun", "aucune", "néant", "non", "non désigné", "non désignée", "pas de référent", "sans référent")
)
"""A referent declared as these words is declared absent (the workbook's « aucun » convention)."""

_UNKNOWN_MARKS = re.compile(
    r"(?:en cours|en attente|a (?:designer|definir|preciser|venir|completer|confirmer)|inconnue?|nc|n a|nsp"
    r"|ne sait pas|non (?:renseignee?|communiquee?|connue?))\b"
)
"""A referent typed as these words (folded), or as punctuation only (« ? », « - »), is not named:
whether there is one is unknown."""


def offered_partners(structure_partners: Any, referential: Referential) -> dict[str, Partner]:
    """The referential's partners a declaration offers, by partner id (aliases resolved)."""
    found: dict[str, Partner] = {}
    for offer in structure_partners or ():
        partner = referential.resolve_partner(offer.operator)
        if partner is not None:
            found.setdefault(partner.id, partner)
    return found


def _citation(partners: list[Partner], referential: Referential) -> str:
    """Since when and on what source the partners are required, by distinct (date, source)."""
    groups: dict[tuple[Any, str], list[str]] = {}
    for partner in partners:
        groups.setdefault((partner.since, partner.source), []).append(partner.name)
    parts = []
    for (since, source), names in sorted(groups.items(), key=lambda item: (str(item[0][0]), item[0][1])):
        title = referential.sources.get(source, {}).get("title", source)
        short = title.split(" : ", 1)[0]  # « Sénat, avis sur … » ; the whole title is in the evidence
        required = "exigés" if len(names) > 1 else "exigé"
        when = f"{required} depuis le {fr_date(since)}" if since else required
        parts.append(f"{fr_list(names)}, {when} (source : {short})")
    return " ; ".join(parts)


_NEAR_MISS = 0.8
"""How close (difflib ratio on folded names) an unrecognised name must be to a missing partner's
name or alias to be taken for that partner misspelt."""

_SEPARATORS = re.compile(r"\s*(?:[,;+\n]|\s/\s)\s*")
"""What separates the partners of one cell that lists several (« CAF, CPAM ; MSA »)."""


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    """The folded words of a name, a run of single letters joined (« C.A.F. » → ``caf``)."""
    words: list[str] = []
    run = ""
    for word in normalize_name(text).split():
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            words.append(run)
            run = ""
        words.append(word)
    if run:
        words.append(run)
    return tuple(words)


def _contains(words: tuple[str, ...], alias: tuple[str, ...]) -> bool:
    size = len(alias)
    return bool(size) and any(words[i : i + size] == alias for i in range(len(words) - size + 1))


def _misspelt(structure_partners: Any, missing: list[Partner], referential: Referential) -> tuple[dict[str, str], int]:
    """Missing partners that declared but unrecognised names may stand for: ``{partner id:
    declared name}``, and how many of them at most (one per name, or per part of a cell that
    lists several). A name may stand for a partner when it is close to one of its names (« Assurance
    maladi ») or holds one (« CAF du Gers », « C.A.F. », « CARSAT Midi-Pyrénées »). Such a
    partner is not known to be missing."""
    unknown = [
        offer.operator for offer in structure_partners or () if referential.resolve_partner(offer.operator) is None
    ]
    if not unknown:
        return {}, 0
    names = {normalize_name(alias): partner.id for partner in missing for alias in (partner.name, *partner.aliases)}
    aliases = [(_words(alias), partner.id) for partner in missing for alias in (partner.name, *partner.aliases)]
    found: dict[str, str] = {}
    count = 0
    for operator in unknown:
        for part in _SEPARATORS.split(operator):
            if not part.strip():
                continue
            words = _words(part)
            matched = {partner for alias, partner in aliases if _contains(words, alias)}
            close = difflib.get_close_matches(normalize_name(part), sorted(names), n=1, cutoff=_NEAR_MISS)
            if close:
                matched.add(names[close[0]])
            for partner in sorted(matched):
                found.setdefault(partner, operator)
            count += bool(matched)
    return found, count


def _held(name: str, referential: Referential) -> list[Partner]:
    """The partners of ``referential`` whose name or an alias ``name`` holds (« CAF du Gers »)."""
    parts = [_words(part) for part in _SEPARATORS.split(name) if part.strip()]
    return [
        partner
        for partner in referential.partners
        if any(_contains(words, _words(alias)) for words in parts for alias in (partner.name, *partner.aliases))
    ]


def _either(names: list[str]) -> str:
    """``a, b ou c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " ou " + names[-1]


def _count_uncertain(referential: Referential) -> frozenset[str]:
    """Ids of the partners the expected count may excuse: those whose requirement rests on the
    source of a count that is not certain (2025: Agirc-Arrco and Urssaf, counted by the Sénat,
    13, against « au moins 12 »). The referential does not mark them; a partner of the 2020 or
    2024 socle, or any partner when the count is certain [C], is never excused."""
    entry = referential.values.get("partners.expected_count")
    if entry is None or entry.confidence == "C":
        return frozenset()
    return frozenset(p.id for p in referential.partners if p.source == entry.source)


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
    expected = int(ctx.value("partners.expected_count"))
    missing = [p for p in required if p.id not in offered]
    present = len(required) - len(missing)
    evidence: dict[str, Any] = {
        "referentiel": referential.id,
        "partenaires_exiges": len(required),
        "nombre_attendu": expected,
        "partenaires_proposes": sorted(offered),
        "manquants": [p.name for p in missing],
        "sources_manquants": {p.name: referential.sources.get(p.source, {}).get("title", p.source) for p in missing},
    }
    if not missing:
        return Outcome.passed(
            f"les {len(required)} partenaires nationaux du référentiel {referential.id} sont proposés",
            field="partners",
            **evidence,
        )
    head = (
        f"{plural(len(missing), 'partenaire national manquant', 'partenaires nationaux manquants')} "
        f"sur {len(required)} ({referential.id}) : {_citation(missing, referential)}"
    )
    misspelt, candidates = _misspelt(structure.partners, missing, referential)
    if misspelt:
        evidence["noms_non_reconnus"] = dict(sorted(misspelt.items()))
        meant: dict[str, list[str]] = {}
        for partner in missing:
            if partner.id in misspelt:
                meant.setdefault(misspelt[partner.id], []).append(partner.name)
        head += (
            " ; à vérifier : "
            + fr_list([f"« {name} » désigne peut-être {_either(partners)}" for name, partners in meant.items()])
            + " (voir FS-PAR-03)"
        )
    uncertain = _count_uncertain(referential)

    def breach(still_missing: list[Partner]) -> bool:
        # A partner whose requirement is certain is missing whatever the expected count.
        certain_missing = any(p.id not in uncertain for p in still_missing)
        return certain_missing or len(required) - len(still_missing) < expected

    if breach(missing):
        # At best, each unrecognised name stands for a missing partner, certain ones first.
        stand_ins = sorted((p for p in missing if p.id in misspelt), key=lambda p: p.id in uncertain)[:candidates]
        best = [p for p in missing if p not in stand_ins]
        if not breach(best):
            # The failure would rest on names that were read but not understood: not a breach.
            return Outcome.manual(head, field="partners", **evidence)
        if present >= expected:
            head += (
                f" ; {present} partenaires proposés : le nombre attendu retenu par le référentiel ({expected}, "
                "« partners.expected_count ») ne dispense pas d'un partenaire exigé sans conflit entre les sources"
            )
        return Outcome.failed(head, field="partners", **evidence)
    return Outcome.warned(
        f"{head} ; {present} partenaires proposés : le nombre attendu retenu par le référentiel "
        f"({expected}, « partners.expected_count ») est atteint, à vérifier",
        field="partners",
        **evidence,
    )


def _declared_none(referent: str) -> bool:
    return normalize_name(referent) in _NONE_MARKS


@functools.lru_cache(maxsize=4096)
def _unnamed(referent: str | None) -> bool:
    """Whether a referent is not named: not declared, blank, punctuation only or a placeholder
    (« en cours de désignation », « à désigner »)."""
    if referent is None:
        return True
    folded = normalize_name(referent)
    return not folded or (folded not in _NONE_MARKS and _UNKNOWN_MARKS.match(folded) is not None)


def _unnamed_text(operator: str, referent: str | None) -> str:
    shown = (referent or "").strip()
    return f"{operator} (« {shown} »)" if shown else operator


def check_referents(structure: Any, ctx: RuleContext) -> Outcome:
    """FS-PAR-02."""
    skip = principal_only(structure)
    if skip is not None:
        return skip
    if structure.partners is None:
        return Outcome.manual("partenaires non déclarés : référents à vérifier", field="partners")
    if not structure.partners:
        return Outcome.not_applicable("aucun partenaire déclaré (voir FS-PAR-01)", field="partners")
    absent = [
        (index, offer.operator)
        for index, offer in enumerate(structure.partners)
        if offer.referent is not None and _declared_none(offer.referent)
    ]
    undeclared = [
        (index, _unnamed_text(offer.operator, offer.referent))
        for index, offer in enumerate(structure.partners)
        if _unnamed(offer.referent)
    ]
    typed = any(offer.referent and offer.referent.strip() for offer in structure.partners if _unnamed(offer.referent))
    unknown = (
        f"référent local {'non renseigné ou non nommé' if typed else 'non renseigné'} pour "
        f"{plural(len(undeclared), 'partenaire')} : "
        f"{fr_list([name for _, name in undeclared])} (à demander à l'opérateur ; « aucun » "
        "déclare qu'il n'en a pas désigné)"
    )
    if absent:
        return Outcome.failed(
            f"référent local non désigné par l'opérateur pour {plural(len(absent), 'partenaire')} : "
            f"{fr_list([name for _, name in absent])} (constat adressé à l'opérateur, à qui il revient "
            "de le désigner ; il ne met pas en cause le gestionnaire)" + (f" ; {unknown}" if undeclared else ""),
            field=f"partners[{absent[0][0]}].referent",
            sans_referent=[name for _, name in absent],
            **({"non_renseigne": [name for _, name in undeclared]} if undeclared else {}),
        )
    if undeclared:
        return Outcome.manual(
            unknown,
            field=f"partners[{undeclared[0][0]}].referent",
            non_renseigne=[name for _, name in undeclared],
        )
    count = len(structure.partners)
    return Outcome.passed(
        "un référent local nommé pour le partenaire proposé"
        if count == 1
        else f"un référent local nommé pour chacun des {count} partenaires proposés",
        field="partners",
    )


def _known_elsewhere(name: str, referential: Referential) -> list[str]:
    """Ids of the other referentials where ``name`` is a national partner."""
    try:
        others = charter_referentials()
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
        held = _held(offer.operator, referential)
        closest = held[0] if len(held) == 1 else referential.closest_partner(offer.operator)
        suggestions[offer.operator] = closest.name if closest else None
        if len(held) > 1:
            hint = f"plusieurs partenaires dans un même nom : {fr_list([p.name for p in held])} ; un par ligne"
        else:
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
            "chèque énergie (DGEC) en plus au 1er janvier 2024 (au moins 11), Agirc-Arrco et Urssaf "
            "au 1er janvier 2025 (13 par le décompte du Sénat ; « au moins 12 » selon un communiqué "
            "de novembre 2025).",
            _SOURCE_PARTNERS,
            "C",
        ),
        description=(
            "Reconnaît chaque partenaire déclaré par son nom ou l'un de ses alias (CAF = CNAF, "
            "CARSAT = Assurance retraite, Pôle emploi = France Travail, ANTS = France Titres, DGEC = "
            "chèque énergie, Agirc Arrco = Agirc-Arrco…) et vérifie que chaque partenaire national "
            "du référentiel en vigueur à la date de l'audit est proposé. Les partenaires manquants "
            "sont cités sous leur nom en vigueur, avec la date depuis laquelle ils sont exigés et la "
            "source qui l'établit. Le total de 2025 est en conflit entre les sources : le nombre "
            "attendu est une valeur du référentiel (« partners.expected_count », 13 par défaut, "
            "fiabilité [C2]) ; une préfecture qui retient « au moins 12 » le fixe à 12, et une "
            "structure qui propose 12 des 13 partenaires reçoit alors un avertissement, non un échec, "
            "si le partenaire manquant est l'un de ceux dont l'exigence est en conflit : ceux qui "
            "reposent sur la même source que ce nombre incertain (en 2025 Agirc-Arrco et Urssaf, "
            "décompte du Sénat ; le référentiel ne les marque pas autrement). Un partenaire exigé sans "
            "conflit (les 9 de 2020, Anah et chèque énergie en 2024) manquant est non conforme quel que "
            "soit le nombre attendu. "
            "Un nom déclaré mais non reconnu, très proche d'un partenaire manquant (« Assurance "
            "maladi ») ou qui contient l'un de ses noms (« CAF du Gers », « C.A.F. », « CARSAT "
            "Midi-Pyrénées », une cellule « CAF, MSA »), laisse ce partenaire à vérifier plutôt que "
            "manquant : une donnée lue mais non comprise n'est pas une absence. Un partenaire dont "
            "la ligne n'a pas été entièrement lue (modalités illisibles, « non », « en cours ») n'est "
            "pas connu comme proposé : le critère est alors à vérifier. Un service local "
            "complémentaire ne remplace jamais un "
            "partenaire national."
        ),
        remediation=(
            "Conventionner avec les partenaires nationaux manquants et organiser leur offre "
            "(permanence, visioconférence, rendez-vous ou référent), puis la déclarer."
        ),
        check=scope_guard(check_all_partners),
        cacheable=True,
        # The modes are not judged, but a partner whose row was not wholly read (modalités
        # illisibles : « non », « en cours ») is not known to be offered: the rule is then manual.
        needs=("type", "format", "partners[].operator", "partners[].modes"),
        statuses=(Status.PASS, Status.FAIL, Status.WARN, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
    Rule(
        id="FS-PAR-02",
        title="Un référent local désigné par chaque opérateur partenaire",
        severity="mineur",
        applies_to="structures principales ; antennes : sans objet",
        domain="partenaires",
        reference=CharterReference(
            "Chaque opérateur désigne des référents locaux qui répondent aux conseillers "
            "(back-office) ; la Cour des comptes le recommande encore en 2024 : c'est l'obligation de "
            "l'opérateur plus que celle de la structure.",
            _SOURCE_REFERENTS,
            "C2",
        ),
        description=(
            "Vérifie que chaque partenaire déclaré a un référent local nommé. Désigner ce référent "
            "revient à l'opérateur : un référent déclaré absent (« aucun », « non », « non désigné ») "
            "est un constat adressé à l'opérateur, de gravité mineure, qui ne met pas en cause le "
            "gestionnaire ; un référent non renseigné ou non nommé (« en cours de désignation », « à "
            "désigner », « ? », « - ») est à vérifier (une donnée manquante n'est jamais un "
            "manquement), et le constat d'un référent absent les cite aussi. L'exigence n'est "
            "formulée que par des sources secondaires [C2] : "
            "sa gravité se règle dans le référentiel."
        ),
        remediation=(
            "Demander à l'opérateur concerné de désigner son référent local (obligation de "
            "l'opérateur), puis déclarer le nom ou la fonction de ce référent."
        ),
        check=scope_guard(check_referents),
        cacheable=True,
        needs=("type", "format", "partners[].referent"),
        statuses=(Status.PASS, Status.FAIL, Status.MANUAL, Status.NOT_APPLICABLE),
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
            "Titres = Intérieur, Pôle emploi = France Travail, DGEC = chèque énergie, Agirc Arrco = "
            "Agirc-Arrco).",
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
        remediation=("Déclarer le partenaire sous son nom officiel ou l'un de ses alias (par exemple « CAF »)."),
        check=check_names,
        cacheable=True,
        needs=("partners[].operator",),
        statuses=(Status.PASS, Status.WARN, Status.NOT_APPLICABLE),
    ),
]
