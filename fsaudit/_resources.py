"""The JSON Schemas shipped with fsaudit (``fsaudit/schemas``)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


@functools.cache
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in ``fsaudit/schemas`` (``declaration``, ``report``, ``referential``)."""
    path = _PACKAGE_DIR / "schemas" / f"{name}.schema.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def declaration_schema() -> dict[str, Any]:
    """The declaration JSON Schema (``urn:fsaudit:schema:declaration:1``): what a reader may
    consult to map its columns (patterns, required fields)."""
    return schema("declaration")
