"""The national list of France services structures (ANCT open data), in every layout published.

Provides three readers: the list in CSV, its spreadsheet export, and the GeoJSON map data. The
summaries by département are the ``network`` plugin's. Registered through the ``fsaudit``
entry-point group like any third-party plugin.
"""

from __future__ import annotations

from fsaudit import Reader, hookimpl


@hookimpl
def fsaudit_api_version() -> str:
    return "2"


@hookimpl
def fsaudit_readers() -> list[Reader]:
    from fsaudit_anct.reader import CSV_READER, GEOJSON_READER, WORKBOOK_READER

    return [CSV_READER, GEOJSON_READER, WORKBOOK_READER]
