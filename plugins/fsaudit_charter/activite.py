"""Activity rule FS-ACT-01: attendance declared, growth on the same months of the previous year."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fsaudit import CharterReference, LabelStatus, Outcome, Rule, RuleContext, Status
from fsaudit_charter._common import MONTHS_FR, fr_int, fr_list, fr_signed_pct

__all__ = ["RULES", "growth", "months_phrase"]


def _de(text: str) -> str:
    """``de`` before ``text``, elided before a vowel: ``d'avril``, ``d'août``, ``de mars``."""
    return f"d'{text}" if text[:1].lower() in "aeiouyàâäéèêëîïôöûü" else f"de {text}"


def months_phrase(months: list[int], year: int) -> str:
    """``[1..8], 2023`` → ``de janvier à août 2023``; ``[1, 3], 2023`` → ``de janvier et mars 2023``;
    ``[4], 2025`` → ``d'avril 2025``."""
    months = sorted(months)
    if len(months) == 1:
        return _de(f"{MONTHS_FR[months[0] - 1]} {year}")
    if months == list(range(months[0], months[-1] + 1)):
        return _de(f"{MONTHS_FR[months[0] - 1]} à {MONTHS_FR[months[-1] - 1]} {year}")
    return _de(f"{fr_list([MONTHS_FR[m - 1] for m in months])} {year}")


def _month_text(month: str) -> str:
    """``2026-01`` → ``janvier 2026``."""
    return f"{MONTHS_FR[int(month[5:]) - 1]} {month[:4]}"


def growth(attendance: Any) -> dict[str, Any]:
    """Totals of the latest declared year and of the same months of the year before."""
    by_month = {a.month: a.accompaniments for a in attendance}
    year = max(int(month[:4]) for month in by_month)
    months = sorted(int(month[5:]) for month in by_month if int(month[:4]) == year)
    current = sum(by_month[f"{year}-{m:02d}"] for m in months)
    common = [m for m in months if f"{year - 1}-{m:02d}" in by_month]
    out: dict[str, Any] = {
        "annee": year,
        "mois": [f"{year}-{m:02d}" for m in months],
        "accompagnements": current,
    }
    if common:
        previous = sum(by_month[f"{year - 1}-{m:02d}"] for m in common)
        same = sum(by_month[f"{year}-{m:02d}"] for m in common)
        out.update(
            {
                "annee_precedente": year - 1,
                "mois_comparables": [f"{year}-{m:02d}" for m in common],
                "accompagnements_comparables": same,
                "accompagnements_annee_precedente": previous,
                "ecart": same - previous,
            }
        )
        if previous:
            out["evolution_pct"] = round(100.0 * (same - previous) / previous, 2)
    return out


def check_attendance(structure: Any, ctx: RuleContext) -> Outcome:
    """FS-ACT-01."""
    attendance = structure.attendance
    label = structure.label
    candidate = label is not None and label.status is LabelStatus.CANDIDATE
    if not attendance:
        if candidate:
            return Outcome.not_applicable(
                "candidature : pas encore de fréquentation France services à déclarer", field="attendance"
            )
        if attendance is None:
            return Outcome.manual("fréquentation non déclarée : à demander au gestionnaire", field="attendance")
        if label is None:
            # A candidate has no attendance to declare: without the label status, an empty list
            # is not a breach.
            return Outcome.manual(
                "fréquentation déclarée vide et statut de labellisation non déclaré : à vérifier "
                "(une candidature n'a pas de fréquentation à déclarer)",
                field="attendance",
            )
        return Outcome.failed("fréquentation déclarée vide : aucun mois renseigné", field="attendance")
    doubles = sorted(month for month, n in Counter(a.month for a in attendance).items() if n > 1)
    if doubles:
        first = next(i for i, a in enumerate(attendance) if a.month == doubles[0])
        return Outcome.failed(
            f"mois déclarés plusieurs fois : {fr_list(doubles)} ; fréquentation impossible à totaliser",
            field=f"attendance[{first}]",
            mois_en_double=doubles,
        )
    # Months after the audit date are not yet attendance: left out, and said so.
    audit_month = f"{ctx.as_of.year:04d}-{ctx.as_of.month:02d}"
    later = sorted(a.month for a in attendance if a.month > audit_month)
    later_note = (
        f" ; mois postérieurs à la date de l'audit non comptés : {fr_list([_month_text(m) for m in later])}"
        if later
        else ""
    )
    attendance = [a for a in attendance if a.month <= audit_month]
    if not attendance:
        return Outcome.manual(
            "fréquentation déclarée seulement pour des mois postérieurs à la date de l'audit : "
            f"{fr_list([_month_text(m) for m in later])} ; à vérifier",
            field="attendance",
            mois_posterieurs=later,
        )
    data = growth(attendance)
    if later:
        data["mois_posterieurs"] = later
    year = data["annee"]
    months = [int(m[5:]) for m in data["mois"]]
    text = f"{fr_int(data['accompagnements'])} accompagnements {months_phrase(months, year)}"
    if "annee_precedente" not in data:
        return Outcome.passed(
            f"{text} ; aucun mois comparable déclaré en {year - 1}{later_note}", field="attendance", **data
        )
    common = [int(m[5:]) for m in data["mois_comparables"]]
    if common != months:
        text += (
            f" ; sur les mois comparables, {fr_int(data['accompagnements_comparables'])} "
            f"accompagnements {months_phrase(common, year)}"
        )
    if "evolution_pct" not in data:
        return Outcome.passed(
            f"{text} ; aucun accompagnement sur les mêmes mois de {year - 1}, évolution non calculable{later_note}",
            field="attendance",
            **data,
        )
    text += f", {fr_signed_pct(data['evolution_pct'])} sur les mêmes mois de {year - 1}"
    if data["ecart"] < 0:
        return Outcome.warned(f"{text} : fréquentation en baisse{later_note}", field="attendance", **data)
    return Outcome.passed(text + later_note, field="attendance", **data)


RULES = [
    Rule(
        id="FS-ACT-01",
        title="Fréquentation déclarée et évolution sur un an",
        severity="info",
        applies_to="toutes les structures ; candidatures sans fréquentation : sans objet",
        domain="activité",
        reference=CharterReference(
            "Les France services rendent compte de leur activité (Gers : 38 792 accompagnements de "
            "janvier à août 2023, +8 274, soit +27,11 % sur les mêmes mois de 2022).",
            "Préfecture du Gers, réunion des secrétaires de mairie du 5 octobre 2023 ; catalogue des règles fsaudit",
            "C",
        ),
        description=(
            "Vérifie que la fréquentation mensuelle est déclarée, totalise les accompagnements des "
            "mois déclarés de la dernière année et les compare aux mêmes mois de l'année précédente "
            "(évolution en pourcentage). Les mois postérieurs à la date de l'audit ne sont pas "
            "comptés et le message les cite ; une fréquentation déclarée seulement pour de tels mois "
            "est à vérifier. Une baisse donne un avertissement ; des mois en double ou "
            "une liste vide sont non conformes ; une fréquentation non déclarée est à demander. Une "
            "candidature sans fréquentation n'est pas concernée."
        ),
        remediation=(
            "Déclarer le nombre d'accompagnements de chaque mois, sans doublon, et analyser les "
            "causes d'une baisse de fréquentation."
        ),
        check=check_attendance,
        cacheable=True,
        needs=("attendance[].month", "attendance[].accompaniments", "label.status"),
        statuses=(Status.PASS, Status.FAIL, Status.WARN, Status.MANUAL, Status.NOT_APPLICABLE),
    ),
]
