"""Where the data files shipped with fsaudit live, in a source checkout and in a wheel."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def rules_dir() -> Path:
    """The referential folder: ``fsaudit/rules`` in a wheel, ``rules/`` in a checkout."""
    installed = _PACKAGE_DIR / "rules"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "rules"


@functools.lru_cache(maxsize=None)
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in ``fsaudit/schemas`` (``declaration``, ``report``, ``referential``)."""
    path = _PACKAGE_DIR / "schemas" / f"{name}.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))
