"""The JSON report, version 2 (``schemas/report-2.schema.json``, ``docs/report-v2.md``).

The same content as version 1 (:func:`~fsaudit.report.json_contract.report_to_dict`), written
compactly: each rule's metadata once (``rules``), what repeats across results and structures in
tables of distinct values referenced by index (``strings``, ``places``, ``evidence``,
``decisions``), locations structured (:meth:`fsaudit.Location.parts`) and, inside a structure,
relative to the structure's own location; what can be computed from the rest (a structure's
``counts``, a decision's label per structure) is not written.

:func:`report_v2_chunks` writes it as a stream: the header, then one structure at a time, then
the tables, so that memory holds the tables of distinct values and one batch of encoded
structures, never the whole text nor a dictionary of the whole report.
:func:`fsaudit.campaign.expand.expand_v2` (which reads saved reports) turns a version 2 document
back into the exact version 1 dictionary.
"""

from __future__ import annotations

import datetime as _dt
import functools
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson

from fsaudit.model.location import Location
from fsaudit.model.result import AuditReport, Result, StructureReport
from fsaudit.model.rule import Severity
from fsaudit.report.json_contract import _json_safe, report_to_dict
from fsaudit.text.french import visible_data

__all__ = ["REPORT_VERSION_2", "TABLES", "relative_location", "report_v2_chunks", "resolve_location"]

REPORT_VERSION_2 = "2.0"
"""Version of the compact JSON report contract (``urn:fsaudit:schema:report:2``)."""

TABLES = ("strings", "places", "evidence", "decisions")
"""The tables written after the structures, in this order."""

_OMITTED = "fsaudit:omitted"
_INDENT = orjson.OPT_INDENT_2
# Evidence is encoded by orjson directly when it holds only what report_to_dict would write
# unchanged; anything else (a str or dict subclass, a set, a non-str key…) takes the exact
# path of version 1 (_json_safe), so that both versions write the same values.
_EVIDENCE_OPTIONS = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_BATCH = 1 << 16
"""Bytes of encoded structures gathered before a chunk is given to the writer."""


_RESULT_FIELDS = ("rule", "status", "severity", "message", "location", "field", "evidence", "manual", "waiver")
_RESULT_VALUES = operator.attrgetter(*_RESULT_FIELDS)
"""A result's values, in the order of :data:`_RESULT_FIELDS`."""
_RESULTS_UNPACK = getattr(Result, "_fields", None) == _RESULT_FIELDS
"""A :class:`~fsaudit.Result` is a named tuple of those fields in that order: unpacked as it is
(a fifth of the writer's time on the national list ×10), else through :data:`_RESULT_VALUES`."""


def _encode(value: Any, option: int = 0) -> bytes:
    """orjson's encoding; a text that is not valid Unicode (lone surrogates of a file name that
    was not UTF-8) is written visibly (``caf\\xe9.json``), as in version 1."""
    try:
        return orjson.dumps(value, option=option)
    except orjson.JSONEncodeError:
        return orjson.dumps(visible_data(value), option=option)


def _date_only(value: Any) -> Any:
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError


_ENCODE_EVIDENCE = functools.partial(orjson.dumps, default=_date_only, option=_EVIDENCE_OPTIONS)
"""Evidence as version 1 writes it, when it holds only plain values (raises otherwise)."""


# --- locations --------------------------------------------------------------------------------


def _structured(location: Location) -> dict[str, Any]:
    """A location as written in version 2: its parts and its text."""
    out = location.parts()
    out["text"] = str(location)
    return out


