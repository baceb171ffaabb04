"""Opening-hours rules FS-HOR-01 to FS-HOR-05."""

from __future__ import annotations

import functools
import itertools
from typing import Any

from fsaudit import (
    WEEKDAY_LABELS,
    CharterReference,
    Outcome,
    Rule,
    RuleContext,
    Status,
    Structure,
    TimeRange,
    WeeklyHours,
)
from fsaudit_charter._common import assumed, fr_hours, scope_guard, site_kind

__all__ = [
    "RULES",
    "certain_ranges",
    "day_minutes",
    "describe_doubtful",
    "doubtful_ranges",
    "plausible_bounds",
    "weekly_minutes",
]

_SOURCE_HOURS = (
    "Compte rendu du Conseil des ministres du 26/01/2022 (« lieux fixes … au moins 24 heures par "
    "semaine, sur 5 jours ») ; communiqué du préfet de la région Occitanie du 12/05/2022 ; "
    "moselle.gouv.fr 2022"
)


def _usable(ranges: tuple[TimeRange, ...]) -> list[tuple[int, int]]:
    """Well-formed ranges of a day, as minute intervals, placeholders and reversed ones left out."""
    return [(r.start_minutes, r.end_minutes) for r in ranges if r.end_minutes > r.start_minutes]


def day_minutes(ranges: tuple[TimeRange, ...]) -> int:
    """Minutes open in a day: the union of its well-formed ranges (overlaps counted once)."""
    try:
        return _cached_day_minutes(ranges)
    except TypeError:  # ranges given as a list: not hashable, computed each time
        return _day_minutes(ranges)


@functools.lru_cache(maxsize=8192)
def _cached_day_minutes(ranges: tuple[TimeRange, ...]) -> int:
    # Few distinct days exist in a national audit: each is computed once.
    return _day_minutes(ranges)


def _day_minutes(ranges: tuple[TimeRange, ...]) -> int:
    total = 0
    current_start = current_end = None
    for start, end in sorted(_usable(ranges)):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start  # type: ignore[operator]
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start  # type: ignore[operator]
    return total


_LAST_WEEK: list[Any] = [None, {}]
"""The last week computed and its minutes: the rules of one structure ask for the same week."""


def weekly_minutes(hours: WeeklyHours) -> dict[str, int]:
    """Minutes open per day, Monday first."""
    last, per_day = _LAST_WEEK
    if last is not hours:
        per_day = {day: day_minutes(ranges) for day, ranges in hours.items()}
        _LAST_WEEK[:] = [hours, per_day]
    return dict(per_day)


_DOUBT = {
    "reversed": "dont la fin n'est pas après le début",
    "placeholder": "vide(s)",
    "implausible": "hors des heures plausibles ({earliest} - {latest})",
}
"""What FS-HOR-03 says of a range whose length is unknown, by kind."""


_DAY = 24 * 60


@functools.lru_cache(maxsize=8192)
def _doubt(r: TimeRange, earliest: int, latest: int) -> str | None:
    """The kind of doubt on a range (a key of ``_DOUBT``), ``None`` for a range that is read as it is."""
    if r.is_placeholder:
        return "placeholder"
    if r.end_minutes <= r.start_minutes:
        return "reversed"
    if r.start_minutes < earliest or r.end_minutes > latest:
        return "implausible"
    return None


def plausible_bounds(ctx: RuleContext) -> tuple[int, int]:
    """The plausible hours of the referential in force, in minutes (FS-HOR-03)."""
    return _bounds(str(ctx.value("hours.plausible_earliest")), str(ctx.value("hours.plausible_latest")))


def doubtful_ranges(hours: WeeklyHours, ctx: RuleContext) -> list[tuple[str, TimeRange, str]]:
    """``(day, range, kind)`` of the ranges FS-HOR-03 reports as placeholders (00:00 - 00:00) of a
    day without any other range, reversed (« 16:00 - 14:00 ») or outside the plausible hours
    (« 00:00 - 24:00 », « 4:00 - 17:00 » typed for 14:00): their real length is unknown, so no
    verdict may rest on them."""
    return list(_doubtful(hours, *plausible_bounds(ctx)))


