"""Report formats for continuous integration and audit campaigns: JUnit, SARIF, Markdown, CSV.

Registered through the ``fsaudit`` entry-point group (name ``ci``) like any third-party plugin;
``fsaudit audit --disable ci`` leaves these formats out.
"""

from __future__ import annotations

from fsaudit import hookimpl


@hookimpl
def fsaudit_api_version() -> str:
    return "2"


@hookimpl
def fsaudit_reporters() -> list:
    from fsaudit_ci.csv_report import REPORTER as CSV
    from fsaudit_ci.junit import REPORTER as JUNIT
    from fsaudit_ci.markdown import REPORTER as MARKDOWN
    from fsaudit_ci.sarif import REPORTER as SARIF

    return [CSV, JUNIT, MARKDOWN, SARIF]
