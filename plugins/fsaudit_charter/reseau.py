"""Network rules FS-NET-01 to FS-NET-03: they judge the whole set of structures at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from fsaudit import (
    CharterReference,
    Departement,
    LoadedStructure,
    Outcome,
    Rule,
    RuleContext,
    Status,
    facts_overlap,
    normalize_name,
)
from fsaudit_charter._common import fr_list, plural

__all__ = ["RULES"]


def _where(loaded: LoadedStructure) -> str:
    return f"{loaded.path} ({loaded.locate()})"


def _unread(loaded: LoadedStructure, name: str) -> bool:
    """True when the input held ``name`` (or a fact around it) for this structure but it could
    not be read: the rule must not take it for absent."""
    unread = loaded.unread
    return bool(unread) and any(facts_overlap(fact.field, name) for fact in unread)


def _unknown(loaded: LoadedStructure, name: str) -> bool:
    """``name`` not declared, or declared but unreadable."""
    return getattr(loaded.structure, name) is None or _unread(loaded, name)


def check_unique_ids(
    structures: Sequence[LoadedStructure], departements: Sequence[Departement], ctx: RuleContext
) -> dict[str, Outcome]:
    """FS-NET-01."""
    by_id: dict[str, list[LoadedStructure]] = defaultdict(list)
    for loaded in structures:
        by_id[loaded.structure.id].append(loaded)
    out: dict[str, Outcome] = {}
    for sid, items in by_id.items():
        if len(items) == 1:
            out[sid] = Outcome.passed(f"identifiant « {sid} » unique parmi les déclarations", field="id")
            continue
        places = sorted(_where(item) for item in items)
        if all(item.structure == items[0].structure for item in items[1:]):
            # One declaration read twice (a row pasted twice, the list with an extract of it):
            # a defect of the files, not two structures sharing an identifier.
            out[sid] = Outcome.warned(
                f"identifiant « {sid} » : la même structure, déclarée à l'identique {len(items)} fois "
                f"({fr_list(places)}) ; à ne garder qu'une fois dans les fichiers audités",
                field="id",
                occurrences=places,
            )
            continue
        out[sid] = Outcome.failed(
            f"identifiant « {sid} » utilisé par {len(items)} structures : {fr_list(places)}",
            field="id",
            occurrences=places,
        )
    return out


def _not_read(ctx: RuleContext) -> str:
    """« déclarations non lues, qui peuvent en contenir : a, b et 3 autre(s) »."""
    places = list(ctx.unread_inputs)
    shown = fr_list(places[:3] + ([f"{len(places) - 3} autre(s)"] if len(places) > 3 else []))
    return f"déclarations non lues (erreurs de saisie), qui peuvent en contenir : {shown}"


def _canton_code(canton: str | None, block: Departement | None) -> str | None:
    """The code of the canton a structure declares, by its code or by its name (« Cahors-1 »
    for 4601: case, accents and spacing ignored); as declared when the block has neither."""
    if canton is None or block is None or not block.cantons:
        return canton
    if any(c.code == canton for c in block.cantons):
        return canton
    wanted = normalize_name(canton)
    found = [c.code for c in block.cantons if c.name and normalize_name(c.name) == wanted]
    return found[0] if len(found) == 1 else canton


def _canton_label(code: str, names: dict[str, str | None]) -> str:
    name = names.get(code)
    return f"{name} ({code})" if name else code


def check_canton_coverage(
    structures: Sequence[LoadedStructure], departements: Sequence[Departement], ctx: RuleContext
) -> dict[str, Outcome]:
    """FS-NET-02.

    A canton without a known France services is a finding only when every structure that could
    be in it is known: a structure of the département whose canton is not declared (or not
    read), or a structure whose département is unknown, leaves the coverage to the auditor.
    """
    blocks = {d.code: d for d in departements if d.cantons}
    goal = int(ctx.value("network.canton_goal"))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    uncertain: dict[str, list[str]] = defaultdict(list)
    nowhere: list[str] = []
    for loaded in structures:
        s = loaded.structure
        if _unknown(loaded, "departement"):
            nowhere.append(s.id)
        elif _unknown(loaded, "canton"):
            uncertain[s.departement].append(s.id)  # type: ignore[index]
        else:
            counts[s.departement][_canton_code(s.canton, blocks.get(s.departement or ""))] += 1  # type: ignore[index]
    out: dict[str, Outcome] = {}
    for loaded in structures:
        s = loaded.structure
        if not blocks:
            out[s.id] = Outcome.not_applicable(
                "aucune liste des cantons du département dans les déclarations : couverture non évaluée"
            )
            continue
        if _unknown(loaded, "departement"):
            out[s.id] = Outcome.manual(
                "département de la structure non déclaré : couverture des cantons à vérifier", field="departement"
            )
            continue
        block = blocks.get(s.departement or "")
        if block is None:
            out[s.id] = Outcome.not_applicable(
                "aucune liste des cantons du département dans les déclarations : couverture non évaluée"
            )
            continue
        cantons = block.cantons or ()
        codes = [c.code for c in cantons]
        names = {c.code: c.name for c in cantons}
        here = counts[block.code]
        short = [code for code in codes if here[code] < goal]
        done = len(codes) - len(short)
        name = f"{block.name} ({block.code})" if block.name else block.code
        unsure = sorted(set(uncertain[block.code]) | set(nowhere))
        evidence: dict[str, Any] = {
            "departement": block.code,
            "cantons": len(codes),
            "cantons_couverts": done,
            "non_couverts": short,
        }
        covered_text = plural(done, "canton couvert", "cantons couverts")
        head = f"{covered_text} sur {len(codes)} dans le département {name}"
        if s.canton and _canton_code(s.canton, block) not in names and not _unread(loaded, "canton"):
            outcome = Outcome.warned(
                f"{head} ; le canton déclaré « {s.canton} » n'est pas dans la liste du département",
                field="canton",
                **evidence,
            )
        elif short and unsure:
            outcome = Outcome.manual(
                f"{head} ; sans France services connue : {fr_list([_canton_label(c, names) for c in short])} ; "
                f"à vérifier : canton ou département non déclaré ou illisible pour {fr_list(unsure)}",
                field="canton",
                structures_sans_canton=unsure,
                **evidence,
            )
        elif short and ctx.unread_inputs:
            outcome = Outcome.manual(
                f"{head} ; sans France services connue : {fr_list([_canton_label(c, names) for c in short])} ; "
                f"à vérifier : {_not_read(ctx)}",
                field="canton",
                declarations_non_lues=list(ctx.unread_inputs),
                **evidence,
            )
        elif short:
            outcome = Outcome.failed(
                f"{head} ; sans France services : {fr_list([_canton_label(c, names) for c in short])}",
                field="canton",
                **evidence,
            )
        else:
            outcome = Outcome.passed(head, field="canton", **evidence)
        out[s.id] = outcome
    return out


_PRINCIPAL = Outcome.not_applicable("structure principale : rattachement sans objet")
"""FS-NET-03 on a principal structure (an outcome is immutable: one for all of them)."""


_NO_PRINCIPAL_AUDITED = (
    "aucune structure principale de son département n'est auditée avec elle (déclaration auditée "
    "seule ?) : auditer l'antenne avec les déclarations de son département"
)


def _departement_audited(departement: str | None, audited: set[str | None]) -> bool:
    """True when a principal structure of ``departement`` is audited (any, when it is unknown):
    the audit then covers that département's network, and a principal absent from it is absent."""
    return departement in audited if departement is not None else bool(audited)


