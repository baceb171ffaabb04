"""Staff rules FS-AGT-01 to FS-AGT-04: number, initial training, presence, training length."""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
from typing import Any

import attrs

from fsaudit import (
    WEEKDAY_LABELS,
    WEEKDAYS,
    CharterReference,
    Conseiller,
    LabelStatus,
    Outcome,
    Rule,
    RuleContext,
    Status,
    Structure,
    TimeRange,
    WeeklyHours,
    normalize_name,
)
from fsaudit_charter._common import (
    fr_date,
    fr_days,
    fr_decimal,
    fr_hours,
    fr_list,
    parse_date,
    plural,
    principal_only,
    scope_guard,
)
from fsaudit_charter.horaires import certain_ranges, describe_doubtful, doubtful_ranges, plausible_bounds

__all__ = ["RULES", "presence_gaps"]

_SOURCE_STAFF = (
    "Circulaire n° 6094-SG du 1er juillet 2019, annexe 5 (« au moins deux agents polyvalents présents "
    "en permanence ») ; communiqué du préfet de la région Occitanie du 12/05/2022"
)
_SOURCE_TRAINING = (
    "moselle.gouv.fr 2022 et cohesion-territoires.gouv.fr : formation initiale obligatoire de chaque "
    "conseiller, dispensée par le CNFPT, avant l'ouverture ou la labellisation"
)
_SOURCE_LENGTH = (
    "CNFPT, 7 janvier 2020 (6,5 jours : 3,5 jours de tronc commun et 3 jours de procédures des "
    "partenaires) ; nosdeputes.fr, question 16/451337 (11,5 jours et immersions à partir de fin 2023)"
)


def _no_conseillers(structure: Structure) -> Outcome | None:
    if structure.conseillers is None:
        return Outcome.manual("conseillers non déclarés : critère à vérifier", field="conseillers")
    if not structure.conseillers:
        return Outcome.not_applicable(
            "aucun conseiller déclaré : critère sans objet (voir FS-AGT-01)", field="conseillers"
        )
    return None


# --- FS-AGT-01 ------------------------------------------------------------------------------


def _vacant(c: Conseiller) -> bool:
    """A row that is no conseiller at work: a vacant post (« Poste vacant ») or an ETP of 0."""
    return c.fte == 0 or "vacant" in normalize_name(c.id).split()


def _not_counted(structure: Structure, ctx: RuleContext) -> tuple[int, list[str]]:
    """The conseillers counted as present at the audit date, and why the others are not.

    A conseiller counts once per identifier, when in post at the audit date (start date on or
    before it, or not declared) with an ETP other than 0 (or not declared); a row whose identifier
    says the post is vacant (« Poste vacant ») is no conseiller.
    """
    by_id: dict[str, list[Conseiller]] = {}
    for c in structure.conseillers or ():
        by_id.setdefault(c.id, []).append(c)
    counted = 0
    reasons: list[str] = []
    for cid, entries in by_id.items():
        if "vacant" in normalize_name(cid).split():
            reasons.append(f"« {cid} » : poste non pourvu, pas un conseiller présent")
            continue
        if len(entries) > 1:
            reasons.append(f"identifiant {cid} déclaré {len(entries)} fois, compté une fois")
        future = [c.start_date for c in entries if c.start_date is not None and c.start_date > ctx.as_of]
        idle = [c for c in entries if c.fte == 0]
        if any(c.fte != 0 and (c.start_date is None or c.start_date <= ctx.as_of) for c in entries):
            counted += 1
            continue
        if future:
            reasons.append(f"{cid} prend son poste le {fr_date(min(future))}, après la date de l'audit")
        if idle:
            reasons.append(f"{cid} : ETP déclaré à 0, pas un conseiller présent")
    return counted, reasons


