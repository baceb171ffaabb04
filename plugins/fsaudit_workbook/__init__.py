"""Spreadsheets in and out: declaration workbooks (.xlsx, .xlsm, .ods), the template, the Excel report.

Registered through the ``fsaudit`` entry-point group (name ``workbook``) like any other plugin.
The layout an auditor fills is documented in ``docs/workbook.md`` and in the « Instructions »
sheet of ``fsaudit template``.
"""

from __future__ import annotations

from fsaudit import hookimpl


@hookimpl
def fsaudit_api_version() -> str:
    return "2"


@hookimpl
def fsaudit_readers() -> list:
    from fsaudit_workbook.reader import READER

    return [READER]


@hookimpl
def fsaudit_reporters() -> list:
    from fsaudit_workbook.xlsx_report import REPORTER

    return [REPORTER]


@hookimpl
def fsaudit_commands() -> list:
    from fsaudit_workbook.command import template_command

    return [template_command]
