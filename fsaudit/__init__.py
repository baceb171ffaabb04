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

from fsaudit._version import __version__ as __version__

TYPE_CHECKING = False  # not imported from typing: ``import fsaudit`` stays cheap
if TYPE_CHECKING:
    # The public API, written once: each name imported ``as`` itself (an explicit re-export for
    # type checkers). At run time these imports do not run: a name is imported from the module
    # named here on its first use (:func:`_public`), so that ``fsaudit --version`` stays fast.
    # One import per module (ruff's isort would write one per name imported ``as``):
    # isort: off
    from typing import Any

    from fsaudit._resources import declaration_schema as declaration_schema
    from fsaudit.campaign.expand import expand_v2 as expand_v2
    from fsaudit.cli.main import (
        CommandError as CommandError,
        parse_date as parse_date,
    )
    from fsaudit.inputs.files import (
        InputFile as InputFile,
        NotReadable as NotReadable,
        input_source as input_source,
        read_regular as read_regular,
    )
    from fsaudit.inputs.jsonpos import (
        Region as Region,
        json_regions as json_regions,
    )
    from fsaudit.inputs.reader import (
        DuplicateKeyError as DuplicateKeyError,
        LoadedStructure as LoadedStructure,
        ManualAnswer as ManualAnswer,
        Reader as Reader,
        ReadResult as ReadResult,
        no_duplicate_keys as no_duplicate_keys,
    )
    from fsaudit.inputs.referential import (
        load_referential as load_referential,
        load_referentials as load_referentials,
    )
    from fsaudit.inputs.safety import (
        UnsafeArchive as UnsafeArchive,
        check_archive as check_archive,
        describe_error as describe_error,
        vet_xml as vet_xml,
    )
    from fsaudit.inputs.validation import validate_declaration as validate_declaration
    from fsaudit.model.declaration import (
        WEEKDAY_LABELS as WEEKDAY_LABELS,
        WEEKDAYS as WEEKDAYS,
        Address as Address,
        Attendance as Attendance,
        Canton as Canton,
        Conseiller as Conseiller,
        Coordinates as Coordinates,
        Declaration as Declaration,
        Departement as Departement,
        Format as Format,
        Gestionnaire as Gestionnaire,
        GestionnaireKind as GestionnaireKind,
        Label as Label,
        LabelStatus as LabelStatus,
        LocalService as LocalService,
        PartnerMode as PartnerMode,
        PartnerOffer as PartnerOffer,
        Premises as Premises,
        Structure as Structure,
        StructureType as StructureType,
        TimeRange as TimeRange,
        WeeklyHours as WeeklyHours,
    )
    from fsaudit.model.facts import (
        InputProblem as InputProblem,
        UnreadFact as UnreadFact,
        facts_overlap as facts_overlap,
        field_path as field_path,
        json_path as json_path,
    )
    from fsaudit.model.location import Location as Location
    from fsaudit.model.referential import (
        Partner as Partner,
        Referential as Referential,
        ReferentialError as ReferentialError,
        ReferentialValue as ReferentialValue,
        normalize_name as normalize_name,
    )
    from fsaudit.model.result import (
        Action as Action,
        AuditReport as AuditReport,
        Decision as Decision,
        DecisionCode as DecisionCode,
        Identity as Identity,
        InputInfo as InputInfo,
        Result as Result,
        Section as Section,
        StructureReport as StructureReport,
        compute_score as compute_score,
    )
    from fsaudit.model.rule import (
        RULE_ID_PATTERN as RULE_ID_PATTERN,
        CharterReference as CharterReference,
        Outcome as Outcome,
        ReadOnlyMapping as ReadOnlyMapping,
        Rule as Rule,
        RuleContext as RuleContext,
        Scope as Scope,
        Severity as Severity,
        Status as Status,
    )
    from fsaudit.plugin.hookspecs import (
        API_VERSION as API_VERSION,
        hookimpl as hookimpl,
    )
    from fsaudit.plugin.manager import (
        PluginSet as PluginSet,
        load_plugins as load_plugins,
        select_referential as select_referential,
    )
    from fsaudit.report.json_contract import (
        report_to_dict as report_to_dict,
        structure_to_dict as structure_to_dict,
    )
    from fsaudit.report.json_v2 import report_v2_chunks as report_v2_chunks
    from fsaudit.report.output import (
        OutputError as OutputError,
        write_atomic as write_atomic,
    )
    from fsaudit.report.reporter import Reporter as Reporter
    from fsaudit.report.view import (
        Issue as Issue,
        enclosing_locations as enclosing_locations,
        input_issues as input_issues,
        level_label as level_label,
    )
    from fsaudit.run.checks import natural_key as natural_key
    from fsaudit.run.engine import audit as audit
    from fsaudit.text.documents import (
        baseline_lines as baseline_lines,
        evidence_label as evidence_label,
        evidence_text as evidence_text,
        identity_facts as identity_facts,
        structure_position as structure_position,
        value_text as value_text,
        waiver_lines as waiver_lines,
        waiver_text as waiver_text,
    )
    from fsaudit.text.french import (
        FIELD_LABELS as FIELD_LABELS,
        MONTHS_FR as MONTHS_FR,
        NARROW_NBSP as NARROW_NBSP,
        WAIVER_FIELDS as WAIVER_FIELDS,
        closest_name as closest_name,
        departement_names as departement_names,
        fr_count as fr_count,
        fr_date as fr_date,
        fr_decimal as fr_decimal,
        fr_field as fr_field,
        fr_hours as fr_hours,
        fr_int as fr_int,
        fr_list as fr_list,
        fr_number as fr_number,
        fr_pct as fr_pct,
        fr_referential_key as fr_referential_key,
        fr_signed as fr_signed,
        shown_path as shown_path,
        visible as visible,
        visible_data as visible_data,
    )
    # isort: on

_PUBLIC: dict[str, str] = {}


def _public() -> dict[str, str]:
    """The module of each public name, read once from the ``TYPE_CHECKING`` imports above (the
    names imported ``as`` themselves)."""
    if not _PUBLIC:
        import ast
        from pathlib import Path

        tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
        block = next(
            node
            for node in tree.body
            if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        )
        _PUBLIC.update(
            (alias.name, node.module)
            for node in block.body
            if isinstance(node, ast.ImportFrom) and node.module is not None
            for alias in node.names
            if alias.asname == alias.name
        )
    return _PUBLIC


if not TYPE_CHECKING:  # type checkers see the imports above; an unknown name is an error for them

    def __getattr__(name: str) -> Any:
        if name == "__all__":
            value: Any = ["__version__", *sorted(_public())]
        else:
            module = _public().get(name)
            if module is None:
                raise AttributeError(f"module 'fsaudit' has no attribute {name!r}")
            import importlib

            value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return ["__version__", *sorted(_public())]
