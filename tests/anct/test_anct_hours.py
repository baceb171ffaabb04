"""Reading one day's opening hours as the ANCT list writes them."""

from __future__ import annotations

import pytest
from fsaudit_anct.hours import DayHours, DayKind, parse_day
from hypothesis import given
from hypothesis import strategies as st


def test_published_style_with_two_ranges() -> None:
    """The published style ``HH:MM - HH:MM / HH:MM - HH:MM`` gives its ranges in order."""
    assert parse_day("09:00 - 12:00 / 13:30 - 17:00") == DayHours(
        DayKind.OPEN, (("09:00", "12:00"), ("13:30", "17:00")), "09:00 - 12:00 / 13:30 - 17:00"
    )


def test_empty_cell_is_a_closed_day() -> None:
    """An empty cell (or ``None``) is a closed day, as the list's documentation says."""
    assert parse_day("").kind is DayKind.CLOSED
    assert parse_day(None).kind is DayKind.CLOSED
    assert parse_day("   ").kind is DayKind.CLOSED


def test_placeholder_range_is_kept() -> None:
    """``00:00 - 00:00`` is kept as a range so that FS-HOR-03 can flag it."""
    assert parse_day("00:00 - 00:00").ranges == (("00:00", "00:00"),)


def test_older_style_with_en_dash_and_h() -> None:
    """``9h30 – 12h15`` (en dash, ``h``) is read as 09:30 - 12:15."""
    assert parse_day("9h30 – 12h15").ranges == (("09:30", "12:15"),)


def test_older_style_with_hours_only() -> None:
    """``9h-12h`` is read as 09:00 - 12:00."""
    assert parse_day("9h-12h").ranges == (("09:00", "12:00"),)


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("9h à 12h et 14h à 17h", (("09:00", "12:00"), ("14:00", "17:00"))),
        ("08H30-12H00 ; 13H30-17H00", (("08:30", "12:00"), ("13:30", "17:00"))),
        ("9:00-12:00\n14:00-17:00", (("09:00", "12:00"), ("14:00", "17:00"))),
        ("9 h 30 - 12 h", (("09:30", "12:00"),)),
        ("09:00 - 12:00 / ", (("09:00", "12:00"),)),
        ("14:00 - 24:00", (("14:00", "24:00"),)),
    ],
)
def test_separators_and_spellings(text: str, ranges: tuple[tuple[str, str], ...]) -> None:
    """Ranges separated by ``et``, ``;`` or a line break, spaced ``h``, a trailing ``/``, 24:00."""
    assert parse_day(text).ranges == ranges


def test_reversed_range_is_kept_as_declared() -> None:
    """A range whose end is before its start is kept: judging it is FS-HOR-03's job."""
    assert parse_day("17:00 - 09:00").ranges == (("17:00", "09:00"),)


@pytest.mark.parametrize(
    "text", ["Horaires non communiqués", "horaires non communiques", "Non communiqué", "NC"]
)
def test_not_communicated_is_unknown(text: str) -> None:
    """« Horaires non communiqués » means the day's hours are unknown, not that it is closed."""
    assert parse_day(text).kind is DayKind.UNKNOWN


@pytest.mark.parametrize("text", ["fermé", "Fermé", "FERMEE", "fermé au public", "Fermé."])
def test_ferme_is_a_closed_day(text: str) -> None:
    """« fermé » and its spellings are a closed day."""
    assert parse_day(text) == DayHours(DayKind.CLOSED, (), text)


@pytest.mark.parametrize(
    "text", ["9-12", "ouvert le matin", "25:00 - 26:00", "9h60-12h", "09:00", "9h-12h le 1er samedi", " / "]
)
def test_unreadable_text(text: str) -> None:
    """Bare numbers, prose, impossible times, a lone time or extra words are unreadable."""
    assert parse_day(text) == DayHours(DayKind.UNREADABLE, (), text)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@given(st.lists(st.tuples(st.integers(0, 1440), st.integers(0, 1440)), min_size=1, max_size=4))
def test_published_style_round_trip(pairs: list[tuple[int, int]]) -> None:
    """Any ranges written in the published style read back to the same ranges."""
    ranges = tuple((_hhmm(a), _hhmm(b)) for a, b in pairs)
    text = " / ".join(f"{a} - {b}" for a, b in ranges)
    assert parse_day(text).ranges == ranges


@given(
    st.lists(
        st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 23), st.integers(0, 59)),
        min_size=1,
        max_size=3,
    )
)
def test_h_style_round_trip(items: list[tuple[int, int, int, int]]) -> None:
    """Any ranges written in the older ``9h30 – 12h15`` style read back to the same times."""
    text = " / ".join(f"{h1}h{m1:02d} – {h2}h{m2:02d}" for h1, m1, h2, m2 in items)
    expected = tuple((f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}") for h1, m1, h2, m2 in items)
    assert parse_day(text).ranges == expected
