"""Reading a saved JSON report of version 2: :func:`expand_v2` gives back the version 1
dictionary, so that ``fsaudit compare``, ``--baseline`` and every reader of version 1 read both.

The format is written by :mod:`fsaudit.report.json_v2` and described in ``docs/report-v2.md``
(``schemas/report-2.schema.json``); ``tests/report/test_json_v2.py`` checks on every sample that
expanding the version 2 report gives the version 1 report exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from fsaudit.model.rule import Status

__all__ = ["REPORT_V2_SUBSET", "ReportV2Error", "expand_v2"]

_TABLES = ("strings", "places", "evidence", "decisions")
_V2_KEYS = frozenset(("rules", "structures", *_TABLES))
_V1_VERSION = "1.0"
_STATUSES = tuple(status.value for status in Status)

_INDEX = {"type": "integer", "minimum": 0}
_TEXT = {"type": "string"}
_TEXT_OR_NULL = {"type": ["string", "null"]}

REPORT_V2_SUBSET: dict[str, Any] = {
    "type": "object",
    "required": ["report_version", "rules", "structures", *_TABLES],
    "properties": {
        "report_version": {"type": "string", "minLength": 1},
        "fsaudit_version": _TEXT,
        "referential": {"type": "object"},
        "summary": {"type": "object"},
        "errors": {"type": "array"},
        "rules": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "title", "severity"],
                "properties": {
                    "id": _TEXT,
                    "title": _TEXT,
                    "severity": {"enum": ["bloquant", "majeur", "mineur", "info"]},
                },
            },
        },
        "structures": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "id",
                    "name",
                    "path",
                    "location",
                    "departement",
                    "label_status",
                    "decision",
                    "score",
                    "results",
                ],
                "properties": {
                    "id": _TEXT,
                    "name": _TEXT,
                    "path": _INDEX,
                    "location": {"type": "object", "required": ["text"], "properties": {"text": _TEXT}},
                    "departement": _TEXT_OR_NULL,
                    "label_status": _TEXT_OR_NULL,
                    "decision": _INDEX,
                    "score": {"type": ["number", "null"]},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "array",
                            "minItems": 5,
                            "maxItems": 6,
                            "prefixItems": [
                                _TEXT,
                                {"enum": list(_STATUSES)},
                                _INDEX,
                                _INDEX,
                                _INDEX,
                                {
                                    "type": "object",
                                    "properties": {
                                        "severity": {"enum": ["bloquant", "majeur", "mineur", "info"]},
                                        "manual": {"const": True},
                                        "waiver": {"type": "object"},
                                    },
                                },
                            ],
                        },
                    },
                    "unread": {
                        "type": "array",
                        "items": {"type": "array", "prefixItems": [_INDEX, _INDEX], "minItems": 2, "maxItems": 2},
                    },
                    "notes": {"type": "array", "items": _INDEX},
                },
            },
        },
        "strings": {"type": "array", "items": _TEXT},
        "places": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["location"],
                "properties": {
                    "field": _TEXT,
                    "location": {
                        "type": "object",
                        "required": ["kind", "text"],
                        "properties": {"kind": _TEXT, "text": _TEXT, "relative": {"const": True}},
                    },
                },
            },
        },
        "evidence": {"type": "array", "items": {"type": "object"}},
        "decisions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "label", "reasons", "drivers", "actions", "policy"],
                "properties": {
                    "code": _TEXT,
                    "label": _TEXT,
                    "reasons": {"type": "array", "items": _TEXT},
                    "drivers": {"type": "array", "items": _TEXT},
                    "actions": {"type": "array", "items": {"type": "object"}},
                    "policy": _TEXT,
                },
            },
        },
    },
}
"""What :func:`expand_v2` reads of a version 2 report, as a JSON Schema: a reader validates a
file against it first (other keys, added by later 2.x versions, are let through)."""


class ReportV2Error(ValueError):
    """A version 2 report that cannot be expanded: ``path`` (JSON path) and ``message`` (French)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path} : {message}")
        self.path = path
        self.message = message


def _entry(table: Sequence[Any], name: str, index: Any, path: str) -> Any:
    if type(index) is not int or not 0 <= index < len(table):
        raise ReportV2Error(path, f"renvoi {index!r} hors de la table « {name} » ({len(table)} entrée(s))")
    return table[index]


