"""Every name this plugin (and fsaudit_avis) takes from the fsaudit core, in one place.

The core will expose a public API; when import paths move, only this module changes.
"""

from __future__ import annotations

from fsaudit import (
    WEEKDAY_LABELS,
    AuditReport,
    DecisionCode,
    Format,
    GestionnaireKind,
    LabelStatus,
    OutputError,
    Reporter,
    Result,
    Severity,
    Status,
    Structure,
    StructureReport,
    StructureType,
    fr_date,
    fr_decimal,
    fr_hours,
    hookimpl,
)
from fsaudit.inputs.files import read_input

__all__ = [
    "WEEKDAY_LABELS",
    "AuditReport",
    "DecisionCode",
    "Format",
    "GestionnaireKind",
    "LabelStatus",
    "OutputError",
    "Reporter",
    "Result",
    "Severity",
    "Status",
    "Structure",
    "StructureReport",
    "StructureType",
    "fr_date",
    "fr_decimal",
    "fr_hours",
    "hookimpl",
    "load_readers",
    "read_input",
]


def load_readers() -> tuple:
    """The input readers of the installed plugins (to read an audited input again)."""
    from fsaudit import load_plugins

    return tuple(load_plugins().readers)
