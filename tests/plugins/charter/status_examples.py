"""One example per charter rule and per status its check can return (``Rule.statuses``).

Each example is a declaration (built from ``make_structure()``, which meets every rule) changed
in the one fact that gives the status, with the audit date and the exact message expected.
``test_status_examples.py`` runs each one and fails when a rule declares a status no example
shows (or an example shows a status the rule does not declare).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from fsaudit.model import declaration as model
from fsaudit.model.rule import Status
from fsaudit.testing import FULL_WEEK, PARTNERS_2025, make_departement, make_structure, weekly

D = dt.date
AS_OF = D(2025, 6, 30)
P, F, W, M, NA = Status.PASS, Status.FAIL, Status.WARN, Status.MANUAL, Status.NOT_APPLICABLE


@attrs.frozen
class Example:
    """``rule`` gives ``status`` and ``message`` on the structure ``target`` of ``structures()``."""

    rule: str
    status: Status
    message: str
    structures: Callable[[], Sequence[model.Structure]]
    as_of: dt.date = AS_OF
    departements: Callable[[], Sequence[model.Departement]] = lambda: (make_departement(),)
    target: str = "TEST-001"
    referential: Callable[[], Any] | None = None
    """The referential to audit under, when not the one in force on ``as_of``."""

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.status.value}"


def one(**changes: Any) -> Callable[[], list[model.Structure]]:
    """``make_structure(**changes)`` alone."""
    return lambda: [make_structure(**changes)]


def conseiller(cid: str = "C1", **changes: Any) -> model.Conseiller:
    base = model.Conseiller(cid, 1.0, D(2020, 11, 15), 6.5, D(2020, 12, 1), FULL_WEEK)
    return attrs.evolve(base, **changes)


def offers(*names: str, referent: str | None = "Référent") -> tuple[model.PartnerOffer, ...]:
    return tuple(model.PartnerOffer(n, (model.PartnerMode.PERMANENCE,), referent) for n in names)


def premises(**changes: Any) -> model.Premises:
    return attrs.evolve(model.Premises(True, True, True, True, True, True, True, True), **changes)


ANTENNE = {"type": model.StructureType.ANTENNE, "format": model.Format.ANTENNE}
SHORT_WEEK = weekly(monday=["09:00-12:00"], tuesday=["09:00-12:00"], thursday=["09:00-12:00"])
CANDIDATE = model.Label(model.LabelStatus.CANDIDATE)
PARTNERS_2024 = tuple(name for name in PARTNERS_2025 if name not in ("Agirc-Arrco", "Urssaf"))


def with_values(**values: Any) -> Callable[[], Any]:
    """The referential in force on 30/06/2025 with ``values`` (``partners__expected_count=12``)."""

    def build() -> Any:
        from fsaudit.plugin.manager import select_referential

        referential = select_referential(AS_OF)
        changed = dict(referential.values)
        for name, value in values.items():
            key = name.replace("__", ".")
            changed[key] = attrs.evolve(changed[key], value=value)
        return attrs.evolve(referential, values=changed)

    return build


def _network(*structures: model.Structure) -> Callable[[], list[model.Structure]]:
    return lambda: list(structures)


EXAMPLES: tuple[Example, ...] = (
    # --- horaires ---------------------------------------------------------------------------
    Example("FS-HOR-01", P, "ouverture de 32 h 30 par semaine (minimum 24 h)", one()),
    Example("FS-HOR-01", F, "ouverture de 9 h par semaine, sous le minimum de 24 h", one(opening_hours=SHORT_WEEK)),
    Example(
        "FS-HOR-01",
        W,
        "ouverture de 9 h par semaine, sous le minimum de 24 h des lieux fixes ; offre itinérante (bus) "
        "complémentaire, à apprécier",
        one(opening_hours=SHORT_WEEK, format=model.Format.BUS),
    ),
    Example(
        "FS-HOR-01",
        M,
        "ouverture de 9 h par semaine, sous le minimum de 24 h ; à vérifier : type de structure non déclaré "
        "(une antenne n'est pas concernée)",
        one(opening_hours=SHORT_WEEK, type=None),
    ),
    Example(
        "FS-HOR-01",
        NA,
        "antenne : le minimum hebdomadaire des lieux fixes ne s'applique pas aux antennes",
        one(**ANTENNE),
    ),
    Example("FS-HOR-02", P, "ouverte 5 jours par semaine (minimum 5)", one()),
    Example("FS-HOR-02", F, "ouverte 3 jour(s) par semaine, sous le minimum de 5", one(opening_hours=SHORT_WEEK)),
    Example(
        "FS-HOR-02",
        W,
        "ouverte 3 jour(s) par semaine, sous le minimum de 5 des lieux fixes ; offre itinérante (bus) "
        "complémentaire, à apprécier",
        one(opening_hours=SHORT_WEEK, format=model.Format.ITINERANT),
    ),
    Example(
        "FS-HOR-02",
        M,
        "ouverte 3 jour(s) par semaine, sous le minimum de 5 ; à vérifier : format non déclaré (un bus ou une "
        "offre itinérante n'est pas jugé comme un lieu fixe)",
        one(opening_hours=SHORT_WEEK, format=None),
    ),
    Example(
        "FS-HOR-02",
        NA,
        "antenne : le minimum de jours d'ouverture des lieux fixes ne s'applique pas aux antennes",
        one(**ANTENNE),
    ),
    Example("FS-HOR-03", P, "horaires cohérents", one()),
    Example(
        "FS-HOR-03",
        F,
        "1 incohérence(s) d'horaires : lundi : créneau « 12:00 - 09:00 » dont la fin n'est pas après le début",
        one(opening_hours=attrs.evolve(FULL_WEEK, monday=(model.TimeRange("12:00", "09:00"),))),
    ),
    Example("FS-HOR-03", NA, "aucun horaire déclaré (voir FS-HOR-04)", one(opening_hours=None)),
    Example("FS-HOR-04", P, "horaires d'ouverture déclarés", one()),
    Example("FS-HOR-04", M, "horaires à compléter : aucun horaire d'ouverture déclaré", one(opening_hours=None)),
    Example("FS-HOR-04", NA, "antenne : horaires propres non exigés", one(**ANTENNE)),
    Example("FS-HOR-05", P, "aucune ouverture irrégulière en texte libre", one()),
    Example(
        "FS-HOR-05",
        M,
        "ouvertures irrégulières déclarées en texte libre, à vérifier : « premier samedi du mois »",
        one(irregular_openings="premier samedi du mois"),
    ),
    # --- conseillers ------------------------------------------------------------------------
    Example("FS-AGT-01", P, "2 conseillers France services (minimum 2)", one()),
    Example("FS-AGT-01", F, "1 conseiller France services, sous le minimum de 2", one(conseillers=(conseiller(),))),
    Example("FS-AGT-01", M, "conseillers non déclarés : nombre de conseillers inconnu", one(conseillers=None)),
    Example("FS-AGT-01", NA, "antenne : critère exigé des structures principales seulement", one(**ANTENNE)),
    Example(
        "FS-AGT-02",
        P,
        "formation initiale suivie par les 2 conseillers avant la prise de poste ou la labellisation",
        one(),
    ),
    Example(
        "FS-AGT-02",
        F,
        "formation initiale suivie trop tard pour 1 conseiller : C1 : formé le 01/03/2021, après sa prise de "
        "poste le 01/12/2020 et la labellisation le 01/01/2021",
        one(conseillers=(conseiller(training_date=D(2021, 3, 1)), conseiller("C2"))),
    ),
    Example(
        "FS-AGT-02",
        M,
        "formation initiale à vérifier : C1 : formé le 01/03/2021, après la labellisation le 01/01/2021 ; "
        "date de prise de poste non déclarée",
        one(conseillers=(conseiller(training_date=D(2021, 3, 1), start_date=None), conseiller("C2"))),
    ),
    Example("FS-AGT-02", NA, "antenne : critère exigé des structures principales seulement", one(**ANTENNE)),
    Example("FS-AGT-03", P, "au moins 2 conseillers présents pendant toutes les heures d'ouverture", one()),
    Example(
        "FS-AGT-03",
        F,
        "moins de 2 conseillers présents pendant 3 h 30 d'ouverture : lundi 13:30 - 17:00 (1 conseiller présent)",
        one(
            conseillers=(
                conseiller(presence=attrs.evolve(FULL_WEEK, monday=(model.TimeRange("09:00", "12:00"),))),
                conseiller("C2"),
            )
        ),
    ),
    Example(
        "FS-AGT-03",
        M,
        "planning de présence non déclaré pour C2 : présence de 2 conseillers à vérifier sur place",
        one(conseillers=(conseiller(), conseiller("C2", presence=None))),
    ),
    Example("FS-AGT-03", NA, "antenne : critère exigé des structures principales seulement", one(**ANTENNE)),
    Example(
        "FS-AGT-04",
        P,
        "durée de formation conforme pour 2 conseillers (6,5 jours, 11,5 jours pour une formation suivie à "
        "partir du 01/01/2024)",
        one(),
    ),
    Example(
        "FS-AGT-04",
        F,
        "formation initiale trop courte : C1 : 3,5 jours, sous le minimum de 6,5 jours quelle que soit la date "
        "de formation",
        one(conseillers=(conseiller(training_days=3.5, training_date=None), conseiller("C2"))),
    ),
    Example(
        "FS-AGT-04",
        M,
        "durée de formation à vérifier : C1 : durée de formation non déclarée",
        one(conseillers=(conseiller(training_days=None), conseiller("C2"))),
    ),
    Example("FS-AGT-04", NA, "aucun conseiller déclaré : critère sans objet (voir FS-AGT-01)", one(conseillers=())),
    # --- partenaires ------------------------------------------------------------------------
    Example("FS-PAR-01", P, "les 13 partenaires nationaux du référentiel charte-2025 sont proposés", one()),
    Example(
        "FS-PAR-01",
        F,
        "2 partenaires nationaux manquants sur 13 (charte-2025) : Agirc-Arrco (retraite complémentaire) et "
        "Urssaf, exigés depuis le 01/01/2025 (source : Sénat, avis sur le projet de loi de finances pour 2026)",
        one(partners=offers(*PARTNERS_2024)),
        as_of=D(2025, 6, 1),
    ),
    Example(
        "FS-PAR-01",
        W,
        "1 partenaire national manquant sur 13 (charte-2025) : Urssaf, exigé depuis le 01/01/2025 (source : "
        "Sénat, avis sur le projet de loi de finances pour 2026) ; 12 partenaires proposés : le nombre attendu "
        "retenu par le référentiel (12, « partners.expected_count ») est atteint, à vérifier",
        one(partners=offers(*PARTNERS_2025[:-1])),
        referential=with_values(partners__expected_count=12),
    ),
    Example("FS-PAR-01", M, "partenaires non déclarés : offre de services à vérifier", one(partners=None)),
    Example("FS-PAR-01", NA, "antenne : critère exigé des structures principales seulement", one(**ANTENNE)),
    Example("FS-PAR-02", P, "un référent local nommé pour chacun des 13 partenaires proposés", one()),
    Example(
        "FS-PAR-02",
        F,
        "référent local non désigné par l'opérateur pour 1 partenaire : Urssaf (constat adressé à l'opérateur, "
        "à qui il revient de le désigner ; il ne met pas en cause le gestionnaire)",
        one(partners=offers(*PARTNERS_2025[:-1]) + offers("Urssaf", referent="non désigné")),
    ),
    Example(
        "FS-PAR-02",
        M,
        "référent local non renseigné pour 1 partenaire : Urssaf (à demander à l'opérateur ; « aucun » déclare "
        "qu'il n'en a pas désigné)",
        one(partners=offers(*PARTNERS_2025[:-1]) + offers("Urssaf", referent=None)),
    ),
    Example("FS-PAR-02", NA, "aucun partenaire déclaré (voir FS-PAR-01)", one(partners=())),
    Example("FS-PAR-03", P, "les 13 noms de partenaires sont reconnus", one()),
    Example(
        "FS-PAR-03",
        W,
        "1 nom de partenaire non reconnu : « Agirc Arco » (le plus proche : Agirc-Arrco (retraite complémentaire))",
        one(partners=offers(*PARTNERS_2024, "Agirc Arco", "Urssaf")),
    ),
    Example("FS-PAR-03", NA, "aucun partenaire déclaré", one(partners=None)),
    # --- services locaux --------------------------------------------------------------------
    Example("FS-SVC-01", P, "1 service local de catégorie reconnue", one()),
    Example(
        "FS-SVC-01",
        W,
        "1 service local de catégorie inconnue : « Club de marche » : catégorie « sport » (catégories "
        "admises : administratif, numérique, social, convivialité, coworking, autre)",
        one(local_services=(model.LocalService("Club de marche", "sport"),)),
    ),
    Example(
        "FS-SVC-01",
        M,
        "catégorie non indiquée pour « Atelier » : à classer parmi administratif, numérique, social, "
        "convivialité, coworking, autre",
        one(local_services=(model.LocalService("Atelier"),)),
    ),
    Example("FS-SVC-01", NA, "aucun service local complémentaire déclaré", one(local_services=None)),
    Example("FS-SVC-02", P, "aucun service local ne reprend l'offre d'un partenaire national", one()),
    Example(
        "FS-SVC-02",
        F,
        "partenaire national déclaré comme service local : « Permanence DGEC » relève de Chèque énergie "
        "(DGEC) (à déclarer parmi les partenaires, il ne compte pas comme service local)",
        one(local_services=(model.LocalService("Permanence DGEC", "administratif"),)),
    ),
    Example("FS-SVC-02", NA, "aucun service local complémentaire déclaré", one(local_services=())),
    # --- locaux -----------------------------------------------------------------------------
    Example("FS-LOC-01", P, "présent : espace de confidentialité", one()),
    Example("FS-LOC-01", F, "absent : espace de confidentialité", one(premises=premises(confidential_space=False))),
    Example("FS-LOC-01", M, "locaux non déclarés : l'espace de confidentialité à vérifier", one(premises=None)),
    Example("FS-LOC-01", NA, "antenne : critère exigé des structures principales seulement", one(**ANTENNE)),
    Example(
        "FS-LOC-02",
        P,
        "présent : poste informatique en libre accès connecté à internet et imprimante-scanner",
        one(),
    ),
    Example("FS-LOC-02", F, "absent : imprimante-scanner", one(premises=premises(printer_scanner=False))),
    Example(
        "FS-LOC-02",
        M,
        "non déclaré, à vérifier sur place : poste informatique en libre accès connecté à internet",
        one(premises=premises(free_access_station=None)),
    ),
    Example("FS-LOC-02", NA, "antenne : critère exigé des structures principales seulement", one(**ANTENNE)),
    Example("FS-LOC-03", P, "présent : visioconférence avec les opérateurs", one()),
    Example(
        "FS-LOC-03", F, "absent : visioconférence avec les opérateurs", one(premises=premises(videoconference=False))
    ),
    Example(
        "FS-LOC-03",
        M,
        "non déclaré, à vérifier sur place : visioconférence avec les opérateurs",
        one(premises=premises(videoconference=None)),
    ),
    Example("FS-LOC-03", NA, "antenne : critère exigé des structures principales seulement", one(**ANTENNE)),
    Example("FS-LOC-04", P, "présent : service gratuit et accueil sans rendez-vous", one()),
    Example("FS-LOC-04", F, "absent : accueil sans rendez-vous", one(premises=premises(walk_in=False))),
    Example(
        "FS-LOC-04",
        M,
        "non déclaré, à vérifier sur place : service gratuit",
        one(premises=premises(free_of_charge=None)),
    ),
    Example("FS-LOC-04", NA, "antenne : critère exigé des structures principales seulement", one(**ANTENNE)),
    Example("FS-LOC-05", P, "présent : accès adapté aux personnes en situation de handicap", one()),
    Example(
        "FS-LOC-05",
        F,
        "absent : accès adapté aux personnes en situation de handicap",
        one(premises=premises(disability_access=False)),
    ),
    Example(
        "FS-LOC-05",
        M,
        "non déclaré, à vérifier sur place : accès adapté aux personnes en situation de handicap",
        one(premises=premises(disability_access=None)),
    ),
    Example("FS-LOC-05", NA, "antenne : critère exigé des structures principales seulement", one(**ANTENNE)),
    # --- mission de service public ----------------------------------------------------------
    Example(
        "FS-MIS-01",
        M,
        "laïcité et neutralité du service à vérifier par l'auditeur : les conseillers sont tenus aux "
        "obligations de l'article 1er de la loi n° 2021-1109 (mission de service public) ; réponse à "
        "consigner dans la feuille Vérifications (conforme ou non conforme, avec le constat)",
        one(),
    ),
    Example(
        "FS-MIS-01",
        NA,
        "laïcité et neutralité vérifiées à partir du 16/06/2025 (référentiel approuvé par l'arrêté du 16 juin "
        "2025) : sans objet à la date de l'audit",
        one(),
        as_of=D(2025, 6, 15),
    ),
    # --- réseau -----------------------------------------------------------------------------
    Example("FS-NET-01", P, "identifiant « TEST-001 » unique parmi les déclarations", one()),
    Example(
        "FS-NET-01",
        F,
        "identifiant « TEST-001 » utilisé par 2 structures : <mémoire> ($.structures[0]) et <mémoire> "
        "($.structures[1])",
        _network(make_structure(), make_structure(name="Autre")),
    ),
    Example(
        "FS-NET-01",
        W,
        "identifiant « TEST-001 » : la même structure, déclarée à l'identique 2 fois (<mémoire> "
        "($.structures[0]) et <mémoire> ($.structures[1])) ; à ne garder qu'une fois dans les fichiers audités",
        _network(make_structure(), make_structure()),
    ),
    Example("FS-NET-02", P, "1 canton couvert sur 1 dans le département Gers (32)", one()),
    Example(
        "FS-NET-02",
        F,
        "1 canton couvert sur 2 dans le département Gers (32) ; sans France services : Auch-2 (3202)",
        one(),
        departements=lambda: (
            make_departement(cantons=(model.Canton("3201", "Auch-1"), model.Canton("3202", "Auch-2"))),
        ),
    ),
    Example(
        "FS-NET-02",
        W,
        "0 canton couvert sur 1 dans le département Gers (32) ; le canton déclaré « 3299 » n'est pas dans "
        "la liste du département",
        one(canton="3299"),
    ),
    Example(
        "FS-NET-02",
        M,
        "1 canton couvert sur 2 dans le département Gers (32) ; sans France services connue : Auch-2 (3202) ; "
        "à vérifier : canton ou département non déclaré ou illisible pour TEST-002",
        _network(make_structure(), make_structure(id="TEST-002", canton=None)),
        departements=lambda: (
            make_departement(cantons=(model.Canton("3201", "Auch-1"), model.Canton("3202", "Auch-2"))),
        ),
    ),
    Example(
        "FS-NET-02",
        NA,
        "aucune liste des cantons du département dans les déclarations : couverture non évaluée",
        one(),
        departements=lambda: (),
    ),
    Example(
        "FS-NET-03",
        P,
        "antenne rattachée à la structure principale « TEST-001 » (France services de test)",
        _network(make_structure(), make_structure(id="A-1", parent_id="TEST-001", **ANTENNE)),
        target="A-1",
    ),
    Example(
        "FS-NET-03",
        F,
        "antenne rattachée à « TEST-009 », structure absente des déclarations auditées",
        _network(make_structure(), make_structure(id="A-1", parent_id="TEST-009", **ANTENNE)),
        target="A-1",
    ),
    Example(
        "FS-NET-03",
        M,
        "antenne sans rattachement déclaré : structure principale (parent_id) ou groupe à déclarer",
        _network(make_structure(), make_structure(id="A-1", **ANTENNE)),
        target="A-1",
    ),
    Example("FS-NET-03", NA, "structure principale : rattachement sans objet", one()),
    # --- activité ---------------------------------------------------------------------------
    Example(
        "FS-ACT-01",
        P,
        "330 accompagnements de janvier 2025, +10,00 % sur les mêmes mois de 2024",
        one(),
    ),
    Example("FS-ACT-01", F, "fréquentation déclarée vide : aucun mois renseigné", one(attendance=())),
    Example(
        "FS-ACT-01",
        W,
        "270 accompagnements de janvier 2025, −10,00 % sur les mêmes mois de 2024 : fréquentation en baisse",
        one(attendance=(model.Attendance("2024-01", 300), model.Attendance("2025-01", 270))),
    ),
    Example(
        "FS-ACT-01",
        M,
        "fréquentation déclarée vide et statut de labellisation non déclaré : à vérifier (une candidature n'a "
        "pas de fréquentation à déclarer)",
        one(attendance=(), label=None),
    ),
    Example(
        "FS-ACT-01",
        NA,
        "candidature : pas encore de fréquentation France services à déclarer",
        one(attendance=None, label=CANDIDATE),
    ),
    # --- financement ------------------------------------------------------------------------
    Example("FS-FIN-01", P, "forfait de fonctionnement 2025 dû : 45\u202f000 €", one()),
    Example(
        "FS-FIN-01",
        M,
        "statut de labellisation non déclaré : forfait de fonctionnement à établir",
        one(label=None),
    ),
    Example(
        "FS-FIN-01",
        NA,
        "candidature : le forfait de fonctionnement est versé aux structures labellisées",
        one(label=CANDIDATE),
    ),
)