def _expand_structure(
    s: Mapping[str, Any],
    at: str,
    rules: Mapping[str, Mapping[str, Any]],
    tables: Mapping[str, Sequence[Any]],
) -> dict[str, Any]:
    strings, places, evidence, decisions = (tables[name] for name in _TABLES)
    slocation = s["location"]["text"]

    def where(index: Any, path: str) -> tuple[str, Any]:
        place = _entry(places, "places", index, path)
        location = place["location"]
        text = slocation + location["text"] if location.get("relative") else location["text"]
        return text, place.get("field")

    decision = _entry(decisions, "decisions", s["decision"], f"{at}.decision")
    results = []
    for n, row in enumerate(s["results"]):
        path = f"{at}.results[{n}]"
        rule = row[0]
        known = rules.get(rule, {})
        extra = row[5] if len(row) > 5 else {}
        severity = extra.get("severity", known.get("severity"))
        if severity is None:
            raise ReportV2Error(path, f"gravité absente : la règle « {rule} » n'est pas dans « rules »")
        location, field = where(row[3], f"{path}[3]")
        result: dict[str, Any] = {
            "rule": rule,
            "title": known.get("title", ""),
            "status": row[1],
            "severity": severity,
            "message": _entry(strings, "strings", row[2], f"{path}[2]"),
            "location": location,
            "field": field,
            "evidence": _entry(evidence, "evidence", row[4], f"{path}[4]"),
        }
        if extra.get("manual"):
            result["manual"] = True
        if "waiver" in extra:
            result["waiver"] = extra["waiver"]
        results.append(result)
    counts = Counter(result["status"] for result in results)
    out: dict[str, Any] = {
        "id": s["id"],
        "name": s["name"],
        "path": _entry(strings, "strings", s["path"], f"{at}.path"),
        "location": slocation,
        "departement": s["departement"],
        "label_status": s["label_status"],
        "decision": decision["code"],
        "decision_label": decision["label"],
        "decision_reasons": list(decision["reasons"]),
        "decision_drivers": list(decision["drivers"]),
        "decision_policy": decision["policy"],
        "score": s["score"],
        "counts": {status: counts.get(status, 0) for status in _STATUSES},
        "actions": [dict(action) for action in decision["actions"]],
        "results": results,
    }
    if "unread" in s:
        unread = []
        for n, (place, message) in enumerate(s["unread"]):
            location, field = where(place, f"{at}.unread[{n}][0]")
            text = _entry(strings, "strings", message, f"{at}.unread[{n}][1]")
            unread.append({"field": field, "location": location, "message": text})
        out["unread"] = unread
    if "notes" in s:
        out["notes"] = [_entry(strings, "strings", note, f"{at}.notes[{n}]") for n, note in enumerate(s["notes"])]
    return out


def expand_v2(document: Mapping[str, Any]) -> dict[str, Any]:
    """The version 1 dictionary of a version 2 report (as loaded from JSON): the keys of
    :func:`fsaudit.report_to_dict`, in the same order, with the same values.

    Raises :class:`ReportV2Error` (JSON path, French message) when the document is not of
    version 2.x, an index points outside its table, or a result's rule has no severity. The
    document is expected to have the shape of :data:`REPORT_V2_SUBSET` (validate a file first).
    The evidence objects and waivers of results referring to the same table entry are the
    same objects: copy one before changing it.
    """
    version = str(document.get("report_version", ""))
    if version.split(".")[0] != "2":
        raise ReportV2Error("$.report_version", f"version de rapport {version or '?'} : attendu 2.x")
    rules = {rule["id"]: rule for rule in document["rules"]}
    tables = {name: document[name] for name in _TABLES}
    structures = [
        _expand_structure(s, f"$.structures[{n}]", rules, tables) for n, s in enumerate(document["structures"])
    ]
    out: dict[str, Any] = {}
    for key, value in document.items():
        if key == "report_version":
            out[key] = _V1_VERSION
        elif key not in _V2_KEYS:
            out[key] = value
        if key == "summary":
            out["structures"] = structures
    if "structures" not in out:
        out["structures"] = structures
    return out
