"""Opening hours as the exports of the national list write them: one parser for every syntax.

A day's cell (``h_lundi`` … ``h_samedi``) is read by :func:`parse_day`. The exports since 2020
write it in many ways; each accepted syntax, with an example and how many cells of the real
exports use it, is in ``docs/anct.md`` (« Horaires »):

- the published style ``09:00 - 12:00 / 13:30 - 17:00``; the compact ``09:00-12:00/13:30-17:00``;
- ranges separated by ``,``, ``;``, ``+``, ``et``, ``//``, a space or a line break
  (``08:30-12:00,13:30-17:00``, ``09:00-12:00 13:30-17:00``), or chained
  (``09:00-12:00-13:30-17:00``);
- times written ``9:00``, ``08 :30``, ``9h30``, ``12h``, ``17:`` (whole hour), an hour alone
  when the other end of its range is a full time (``09-12:30``); start and end joined by ``-``,
  ``–``, ``à`` (``9h00 à 13h00 et de 14h00 à 17h30``), ``:`` (``9:00:12:00``) or nothing
  (``9 h 12 h``, ``08:30 12:30``);
- ``-``, ``fermé``, ``Espace fermé ce jour`` or an empty cell for a closed day;
- ``Horaires non communiqués``, ``NC``, ``Selon planning bus``, ``Sur RDV`` (no time) for a day
  whose hours are **unknown**;
- an appointment qualifier before its ranges (``Sur RDV : 14:30 - 17:00``, ``Sans RDV : …``):
  the ranges are kept and the cell is kept as a note (evidence for the auditor).

Anything else is **unreadable**, with the reason: a time that is not one (``25:00``, ``113:30``),
ranges that cannot be paired, a period without times (``Après-midi sur RDV``), or hours under a
calendar condition that a weekly schedule cannot hold (``Semaines paires : …``,
``1er samedi du mois : …``, ``Sept. - Juin : …``).

A whole week in OpenStreetMap ``opening_hours`` syntax (``Mo-Fr 09:00-12:00,13:30-17:00; PH off``,
as the national cartography of digital-inclusion places writes it) is read by :func:`parse_week`
with the ``opening_hours`` library (OSM grammar, maintained, MIT/Apache-2.0).
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import re

from attrs import frozen

__all__ = ["DAYS", "DayHours", "DayKind", "WeekHours", "parse_day", "parse_week"]

DAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class DayKind(enum.Enum):
    """What a day's cell says."""

    OPEN = "open"
    """One or more ranges."""
    CLOSED = "closed"
    """Empty cell, ``-`` or ``fermé``."""
    UNKNOWN = "unknown"
    """``Horaires non communiqués``, ``Selon planning bus``: the day's hours are not given."""
    UNREADABLE = "unreadable"
    """Text that none of the accepted syntaxes reads."""


@frozen
class DayHours:
    """One day's cell, read.

    ``ranges`` as ``("HH:MM", "HH:MM")`` when open; ``syntax`` names the way the cell is written
    (for the counts in the documentation); ``note`` is the cell kept as evidence when it carries
    a qualifier (``Sur RDV : 14:30 - 17:00``); ``reason`` says, in French, why a cell is unknown
    or unreadable.
    """

    kind: DayKind
    ranges: tuple[tuple[str, str], ...] = ()
    raw: str = ""
    syntax: str = ""
    note: str | None = None
    reason: str | None = None


# --- normalisation ----------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007]+")
_LINE_BREAKS = re.compile(r"\s*(?:\r\n|\r|\n)+\s*")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "‒": "-"})

_CLOSED = re.compile(
    r"-+|(?:espace |structure )?ferm[ée]e?s?(?: au public| ce jour| toute la journ[ée]e)?\.?|off|closed"
)
_UNKNOWN = {
    "non communiqués": re.compile(r"(?:(?:les )?horaires? )?non communiqu[ée]e?s?\.?|n\.? ?c\.?"),
    "selon planning": re.compile(r"selon (?:le )?planning(?: (?:du |des )?[a-zé ]+)?"),
    "sur rendez-vous sans horaire": re.compile(r"(?:uniquement )?sur (?:rdv|rendez[- ]vous)\.?"),
    "si besoin": re.compile(r"si besoin|à la demande|a la demande"),
}

