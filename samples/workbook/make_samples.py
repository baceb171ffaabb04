"""Rebuild the workbook samples: ``python samples/workbook/make_samples.py``.

Writes ``declaration-exemple.json`` and the same declaration as ``declaration-exemple.xlsx`` and
``declaration-exemple.ods`` (the layout of ``fsaudit template``). The structures are fictitious
examples placed in the Gers (32); they exercise every sheet and several decisions.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from fsaudit.inputs.converter import unstructure
from fsaudit.model import declaration as model
from fsaudit.plugin.manager import select_referential
from fsaudit.testing import FULL_WEEK, weekly
from fsaudit_workbook.template import render_workbook

HERE = Path(__file__).resolve().parent
AS_OF = _dt.date(2025, 6, 30)
"""Audit date the samples are meant for (referential charte-2025)."""

PARTNERS = (
    "DGFiP",
    "France Titres",
    "Justice",
    "CAF",
    "CPAM",
    "Assurance retraite",
    "MSA",
    "France Travail",
    "La Poste",
    "Anah",
    "Chèque énergie",
    "Agirc-Arrco",
    "Urssaf",
)


def declaration() -> model.Declaration:
    """Four fictitious structures of the Gers and the département block."""
    trained = _dt.date(2020, 11, 15)
    complete = model.Structure(
        id="EX-32-001",
        name="France services de Mirande (exemple fictif)",
        departement="32",
        canton="3210",
        commune="32256",
        address=model.Address("2 rue de l'Exemple", None, "32300", "Mirande"),
        coordinates=model.Coordinates(43.5146, 0.4036),
        type=model.StructureType.PRINCIPAL,
        format=model.Format.FIXE,
        gestionnaire=model.Gestionnaire(model.GestionnaireKind.COLLECTIVITE, "Communauté de communes (exemple)"),
        label=model.Label(model.LabelStatus.LABELLED, _dt.date(2021, 1, 1)),
        opening_hours=FULL_WEEK,
        appointment_booking=True,
        conseillers=(
            model.Conseiller("C-001", 1.0, trained, 6.5, _dt.date(2020, 12, 1), FULL_WEEK),
            model.Conseiller("C-002", 1.0, trained, 6.5, _dt.date(2020, 12, 1), FULL_WEEK),
        ),
        partners=tuple(
            model.PartnerOffer(name, (model.PartnerMode.PERMANENCE,), "Référent départemental") for name in PARTNERS
        ),
        local_services=(model.LocalService("Aide au numérique", "numérique", "Conseiller numérique"),),
        premises=model.Premises(True, True, True, True, True, True, True, disability_access=True),
        attendance=(model.Attendance("2024-01", 402), model.Attendance("2025-01", 455)),
    )
    candidate = model.Structure(
        id="EX-32-002",
        name="France services de Vic-Fezensac (exemple fictif)",
        departement="32",
        canton="3216",
        type=model.StructureType.PRINCIPAL,
        format=model.Format.FIXE,
        gestionnaire=model.Gestionnaire(model.GestionnaireKind.ASSOCIATION, "Association (exemple)"),
        label=model.Label(model.LabelStatus.CANDIDATE),
        opening_hours=weekly(
            monday=["09:00-12:00", "13:30-17:00"],
            tuesday=["09:00-12:00"],
            thursday=["09:00-12:00", "13:30-17:00"],
            friday=["09:00-12:00"],
        ),
        conseillers=(model.Conseiller("C-010", 1.0, _dt.date(2025, 2, 1), 11.5, _dt.date(2025, 3, 1)),),
        partners=(*tuple(model.PartnerOffer(name) for name in PARTNERS[:9]), model.PartnerOffer("Mission locale")),
        local_services=(),
        premises=model.Premises(confidential_space=False, free_of_charge=True, walk_in=True),
    )
    antenne = model.Structure(
        id="EX-32-003",
        name="Antenne France services de Montesquiou (exemple fictif)",
        departement="32",
        canton="3210",
        type=model.StructureType.ANTENNE,
        format=model.Format.ANTENNE,
        parent_id="EX-32-001",
        label=model.Label(model.LabelStatus.LABELLED, _dt.date(2022, 5, 12)),
        opening_hours=weekly(tuesday=["09:00-12:00"], thursday=["14:00-17:00"]),
    )
    bus = model.Structure(
        id="EX-32-004",
        name="Bus France services du Pays d'Armagnac (exemple fictif)",
        departement="32",
        type=model.StructureType.PRINCIPAL,
        format=model.Format.BUS,
        label=model.Label(model.LabelStatus.LABELLED, _dt.date(2023, 1, 2)),
        opening_hours=weekly(monday=["09:00-12:30"], wednesday=["09:00-12:30"], friday=["13:30-17:00"]),
        irregular_openings="le premier samedi du mois sur le marché d'Eauze, de 9h à 12h",
        conseillers=(
            model.Conseiller("C-020", 1.0, trained, 6.5, _dt.date(2021, 1, 4)),
            model.Conseiller("C-021", 0.5, _dt.date(2024, 5, 3), 11.5, _dt.date(2024, 6, 3)),
        ),
        comment="=SOMME(A1:A3) est un texte, pas une formule",
    )
    departement = model.Departement(
        "32",
        "Gers",
        (
            model.Canton("3210", "Mirande-Astarac"),
            model.Canton("3216", "Fezensac"),
            model.Canton("3204", "Armagnac-Ténarèze"),
        ),
    )
    return model.Declaration((complete, candidate, antenne, bus), departement)


def main() -> None:
    """Write the three samples next to this script."""
    decl = declaration()
    data = unstructure(decl)
    (HERE / "declaration-exemple.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    referential = select_referential(AS_OF)
    for fmt in ("xlsx", "ods"):
        (HERE / f"declaration-exemple.{fmt}").write_bytes(render_workbook(fmt, referential, decl))


if __name__ == "__main__":
    main()
