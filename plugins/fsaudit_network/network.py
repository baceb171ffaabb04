"""The network view: a summary by département and national totals, as report sections.

Compliance figures come from the audit's own results (FS-HOR-01 and FS-HOR-02 statuses, the
weekly hours FS-HOR-01 computed, the decisions). Facts the results do not carry (a structure's
format, its canton and attendance, the cantons a département block lists) come from the audited
structures and département blocks the engine passes to the ``fsaudit_report_sections`` hook.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import attrs
from attrs import frozen

from fsaudit import (
    MONTHS_FR,
    NARROW_NBSP,
    AuditReport,
    DecisionCode,
    Departement,
    LoadedStructure,
    Section,
    Status,
    StructureReport,
    departement_names,
    fr_hours,
    fr_int,
    fr_pct,
    fr_signed,
)

NNBSP = NARROW_NBSP

__all__ = [
    "CATEGORIES",
    "DepartementSummary",
    "Facts",
    "departement_key",
    "fr_hours",
    "fr_int",
    "fr_pct",
    "fr_signed",
    "gather_facts",
    "network_sections",
    "summarize",
]


CATEGORIES: dict[str, tuple[str, str]] = {
    "fixe": ("Fixes", "fixes"),
    "multisites": ("Multisites", "multisites"),
    "bus": ("Bus", "bus"),
    "itinerant": ("Itinérantes", "itinérantes"),
    "antenne": ("Antennes", "antennes"),
    "non_declare": ("Format non déclaré", "au format non déclaré"),
    "illisible": ("Type ou format illisible", "au type ou au format illisible"),
}
"""Category → (column header, phrase after a number)."""

_DECISION_GROUPS: tuple[tuple[int, str], ...] = (
    (0, "Favorable"),
    (1, "Avec réserves"),
    (2, "Incomplète"),
    (3, "Bloquant"),
)
"""Decisions grouped by rank: favourable or maintien; with reservations or an action plan;
incomplete file; a bloquant failure (avis défavorable, maintien conditionnel)."""


def _months(months: Sequence[int], year: int) -> str:
    """``[1..8], 2023`` → ``janvier à août 2023``; ``[1, 3]`` → ``janvier et mars 2023``."""
    months = sorted(months)
    names = [MONTHS_FR[m - 1] for m in months]
    if len(months) == 1:
        return f"{names[0]} {year}"
    if months == list(range(months[0], months[-1] + 1)):
        return f"{names[0]} à {names[-1]} {year}"
    return f"{', '.join(names[:-1])} et {names[-1]} {year}"


def _months_phrase(months: Sequence[int], year: int) -> str:
    """:func:`_months` after « de », elided before a vowel: ``d'avril à août 2023``."""
    text = _months(months, year)
    return f"d'{text}" if text[:1] in "aeiouyàâäéèêëîïôöûü" else f"de {text}"


def _departement_names() -> dict[str, str]:
    return departement_names()


# --- facts read back from the inputs --------------------------------------------------------------


@frozen
class Facts:
    """What the network view needs to know of a structure beyond its results."""

    category: str
    canton: str | None = None
    attendance: tuple[tuple[str, int], ...] | None = None


@frozen
class Gathered:
    """Facts by ``(input path, structure id)``, département blocks by code, and French notes."""

    facts: dict[tuple[str, str], Facts]
    cantons: dict[str, tuple[tuple[str, str | None], ...]]
    notes: tuple[str, ...]


def _category_of(structure: Any, unread: Sequence[Any] = ()) -> str:
    if any(fact.field in ("type", "format", "") for fact in unread):
        return "illisible"  # not read: neither a principal structure nor an antenne for sure
    if structure.is_antenne:
        return "antenne"
    return structure.format.value if structure.format is not None else "non_declare"


