"""Evidence and waivers as the documents write them: French names, French values."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest

from fsaudit.text.documents import evidence_label, evidence_text, value_text, waiver_text


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("confidential_space", "espace confidentiel"),
        ("heures_hebdomadaires", "heures hebdomadaires"),
        ("accompagnements_annee_precedente", "accompagnements année précédente"),
        ("etp_declares", "ETP déclarés"),
        ("evolution_pct", "évolution (%)"),
        ("clé inconnue", "clé inconnue"),
    ],
)
def test_evidence_keys_read_in_french(key: str, label: str) -> None:
    """A declaration field by its template name; a rule's own key with spaces and its accents."""
    assert evidence_label(key) == label


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "oui"),
        (False, "non"),
        (32.5, "32,5"),
        (13.18, "13,18"),
        (6.0, "6"),
        (455, "455"),
        (2756, "2756"),
        (35000, "35\u202f000"),
        (-120000, "-120\u202f000"),
        ("2023-01", "01/2023"),
        ("2023-13", "2023-13"),
        (None, "non déclaré"),
        ("2022-03-21", "21/03/2022"),
        ("2022-02-31", "2022-02-31"),
        (_dt.date(2025, 1, 2), "02/01/2025"),
        (["lundi", "mardi"], "lundi, mardi"),
        ([], "aucun"),
        ({"C1": "2022-03-21", "Mission locale": None}, "C1 21/03/2022, Mission locale"),
    ],
)
def test_values_read_in_french(value: Any, text: str) -> None:
    """Booleans, decimals, dates, lists and mappings as an auditor reads them."""
    assert value_text(value) == text


def test_evidence_line() -> None:
    """Evidence is one line, its items apart with « · », its keys with their accents."""
    assert evidence_text({"heures_hebdomadaires": 19.0, "free_of_charge": False}) == (
        "heures hebdomadaires : 19 · gratuité : non"
    )
    assert evidence_text({"donnees_illisibles": ["$.x"], "minimum_present": 2, "departement": "32"}) == (
        "données illisibles : $.x · minimum présent : 2 · département : 32"
    )


def test_waiver_line() -> None:
    """A waiver reads with the French names of its file's keys, its dates in French, the structure and
    rule (said elsewhere) and the original status left out."""
    waiver = {
        "structure": "S1",
        "rule": "FS-HOR-01",
        "field": None,
        "justification": "travaux",
        "approver": "préfet du Gers",
        "legal_basis": "arrêté du 1er mars 2025",
        "start": "2025-03-01",
        "expiry": "2025-12-31",
        "location": "$.waivers[0]",
        "file": "derogations.json",
        "original_status": "fail",
    }
    assert waiver_text(waiver) == (
        "raison de la dérogation : travaux · autorité qui l'accorde : préfet du Gers · fondement juridique : "
        "arrêté du 1er mars 2025 · premier jour couvert : 01/03/2025 · dernier jour couvert : 31/12/2025 · "
        "fichier : derogations.json · emplacement : $.waivers[0]"
    )
