"""FS-AGT-01 to FS-AGT-04: conseillers, training and presence."""

from __future__ import annotations

import datetime as dt

import attrs

from fsaudit.model import declaration as model
from fsaudit.testing import FULL_WEEK, audit_structures, make_structure, result_of, weekly

D = dt.date
AS_OF = dt.date(2025, 6, 30)


def _status(structure: model.Structure, rule: str, as_of: dt.date = AS_OF) -> str:
    return result_of(audit_structures([structure], as_of=as_of), rule).status.value


def _conseiller(cid: str = "C1", **changes) -> model.Conseiller:
    base = model.Conseiller(cid, 1.0, D(2020, 11, 15), 6.5, D(2020, 12, 1), FULL_WEEK)
    return attrs.evolve(base, **changes)


ANTENNE = {"type": model.StructureType.ANTENNE, "format": model.Format.ANTENNE}


# --- FS-AGT-01 ---


def test_agt01_two_conseillers_pass():
    """Two conseillers meet the minimum of two."""
    result = result_of(audit_structures([make_structure()]), "FS-AGT-01")
    assert (result.status.value, result.message) == ("pass", "2 conseillers France services (minimum 2)")


def test_agt01_one_conseiller_fails():
    """A single conseiller is below the minimum, with the field pointed at."""
    s = make_structure(conseillers=(_conseiller(),))
    result = result_of(audit_structures([s]), "FS-AGT-01")
    assert (result.status.value, result.message, result.location) == (
        "fail",
        "1 conseiller France services, sous le minimum de 2",
        "$.structures[0].conseillers",
    )


def test_agt01_undeclared_is_manual():
    """No list of conseillers means the auditor must check."""
    assert _status(make_structure(conseillers=None), "FS-AGT-01") == "manual"


def test_agt01_antenne_not_applicable():
    """Antennes are not judged on the staff of a principal structure."""
    assert _status(make_structure(conseillers=(), **ANTENNE), "FS-AGT-01") == "not_applicable"


# --- FS-AGT-02 ---


def test_agt02_training_after_start_and_label_fails():
    """A conseiller trained after both the start date and the label date fails, at his field."""
    late = _conseiller("C2", training_date=D(2022, 5, 2), start_date=D(2022, 3, 1))
    s = make_structure(conseillers=(_conseiller(), late))
    result = result_of(audit_structures([s]), "FS-AGT-02")
    assert result.status.value == "fail"
    assert result.location == "$.structures[0].conseillers[1].training_date"
    assert result.message == (
        "formation initiale suivie trop tard pour 1 conseiller : C2 : formé le 02/05/2022, après sa "
        "prise de poste le 01/03/2022 et la labellisation le 01/01/2021"
    )


def test_agt02_training_on_label_date_passes():
    """Training on the label date itself passes (boundary), even after the start date."""
    c = _conseiller(training_date=D(2021, 1, 1), start_date=D(2020, 6, 1))
    s = make_structure(conseillers=(c, _conseiller("C2")))
    assert _status(s, "FS-AGT-02") == "pass"


def test_agt02_training_day_after_label_and_start_fails():
    """One day after both deadlines fails (boundary)."""
    c = _conseiller(training_date=D(2021, 1, 2), start_date=D(2020, 6, 1))
    assert _status(make_structure(conseillers=(c, _conseiller("C2"))), "FS-AGT-02") == "fail"


def test_agt02_training_on_start_date_passes():
    """Training on the start date passes even when the label date is earlier."""
    c = _conseiller(training_date=D(2023, 3, 1), start_date=D(2023, 3, 1))
    assert _status(make_structure(conseillers=(c, _conseiller("C2"))), "FS-AGT-02") == "pass"


def test_agt02_unknown_training_date_is_manual():
    """An unknown training date leaves the criterion to the auditor, at the conseiller's field."""
    s = make_structure(conseillers=(_conseiller(), _conseiller("C2", training_date=None)))
    result = result_of(audit_structures([s]), "FS-AGT-02")
    assert (result.status.value, result.location) == (
        "manual",
        "$.structures[0].conseillers[1].training_date",
    )


