"""Who a structure is (address, kind, gestionnaire, label, position), as the documents show it.

The core gives each :class:`StructureReport` its identity as declared (``StructureReport.identity``:
canton, commune, address, coordinates, type, format, group, parent_id, gestionnaire, label;
nothing personal). The HTML fiche and map, the avis and the Excel report name those facts in
French here, the same way. A fact that could not be read is never shown as absent: it reads
« illisible » with the place of the input that could not be read (``StructureReport.unread``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fsaudit_html._core import Format, GestionnaireKind, LabelStatus, StructureReport, StructureType, fr_date

__all__ = ["IDENTITY_LABELS", "identity_facts", "position"]

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


def position(s: StructureReport) -> tuple[float, float] | None:
    """The declared (latitude, longitude) of ``s``, or ``None``."""
    coordinates = s.identity.coordinates
    if coordinates is None:
        return None
    return coordinates.latitude, coordinates.longitude


def _values(s: StructureReport) -> list[str | None]:
    i = s.identity
    where = position(s)
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
