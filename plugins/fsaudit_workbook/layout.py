"""The documented workbook layout: sheets, columns, French headers, kinds and drop-down lists.

One description serves the reader (header matching, cell parsing), the template writer (headers,
widths, validations, Instructions sheet) and the documentation (``docs/workbook.md``).
"""

from __future__ import annotations

from attrs import frozen

from fsaudit import normalize_name
from fsaudit_workbook.cells import FACT_VALUE_RULES

__all__ = [
    "CLOSED_MARK",
    "CLOSED_MARKS",
    "EMPTY_MARK",
    "EMPTY_MARKS",
    "EXTENSIONS",
    "IGNORED_SHEETS",
    "SHEETS",
    "Column",
    "SheetSpec",
    "header_key",
    "sheet_by_key",
]

EMPTY_MARK = "aucun"
"""In the key column of a list sheet (Conseillers, Partenaires…): the list is declared empty."""
EMPTY_MARKS = (EMPTY_MARK, "aucune", "néant")
"""The words read as :data:`EMPTY_MARK` (the template writes « aucun »), as the charter plugin
reads a local referent declared « aucun », « aucune » or « néant »."""
CLOSED_MARK = "fermé"
"""In the « Début » column of Horaires: the day is declared closed (the week is declared)."""
CLOSED_MARKS = (CLOSED_MARK, "fermée", "fermés", "fermées")
"""The words read as :data:`CLOSED_MARK` (« Fermée » for « la structure est fermée »)."""


@frozen
class Column:
    """One column of a sheet."""

    key: str
    """Internal key (the declaration field, or a reader-specific name)."""
    header: str
    """French header written in the template."""
    kind: str
    """How the cell is read: text, code, departement, commune, postal, number, integer, date,
    time, month, bool, choice, modes, rule, result, namespace, field, value (see
    ``fsaudit_workbook.cells.parse``)."""
    width: float
    help: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: str | None = None
    """Name of the drop-down list (see ``fsaudit_workbook.cells.CHOICES`` and the partners)."""
    strict: bool = True
    """Whether the drop-down refuses other values (the reader still accepts the usual variants)."""

    @property
    def keys(self) -> tuple[str, ...]:
        """Normalised header and aliases, to match a header typed in any case and accent."""
        return tuple(header_key(h) for h in (self.header, *self.aliases))


@frozen
class SheetSpec:
    """One sheet of the layout."""

    name: str
    columns: tuple[Column, ...]
    help: str
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return header_key(self.name)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def header_key(text: str) -> str:
    """Fold a header or sheet name: no case, accents, punctuation, nor parenthesised hint."""
    out = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return normalize_name("".join(out).replace("*", " "))


_ID = Column(
    "structure_id",
    "Identifiant",
    "text",
    18,
    "Identifiant de la structure, tel qu'il figure dans la feuille Structures.",
    aliases=("Identifiant de la structure", "Id", "Id structure", "Identifiant structure"),
    required=True,
)