# Appointment qualifiers: the ranges after them are opening hours, the qualifier is evidence.
_QUALIFIERS = re.compile(
    r"(?:uniquement )?(?:sur|sans) (?:rdv|rendez[- ]vous)(?: ou [a-zé ]+)?"
    r"|accueil (?:libre|sur rdv|sans rdv)|ateliers? libres?(?: rdv)?"
)
_CONDITION_WORDS = re.compile(
    r"semaines?|paires?|impaires?|mois|vacances|scolaires?|[ée]t[ée]|hiver|juin|juil|ao[uû]t|sept|"
    r"janv|f[ée]v|mars|avril|mai|oct|nov|d[ée]c|excepté|hors|pendant|sauf|march[ée]|planning|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|1er|premier|dernier|\d+(?:e|è|ème|eme)"
)

# Tokens: a time (9:00, 08 :30, 9h30, 12h, 17:), an hour alone, a word, punctuation.
_TOKEN = re.compile(
    r"(?P<time>(?<!\d)(?P<h>\d{1,2})\s?(?P<sep>[:h])"
    r"(?:(?P<m>\d{2})(?!\d)(?!\s?h)|\s(?P<m2>\d{2})(?!\d)(?!\s?[:h]))?)"
    r"|(?P<ordinal>\d+(?:er|re|ère|ème|eme|e|è|nd|nde)(?![^\W\d_]))"
    r"|(?P<num>(?<!\d)\d{1,2}(?!\d))"
    r"|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)?)"
    r"|(?P<punct>//|[-/,;+:().])"
    r"|(?P<space> )"
    r"|(?P<other>\d+|.)"
)
_FILLERS = frozenset({"de", "à", "a", "et", "puis", "h"})
_JOINERS = {"-": "dash", "à": "dash", "a": "dash", ":": "colon", "/": "slash", "": "space"}
_BETWEEN = {
    "/": "slash",
    "//": "sep",
    ",": "sep",
    ";": "sep",
    "+": "sep",
    "et": "sep",
    "puis": "sep",
    "-": "dash",
    "": "space",
    "/ et": "sep",
}


def _hhmm(hours: str, minutes: str | None) -> str | None:
    h, m = int(hours), int(minutes or 0)
    if m > 59 or h > 24 or (h == 24 and m):
        return None
    return f"{h:02d}:{m:02d}"


def _quote(text: str) -> str:
    return f"« {text.strip()} »"


def parse_day(value: object) -> DayHours:
    """Read one day's cell (text; a spreadsheet number or ``None`` is read as its text)."""
    return _parse_text("" if value is None else str(value))


@functools.lru_cache(maxsize=16384)
def _parse_text(raw: str) -> DayHours:
    # The national list repeats a few thousand distinct cells: each is read once.
    breaks = bool(_LINE_BREAKS.search(raw.strip()))
    text = _LINE_BREAKS.sub(" / ", raw.strip())
    text = _SPACES.sub(" ", text.translate(_DASHES)).strip().lower()
    if not text:
        return DayHours(DayKind.CLOSED, raw=raw, syntax="vide")
    if _CLOSED.fullmatch(text):
        return DayHours(DayKind.CLOSED, raw=raw, syntax="fermé")
    for reason, pattern in _UNKNOWN.items():
        if pattern.fullmatch(text):
            return DayHours(DayKind.UNKNOWN, raw=raw, syntax="inconnu", reason=f"horaires {reason}")
    return _read_ranges(raw, text, breaks)


def _unreadable(raw: str, reason: str) -> DayHours:
    return DayHours(DayKind.UNREADABLE, raw=raw, syntax="illisible", reason=reason)