def _kind_unsure(loaded: LoadedStructure) -> bool:
    return _unread(loaded, "type") or _unread(loaded, "format")


class _GroupCandidates:
    """The structures that could be the principal of an antenne's group, for want of a fact read:
    of its group with a type or format not read, or of a group not read and not known to be an
    antenne. Indexed once, on the first antenne that asks (one pass over the structures, not one
    per antenne without a principal)."""

    def __init__(self, structures: Sequence[LoadedStructure], unsure_kinds: set[str]) -> None:
        self._structures = structures
        self._unsure_kinds = unsure_kinds
        self._by_group: dict[str | None, list[LoadedStructure]] | None = None
        self._group_unread: list[LoadedStructure] = []

    def _index(self) -> dict[str | None, list[LoadedStructure]]:
        by_group: dict[str | None, list[LoadedStructure]] = defaultdict(list)
        for loaded in self._structures:
            s = loaded.structure
            unsure = s.id in self._unsure_kinds
            if unsure:
                by_group[s.group].append(loaded)
            if _unread(loaded, "group") and (unsure or not s.is_antenne):
                self._group_unread.append(loaded)
        return by_group

    def __call__(self, antenne: LoadedStructure) -> list[str]:
        if self._by_group is None:
            self._by_group = self._index()
        same_group = self._by_group.get(antenne.structure.group, [])
        return sorted({loaded.structure.id for loaded in (*same_group, *self._group_unread) if loaded is not antenne})


