"""Every name this plugin (and fsaudit_avis) takes from the fsaudit core, in one place.

The core will expose a public API; when import paths move, only this module changes.
"""

from __future__ import annotations

from fsaudit._io import OutputError
from fsaudit.engine import read_input
from fsaudit.frtext import fr_date, fr_decimal, fr_hours
from fsaudit.hookspecs import hookimpl
from fsaudit.model import WEEKDAY_LABELS, Format, GestionnaireKind, LabelStatus, Structure, StructureType
from fsaudit.report import AuditReport, DecisionCode, Reporter, Result, StructureReport
from fsaudit.rule import Severity, Status

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
    from fsaudit.plugins import load_plugins

    return tuple(load_plugins().readers)
