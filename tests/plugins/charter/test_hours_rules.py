"""The first plugin, opening hours (FS-HOR-01 to FS-HOR-05), on its edge cases."""

from __future__ import annotations

import datetime as _dt

import pytest
from hypothesis import given

from fsaudit import Status
from fsaudit.model.declaration import Format, StructureType, WeeklyHours
from fsaudit.testing import audit_structures, make_structure, result_of, weekly
from fsaudit.testing.strategies import weekly_hours

FIVE_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def _status(rule: str, **changes: object) -> tuple[Status, str]:
    result = result_of(audit_structures([make_structure(**changes)]), rule)
    return result.status, result.message


def _days(spec: list[str], days: tuple[str, ...] = FIVE_DAYS) -> WeeklyHours:
    return weekly(**{day: spec for day in days})


def test_exactly_24_hours_passes() -> None:
    """24 h over 5 days is compliant: the minimum is inclusive."""
    hours = weekly(
        monday=["08:00-12:48"],
        tuesday=["08:00-12:48"],
        wednesday=["08:00-12:48"],
        thursday=["08:00-12:48"],
        friday=["08:00-12:48"],
    )
    assert _status("FS-HOR-01", opening_hours=hours) == (Status.PASS, "ouverture de 24 h par semaine (minimum 24 h)")


def test_one_minute_short_fails() -> None:
    """23 h 59 is not compliant and the message says by how much it stands."""
    hours = weekly(
        monday=["08:00-12:48"],
        tuesday=["08:00-12:48"],
        wednesday=["08:00-12:48"],
        thursday=["08:00-12:48"],
        friday=["08:00-12:47"],
    )
    assert _status("FS-HOR-01", opening_hours=hours) == (
        Status.FAIL,
        "ouverture de 23 h 59 par semaine, sous le minimum de 24 h",
    )


def test_overlapping_ranges_counted_once_and_flagged() -> None:
    """Overlapping ranges count once toward 24 h and make FS-HOR-03 fail."""
    hours = _days(["09:00-13:00", "12:00-14:00"])
    report = audit_structures([make_structure(opening_hours=hours)])
    assert result_of(report, "FS-HOR-01").evidence["heures_hebdomadaires"] == 25.0
    coherence = result_of(report, "FS-HOR-03")
    assert coherence.status is Status.FAIL
    assert coherence.location == "$.structures[0].opening_hours.monday[1]"
    assert "lundi : créneaux « 09:00 - 13:00 » et « 12:00 - 14:00 » qui se chevauchent" in coherence.message


def test_reversed_range_ignored_and_flagged() -> None:
    """A range ending before it starts adds nothing and is reported by FS-HOR-03."""
    hours = weekly(**{d: ["09:00-17:00"] for d in FIVE_DAYS}, saturday=["12:00-09:00"])
    report = audit_structures([make_structure(opening_hours=hours)])
    assert result_of(report, "FS-HOR-02").evidence["jours_ouverts"] == 5
    assert (
        "samedi : créneau « 12:00 - 09:00 » dont la fin n'est pas après le début"
        in result_of(report, "FS-HOR-03").message
    )


def test_reversed_range_makes_a_shortfall_uncertain() -> None:
    """Below the minimum with a range whose end is not after its start (a typo: « 16:00 - 14:00 »,
    « 14:00 - 4:00 »): the missing hours may be in it, so FS-HOR-01 is « à vérifier », never non
    conforme; without such a range the same week fails."""
    short = {d: ["09:00-12:00", "13:00-14:00"] for d in FIVE_DAYS[:4]}
    for typo in ("16:00-14:00", "14:00-04:00", "14:00-14:00"):
        hours = weekly(**short, friday=["09:00-12:00", typo])
        status, message = _status("FS-HOR-01", opening_hours=hours)
        assert status is Status.MANUAL, typo
        assert message.startswith("ouverture de 19 h par semaine, sous le minimum de 24 h en comptant les créneaux")
        assert "vendredi « " + typo.replace("-", " - ") + " »" in message
    assert _status("FS-HOR-01", opening_hours=weekly(**short, friday=["09:00-12:00"]))[0] is Status.FAIL


def test_day_with_only_a_reversed_range_makes_the_day_count_uncertain() -> None:
    """Four open days and a fifth whose only range is reversed: FS-HOR-02 « à vérifier »; a
    reversed range on a day already open changes nothing."""
    four = {d: ["09:00-17:00"] for d in FIVE_DAYS[:4]}
    assert _status("FS-HOR-02", opening_hours=weekly(**four, friday=["17:00-09:00"]))[0] is Status.MANUAL
    three = {d: ["09:00-17:00"] for d in FIVE_DAYS[:3]}
    status = _status("FS-HOR-02", opening_hours=weekly(**three, thursday=["09:00-17:00", "17:00-09:00"]))[0]
    assert status is Status.FAIL