@functools.lru_cache(maxsize=8192)
def _doubtful(hours: WeeklyHours, earliest: int, latest: int) -> tuple[tuple[str, TimeRange, str], ...]:
    """:func:`doubtful_ranges`, once per distinct week (FS-HOR-01, FS-HOR-02 and FS-AGT-03 ask)."""
    return tuple(
        (day, r, kind)
        for day, ranges in hours.items()
        for r in ranges
        if (kind := _doubt(r, earliest, latest)) is not None
        # A placeholder beside other ranges of its day fills an empty half-day (the national
        # list's « 00:00 - 00:00 » afternoon): only a day of placeholders alone is unknown.
        and (kind != "placeholder" or all(other.is_placeholder for other in ranges))
    )


@functools.lru_cache(maxsize=8192)
def certain_ranges(ranges: tuple[TimeRange, ...], earliest: int, latest: int) -> tuple[TimeRange, ...]:
    """The ranges of a day read as they are: well formed and within the plausible hours."""
    return tuple(r for r in ranges if _doubt(r, earliest, latest) is None)


def _certain_week(hours: WeeklyHours, ctx: RuleContext) -> dict[str, int]:
    """Minutes open per day counting only the ranges read as they are."""
    earliest, latest = plausible_bounds(ctx)
    return {day: day_minutes(certain_ranges(ranges, earliest, latest)) for day, ranges in hours.items()}


def describe_doubtful(found: list[tuple[str, TimeRange, str]], ctx: RuleContext) -> str:
    """« 1 créneau(x) hors des heures plausibles (06:00 - 22:00) (lundi « 00:00 - 24:00 ») », by kind."""
    earliest, latest = ctx.value("hours.plausible_earliest"), ctx.value("hours.plausible_latest")
    parts = []
    for kind, what in _DOUBT.items():
        ranges = [(day, r) for day, r, k in found if k == kind]
        if not ranges:
            continue
        shown = ", ".join(f"{WEEKDAY_LABELS[day]} « {r} »" for day, r in ranges[:5]) + (" …" if len(ranges) > 5 else "")
        parts.append(f"{len(ranges)} créneau(x) {what.format(earliest=earliest, latest=latest)} ({shown})")
    return " et ".join(parts)


def _uncertain_verdict(
    found: list[tuple[str, TimeRange, str]], message: str, ctx: RuleContext, evidence: dict[str, Any]
) -> Outcome:
    """*À vérifier* for a verdict that the ranges ``found`` (read but of unknown length) decide:
    the data does not show it (FS-HOR-03 names them)."""
    counted = "bien formés et plausibles" if any(kind == "implausible" for _, _, kind in found) else "bien formés"
    return Outcome.manual(
        f"{message} en comptant les créneaux {counted} ; {describe_doubtful(found, ctx)}, de durée inconnue, "
        "pourraient combler l'écart : à vérifier (voir FS-HOR-03)",
        field="opening_hours",
        **evidence,
    )


def _no_hours(structure: Structure) -> bool:
    hours = structure.opening_hours
    return hours is None or not any(weekly_minutes(hours).values())


def _per_day_evidence(per_day: dict[str, int]) -> dict[str, str]:
    return {WEEKDAY_LABELS[day]: fr_hours(m) for day, m in per_day.items() if m}


