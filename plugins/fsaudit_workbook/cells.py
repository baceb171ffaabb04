"""Reading cells the way a French user types them, and writing them back.

Every parser takes the raw cell value (``str``, ``float``, ``bool``, ``date``, ``datetime``,
``time`` or ``timedelta``, as the spreadsheet library gives it) and returns the JSON-shaped value
of the declaration, or raises :class:`CellError` with a French message quoting the raw value, in
one form: ``« neuf heures » n'est pas une heure ; attendu par exemple 9h, 9h30 ou 09:00``.
Nothing is coerced silently: a value that does not read as expected is an error.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from collections.abc import Callable
from typing import Any

from fsaudit import RULE_ID_PATTERN, WEEKDAY_LABELS, declaration_schema, normalize_name

__all__ = [
    "CHOICES",
    "FACT_VALUE_RULES",
    "CellError",
    "display",
    "is_empty",
    "parse",
]


class CellError(ValueError):
    """A cell that cannot be read: what is wrong (quoting the raw value) and what is expected,
    in French; ``str()`` gives ``"<what> ; attendu <expected>"``."""

    def __init__(self, what: str, expected: str) -> None:
        super().__init__(f"{what} ; attendu {expected}")
        self.what = what
        self.expected = expected


# Canonical French label first: it is what the template writes and its drop-down offers.
CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "type": {"principal": ("principale", "principal", "structure principale"), "antenne": ("antenne",)},
    "format": {
        "fixe": ("fixe", "lieu fixe"),
        "multisites": ("multisites", "multi sites", "multisite"),
        "bus": ("bus", "bus equivalent"),
        "itinerant": ("itinérante", "itinerant", "itinerante", "itinérant"),
        "antenne": ("antenne", "fixe antenne", "fixe antennes"),
    },
    "gestionnaire": {
        "collectivite": ("collectivité", "collectivite", "collectivite territoriale", "commune", "intercommunalite"),
        "la_poste": ("La Poste", "poste"),
        "association": ("association",),
        "msa": ("MSA",),
        "etat": ("État", "etat"),
        "autre": ("autre",),
    },
    "label": {
        "candidate": ("candidate", "candidat", "candidature"),
        "labelled": ("labellisée", "labellise", "labellisee", "labelled"),
    },
    "jour": {day: (label,) for day, label in WEEKDAY_LABELS.items()},
    "modalite": {
        "permanence": ("permanence",),
        "visio": ("visio", "visioconference"),
        "rendez_vous": ("rendez-vous", "rendez vous", "rdv", "sur rendez vous"),
        "referent": ("référent", "referent"),
    },
    "resultat": {"pass": ("conforme",), "fail": ("non conforme", "non-conforme")},
    "oui_non": {"true": ("oui", "o", "x", "vrai", "1", "true"), "false": ("non", "n", "faux", "0", "false")},
}
_CHOICE_INDEX = {
    name: {normalize_name(label): value for value, labels in table.items() for label in (value, *labels)}
    for name, table in CHOICES.items()
}
_DAY_ABBREVIATIONS = {
    "lun": "monday",
    "mar": "tuesday",
    "mer": "wednesday",
    "jeu": "thursday",
    "ven": "friday",
    "sam": "saturday",
    "dim": "sunday",
}
_MONTHS = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def choice_labels(name: str) -> list[str]:
    """The canonical French labels of a drop-down list, in order."""
    return [labels[0] for labels in CHOICES[name].values()]


def choice_label(name: str, value: str) -> str:
    """The canonical French label of ``value`` in list ``name``."""
    return CHOICES[name][value][0]


def is_empty(value: Any) -> bool:
    """An empty cell, or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _fr_number(value: float) -> str:
    if not math.isfinite(value):  # never typed in a spreadsheet, but a crafted file may hold one
        return "NaN" if math.isnan(value) else ("-∞" if value < 0 else "∞")
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value).replace(".", ",")