def check_antennes(
    structures: Sequence[LoadedStructure], departements: Sequence[Departement], ctx: RuleContext
) -> dict[str, Outcome]:
    """FS-NET-03.

    An antenne is unattached only on facts: an undeclared attachment is to complete (manual),
    and a principal structure missing from the inputs is a finding only when no structure that
    could be it was left partly unread (an identifier, for a parent named by id; a group, type or
    format, for a group).
    """
    principals: dict[str, LoadedStructure] = {}
    groups: dict[str, list[str]] = defaultdict(list)
    ids = {loaded.structure.id for loaded in structures}
    by_id = {loaded.structure.id: loaded for loaded in structures}
    # A structure whose identifier was not read could be the parent named by an antenne; one
    # whose type or format was not read could be a principal or an antenne.
    unsure_ids = sorted(loaded.structure.id for loaded in structures if _unread(loaded, "id"))
    unsure_kinds = {loaded.structure.id for loaded in structures if _kind_unsure(loaded)}
    group_candidates = _GroupCandidates(structures, unsure_kinds)
    audited_departements: set[str | None] = set()
    for loaded in structures:
        s = loaded.structure
        if not s.is_antenne:
            principals.setdefault(s.id, loaded)
            audited_departements.add(s.departement)
            if s.group:
                groups[s.group].append(s.id)
    out: dict[str, Outcome] = {}
    for loaded in structures:
        s = loaded.structure
        if not s.is_antenne:
            out.setdefault(s.id, _PRINCIPAL)
            continue
        if s.parent_id:
            if s.parent_id in principals:
                outcome = Outcome.passed(
                    f"antenne rattachée à la structure principale « {s.parent_id} » "
                    f"({principals[s.parent_id].structure.name})",
                    field="parent_id",
                    structure_principale=s.parent_id,
                )
            elif s.parent_id in ids and s.parent_id not in unsure_kinds:
                outcome = Outcome.failed(
                    f"antenne rattachée à « {s.parent_id} », qui est elle-même une antenne",
                    field="parent_id",
                )
            elif s.parent_id in ids:
                outcome = Outcome.manual(
                    f"antenne rattachée à « {s.parent_id} », dont le type n'a pas pu être lu "
                    f"({by_id[s.parent_id].path}) : rattachement à vérifier",
                    field="parent_id",
                )
            elif unsure_ids:
                outcome = Outcome.manual(
                    f"antenne rattachée à « {s.parent_id} », absente des structures lues ; identifiant "
                    f"illisible pour {fr_list(unsure_ids)} : rattachement à vérifier",
                    field="parent_id",
                )
            elif ctx.unread_inputs:
                outcome = Outcome.manual(
                    f"antenne rattachée à « {s.parent_id} », absente des structures lues ; {_not_read(ctx)} : "
                    "rattachement à vérifier",
                    field="parent_id",
                    declarations_non_lues=list(ctx.unread_inputs),
                )
            elif not _departement_audited(s.departement, audited_departements):
                outcome = Outcome.manual(
                    f"antenne rattachée à « {s.parent_id} », absente des structures lues ; "
                    f"{_NO_PRINCIPAL_AUDITED} : rattachement à vérifier",
                    field="parent_id",
                )
            else:
                outcome = Outcome.failed(
                    f"antenne rattachée à « {s.parent_id} », structure absente des déclarations auditées",
                    field="parent_id",
                )
        elif s.group and groups.get(s.group):
            parents = sorted(groups[s.group])
            outcome = Outcome.passed(
                f"antenne du groupe « {s.group} », avec la structure principale {fr_list(parents)}",
                field="group",
                structure_principale=parents[0],
            )
        elif s.group and (candidates := group_candidates(loaded)):
            outcome = Outcome.manual(
                f"aucune structure principale lue dans le groupe « {s.group} » ; groupe, type ou format "
                f"illisible pour {fr_list(candidates)} : rattachement à vérifier",
                field="group",
            )
        elif s.group and not _departement_audited(s.departement, audited_departements):
            outcome = Outcome.manual(
                f"aucune structure principale lue dans le groupe « {s.group} » ; {_NO_PRINCIPAL_AUDITED} : "
                "rattachement à vérifier",
                field="group",
            )
        elif s.group:
            outcome = Outcome.failed(
                f"aucune structure principale du groupe « {s.group} » dans les déclarations auditées",
                field="group",
            )
        else:
            outcome = Outcome.manual(
                "antenne sans rattachement déclaré : structure principale (parent_id) ou groupe à déclarer",
                field="parent_id",
            )
        out.setdefault(s.id, outcome)
    return out