def gather_facts(structures: Sequence[LoadedStructure], departements: Sequence[Departement]) -> Gathered:
    """The facts the network view needs, from the audited structures and département blocks.

    Structures sharing their facts (the whole ANCT list: a category, no canton, no attendance)
    share one :class:`Facts`.
    """
    facts: dict[tuple[str, str], Facts] = {}
    shared: dict[tuple[str, str | None, tuple[tuple[str, int], ...] | None], Facts] = {}
    for loaded in structures:
        s = loaded.structure
        key = (loaded.path, s.id)
        if key in facts:
            continue
        attendance = None if s.attendance is None else tuple((a.month, a.accompaniments) for a in s.attendance)
        values = (_category_of(s, loaded.unread), s.canton, attendance)
        found = shared.get(values)
        if found is None:
            found = shared[values] = Facts(*values)
        facts[key] = found
    cantons = {
        block.code: tuple((c.code, c.name) for c in block.cantons)
        for block in departements
        if block.cantons is not None
    }
    return Gathered(facts, cantons, ())


# --- the summary ----------------------------------------------------------------------------------


@attrs.define
class DepartementSummary:
    """Counts for one département (or the whole audit, ``code`` ``None``)."""

    code: str | None
    name: str | None = None
    structures: int = 0
    categories: Counter[str] = attrs.field(factory=Counter)
    judged: int = 0
    """Structures whose opening hours FS-HOR-01 judged (pass, warn or fail)."""
    compliant: int = 0
    """Structures that pass both FS-HOR-01 and FS-HOR-02."""
    under_hours: int = 0
    under_days: int = 0
    warned: int = 0
    """Judged structures below a minimum with a warning rather than a failure (buses, itinerant)."""
    no_hours: int = 0
    """FS-HOR-01 could not judge: hours not declared (manual, FS-HOR-04 « horaires à compléter »)."""
    to_check: int = 0
    """FS-HOR-01 or FS-HOR-02 left to the auditor on hours declared and read: ranges of unknown
    length (« 00:00 - 00:00 » alone on a day, reversed, implausible), type or format not declared."""
    unread_hours: int = 0
    """FS-HOR-01 or FS-HOR-02 could not judge because a fact they need was not read (manual)."""
    weekly_minutes: list[int] = attrs.field(factory=list)
    decisions: Counter[str] = attrs.field(factory=Counter)
    attendance: Counter[str] = attrs.field(factory=Counter)
    attendance_structures: int = 0
    per_structure: list[dict[str, int]] = attrs.field(factory=list)
    """Each declaring structure's attendance by month: growth compares structure by structure."""
    cantons: tuple[tuple[str, str | None], ...] | None = None
    covered: set[str] = attrs.field(factory=set)

    def add(self, s: StructureReport, facts: Facts | None) -> None:
        """Count one structure."""
        key, weekly = _tally(s, facts)
        self.count(key)
        if weekly is not None:
            self.weekly_minutes.append(weekly)
        if facts is not None and facts.attendance:
            self.attend(facts.attendance)

    def count(self, key: Tally, times: int = 1) -> None:
        """Count ``times`` structures with the same ``key`` (see :func:`_tally`); weekly hours
        and attendance, which differ from structure to structure, are added apart.

        A structure's hours are judged when both FS-HOR-01 and FS-HOR-02 judged them: one rule
        that could not judge is not a compliance of zero, and the structure is counted apart."""
        category, hours, days, decision, unread, declared = key
        self.structures += times
        self.categories[category] += times
        if hours in _JUDGED and days in _JUDGED:
            self.judged += times
            if hours is not Status.PASS:
                self.under_hours += times
            if days is not Status.PASS:
                self.under_days += times
            if hours is Status.WARN or days is Status.WARN:
                self.warned += times
            if hours is Status.PASS and days is Status.PASS:
                self.compliant += times
        elif Status.MANUAL in (hours, days):
            if unread:
                self.unread_hours += times
            elif declared:
                self.to_check += times
            else:
                self.no_hours += times
        self.decisions[decision.value] += times

    def attend(self, attendance: tuple[tuple[str, int], ...]) -> None:
        """Add one structure's declared attendance."""
        self.attendance_structures += 1
        months: dict[str, int] = {}
        for month, count in attendance:
            self.attendance[month] += count
            months[month] = months.get(month, 0) + count
        self.per_structure.append(months)

    @property
    def antennes(self) -> int:
        return self.categories.get("antenne", 0)

    @property
    def principal(self) -> int:
        """Structures known to be principal ones (type or format unread: neither)."""
        return self.structures - self.antennes - self.categories.get("illisible", 0)

    def quartiles(self) -> tuple[int, int, int] | None:
        """First quartile, median, third quartile of the weekly minutes (nearest rank)."""
        values = sorted(self.weekly_minutes)
        if not values:
            return None

        def rank(p: float) -> int:
            return values[max(0, math.ceil(p * len(values)) - 1)]

        return rank(0.25), rank(0.5), rank(0.75)

    def decision_groups(self) -> dict[str, int]:
        """Decisions counted by group (see ``_DECISION_GROUPS``)."""
        out = {label: 0 for _rank, label in _DECISION_GROUPS}
        by_rank = dict(_DECISION_GROUPS)
        for code, count in self.decisions.items():
            out[by_rank[DecisionCode(code).rank]] += count
        return out

    def growth(self) -> dict[str, Any] | None:
        """Accompaniments of the latest year's declared months, and their growth on the same months
        of the year before, counted only on what is comparable: a structure's month enters the
        comparison when that structure declares it in both years. A month a structure did not
        declare is not zero: structures without any comparable month are left out, and counted."""
        if not self.attendance:
            return None
        year = max(int(month[:4]) for month in self.attendance)
        months = sorted({int(m[5:]) for m in self.attendance if int(m[:4]) == year})
        total = sum(self.attendance[f"{year}-{m:02d}"] for m in months)
        prefix = f"{year}-"
        declaring = [s for s in self.per_structure if any(m.startswith(prefix) for m in s)]
        out: dict[str, Any] = {
            "year": year,
            "months": months,
            "accompaniments": total,
            "structures": len(declaring),
        }
        same = previous = 0
        common: set[int] = set()
        included = 0
        keys = [(m, f"{year}-{m:02d}", f"{year - 1}-{m:02d}") for m in months]
        for months_of in declaring:
            pairs = [(m, now, before) for m, now, before in keys if now in months_of and before in months_of]
            if not pairs:
                continue
            included += 1
            common.update(m for m, _now, _before in pairs)
            same += sum(months_of[now] for _m, now, _before in pairs)
            previous += sum(months_of[before] for _m, _now, before in pairs)
        out["comparable_structures"] = included
        out["left_out_structures"] = len(declaring) - included
        if included:
            out.update(
                {
                    "common_months": sorted(common),
                    "comparable": same,
                    "previous": previous,
                    "difference": same - previous,
                }
            )
            if previous:
                out["growth_pct"] = round(100.0 * (same - previous) / previous, 2)
        return out

    def attendance_text(self) -> str | None:
        """``38 792 accompagnements de janvier à août 2023, +8 274 (+27,11 %) sur les mêmes mois de 2022``,
        with how many structures the comparison includes and leaves out when some lack a year."""
        g = self.growth()
        if g is None:
            return None
        text = f"{fr_int(g['accompaniments'])} accompagnements {_months_phrase(g['months'], g['year'])}"
        if "common_months" not in g:
            return f"{text} ; aucun mois comparable déclaré en {g['year'] - 1}"
        if g["common_months"] == g["months"]:
            where = f"sur les mêmes mois de {g['year'] - 1}"
        else:
            where = f"sur les mois comparables ({_months(g['common_months'], g['year'] - 1)})"
        if g["left_out_structures"]:
            where += (
                f", évolution calculée sur {fr_int(g['comparable_structures'])} structure(s) déclarant les deux "
                f"années ({fr_int(g['left_out_structures'])} laissée(s) de côté, sans mois comparable en "
                f"{g['year'] - 1})"
            )
        if "growth_pct" not in g:
            return f"{text} ; aucun accompagnement {where}"
        return f"{text}, {fr_signed(g['difference'])} ({fr_pct(g['growth_pct'], signed=True)}) {where}"

    def canton_text(self) -> str | None:
        """``17/17 cantons couverts`` (with the ones not covered, when some are not)."""
        if self.cantons is None:
            return None
        codes = [code for code, _name in self.cantons]
        covered = [c for c in codes if c in self.covered]
        text = f"{len(covered)}/{len(codes)} cantons couverts"
        missing = [name or code for code, name in self.cantons if code not in self.covered]
        if missing:
            text += f" (sans France services : {', '.join(missing)})"
        return text

    def row(self) -> dict[str, Any]:
        """One row with French headers, the same keys for every département."""
        q = self.quartiles()
        g = self.growth()
        row: dict[str, Any] = {
            "Département": self.code if self.code is not None else "Total",
            "Nom": self.name,
            "Structures": self.structures,
            "Principales": self.principal,
        }
        for category, (header, _phrase) in CATEGORIES.items():
            row[header] = self.categories.get(category, 0)
        row.update(
            {
                "Horaires jugés (FS-HOR-01)": self.judged,
                "24 h sur 5 jours": self.compliant,
                "Part 24 h sur 5 jours (%)": round(100.0 * self.compliant / self.judged, 1) if self.judged else None,
                "Sous le minimum d'heures": self.under_hours,
                "Sous le minimum de jours": self.under_days,
                "Dont bus et itinérantes (avertissement)": self.warned,
                "Horaires non déclarés": self.no_hours,
                "Horaires illisibles (à vérifier)": self.unread_hours,
                "Horaires à vérifier (créneaux douteux, format non déclaré)": self.to_check,
                "Durée hebdomadaire, 1er quartile (h)": round(q[0] / 60, 2) if q else None,
                "Durée hebdomadaire médiane (h)": round(q[1] / 60, 2) if q else None,
                "Durée hebdomadaire, 3e quartile (h)": round(q[2] / 60, 2) if q else None,
            }
        )
        for code in DecisionCode:
            row[code.label] = self.decisions.get(code.value, 0)
        row.update(
            {
                "Accompagnements": g["accompaniments"] if g else None,
                "Période": _months(g["months"], g["year"]) if g else None,
                "Accompagnements, mêmes mois de l'année précédente": g.get("previous") if g else None,
                "Évolution (%)": g.get("growth_pct") if g else None,
                "Structures comparées": g.get("comparable_structures") if g else None,
                "Structures laissées de côté": g.get("left_out_structures") if g else None,
                "Cantons couverts": len([c for c, _n in self.cantons if c in self.covered])
                if self.cantons is not None
                else None,
                "Cantons": len(self.cantons) if self.cantons is not None else None,
            }
        )
        return row

    def data(self) -> dict[str, Any]:
        """JSON-ready summary."""
        q = self.quartiles()
        return {
            "code": self.code,
            "name": self.name,
            "structures": self.structures,
            "categories": {k: self.categories[k] for k in sorted(self.categories)},
            "hours": {
                "judged": self.judged,
                "compliant_24h_5_days": self.compliant,
                "under_min_hours": self.under_hours,
                "under_min_days": self.under_days,
                "roaming_warned": self.warned,
                "not_declared": self.no_hours,
                "unread": self.unread_hours,
                "to_check": self.to_check,
                "weekly_hours_quartiles": [round(v / 60, 2) for v in q] if q else None,
            },
            "decisions": {k: self.decisions[k] for k in sorted(self.decisions)},
            "attendance": self.growth(),
            "cantons": None
            if self.cantons is None
            else {
                "listed": len(self.cantons),
                "covered": sorted(c for c, _n in self.cantons if c in self.covered),
            },
        }


