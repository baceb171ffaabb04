"""The JSON report: version 2 (``schemas/report-2.schema.json``, ``docs/report-v2.md``) by
default, version 1 (``schemas/report.schema.json``, deprecated) on request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from fsaudit import AuditReport, Reporter, report_to_dict, report_v2_chunks, structure_to_dict, visible_data

__all__ = ["REPORTER", "REPORT_VERSIONS", "is_json_report", "render_json", "stream_json"]

REPORT_VERSIONS = ("1", "2")
"""The versions of the JSON report this format writes (option ``report_version``, default 2)."""

_PLACEHOLDER = "fsaudit:structures"
_INDENT = orjson.OPT_INDENT_2


def _dumps(value: Any) -> bytes:
    """orjson's encoding; a text that is not valid Unicode (a file name whose bytes were not
    UTF-8, kept by the system as lone surrogates) is written visibly (``caf\\xe9.json``)."""
    try:
        return orjson.dumps(value, option=_INDENT)
    except orjson.JSONEncodeError:
        return orjson.dumps(visible_data(value), option=_INDENT)


def _version_1(report: AuditReport) -> Iterator[bytes]:
    """Version 1, byte-identical for identical input: sorted where order is not meaningful, no clock.

    UTF-8, two-space indentation, keys in the order of the contract (orjson: a C encoder,
    about ten times faster than the standard library's indented one on a national report).
    Structures are encoded one at a time, so that the plain-data copy of the whole report never
    exists at once (the output is the same as encoding
    :func:`~fsaudit.report.json_contract.report_to_dict` in one piece: ``tests/report/test_json_report.py``).
    """
    head = _dumps(report_to_dict(report, structures=_PLACEHOLDER))
    marker = b'\n  "structures": "' + _PLACEHOLDER.encode() + b'"'
    before, found, after = head.partition(marker)
    if not found:  # pragma: no cover - the placeholder is always at the top level
        raise RuntimeError("structures placeholder not found in the JSON report")
    yield before + b'\n  "structures": '
    if not report.structures:
        yield b"[]"
    else:
        titles = {rule.id: rule.title for rule in report.rules}
        last = len(report.structures) - 1
        for index, structure in enumerate(report.structures):
            chunk = _dumps(structure_to_dict(structure, titles))
            # Strings never hold a raw newline in JSON: re-indenting by newline is exact.
            yield (
                (b"[\n    " if index == 0 else b"\n    ")
                + chunk.replace(b"\n", b"\n    ")
                + (b"," if index != last else b"\n  ]")
            )
    yield after + b"\n"


def stream_json(report: AuditReport, options: dict[str, Any]) -> Iterator[bytes]:
    """The JSON report as chunks of bytes: version ``options["report_version"]`` (``"2"`` by
    default, ``"1"`` for consumers of the deprecated version 1)."""
    version = str(options.get("report_version", "2"))
    if version not in REPORT_VERSIONS:
        raise ValueError(f"version de rapport JSON « {version} » inconnue : attendu {' ou '.join(REPORT_VERSIONS)}")
    return _version_1(report) if version == "1" else report_v2_chunks(report)


def render_json(report: AuditReport, options: dict[str, Any]) -> bytes:
    """The JSON report in one piece (see :func:`stream_json`)."""
    return b"".join(stream_json(report, options))


def is_json_report(data: bytes) -> bool:
    """True when ``data`` is a JSON report of fsaudit (either version): a JSON object with the
    keys ``fsaudit_version`` and ``structures``. A byte search rules out every other file before
    anything is parsed (a declaration never names ``fsaudit_version``)."""
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"{") or b'"fsaudit_version"' not in data:
        return False
    try:
        document = orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError:
        return False
    return isinstance(document, dict) and "fsaudit_version" in document and "structures" in document


REPORTER = Reporter(
    name="json",
    description="Rapport JSON versionné, pour les outils et la CI",
    extension=".json",
    render=render_json,
    stream=stream_json,
    recognise=is_json_report,
)