def test_agt02_candidate_trained_by_audit_date_passes():
    """A candidate's conseiller trained before the audit date passes (label not yet granted)."""
    c = _conseiller(start_date=None, training_date=D(2022, 4, 1))
    s = make_structure(conseillers=(c, c), label=model.Label(model.LabelStatus.CANDIDATE))
    assert _status(s, "FS-AGT-02", as_of=D(2022, 5, 12)) == "pass"


def test_agt02_candidate_training_planned_after_audit_is_manual():
    """A candidate's training planned after the audit may still precede the label: to check, not a failure."""
    c = _conseiller(start_date=D(2022, 3, 1), training_date=D(2022, 6, 1))
    s = make_structure(conseillers=(c,), label=model.Label(model.LabelStatus.CANDIDATE))
    result = result_of(audit_structures([s], as_of=D(2022, 5, 12)), "FS-AGT-02")
    assert (result.status.value, result.message) == (
        "manual",
        "formation initiale à vérifier : C1 : formation prévue le 01/06/2022, pas encore suivie à la date de "
        "l'audit, après sa prise de poste le 01/03/2022 ; labellisation à venir après l'audit du 12/05/2022",
    )


def test_agt02_candidate_training_planned_after_its_planned_label_date_is_manual():
    """A training planned after a label date still to come may yet be moved before it: to check."""
    c = _conseiller(start_date=D(2022, 3, 1), training_date=D(2022, 9, 1))
    s = make_structure(conseillers=(c, c), label=model.Label(model.LabelStatus.CANDIDATE, D(2022, 7, 1)))
    result = result_of(audit_structures([s], as_of=D(2022, 5, 12)), "FS-AGT-02")
    assert (result.status.value, result.message) == (
        "manual",
        "formation initiale à vérifier : C1 : formation prévue le 01/09/2022, pas encore suivie à la date de "
        "l'audit, après sa prise de poste le 01/03/2022 et la labellisation le 01/07/2022 ; C1 : formation "
        "prévue le 01/09/2022, pas encore suivie à la date de l'audit, après sa prise de poste le 01/03/2022 "
        "et la labellisation le 01/07/2022",
    )


def test_agt02_training_planned_after_deadlines_already_missed_fails():
    """A training still to come after a start date and a label date both past is late whatever happens."""
    c = _conseiller(start_date=D(2024, 3, 1), training_date=D(2025, 9, 1))
    s = make_structure(conseillers=(_conseiller("C2"), c))
    result = result_of(audit_structures([s]), "FS-AGT-02")
    assert (result.status.value, result.message) == (
        "fail",
        "formation initiale suivie ou prévue trop tard pour 1 conseiller : C1 : formation prévue le 01/09/2025, "
        "pas encore suivie à la date de l'audit, après sa prise de poste le 01/03/2024 et la labellisation le "
        "01/01/2021",
    )


def test_agt02_labelled_training_planned_before_future_start_is_manual():
    """A training dated after the audit is planned, not done, even before the start date: to check."""
    c = _conseiller(start_date=D(2025, 10, 1), training_date=D(2025, 9, 1))
    s = make_structure(conseillers=(c, _conseiller("C2")))
    result = result_of(audit_structures([s]), "FS-AGT-02")
    assert (result.status.value, result.message) == (
        "manual",
        "formation initiale à vérifier : C1 : formation prévue le 01/09/2025, pas encore suivie à la date de "
        "l'audit, après la labellisation le 01/01/2021",
    )


def test_agt02_candidate_planned_training_without_start_date_is_manual():
    """Without a start date, a training planned after the audit is to check, naming what is missing."""
    c = _conseiller(start_date=None, training_date=D(2022, 6, 1))
    s = make_structure(conseillers=(c,), label=model.Label(model.LabelStatus.CANDIDATE))
    result = result_of(audit_structures([s], as_of=D(2022, 5, 12)), "FS-AGT-02")
    assert (result.status.value, result.message) == (
        "manual",
        "formation initiale à vérifier : C1 : formation prévue le 01/06/2022, pas encore suivie à la date de "
        "l'audit ; date de prise de poste non déclarée et labellisation à venir après l'audit du 12/05/2022",
    )


