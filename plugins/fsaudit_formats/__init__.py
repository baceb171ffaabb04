"""Built-in input formats and report formats of fsaudit.

Registered through the ``fsaudit`` entry-point group like any third-party plugin.
"""

from __future__ import annotations

from fsaudit import hookimpl


@hookimpl
def fsaudit_api_version() -> str:
    return "2"


@hookimpl
def fsaudit_readers() -> list:
    from fsaudit_formats.json_reader import READER

    return [READER]


@hookimpl
def fsaudit_reporters() -> list:
    from fsaudit_formats.json_report import REPORTER as JSON
    from fsaudit_formats.text_report import REPORTER as TEXT

    return [JSON, TEXT]
