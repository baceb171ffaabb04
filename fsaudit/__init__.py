"""fsaudit: audit France services structures against the national charter.

This module is fsaudit's public API, the only one a plugin imports (with :mod:`fsaudit.testing`
for its tests): every name of ``__all__`` is documented in ``docs/plugins.md``; every other module
is private and may change without notice. Names are imported on first use, so that
``fsaudit --version`` stays fast.

The groups of names:

- **the declaration model**, frozen and read-only: :class:`Structure` and its parts;
- **rules**: :class:`Rule`, :class:`Outcome`, :class:`RuleContext`, :class:`Status`,
  :class:`Severity`, :class:`Scope`, :class:`CharterReference`, the :data:`hookimpl` marker;
- **what an audit finds**: :class:`Result`, :class:`Decision`, :class:`StructureReport`,
  :class:`AuditReport`…;
- **referentials**: :class:`Referential` and its loaders;
- **readers**: :class:`Reader`, :class:`ReadResult`, :class:`LoadedStructure`,
  :class:`InputProblem`, :class:`UnreadFact`, :func:`validate_declaration`, safe file access;
- **reporters**: :class:`Reporter`, :func:`report_to_dict`, :func:`report_v2_chunks`,
  :func:`expand_v2`, :func:`input_issues`, safe writing;
- **commands**: :class:`CommandError`, :func:`parse_date`;
- **French text**: numbers, dates, hours, lists and field names as an auditor reads them;
- **running an audit**: :func:`audit`, :func:`load_plugins`, :func:`select_referential`.
"""

from __future__ import annotations

from fsaudit._version import __version__

TYPE_CHECKING = False  # not imported from typing: ``import fsaudit`` stays cheap
if TYPE_CHECKING:
    from typing import Any

    from fsaudit._resources import declaration_schema
    from fsaudit.campaign.expand import expand_v2
    from fsaudit.cli.main import CommandError, parse_date
    from fsaudit.inputs.files import InputFile, NotReadable, read_regular
    from fsaudit.inputs.files import source as input_source
    from fsaudit.inputs.jsonpos import Region, json_regions
    from fsaudit.inputs.reader import (
        DuplicateKeyError,
        LoadedStructure,
        ManualAnswer,
        Reader,
        ReadResult,
        no_duplicate_keys,
    )
    from fsaudit.inputs.referential import load_referential, load_referentials
    from fsaudit.inputs.safety import UnsafeArchive, check_archive, describe_error, vet_xml
    from fsaudit.inputs.validation import validate_declaration
    from fsaudit.model.declaration import (
        WEEKDAY_LABELS,
        WEEKDAYS,
        Address,
        Attendance,
        Canton,
        Conseiller,
        Coordinates,
        Declaration,
        Departement,
        Format,
        Gestionnaire,
        GestionnaireKind,
        Label,
        LabelStatus,
        LocalService,
        PartnerMode,
        PartnerOffer,
        Premises,
        Structure,
        StructureType,
        TimeRange,
        WeeklyHours,
    )
    from fsaudit.model.facts import InputProblem, UnreadFact, facts_overlap, field_path, json_path
    from fsaudit.model.referential import (
        Partner,
        Referential,
        ReferentialError,
        ReferentialValue,
        normalize_name,
    )
    from fsaudit.model.result import (
        Action,
        AuditReport,
        Decision,
        DecisionCode,
        Identity,
        InputInfo,
        Result,
        Section,
        StructureReport,
        compute_score,
    )
    from fsaudit.model.rule import (
        RULE_ID_PATTERN,
        CharterReference,
        Outcome,
        ReadOnlyMapping,
        Rule,
        RuleContext,
        Scope,
        Severity,
        Status,
    )
    from fsaudit.plugin.hookspecs import API_VERSION, hookimpl
    from fsaudit.plugin.manager import PluginSet, load_plugins, select_referential
    from fsaudit.report.json_contract import report_to_dict, structure_to_dict
    from fsaudit.report.json_v2 import report_v2_chunks
    from fsaudit.report.output import OutputError, write_atomic
    from fsaudit.report.reporter import Reporter
    from fsaudit.report.view import Issue, enclosing_locations, input_issues, level_label
    from fsaudit.run.checks import natural_key
    from fsaudit.run.engine import audit
    from fsaudit.text.documents import (
        baseline_lines,
        evidence_label,
        evidence_text,
        identity_facts,
        structure_position,
        value_text,
        waiver_lines,
        waiver_text,
    )
    from fsaudit.text.french import (
        FIELD_LABELS,
        MONTHS_FR,
        NARROW_NBSP,
        WAIVER_FIELDS,
        closest_name,
        departement_names,
        fr_count,
        fr_date,
        fr_decimal,
        fr_field,
        fr_hours,
        fr_int,
        fr_list,
        fr_number,
        fr_pct,
        fr_referential_key,
        fr_signed,
        shown_path,
        visible,
    )

