"""French formatting of numbers, hours, dates, lists, field names and file names, shared by rules,
summaries and reports."""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from collections.abc import Iterable
from typing import Any

__all__ = [
    "DATE_FORMATS",
    "FIELD_LABELS",
    "MONTHS_FR",
    "NARROW_NBSP",
    "WAIVER_FIELDS",
    "closest_name",
    "departement_names",
    "describe_exception",
    "fr_count",
    "fr_date",
    "fr_decimal",
    "fr_field",
    "fr_hours",
    "fr_int",
    "fr_list",
    "fr_number",
    "fr_pct",
    "fr_referential_key",
    "fr_signed",
    "fr_value",
    "parse_fr_date",
    "shown_path",
    "visible",
]

NARROW_NBSP = "\u202f"
"""Thousands separator of French numbers (espace fine insécable)."""

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def fr_int(value: int) -> str:
    """``38792`` → ``38 792``."""
    return f"{int(value):,}".replace(",", NARROW_NBSP)


def fr_signed(value: int) -> str:
    """``8274`` → ``+8 274``; ``-12`` → ``−12``."""
    return ("+" if value >= 0 else "−") + fr_int(abs(value))


def fr_number(value: float, decimals: int = 1) -> str:
    """``1234.5`` → ``1 234,5`` (always ``decimals`` decimals)."""
    return f"{value:,.{decimals}f}".replace(",", NARROW_NBSP).replace(".", ",")


def fr_decimal(value: float, decimals: int = 2) -> str:
    """``27.1134`` → ``27,11``; ``6.5`` with 1 decimal → ``6,5``; ``12.0`` → ``12``."""
    text = fr_number(value, decimals)
    if decimals and text.endswith("," + "0" * decimals):
        text = text[: -(decimals + 1)]
    return text


def fr_value(value: Any) -> str:
    """A referential value as the referential's documents write it: ``True`` → ``oui``, ``6.5`` →
    ``6,5`` (as many decimals as it has, no thousands separator), anything else as it is."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def fr_pct(value: float, decimals: int = 2, signed: bool = False) -> str:
    """``27.1134`` → ``27,11 %``; with ``signed``: ``+27,11 %`` (``−`` for a decrease)."""
    body = fr_number(abs(value), decimals)
    sign = ("+" if value >= 0 else "−") if signed else ("−" if value < 0 else "")
    return f"{sign}{body} %"


def fr_hours(minutes: int) -> str:
    """``1950`` → ``32 h 30``; ``1440`` → ``24 h``."""
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def fr_date(value: Any) -> str:
    """A date as ``JJ/MM/AAAA``."""
    return f"{value:%d/%m/%Y}"


def fr_list(items: list[str]) -> str:
    """``["a", "b", "c"]`` → ``a, b et c``."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " et " + items[-1]


def fr_count(count: int, singular: str, plural: str | None = None) -> str:
    """``2, "structure"`` → ``2 structures``; French plural rules: 0 and 1 take the singular
    (``0 erreur de saisie``, ``1 structure``). ``plural`` when it is not ``singular + "s"``
    (``"erreurs de saisie"``)."""
    word = singular if abs(count) < 2 else (plural or singular + "s")
    return f"{fr_int(count)} {word}"


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
"""The date forms a user may type: ISO ``AAAA-MM-JJ`` and French ``JJ/MM/AAAA``."""