def _read_ranges(raw: str, text: str, breaks: bool) -> DayHours:
    """Pair the times of a cell into ranges; words are qualifiers, conditions or unreadable."""
    segments: list[tuple[str, list[tuple[str, str]]]] = [("", [])]
    # Each segment: (its label words, its items); items are ("time", "HH:MM"), ("num", "9"),
    # ("join", punctuation between two times).
    pending = ""
    features: set[str] = set()
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "time":
            minutes = match.group("m") or match.group("m2")
            value = _hhmm(match.group("h"), minutes)
            if value is None:
                return _unreadable(raw, f"heure impossible {_quote(match.group('time'))}")
            if match.group("sep") == "h":
                features.add("h")
            if " " in match.group("time"):
                features.add("espace dans l'heure")
            if minutes is None and match.group("sep") == ":":
                features.add("heure sans minutes")
            segments[-1][1].append(("join", pending.strip()))
            segments[-1][1].append(("time", value))
            pending = ""
        elif kind == "num":
            segments[-1][1].append(("join", pending.strip()))
            segments[-1][1].append(("num", match.group("num")))
            pending = ""
        elif kind in ("word", "ordinal"):
            word = match.group(kind)
            if word in _FILLERS:
                if word in ("à", "a"):
                    features.add("à")
                    pending += "à"
                if word in ("et", "puis"):
                    pending += " et"
                continue
            # A word starts (or continues) the label of a new segment.
            if segments[-1][1]:
                segments.append((word, []))
            else:
                segments[-1] = ((segments[-1][0] + " " + word).strip(), [])
            pending = ""
        elif kind == "punct":
            pending += match.group("punct")
        elif kind == "space":
            continue
        else:
            return _unreadable(raw, f"caractère inattendu {_quote(match.group())}")
    for label, _items in segments:
        if label and _CONDITION_WORDS.search(label):
            return _unreadable(raw, f"horaires sous condition ({_quote(label)}) : pas une semaine type")
    ranges: list[tuple[str, str]] = []
    notes = False
    for label, items in segments:
        if label:
            if not any(kind == "time" for kind, _v in items):
                return _unreadable(raw, f"{_quote(label)} sans heures")
            if not _QUALIFIERS.fullmatch(label):
                return _unreadable(raw, f"texte non reconnu {_quote(label)}")
            notes = True
        elif not items:
            continue
        paired = _pair(items, features)
        if isinstance(paired, str):
            return _unreadable(raw, paired)
        ranges.extend(paired)
    if not ranges:
        return _unreadable(raw, "aucun créneau")
    if breaks:
        features.add("retour à la ligne")
    note = " ".join(raw.split()) if notes else None
    return DayHours(DayKind.OPEN, tuple(ranges), raw=raw, syntax=_syntax(text, features, notes), note=note)


def _pair(items: list[tuple[str, str]], features: set[str]) -> list[tuple[str, str]] | str:
    """Times of a segment, paired into ranges, or the French reason they cannot be."""
    values = [(kind, value) for kind, value in items if kind != "join"]
    joins = [value for kind, value in items if kind == "join"][1:]  # the one before the first time
    leading = items[0][1] if items and items[0][0] == "join" else ""
    if leading.strip(" :-/,;+"):
        return f"séparateur inattendu {_quote(leading)} avant la première heure"
    if len(values) % 2:
        return "nombre d'heures impair : début et fin des créneaux impossibles à apparier"
    inner_kinds = []
    out: list[tuple[str, str]] = []
    for index in range(0, len(values), 2):
        (k1, v1), (k2, v2) = values[index], values[index + 1]
        join = _JOINERS.get(joins[index])
        if join is None:
            return f"séparateur inattendu {_quote(joins[index] or ' ')} entre deux heures"
        inner_kinds.append(join)
        if k1 == "num" or k2 == "num":
            if (k1 == "num" and k2 == "num") or join != "dash":
                return "heure sans minutes ni « h » : début et fin des créneaux impossibles à lire"
            features.add("heure seule")
        start = v1 if k1 == "time" else _hhmm(v1, None)
        end = v2 if k2 == "time" else _hhmm(v2, None)
        if start is None or end is None:
            return "heure impossible"
        if join != "dash" and not start < end:
            return f"créneau ambigu {start}–{end} : fin avant le début sans tiret entre les deux"
        if index:
            between = joins[index - 1].strip()
            kind = _BETWEEN.get(between)
            if kind is None:
                return f"séparateur inattendu {_quote(between or ' ')} entre deux créneaux"
            if kind == "dash" and any(k != "dash" for k in inner_kinds):
                return "créneaux enchaînés par « - » sans tiret dans chaque créneau"
            ambiguous = join != "dash" or inner_kinds[-2] != "dash"
            if kind in ("dash", "space", "slash") and ambiguous and not out[-1][1] <= start:
                return "créneaux dans le désordre sans séparateur clair"
            features.add(
                {"sep": between if between != "/ et" else "et", "dash": "chaîne", "space": "espace", "slash": "/"}[kind]
            )
        if join != "dash":
            features.add({"colon": "deux-points", "slash": "barre", "space": "sans tiret"}[join])
        out.append((start, end))
    return out


