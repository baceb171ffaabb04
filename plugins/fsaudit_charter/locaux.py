"""Premises rules FS-LOC-01 to FS-LOC-05."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fsaudit import CharterReference, Outcome, Rule, RuleContext, Status
from fsaudit_charter._common import fr_list, principal_only, scope_guard

__all__ = ["RULES"]

_LABELS = {
    "confidential_space": "espace de confidentialité",
    "free_access_station": "poste informatique en libre accès connecté à internet",
    "printer_scanner": "imprimante-scanner",
    "videoconference": "visioconférence avec les opérateurs",
    "free_of_charge": "service gratuit",
    "walk_in": "accueil sans rendez-vous",
    "disability_access": "accès adapté aux personnes en situation de handicap",
}
_STATUSES = (Status.PASS, Status.FAIL, Status.MANUAL, Status.NOT_APPLICABLE)


def _premises_check(
    fields: tuple[str, ...],
    what: str,
    enabled_key: str | None = None,
) -> Callable[[Any, RuleContext], Outcome]:
    """A check that every one of ``fields`` of ``premises`` is declared true."""

    def check(structure: Any, ctx: RuleContext) -> Outcome:
        skip = principal_only(structure)
        if skip is not None:
            return skip
        if enabled_key is not None and not ctx.value(enabled_key):
            return Outcome.not_applicable(f"critère désactivé par le référentiel {ctx.referential.id} ({enabled_key})")
        premises = structure.premises
        if premises is None:
            return Outcome.manual(f"locaux non déclarés : {what} à vérifier", field="premises")
        values = {name: getattr(premises, name) for name in fields}
        evidence = {name: value for name, value in values.items()}
        absent = [name for name, value in values.items() if value is False]
        unknown = [name for name, value in values.items() if value is None]
        if absent:
            also = f" ; non déclaré, à vérifier sur place : {fr_list([_LABELS[name] for name in unknown])}"
            return Outcome.failed(
                f"absent : {fr_list([_LABELS[name] for name in absent])}" + (also if unknown else ""),
                field=f"premises.{absent[0]}",
                **evidence,
            )
        if unknown:
            return Outcome.manual(
                f"non déclaré, à vérifier sur place : {fr_list([_LABELS[name] for name in unknown])}",
                field=f"premises.{unknown[0]}",
                **evidence,
            )
        return Outcome.passed(
            f"présent : {fr_list([_LABELS[name] for name in fields])}",
            field=f"premises.{fields[0]}" if len(fields) == 1 else "premises",
            **evidence,
        )

    return scope_guard(check)


_PRINCIPAL = "structures principales ; antennes : sans objet"
_CONFIGURABLE = (
    " Cette exigence est une pratique largement rapportée qu'aucune source lue ne formule [U] : "
    "la règle est paramétrable (« {key} » du référentiel la désactive, sa gravité se règle dans "
    "le référentiel) et sa gravité par défaut est mineure."
)
_SECONDARY = (
    " L'exigence n'est formulée que par une source secondaire [C2] : la règle est paramétrable "
    "(« {key} » du référentiel la désactive, sa gravité se règle dans le référentiel) et sa gravité "
    "par défaut est mineure."
)

RULES = [
    Rule(
        id="FS-LOC-01",
        title="Espace de confidentialité",
        severity="majeur",
        applies_to=_PRINCIPAL,
        domain="locaux",
        reference=CharterReference(
            "La structure dispose d'un bureau où l'usager peut être reçu en toute confidentialité.",
            "Sources secondaires concordantes (espace confidentiel)",
            "C2",
        ),
        description=(
            "Vérifie que la déclaration des locaux indique un espace de confidentialité. Absent : "
            "non conforme ; non déclaré : à vérifier. L'exigence n'est formulée que par des sources "
            "secondaires concordantes."
        ),
        remediation="Aménager un bureau fermé permettant un accueil confidentiel et le déclarer.",
        check=_premises_check(("confidential_space",), "l'espace de confidentialité"),
        cacheable=True,
        needs=("type", "format", "premises.confidential_space"),
        statuses=_STATUSES,
    ),
    Rule(
        id="FS-LOC-02",
        title="Poste numérique en libre accès",
        severity="mineur",
        applies_to=_PRINCIPAL,
        domain="locaux",
        reference=CharterReference(
            "Un poste informatique en libre accès avec internet, une imprimante et un scanner sont à "
            "la disposition des usagers.",
            "Pratique largement rapportée qu'aucune source lue ne formule",
            "U",
        ),
        description=(
            "Vérifie que les locaux offrent un poste informatique en libre accès avec internet ainsi "
            "qu'une imprimante et un scanner." + _CONFIGURABLE.format(key="premises.digital_station_required")
        ),
        remediation=(
            "Installer un poste en libre accès connecté à internet, avec imprimante et scanner, et le déclarer."
        ),
        check=_premises_check(
            ("free_access_station", "printer_scanner"),
            "l'équipement numérique en libre accès",
            enabled_key="premises.digital_station_required",
        ),
        cacheable=True,
        needs=("type", "format", "premises.free_access_station", "premises.printer_scanner"),
        statuses=_STATUSES,
    ),
    Rule(
        id="FS-LOC-03",
        title="Visioconférence avec les opérateurs",
        severity="mineur",
        applies_to=_PRINCIPAL,
        domain="locaux",
        reference=CharterReference(
            "La structure permet des échanges en visioconférence avec les opérateurs partenaires.",
            "Pratique largement rapportée qu'aucune source lue ne formule",
            "U",
        ),
        description=(
            "Vérifie que les locaux sont équipés pour la visioconférence avec les opérateurs."
            + _CONFIGURABLE.format(key="premises.videoconference_required")
        ),
        remediation="Équiper un poste pour la visioconférence avec les partenaires et le déclarer.",
        check=_premises_check(
            ("videoconference",),
            "la visioconférence",
            enabled_key="premises.videoconference_required",
        ),
        cacheable=True,
        needs=("type", "format", "premises.videoconference"),
        statuses=_STATUSES,
    ),
    Rule(
        id="FS-LOC-04",
        title="Service gratuit et accessible sans rendez-vous",
        severity="majeur",
        applies_to=_PRINCIPAL,
        domain="locaux",
        reference=CharterReference(
            "Le service est gratuit et accessible sans rendez-vous.",
            "Réponse du Premier ministre à la Cour des comptes (référé 71276)",
            "C",
        ),
        description=(
            "Vérifie que la déclaration indique à la fois la gratuité du service et l'accueil sans "
            "rendez-vous ; la prise de rendez-vous peut exister en plus mais ne remplace pas "
            "l'accueil libre. L'un des deux absent : non conforme ; non déclaré : à vérifier."
        ),
        remediation=(
            "Garantir la gratuité de l'accompagnement et un accueil sans rendez-vous pendant les heures d'ouverture."
        ),
        check=_premises_check(("free_of_charge", "walk_in"), "la gratuité et l'accueil sans rendez-vous"),
        cacheable=True,
        needs=("type", "format", "premises.free_of_charge", "premises.walk_in"),
        statuses=_STATUSES,
    ),
    Rule(
        id="FS-LOC-05",
        title="Accès adapté aux personnes en situation de handicap",
        severity="mineur",
        applies_to=_PRINCIPAL,
        domain="locaux",
        reference=CharterReference(
            "La France services est accessible à tous les publics, avec un accès adapté aux "
            "personnes en situation de handicap (charte nationale d'engagement de 2019, citée par "
            "une source secondaire).",
            "Source secondaire citant la charte nationale d'engagement (annexe 5 de la circulaire "
            "n° 6094-SG du 1er juillet 2019)",
            "C2",
        ),
        description=(
            "Vérifie que la déclaration des locaux indique un accès adapté aux personnes en "
            "situation de handicap. Déclaré absent : non conforme ; non déclaré : à vérifier."
            + _SECONDARY.format(key="premises.disability_access_required")
        ),
        remediation=(
            "Aménager l'accès et l'accueil pour les personnes en situation de handicap (cheminement, "
            "entrée, guichet, bureau de confidentialité accessibles), puis le déclarer."
        ),
        check=_premises_check(
            ("disability_access",),
            "l'accès adapté aux personnes en situation de handicap",
            enabled_key="premises.disability_access_required",
        ),
        cacheable=True,
        needs=("type", "format", "premises.disability_access"),
        statuses=_STATUSES,
    ),
]