def test_agt02_labelled_without_label_date_trained_after_start_is_manual():
    """Issue 14: a labelled structure without label date is never failed on the start date alone."""
    c = _conseiller(start_date=D(2020, 12, 1), training_date=D(2021, 3, 1))
    s = make_structure(conseillers=(c,), label=model.Label(model.LabelStatus.LABELLED))
    result = result_of(audit_structures([s]), "FS-AGT-02")
    assert (result.status.value, result.message) == (
        "manual",
        "formation initiale à vérifier : C1 : formé le 01/03/2021, après sa prise de poste le 01/12/2020 ; "
        "date de labellisation non déclarée",
    )


def test_agt02_undeclared_label_status_is_manual():
    """Without a label status, a training after the start date is to check, never a failure."""
    c = _conseiller(start_date=D(2020, 12, 1), training_date=D(2021, 3, 1))
    result = result_of(audit_structures([make_structure(conseillers=(c,), label=None)]), "FS-AGT-02")
    assert (result.status.value, result.message) == (
        "manual",
        "formation initiale à vérifier : C1 : formé le 01/03/2021, après sa prise de poste le 01/12/2020 ; "
        "statut et date de labellisation non déclarés",
    )


def test_agt02_labelled_without_dates_is_manual():
    """A labelled structure with neither label date nor start date cannot be judged."""
    c = _conseiller(start_date=None)
    s = make_structure(conseillers=(c, c), label=model.Label(model.LabelStatus.LABELLED))
    assert _status(s, "FS-AGT-02") == "manual"


def test_agt02_antenne_not_applicable():
    """Antennes are out of scope."""
    assert _status(make_structure(**ANTENNE), "FS-AGT-02") == "not_applicable"


# --- FS-AGT-03 ---


def test_agt03_full_presence_passes():
    """Two conseillers present over the whole week pass."""
    assert _status(make_structure(), "FS-AGT-03") == "pass"


def test_agt03_gap_fails_with_slots():
    """A conseiller absent on Wednesday afternoon leaves an uncovered slot, named in the message."""
    partial = weekly(
        monday=["09:00-12:00", "13:30-17:00"],
        tuesday=["09:00-12:00", "13:30-17:00"],
        wednesday=["09:00-12:00"],
        thursday=["09:00-12:00", "13:30-17:00"],
        friday=["09:00-12:00", "13:30-17:00"],
    )
    s = make_structure(conseillers=(_conseiller(), _conseiller("C2", presence=partial)))
    result = result_of(audit_structures([s]), "FS-AGT-03")
    assert (result.status.value, result.location) == ("fail", "$.structures[0].opening_hours.wednesday")
    assert result.message == (
        "moins de 2 conseillers présents pendant 3 h 30 d'ouverture : mercredi 13:30 - 17:00 (1 conseiller présent)"
    )


def test_agt03_relay_presence_passes():
    """Presence ranges that relay each other exactly at a minute boundary still cover it."""
    a = weekly(**{d: ["08:00-13:00"] for d in ("monday", "tuesday", "wednesday", "thursday", "friday")})
    b = weekly(**{d: ["13:00-18:00"] for d in ("monday", "tuesday", "wednesday", "thursday", "friday")})
    c = weekly(**{d: ["08:00-18:00"] for d in ("monday", "tuesday", "wednesday", "thursday", "friday")})
    s = make_structure(
        conseillers=(_conseiller("A", presence=a), _conseiller("B", presence=b), _conseiller("C", presence=c))
    )
    assert _status(s, "FS-AGT-03") == "pass"


def test_agt03_missing_schedule_is_manual():
    """Without a presence schedule for every conseiller, presence is left to the auditor."""
    s = make_structure(conseillers=(_conseiller(), _conseiller("C2", presence=None)))
    result = result_of(audit_structures([s]), "FS-AGT-03")
    assert (result.status.value, result.location) == ("manual", "$.structures[0].conseillers[1].presence")