def check_count(structure: Structure, ctx: RuleContext) -> Outcome:
    """FS-AGT-01."""
    skip = principal_only(structure)
    if skip is not None:
        return skip
    if structure.conseillers is None:
        return Outcome.manual("conseillers non déclarés : nombre de conseillers inconnu", field="conseillers")
    minimum = int(ctx.value("staff.min_conseillers"))
    declared = len(structure.conseillers)
    count, reasons = _not_counted(structure, ctx)
    evidence: dict[str, Any] = {"conseillers": count, "minimum": minimum}
    if count != declared:
        evidence["conseillers_declares"] = declared
        evidence["non_comptes"] = reasons
    if declared and all(c.fte is not None for c in structure.conseillers):
        # Only when every conseiller's ETP is declared: a partial sum would be read as the whole.
        evidence["etp_declares"] = round(sum(c.fte for c in structure.conseillers), 2)  # type: ignore[misc]
    if count >= minimum:
        return Outcome.passed(
            f"{plural(count, 'conseiller')} France services (minimum {minimum})"
            + (f" ; non comptés : {' ; '.join(reasons)}" if reasons else ""),
            field="conseillers",
            **evidence,
        )
    if declared >= minimum:
        # The minimum is reached by conseillers who are not present at the audit date as declared:
        # whether they are is the auditor's to see.
        return Outcome.manual(
            f"{plural(count, 'conseiller')} France services présent(s) à la date de l'audit, sous le minimum "
            f"de {minimum} ; {declared} déclarés, à vérifier : {' ; '.join(reasons)}",
            field="conseillers",
            **evidence,
        )
    return Outcome.failed(
        f"{plural(declared, 'conseiller')} France services, sous le minimum de {minimum}",
        field="conseillers",
        **evidence,
    )


# --- FS-AGT-02 ------------------------------------------------------------------------------


@attrs.frozen
class _Deadline:
    """A date before which the training must be done; any one deadline met suffices.

    ``date`` is ``None`` when the fact it comes from is not declared or not yet known (``missing``
    says which); ``at_least`` is then what is known of it (a candidate's label comes after the
    audit). A failure needs every deadline known: a missing date never makes one.
    """

    date: _dt.date | None
    text: str
    missing: str | None = None
    at_least: _dt.date | None = None


def _deadlines(conseiller: Conseiller, structure: Structure, ctx: RuleContext) -> list[_Deadline]:
    """The start date, and the label date (or what is known of it)."""
    out: list[_Deadline] = []
    if conseiller.start_date is not None:
        out.append(_Deadline(conseiller.start_date, f"sa prise de poste le {fr_date(conseiller.start_date)}"))
    else:
        out.append(_Deadline(None, "sa prise de poste", "date de prise de poste non déclarée"))
    label = structure.label
    if label is not None and label.date is not None:
        out.append(_Deadline(label.date, f"la labellisation le {fr_date(label.date)}"))
    elif label is not None and label.status is LabelStatus.CANDIDATE:
        out.append(
            _Deadline(
                None,
                "la labellisation",
                f"labellisation à venir après l'audit du {fr_date(ctx.as_of)}",
                at_least=ctx.as_of,
            )
        )
    elif label is not None:
        out.append(_Deadline(None, "la labellisation", "date de labellisation non déclarée"))
    else:
        out.append(_Deadline(None, "toute labellisation", "statut et date de labellisation non déclarés"))
    return out


def _judge(training: _dt.date, deadlines: list[_Deadline]) -> str:
    """``pass`` when a deadline is known to be met, ``fail`` when every deadline is known and
    missed, else ``unknown``."""
    if any(training <= (d.date or d.at_least) for d in deadlines if (d.date or d.at_least) is not None):
        return "pass"
    if all(d.date is not None and training > d.date for d in deadlines):
        return "fail"
    return "unknown"


