"""Small declaration networks for tests: structures meeting the 2025 charter, written as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import attrs

from fsaudit.inputs.converter import unstructure
from fsaudit.model import declaration as model
from fsaudit.testing import make_structure, weekly

AS_OF = "2025-09-01"
SHORT_WEEK = weekly(monday=["09:00-12:00"], tuesday=["09:00-12:00"], thursday=["14:00-17:00"])
"""9 h over 3 days: fails FS-HOR-01 and FS-HOR-02 (bloquant)."""


def write_declaration(path: Path, structures: Sequence[model.Structure]) -> Path:
    """Write ``structures`` as a JSON declaration (a collection) at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"structures": [unstructure(s) for s in structures]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def structure(ident: str, **changes: object) -> model.Structure:
    """A structure meeting the 2025 charter, with id ``ident`` and a name derived from it."""
    return attrs.evolve(make_structure(id=ident, name=f"France services {ident}"), **changes)


def waive(structure: str, rule: str) -> str:
    """``w.json`` in the current folder: a waiver file covering ``rule`` on ``structure`` for the
    whole of 2025; its name."""
    Path("w.json").write_text(
        json.dumps(
            {
                "waivers": [
                    {
                        "structure": structure,
                        "rule": rule,
                        "justification": "travaux",
                        "approver": "Préfecture du Gers",
                        "legal_basis": "courrier",
                        "start": "2025-01-01",
                        "expiry": "2025-12-31",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    return "w.json"
