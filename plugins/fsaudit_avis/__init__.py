"""The ``avis`` report format: one editable avis (ODT) per structure, for the prefect to sign.

Registered through the ``fsaudit`` entry-point group (name ``avis``) like any third-party plugin.
"""

from __future__ import annotations

from fsaudit import hookimpl


@hookimpl
def fsaudit_api_version() -> str:
    return "2"


@hookimpl
def fsaudit_reporters() -> list:
    from fsaudit_avis.document import REPORTERS

    return list(REPORTERS)