def test_agt03_antenne_not_applicable():
    """Antennes are out of scope."""
    assert _status(make_structure(**ANTENNE), "FS-AGT-03") == "not_applicable"


# --- FS-AGT-04 ---


def test_agt04_exactly_minimum_passes():
    """Exactly 6.5 days before the reform passes (boundary)."""
    assert _status(make_structure(), "FS-AGT-04") == "pass"


def test_agt04_short_training_fails():
    """Five days is short of 6.5 days."""
    s = make_structure(conseillers=(_conseiller(training_days=5.0), _conseiller("C2")))
    result = result_of(audit_structures([s]), "FS-AGT-04")
    assert (result.status.value, result.location, result.message) == (
        "fail",
        "$.structures[0].conseillers[0].training_days",
        "formation initiale trop courte : C1 : 5 jours (formé le 15/11/2020, minimum 6,5 jours)",
    )


def test_agt04_reform_day_requires_extended_length():
    """A training on the day the longer training applies needs 11.5 days (boundary)."""
    c = _conseiller(training_date=D(2024, 1, 1), start_date=D(2024, 1, 15), training_days=6.5)
    assert _status(make_structure(conseillers=(c, _conseiller("C2"))), "FS-AGT-04") == "fail"


def test_agt04_day_before_reform_keeps_base_length():
    """The day before the reform date, 6.5 days is enough (boundary)."""
    c = _conseiller(training_date=D(2023, 12, 31), start_date=D(2024, 1, 15), training_days=6.5)
    assert _status(make_structure(conseillers=(c, _conseiller("C2"))), "FS-AGT-04") == "pass"


def test_agt04_unknown_length_is_manual():
    """An undeclared training length is left to the auditor."""
    s = make_structure(conseillers=(_conseiller(training_days=None), _conseiller("C2")))
    assert _status(s, "FS-AGT-04") == "manual"


def test_agt04_no_conseiller_not_applicable():
    """With no conseiller declared, there is no training to measure."""
    assert _status(make_structure(conseillers=()), "FS-AGT-04") == "not_applicable"


# --- facts dated after the audit, absent or counted twice ---


def test_agt01_future_hire_reaching_minimum_is_manual():
    """A second conseiller who takes the post after the audit date does not make the minimum: to check."""
    s = make_structure(conseillers=(_conseiller("C1"), _conseiller("C2", start_date=D(2026, 1, 5))))
    result = result_of(audit_structures([s]), "FS-AGT-01")
    assert (result.status.value, result.message) == (
        "manual",
        "1 conseiller France services présent(s) à la date de l'audit, sous le minimum de 2 ; 2 déclarés, à "
        "vérifier : C2 prend son poste le 05/01/2026, après la date de l'audit",
    )


def test_agt01_future_hire_below_minimum_even_counted_fails():
    """One conseiller declared, whenever he starts, is below the minimum of two: a failure."""
    s = make_structure(conseillers=(_conseiller("C1", start_date=D(2026, 1, 5)),))
    result = result_of(audit_structures([s]), "FS-AGT-01")
    assert (result.status.value, result.message) == ("fail", "1 conseiller France services, sous le minimum de 2")


def test_agt01_start_on_audit_date_counts():
    """A conseiller taking the post on the audit date itself is in post (boundary)."""
    s = make_structure(conseillers=(_conseiller("C1"), _conseiller("C2", start_date=AS_OF)))
    assert _status(s, "FS-AGT-01") == "pass"


def test_agt01_zero_fte_reaching_minimum_is_manual():
    """A conseiller declared with an ETP of 0 is not a present conseiller: to check, naming him."""
    s = make_structure(conseillers=(_conseiller("C1"), _conseiller("C2", fte=0.0)))
    result = result_of(audit_structures([s]), "FS-AGT-01")
    assert (result.status.value, result.message) == (
        "manual",
        "1 conseiller France services présent(s) à la date de l'audit, sous le minimum de 2 ; 2 déclarés, à "
        "vérifier : C2 : ETP déclaré à 0, pas un conseiller présent",
    )