_PUBLISHED = re.compile(r"\d{1,2}:\d\d - \d\d:\d\d(?: / \d{1,2}:\d\d - \d\d:\d\d)*")
_COMPACT = re.compile(r"\d\d:\d\d-\d\d:\d\d(?:/\d\d:\d\d-\d\d:\d\d)*")


def _syntax(text: str, features: set[str], notes: bool) -> str:
    """The name of the way a readable cell is written (see the documentation's table)."""
    if notes:
        return "annoté"
    if _PUBLISHED.fullmatch(text):
        return "publié"
    if _COMPACT.fullmatch(text):
        return "compact"
    for feature in (
        "retour à la ligne",
        "chaîne",
        "deux-points",
        "sans tiret",
        "barre",
        "à",
        "h",
        "espace dans l'heure",
        "heure sans minutes",
        "heure seule",
        ",",
        ";",
        "et",
        "//",
        "+",
        "espace",
    ):
        if feature in features:
            return feature
    return "espaces irréguliers"


# --- a week in OpenStreetMap syntax -----------------------------------------------------------


@frozen
class WeekHours:
    """A week read from an OSM ``opening_hours`` value: ranges per day (``DAYS`` order), days
    whose hours are unknown, comments, or the French reason the value cannot be read."""

    days: tuple[tuple[tuple[str, str], ...], ...] = ()
    unknown: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    reason: str | None = None


_REFERENCE_MONDAY = _dt.datetime(2024, 1, 1)
_REFERENCE_WEEKS = 52


def parse_week(value: object) -> WeekHours:
    """Read a week written in OpenStreetMap ``opening_hours`` syntax.

    The value is evaluated week by week over a reference year: a schedule that is the same
    every week is the week; one that changes (``Jul-Aug``, ``week 1-53/2``, ``Mo[1]``) is not a
    weekly schedule and is unreadable, with that reason. Public holidays (``PH off``) are
    exceptions, not the week: they are left aside.
    """
    return _parse_week("" if value is None else str(value).strip())


@functools.lru_cache(maxsize=4096)
def _parse_week(text: str) -> WeekHours:
    from opening_hours import OpeningHours, State

    try:
        hours = OpeningHours(text, auto_country=False, auto_timezone=False)
    except Exception as exc:  # noqa: BLE001 - the library raises its own syntax error type
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return WeekHours(reason=f"horaires OpenStreetMap illisibles ({first})")
    weeks: list[tuple[tuple[tuple[tuple[str, str], ...], ...], tuple[str, ...]]] = []
    comments: set[str] = set()
    end = _REFERENCE_MONDAY + _dt.timedelta(weeks=_REFERENCE_WEEKS)
    per_week: dict[int, list[list[tuple[str, str]]]] = {}
    unknown: dict[int, set[str]] = {}
    for start, stop, state, comment in hours.intervals(_REFERENCE_MONDAY, end):
        if comment:
            comments.add(comment)
        if state is State.CLOSED:
            continue
        cursor = start
        while cursor < stop:
            day_end = min(stop, _dt.datetime.combine(cursor.date() + _dt.timedelta(days=1), _dt.time()))
            week = (cursor - _REFERENCE_MONDAY).days // 7
            day = DAYS[cursor.weekday()]
            if state is State.OPEN:
                table = per_week.setdefault(week, [[] for _ in DAYS])
                closing = "24:00" if day_end.time() == _dt.time() else day_end.strftime("%H:%M")
                table[cursor.weekday()].append((cursor.strftime("%H:%M"), closing))
            else:
                unknown.setdefault(week, set()).add(day)
            cursor = day_end
    for week in range(_REFERENCE_WEEKS):
        table = per_week.get(week, [[] for _ in DAYS])
        weeks.append((tuple(tuple(day) for day in table), tuple(sorted(unknown.get(week, ())))))
    if len(set(weeks)) > 1:
        return WeekHours(
            comments=tuple(sorted(comments)),
            reason="horaires OpenStreetMap variables selon la période (mois, semaines, jours du mois) : "
            "pas une semaine type",
        )
    days, unknown_days = weeks[0]
    return WeekHours(days=days, unknown=unknown_days, comments=tuple(sorted(comments)))