def relative_location(location: str, structure: str) -> dict[str, Any] | None:
    """``location`` written relative to the location of its structure (``structure``), or
    ``None`` when it is not inside it.

    A location is inside its structure's when its text is the structure's followed by a suffix
    that only adds to it: nothing (the same place), a column (``ligne 2`` →
    ``ligne 2, colonnes h_lundi à h_samedi``) or a JSON member or item (``$.structures[3]`` →
    ``$.structures[3].opening_hours``). The result holds ``kind``, ``relative: true``, the suffix
    as ``text`` and the parts the suffix adds (a ``column``); :func:`resolve_location` gives the
    whole location back.
    """
    if not location.startswith(structure):
        return None
    suffix = location[len(structure) :]
    parent = Location.of(structure)
    kind = parent.kind
    if suffix:
        if kind == "json":
            if suffix[0] not in ".[":
                return None
        elif kind != "line" or parent.column is not None or not suffix.startswith(", colonne"):
            return None
    out: dict[str, Any] = {"kind": kind, "relative": True, "text": suffix}
    if kind == "line" and suffix:
        column = Location.of(location).column
        if column is None:  # pragma: no cover - a line followed by ", colonne…" always has one
            return None
        out["column"] = column
    if resolve_location(out, structure) != _structured(Location.of(location)):
        return None  # pragma: no cover - the forms above always resolve; kept as a guard
    return out


def resolve_location(entry: Mapping[str, Any], structure: str) -> dict[str, Any]:
    """The whole structured location (parts and ``text``) of a location entry of version 2:
    itself when absolute, else completed from the structure's location text ``structure``."""
    if not entry.get("relative"):
        return dict(entry)
    parent = _structured(Location.of(structure))
    out: dict[str, Any] = {}
    for key, value in parent.items():
        if key != "text":
            out[key] = value
    if out.get("kind") == "json":
        out["path"] = str(out.get("path", "")) + str(entry["text"])
    for key in ("sheet", "cell", "line", "column"):
        if key in entry:
            out[key] = entry[key]
    ordered = {"kind": out.pop("kind")}
    for key in ("path", "sheet", "cell", "line", "column"):
        if key in out:
            ordered[key] = out[key]
    ordered["text"] = structure + str(entry["text"])
    return ordered


# --- writing ----------------------------------------------------------------------------------


class _Table:
    """Distinct values in the order of their first use: a key → its index, and the encoded entries
    (each copied to its size: the bytes orjson returns keep a buffer of a few kilobytes)."""

    __slots__ = ("encoded", "index")

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.encoded: list[bytes] = []

    def add(self, key: Any, encoded: bytes) -> int:
        """The index of ``key``, its entry ``encoded`` added if it is new (an entry keyed by its own
        encoding passes it as both)."""
        number = self.index.get(key)
        if number is None:
            compact = bytes(memoryview(encoded))
            number = self.index[compact if key is encoded else key] = len(self.encoded)
            self.encoded.append(compact)
        return number


def _severity_in_force(report: AuditReport, rule: Any) -> str:
    referential = report.referential
    default = rule.severity.value
    if referential is None or not hasattr(referential, "severity_for"):
        return str(default)
    return str(referential.severity_for(rule.id, default))


def _rule_entry(report: AuditReport, rule: Any) -> dict[str, Any]:
    reference = rule.reference
    return {
        "id": rule.id,
        "title": rule.title,
        "severity": _severity_in_force(report, rule),
        "domain": rule.domain,
        "applies_to": rule.applies_to,
        "scope": rule.scope.value,
        "reference": {"text": reference.text, "source": reference.source, "confidence": reference.confidence},
        "description": rule.description,
        "remediation": rule.remediation,
        "needs": list(rule.needs),
    }


def _action_entry(action: Any) -> dict[str, Any]:
    return {
        "rule": action.rule,
        "severity": action.severity.value,
        "action": action.action,
        "deadline": action.deadline.isoformat() if action.deadline else None,
        "indicative": action.indicative,
        "deadline_basis": action.deadline_basis,
    }


