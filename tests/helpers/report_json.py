"""The JSON report in tests: the version 1 dictionary, whichever version the report was written in
(version 2 is expanded with :func:`fsaudit.expand_v2`, which the samples' tests prove exact)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fsaudit import expand_v2


def v1_of(text: str | bytes) -> dict[str, Any]:
    """The version 1 dictionary of a JSON report's text."""
    data = json.loads(text)
    return expand_v2(data) if str(data.get("report_version", "")).startswith("2.") else data


def read_v1(path: str | Path) -> dict[str, Any]:
    """The version 1 dictionary of a JSON report file."""
    return v1_of(Path(path).read_bytes())
