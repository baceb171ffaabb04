"""The JSON report: the versioned contract of ``schemas/report.schema.json``."""

from __future__ import annotations

import json
from typing import Any

from fsaudit.report import AuditReport, Reporter, report_to_dict

__all__ = ["REPORTER", "render_json"]


def render_json(report: AuditReport, options: dict[str, Any]) -> bytes:
    """Byte-identical for identical input: sorted where order is not meaningful, no clock."""
    text = json.dumps(report_to_dict(report), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


REPORTER = Reporter(
    name="json",
    description="Rapport JSON versionné, pour les outils et la CI",
    extension=".json",
    render=render_json,
)