RULES = [
    Rule(
        id="FS-NET-01",
        title="Identifiants de structure uniques",
        severity="bloquant",
        applies_to="réseau : toutes les structures de toutes les déclarations",
        domain="réseau",
        reference=CharterReference(
            "Chaque structure est identifiée sans ambiguïté dans la liste consolidée du réseau.",
            "Catalogue des règles fsaudit (CHARTER.md §4) : cohérence des déclarations",
            "C",
        ),
        description=(
            "Vérifie qu'aucun identifiant de structure n'est utilisé deux fois dans l'ensemble des "
            "déclarations auditées ensemble ; chaque doublon est non conforme et le message cite "
            "tous les fichiers et emplacements qui portent le même identifiant. Une même structure "
            "déclarée plusieurs fois à l'identique (une ligne copiée deux fois, la liste auditée avec "
            "un extrait d'elle-même) n'est qu'un avertissement : c'est un défaut des fichiers, pas "
            "deux structures sous un même identifiant."
        ),
        remediation="Donner à chaque structure un identifiant propre et corriger la déclaration en double.",
        check=check_unique_ids,
        scope="network",
        needs=("id",),
        statuses=(Status.PASS, Status.WARN, Status.FAIL),
    ),
    Rule(
        id="FS-NET-02",
        title="Une France services dans chaque canton",
        severity="info",
        applies_to="réseau : structures d'un département dont la liste des cantons est déclarée",
        domain="réseau",
        reference=CharterReference(
            "Objectif politique d'une France services par canton (Gers : 17 cantons couverts sur 17 en octobre 2023).",
            "Préfecture du Gers, réunion des secrétaires de mairie du 5 octobre 2023",
            "C",
        ),
        description=(
            "Quand les déclarations contiennent un bloc département listant ses cantons, compte les "
            "cantons où au moins une structure (principale ou antenne) est déclarée et cite ceux qui "
            "n'en ont pas ; le nombre requis par canton vient du référentiel (network.canton_goal). "
            "Un canton déclaré absent de la liste donne un avertissement. Sans bloc département, la "
            "règle est sans objet. Quand une structure du département n'a pas de canton déclaré (ou "
            "lisible), ou qu'une structure n'a pas de département, les cantons sans France services "
            "connue sont à vérifier : la structure manquante pourrait s'y trouver ; de même quand "
            "un fichier, ou une partie d'un fichier, n'a pas pu être lu (erreur de saisie)."
        ),
        remediation=(
            "Implanter une France services, une antenne ou une permanence itinérante dans les cantons "
            "non couverts, ou corriger le canton déclaré des structures."
        ),
        check=check_canton_coverage,
        scope="network",
        needs=("departement", "canton"),
        statuses=(Status.PASS, Status.FAIL, Status.WARN, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
    Rule(
        id="FS-NET-03",
        title="Chaque antenne est rattachée à une structure principale",
        severity="majeur",
        applies_to="réseau : antennes ; structures principales : sans objet",
        domain="réseau",
        reference=CharterReference(
            "Une antenne est rattachée à une France services principale (groupe_fs des données ouvertes de l'ANCT).",
            "Données ouvertes de l'ANCT (type_fs, groupe_fs) ; catalogue des règles fsaudit",
            "C",
        ),
        description=(
            "Pour chaque antenne, vérifie qu'elle est rattachée, par son identifiant de structure "
            "principale (parent_id) ou par un groupe partagé avec une structure principale, à une "
            "structure principale présente dans les déclarations auditées. Une antenne sans "
            "rattachement déclaré est à vérifier (donnée à compléter), de même qu'un rattachement "
            "introuvable quand l'identifiant, le type ou le groupe d'une structure n'a pas pu être lu, "
            "ou qu'un fichier, ou une partie d'un fichier, n'a pas pu l'être (erreur de saisie) : la "
            "structure principale pourrait s'y trouver. Il l'est aussi quand aucune structure principale "
            "du département de l'antenne n'est auditée avec elle (sa déclaration auditée seule) : "
            "l'absence n'est constatée que dans un audit qui couvre le réseau du département."
        ),
        remediation=(
            "Indiquer la structure principale de l'antenne (parent_id ou groupe) et auditer les deux "
            "déclarations ensemble."
        ),
        check=check_antennes,
        scope="network",
        needs=("type", "format", "parent_id", "group"),
        statuses=(Status.PASS, Status.FAIL, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
]
