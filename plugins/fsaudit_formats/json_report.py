"""The JSON report: the versioned contract of ``schemas/report.schema.json``."""

from __future__ import annotations

from typing import Any

import orjson

from fsaudit import AuditReport, Reporter, report_to_dict, structure_to_dict, visible

__all__ = ["REPORTER", "render_json"]


_PLACEHOLDER = "fsaudit:structures"
_INDENT = orjson.OPT_INDENT_2


def _visible(value: Any) -> Any:
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {_visible(k): _visible(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_visible(v) for v in value]
    return value


def _dumps(value: Any) -> bytes:
    """orjson's encoding; a text that is not valid Unicode (a file name whose bytes were not
    UTF-8, kept by the system as lone surrogates) is written visibly (``caf\\xe9.json``)."""
    try:
        return orjson.dumps(value, option=_INDENT)
    except orjson.JSONEncodeError:
        return orjson.dumps(_visible(value), option=_INDENT)


def render_json(report: AuditReport, options: dict[str, Any]) -> bytearray:
    """Byte-identical for identical input: sorted where order is not meaningful, no clock.

    UTF-8, two-space indentation, keys in the order of the contract (orjson: a C encoder,
    about ten times faster than the standard library's indented one on a national report).
    Structures are encoded one at a time into the output, so that the plain-data copy of the
    whole report never exists at once (the output is the same as encoding
    :func:`~fsaudit.report.json_contract.report_to_dict` in one piece: ``tests/report/test_json_report.py``).
    """
    head = _dumps(report_to_dict(report, structures=_PLACEHOLDER))
    marker = b'\n  "structures": "' + _PLACEHOLDER.encode() + b'"'
    before, found, after = head.partition(marker)
    if not found:  # pragma: no cover - the placeholder is always at the top level
        raise RuntimeError("structures placeholder not found in the JSON report")
    out = bytearray(before)
    out += b'\n  "structures": '
    if not report.structures:
        out += b"[]"
    else:
        titles = {rule.id: rule.title for rule in report.rules}
        out += b"["
        last = len(report.structures) - 1
        for index, structure in enumerate(report.structures):
            chunk = _dumps(structure_to_dict(structure, titles))
            # Strings never hold a raw newline in JSON: re-indenting by newline is exact.
            out += b"\n    " + chunk.replace(b"\n", b"\n    ")
            if index != last:
                out += b","
        out += b"\n  ]"
    out += after
    out += b"\n"
    return out


REPORTER = Reporter(
    name="json",
    description="Rapport JSON versionné, pour les outils et la CI",
    extension=".json",
    render=render_json,
)