def test_agt01_vacant_post_row_is_no_conseiller():
    """A row « Poste vacant » is no conseiller: the minimum it reaches is to check, naming it."""
    s = make_structure(conseillers=(_conseiller("C1"), _conseiller("Poste vacant")))
    result = result_of(audit_structures([s]), "FS-AGT-01")
    assert (result.status.value, result.message) == (
        "manual",
        "1 conseiller France services présent(s) à la date de l'audit, sous le minimum de 2 ; 2 déclarés, à "
        "vérifier : « Poste vacant » : poste non pourvu, pas un conseiller présent",
    )


def test_agt01_duplicate_id_reaching_minimum_is_manual():
    """Two conseillers sharing one id count once: to check, naming the id."""
    s = make_structure(conseillers=(_conseiller("C1"), _conseiller("C1")))
    result = result_of(audit_structures([s]), "FS-AGT-01")
    assert (result.status.value, result.message) == (
        "manual",
        "1 conseiller France services présent(s) à la date de l'audit, sous le minimum de 2 ; 2 déclarés, à "
        "vérifier : identifiant C1 déclaré 2 fois, compté une fois",
    )


def test_agt01_minimum_reached_without_the_future_hire_passes_naming_him():
    """Three conseillers, one starting after the audit: the two in post pass, the third is named."""
    s = make_structure(conseillers=(_conseiller("C1"), _conseiller("C2"), _conseiller("C3", start_date=D(2026, 1, 5))))
    result = result_of(audit_structures([s]), "FS-AGT-01")
    assert (result.status.value, result.message) == (
        "pass",
        "2 conseillers France services (minimum 2) ; non comptés : C3 prend son poste le 05/01/2026, après la "
        "date de l'audit",
    )


def test_agt03_empty_presence_is_manual():
    """An empty presence schedule ({}) is no declared presence: to check, not « never present »."""
    s = make_structure(conseillers=(_conseiller("C1"), _conseiller("C2", presence=model.WeeklyHours())))
    result = result_of(audit_structures([s]), "FS-AGT-03")
    assert (result.status.value, result.message) == (
        "manual",
        "planning de présence non déclaré pour C2 : présence de 2 conseillers à vérifier sur place",
    )


def test_agt03_gap_only_in_implausible_opening_is_manual():
    """Opening declared 00:00 - 24:00 (implausible): the night « gaps » are not a failure, to check."""
    hours = weekly(**{d: ["00:00-24:00"] for d in ("monday", "tuesday")})
    s = make_structure(opening_hours=hours)
    result = result_of(audit_structures([s]), "FS-AGT-03")
    assert (result.status.value, result.message) == (
        "manual",
        "moins de 2 conseillers présents seulement pendant des créneaux d'ouverture de durée inconnue : "
        "2 créneau(x) hors des heures plausibles (06:00 - 22:00) (lundi « 00:00 - 24:00 », mardi « 00:00 - "
        "24:00 ») ; à vérifier (voir FS-HOR-03)",
    )


def test_agt03_gap_in_plausible_opening_fails_despite_doubtful_ranges():
    """A gap within well-formed, plausible opening hours fails even when another range is doubtful."""
    hours = weekly(monday=["09:00-18:00"], tuesday=["00:00-24:00"])
    s = make_structure(opening_hours=hours)
    result = result_of(audit_structures([s]), "FS-AGT-03")
    assert (result.status.value, result.message) == (
        "fail",
        "moins de 2 conseillers présents pendant 2 h 30 d'ouverture : lundi 12:00 - 13:30 (0 conseiller présent) "
        "; lundi 17:00 - 18:00 (0 conseiller présent)",
    )


def test_agt03_coverage_only_with_a_future_hire_is_manual():
    """Two present only when counting a conseiller who starts after the audit: to check."""
    s = make_structure(conseillers=(_conseiller("C1"), _conseiller("C2", start_date=D(2026, 1, 5))))
    result = result_of(audit_structures([s]), "FS-AGT-03")
    assert (result.status.value, result.message) == (
        "manual",
        "2 conseillers présents pendant toutes les heures d'ouverture seulement en comptant C2, qui prend son "
        "poste le 05/01/2026, après la date de l'audit : à vérifier",
    )