class _Writer:
    """The state of one version 2 report being written: the tables of distinct values."""

    def __init__(self, report: AuditReport) -> None:
        self.report = report
        self.severity: dict[str, Severity] = {
            rule.id: Severity(_severity_in_force(report, rule)) for rule in report.rules
        }
        self.strings: dict[str, int] = {}
        """Texts → their index: encoded all at once after the structures (:func:`_strings_array`)."""
        self.places = _Table()
        self.evidence = _Table()
        self.decisions = _Table()
        self.empty_evidence: int | None = None
        """The index of ``{}`` in ``evidence``, once a result without evidence was written."""
        self.inside: dict[tuple[str, bool], dict[tuple[str, str | None], int]] = {}
        """Places relative to a structure's location, by the kind of that location (and whether
        a location inside it may add to it): (suffix, field) → index."""
        self.same: dict[str, dict[str | None, int]] = {}
        """Places at the structure's own location, by the kind of that location: field → index."""

    # header and tables

    def head(self) -> bytes:
        data = report_to_dict(self.report, structures=_OMITTED)
        del data["structures"]
        data["report_version"] = REPORT_VERSION_2
        head = _encode(data, _INDENT)
        if not head.endswith(b"\n}"):  # pragma: no cover - orjson's indented object always ends so
            raise RuntimeError("unexpected end of the JSON report header")
        out = bytearray(head[:-2])
        out += b",\n"
        out += _array("rules", [_encode(_rule_entry(self.report, rule)) for rule in self.report.rules])
        out += b',\n  "structures": ['
        return bytes(out)

    def tail(self, any_structure: bool) -> Iterator[bytes]:
        """The end of the structures, then each table (one chunk each)."""
        yield (b"\n  ]" if any_structure else b"]") + b",\n" + _strings_array(self.strings)
        for name in TABLES[1:]:
            yield b",\n" + _array(name, getattr(self, name).encoded)
        yield b"\n}\n"

    # the tables

    def string(self, text: str) -> int:
        number = self.strings.get(text)
        if number is None:
            number = self.strings[text] = len(self.strings)
        return number

    def place(self, location: str, field: str | None, structure: str, kind: str, nested: bool) -> int:
        """The index of a place: ``location`` relative to the structure's (``structure``, of
        ``kind``) when inside it, else absolute. ``nested``: a location inside the structure's
        may add to it (``json``, or ``line`` without a column)."""
        if location.startswith(structure):
            suffix = location[len(structure) :]
            if not suffix or (nested and (suffix[0] in ".[" if kind == "json" else suffix.startswith(", colonne"))):
                inside = self.inside.setdefault((kind, nested), {})
                number = inside.get((suffix, field))
                if number is not None:
                    return number
                relative = relative_location(location, structure)
                if relative is not None:
                    key: tuple[Any, ...] = (kind, suffix, field)
                    entry = {"location": relative} if field is None else {"field": field, "location": relative}
                    number = inside[suffix, field] = self.places.add(key, _encode(entry))
                    if not suffix:
                        self.same.setdefault(kind, {})[field] = number
                    return number
        key = ("", location, field)
        number = self.places.index.get(key)
        if number is None:
            absolute = _structured(Location.of(location))
            entry = {"location": absolute} if field is None else {"field": field, "location": absolute}
            number = self.places.add(key, _encode(entry))
        return number

    def decision(self, decision: Any) -> int:
        try:
            key: Any = (decision.code._value_, decision.reasons, decision.drivers, decision.actions, decision.policy)
            number = self.decisions.index.get(key)
        except TypeError:  # a plugin's decision holding lists: keyed by its encoding
            key = number = None
        if number is not None:
            return number
        entry = {
            "code": decision.code.value,
            "label": decision.label,
            "reasons": list(decision.reasons),
            "drivers": list(decision.drivers),
            "actions": [_action_entry(a) for a in decision.actions],
            "policy": decision.policy,
        }
        encoded = _encode(entry)
        return self.decisions.add(encoded if key is None else key, encoded)

    # one structure

    def _row(
        self, rule: str, status: Any, severity: Any, manual: bool, waiver: Any, m: int, p: int, e: int
    ) -> tuple[Any, ...]:
        """A result whose severity is not its rule's, set by the auditor, or waived."""
        extra: dict[str, Any] = {}
        if severity is not self.severity.get(rule):
            extra["severity"] = severity.value
        if manual:
            extra["manual"] = True
        if waiver is not None:
            extra["waiver"] = _json_safe(waiver)
        return (rule, status._value_, m, p, e, extra)

    def structure(self, s: StructureReport) -> bytes:
        """One structure, encoded; its values enter the tables in the order they are written."""
        path = self.string(s.path)
        decision = self.decision(s.decision)
        parts = s.location.parts()
        slocation = str(s.location)
        kind = parts["kind"]
        nested = kind == "json" or (kind == "line" and "column" not in parts)
        cut = len(slocation)
        inside = self.inside.get((kind, nested), {})
        inside_get = inside.get
        same_get = self.same.setdefault(kind, {}).get
        string_get = self.strings.get
        evidence_get = self.evidence.index.get
        encode_evidence = _ENCODE_EVIDENCE
        severity_get = self.severity.get
        empty = self.empty_evidence
        rows: list[tuple[Any, ...]] = []
        append = rows.append
        results: Iterable[tuple[Any, ...]] = s.results if _RESULTS_UNPACK else map(_RESULT_VALUES, s.results)
        for rule, status, severity, message, location, field, evidence, manual, waiver in results:
            m = string_get(message)
            if m is None:
                m = self.string(message)
            if location == slocation:
                p = same_get(field)
                if p is None:
                    p = self.place(location, field, slocation, kind, nested)
            elif location.startswith(slocation):
                p = inside_get((location[cut:], field))
                if p is None:
                    p = self.place(location, field, slocation, kind, nested)
                    inside_get = self.inside.get((kind, nested), inside).get
            else:
                p = self.place(location, field, slocation, kind, nested)
            if evidence or evidence.__class__ is not dict:
                try:
                    encoded = encode_evidence(evidence)
                except orjson.JSONEncodeError:
                    encoded = _encode(_json_safe(evidence))
                e = evidence_get(encoded)
                if e is None:
                    e = self.evidence.add(encoded, encoded)
            elif empty is None:  # most results have none: {} once in the table
                e = empty = self.empty_evidence = self.evidence.add(b"{}", b"{}")
            else:
                e = empty
            if manual or waiver is not None or severity is not severity_get(rule):
                append(self._row(rule, status, severity, manual, waiver, m, p, e))
            else:
                append((rule, status._value_, m, p, e))
        parts["text"] = slocation
        out: dict[str, Any] = {
            "id": s.id,
            "name": s.name,
            "path": path,
            "location": parts,
            "departement": s.departement,
            "label_status": s.label_status,
            "decision": decision,
            "score": s.score,
            "results": rows,
        }
        if s.unread:
            out["unread"] = [
                [self.place(f.location, f.field, slocation, kind, nested), self.string(f.reason)] for f in s.unread
            ]
        if s.notes:
            out["notes"] = [self.string(note) for note in s.notes]
        return _encode(out)