_JUDGED = frozenset({Status.PASS, Status.WARN, Status.FAIL})
"""FS-HOR-01 statuses that judge the hours (the others: not applicable, manual, error)."""

Tally = tuple[str, Status | None, Status | None, DecisionCode, bool, bool]
"""What a summary counts of a structure: category, FS-HOR-01 and FS-HOR-02 statuses, decision,
whether the structure has unread facts, and whether it declared opening hours."""


def _tally(s: StructureReport, facts: Facts | None) -> tuple[Tally, int | None]:
    """A structure's :data:`Tally` and, when FS-HOR-01 judged its hours, its weekly minutes.

    The national list has a few dozen distinct tallies for thousands of structures: summaries
    count tallies, not structures.
    """
    hours = days = declared = None
    for result in s.results:
        rule = result.rule
        if rule == "FS-HOR-01":
            if hours is None:
                hours = result
        elif rule == "FS-HOR-02":
            if days is None:
                days = result
        elif rule == "FS-HOR-04" and declared is None:
            declared = result
        else:
            continue
        if hours is not None and days is not None and declared is not None:
            break
    weekly = None
    if hours is not None and hours.status in _JUDGED:
        value = hours.evidence.get("heures_hebdomadaires")
        if isinstance(value, int | float) and not isinstance(value, bool):
            weekly = round(value * 60)
    key = (
        facts.category if facts else "non_declare",
        hours.status if hours is not None else None,
        days.status if days is not None else None,
        s.decision.code,
        bool(s.unread),
        # FS-HOR-04 says whether hours were declared: a manual FS-HOR-01 on hours declared and
        # read is a check to make (ranges of unknown length…), not « sans horaires déclarés »
        declared is not None and declared.status is not Status.MANUAL,
    )
    return key, weekly


