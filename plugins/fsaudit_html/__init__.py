"""The ``html`` report format: one self-contained, offline HTML file for the auditor.

Summary by decision and département, a map of the structures over the département outlines,
a table that can be filtered and sorted, and a printable fiche per structure. Registered
through the ``fsaudit`` entry-point group (name ``html``) like any third-party plugin.
"""

from __future__ import annotations

from fsaudit import hookimpl


@hookimpl
def fsaudit_api_version() -> str:
    return "2"


@hookimpl
def fsaudit_reporters() -> list:
    from fsaudit_html.render import REPORTER

    return [REPORTER]