_LOCATIONS = {
    # the declaration model
    **dict.fromkeys(
        (
            "WEEKDAY_LABELS",
            "WEEKDAYS",
            "Address",
            "Attendance",
            "Canton",
            "Conseiller",
            "Coordinates",
            "Declaration",
            "Departement",
            "Format",
            "Gestionnaire",
            "GestionnaireKind",
            "Label",
            "LabelStatus",
            "LocalService",
            "PartnerMode",
            "PartnerOffer",
            "Premises",
            "Structure",
            "StructureType",
            "TimeRange",
            "WeeklyHours",
        ),
        "fsaudit.model.declaration",
    ),
    # rules
    **dict.fromkeys(
        (
            "RULE_ID_PATTERN",
            "CharterReference",
            "Outcome",
            "ReadOnlyMapping",
            "Rule",
            "RuleContext",
            "Scope",
            "Severity",
            "Status",
        ),
        "fsaudit.model.rule",
    ),
    "API_VERSION": "fsaudit.plugin.hookspecs",
    "hookimpl": "fsaudit.plugin.hookspecs",
    # what an audit finds
    **dict.fromkeys(
        (
            "Action",
            "AuditReport",
            "Decision",
            "DecisionCode",
            "Identity",
            "InputInfo",
            "Result",
            "Section",
            "StructureReport",
            "compute_score",
        ),
        "fsaudit.model.result",
    ),
    # referentials
    **dict.fromkeys(
        ("Partner", "Referential", "ReferentialError", "ReferentialValue", "normalize_name"),
        "fsaudit.model.referential",
    ),
    "load_referential": "fsaudit.inputs.referential",
    "load_referentials": "fsaudit.inputs.referential",
    # readers
    **dict.fromkeys(
        ("DuplicateKeyError", "LoadedStructure", "ManualAnswer", "Reader", "ReadResult", "no_duplicate_keys"),
        "fsaudit.inputs.reader",
    ),
    **dict.fromkeys(("InputProblem", "UnreadFact", "facts_overlap", "field_path", "json_path"), "fsaudit.model.facts"),
    "closest_name": "fsaudit.text.french",
    "validate_declaration": "fsaudit.inputs.validation",
    "declaration_schema": "fsaudit._resources",
    "Location": "fsaudit.model.location",
    "NotReadable": "fsaudit.inputs.files",
    "InputFile": "fsaudit.inputs.files",
    "input_source": "fsaudit.inputs.files:source",
    "read_regular": "fsaudit.inputs.files",
    "Region": "fsaudit.inputs.jsonpos",
    "json_regions": "fsaudit.inputs.jsonpos",
    **dict.fromkeys(("UnsafeArchive", "check_archive", "describe_error", "vet_xml"), "fsaudit.inputs.safety"),
    # reporters
    "Reporter": "fsaudit.report.reporter",
    "report_to_dict": "fsaudit.report.json_contract",
    "structure_to_dict": "fsaudit.report.json_contract",
    "report_v2_chunks": "fsaudit.report.json_v2",
    "expand_v2": "fsaudit.campaign.expand",
    "Issue": "fsaudit.report.view",
    "input_issues": "fsaudit.report.view",
    "level_label": "fsaudit.report.view",
    "OutputError": "fsaudit.report.output",
    "write_atomic": "fsaudit.report.output",
    # commands
    "CommandError": "fsaudit.cli.main",
    "parse_date": "fsaudit.cli.main",
    # French text
    **dict.fromkeys(
        (
            "FIELD_LABELS",
            "WAIVER_FIELDS",
            "departement_names",
            "MONTHS_FR",
            "NARROW_NBSP",
            "fr_count",
            "fr_date",
            "fr_decimal",
            "fr_field",
            "fr_hours",
            "fr_int",
            "fr_list",
            "fr_number",
            "fr_pct",
            "fr_referential_key",
            "fr_signed",
            "shown_path",
            "visible",
        ),
        "fsaudit.text.french",
    ),
    **dict.fromkeys(
        (
            "baseline_lines",
            "evidence_label",
            "evidence_text",
            "identity_facts",
            "structure_position",
            "value_text",
            "waiver_lines",
            "waiver_text",
        ),
        "fsaudit.text.documents",
    ),
    "enclosing_locations": "fsaudit.report.view",
    # running an audit
    "audit": "fsaudit.run.engine",
    "natural_key": "fsaudit.run.checks",
    "PluginSet": "fsaudit.plugin.manager",
    "load_plugins": "fsaudit.plugin.manager",
    "select_referential": "fsaudit.plugin.manager",
}

__all__ = ["__version__", *sorted(_LOCATIONS)]


def __getattr__(name: str) -> Any:
    module = _LOCATIONS.get(name)
    if module is None:
        raise AttributeError(f"module 'fsaudit' has no attribute {name!r}")
    import importlib

    module, _, attribute = module.partition(":")
    value = getattr(importlib.import_module(module), attribute or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