def departement_key(code: str | None) -> tuple[Any, ...]:
    """INSEE order: ``01`` … ``19``, ``2A``, ``2B``, ``21`` … ``95``, ``971`` …; no code last."""
    if code is None:
        return (1, 0, "")
    if code.upper() in ("2A", "2B"):
        return (0, 20, code.upper())
    return (0, int(code), "") if code.isdigit() else (0, 10**6, code)


def summarize(report: AuditReport, gathered: Gathered) -> tuple[list[DepartementSummary], DepartementSummary]:
    """Summaries by département (sorted by code; structures without one last) and the total."""
    names = _departement_names()
    by_code: dict[str | None, DepartementSummary] = {}
    tallies: dict[str | None, Counter[Tally]] = {}
    total = DepartementSummary(None, "Ensemble")
    facts_of = gathered.facts.get
    for s in report.structures:
        facts = facts_of((s.path, s.id))
        code = s.departement
        summary = by_code.get(code)
        if summary is None:
            name = names.get(code or "", None) if code else "département non renseigné"
            summary = by_code[code] = DepartementSummary(code, name)
            tallies[code] = Counter()
        key, weekly = _tally(s, facts)
        tallies[code][key] += 1
        if weekly is not None:
            summary.weekly_minutes.append(weekly)
            total.weekly_minutes.append(weekly)
        if facts is not None:
            if facts.attendance:
                summary.attend(facts.attendance)
                total.attend(facts.attendance)
            if facts.canton is not None:
                summary.covered.add(facts.canton)
    for code, counted in tallies.items():
        for key, times in counted.items():
            by_code[code].count(key, times)
            total.count(key, times)
    for code, cantons in gathered.cantons.items():
        if code in by_code:
            by_code[code].cantons = cantons
    ordered = sorted(by_code.values(), key=lambda d: departement_key(d.code))
    return ordered, total


