"""One parser for every way the exports of the list write a day's hours, and OSM weeks.

The examples are cells of the real exports (data.gouv.fr, Licence Ouverte 2.0: « ANCT – Liste
des structures France services, export du 01/12/2022 »; and « ANCT – carte des espaces France
services, données de septembre 2020 (anct-carto/France-services) »).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fsaudit_anct.hours import DayKind, parse_day, parse_week

TWO = (("09:00", "12:00"), ("13:30", "17:00"))


@pytest.mark.parametrize(
    ("text", "syntax", "ranges"),
    [
        ("09:00 - 12:00 / 13:30 - 17:00", "publié", TWO),
        ("9:00 - 12:00 / 13:30 - 17:00", "publié", (("09:00", "12:00"), ("13:30", "17:00"))),
        ("09:00-12:00/13:30-17:00", "compact", TWO),
        ("08:30-12:00,13:30-17:00", ",", (("08:30", "12:00"), ("13:30", "17:00"))),
        ("09:00-12:00 14:00-16:30", "espace", (("09:00", "12:00"), ("14:00", "16:30"))),
        ("09:00-12:30-13:30-17:00", "chaîne", (("09:00", "12:30"), ("13:30", "17:00"))),
        ("08 :30-12:00", "espace dans l'heure", (("08:30", "12:00"),)),
        ("07:30:12:30", "deux-points", (("07:30", "12:30"),)),
        ("09:00-12h00", "h", (("09:00", "12:00"),)),
        ("09:30-12:30/\n\n 13:30-18:00", "retour à la ligne", (("09:30", "12:30"), ("13:30", "18:00"))),
        ("9h30 – 12h15 / 13h45 – 16h30", "h", (("09:30", "12:15"), ("13:45", "16:30"))),
        ("8h30-12h 13h30-17h", "h", (("08:30", "12:00"), ("13:30", "17:00"))),
        ("9h00 à 13h00 et de 14h00 à 17h30", "à", (("09:00", "13:00"), ("14:00", "17:30"))),
        ("9 h 12 h / 14 h 17 h", "sans tiret", (("09:00", "12:00"), ("14:00", "17:00"))),
        ("09:00 - 12:00 / 14:00 - 17:", "heure sans minutes", (("09:00", "12:00"), ("14:00", "17:00"))),
        ("09-12:30 / 13:30 - 17:00", "heure seule", (("09:00", "12:30"), ("13:30", "17:00"))),
        ("8:30 / 12:30", "barre", (("08:30", "12:30"),)),
        ("8:30 - 12:30 et 13:30 - 17:30", "et", (("08:30", "12:30"), ("13:30", "17:30"))),
        ("08:00 -12:00 / 13:30 - 17:30", "espaces irréguliers", (("08:00", "12:00"), ("13:30", "17:30"))),
    ],
)
def test_every_syntax_gives_its_ranges(text: str, syntax: str, ranges: tuple[tuple[str, str], ...]) -> None:
    """Each syntax met in the exports reads as its ranges and is named."""
    read = parse_day(text)
    assert (read.kind, read.syntax, read.ranges, read.note, read.reason) == (DayKind.OPEN, syntax, ranges, None, None)


@pytest.mark.parametrize("text", ["", "-", "fermé", "Fermé", "FERMEE", "fermé au public", "Espace fermé ce jour"])
def test_closed_day(text: str) -> None:
    """An empty cell, ``-`` and ``fermé`` are a closed day."""
    assert (parse_day(text).kind, parse_day(text).ranges) == (DayKind.CLOSED, ())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Horaires non communiqués", "horaires non communiqués"),
        ("NC", "horaires non communiqués"),
        ("Selon planning bus", "horaires selon planning"),
        ("Sur RDV", "horaires sur rendez-vous sans horaire"),
    ],
)
def test_unknown_hours(text: str, reason: str) -> None:
    """A cell that gives no hours is unknown, with why (never closed)."""
    read = parse_day(text)
    assert (read.kind, read.reason) == (DayKind.UNKNOWN, reason)


def test_appointment_qualifier_keeps_hours_and_note() -> None:
    """``Sur RDV : 14:30 - 17:00`` keeps its range and the cell as a note."""
    read = parse_day("9:00 - 12:00 / Sur RDV : 14:30 - 17:00")
    assert (read.kind, read.ranges, read.syntax, read.note) == (
        DayKind.OPEN,
        (("09:00", "12:00"), ("14:30", "17:00")),
        "annoté",
        "9:00 - 12:00 / Sur RDV : 14:30 - 17:00",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("09:00-13:00-/3:00-16:00", "séparateur inattendu « -/ » entre deux créneaux"),
        ("10:00 - 13:00 / Après-midi sur RDV", "« après midi sur rdv » sans heures"),
        (
            "1er samedi du mois : 9:00 - 12:00",
            "horaires sous condition (« 1er samedi du mois ») : pas une semaine type",
        ),
        ("Semaines paires : 9:00 - 12:00", "horaires sous condition (« semaines paires ») : pas une semaine type"),
        ("8:00 - 12:00 / 13:30 16:00 -30", "nombre d'heures impair : début et fin des créneaux impossibles à apparier"),
        ("25:00 - 26:00", "heure impossible « 25:00 »"),
        ("10:30-12:30 / 113:30 - 18:30", "caractère inattendu « 113 »"),
        ("9-12", "heure sans minutes ni « h » : début et fin des créneaux impossibles à lire"),
        ("ouvert le matin", "« ouvert le matin » sans heures"),
        ("8:30/12:00 -14:/17:", "créneaux enchaînés par « - » sans tiret dans chaque créneau"),
    ],
)
def test_unreadable_cells_say_why(text: str, reason: str) -> None:
    """A cell no syntax reads is unreadable, with the reason in French."""
    read = parse_day(text)
    assert (read.kind, read.ranges, read.reason) == (DayKind.UNREADABLE, (), reason)


def test_placeholder_and_reversed_ranges_are_kept() -> None:
    """``00:00 - 00:00`` and a reversed range with a dash are kept as written (FS-HOR-03 judges them)."""
    assert parse_day("00:00 - 00:00 / 14:00 - 12:00").ranges == (("00:00", "00:00"), ("14:00", "12:00"))


def test_overlapping_published_ranges_are_kept() -> None:
    """Published ranges that repeat (``09:00 - 17:00 / 09:00 - 17:00``) are kept for FS-HOR-03."""
    assert parse_day("09:00 - 17:00 / 09:00 - 17:00").ranges == (("09:00", "17:00"), ("09:00", "17:00"))


def test_ambiguous_pairing_without_dash_is_unreadable() -> None:
    """Times without dashes that would make a range end before it starts are not guessed."""
    assert parse_day("14:00 12:00").kind is DayKind.UNREADABLE


_TIMES = st.tuples(st.integers(0, 23), st.integers(0, 59))


@given(st.lists(st.tuples(_TIMES, _TIMES), min_size=1, max_size=4))
def test_published_style_round_trip(pairs: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Any ranges written in the published style read back as themselves."""
    ranges = tuple((f"{a:02d}:{b:02d}", f"{c:02d}:{d:02d}") for (a, b), (c, d) in pairs)
    text = " / ".join(f"{s} - {e}" for s, e in ranges)
    assert parse_day(text).ranges == ranges