STRUCTURES = SheetSpec(
    "Structures",
    (
        Column(
            "id",
            "Identifiant",
            "text",
            18,
            "Identifiant unique de la structure (obligatoire).",
            aliases=("Identifiant de la structure", "Id", "Id structure", "Identifiant structure"),
            required=True,
        ),
        Column(
            "name",
            "Nom",
            "text",
            36,
            "Nom de la structure (obligatoire).",
            aliases=("Nom de la structure", "Structure"),
            required=True,
        ),
        Column(
            "departement",
            "Département",
            "departement",
            13,
            "Code INSEE du département : 01 à 95, 2A, 2B, 971 à 989.",
            aliases=("Code département", "Code du département"),
        ),
        Column("canton", "Canton", "code", 12, "Code du canton."),
        Column(
            "commune",
            "Commune",
            "commune",
            13,
            "Code INSEE de la commune, 5 caractères.",
            aliases=("Code commune", "Code INSEE"),
        ),
        Column("street", "Adresse", "text", 30, "Numéro et voie."),
        Column("complement", "Complément d'adresse", "text", 20, "Bâtiment, lieu-dit…"),
        Column("postal_code", "Code postal", "postal", 11, "Code postal."),
        Column("city", "Ville", "text", 20, "Ville."),
        Column("latitude", "Latitude", "number", 11, "Latitude WGS84 en degrés décimaux (virgule acceptée)."),
        Column("longitude", "Longitude", "number", 11, "Longitude WGS84 en degrés décimaux (virgule acceptée)."),
        Column("type", "Type", "choice", 12, "principale ou antenne.", choices="type"),
        Column("format", "Format", "choice", 12, "fixe, multisites, bus, itinérante ou antenne.", choices="format"),
        Column("group", "Groupe", "code", 12, "Groupe France services (rattachement des antennes)."),
        Column(
            "parent_id",
            "Structure de rattachement",
            "code",
            20,
            "Pour une antenne : identifiant de la structure principale.",
            aliases=("Rattachement",),
        ),
        Column(
            "gestionnaire_kind",
            "Type de gestionnaire",
            "choice",
            16,
            "collectivité, La Poste, association, MSA, État ou autre.",
            choices="gestionnaire",
        ),
        Column(
            "gestionnaire_name", "Gestionnaire", "text", 28, "Nom du gestionnaire.", aliases=("Nom du gestionnaire",)
        ),
        Column(
            "label_status",
            "Statut du label",
            "choice",
            14,
            "candidate ou labellisée.",
            choices="label",
            aliases=("Label", "Labellisation"),
        ),
        Column(
            "label_date",
            "Date du label",
            "date",
            13,
            "Date de labellisation (JJ/MM/AAAA).",
            aliases=("Date de labellisation",),
        ),
        Column(
            "irregular_openings",
            "Ouvertures irrégulières",
            "text",
            30,
            "Ouvertures qui ne se répètent pas chaque semaine, en texte libre (« premier samedi du mois »).",
        ),
        Column(
            "appointment_booking",
            "Prise de rendez-vous",
            "bool",
            13,
            "oui si l'on peut prendre rendez-vous.",
            choices="oui_non",
            aliases=("Rendez-vous",),
        ),
        Column("comment", "Commentaire", "text", 30, "Commentaire libre.", aliases=("Commentaires",)),
    ),
    "Une ligne par structure. Les autres feuilles s'y rattachent par l'identifiant.",
)

HORAIRES = SheetSpec(
    "Horaires",
    (
        _ID,
        Column("day", "Jour", "choice", 12, "lundi … dimanche.", choices="jour", required=True),
        Column(
            "start",
            "Début",
            "time",
            9,
            "Heure de début : 9h, 9h30, 09:00 ; « fermé » pour un jour déclaré fermé.",
            aliases=("Heure de début", "Ouverture", "De"),
        ),
        Column(
            "end",
            "Fin",
            "time",
            9,
            "Heure de fin : 12h, 17h30, 24:00.",
            aliases=("Heure de fin", "Fermeture", "À", "A"),
        ),
        Column(
            "conseiller",
            "Conseiller",
            "text",
            16,
            "Vide : horaires d'ouverture au public. Identifiant d'un conseiller : sa présence.",
            aliases=("Présence du conseiller", "Conseiller présent"),
        ),
    ),
    "Une ligne par créneau (plusieurs lignes pour un même jour). Sans colonne Conseiller remplie, ce "
    "sont les horaires d'ouverture ; avec, la présence de ce conseiller. Un jour sans ligne est fermé.",
)

