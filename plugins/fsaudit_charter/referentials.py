"""The charter's referentials and subsidy table, shipped with the charter plugin.

``rules/charte-*.json`` (one state of the charter each) and ``rules/forfaits.json`` live in the
repository's ``rules/`` folder and in the wheel as ``fsaudit_charter/rules``. The plugin gives the
referentials to the core through the ``fsaudit_referentials`` hook.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from attrs import frozen

from fsaudit import Referential, ReferentialError, load_referentials

__all__ = ["Forfaits", "charter_referentials", "load_forfaits", "rules_dir"]

_HERE = Path(__file__).resolve().parent


def rules_dir() -> Path:
    """The referential folder: ``fsaudit_charter/rules`` in a wheel, ``rules/`` in a checkout."""
    installed = _HERE / "rules"
    if installed.is_dir():
        return installed
    return _HERE.parent.parent / "rules"


@functools.lru_cache(maxsize=4)
def charter_referentials(directory: Path | None = None) -> tuple[Referential, ...]:
    """Every state of the charter (``charte-*.json``), oldest first."""
    return load_referentials(directory or rules_dir(), "charte-*.json")


@frozen
class Forfaits:
    """The annual operating subsidy per labelled structure, by year."""

    amounts: dict[int, int]
    details: dict[int, str]
    source: str
    path: str

    def amount_for(self, year: int) -> int | None:
        """The forfait for ``year``, or ``None`` when the table has no such year."""
        return self.amounts.get(year)


@functools.lru_cache(maxsize=4)
def load_forfaits(directory: Path | None = None) -> Forfaits:
    """The subsidy table ``rules/forfaits.json``."""
    path = (directory or rules_dir()) / "forfaits.json"
    try:
        data = json.loads(path.read_bytes())
        years = {int(year): entry for year, entry in data["years"].items()}
        return Forfaits(
            amounts={year: int(entry["amount_eur"]) for year, entry in years.items()},
            details={year: str(entry["detail"]) for year, entry in years.items()},
            source=str(data["source"]),
            path=path.name,
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReferentialError(f"{path} : table des forfaits illisible ({exc!r})") from None