@given(
    st.lists(st.tuples(_TIMES, _TIMES), min_size=1, max_size=3),
    st.sampled_from([("h", "–", " / "), (":", "-", ","), ("h", " à ", " et "), (":", "-", "/")]),
)
def test_other_styles_round_trip(
    pairs: list[tuple[tuple[int, int], tuple[int, int]]], style: tuple[str, str, str]
) -> None:
    """Ranges written with ``h`` or ``:``, a dash or « à », and any list separator read back."""
    mark, dash, separator = style
    ranges = tuple((f"{a:02d}:{b:02d}", f"{c:02d}:{d:02d}") for (a, b), (c, d) in pairs)
    text = separator.join(f"{s.replace(':', mark)}{dash}{e.replace(':', mark)}" for s, e in ranges)
    assert parse_day(text).ranges == ranges


@given(st.text(max_size=40))
def test_any_text_is_read_or_refused_with_a_reason(text: str) -> None:
    """Any text gives a kind; an unreadable or unknown one always says why."""
    read = parse_day(text)
    assert read.kind in DayKind
    assert (read.reason is not None) == (read.kind in (DayKind.UNREADABLE, DayKind.UNKNOWN))


def test_osm_week_is_read_per_day() -> None:
    """An OpenStreetMap week gives each day its ranges; public holidays are left aside."""
    week = parse_week("Mo-Fr 09:00-12:00,13:30-17:00; Sa 09:00-12:00; PH off")
    assert week.reason is None
    assert week.days == (TWO, TWO, TWO, TWO, TWO, (("09:00", "12:00"),), ())


def test_osm_week_with_seasons_is_not_a_week() -> None:
    """An OSM value that changes with the months is not read as a week."""
    week = parse_week("Mo-Fr 09:00-12:00; Jul-Aug Mo 10:00-11:00")
    assert (week.days, week.reason) == (
        (),
        "horaires OpenStreetMap variables selon la période (mois, semaines, jours du mois) : pas une semaine type",
    )


def test_osm_syntax_error_is_a_reason() -> None:
    """A value outside the OSM grammar is unreadable, with a French reason."""
    assert parse_week("lundi matin").reason.startswith("horaires OpenStreetMap illisibles (")


def test_osm_unknown_days_and_comments() -> None:
    """``unknown`` days and comments of an OSM value are kept apart from the ranges."""
    week = parse_week('Mo 09:00-12:00 "sur rdv"; Tu unknown')
    assert (week.days[0], week.unknown, week.comments) == ((("09:00", "12:00"),), ("tuesday",), ("sur rdv",))