def _array(name: str, items: Sequence[bytes]) -> bytes:
    """``  "name": [`` one item per line ``]``, at the top level of the document."""
    if not items:
        return b'  "' + name.encode() + b'": []'
    return b'  "' + name.encode() + b'": [\n    ' + b",\n    ".join(items) + b"\n  ]"


def _strings_array(strings: Mapping[str, int]) -> bytes:
    """``  "strings": [`` one text per line ``]``, the texts encoded in one call (as :func:`_array`
    lays out a table)."""
    if not strings:
        return b'  "strings": []'
    # Strings never hold a raw newline in JSON: re-indenting by newline is exact.
    return b'  "strings": ' + _encode(list(strings), _INDENT).replace(b"\n", b"\n  ")


def report_v2_chunks(report: AuditReport) -> Iterator[bytes]:
    """The JSON report version 2 of ``report``, as UTF-8 chunks to write one after the other.

    Byte-identical for identical input: the header is version 1's (without its structures),
    then ``rules`` (sorted by id), the structures in the report's order, one per line, and the
    tables, each in the order of first use.
    """
    writer = _Writer(report)
    yield writer.head()
    batch: list[bytes] = []
    size = 0
    separator = b"\n    "
    for s in report.structures:
        encoded = writer.structure(s)
        batch.append(separator + encoded)
        separator = b",\n    "
        size += len(encoded)
        if size >= _BATCH:
            yield b"".join(batch)
            batch.clear()
            size = 0
    if batch:
        yield b"".join(batch)
    yield from writer.tail(bool(report.structures))