def check_weekly_hours(structure: Structure, ctx: RuleContext) -> Outcome:
    """FS-HOR-01."""
    kind = site_kind(structure)
    if kind == "antenne":
        return Outcome.not_applicable(
            "antenne : le minimum hebdomadaire des lieux fixes ne s'applique pas aux antennes"
        )
    if kind == "roaming" and _roaming_status(ctx) == "not_applicable":
        return _roaming_not_applicable(ctx)
    if _no_hours(structure):
        return Outcome.manual(
            "horaires à compléter : durée d'ouverture impossible à calculer (voir FS-HOR-04)",
            field="opening_hours",
        )
    minimum_hours = ctx.value("hours.min_weekly_hours")
    per_day = weekly_minutes(structure.opening_hours)  # type: ignore[arg-type]
    total = sum(per_day.values())
    evidence: dict[str, Any] = {
        "heures_hebdomadaires": round(total / 60, 2),
        "minimum": minimum_hours,
        "par_jour": _per_day_evidence(per_day),
        **assumed(structure),
    }
    found = doubtful_ranges(structure.opening_hours, ctx)  # type: ignore[arg-type]
    per_certain = _certain_week(structure.opening_hours, ctx) if found else per_day  # type: ignore[arg-type]
    certain = sum(per_certain.values())
    if certain >= minimum_hours * 60:
        return Outcome.passed(
            f"ouverture de {fr_hours(total)} par semaine (minimum {minimum_hours} h)",
            field="opening_hours",
            **evidence,
        )
    # A range of unknown length may fill, at most, the rest of its day.
    most = certain + sum(_DAY - per_certain[day] for day in {day for day, _r, _k in found})
    if found and most >= minimum_hours * 60:
        message = f"ouverture de {fr_hours(certain)} par semaine, sous le minimum de {minimum_hours} h"
        return _uncertain_verdict(found, message, ctx, evidence)
    message = f"ouverture de {fr_hours(total)} par semaine, sous le minimum de {minimum_hours} h"
    return _below_minimum(kind, message, ctx, evidence)


def _roaming_status(ctx: RuleContext) -> str:
    """What a bus or an itinerant offer under the fixed-site minimums gets (referential, [U])."""
    return str(ctx.value("hours.roaming_status"))


def _roaming_not_applicable(ctx: RuleContext) -> Outcome:
    return Outcome.not_applicable(
        "bus ou offre itinérante : minimums des lieux fixes non appliqués (référentiel "
        f"{ctx.referential.id}, hours.roaming_status)"
    )


def _below_minimum(kind: str, message: str, ctx: RuleContext, evidence: dict[str, Any]) -> Outcome:
    """Under the minimum: a failure for a fixed site; for a bus or itinerant offer, what the
    referential says (a warning by default: the offer is complementary)."""
    if kind == "roaming" and _roaming_status(ctx) == "warn":
        return Outcome.warned(
            f"{message} des lieux fixes ; offre itinérante (bus) complémentaire, à apprécier",
            field="opening_hours",
            **evidence,
        )
    return Outcome.failed(message, field="opening_hours", **evidence)


def _format_matters(ctx: RuleContext) -> bool:
    """Whether a bus is judged otherwise than a fixed site, so that an undeclared format leaves
    a failure uncertain."""
    return _roaming_status(ctx) != "fail"


def check_open_days(structure: Structure, ctx: RuleContext) -> Outcome:
    """FS-HOR-02."""
    kind = site_kind(structure)
    if kind == "antenne":
        return Outcome.not_applicable(
            "antenne : le minimum de jours d'ouverture des lieux fixes ne s'applique pas aux antennes"
        )
    if kind == "roaming" and _roaming_status(ctx) == "not_applicable":
        return _roaming_not_applicable(ctx)
    if _no_hours(structure):
        return Outcome.manual(
            "horaires à compléter : jours d'ouverture impossibles à compter (voir FS-HOR-04)",
            field="opening_hours",
        )
    minimum_days = ctx.value("hours.min_open_days")
    per_day = weekly_minutes(structure.opening_hours)  # type: ignore[arg-type]
    open_days = [WEEKDAY_LABELS[d] for d, m in per_day.items() if m > 0]
    evidence: dict[str, Any] = {
        "jours_ouverts": len(open_days),
        "jours": open_days,
        "minimum": minimum_days,
        **assumed(structure),
    }
    found = doubtful_ranges(structure.opening_hours, ctx)  # type: ignore[arg-type]
    certain = _certain_week(structure.opening_hours, ctx) if found else per_day  # type: ignore[arg-type]
    certain_days = [d for d, m in certain.items() if m > 0]
    if len(certain_days) >= minimum_days:
        return Outcome.passed(
            f"ouverte {len(open_days)} jours par semaine (minimum {minimum_days})",
            field="opening_hours",
            **evidence,
        )
    deciding = [(day, r, k) for day, r, k in found if not certain[day]]  # days that may be open after all
    if deciding and len(certain_days) + len({day for day, _r, _k in deciding}) >= minimum_days:
        message = f"ouverte {len(certain_days)} jour(s) par semaine, sous le minimum de {minimum_days}"
        return _uncertain_verdict(deciding, message, ctx, evidence)
    message = f"ouverte {len(open_days)} jour(s) par semaine, sous le minimum de {minimum_days}"
    return _below_minimum(kind, message, ctx, evidence)


