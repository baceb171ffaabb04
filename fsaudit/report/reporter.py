"""What a report format is: a plugin's :class:`Reporter` renders an audit report to bytes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from attrs import frozen

from fsaudit.model.result import AuditReport

__all__ = ["Reporter"]


@frozen
class Reporter:
    """A report format: ``render(report, options)`` returns the bytes of the report."""

    name: str
    description: str
    extension: str
    render: Callable[[AuditReport, dict[str, Any]], bytes] = attrs.field(eq=False, repr=False)
    binary: bool = False
    """True when the output is not text (a workbook): it needs ``-o`` rather than the terminal."""