def check_training(structure: Structure, ctx: RuleContext) -> Outcome:
    """FS-AGT-02."""
    skip = principal_only(structure) or _no_conseillers(structure)
    if skip is not None:
        return skip
    late: list[tuple[int, str]] = []
    unknown: list[tuple[int, str]] = []
    planned_late = False
    for index, c in enumerate(structure.conseillers or ()):
        if _vacant(c):
            continue  # a vacant post or an ETP of 0: no one to train (FS-AGT-01 names it)
        if c.training_date is None:
            unknown.append((index, f"{c.id} : date de formation non déclarée"))
            continue
        deadlines = _deadlines(c, structure, ctx)
        verdict = _judge(c.training_date, deadlines)
        if c.training_date > ctx.as_of:
            # A training dated after the audit is planned, not done: only a deadline already
            # missed (known, and before the audit) makes it late whatever happens.
            planned = f"{c.id} : formation prévue le {fr_date(c.training_date)}, pas encore suivie à la date de l'audit"
            if verdict == "fail" and all(d.date is not None and d.date < ctx.as_of for d in deadlines):
                late.append((index, f"{planned}, après {fr_list([d.text for d in deadlines])}"))
                planned_late = True
                continue
            missed = [d.text for d in deadlines if d.date is not None and c.training_date > d.date]
            missing = [d.missing for d in deadlines if d.missing]
            unknown.append(
                (
                    index,
                    planned
                    + (f", après {fr_list(missed)}" if missed else "")
                    + (f" ; {fr_list(missing)}" if missing else ""),
                )
            )
            continue
        if verdict == "pass":
            continue
        if verdict == "fail":
            late.append(
                (index, f"{c.id} : formé le {fr_date(c.training_date)}, après {fr_list([d.text for d in deadlines])}")
            )
        else:
            known = [d.text for d in deadlines if d.date is not None]
            after = f", après {fr_list(known)}" if known else ""
            missing = [d.missing for d in deadlines if d.missing]
            unknown.append((index, f"{c.id} : formé le {fr_date(c.training_date)}{after} ; {fr_list(missing)}"))
    evidence: dict[str, Any] = {
        "formations": {
            c.id: c.training_date.isoformat() if c.training_date else None for c in structure.conseillers or ()
        }
    }
    if late:
        return Outcome.failed(
            f"formation initiale {'suivie ou prévue' if planned_late else 'suivie'} trop tard pour "
            f"{plural(len(late), 'conseiller')} : " + " ; ".join(text for _, text in late),
            field=f"conseillers[{late[0][0]}].training_date",
            **evidence,
        )
    if unknown:
        return Outcome.manual(
            "formation initiale à vérifier : " + " ; ".join(text for _, text in unknown),
            field=f"conseillers[{unknown[0][0]}].training_date",
            **evidence,
        )
    count = len([c for c in structure.conseillers or () if not _vacant(c)])
    if not count:
        return Outcome.not_applicable(
            "aucun conseiller en poste déclaré (poste vacant ou ETP de 0) : critère sans objet (voir FS-AGT-01)",
            field="conseillers",
        )
    return Outcome.passed(
        f"formation initiale suivie par {'le' if count == 1 else 'les'} {plural(count, 'conseiller')} "
        "avant la prise de poste ou la labellisation",
        field="conseillers",
        **evidence,
    )


# --- FS-AGT-03 ------------------------------------------------------------------------------


def _union(ranges: tuple[TimeRange, ...]) -> list[tuple[int, int]]:
    """Well-formed ranges merged into disjoint minute intervals."""
    try:
        return list(_cached_union(ranges))
    except TypeError:  # ranges given as a list: not hashable, computed each time
        return _merge(ranges)


@functools.lru_cache(maxsize=8192)
def _cached_union(ranges: tuple[TimeRange, ...]) -> tuple[tuple[int, int], ...]:
    # Few distinct days exist in a national audit: each is merged once.
    return tuple(_merge(ranges))


