"""FS-FIN-01 on a label dated after the audit, and on La Poste's share by year."""

from __future__ import annotations

import datetime as dt

from fsaudit.model import declaration as model
from fsaudit.testing import audit_structures, make_structure, result_of

NNBSP = "\u202f"


def _result(structure: model.Structure, as_of: dt.date):
    return result_of(audit_structures([structure], as_of=as_of), "FS-FIN-01")


def test_fin01_label_dated_after_the_audit_is_manual():
    """A label dated after the audit date is no label at that date: the forfait is to establish."""
    later = make_structure(label=model.Label(model.LabelStatus.LABELLED, dt.date(2030, 1, 1)))
    result = _result(later, dt.date(2023, 10, 5))
    assert (result.status.value, result.message) == (
        "manual",
        "labellisation datée du 01/01/2030, après la date de l'audit (05/10/2023) : forfait de fonctionnement à "
        "établir",
    )


def test_fin01_la_poste_share_only_for_the_years_the_table_gives_it():
    """The postal fund's share is cited for 2022, whose detail gives it, not asserted for 2025."""
    poste = make_structure(gestionnaire=model.Gestionnaire(model.GestionnaireKind.LA_POSTE))
    assert [_result(poste, dt.date(year, 6, 30)).message for year in (2022, 2025)] == [
        f"forfait de fonctionnement 2022 dû : 30{NNBSP}000 € (structure gérée par La Poste : financement par le "
        "fonds postal, voir le détail)",
        f"forfait de fonctionnement 2025 dû : 45{NNBSP}000 € (structure gérée par La Poste : part du fonds postal "
        "non connue pour 2025)",
    ]