def test_agt04_planned_training_is_manual():
    """A training dated after the audit has no length yet: to check, even when long enough."""
    c = _conseiller("C2", training_date=D(2025, 11, 15), training_days=11.5, start_date=D(2026, 1, 5))
    s = make_structure(conseillers=(_conseiller(), c))
    result = result_of(audit_structures([s]), "FS-AGT-04")
    assert (result.status.value, result.message) == (
        "manual",
        "durée de formation à vérifier : C2 : formation de 11,5 jours prévue le 15/11/2025, pas encore suivie "
        "à la date de l'audit",
    )


def test_agt04_shortfall_hidden_by_rounding_is_shown_unrounded():
    """11.49 days is written 11,49 jours, not 11,5 jours, next to a minimum of 11,5 jours."""
    c = _conseiller(training_date=D(2024, 3, 1), training_days=11.49, start_date=D(2024, 3, 2))
    s = make_structure(conseillers=(c, _conseiller("C2")))
    result = result_of(audit_structures([s]), "FS-AGT-04")
    assert (result.status.value, result.message) == (
        "fail",
        "formation initiale trop courte : C1 : 11,49 jours (formé le 01/03/2024, minimum 11,5 jours)",
    )


def test_agt04_undated_shortfall_hidden_by_rounding_is_shown_unrounded():
    """6.45 days without a date is written 6,45 jours next to the minimum of 6,5 jours."""
    c = _conseiller(training_date=None, training_days=6.45)
    s = make_structure(conseillers=(c, _conseiller("C2")))
    result = result_of(audit_structures([s]), "FS-AGT-04")
    assert (result.status.value, result.message) == (
        "fail",
        "formation initiale trop courte : C1 : 6,45 jours, sous le minimum de 6,5 jours quelle que soit la date "
        "de formation",
    )


def test_agt04_planned_training_below_every_minimum_fails():
    """A training of 3,5 days planned after the audit is short whatever its date, as an undated one."""
    c = _conseiller("C2", training_date=D(2025, 9, 1), training_days=3.5)
    s = make_structure(conseillers=(_conseiller(), c))
    result = result_of(audit_structures([s]), "FS-AGT-04")
    assert (result.status.value, result.message) == (
        "fail",
        "formation initiale trop courte : C2 : formation de 3,5 jours prévue le 01/09/2025, sous le minimum de "
        "6,5 jours quelle que soit la date de formation",
    )


def test_vacant_post_and_idle_rows_are_not_asked_about():
    """A « Poste vacant » row and a row of ETP 0 are no conseillers at work: FS-AGT-02, 03 and 04
    judge the others (they used to ask for the vacant post's training and schedule)."""
    vacant = model.Conseiller("Poste vacant")
    idle = model.Conseiller("C9", fte=0.0)
    s = make_structure()
    s = attrs.evolve(s, conseillers=(*s.conseillers, vacant, idle))
    report = audit_structures([s])
    assert [result_of(report, rule).status.value for rule in ("FS-AGT-02", "FS-AGT-03", "FS-AGT-04")] == [
        "pass",
        "pass",
        "pass",
    ]


def test_agt03_a_conseiller_without_schedule_matters_only_for_a_gap():
    """Two conseillers whose schedules cover every opening hour pass FS-AGT-03 even when a third
    has none; with a gap, the third could fill it: to check."""
    s = make_structure()
    third = model.Conseiller("C3", fte=1.0)
    covered = attrs.evolve(s, conseillers=(*s.conseillers, third))
    assert result_of(audit_structures([covered]), "FS-AGT-03").status.value == "pass"
    first, second = s.conseillers
    gap = attrs.evolve(s, conseillers=(first, attrs.evolve(second, presence=weekly(monday=["09:00-10:00"])), third))
    result = result_of(audit_structures([gap]), "FS-AGT-03")
    assert (result.status.value, result.message) == (
        "manual",
        "planning de présence non déclaré pour C3 : présence de 2 conseillers à vérifier sur place",
    )