def _merge(ranges: tuple[TimeRange, ...]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted((r.start_minutes, r.end_minutes) for r in ranges if r.end_minutes > r.start_minutes):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _covered(intervals: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in intervals)


def presence_gaps(
    opening: tuple[TimeRange, ...], presences: list[tuple[TimeRange, ...]], minimum: int
) -> list[tuple[int, int, int]]:
    """Intervals of the day's opening hours with fewer than ``minimum`` conseillers present.

    Returns ``(start, end, fewest present)`` in minutes, adjacent short intervals merged.
    """
    opened = _union(opening)
    people = [_union(p) for p in presences]
    points = sorted({t for s, e in opened for t in (s, e)} | {t for p in people for s, e in p for t in (s, e)})
    gaps: list[tuple[int, int, int]] = []
    for a, b in itertools.pairwise(points):
        if not _covered(opened, a, b):
            continue
        present = sum(1 for p in people if _covered(p, a, b))
        if present >= minimum:
            continue
        if gaps and gaps[-1][1] == a:
            start, _, fewest = gaps[-1]
            gaps[-1] = (start, b, min(fewest, present))
        else:
            gaps.append((a, b, present))
    return gaps


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _gaps(
    hours: WeeklyHours, conseillers: Any, minimum: int, bounds: tuple[int, int] | None
) -> tuple[list[str], str | None, int]:
    """The opening intervals with fewer than ``minimum`` of ``conseillers`` present, as French
    texts, the day of the first and the minutes uncovered; with ``bounds``, only over the opening
    ranges read as they are (well formed, within the plausible hours)."""
    found: list[str] = []
    first_day: str | None = None
    uncovered = 0
    for day in WEEKDAYS:
        opening = hours.day(day) if bounds is None else certain_ranges(hours.day(day), *bounds)
        presences = [c.presence.day(day) for c in conseillers if c.presence is not None]
        for start, end, fewest in presence_gaps(opening, presences, minimum):
            first_day = first_day or day
            uncovered += end - start
            found.append(
                f"{WEEKDAY_LABELS[day]} {_hhmm(start)} - {_hhmm(end)} "
                f"({plural(fewest, 'conseiller présent', 'conseillers présents')})"
            )
    return found, first_day, uncovered


def check_presence(structure: Structure, ctx: RuleContext) -> Outcome:
    """FS-AGT-03."""
    skip = principal_only(structure)
    if skip is not None:
        return skip
    if structure.conseillers is None:
        return Outcome.manual("conseillers non déclarés : présence à vérifier", field="conseillers")
    hours = structure.opening_hours
    if hours is None or not any(_union(ranges) for _, ranges in hours.items()):
        return Outcome.manual(
            "horaires d'ouverture non déclarés : présence impossible à comparer (voir FS-HOR-04)",
            field="opening_hours",
        )
    missing = [
        i for i, c in enumerate(structure.conseillers) if (c.presence is None or c.presence.is_empty) and not _vacant(c)
    ]
    earliest, latest = plausible_bounds(ctx)
    minimum = int(ctx.value("staff.min_present"))
    # Only the opening ranges read as they are can show a gap: a placeholder, reversed or
    # implausible range (FS-HOR-03) has an unknown length.
    found, first_day, uncovered = _gaps(hours, structure.conseillers, minimum, (earliest, latest))
    if missing and found:
        # A gap the conseillers without a schedule could fill: their presence is to check. Without
        # a gap, those declared already cover every opening hour.
        names = [structure.conseillers[i].id for i in missing]
        return Outcome.manual(
            f"planning de présence non déclaré pour {fr_list(names)} : présence de "
            f"{ctx.value('staff.min_present')} conseillers à vérifier sur place",
            field=f"conseillers[{missing[0]}].presence",
        )
    evidence: dict[str, Any] = {"minimum_present": minimum, "conseillers": len(structure.conseillers)}
    if not found:
        doubtful = doubtful_ranges(hours, ctx)
        if doubtful and _gaps(hours, structure.conseillers, minimum, None)[0]:
            return Outcome.manual(
                f"moins de {minimum} conseillers présents seulement pendant des créneaux d'ouverture de durée "
                f"inconnue : {describe_doubtful(doubtful, ctx)} ; à vérifier (voir FS-HOR-03)",
                field="opening_hours",
                **evidence,
            )
        future = [c for c in structure.conseillers if c.start_date is not None and c.start_date > ctx.as_of]
        in_post = [c for c in structure.conseillers if c not in future]
        if future and _gaps(hours, in_post, minimum, (earliest, latest))[0]:
            return Outcome.manual(
                f"{minimum} conseillers présents pendant toutes les heures d'ouverture seulement en comptant "
                + fr_list([f"{c.id}, qui prend son poste le {fr_date(c.start_date)}" for c in future])  # type: ignore[arg-type]
                + ", après la date de l'audit : à vérifier",
                field="conseillers",
                **evidence,
            )
    if found:
        shown = found[:6] + ([f"et {len(found) - 6} autre(s) créneau(x)"] if len(found) > 6 else [])
        return Outcome.failed(
            f"moins de {minimum} conseillers présents pendant {fr_hours(uncovered)} d'ouverture : " + " ; ".join(shown),
            field=f"opening_hours.{first_day}",
            creneaux_non_couverts=found,
            **evidence,
        )
    return Outcome.passed(
        f"au moins {minimum} conseillers présents pendant toutes les heures d'ouverture",
        field="conseillers",
        **evidence,
    )


# --- FS-AGT-04 ------------------------------------------------------------------------------


def _short_days(value: float, required: float) -> str:
    """``value`` days, with as many decimals as it takes to tell it from ``required`` (11,49 jours
    and not 11,5 jours for a minimum of 11,5), at least one."""
    for decimals in range(1, 7):
        text = fr_decimal(float(value), decimals)
        if text != fr_decimal(float(required), decimals):
            break
    return f"{text} jour" if float(value) <= 1 else f"{text} jours"


def check_training_length(structure: Structure, ctx: RuleContext) -> Outcome:
    """FS-AGT-04."""
    skip = _no_conseillers(structure)
    if skip is not None:
        return skip
    base = float(ctx.value("training.min_days"))
    extended = float(ctx.value("training.extended_min_days"))
    since = parse_date(ctx.value("training.extended_since"))
    short: list[tuple[int, str]] = []
    unknown: list[tuple[int, str]] = []
    for index, c in enumerate(structure.conseillers or ()):
        if _vacant(c):
            continue  # a vacant post or an ETP of 0: no one trained (FS-AGT-01 names it)
        if c.training_days is None:
            unknown.append((index, f"{c.id} : durée de formation non déclarée"))
            continue
        if c.training_date is None:
            if c.training_days >= max(base, extended):
                continue
            if c.training_days < min(base, extended):
                # Short whatever the date of the training: a failure that rests on no missing fact.
                short.append(
                    (
                        index,
                        f"{c.id} : {_short_days(c.training_days, min(base, extended))}, sous le minimum de "
                        f"{fr_days(min(base, extended))} quelle que soit la date de formation",
                    )
                )
                continue
            unknown.append((index, f"{c.id} : {fr_days(c.training_days)} sans date de formation, exigence inconnue"))
            continue
        if c.training_date > ctx.as_of:
            # A training dated after the audit is planned, not done: its length is not yet a fact,
            # unless it is below every minimum (short whatever its date, as without a date).
            if c.training_days < min(base, extended):
                short.append(
                    (
                        index,
                        f"{c.id} : formation de {_short_days(c.training_days, min(base, extended))} prévue le "
                        f"{fr_date(c.training_date)}, sous le minimum de {fr_days(min(base, extended))} quelle "
                        "que soit la date de formation",
                    )
                )
                continue
            unknown.append(
                (
                    index,
                    f"{c.id} : formation de {fr_days(c.training_days)} prévue le {fr_date(c.training_date)}, "
                    "pas encore suivie à la date de l'audit",
                )
            )
            continue
        required = extended if c.training_date >= since else base
        if c.training_days < required:
            short.append(
                (
                    index,
                    f"{c.id} : {_short_days(c.training_days, required)} (formé le {fr_date(c.training_date)}, "
                    f"minimum {fr_days(required)})",
                )
            )
    evidence: dict[str, Any] = {
        "minimum_jours": base,
        "minimum_jours_depuis_reforme": extended,
        "reforme_depuis": since.isoformat(),
        "durees": {c.id: c.training_days for c in structure.conseillers or ()},
    }
    if short:
        return Outcome.failed(
            "formation initiale trop courte : " + " ; ".join(text for _, text in short),
            field=f"conseillers[{short[0][0]}].training_days",
            **evidence,
        )
    if unknown:
        return Outcome.manual(
            "durée de formation à vérifier : " + " ; ".join(text for _, text in unknown),
            field=f"conseillers[{unknown[0][0]}].training_days",
            **evidence,
        )
    return Outcome.passed(
        f"durée de formation conforme pour {plural(len(structure.conseillers or ()), 'conseiller')} "
        f"({fr_decimal(base, 1)} jours, {fr_decimal(extended, 1)} jours pour une formation suivie à partir "
        f"du {fr_date(since)})",
        field="conseillers",
        **evidence,
    )


RULES = [
    Rule(
        id="FS-AGT-01",
        title="Au moins deux conseillers France services",
        severity="bloquant",
        applies_to="structures principales ; antennes : sans objet",
        domain="conseillers",
        reference=CharterReference(
            "Chaque France services dispose d'au moins deux agents polyvalents (conseillers France services).",
            _SOURCE_STAFF,
            "C",
        ),
        description=(
            "Compte les conseillers présents à la date de l'audit et compare ce nombre au minimum du "
            "référentiel en vigueur (2). Un conseiller compte une fois par identifiant, s'il a pris "
            "son poste à la date de l'audit (ou si sa date de prise de poste n'est pas déclarée) et "
            "si son ETP déclaré n'est pas 0 ; une ligne « Poste vacant » n'est pas un conseiller. "
            "Quand le minimum n'est atteint qu'en comptant un conseiller qui prend son poste après "
            "l'audit, un ETP de 0, un poste vacant ou un identifiant déclaré plusieurs fois, le "
            "critère est à vérifier et le message les nomme ; moins de conseillers déclarés que le "
            "minimum est non conforme. Les équivalents temps plein "
            "déclarés sont rappelés dans les éléments relevés mais ne remplacent pas le nombre de "
            "personnes. Sans liste de conseillers, le critère est à vérifier."
        ),
        remediation=("Affecter au moins deux conseillers France services à la structure et les déclarer."),
        check=scope_guard(check_count),
        cacheable=True,
        needs=("type", "format", "conseillers[].id", "conseillers[].start_date", "conseillers[].fte"),
        statuses=(Status.PASS, Status.FAIL, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
    Rule(
        id="FS-AGT-02",
        title="Formation initiale de chaque conseiller avant la prise de poste ou la labellisation",
        severity="bloquant",
        applies_to="structures principales ; antennes : sans objet",
        domain="conseillers",
        reference=CharterReference(
            "Chaque conseiller suit la formation initiale obligatoire (CNFPT) avant l'ouverture ou "
            "avant la labellisation.",
            _SOURCE_TRAINING,
            "C",
        ),
        description=(
            "Pour chaque conseiller, la date de formation initiale doit être au plus tard la date de "
            "prise de poste ou la date de labellisation (une formation le jour même est conforme ; "
            "l'une des deux échéances suffit). Pour une candidature sans date de labellisation, la "
            "labellisation vient après l'audit : une formation suivie avant l'audit est conforme, une "
            "formation seulement prévue est à vérifier avant la labellisation. Une date de formation "
            "postérieure à la date de l'audit est une formation prévue, pas encore suivie : le "
            "critère est à vérifier, sauf si la prise de poste et la labellisation sont déjà passées "
            "sans formation (non conforme). Une date manquante "
            "ne vaut jamais manquement : quand la formation ne précède "
            "aucune échéance connue mais qu'une échéance n'est pas déclarée (date de formation, de "
            "prise de poste, de labellisation ou statut de labellisation), le critère est à "
            "vérifier et le message dit ce qui manque."
        ),
        remediation=(
            "Inscrire les conseillers concernés à la formation initiale du CNFPT et déclarer les "
            "dates de formation et de prise de poste."
        ),
        check=scope_guard(check_training),
        cacheable=True,
        needs=(
            "type",
            "format",
            "conseillers[].training_date",
            "conseillers[].start_date",
            "conseillers[].fte",
            "label.status",
            "label.date",
        ),
        statuses=(Status.PASS, Status.FAIL, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
    Rule(
        id="FS-AGT-03",
        title="Deux conseillers présents pendant toutes les heures d'ouverture",
        severity="majeur",
        applies_to="structures principales ; antennes : sans objet",
        domain="conseillers",
        reference=CharterReference(
            "Au moins deux agents polyvalents sont présents en permanence pendant l'ouverture au public.",
            _SOURCE_STAFF,
            "C",
        ),
        description=(
            "Quand chaque conseiller a déclaré son planning de présence, vérifie minute par minute "
            "que le nombre de conseillers présents atteint le minimum du référentiel (2) pendant "
            "toutes les heures d'ouverture, et cite les créneaux non couverts. Sans planning pour "
            "tous les conseillers (un planning vide n'est pas déclaré), ou sans horaires "
            "d'ouverture, le critère est à vérifier par l'auditeur. Seuls les créneaux d'ouverture "
            "bien formés et dans les heures plausibles peuvent rendre le critère non conforme : un "
            "manque qui ne tombe que dans un créneau vide, inversé ou invraisemblable (voir "
            "FS-HOR-03) est à vérifier. Un manque comblé seulement par un conseiller qui prend son "
            "poste après la date de l'audit est aussi à vérifier."
        ),
        remediation=(
            "Organiser les plannings (temps partiels, pauses, congés) pour que deux conseillers "
            "soient présents à chaque heure d'ouverture, ou réduire les horaires en conséquence."
        ),
        check=scope_guard(check_presence),
        cacheable=True,
        needs=(
            "type",
            "format",
            "conseillers[].presence",
            "conseillers[].start_date",
            "conseillers[].fte",
            "opening_hours",
        ),
        statuses=(Status.PASS, Status.FAIL, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
    Rule(
        id="FS-AGT-04",
        title="Durée de la formation initiale",
        severity="mineur",
        applies_to="toutes les structures",
        domain="conseillers",
        reference=CharterReference(
            "La formation initiale dure 6,5 jours (3,5 jours de tronc commun CNFPT et 3 jours de "
            "procédures des partenaires) ; elle est portée à 11,5 jours avec des immersions chez les "
            "opérateurs à partir de fin 2023.",
            _SOURCE_LENGTH,
            "C",
        ),
        description=(
            "Compare la durée de formation de chaque conseiller au minimum du référentiel : 6,5 jours, "
            "ou 11,5 jours pour une formation suivie à partir de la date de la réforme. Cette date "
            "n'est pas publiée (« fin 2023 ») : fsaudit retient par hypothèse le 1er janvier 2024, "
            "valeur paramétrable du référentiel (training.extended_since). Une durée inconnue rend "
            "le critère à vérifier ; sans date de formation, une durée sous 6,5 jours est non "
            "conforme quelle que soit la date, une durée entre 6,5 et 11,5 jours est à vérifier. "
            "Une formation datée après la date de l'audit est prévue, pas encore suivie : sa durée "
            "est à vérifier, sauf sous 6,5 jours (non conforme quelle que soit la date)."
        ),
        remediation=(
            "Compléter la formation des conseillers concernés (modules du CNFPT et immersions chez "
            "les opérateurs) ou corriger la durée déclarée."
        ),
        check=check_training_length,
        cacheable=True,
        needs=("conseillers[].training_days", "conseillers[].training_date", "conseillers[].fte"),
        statuses=(Status.PASS, Status.FAIL, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
]