def parse_fr_date(text: str) -> _dt.date | None:
    """``2024-05-12`` or ``12/05/2024`` → the date; ``None`` for anything else (``31/02/2024``
    included: a day that is not in the calendar)."""
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return _dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_UNSAFE = re.compile(r"[\ud800-\udfff]|[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte of the name that was not UTF-8 (os.fsdecode)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def shown_path(path: str) -> str:
    """A file name as reports show it, whatever bytes it holds.

    A name that is not valid UTF-8 comes from the system with each bad byte as a lone surrogate
    (``os.fsdecode``); such a byte, and any control character (a line break in a name), is
    written visibly as ``\\xe9`` so that the name can neither break the report (an encoder
    refuses surrogates; a line break would forge a line) nor pass unnoticed:
    ``café.json`` saved in Latin-1 shows as ``caf\\xe9.json``.
    """
    return _UNSAFE.sub(_escape, path) if _UNSAFE.search(path) else path


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def visible(text: str) -> str:
    """Text that can be encoded in UTF-8: lone surrogates (bytes of a file name that were not
    UTF-8) written as ``\\xe9``; everything else, line breaks included, kept."""
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text


def visible_data(value: Any) -> Any:
    """JSON-shaped ``value`` with every text, keys included, made :func:`visible` (tuples become
    lists): what an encoder writes when the data holds a file name that was not UTF-8."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible_data(k): visible_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [visible_data(v) for v in value]
    return value


FIELD_LABELS = {
    "id": "identifiant",
    "name": "nom",
    "departement": "département",
    "canton": "canton",
    "cantons": "cantons",
    "code": "code",
    "commune": "commune",
    "address": "adresse",
    "street": "voie",
    "complement": "complément d'adresse",
    "postal_code": "code postal",
    "city": "ville",
    "coordinates": "coordonnées",
    "latitude": "latitude",
    "longitude": "longitude",
    "type": "type",
    "format": "format",
    "group": "groupe",
    "parent_id": "structure de rattachement",
    "gestionnaire": "gestionnaire",
    "kind": "type",
    "label": "label",
    "status": "statut",
    "date": "date",
    "opening_hours": "horaires d'ouverture",
    "monday": "lundi",
    "tuesday": "mardi",
    "wednesday": "mercredi",
    "thursday": "jeudi",
    "friday": "vendredi",
    "saturday": "samedi",
    "sunday": "dimanche",
    "start": "début",
    "end": "fin",
    "irregular_openings": "ouvertures irrégulières",
    "appointment_booking": "prise de rendez-vous",
    "conseillers": "conseillers",
    "fte": "ETP",
    "training_date": "date de formation",
    "training_days": "jours de formation",
    "start_date": "date de prise de poste",
    "presence": "présence",
    "partners": "partenaires",
    "operator": "opérateur",
    "modes": "modalités",
    "referent": "référent local",
    "local_services": "services locaux",
    "category": "catégorie",
    "provider": "prestataire",
    "premises": "locaux",
    "confidential_space": "espace confidentiel",
    "free_access_station": "poste en libre accès",
    "printer_scanner": "imprimante et scanner",
    "videoconference": "visioconférence",
    "free_of_charge": "gratuité",
    "walk_in": "accueil sans rendez-vous",
    "signage": "signalétique",
    "disability_access": "accès adapté aux personnes handicapées",
    "extensions": "faits des plugins",
    "attendance": "fréquentation",
    "month": "mois",
    "accompaniments": "accompagnements",
    "comment": "commentaire",
    "structures": "structures",
}
"""French names of the declaration's fields (the headers of the workbook template where it has one)."""

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ITEM_LABELS = {
    "conseillers": "conseiller",
    "partners": "partenaire",
    "local_services": "service local",
    "attendance": "mois de fréquentation",
    "modes": "modalité",
    "cantons": "canton",
    "structures": "structure",
    **dict.fromkeys(_DAYS, "créneau"),
}
_FIELD_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d*)\]")


def fr_field(path: str | None) -> str:
    """A field of the declaration named in French: ``conseillers[1].training_date`` →
    ``conseiller n° 2 › date de formation``; ``opening_hours.monday[0]`` → ``horaires
    d'ouverture › lundi › créneau n° 1``; ``""`` → ``structure entière``. A name fsaudit does not
    know is kept as it is."""
    if not path:
        return "structure entière"
    parts: list[str] = []
    previous = ""
    for name, index in _FIELD_TOKEN.findall(path):
        if name:
            parts.append(FIELD_LABELS.get(name, name))
            previous = name
        elif index:
            item = f"{_ITEM_LABELS.get(previous, 'élément')} n° {int(index) + 1}"
            if previous in _ITEM_LABELS and previous not in _DAYS:
                parts[-1] = item
            else:
                parts.append(item)
    return " › ".join(parts)


def fr_referential_key(key: str, referential: Any) -> str:
    """The French name of a referential value (``hours.min_weekly_hours`` → « Ouverture
    hebdomadaire minimale d'un lieu fixe (heures) »): the ``label`` the referential file gives it
    (every value has one: the referential schema requires it); the key itself otherwise."""
    entry = referential.values.get(key) if referential is not None else None
    return entry.label if entry is not None and entry.label else key


def describe_exception(exc: BaseException) -> str:
    """One line for an exception a plugin raised: ``TypeError : message``, or the message alone
    for an exception that already speaks French to the auditor (``french = True``, such as the
    engine's rule time-out)."""
    text = str(exc).strip()
    if getattr(exc, "french", False):
        return text
    return f"{type(exc).__name__} : {text}" if text else type(exc).__name__


WAIVER_FIELDS = {
    "waivers": "dérogations",
    "structure": "identifiant de la structure",
    "rule": "règle",
    "field": "champ de la déclaration",
    "justification": "raison de la dérogation",
    "approver": "autorité qui l'accorde",
    "legal_basis": "fondement juridique",
    "start": "premier jour couvert",
    "expiry": "dernier jour couvert",
}
"""The keys of a waiver file (what the user writes) and what each means, in French."""


@functools.lru_cache(maxsize=1)
def departement_names() -> dict[str, str]:
    """``{INSEE code: name}`` of every département and overseas collectivity (``"32": "Gers"``),
    from the INSEE's Code officiel géographique (``fsaudit/text/departements.json``)."""
    from importlib import resources

    data = json.loads(resources.files("fsaudit.text").joinpath("departements.json").read_text("utf-8"))
    return dict(data["names"])


def closest_name(name: str, known: Iterable[str], *, cutoff: float = 0.75) -> str | None:
    """The known name closest to ``name`` (case, accents and spacing ignored), for
    « voulez-vous dire … ? » hints; ``None`` when nothing is close enough."""
    import difflib
    import unicodedata

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", str(text))
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
        return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())

    by_fold: dict[str, str] = {}
    for item in known:
        by_fold.setdefault(fold(item), item)
    folded = fold(name)
    if folded in by_fold:
        return by_fold[folded]
    match = difflib.get_close_matches(folded, sorted(by_fold), n=1, cutoff=cutoff)
    return by_fold[match[0]] if match else None
