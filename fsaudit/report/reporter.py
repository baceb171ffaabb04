"""What a report format is: a plugin's :class:`Reporter` renders an audit report to bytes (or
streams it as chunks of bytes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs
from attrs import frozen

from fsaudit.model.result import AuditReport

__all__ = ["Reporter"]


@frozen
class Reporter:
    """A report format: ``render(report, options)`` returns the bytes of the report.

    A format whose reports are large may also give ``stream(report, options)``: the same bytes
    as ``render``, as an iterable of chunks that the command line writes one after the other
    (through a temporary file, renamed at the end), so that the whole text is never in memory.
    """

    name: str
    description: str
    extension: str
    render: Callable[[AuditReport, dict[str, Any]], bytes] = attrs.field(eq=False, repr=False)
    binary: bool = False
    """True when the output is not text (a workbook): it needs ``-o`` rather than the terminal."""
    stream: Callable[[AuditReport, dict[str, Any]], Iterable[bytes]] | None = attrs.field(
        default=None, eq=False, repr=False
    )
    """Optional: the report as chunks of bytes, whose concatenation is ``render``'s result."""
    recognise: Callable[[bytes], bool] | None = attrs.field(default=None, eq=False, repr=False)
    """Optional: true when ``data``, the bytes of a file, is a report of this format. A file that
    a reporter recognises is never read as a declaration (a warning says so): last run's reports,
    written into the declarations' folder, are not audited as structures on the next run. It must
    be quick on files that are not its reports (most inputs) and never raise on any bytes."""

    def chunks(self, report: AuditReport, options: dict[str, Any]) -> Iterable[bytes]:
        """The report as chunks of bytes: ``stream`` when the format gives it, else ``render``'s
        bytes in one chunk."""
        if self.stream is not None:
            return self.stream(report, options)
        return (self.render(report, options),)
