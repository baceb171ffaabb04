"""Builders shared by the HTML report and avis tests: declarations written to files, audited."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fsaudit.inputs.converter import unstructure
from fsaudit.model import declaration as model
from fsaudit.run.engine import audit
from fsaudit.testing import make_structure

AS_OF = _dt.date(2025, 6, 30)

HOSTILE_NAMES = (
    "<script>alert(1)</script>",
    '"onmouseover=alert(2) x="',
    "</script><script>alert(3)</script>",
    "=cmd|' /C calc'!A0",
    "\u202eNOM INVERSÉ\u202c et \u200fمرحبا",
    "A" * 10_000,
)
"""Structure names no document may execute, break on or alter."""


def write_declaration(path: Path, structures: Sequence[model.Structure]) -> Path:
    """A JSON declaration file holding ``structures``."""
    data: dict[str, Any] = {"structures": [unstructure(s) for s in structures]}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def audit_declared(tmp_path: Path, structures: Sequence[model.Structure], name: str = "declaration.json") -> Any:
    """The audit report of ``structures`` written to one declaration file."""
    return audit([str(write_declaration(tmp_path / name, structures))], as_of=AS_OF)


def placed(index: int, **changes: Any) -> model.Structure:
    """A structure of the Gers with coordinates (``TEST-<index>``)."""
    fields: dict[str, Any] = {
        "id": f"TEST-{index:03d}",
        "name": f"France services {index}",
        "coordinates": model.Coordinates(43.5 + index / 100, 0.4 + index / 100),
        "address": model.Address(street=f"{index} rue de l'Exemple", postal_code="32300", city="Mirande"),
    }
    return make_structure(**{**fields, **changes})


def hostile_structures() -> list[model.Structure]:
    """One positioned structure per hostile name, with the name as identifier too."""
    return [placed(i, id=name[:200], name=name) for i, name in enumerate(HOSTILE_NAMES)]
