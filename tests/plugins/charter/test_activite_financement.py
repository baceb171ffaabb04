"""FS-ACT-01 (attendance) and FS-FIN-01 (forfait)."""

from __future__ import annotations

import datetime as dt

from fsaudit.model import declaration as model
from fsaudit.testing import audit_structures, make_structure, result_of

D = dt.date
AS_OF = dt.date(2025, 6, 30)
NNBSP = "\u202f"


def _months(year: int, counts: list[int]) -> tuple[model.Attendance, ...]:
    return tuple(model.Attendance(f"{year}-{m:02d}", n) for m, n in enumerate(counts, start=1))


def _result(structure: model.Structure, rule: str, as_of: dt.date = AS_OF):
    return result_of(audit_structures([structure], as_of=as_of), rule)


# --- FS-ACT-01 ---


def test_act01_growth_in_french():
    """Growth on the same months is written with French separators and two decimals."""
    s = make_structure(attendance=_months(2022, [100, 100, 100, 100]) + _months(2023, [150, 100, 100, 1000]))
    result = _result(s, "FS-ACT-01")
    assert (result.status.value, result.message) == (
        "pass",
        f"1{NNBSP}350 accompagnements de janvier à avril 2023, +237,50 % sur les mêmes mois de 2022",
    )


def test_act01_gers_seed_figures():
    """The Gers figures: 38 792 against 30 518 is +27,11 % (and +8 274)."""
    s = make_structure(
        attendance=_months(2022, [30518 - 7 * 3800] + [3800] * 7) + _months(2023, [38792 - 7 * 4800] + [4800] * 7)
    )
    result = _result(s, "FS-ACT-01")
    assert result.message == f"38{NNBSP}792 accompagnements de janvier à août 2023, +27,11 % sur les mêmes mois de 2022"
    assert (result.evidence["ecart"], result.evidence["evolution_pct"]) == (8274, 27.11)


def test_act01_only_common_months_compared():
    """Months of the latest year without counterpart are left out of the comparison."""
    s = make_structure(attendance=_months(2022, [100]) + _months(2023, [110, 500]))
    result = _result(s, "FS-ACT-01")
    assert result.message == (
        "610 accompagnements de janvier à février 2023 ; sur les mois comparables, 110 accompagnements "
        "de janvier 2023, +10,00 % sur les mêmes mois de 2022"
    )


def test_act01_decline_warns():
    """A decline on the same months is a warning."""
    s = make_structure(attendance=_months(2022, [200]) + _months(2023, [150]))
    result = _result(s, "FS-ACT-01")
    assert (result.status.value, result.message) == (
        "warn",
        "150 accompagnements de janvier 2023, −25,00 % sur les mêmes mois de 2022 : fréquentation en baisse",
    )


def test_act01_no_previous_year_passes():
    """A first year of activity passes, saying there is nothing to compare."""
    result = _result(make_structure(attendance=_months(2023, [10, 20])), "FS-ACT-01")
    assert (result.status.value, result.message) == (
        "pass",
        "30 accompagnements de janvier à février 2023 ; aucun mois comparable déclaré en 2022",
    )


def test_act01_duplicate_month_fails():
    """The same month declared twice fails at its first occurrence."""
    s = make_structure(
        attendance=(
            model.Attendance("2023-01", 5),
            model.Attendance("2023-02", 5),
            model.Attendance("2023-01", 7),
        )
    )
    result = _result(s, "FS-ACT-01")
    assert (result.status.value, result.location) == ("fail", "$.structures[0].attendance[0]")


def test_act01_undeclared_is_manual():
    """A labelled structure without attendance is asked for it."""
    assert _result(make_structure(attendance=None), "FS-ACT-01").status.value == "manual"


def test_act01_empty_list_fails():
    """An empty attendance list fails."""
    assert _result(make_structure(attendance=()), "FS-ACT-01").status.value == "fail"


def test_act01_candidate_not_applicable():
    """A candidate without attendance is not concerned."""
    s = make_structure(attendance=None, label=model.Label(model.LabelStatus.CANDIDATE))
    assert _result(s, "FS-ACT-01").status.value == "not_applicable"


# --- FS-FIN-01 ---


def test_fin01_forfait_of_audit_year():
    """A labelled principal structure audited in 2023 is due 35 000 €."""
    result = _result(make_structure(), "FS-FIN-01", D(2023, 10, 5))
    assert (result.status.value, result.message, result.evidence["montant_eur"]) == (
        "pass",
        f"forfait de fonctionnement 2023 dû : 35{NNBSP}000 €",
        35000,
    )


def test_fin01_year_change_changes_amount():
    """On 1 January 2024 the forfait becomes 40 000 € (boundary)."""
    assert _result(make_structure(), "FS-FIN-01", D(2024, 1, 1)).evidence["montant_eur"] == 40000


def test_fin01_year_absent_is_manual():
    """A year missing from the table leaves the amount to establish."""
    result = _result(make_structure(), "FS-FIN-01", D(2027, 3, 1))
    assert (result.status.value, result.message) == (
        "manual",
        "forfait de fonctionnement 2027 absent de la table des forfaits (années connues : 2020 à 2026) : "
        "montant à établir",
    )


def test_fin01_candidate_not_applicable():
    """Candidates do not receive the forfait yet."""
    s = make_structure(label=model.Label(model.LabelStatus.CANDIDATE))
    assert _result(s, "FS-FIN-01").status.value == "not_applicable"


def test_fin01_unknown_label_is_manual():
    """Without a label status, the forfait cannot be established."""
    assert _result(make_structure(label=None), "FS-FIN-01").status.value == "manual"


def test_fin01_antenne_not_applicable():
    """Antennes are out of scope."""
    s = make_structure(type=model.StructureType.ANTENNE)
    assert _result(s, "FS-FIN-01").status.value == "not_applicable"


def _attendance(months: dict[str, int]) -> tuple[model.Attendance, ...]:
    return tuple(model.Attendance(month, n) for month, n in months.items())


def test_act01_elides_de_before_a_vowel():
    """« d'avril », « d'octobre », never « de avril », « de octobre »."""
    s = make_structure(attendance=_attendance({"2024-04": 100, "2025-04": 120, "2025-10": 90}))
    result = _result(s, "FS-ACT-01", D(2025, 12, 31))
    assert (result.status.value, result.message) == (
        "pass",
        "210 accompagnements d'avril et octobre 2025 ; sur les mois comparables, 120 accompagnements d'avril "
        "2025, +20,00 % sur les mêmes mois de 2024",
    )


def test_act01_months_after_the_audit_are_left_out_and_named():
    """A month declared after the audit date is neither the latest year nor compared; the message says so."""
    s = make_structure(attendance=_attendance({"2024-01": 100, "2025-01": 80, "2026-01": 500}))
    result = _result(s, "FS-ACT-01")
    assert (result.status.value, result.message) == (
        "warn",
        "80 accompagnements de janvier 2025, −20,00 % sur les mêmes mois de 2024 : fréquentation en baisse ; "
        "mois postérieurs à la date de l'audit non comptés : janvier 2026",
    )


def test_act01_only_months_after_the_audit_is_manual():
    """Attendance declared only for months after the audit date is to check, not judged."""
    s = make_structure(attendance=_attendance({"2025-07": 80, "2025-08": 90}))
    result = _result(s, "FS-ACT-01")
    assert (result.status.value, result.message) == (
        "manual",
        "fréquentation déclarée seulement pour des mois postérieurs à la date de l'audit : juillet 2025 et août "
        "2025 ; à vérifier",
    )