# --- French text ------------------------------------------------------------------------------------


def _share(part: int, whole: int) -> str:
    return f"{fr_pct(100.0 * part / whole, 1)}" if whole else "sans objet"


def _categories_phrase(summary: DepartementSummary) -> str:
    parts = [
        f"{fr_int(summary.categories[c])} {phrase}"
        for c, (_header, phrase) in CATEGORIES.items()
        if c != "antenne" and summary.categories.get(c)
    ]
    return ", ".join(parts)


def _national_text(total: DepartementSummary, departements: int, minimum: Any, anct: bool) -> list[str]:
    principal = total.principal
    lines = [
        f"  {fr_int(total.structures)} structures dans {departements} départements : "
        f"{fr_int(principal)} principales ({_categories_phrase(total)}) et {fr_int(total.antennes)} "
        "antennes.",
    ]
    lines += _hours_lines(total, minimum)
    groups = total.decision_groups()
    decisions = ", ".join(
        f"{code.label.lower()} {fr_int(total.decisions[code.value])}"
        for code in DecisionCode
        if total.decisions.get(code.value)
    )
    lines.append(f"  Décisions recommandées : {decisions}.")
    if groups["Bloquant"]:
        lines.append(
            f"  {fr_int(groups['Bloquant'])} structure(s) ont au moins un critère bloquant non conforme "
            f"({_share(groups['Bloquant'], total.structures)} des structures)."
        )
    if anct:
        lines.append(
            "  Les fichiers audités (la liste nationale par exemple) ne renseignent ni les conseillers, ni les "
            "partenaires, ni les locaux, ni la fréquentation : ces critères restent à vérifier auprès des "
            "gestionnaires (instruction incomplète)."
        )
    return lines


