"""Every name this plugin (and fsaudit_avis) takes from the fsaudit core, in one place.

The core will expose a public API; when import paths move, only this module changes.
"""

from __future__ import annotations

from fsaudit.inputs.files import read_input
from fsaudit.model.declaration import (
    WEEKDAY_LABELS,
    Format,
    GestionnaireKind,
    LabelStatus,
    Structure,
    StructureType,
)
from fsaudit.model.result import AuditReport, DecisionCode, Result, StructureReport
from fsaudit.model.rule import Severity, Status
from fsaudit.plugin.hookspecs import hookimpl
from fsaudit.report.output import OutputError
from fsaudit.report.reporter import Reporter
from fsaudit.text.french import fr_date, fr_decimal, fr_hours

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
    from fsaudit.plugin.manager import load_plugins

    return tuple(load_plugins().readers)