def check_coherence(structure: Structure, ctx: RuleContext) -> Outcome:
    """FS-HOR-03."""
    hours = structure.opening_hours
    if hours is None:
        return Outcome.not_applicable("aucun horaire déclaré (voir FS-HOR-04)")
    earliest_text = ctx.value("hours.plausible_earliest")
    latest_text = ctx.value("hours.plausible_latest")
    _bounds(earliest_text, latest_text)
    problems: list[str] = []
    first_field: str | None = None
    for day, ranges in hours.items():
        if not ranges:
            continue
        day_problems, day_field = _day_incoherences(day, ranges, earliest_text, latest_text)
        problems.extend(day_problems)
        first_field = first_field or day_field
    if problems:
        return Outcome.failed(
            f"{len(problems)} incohérence(s) d'horaires : " + " ; ".join(problems),
            field=first_field,
            incoherences=problems,
        )
    return Outcome.passed("horaires cohérents", field="opening_hours")


@functools.lru_cache(maxsize=16)
def _bounds(earliest_text: str, latest_text: str) -> tuple[int, int]:
    """The plausible hours of the referential, in minutes."""
    return TimeRange(earliest_text, "00:00").start_minutes, TimeRange("00:00", latest_text).end_minutes


@functools.lru_cache(maxsize=8192)
def _day_incoherences(
    day: str, ranges: tuple[TimeRange, ...], earliest_text: str, latest_text: str
) -> tuple[tuple[str, ...], str | None]:
    """FS-HOR-03 on one day: the problems, and the field of the first one.

    Cached: a national audit has few distinct days, and each gives the same answer.
    """
    earliest, latest = _bounds(earliest_text, latest_text)
    label = WEEKDAY_LABELS[day]
    problems: list[str] = []
    first_field: str | None = None
    for index, r in enumerate(ranges):
        issue = None
        if r.is_placeholder:
            issue = f"{label} : créneau vide « {r} » (valeur de remplissage)"
        elif r.end_minutes <= r.start_minutes:
            issue = f"{label} : créneau « {r} » dont la fin n'est pas après le début"
        elif r.start_minutes < earliest or r.end_minutes > latest:
            issue = f"{label} : créneau « {r} » hors des heures plausibles ({earliest_text} - {latest_text})"
        if issue:
            problems.append(issue)
            first_field = first_field or f"opening_hours.{day}[{index}]"
    valid = sorted(
        ((r.start_minutes, r.end_minutes, str(r), i) for i, r in enumerate(ranges) if r.end_minutes > r.start_minutes)
    )
    for (_s1, e1, t1, _i1), (s2, _e2, t2, i2) in itertools.pairwise(valid):
        if s2 < e1:
            problems.append(f"{label} : créneaux « {t1} » et « {t2} » qui se chevauchent")
            first_field = first_field or f"opening_hours.{day}[{i2}]"
    return tuple(problems), first_field


