"""Who a structure is (address, position, kind, gestionnaire, label, hours), for the documents.

The audit report (:class:`AuditReport`) says what the audit found, not where a structure is:
it has no address and no coordinates. The HTML report's map and fiches, and the avis, need
them, so they read the audited inputs again, with the same readers, and keep only the
identity of each structure, matched to the report by input file and location. An input is
read again only if it is byte for byte the file that was audited (same SHA-256); otherwise
its structures have no identity and the documents say so. Nothing personal is kept
(no conseiller, no referent, no free comment): ``--pseudonymize`` has nothing to hide here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from fsaudit_html._core import (
    WEEKDAY_LABELS,
    AuditReport,
    Format,
    GestionnaireKind,
    LabelStatus,
    Structure,
    StructureType,
    fr_date,
    load_readers,
    read_input,
)

__all__ = ["Identity", "identity_of", "read_identities"]

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

UNREAD_NOTE = "identité non relue : le fichier lu à l'audit a changé ou n'est plus lisible"


@frozen
class Identity:
    """What the documents show of a structure besides the audit's findings (all French text)."""

    address: str | None = None
    """One line: street, complement, postal code and city."""
    commune: str | None = None
    canton: str | None = None
    kind: str | None = None
    """Type and format: ``structure principale, fixe``."""
    gestionnaire: str | None = None
    label: str | None = None
    """``labellisée depuis le 01/01/2020``."""
    group: str | None = None
    parent_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    hours: tuple[tuple[str, str], ...] = ()
    """(day, ranges) for each day with an opening, ``("lundi", "09:00-12:00, 13:30-17:00")``."""
    hours_declared: bool = False

    def facts(self) -> list[tuple[str, str]]:
        """(French label, value) pairs of the identity facts that are known, in display order."""
        pairs = [
            ("Adresse", self.address),
            ("Commune (code INSEE)", self.commune),
            ("Canton", self.canton),
            ("Type et format", self.kind),
            ("Gestionnaire", self.gestionnaire),
            ("Label", self.label),
            ("Groupe", self.group),
            ("Rattachée à", self.parent_id),
        ]
        if self.latitude is not None and self.longitude is not None:
            pairs.append(("Position (WGS84)", f"{self.latitude:.5f}, {self.longitude:.5f}"))
        return [(label, value) for label, value in pairs if value]


def identity_of(structure: Structure) -> Identity:
    """The identity of a declared structure."""
    address = None
    if structure.address is not None:
        a = structure.address
        place = " ".join(part for part in (a.postal_code, a.city) if part)
        address = ", ".join(part for part in (a.street, a.complement, place) if part) or None
    kind = ", ".join(
        part
        for part in (
            TYPE_LABELS.get(structure.type) if structure.type else None,
            FORMAT_LABELS.get(structure.format) if structure.format else None,
        )
        if part
    )
    gestionnaire = None
    if structure.gestionnaire is not None:
        g = structure.gestionnaire
        kind_label = GESTIONNAIRE_LABELS.get(g.kind) if g.kind else None
        if g.name and kind_label:
            gestionnaire = f"{g.name} ({kind_label})"
        else:
            gestionnaire = g.name or kind_label
    label = None
    if structure.label is not None:
        label = LABEL_LABELS[structure.label.status]
        if structure.label.date is not None:
            word = "depuis le" if structure.label.status is LabelStatus.LABELLED else "le"
            label += f" {word} {fr_date(structure.label.date)}"
    hours: list[tuple[str, str]] = []
    if structure.opening_hours is not None:
        for day, ranges in structure.opening_hours.items():
            if ranges:
                hours.append((WEEKDAY_LABELS[day], ", ".join(f"{r.start}-{r.end}" for r in ranges)))
    coordinates = structure.coordinates
    return Identity(
        address=address,
        commune=structure.commune,
        canton=structure.canton,
        kind=kind or None,
        gestionnaire=gestionnaire,
        label=label,
        group=structure.group,
        parent_id=structure.parent_id,
        latitude=coordinates.latitude if coordinates else None,
        longitude=coordinates.longitude if coordinates else None,
        hours=tuple(hours),
        hours_declared=structure.opening_hours is not None,
    )


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def read_identities(report: AuditReport, readers: Sequence[Any] | None = None) -> dict[tuple[str, str], Identity]:
    """``{(input path, structure location): Identity}`` for the structures of ``report``.

    Each input of the report is read again with ``readers`` (default: those of the installed
    plugins), only when its SHA-256 is still the audited one. A structure missing from the
    answer has no known identity.
    """
    wanted = {(s.path, s.location) for s in report.structures}
    out: dict[tuple[str, str], Identity] = {}
    for info in report.inputs:
        if not info.structures or info.sha256 is None or _sha256(Path(info.path)) != info.sha256:
            continue
        if readers is None:
            readers = load_readers()
        _, read = read_input(info.path, readers)
        for loaded in read.structures:
            key = (loaded.path, loaded.locate())
            if key in wanted and key not in out:
                out[key] = identity_of(loaded.structure)
    return out