def _hours_lines(summary: DepartementSummary, minimum: Any) -> list[str]:
    lines = [
        f"  Ouverture d'au moins {minimum} h sur 5 jours (FS-HOR-01 et FS-HOR-02) : "
        f"{fr_int(summary.compliant)} des {fr_int(summary.judged)} structures dont les horaires sont jugés "
        f"({_share(summary.compliant, summary.judged)}) ; {fr_int(summary.under_hours)} sous le minimum "
        "d'heures, "
        f"{fr_int(summary.under_days)} sous le minimum de jours"
        + (
            f", dont {fr_int(summary.warned)} bus ou offre(s) itinérante(s) (avertissement, pas d'échec)."
            if summary.warned
            else "."
        ),
    ]
    extra = []
    if summary.no_hours:
        extra.append(f"{fr_int(summary.no_hours)} structure(s) principale(s) sans horaires déclarés")
    if summary.unread_hours:
        extra.append(
            f"{fr_int(summary.unread_hours)} structure(s) aux horaires, au type ou au format illisibles (à vérifier)"
        )
    if summary.to_check:
        extra.append(
            f"{fr_int(summary.to_check)} structure(s) aux horaires à vérifier (créneaux de durée inconnue, type ou "
            "format non déclaré)"
        )
    if summary.antennes:
        extra.append(f"{fr_int(summary.antennes)} antenne(s), non soumises au minimum")
    if extra:
        lines.append(f"  Non jugées : {' ; '.join(extra)}.")
    q = summary.quartiles()
    low, high = (min(summary.weekly_minutes), max(summary.weekly_minutes)) if q is not None else (0, 0)
    if q is not None and low == high:
        lines.append(f"  Durée d'ouverture hebdomadaire : {fr_hours(low)} pour chaque structure jugée.")
    elif q is not None:
        lines.append(
            f"  Durée d'ouverture hebdomadaire des structures jugées : médiane {fr_hours(q[1])} ; "
            f"la moitié entre {fr_hours(q[0])} et {fr_hours(q[2])} ; de {fr_hours(low)} à {fr_hours(high)}."
        )
    return lines


_TABLE = (
    ("Dépt", 4, "<"),
    ("Département", 23, "<"),
    ("Struct.", 7, ">"),
    ("Fixes", 5, ">"),
    ("Multi.", 6, ">"),
    ("Bus", 4, ">"),
    ("Itin.", 5, ">"),
    ("Ant.", 4, ">"),
    ("24 h / 5 j", 18, ">"),
    ("Médiane", 8, ">"),
    ("Favorable", 9, ">"),
    ("Réserves", 8, ">"),
    ("Incomplète", 10, ">"),
    ("Bloquant", 8, ">"),
)


def _table_line(cells: Sequence[str]) -> str:
    out = []
    for (_title, width, align), cell in zip(_TABLE, cells, strict=True):
        out.append(f"{cell:{align}{width}}")
    return "  " + "  ".join(out).rstrip()


