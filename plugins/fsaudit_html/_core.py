"""Every name this plugin (and fsaudit_avis, and the Excel report's documents helpers) takes from
the fsaudit core, in one place.

The core will expose a public API; when import paths move, only this module changes.
"""

from __future__ import annotations

from fsaudit import (
    FIELD_LABELS,
    WAIVER_FIELDS,
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
    StructureReport,
    StructureType,
    fr_date,
    fr_decimal,
    fr_field,
    fr_hours,
    fr_number,
    hookimpl,
)

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