def check_declared(structure: Structure, ctx: RuleContext) -> Outcome:
    """FS-HOR-04."""
    if structure.is_antenne:
        return Outcome.not_applicable("antenne : horaires propres non exigés")
    hours = structure.opening_hours
    if hours is None or hours.is_empty:
        return Outcome.manual("horaires à compléter : aucun horaire d'ouverture déclaré", field="opening_hours")
    if _no_hours(structure):
        return Outcome.manual(
            "horaires à compléter : seulement des créneaux vides ou incohérents (voir FS-HOR-03)",
            field="opening_hours",
        )
    return Outcome.passed("horaires d'ouverture déclarés", field="opening_hours")


def check_irregular(structure: Structure, ctx: RuleContext) -> Outcome:
    """FS-HOR-05."""
    text = (structure.irregular_openings or "").strip()
    if text:
        return Outcome.manual(
            f"ouvertures irrégulières déclarées en texte libre, à vérifier : « {text[:200]} »",
            field="irregular_openings",
            texte=text,
        )
    comment = (structure.comment or "").strip()
    if comment:
        return Outcome.manual(
            f"commentaire libre à relire, il peut décrire des ouvertures irrégulières : « {comment[:200]} »",
            field="comment",
            texte=comment,
        )
    return Outcome.passed("aucune ouverture irrégulière en texte libre", field="irregular_openings")


_SCOPE_HOURS = "structures principales fixes et multisites ; bus et itinérantes : avertissement ; antennes : sans objet"