def display(value: Any) -> str:
    """The raw value as the user sees it, for messages."""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float | int):
        return _fr_number(float(value))
    if isinstance(value, _dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != _dt.time() else value.strftime("%d/%m/%Y")
    if isinstance(value, _dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, _dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, _dt.timedelta):
        minutes = value.total_seconds() / 60
        return f"{int(minutes // 60)}:{int(minutes % 60):02d}"
    return str(value).strip()


def _quoted(value: Any) -> str:
    text = display(value)
    return f"« {text[:80]}{'…' if len(text) > 80 else ''} »"


def text(value: Any) -> str:
    """Free text: stray spaces removed; a number or a date reads as it is displayed."""
    if isinstance(value, str):
        return value.strip()
    return display(value)


def code(value: Any) -> str:
    """An identifier or a code: text, or a whole number typed without quotes."""
    if isinstance(value, bool):
        raise CellError(f"{_quoted(value)} n'est pas un code", "un texte ou un nombre entier")
    if isinstance(value, float | int):
        if not math.isfinite(value) or value != int(value):
            raise CellError(f"{_quoted(value)} n'est pas un code", "un texte ou un nombre entier")
        return str(int(value))
    if isinstance(value, _dt.date | _dt.time | _dt.timedelta):
        raise CellError(f"{_quoted(value)} est une date ou une heure", "un code")
    return str(value).strip()


def _padded(value: Any, width: int, what: str, expected: str) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        if not math.isfinite(value) or value != int(value) or value < 0:
            raise CellError(f"{_quoted(value)} n'est pas {what}", expected)
        return f"{int(value):0{width}d}"
    return code(value).upper()


def departement(value: Any) -> str:
    """A département code; a number typed without its leading zero (1 → 01) is padded."""
    if (
        isinstance(value, float | int)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value == int(value)
        and value >= 100
    ):
        return str(int(value))
    return _padded(value, 2, "un code de département", "un code INSEE : 01 à 95, 2A, 2B, 971 à 989")


def commune(value: Any) -> str:
    """A commune INSEE code; a number typed without its leading zero (1004 → 01004) is padded."""
    return _padded(value, 5, "un code commune INSEE", "un code INSEE à 5 caractères")


def number(value: Any) -> float:
    """A decimal number; ``1,5`` and ``1 234,5`` read as a French user types them."""
    if isinstance(value, bool):
        raise CellError(f"{_quoted(value)} n'est pas un nombre", "par exemple 6,5")
    if isinstance(value, float | int):
        if math.isnan(value) or math.isinf(value):
            raise CellError(f"{_quoted(value)} n'est pas un nombre", "par exemple 6,5")
        return float(value)
    if isinstance(value, str):
        raw = _SPACES.sub("", value)
        if re.fullmatch(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?", raw):
            result = float(raw.replace(",", "."))
            if math.isfinite(result):  # « 1e999 » is no number a spreadsheet holds
                return result
    raise CellError(f"{_quoted(value)} n'est pas un nombre", "par exemple 6,5")


def integer(value: Any) -> int:
    """A whole number; ``1 200`` reads as 1200."""
    try:
        result = number(value)
    except CellError:
        raise CellError(f"{_quoted(value)} n'est pas un nombre entier", "par exemple 120") from None
    if result != int(result):
        raise CellError(f"{_quoted(value)} n'est pas un nombre entier", "par exemple 120")
    return int(result)


BOOLEAN_SPELLINGS = "oui, non, o, n, x (pour oui), vrai, faux, 1 ou 0"
"""The oui/non spellings the reader accepts, as said to the user."""


def boolean(value: Any) -> bool:
    """oui/non, o/n, x (oui), vrai/faux, 1/0 (text or number), any case and stray spaces, or a
    boolean cell."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        found = _CHOICE_INDEX["oui_non"].get(normalize_name(value))
        if found is not None:
            return found == "true"
    raise CellError(f"{_quoted(value)} n'est pas oui ou non", BOOLEAN_SPELLINGS)


def choice(name: str, value: Any, *, expected: str) -> str:
    """One value of a closed list, matched without case nor accents."""
    if isinstance(value, str):
        key = normalize_name(value)
        found = _CHOICE_INDEX[name].get(key)
        if found is None and name == "jour":
            found = _DAY_ABBREVIATIONS.get(key)
        if found is not None:
            return found
    raise CellError(f"{_quoted(value)} n'est pas une valeur admise", expected)


_MODES_EXPECTED = "permanence, visio, rendez-vous ou référent, séparées par des virgules"


def modes(value: Any) -> list[str]:
    """Partner modes separated by commas or semicolons."""
    if not isinstance(value, str):
        raise CellError(f"{_quoted(value)} n'est pas une liste de modalités", _MODES_EXPECTED)
    out = []
    for item in re.split(r"[,;/]", value):
        if not item.strip():
            continue
        found = _CHOICE_INDEX["modalite"].get(normalize_name(item))
        if found is None:
            where = "" if item.strip() == value.strip() else f" dans {_quoted(value)}"
            raise CellError(f"modalité « {item.strip()} » inconnue{where}", _MODES_EXPECTED)
        out.append(found)
    return out


_TIME_TEXT = re.compile(r"(\d{1,2})(?:\s*(?:h|:)\s*(\d{2})?(?::00)?)?")
_TIME_EXPECTED = "par exemple 9h, 9h30 ou 09:00"


def _hhmm(hours: int, minutes: int, raw: Any) -> str:
    if not (0 <= minutes < 60 and (0 <= hours < 24 or (hours == 24 and minutes == 0))):
        raise CellError(f"{_quoted(raw)} n'est pas une heure entre 0h et 24h", _TIME_EXPECTED)
    return f"{hours:02d}:{minutes:02d}"


_DAY_ZERO = frozenset((_dt.date(1899, 12, 30), _dt.date(1899, 12, 31), _dt.date(1904, 1, 1)))
"""The dates a spreadsheet gives a time of day stored as a date and time (the day of its serial 0)."""


def time(value: Any) -> str:
    """An hour of the day: ``9h``, ``9h30``, ``09:00``, ``9:00``, a time cell, or a whole hour."""
    expected = _TIME_EXPECTED
    if isinstance(value, bool):
        raise CellError(f"{_quoted(value)} n'est pas une heure", expected)
    if isinstance(value, _dt.datetime):
        if value.date() not in _DAY_ZERO:
            raise CellError(f"{_quoted(value)} est une date", expected)
        value = value.time()  # a time cell that a spreadsheet stored on its day zero (LibreOffice)
    if isinstance(value, _dt.time):
        if value.second or value.microsecond:
            raise CellError(f"{_quoted(value)} a des secondes", expected)
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, _dt.timedelta):
        seconds = value.total_seconds()
        if seconds % 60 or not 0 <= seconds <= 86400:
            raise CellError(f"{_quoted(value)} n'est pas une heure de la journée", expected)
        minutes = int(seconds // 60)
        return _hhmm(minutes // 60, minutes % 60, value)
    if isinstance(value, _dt.date):
        raise CellError(f"{_quoted(value)} est une date", expected)
    if isinstance(value, float | int):
        if math.isfinite(value) and value == int(value) and 0 <= value <= 24:
            return _hhmm(int(value), 0, value)
        minutes = value * 1440 if math.isfinite(value) and 0 < value < 1 else -1.0
        if minutes > 0 and abs(minutes - round(minutes)) < 1e-6:  # a time typed in a cell formatted as a number
            shown = f"{round(minutes) // 60:02d}:{round(minutes) % 60:02d}"
            raise CellError(
                f"{_quoted(value)} est un nombre (au format heure, il se lit {shown})",
                f"une cellule au format heure, ou l'heure saisie en texte ({shown})",
            )
        raise CellError(f"{_quoted(value)} n'est pas une heure", expected)
    match = _TIME_TEXT.fullmatch(value.strip().lower())
    if not match:
        raise _time_text_error(value)
    return _hhmm(int(match.group(1)), int(match.group(2) or 0), value)


_CLOSED_WORDS = frozenset(("ferme", "fermee", "fermes", "fermees", "fermeture", "clos", "close"))
_HOUR = r"\d{1,2}(?:\s*[h:]\s*\d{2}|\s*h)?"
_RANGE = re.compile(rf"\s*({_HOUR})\s*(?:-|–|—|à|a)\s*({_HOUR})\s*", re.IGNORECASE)
_HOURS = re.compile(_HOUR, re.IGNORECASE)


def _time_text_error(value: str) -> CellError:
    """Why a text is not an hour, and what to type instead where it can be told: « fermé » in
    Début for a closed day, one range per row, one hour per cell."""
    folded = normalize_name(value)
    if folded in _CLOSED_WORDS:
        return CellError(
            f"{_quoted(value)} n'est pas une heure",
            "« fermé » dans la colonne « Début », la colonne « Fin » laissée vide, pour déclarer un jour fermé",
        )
    if "rendez vous" in folded or "rdv" in folded.split():
        return CellError(
            f"{_quoted(value)} n'est pas une heure",
            "les heures du créneau (9h, 12h) ; la prise de rendez-vous se déclare dans la colonne "
            "« Prise de rendez-vous » de la feuille Structures",
        )
    match = _RANGE.fullmatch(value)
    if match:
        return CellError(
            f"{_quoted(value)} est un créneau, pas une heure",
            f"une heure par cellule : {match.group(1)} dans la colonne « Début », {match.group(2)} dans la "
            "colonne « Fin »",
        )
    if len(_HOURS.findall(value)) > 2:
        return CellError(
            f"{_quoted(value)} contient plusieurs créneaux",
            "une ligne par créneau, son heure de début dans la colonne « Début » et sa fin dans la colonne « Fin »",
        )
    return CellError(f"{_quoted(value)} n'est pas une heure", _TIME_EXPECTED)


_DATE_FR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _make_date(year: int, month: int, day: int, raw: Any) -> _dt.date:
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise CellError(f"{_quoted(raw)} n'est pas une date existante", "une date JJ/MM/AAAA du calendrier") from None


_SERIAL_ZERO = _dt.date(1899, 12, 30)
"""The day of serial number 0 of a spreadsheet date (from 1 March 1900 on, in Excel and LibreOffice)."""
_YEARS = range(1900, 2101)
"""The numbers read as a year typed alone in a date cell (the dates 14/03/1905 to 30/09/1905)."""


def _typed_year(value: Any) -> int | None:
    """The year a user typed alone, where a date was expected: a date cell whose serial number
    is a plausible year (2024 typed in a cell formatted as a date is 16/07/1905), a whole
    number or a text of four digits; else ``None``."""
    if isinstance(value, _dt.date):
        serial = ((value.date() if isinstance(value, _dt.datetime) else value) - _SERIAL_ZERO).days
        return serial if serial in _YEARS else None
    if isinstance(value, bool):
        return None
    if isinstance(value, float | int):
        return int(value) if math.isfinite(value) and value == int(value) and int(value) in _YEARS else None
    if isinstance(value, str) and re.fullmatch(r"\d{4}", value.strip()):
        return int(value) if int(value) in _YEARS else None
    return None


def _year_error(value: Any, year: int, expected: str) -> CellError:
    if isinstance(value, _dt.date):
        shown = (value.date() if isinstance(value, _dt.datetime) else value).strftime("%d/%m/%Y")
        return CellError(f"« {year} » saisi dans une cellule au format date (lu {shown})", expected)
    return CellError(f"{_quoted(value)} est une année", expected)


def date(value: Any) -> str:
    """A date: ``12/05/2022``, ``2022-05-12`` or a date cell → ``2022-05-12``. A year typed alone
    (in a date cell, where it reads as a day of 1905) is refused."""
    expected = "une date JJ/MM/AAAA"
    year = _typed_year(value)
    if year is not None:
        raise _year_error(value, year, f"la date complète, par exemple 01/09/{year}")
    if isinstance(value, _dt.datetime):
        if value.time() != _dt.time():
            raise CellError(f"{_quoted(value)} porte une heure", expected)
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        raw = value.strip()
        match = _DATE_FR.fullmatch(raw)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return _make_date(year, month, day, value).isoformat()
        match = _DATE_ISO.fullmatch(raw)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return _make_date(year, month, day, value).isoformat()
    raise CellError(f"{_quoted(value)} n'est pas une date", expected)


def month(value: Any) -> str:
    """A month: ``2024-01``, ``01/2024``, ``janvier 2024`` or a date cell of the 1st → ``2024-01``."""
    expected = "un mois comme 2024-01, 01/2024 ou janvier 2024"
    year = _typed_year(value)
    if year is not None:
        raise _year_error(value, year, f"le mois, par exemple 01/{year}")
    if isinstance(value, _dt.datetime):
        value = value.date() if value.time() == _dt.time() else value
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        if value.day != 1:
            raise CellError(f"{_quoted(value)} est une date, pas un mois", expected)
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, str):
        raw = value.strip().lower()
        match = re.fullmatch(r"(\d{4})\s*-\s*(\d{1,2})", raw) or None
        if match:
            year, mon = int(match.group(1)), int(match.group(2))
        else:
            match = re.fullmatch(r"(\d{1,2})\s*/\s*(\d{4})", raw)
            if match:
                mon, year = int(match.group(1)), int(match.group(2))
            else:
                match = re.fullmatch(r"([^\d]+?)\.?\s+(\d{4})", raw)
                mon = _MONTHS.get(normalize_name(match.group(1)), 0) if match else 0
                year = int(match.group(2)) if match else 0
        if 1 <= mon <= 12 and year:
            return f"{year:04d}-{mon:02d}"
    raise CellError(f"{_quoted(value)} n'est pas un mois", expected)


def rule(value: Any) -> str:
    """A rule id (``fs-hor-05`` → ``FS-HOR-05``)."""
    if isinstance(value, str):
        found = re.sub(r"\s+", "", value).upper()
        if RULE_ID_PATTERN.match(found):
            return found
    raise CellError(f"{_quoted(value)} n'est pas un identifiant de règle", "par exemple FS-HOR-05")


@functools.cache
def _namespace_pattern() -> re.Pattern[str]:
    """The names of extension namespaces the declaration schema admits."""
    schema = declaration_schema()["$defs"]["structure"]["properties"]["extensions"]["propertyNames"]["pattern"]
    return re.compile(schema)


def namespace(value: Any) -> str:
    """The namespace of a plugin's extension facts (``mon_departement``), as the declaration
    schema admits it: an ASCII letter or ``_`` first, then letters, digits, ``_`` or ``-``."""
    if isinstance(value, str):
        name = value.strip()
        if _namespace_pattern().fullmatch(name):
            return name
    raise CellError(
        f"{_quoted(value)} n'est pas un nom d'espace",
        "le nom que le plugin donne à ses faits : lettres sans accent, chiffres, _ ou -, sans espace "
        "(par exemple mon_departement)",
    )


def field_name(value: Any) -> str:
    """The name of an extension fact in its namespace: text without ``.``, ``[`` nor ``]``
    (they separate the parts of a fact's path, ``extensions.mon_departement.guichet``)."""
    if isinstance(value, str):
        name = value.strip()
        if name and not re.search(r"[.\[\]]", name):
            return name
    raise CellError(
        f"{_quoted(value)} n'est pas un nom de champ",
        "le nom que le plugin donne au fait, sans point ni crochet (par exemple guichet_numerique)",
    )


_BOOLEAN_WORDS = {key: found == "true" for key, found in _CHOICE_INDEX["oui_non"].items() if not key.isdigit()}
"""The oui/non spellings of :func:`boolean` but the digits: in an extension fact's value, 1 and 0
are numbers (a number cell) or texts."""
_EXACT_INTEGER = 2**53
"""Every whole number up to this one is exact in a spreadsheet's binary floating point."""
FACT_VALUE_RULES = (
    "une cellule nombre donne un nombre (entier s'il n'a pas de décimales) ; une case à cocher (VRAI/FAUX) ou "
    "oui, non, o, n, x (pour oui), vrai, faux, un booléen ; une cellule date, une date AAAA-MM-JJ ; tout le "
    "reste, le texte saisi (1 et 0 saisis en texte restent du texte)"
)
"""How the value of an extension fact is read, as said to the user."""


def fact_value(value: Any) -> Any:
    """The value of an extension fact, typed by its cell since the reader does not know the
    plugin's schema (validation does): see :data:`FACT_VALUE_RULES`. A date cell with an hour
    is refused rather than cut to its date."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int):
        if not math.isfinite(value):
            raise CellError(f"{_quoted(value)} n'est pas un nombre", "un nombre, oui/non, une date ou un texte")
        if value == int(value) and abs(value) <= _EXACT_INTEGER:
            return int(value)
        return float(value)
    if isinstance(value, _dt.datetime) and value.time() != _dt.time():
        raise CellError(f"{_quoted(value)} porte une heure", "une date sans heure, ou la date et l'heure en texte")
    if isinstance(value, _dt.date):
        return date(value)
    if isinstance(value, str):
        typed = value.strip()
        found = _BOOLEAN_WORDS.get(normalize_name(typed))
        return typed if found is None else found
    return text(value)  # a time or a duration, as the spreadsheet shows it


_EXPECTED = {
    "type": "principale ou antenne",
    "format": "fixe, multisites, bus, itinérante ou antenne",
    "gestionnaire": "collectivité, La Poste, association, MSA, État ou autre",
    "label": "candidate ou labellisée",
    "jour": "un jour de la semaine (lundi … dimanche)",
    "resultat": "conforme ou non conforme",
}


def parse(kind: str, value: Any, choices: str | None = None) -> Any:
    """Read a non-empty cell of ``kind`` (see :class:`fsaudit_workbook.layout.Column`)."""
    if kind == "text":
        return text(value)
    if kind in ("code", "postal"):
        return commune(value) if kind == "postal" else code(value)
    if kind == "departement":
        return departement(value)
    if kind == "commune":
        return commune(value)
    if kind == "number":
        return number(value)
    if kind == "integer":
        return integer(value)
    if kind == "bool":
        return boolean(value)
    if kind == "date":
        return date(value)
    if kind == "time":
        return time(value)
    if kind == "month":
        return month(value)
    if kind == "modes":
        return modes(value)
    if kind == "rule":
        return rule(value)
    if kind in ("choice", "result"):
        name = choices or "resultat"
        return choice(name, value, expected=_EXPECTED[name])
    if kind in _CONVERTERS:
        return _CONVERTERS[kind](value)
    raise ValueError(f"unknown cell kind {kind!r}")


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "text": text,
    "code": code,
    "postal": commune,
    "departement": departement,
    "commune": commune,
    "number": number,
    "integer": integer,
    "bool": boolean,
    "date": date,
    "time": time,
    "month": month,
    "modes": modes,
    "rule": rule,
    "namespace": namespace,
    "field": field_name,
    "value": fact_value,
}


def converter(kind: str, choices: str | None = None) -> Callable[[Any], Any]:
    """The function :func:`parse` applies to a non-empty cell of ``kind``, chosen once per column."""
    found = _CONVERTERS.get(kind)
    if found is not None:
        return found
    if kind in ("choice", "result"):
        name = choices or "resultat"
        return functools.partial(choice, name, expected=_EXPECTED[name])
    raise ValueError(f"unknown cell kind {kind!r}")
