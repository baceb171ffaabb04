"""A finding's evidence and a waiver as one French line, for every document (HTML, avis, Excel).

Evidence keys are written by the rules: a declaration field (``confidential_space``) is named as
the workbook template names it (« espace confidentiel », ``fsaudit.text.french.FIELD_LABELS``); the
other keys are French already (``heures_hebdomadaires``) and read with spaces (« heures
hebdomadaires »). Values: ``oui``/``non``, French decimals, dates as ``JJ/MM/AAAA``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any

from fsaudit_html._core import FIELD_LABELS, WAIVER_FIELDS, fr_date, fr_number

__all__ = ["evidence_label", "evidence_text", "value_text", "waiver_text"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_WORDS = {
    "annee": "année", "precedente": "précédente", "ecart": "écart", "durees": "durées", "reforme": "réforme",
    "declare": "déclaré", "declares": "déclarés", "exiges": "exigés", "proposes": "proposés",
    "referentiel": "référentiel", "evolution": "évolution", "creneaux": "créneaux", "incoherences": "incohérences",
    "renseigne": "renseigné", "referent": "référent", "categories": "catégories", "detail": "détail",
    "etp": "ETP", "pct": "(%)", "eur": "(€)",
}
"""Words of the rules' evidence keys written without accents (``annee_precedente``), as they read."""


def evidence_label(key: str) -> str:
    """``confidential_space`` → « espace confidentiel »; ``heures_hebdomadaires`` → « heures
    hebdomadaires »; ``accompagnements_annee_precedente`` → « accompagnements année précédente »."""
    return FIELD_LABELS.get(key) or " ".join(_WORDS.get(word, word) for word in key.split("_"))


def value_text(value: Any) -> str:
    """An evidence value in French: ``True`` → ``oui``, ``6.5`` → ``6,5``, ``"2022-03-21"`` →
    ``21/03/2022``, a list as ``a, b``, a mapping as ``clé valeur, …``, ``None`` → ``non déclaré``."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        text = fr_number(value, 2)
        return text.rstrip("0").rstrip(",") if "," in text else text
    if isinstance(value, Mapping):
        parts = [str(k) if v is None else f"{k} {value_text(v)}" for k, v in value.items()]
        return ", ".join(parts) or "aucun"
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v) for v in value) or "aucun"
    if value is None:
        return "non déclaré"
    if isinstance(value, _dt.date):
        return fr_date(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return fr_date(_dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def evidence_text(evidence: Mapping[str, Any]) -> str:
    """Evidence as one line: ``heures hebdomadaires : 32,5 · minimum : 24``."""
    return " · ".join(f"{evidence_label(str(key))} : {value_text(value)}" for key, value in evidence.items())


_WAIVER_SHOWN = ("justification", "approver", "legal_basis", "start", "expiry", "field", "file", "location")


def waiver_text(waiver: Mapping[str, Any]) -> str:
    """A waiver applied to a result as one French line: reason, authority, legal basis, period,
    then where it is written (``raison de la dérogation : … · autorité qui l'accorde : …``)."""
    parts = []
    for key in _WAIVER_SHOWN:
        value = waiver.get(key)
        if value in (None, ""):
            continue
        label = {"file": "fichier", "location": "emplacement"}.get(key) or WAIVER_FIELDS.get(key, key)
        parts.append(f"{label} : {value_text(value)}")
    return " · ".join(parts)