CONSEILLERS = SheetSpec(
    "Conseillers",
    (
        _ID,
        Column(
            "id",
            "Conseiller",
            "text",
            16,
            "Identifiant pseudonyme du conseiller (pas de nom) ; « aucun » : aucun conseiller.",
            aliases=("Identifiant du conseiller", "Id conseiller"),
            required=True,
        ),
        Column("fte", "ETP", "number", 8, "Équivalent temps plein (1 ; 0,5…).", aliases=("Temps de travail",)),
        Column(
            "training_date",
            "Date de formation",
            "date",
            14,
            "Fin de la formation initiale (JJ/MM/AAAA).",
            aliases=("Formation initiale",),
        ),
        Column(
            "training_days",
            "Jours de formation",
            "number",
            12,
            "Durée de la formation initiale en jours (6,5).",
            aliases=("Durée de formation",),
        ),
        Column(
            "start_date",
            "Date de prise de poste",
            "date",
            14,
            "Date de prise de poste (JJ/MM/AAAA).",
            aliases=("Prise de poste",),
        ),
    ),
    "Une ligne par conseiller France services. La présence se déclare dans la feuille Horaires.",
)

PARTENAIRES = SheetSpec(
    "Partenaires",
    (
        _ID,
        Column(
            "operator",
            "Partenaire",
            "text",
            34,
            "Partenaire national (liste du référentiel) ; « aucun » : aucun partenaire.",
            aliases=("Opérateur",),
            required=True,
            choices="partenaires",
            strict=False,
        ),
        Column(
            "modes",
            "Modalités",
            "modes",
            24,
            "permanence, visio, rendez-vous, référent ; plusieurs séparées par des virgules.",
            aliases=("Modalité", "Mode"),
            choices="modalite",
            strict=False,
        ),
        Column(
            "referent",
            "Référent local",
            "text",
            26,
            "Nom ou fonction du référent local du partenaire.",
            aliases=("Référent",),
        ),
    ),
    "Une ligne par partenaire national proposé dans la structure.",
)

SERVICES = SheetSpec(
    "Services locaux",
    (
        _ID,
        Column(
            "name",
            "Service",
            "text",
            30,
            "Nom du service complémentaire ; « aucun » : aucun service.",
            aliases=("Nom du service",),
            required=True,
        ),
        Column(
            "category",
            "Catégorie",
            "text",
            16,
            "administratif, numérique, social, convivialité, coworking ou autre.",
            choices="categorie",
            strict=False,
        ),
        Column("provider", "Prestataire", "text", 24, "Qui assure le service.", aliases=("Porteur",)),
    ),
    "Une ligne par service local complémentaire ajouté par le gestionnaire.",
    aliases=("Services",),
)

LOCAUX = SheetSpec(
    "Locaux",
    (
        _ID,
        Column("confidential_space", "Espace confidentiel", "bool", 13, "oui / non.", choices="oui_non"),
        Column(
            "free_access_station",
            "Poste en libre accès",
            "bool",
            13,
            "oui / non.",
            choices="oui_non",
            aliases=("Poste informatique en libre accès",),
        ),
        Column(
            "printer_scanner",
            "Imprimante et scanner",
            "bool",
            13,
            "oui / non.",
            choices="oui_non",
            aliases=("Imprimante scanner",),
        ),
        Column("videoconference", "Visioconférence", "bool", 13, "oui / non.", choices="oui_non", aliases=("Visio",)),
        Column(
            "free_of_charge",
            "Gratuité",
            "bool",
            11,
            "oui / non.",
            choices="oui_non",
            aliases=("Gratuit", "Service gratuit"),
        ),
        Column(
            "walk_in",
            "Accueil sans rendez-vous",
            "bool",
            13,
            "oui / non.",
            choices="oui_non",
            aliases=("Sans rendez-vous",),
        ),
        Column("signage", "Signalétique", "bool", 12, "oui / non.", choices="oui_non"),
        Column(
            "disability_access",
            "Accès handicapés",
            "bool",
            13,
            "oui / non : accès adapté aux personnes en situation de handicap (FS-LOC-05).",
            choices="oui_non",
            aliases=("Accessibilité", "Accès PMR", "Accès personnes handicapées", "Accessibilité handicap"),
        ),
    ),
    "Une ligne par structure (au plus). Une ligne présente déclare les locaux, même vide.",
)

