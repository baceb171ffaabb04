"""Every name this plugin (and fsaudit_avis, and the Excel report's documents helpers) takes from
the fsaudit core, in one place.

The core will expose a public API; when import paths move, only this module changes.
"""

from __future__ import annotations

from fsaudit._io import OutputError
from fsaudit.frtext import FIELD_LABELS, fr_date, fr_decimal, fr_field, fr_hours, fr_number
from fsaudit.hookspecs import hookimpl
from fsaudit.model import Format, GestionnaireKind, LabelStatus, StructureType
from fsaudit.report import AuditReport, DecisionCode, Reporter, Result, StructureReport
from fsaudit.rule import Severity, Status
from fsaudit.waivers import WAIVER_FIELDS

__all__ = [
    "FIELD_LABELS",
    "WAIVER_FIELDS",
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
    "StructureReport",
    "StructureType",
    "fr_date",
    "fr_decimal",
    "fr_field",
    "fr_hours",
    "fr_number",
    "hookimpl",
]
