"""Findings, waivers and identities in French, the same way in every document an auditor reads
(the HTML fiche, the avis, the Excel report).

Evidence keys are written by the rules: a declaration field (``confidential_space``) is named as
the workbook template names it (« espace confidentiel », :data:`fsaudit.text.french.FIELD_LABELS`);
the other keys are French already (``heures_hebdomadaires``) and read with spaces (« heures
hebdomadaires »). Values: ``oui``/``non``, French decimals, dates as ``JJ/MM/AAAA``.

A structure's identity is what the core gives each :class:`~fsaudit.model.result.StructureReport`
(``identity``: canton, commune, address, coordinates, type, format, group, parent_id,
gestionnaire, label; nothing personal). A fact that could not be read is never shown as absent:
it reads « illisible » with the place of the input (``StructureReport.unread``).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fsaudit.model.declaration import Format, GestionnaireKind, LabelStatus, StructureType
from fsaudit.model.result import BaselineComparison, StructureReport, WaiverSummary
from fsaudit.model.rule import Severity
from fsaudit.text.french import FIELD_LABELS, WAIVER_FIELDS, fr_date, fr_int, fr_number, shown_path

__all__ = [
    "IDENTITY_LABELS",
    "baseline_lines",
    "evidence_label",
    "evidence_text",
    "identity_facts",
    "structure_position",
    "value_text",
    "waiver_lines",
    "waiver_text",
]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")


_WORDS = {
    "annee": "année",
    "precedente": "précédente",
    "ecart": "écart",
    "durees": "durées",
    "reforme": "réforme",
    "declare": "déclaré",
    "declares": "déclarés",
    "exiges": "exigés",
    "proposes": "proposés",
    "referentiel": "référentiel",
    "evolution": "évolution",
    "creneaux": "créneaux",
    "incoherences": "incohérences",
    "renseigne": "renseigné",
    "referent": "référent",
    "categories": "catégories",
    "detail": "détail",
    "etp": "ETP",
    "pct": "(%)",
    "eur": "(€)",
    "departement": "département",
    "present": "présent",
    "presents": "présents",
    "donnees": "données",
    "periode": "période",
    "presence": "présence",
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
    if isinstance(value, int) and abs(value) >= 10_000:
        return fr_int(value)  # « 35 000 » ; four digits (a year, « 2756 ») stay as written
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
    if isinstance(value, str) and _ISO_MONTH.match(value) and 1 <= int(value[5:]) <= 12:
        return f"{value[5:]}/{value[:4]}"  # a month of attendance: « 01/2023 »
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


FORMAT_LABELS = {
    Format.FIXE: "fixe",
    Format.MULTISITES: "multisites",
    Format.BUS: "bus (itinérance)",
    Format.ITINERANT: "itinérante",
    Format.ANTENNE: "antenne",
}
TYPE_LABELS = {StructureType.PRINCIPAL: "structure principale", StructureType.ANTENNE: "antenne"}
GESTIONNAIRE_LABELS = {
    GestionnaireKind.COLLECTIVITE: "collectivité",
    GestionnaireKind.LA_POSTE: "La Poste",
    GestionnaireKind.ASSOCIATION: "association",
    GestionnaireKind.MSA: "MSA",
    GestionnaireKind.ETAT: "État",
    GestionnaireKind.AUTRE: "autre",
}
LABEL_LABELS = {LabelStatus.CANDIDATE: "candidate au label", LabelStatus.LABELLED: "labellisée"}

IDENTITY_LABELS = (
    ("Adresse", ("address",)),
    ("Commune (code INSEE)", ("commune",)),
    ("Canton", ("canton",)),
    ("Type et format", ("type", "format")),
    ("Gestionnaire", ("gestionnaire",)),
    ("Label", ("label",)),
    ("Groupe", ("group",)),
    ("Rattachée à", ("parent_id",)),
    ("Position (WGS84)", ("coordinates",)),
)
"""Each identity fact: its French label and the declaration fields it shows, in display order."""


def _address(a: Any) -> str | None:
    if a is None:
        return None
    place = " ".join(part for part in (a.postal_code, a.city) if part)
    return ", ".join(part for part in (a.street, a.complement, place) if part) or None


def _kind(identity: Any) -> str | None:
    parts = (
        TYPE_LABELS.get(identity.type) if identity.type else None,
        FORMAT_LABELS.get(identity.format) if identity.format else None,
    )
    return ", ".join(part for part in parts if part) or None


def _gestionnaire(g: Any) -> str | None:
    if g is None:
        return None
    kind = GESTIONNAIRE_LABELS.get(g.kind) if g.kind else None
    if g.name and kind:
        return f"{g.name} ({kind})"
    return g.name or kind


def _label(label: Any) -> str | None:
    if label is None:
        return None
    text = LABEL_LABELS[label.status]
    if label.date is not None:
        word = "depuis le" if label.status is LabelStatus.LABELLED else "le"
        text += f" {word} {fr_date(label.date)}"
    return text


def structure_position(s: StructureReport) -> tuple[float, float] | None:
    """The declared (latitude, longitude) of ``s``, or ``None``."""
    coordinates = s.identity.coordinates
    if coordinates is None:
        return None
    return coordinates.latitude, coordinates.longitude


def _values(s: StructureReport) -> list[str | None]:
    i = s.identity
    where = structure_position(s)
    return [
        _address(i.address),
        i.commune,
        i.canton,
        _kind(i),
        _gestionnaire(i.gestionnaire),
        _label(i.label),
        i.group,
        i.parent_id,
        f"{where[0]:.5f}, {where[1]:.5f}" if where else None,
    ]


def _touches(field: str, names: Sequence[str]) -> bool:
    """True when an unread fact at ``field`` hides (part of) one of the fields ``names``."""
    return field == "" or any(field == n or field.startswith((n + ".", n + "[")) for n in names)


def identity_facts(s: StructureReport) -> list[tuple[str, str]]:
    """(French label, value) of the identity facts of ``s`` that were declared or could not be
    read, in display order: ``("Adresse", "1 rue de l'Exemple, 32300 Mirande")``; an unread fact
    reads ``illisible (Structures!F3)``, a fact read in part ``… (en partie illisible : …)``."""
    out = []
    for (label, names), value in zip(IDENTITY_LABELS, _values(s), strict=True):
        places = list(dict.fromkeys(f.location for f in s.unread if _touches(f.field, names)))
        if places and value is None:
            value = f"illisible ({', '.join(places)})"
        elif places:
            value = f"{value} (en partie illisible : {', '.join(places)})"
        if value:
            out.append((label, value))
    return out


def waiver_lines(summary: WaiverSummary) -> list[str]:
    """French lines on the waivers of an audit, for the terminal report."""
    data = summary.data
    lines = [
        f"Dérogations ({shown_path(summary.file)}) : {len(data['applied'])} appliquée(s), "
        f"{len(data['expired'])} expirée(s), {len(data['not_started'])} pas encore en vigueur, "
        f"{len(data['unused'])} sans objet"
    ]
    for item in data["applied"]:
        expiry = fr_date(_dt.date.fromisoformat(item["expiry"]))
        lines.append(
            f"  ≈ {item['structure']} {item['rule']} : {item['justification']} — {item['approver']}, "
            f"{item['legal_basis']}, jusqu'au {expiry} [{item['location']}]"
        )
    lines.extend(
        f"  ! {item['structure']} {item['rule']} : {item['message']} [{item['location']}]" for item in summary.notices()
    )
    return lines


def baseline_lines(comparison: BaselineComparison, fail_on: Severity) -> list[str]:
    """French lines for the terminal report: the failures that are new since the baseline."""
    data = comparison.data
    waived = data.get("waived", [])
    lines = [
        f"Référence {shown_path(str(data['file']))} (audit au {data.get('as_of') or '?'}) : "
        f"{len(data['new'])} nouveau(x) constat(s) non conforme(s), dont {len(comparison.gating(fail_on))} de gravité "
        f"{fail_on.value} ou plus ; {len(data['fixed'])} corrigé(s) ; {len(waived)} dérogé(s) ; "
        f"{len(data['unchanged'])} déjà connu(s)"
        + (f" ; {len(data['unassessed'])} non réévalué(s)" if data.get("unassessed") else "")
        + (f" ; {len(data['requalified'])} requalifié(s)" if data.get("requalified") else "")
    ]
    for item in data["new"]:
        lines.append(f"  + {item['structure']} {item['rule']} ({item['severity']}) : {item['message']}")
    for item in data["fixed"]:
        lines.append(f"  - {item['structure']} {item['rule']} ({item['severity']}) : corrigé")
    for item in waived:
        lines.append(
            f"  ≈ {item['structure']} {item['rule']} ({item['severity']}) : dérogé "
            "(toujours constaté, couvert par une dérogation)"
        )
    for item in data.get("unassessed", ()):
        lines.append(
            f"  ? {item['structure']} {item['rule']} ({item['severity']}) : non réévalué "
            "(structure ou données non lues, ou règle à vérifier : ni corrigé ni confirmé)"
        )
    for item in data.get("requalified", ()):
        lines.append(
            f"  ~ {item['structure']} {item['rule']} ({item['severity']}) : requalifié "
            "(règle désormais sans objet ou avertissement : pas une correction)"
        )
    return lines
