"""The national list of France services structures (ANCT open data) and the network view.

Provides three readers (the list in CSV, its spreadsheet export, and the GeoJSON map data) and the report sections that
summarise an audit by département and for the whole country. Registered through the ``fsaudit``
entry-point group like any third-party plugin.
"""

from __future__ import annotations

from collections.abc import Sequence

from fsaudit import AuditReport, Departement, LoadedStructure, Reader, Section, hookimpl


@hookimpl
def fsaudit_api_version() -> str:
    return "1"


@hookimpl
def fsaudit_readers() -> list[Reader]:
    from fsaudit_anct.reader import CSV_READER, GEOJSON_READER, WORKBOOK_READER

    return [CSV_READER, GEOJSON_READER, WORKBOOK_READER]


@hookimpl
def fsaudit_report_sections(
    report: AuditReport, structures: Sequence[LoadedStructure], departements: Sequence[Departement]
) -> Sequence[Section]:
    from fsaudit_anct.network import network_sections

    return network_sections(report, structures, departements)