def _table_cells(d: DepartementSummary) -> list[str]:
    q = d.quartiles()
    groups = d.decision_groups()
    share = f"{fr_int(d.compliant)}/{fr_int(d.judged)}"
    if d.judged:
        share += f" ({round(100 * d.compliant / d.judged)} %)"
    return [
        d.code if d.code is not None else "—",
        d.name or "",
        fr_int(d.structures),
        fr_int(d.categories.get("fixe", 0)),
        fr_int(d.categories.get("multisites", 0)),
        fr_int(d.categories.get("bus", 0)),
        fr_int(d.categories.get("itinerant", 0)),
        fr_int(d.antennes),
        share,
        fr_hours(q[1]) if q else "—",
        fr_int(groups["Favorable"]),
        fr_int(groups["Avec réserves"]),
        fr_int(groups["Incomplète"]),
        fr_int(groups["Bloquant"]),
    ]


def _departements_text(
    departements: Sequence[DepartementSummary], total: DepartementSummary, minimum: Any
) -> list[str]:
    lines = [_table_line([title for title, _w, _a in _TABLE])]
    for d in departements:
        lines.append(_table_line(_table_cells(d)))
    if len(departements) > 1:
        lines.append(_table_line(_table_cells(attrs.evolve(total, name="Total"))))
    lines.append(
        f"  24 h / 5 j : structures conformes à FS-HOR-01 ({minimum} h) et FS-HOR-02 sur celles dont les "
        "horaires sont jugés ; Médiane : durée d'ouverture hebdomadaire ; décisions : Favorable (avis "
        "favorable, maintien), Réserves (sous réserve, plan d'actions), Incomplète (instruction "
        "incomplète), Bloquant (avis défavorable, maintien conditionnel)."
    )
    if len(departements) == 1:
        lines += _hours_lines(departements[0], minimum)
    extras = []
    for d in departements:
        parts = [t for t in (d.canton_text(), d.attendance_text()) if t]
        if parts:
            label = f"{d.code} {d.name}" if d.name else (d.code or "—")
            extras.append(f"  {label} : {' ; '.join(parts)}.")
    if extras:
        lines.append("  Couverture cantonale et fréquentation déclarées :")
        lines += ["  " + line for line in extras]
    return lines


def _facts_never_declared(structures: Sequence[LoadedStructure]) -> bool:
    """True when no structure declares conseillers, partners, premises or attendance (the
    national list has none of them): the summary then says those criteria are left to check."""
    return bool(structures) and all(
        s.structure.conseillers is None
        and s.structure.partners is None
        and s.structure.premises is None
        and s.structure.attendance is None
        for s in structures
    )


def network_sections(
    report: AuditReport, structures: Sequence[LoadedStructure], departements: Sequence[Departement]
) -> list[Section]:
    """The sections ``par_departement`` (two structures or more) and ``national`` (two
    départements or more)."""
    if len(report.structures) < 2:
        return []
    gathered = gather_facts(structures, departements)
    departements, total = summarize(report, gathered)
    try:
        minimum = report.referential.value("hours.min_weekly_hours")
    except Exception:  # noqa: BLE001 - a referential without the key still gets a summary
        minimum = "?"
    notes = [f"  {note}" for note in gathered.notes]
    anct = _facts_never_declared(structures)
    sections = [
        Section(
            key="par_departement",
            title="Synthèse par département",
            data={"departements": [d.data() for d in departements], "notes": list(gathered.notes)},
            text=tuple(_departements_text(departements, total, minimum) + notes),
            rows=tuple(d.row() for d in departements),
        )
    ]
    coded = [d for d in departements if d.code is not None]
    if len(coded) > 1:
        sections.append(
            Section(
                key="national",
                title="Synthèse nationale",
                data={"departements": len(coded), **total.data()},
                text=tuple(_national_text(total, len(coded), minimum, anct) + notes),
                rows=(total.row(),),
            )
        )
    return sections