FREQUENTATION = SheetSpec(
    "Fréquentation",
    (
        _ID,
        Column(
            "month",
            "Mois",
            "month",
            12,
            "Mois : 2024-01, 01/2024 ou janvier 2024 ; « aucun » : rien à déclarer.",
            required=True,
        ),
        Column(
            "accompaniments",
            "Accompagnements",
            "integer",
            16,
            "Nombre d'accompagnements du mois.",
            aliases=("Nombre d'accompagnements",),
        ),
    ),
    "Une ligne par mois.",
)

DEPARTEMENT = SheetSpec(
    "Département",
    (
        Column(
            "code",
            "Département",
            "departement",
            13,
            "Code INSEE du département (un seul par classeur).",
            aliases=("Code département", "Code du département"),
            required=True,
        ),
        Column("name", "Nom du département", "text", 24, "Nom du département."),
        Column(
            "canton",
            "Canton",
            "code",
            12,
            "Code d'un canton ; « aucun » : aucun canton.",
            aliases=("Code canton", "Code du canton"),
        ),
        Column("canton_name", "Nom du canton", "text", 24, "Nom du canton."),
    ),
    "Facultatif : le département et ses cantons, pour la couverture des cantons. Une ligne par canton.",
)

VERIFICATIONS = SheetSpec(
    "Vérifications",
    (
        _ID,
        Column(
            "rule",
            "Règle",
            "rule",
            12,
            "Identifiant de la règle à vérifier (FS-HOR-05, FS-MIS-01 laïcité et neutralité…).",
            required=True,
        ),
        Column("result", "Résultat", "result", 14, "conforme ou non conforme.", choices="resultat", required=True),
        Column("evidence", "Constat", "text", 40, "Ce que l'auditeur a constaté.", required=True),
        Column("auditor", "Auditeur", "text", 18, "Nom de l'auditeur.", required=True),
        Column(
            "date",
            "Date",
            "date",
            12,
            "Date de la vérification (JJ/MM/AAAA).",
            aliases=("Date de vérification",),
            required=True,
        ),
    ),
    "Réponses de l'auditeur aux vérifications manuelles (« à vérifier ») : à l'audit suivant, la "
    "règle prend le résultat indiqué, marqué comme vérifié manuellement.",
    aliases=("Verification", "Vérification manuelle", "Vérifications manuelles"),
)

EXTENSIONS = SheetSpec(
    "Extensions",
    (
        _ID,
        Column(
            "namespace",
            "Espace",
            "namespace",
            18,
            "Nom de l'espace de faits du plugin qui les lit (voir sa documentation) : lettres sans accent, "
            "chiffres, _ et -.",
            aliases=("Espace de noms", "Plugin"),
            required=True,
        ),
        Column(
            "field",
            "Champ",
            "field",
            24,
            "Nom du fait dans cet espace, tel que le plugin le nomme (sans point ni crochet).",
            aliases=("Fait", "Nom du champ"),
            required=True,
        ),
        Column(
            "value",
            "Valeur",
            "value",
            24,
            f"Valeur du fait : {FACT_VALUE_RULES}. Le plugin vérifie qu'elle lui convient.",
            required=True,
        ),
    ),
    "Facultatif : faits propres à un plugin (extensions), une ligne par fait. L'espace et le champ sont ceux "
    "que le plugin documente ; un même fait déclaré deux fois n'est pas lu.",
)

SHEETS: tuple[SheetSpec, ...] = (
    STRUCTURES,
    HORAIRES,
    CONSEILLERS,
    PARTENAIRES,
    SERVICES,
    LOCAUX,
    FREQUENTATION,
    DEPARTEMENT,
    VERIFICATIONS,
    EXTENSIONS,
)

IGNORED_SHEETS = ("Instructions", "Listes", "Attendus")
"""Sheets that carry no declaration data: the template's own, and the expected results of a
workbook of the ``fsaudit.testing`` kit (``fsaudit.testing.workbook_kit.SHEET``)."""


def sheet_by_key() -> dict[str, SheetSpec]:
    """Sheets by folded name and aliases (``frequentation`` → Fréquentation)."""
    out: dict[str, SheetSpec] = {}
    for spec in SHEETS:
        for name in (spec.name, *spec.aliases):
            out[header_key(name)] = spec
    return out