RULES = [
    Rule(
        id="FS-HOR-01",
        title="Ouverture hebdomadaire d'au moins 24 heures",
        severity="bloquant",
        applies_to=_SCOPE_HOURS,
        domain="horaires",
        reference=CharterReference(
            "Les France services en lieux fixes sont ouvertes au moins 24 heures par semaine.",
            _SOURCE_HOURS,
            "C",
        ),
        description=(
            "Additionne, jour par jour, la durée des créneaux d'ouverture bien formés (les "
            "chevauchements ne comptent qu'une fois) et la compare au minimum du référentiel en "
            "vigueur (24 h). Exactement 24 h est conforme. Un créneau que FS-HOR-03 signale comme "
            "vide (00:00 - 00:00), dont la fin n'est pas après le début (« 16:00 - 14:00 ») ou hors "
            "des heures plausibles (« 00:00 - 24:00 », « 4h - 17h » tapé pour 14h) est de durée "
            "inconnue (un créneau vide à côté d'autres créneaux du même jour compte pour une "
            "demi-journée fermée) : quand le verdict en dépend (sans lui la durée est sous le minimum, avec lui "
            "elle pourrait l'atteindre), le critère est à vérifier, jamais conforme ni non conforme ; "
            "un verdict acquis quelle que soit sa durée reste. Les bus et offres itinérantes, complémentaires, "
            "reçoivent par défaut un avertissement plutôt qu'un échec, et les antennes ne sont pas "
            "concernées : ces deux applications sont une pratique que la charte ne formule pas [U], "
            "paramétrable par la préfecture (« hours.roaming_status » du référentiel : warn, fail ou "
            "not_applicable). "
            "Sans horaires, le critère est à vérifier (horaires à compléter). Une structure dont le "
            "type ou le format n'est pas déclaré est jugée comme une structure principale fixe, mais "
            "un écart ainsi jugé est à vérifier, jamais non conforme."
        ),
        remediation=(
            "Étendre les horaires d'ouverture au public pour atteindre au moins 24 heures par "
            "semaine, ou corriger la déclaration si des créneaux manquent."
        ),
        check=scope_guard(check_weekly_hours, _format_matters),
        cacheable=True,
        needs=("opening_hours", "type", "format"),
        statuses=(Status.PASS, Status.FAIL, Status.WARN, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
    Rule(
        id="FS-HOR-02",
        title="Ouverture au moins 5 jours par semaine",
        severity="bloquant",
        applies_to=_SCOPE_HOURS,
        domain="horaires",
        reference=CharterReference(
            "Les France services en lieux fixes sont ouvertes au moins 24 heures sur 5 jours par semaine.",
            _SOURCE_HOURS,
            "C",
        ),
        description=(
            "Compte les jours de la semaine (dimanche compris) ayant au moins un créneau bien "
            "formé et compare ce nombre au minimum du référentiel (5 jours). Même champ "
            "d'application que FS-HOR-01, paramétrable de la même façon [U]. Un jour dont les seuls "
            "créneaux sont vides (00:00 - 00:00), inversés ou hors des heures plausibles (voir "
            "FS-HOR-03) n'est ni compté ouvert ni compté fermé : quand le verdict en dépend, le "
            "critère est à vérifier."
        ),
        remediation="Ouvrir au public au moins 5 jours par semaine.",
        check=scope_guard(check_open_days, _format_matters),
        cacheable=True,
        needs=("opening_hours", "type", "format"),
        statuses=(Status.PASS, Status.FAIL, Status.WARN, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
    Rule(
        id="FS-HOR-03",
        title="Horaires cohérents",
        severity="mineur",
        applies_to="toutes les structures",
        domain="horaires",
        reference=CharterReference(
            "Les horaires publiés doivent permettre à l'usager de savoir quand la structure est ouverte.",
            "Exigence de qualité de la déclaration (fsaudit) ; heures plausibles : référentiel, valeur à ajuster",
            "U",
        ),
        description=(
            "Signale les créneaux vides (00:00 - 00:00), dont la fin n'est pas après le début, qui "
            "se chevauchent, ou hors des heures plausibles du référentiel (06:00 - 22:00 par "
            "défaut, valeur paramétrable)."
        ),
        remediation="Corriger les créneaux signalés dans la déclaration des horaires.",
        check=check_coherence,
        cacheable=True,
        needs=("opening_hours",),
        statuses=(Status.PASS, Status.FAIL, Status.NOT_APPLICABLE),
    ),
    Rule(
        id="FS-HOR-04",
        title="Horaires d'ouverture déclarés",
        severity="bloquant",
        applies_to="structures principales",
        domain="horaires",
        reference=CharterReference(
            "Les horaires d'ouverture sont une condition du label : sans horaires, le critère "
            "d'ouverture ne peut être vérifié.",
            _SOURCE_HOURS,
            "C",
        ),
        description=(
            "Vérifie que la structure a déclaré des horaires d'ouverture. Des horaires absents ne "
            "sont ni « moins de 24 h » ni un manquement : la règle est à vérifier (« horaires à "
            "compléter »), comme FS-HOR-01 et FS-HOR-02, et la décision est « instruction "
            "incomplète » (une ligne h_* vide de la liste nationale veut dire « non publié », pas "
            "« fermé »). Seuls des créneaux vides (00:00 - 00:00) ou incohérents valent aussi "
            "horaires à compléter. La règle n'est jamais non conforme."
        ),
        remediation="Déclarer les horaires d'ouverture au public, jour par jour.",
        check=check_declared,
        cacheable=True,
        needs=("opening_hours", "type", "format"),
        statuses=(Status.PASS, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
    Rule(
        id="FS-HOR-05",
        title="Ouvertures irrégulières en texte libre",
        severity="info",
        applies_to="toutes les structures",
        domain="horaires",
        reference=CharterReference(
            "Les ouvertures irrégulières (« premier samedi du mois ») ne se calculent pas et "
            "demandent l'appréciation de l'auditeur.",
            "Catalogue des règles fsaudit (CHARTER.md §4)",
            "C",
        ),
        description=(
            "Quand la déclaration décrit des ouvertures irrégulières en texte libre, ou porte un "
            "commentaire libre (la liste nationale y note par exemple « ouvert le premier samedi "
            "du mois »), la règle demande une vérification par l'auditeur (à vérifier, sans effet "
            "sur la décision : gravité info) ; sinon elle est conforme."
        ),
        remediation=(
            "Vérifier les ouvertures décrites et, si elles sont régulières, les déclarer dans les "
            "horaires hebdomadaires."
        ),
        check=check_irregular,
        cacheable=True,
        needs=("irregular_openings", "comment"),
        statuses=(Status.PASS, Status.MANUAL),
    ),
]
