"""The network view: report sections that summarise an audit by département and for the whole
country (formats, opening hours, decisions, attendance growth, canton coverage).

Whatever the input (the national list, workbooks, JSON declarations), the summaries count only
what was read and say what they left out. Registered through the ``fsaudit`` entry-point group
like any third-party plugin; ``--disable network`` leaves the sections out.
"""

from __future__ import annotations

from collections.abc import Sequence

from fsaudit import AuditReport, Departement, LoadedStructure, Section, hookimpl


@hookimpl
def fsaudit_api_version() -> str:
    return "2"


@hookimpl
def fsaudit_report_sections(
    report: AuditReport, structures: Sequence[LoadedStructure], departements: Sequence[Departement]
) -> Sequence[Section]:
    from fsaudit_network.network import network_sections

    return network_sections(report, structures, departements)