def test_placeholder_ranges() -> None:
    """00:00 - 00:00 neither opens a day nor counts hours, and FS-HOR-03 flags it."""
    hours = weekly(**{d: ["09:00-17:00"] for d in FIVE_DAYS[:4]}, friday=["00:00-00:00"])
    report = audit_structures([make_structure(opening_hours=hours)])
    assert result_of(report, "FS-HOR-02").evidence["jours_ouverts"] == 4
    assert result_of(report, "FS-HOR-03").location == "$.structures[0].opening_hours.friday[0]"


def test_placeholder_day_deciding_the_days_is_manual() -> None:
    """A fifth day declared 00:00 - 00:00 is not read as closed: FS-HOR-02 « à vérifier », naming it."""
    hours = weekly(**{d: ["09:00-17:00"] for d in FIVE_DAYS[:4]}, friday=["00:00-00:00"])
    assert _status("FS-HOR-02", opening_hours=hours) == (
        Status.MANUAL,
        "ouverte 4 jour(s) par semaine, sous le minimum de 5 en comptant les créneaux bien formés ; 1 créneau(x) "
        "vide(s) (vendredi « 00:00 - 00:00 »), de durée inconnue, pourraient combler l'écart : à vérifier "
        "(voir FS-HOR-03)",
    )


def test_placeholder_day_deciding_the_hours_is_manual() -> None:
    """22 h 30 of well-formed ranges and a placeholder Friday: FS-HOR-01 « à vérifier », not a failure."""
    week = {d: ["09:00-12:00", "13:30-17:00"] for d in FIVE_DAYS[:3]}
    hours = weekly(**week, thursday=["09:00-12:00"], friday=["00:00-00:00"])
    assert _status("FS-HOR-01", opening_hours=hours) == (
        Status.MANUAL,
        "ouverture de 22 h 30 par semaine, sous le minimum de 24 h en comptant les créneaux bien formés ; "
        "1 créneau(x) vide(s) (vendredi « 00:00 - 00:00 »), de durée inconnue, pourraient combler l'écart : "
        "à vérifier (voir FS-HOR-03)",
    )


def test_placeholders_that_cannot_reach_the_days_minimum_still_fail() -> None:
    """Two days, one a placeholder: five days are out of reach whatever it is, FS-HOR-02 fails."""
    hours = weekly(monday=["09:00-17:00"], tuesday=["00:00-00:00"])
    assert _status("FS-HOR-02", opening_hours=hours) == (
        Status.FAIL,
        "ouverte 1 jour(s) par semaine, sous le minimum de 5",
    )


def test_implausible_range_deciding_a_pass_is_manual() -> None:
    """« 00:00 - 24:00 » is not 24 h of opening: a week that reaches 24 h only with it is « à vérifier »."""
    hours = weekly(monday=["00:00-24:00"], **{d: ["09:00-10:00"] for d in FIVE_DAYS[1:]})
    assert _status("FS-HOR-01", opening_hours=hours) == (
        Status.MANUAL,
        "ouverture de 4 h par semaine, sous le minimum de 24 h en comptant les créneaux bien formés et "
        "plausibles ; 1 créneau(x) hors des heures plausibles (06:00 - 22:00) (lundi « 00:00 - 24:00 »), de "
        "durée inconnue, pourraient combler l'écart : à vérifier (voir FS-HOR-03)",
    )


def test_typo_range_deciding_hours_and_days_is_manual() -> None:
    """« 04:00 - 17:00 » typed for 14:00 makes neither the hours nor the fifth day: both « à vérifier »."""
    hours = weekly(**{d: ["09:00-12:00", "14:00-16:00"] for d in FIVE_DAYS[:4]}, friday=["04:00-17:00"])
    assert [_status(rule, opening_hours=hours)[0] for rule in ("FS-HOR-01", "FS-HOR-02")] == [
        Status.MANUAL,
        Status.MANUAL,
    ]


def test_pass_that_holds_whatever_the_doubtful_ranges_stays() -> None:
    """Five full days and a placeholder or implausible Saturday: FS-HOR-01 and FS-HOR-02 pass."""
    for saturday in ("00:00-00:00", "00:00-24:00", "18:00-08:00"):
        hours = weekly(**{d: ["09:00-17:00"] for d in FIVE_DAYS}, saturday=[saturday])
        assert [_status(rule, opening_hours=hours)[0] for rule in ("FS-HOR-01", "FS-HOR-02")] == [
            Status.PASS,
            Status.PASS,
        ], saturday


def test_implausible_times_flagged() -> None:
    """A range outside the plausible hours of the referential is flagged."""
    hours = _days(["05:00-12:00"])
    status, message = _status("FS-HOR-03", opening_hours=hours)
    assert status is Status.FAIL and "hors des heures plausibles (06:00 - 22:00)" in message


