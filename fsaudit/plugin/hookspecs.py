"""The hooks a fsaudit plugin can implement.

A plugin is a module (or object) registered under the ``fsaudit`` entry-point group, whose
functions are decorated with :data:`fsaudit.hookimpl` and named as below. Every hook is called
with keyword arguments; an implementation may accept only the arguments it needs.

The engine never relies on the order in which plugins are loaded: rules, results, readers and
reporters are sorted by their ids and names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from fsaudit.inputs.reader import LoadedStructure, Reader
    from fsaudit.model.declaration import Departement
    from fsaudit.model.referential import Referential
    from fsaudit.model.result import AuditReport, Decision, Result, Section
    from fsaudit.model.rule import Outcome, Rule, RuleContext
    from fsaudit.report.reporter import Reporter

__all__ = ["API_VERSION", "SUPPORTED_API_VERSIONS", "hookimpl", "hookspec"]

API_VERSION = "2"
"""The plugin API version. A plugin declares the one it was written for with
:func:`fsaudit_api_version`; a plugin that declares a version fsaudit does not support is refused
with a clear error.

Version 2 (this one) adds :func:`fsaudit_referentials`, :func:`fsaudit_commands`,
:func:`fsaudit_extension_schemas`, plugin configuration (``RuleContext.plugin_config``) and the
structures' extension facts; every hook is called through pluggy, each implementation isolated.
A plugin written for version 1 keeps working unchanged: its hooks have the same names and
arguments (see ``docs/plugins.md``, « Compatibilité »)."""

SUPPORTED_API_VERSIONS = ("1", "2")
"""The API versions a plugin may declare."""

hookspec = pluggy.HookspecMarker("fsaudit")
hookimpl = pluggy.HookimplMarker("fsaudit")


@hookspec
def fsaudit_api_version() -> str:
    """Return the plugin API version the plugin was written for (``"2"``, or ``"1"`` for a plugin
    written before version 2, which works unchanged).

    Called once per plugin when the plugin manager is built. A plugin that does not implement
    it is assumed to target the current version; one whose version is not in
    :data:`SUPPORTED_API_VERSIONS` is not loaded and the run reports an error naming the plugin
    and the versions.

    Example::

        @hookimpl
        def fsaudit_api_version():
            return "2"
    """


@hookspec
def fsaudit_rules() -> Sequence[Rule]:
    """Return the rules the plugin provides, as :class:`fsaudit.Rule` objects.

    Called once per audit (and once per worker process). Each rule id must match
    ``RULE_ID_PATTERN`` (``FS-HOR-01``, ``GERS-SAM-01``) and belong to one plugin only: an id
    claimed twice is an error naming both plugins. A rule with a ``check`` function is run by
    the engine on each structure (or on the whole set, for ``Scope.NETWORK`` rules); a rule
    without one must be answered by this plugin's :func:`fsaudit_check_structure` or
    :func:`fsaudit_check_network`.

    Example::

        @hookimpl
        def fsaudit_rules():
            return [Rule(id="GERS-SAM-01", title="Ouverture le samedi", severity="mineur",
                         applies_to="structures principales", domain="horaires",
                         reference=CharterReference("Convention départementale", "Préfecture du Gers", "C"),
                         description="…", remediation="…", check=check_saturday)]
    """


@hookspec
def fsaudit_check_structure(structure: LoadedStructure, context: RuleContext) -> Mapping[str, Outcome] | None:
    """Check one structure for rules the plugin registered without a ``check`` function.

    Return a mapping ``{rule_id: Outcome}``, or ``None`` when the plugin has nothing to say.
    Each implementation is called on its own: if it raises or returns something malformed,
    every rule of that plugin it should have answered gets status ``error`` with the reason,
    and the other plugins still run. A rule id the plugin does not own is an ``error`` too.
    """


@hookspec
def fsaudit_check_network(
    structures: Sequence[LoadedStructure],
    departements: Sequence[Departement],
    context: RuleContext,
) -> Mapping[str, Mapping[str, Outcome]] | None:
    """Check the whole set of structures for the plugin's network rules without ``check``.

    Called once per audit with every structure of every input. Return
    ``{rule_id: {structure_id: Outcome}}`` or ``None``. Isolation as for
    :func:`fsaudit_check_structure`.
    """


@hookspec(firstresult=True)
def fsaudit_decide(structure: LoadedStructure, results: Sequence[Result], context: RuleContext) -> Decision | None:
    """Choose the labellisation recommendation of one structure from its results.

    The first implementation that returns a :class:`fsaudit.Decision` wins; return ``None`` to
    let the next one decide. The built-in policy (CHARTER §4) is registered ``trylast``, so a
    préfecture's plugin implementing this hook replaces it.
    """


@hookspec
def fsaudit_readers() -> Sequence[Reader]:
    """Return the input formats the plugin reads, as :class:`fsaudit.Reader` objects.

    A reader is chosen for a file by its ``sniff`` function when it has one, else by the
    file's extension; among several, the highest ``priority`` wins, then the name. A reader
    never raises on bad content: it returns problems in its :class:`fsaudit.ReadResult`
    (an exception is reported as an input error naming the reader).
    """


@hookspec
def fsaudit_reporters() -> Sequence[Reporter]:
    """Return the report formats the plugin writes, as :class:`fsaudit.Reporter` objects.

    ``fsaudit audit --format NAME`` selects one by its ``name``; a name provided by two
    plugins is an error naming both.
    """


@hookspec
def fsaudit_report_sections(
    report: AuditReport, structures: Sequence[LoadedStructure], departements: Sequence[Departement]
) -> Sequence[Section] | None:
    """Return extra sections for the report (a per-département summary, national totals…).

    Called once per audit, after every structure is decided, with the complete report, the
    audited structures (``LoadedStructure``, in the order of ``report.structures``) and the
    département blocks of the inputs (one per code). Each
    :class:`fsaudit.Section` carries JSON-ready ``data`` (written under ``sections.<key>`` in the
    JSON report), French ``text`` lines for the terminal and optional ``rows`` for tabular
    formats (one sheet per section in the Excel report). Sections are sorted by key; a key
    given by two plugins is an error naming both. An implementation that raises is reported as
    a plugin error and its sections are left out.
    """


@hookspec
def fsaudit_referentials() -> Sequence[Referential]:
    """Return the states of the charter the plugin provides, as :class:`fsaudit.Referential`.

    Called once per plugin set. The audit date selects, among every plugin's referentials, the
    one in force (latest ``valid_from`` on or before the date); two referentials with the same
    ``valid_from`` are an error naming both. The built-in charter plugin reads its
    ``rules/charte-*.json`` with :func:`fsaudit.load_referentials`.
    """


@hookspec
def fsaudit_commands() -> Sequence[click.Command]:
    """Return ``fsaudit`` sub-commands the plugin adds (:class:`click.Command` objects).

    ``fsaudit template`` is the workbook plugin's. A command may raise
    :class:`fsaudit.CommandError` with a French message (exit code 2, no traceback) and returns an
    exit code. A name taken by the core or by another plugin is an error naming both.
    """


@hookspec
def fsaudit_extension_schemas() -> Mapping[str, Mapping[str, Any]]:
    """Return the extension facts the plugin reads: ``{namespace: JSON Schema}``.

    A declaration carries them under ``extensions.<namespace>`` (a JSON object; in a workbook, the
    « Extensions » sheet), and a rule reads ``structure.extensions["<namespace>"]`` and says so in
    its ``needs`` (``extensions.<namespace>.<field>``). Each namespace is validated by its schema
    (JSON Schema 2020-12) when the input is read: a value the schema refuses is an input error at
    its place and an unread fact (the rules needing it answer *manual*); a namespace no plugin
    declares is ignored with a warning. Use the plugin's name as namespace; a namespace two
    plugins declare is an error naming both.

    Example::

        @hookimpl
        def fsaudit_extension_schemas():
            return {"mon_departement": {"type": "object", "additionalProperties": False,
                                        "properties": {"guichet_numerique": {"type": "boolean"}}}}
    """