def test_no_hours_at_all() -> None:
    """No hours is FS-HOR-04 and FS-HOR-01/02 to be checked (« horaires à compléter »), never a failure."""
    report = audit_structures([make_structure(opening_hours=None)])
    assert [(r, result_of(report, r).status) for r in ("FS-HOR-01", "FS-HOR-02", "FS-HOR-03", "FS-HOR-04")] == [
        ("FS-HOR-01", Status.MANUAL),
        ("FS-HOR-02", Status.MANUAL),
        ("FS-HOR-03", Status.NOT_APPLICABLE),
        ("FS-HOR-04", Status.MANUAL),
    ]
    assert result_of(report, "FS-HOR-04").message == "horaires à compléter : aucun horaire d'ouverture déclaré"


def test_only_placeholders_is_no_hours() -> None:
    """A week of placeholders only is treated as hours not declared."""
    status, message = _status("FS-HOR-04", opening_hours=_days(["00:00-00:00"]))
    assert (status, message) == (
        Status.MANUAL,
        "horaires à compléter : seulement des créneaux vides ou incohérents (voir FS-HOR-03)",
    )


@pytest.mark.parametrize("fmt", [Format.BUS, Format.ITINERANT])
def test_roaming_offers_get_a_warning(fmt: Format) -> None:
    """Buses and itinerant offers below the minimum get a warning, not a failure."""
    status, message = _status("FS-HOR-01", format=fmt, opening_hours=_days(["09:00-12:00"]))
    assert status is Status.WARN and "offre itinérante (bus) complémentaire" in message


def test_antennes_not_applicable() -> None:
    """Antennes are outside the scope of the 24 h and 5 days rules and of FS-HOR-04."""
    report = audit_structures(
        [make_structure(type=StructureType.ANTENNE, opening_hours=_days(["09:00-10:00"], ("monday",)))]
    )
    assert {r: result_of(report, r).status for r in ("FS-HOR-01", "FS-HOR-02", "FS-HOR-04")} == dict.fromkeys(
        ("FS-HOR-01", "FS-HOR-02", "FS-HOR-04"), Status.NOT_APPLICABLE
    )
    assert result_of(report, "FS-HOR-03").status is Status.PASS


def test_multisite_judged_as_fixed() -> None:
    """A multisite structure is held to the fixed-site minimum."""
    assert _status("FS-HOR-01", format=Format.MULTISITES, opening_hours=_days(["09:00-12:00"]))[0] is Status.FAIL


def test_undeclared_type_judged_as_principal_and_said_so() -> None:
    """A structure with no type or format is judged as a principal fixed site, and the evidence says it."""
    result = result_of(audit_structures([make_structure(type=None, format=None)]), "FS-HOR-01")
    assert result.status is Status.PASS
    assert result.evidence["type"] == "non déclaré : jugée comme structure principale"
    assert result.evidence["format"] == "non déclaré : jugée comme lieu fixe"


def test_exactly_five_days_including_sunday() -> None:
    """Five open days pass, Sunday counting as a day."""
    hours = _days(["09:00-15:00"], ("monday", "tuesday", "wednesday", "thursday", "sunday"))
    assert _status("FS-HOR-02", opening_hours=hours) == (Status.PASS, "ouverte 5 jours par semaine (minimum 5)")


def test_irregular_openings_need_the_auditor() -> None:
    """Irregular openings written as free text are to be checked (info), never failed."""
    report = audit_structures([make_structure(irregular_openings="premier samedi du mois")])
    result = result_of(report, "FS-HOR-05")
    assert (result.status, result.severity.value) == (Status.MANUAL, "info")
    assert report.structures[0].decision.code.value == "maintien"


def test_threshold_comes_from_the_referential_in_force() -> None:
    """The minimum comes from the referential selected by the date (no constant in the plugin)."""
    report = audit_structures([make_structure(opening_hours=_days(["09:00-12:00"]))], as_of=_dt.date(2020, 6, 1))
    assert result_of(report, "FS-HOR-01").evidence["minimum"] == report.referential.value("hours.min_weekly_hours")


@given(weekly_hours(), weekly_hours(well_formed=True, max_ranges=1))
def test_adding_hours_never_makes_fs_hor_01_worse(base: WeeklyHours, extra: WeeklyHours) -> None:
    """Adding opening ranges to a week never turns FS-HOR-01 from pass to fail."""
    merged = WeeklyHours(**{day: base.day(day) + extra.day(day) for day, _ in base.items()})
    before = result_of(audit_structures([make_structure(opening_hours=base)]), "FS-HOR-01").status
    after = result_of(audit_structures([make_structure(opening_hours=merged)]), "FS-HOR-01").status
    assert not (before is Status.PASS and after is Status.FAIL)


def test_placeholder_beside_a_real_range_is_a_closed_half_day() -> None:
    """« 00:00 - 00:00 » next to a morning range is the empty afternoon: 15 h over 5 days fails."""
    hours = _days(["09:00-12:00", "00:00-00:00"])
    assert _status("FS-HOR-01", opening_hours=hours) == (
        Status.FAIL,
        "ouverture de 15 h par semaine, sous le minimum de 24 h",
    )
