"""Waivers (dérogations): a finding the préfecture accepted for a while, on record.

A waiver names a structure and a rule (optionally a field), with its justification, approver,
legal basis and period of validity. Files are JSON (``{"waivers": [...]}``) or TOML
(``[[waivers]]`` tables), validated by ``schemas/waivers.schema.json``; every problem is an
:class:`~fsaudit.inputs.reader.InputProblem` in French with its location, and the valid waivers of a
file still apply.

A waiver in force on the audit date (``start <= as_of <= expiry``) turns the matching ``fail``
or ``warn`` result into ``waived``, carrying the waiver. An expired waiver, or one not yet in
force, does not apply and is listed; so is a waiver that matches no finding. The score is given
with and without waivers.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from fsaudit._resources import schema
from fsaudit.inputs.reader import DuplicateKeyError, no_duplicate_keys
from fsaudit.inputs.toml import toml_problem
from fsaudit.inputs.validation import _sort_key, translate_schema_error
from fsaudit.model.facts import InputProblem, json_path
from fsaudit.model.result import Result
from fsaudit.model.rule import Status
from fsaudit.text.french import WAIVER_FIELDS

__all__ = [
    "WAIVER_FIELDS",
    "Waiver",
    "WaiverLedger",
    "WaiverSet",
    "load_waivers",
]

_WAIVABLE = (Status.FAIL, Status.WARN)


@frozen
class Waiver:
    """One waiver of a waiver file; ``location`` is where it is written in that file."""

    structure: str
    rule: str
    justification: str
    approver: str
    legal_basis: str
    start: _dt.date
    expiry: _dt.date
    location: str
    field: str | None = None

    def state(self, as_of: _dt.date) -> str:
        """``active``, ``expired`` (expiry before ``as_of``) or ``not_started``."""
        if self.expiry < as_of:
            return "expired"
        if self.start > as_of:
            return "not_started"
        return "active"

    def covers_field(self, field: str | None) -> bool:
        """True when the waiver has no field, or ``field`` is that field or below it."""
        if self.field is None:
            return True
        if field is None:
            return False
        return field == self.field or field.startswith((self.field + ".", self.field + "["))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description, as written in reports."""
        return {
            "structure": self.structure,
            "rule": self.rule,
            "field": self.field,
            "justification": self.justification,
            "approver": self.approver,
            "legal_basis": self.legal_basis,
            "start": self.start.isoformat(),
            "expiry": self.expiry.isoformat(),
            "location": self.location,
        }


@frozen
class WaiverSet:
    """What a waiver file holds: its valid waivers (in file order) and its problems."""

    path: str
    sha256: str | None
    waivers: tuple[Waiver, ...] = ()
    problems: tuple[InputProblem, ...] = ()


# --- loading -------------------------------------------------------------------------------


_DATE_FIELDS = ("start", "expiry")
_DATE_HINT = "AAAA-MM-JJ ou JJ/MM/AAAA"


def _key(name: str) -> str:
    """``legal_basis`` → ``legal_basis (fondement juridique)``: the key to write, and its meaning."""
    gloss = WAIVER_FIELDS.get(name)
    return f"{name} ({gloss})" if gloss else name


_QUOTED_KEY = re.compile(r"« ([a-z_$]+) »")
_ALLOWED = re.compile(r"\(champs admis : ([^)]*)\)")


def _french_keys(message: str) -> str:
    """A schema message with each waiver key followed by its French meaning."""
    message = _QUOTED_KEY.sub(
        lambda m: f"« {m.group(1)} » ({WAIVER_FIELDS[m.group(1)]})" if m.group(1) in WAIVER_FIELDS else m.group(),
        message,
    )
    return _ALLOWED.sub(
        lambda m: "(champs admis : " + ", ".join(_key(k) for k in m.group(1).split(", ")) + ")", message
    )


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(schema("waivers"))


def _plain_dates(value: Any) -> Any:
    """TOML dates become ``YYYY-MM-DD`` text, as in JSON; a date-time keeps its time and is refused."""
    if isinstance(value, dict):
        return {k: _plain_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_dates(v) for v in value]
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    return value


_TABLE = re.compile(r"^\s*\[\[\s*waivers\s*\]\]")


def _toml_tables(text: str) -> list[tuple[int, str]]:
    """The text cut before each ``[[waivers]]`` header: ``(first line, text)``, the part before
    the first header first (first line 1)."""
    lines = text.splitlines(keepends=True)
    starts = [index for index, line in enumerate(lines) if _TABLE.match(line)]
    cuts = [0, *starts] if not starts or starts[0] != 0 else starts
    ends = [*cuts[1:], len(lines)]
    return [(start + 1, "".join(lines[start:end])) for start, end in zip(cuts, ends, strict=True)]


@frozen
class _Parsed:
    """A waiver file's data, where each waiver of ``data["waivers"]`` starts in the file, and the
    syntax errors of the waivers that could not be parsed."""

    data: Any = None
    lines: tuple[int, ...] | None = None
    """TOML: the line of the ``[[waivers]]`` header of each waiver of ``data["waivers"]``."""
    numbers: tuple[int, ...] | None = None
    """TOML: the rank in the file (1 for the first) of each waiver of ``data["waivers"]``."""
    problems: tuple[InputProblem, ...] = ()
    fields: tuple[dict[str, int], ...] = ()
    """TOML: the line of each key written in each waiver of ``data["waivers"]``."""
    text: str | None = None
    """JSON: the file's text, to give the line and column of a problem."""


_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def _field_lines(text: str, headers: Sequence[int]) -> tuple[dict[str, int], ...]:
    """For each ``[[waivers]]`` header line, the line of each ``key =`` of its table."""
    lines = text.splitlines()
    out = []
    for position, header in enumerate(headers):
        end = headers[position + 1] - 1 if position + 1 < len(headers) else len(lines)
        found: dict[str, int] = {}
        for number in range(header + 1, end + 1):
            match = _KEY_LINE.match(lines[number - 1])
            if match:
                found.setdefault(match.group(1), number)
        out.append(found)
    return tuple(out)


def _parse_toml(path: str, text: str) -> _Parsed:
    """TOML, read table by table when the whole file does not parse: a syntax error (a date
    JJ/MM/AAAA without quotes…) loses only the waiver it is in."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return _parse_toml_tables(path, text, error)
    headers = [n for n, line in enumerate(text.splitlines(), start=1) if _TABLE.match(line)]
    count = len(data.get("waivers", [])) if isinstance(data.get("waivers"), list) else 0
    if len(headers) == count:
        numbers = tuple(range(1, count + 1))
        return _Parsed(data, tuple(headers), numbers, fields=_field_lines(text, headers))
    return _Parsed(data)  # waivers written otherwise (an inline array): JSON paths


def _parse_toml_tables(path: str, text: str, error: tomllib.TOMLDecodeError) -> _Parsed:
    """A TOML file that does not parse as a whole (``error``), read table by table."""
    lines = text.splitlines()
    tables = _toml_tables(text)
    if len(tables) < 2:
        return _Parsed(problems=(toml_problem(path, error, lines),))
    data: dict[str, Any] = {}
    items: list[Any] = []
    starts: list[int] = []
    numbers: list[int] = []
    problems: list[InputProblem] = []
    count = 0
    for first, chunk in tables:
        number = None
        if _TABLE.match(chunk):
            count += 1
            number = count
        try:
            part = tomllib.loads(chunk)
        except tomllib.TOMLDecodeError as exc:
            last = first + max(len(chunk.splitlines()), 1) - 1
            end = last if number is not None else None
            problems.append(toml_problem(path, exc, lines, first - 1, f"dérogation n° {number}", end))
            continue
        if number is None:
            data.update(part)
            continue
        for item in part.get("waivers", []) if isinstance(part.get("waivers"), list) else [part]:
            items.append(item)
            starts.append(first)
            numbers.append(number)
    data["waivers"] = items
    headers = [first for first, chunk in tables if _TABLE.match(chunk)]
    by_header = dict(zip(headers, _field_lines(text, headers), strict=True))
    fields = tuple(by_header[first] for first in starts)
    return _Parsed(data, tuple(starts), tuple(numbers), tuple(problems), fields)


def _parse(path: str, raw: bytes) -> _Parsed:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8"
        return _Parsed(problems=(InputProblem(path, f"octet {exc.start}", message),))
    if path.lower().endswith(".toml"):
        return _parse_toml(path, text)
    try:
        return _Parsed(json.loads(text, object_pairs_hook=no_duplicate_keys), text=text)
    except DuplicateKeyError as exc:
        message = f"clé « {exc} » présente deux fois dans un même objet"
        return _Parsed(problems=(InputProblem(path, "fichier", message),))
    except json.JSONDecodeError as exc:
        where = f"ligne {exc.lineno}, colonne {exc.colno}"
        return _Parsed(problems=(InputProblem(path, where, "JSON invalide"),))
    except (ValueError, RecursionError):
        return _Parsed(problems=(InputProblem(path, "fichier", "JSON invalide"),))


def load_waivers(path: str | Path) -> WaiverSet:
    """Read and validate a waiver file; never raises on bad content (problems are returned).

    ``.toml`` files are read as TOML, anything else as JSON. In TOML, locations name the line of
    the ``[[waivers]]`` table (``ligne 7 (dérogation n° 2)``), and a syntax error loses only the
    waiver it is in; in JSON, the JSON path. Each waiver with a problem is reported and left
    out; the others apply. Dates are ``AAAA-MM-JJ`` or ``JJ/MM/AAAA`` (TOML dates too).
    """
    from fsaudit.inputs.files import NotReadable, read_regular
    from fsaudit.text.french import parse_fr_date

    name = str(path)
    try:
        raw = read_regular(path)
    except NotReadable as exc:
        return WaiverSet(name, None, problems=(InputProblem(name, "fichier", str(exc)),))
    sha256 = hashlib.sha256(raw).hexdigest()
    parsed = _parse(name, raw)
    if parsed.data is None:
        return WaiverSet(name, sha256, problems=parsed.problems)
    data = _plain_dates(parsed.data)

    def where(parts: tuple[str | int, ...]) -> str:
        index = parts[1] if len(parts) >= 2 and parts[0] == "waivers" else None
        if parsed.lines is not None and isinstance(index, int):
            if index < len(parsed.lines):
                field = f", champ {_key(str(parts[2]))}" if len(parts) > 2 else ""
                assert parsed.numbers is not None
                line = parsed.lines[index]
                if len(parts) > 2 and index < len(parsed.fields):
                    line = parsed.fields[index].get(str(parts[2]), line)
                return f"ligne {line} (dérogation n° {parsed.numbers[index]}{field})"
        return json_path(parts)

    raw_problems: list[tuple[tuple[str | int, ...], str]] = []
    for error in _validator().iter_errors(data):
        for parts, message in translate_schema_error(error):
            if parts and parts[-1] in _DATE_FIELDS and message.startswith("format invalide"):
                value = error.instance
                message = f"date invalide : « {value} » ; attendu {_DATE_HINT}"
            raw_problems.append((parts, _french_keys(message)))
    bad = {parts[1] for parts, _ in raw_problems if len(parts) >= 2 and isinstance(parts[1], int)}
    fatal = any(len(parts) < 2 or not isinstance(parts[1], int) for parts, _ in raw_problems)
    waivers: list[Waiver] = []
    if not fatal:
        said = {parts for parts, _ in raw_problems}
        for index, item in enumerate(data["waivers"]):
            dates = {}
            for key in _DATE_FIELDS:
                if ("waivers", index, key) in said or not isinstance(item.get(key), str):
                    continue  # already reported (or absent, or not a text: reported too)
                dates[key] = parse_fr_date(item[key])
                if dates[key] is None:
                    raw_problems.append(
                        (
                            ("waivers", index, key),
                            f"date inexistante : « {item[key]} » ; attendu une date du calendrier, {_DATE_HINT}",
                        )
                    )
                    bad.add(index)
            if index in bad:
                continue
            start, expiry = dates["start"], dates["expiry"]
            assert start is not None and expiry is not None
            if expiry < start:
                raw_problems.append(
                    (
                        ("waivers", index, "expiry"),
                        f"fin de validité ({expiry:%d/%m/%Y}) antérieure au début ({start:%d/%m/%Y})",
                    )
                )
                continue
            waivers.append(
                Waiver(
                    structure=item["structure"],
                    rule=item["rule"],
                    justification=item["justification"],
                    approver=item["approver"],
                    legal_basis=item["legal_basis"],
                    start=start,
                    expiry=expiry,
                    location=where(("waivers", index)),
                    field=item.get("field"),
                )
            )
    raw_problems.sort(key=lambda item: (_sort_key(item[0]), item[1]))
    locate: Callable[[tuple[str | int, ...]], str] = where
    if parsed.text is not None and raw_problems:
        locate = _json_where(parsed.text, [parts for parts, _ in raw_problems])
    problems = [*parsed.problems, *(InputProblem(name, locate(p), message) for p, message in raw_problems)]
    if parsed.lines is not None:
        problems.sort(key=lambda p: _line_of(p.location))
    return WaiverSet(name, sha256, tuple(waivers), tuple(problems))


def _json_where(text: str, paths: Sequence[tuple[str | int, ...]]) -> Callable[[tuple[str | int, ...]], str]:
    """``where`` for a JSON waiver file: the JSON path and the line and column of the value
    (``$.waivers[1].start (ligne 9, colonne 16)``); a missing key, at its object."""
    from fsaudit.inputs.jsonpos import json_regions

    def places(parts: tuple[str | int, ...]) -> list[str]:
        return [json_path(parts[:n]) for n in range(len(parts), 0, -1)]

    regions = json_regions(text, {place for parts in paths for place in places(parts)})

    def where(parts: tuple[str | int, ...]) -> str:
        found = next((regions[place] for place in places(parts) if place in regions), None)
        if found is None:
            return json_path(parts)
        return f"{json_path(parts)} (ligne {found[0]}, colonne {found[1]})"

    return where


def _line_of(location: str) -> tuple[int, str]:
    """Sort key of a TOML location: its line number first (``fin du fichier`` last)."""
    match = re.match(r"ligne (\d+)", location)
    return (int(match.group(1)) if match else 1 << 30, location)


# --- applying ------------------------------------------------------------------------------


class WaiverLedger:
    """Applies the waivers of a :class:`WaiverSet` to results and records what happened.

    Call :meth:`apply` on each structure's results (before the decision), then
    :meth:`summary` for ``report.waivers``.
    """

    def __init__(self, waivers: WaiverSet, as_of: _dt.date, rule_ids: Iterable[str]) -> None:
        self.waivers = waivers
        self.as_of = as_of
        self.rule_ids = set(rule_ids)
        self._applied: dict[int, list[dict[str, Any]]] = {}
        self._seen: dict[int, list[Result]] = {}
        self._structures: set[str] = set()

    def apply(self, structure_id: str, path: str, results: Mapping[str, Result]) -> dict[str, Result]:
        """``results`` (by rule id) with the matching fail/warn results turned into ``waived``."""
        self._structures.add(structure_id)
        out = dict(results)
        for index, waiver in enumerate(self.waivers.waivers):
            if waiver.structure != structure_id:
                continue
            result = out.get(waiver.rule)
            if result is None:
                continue
            self._seen.setdefault(index, []).append(result)
            if waiver.state(self.as_of) != "active":
                continue
            if result.status not in _WAIVABLE or not waiver.covers_field(result.field):
                continue
            record = {
                **waiver.to_dict(),
                "file": self.waivers.path,
                "original_status": result.status.value,
            }
            out[waiver.rule] = result.evolve(status=Status.WAIVED, waiver=record)
            self._applied.setdefault(index, []).append({**record, "path": path, "result_location": result.location})
        return out

    def _unused_reason(self, index: int, waiver: Waiver) -> str:
        if waiver.rule not in self.rule_ids:
            return f"règle {waiver.rule} inconnue (ou son plugin est désactivé)"
        if waiver.structure not in self._structures:
            return f"structure {waiver.structure} absente des déclarations auditées"
        seen = self._seen.get(index, [])
        if any(r.status is Status.WAIVED for r in seen):
            return "une autre dérogation couvre déjà ce constat"
        covered = [r for r in seen if r.status in _WAIVABLE]
        if covered:
            fields = ", ".join(sorted({r.field or "(structure entière)" for r in covered}))
            return f"le constat ne porte pas sur le champ {waiver.field} (champ du constat : {fields})"
        statuses = ", ".join(sorted({r.status.label for r in seen})) or "aucun résultat"
        return f"aucun constat non conforme ni avertissement à couvrir (statut : {statuses})"

    def summary(self, structures: Sequence[Any]) -> dict[str, Any]:
        """``applied``, ``expired``, ``not_started`` and ``unused`` waivers, and the scores of
        the structures a waiver applied to, with and without waivers."""
        applied: list[dict[str, Any]] = []
        expired: list[dict[str, Any]] = []
        not_started: list[dict[str, Any]] = []
        unused: list[dict[str, Any]] = []
        for index, waiver in enumerate(self.waivers.waivers):
            state = waiver.state(self.as_of)
            matched = any(r.status in _WAIVABLE and waiver.covers_field(r.field) for r in self._seen.get(index, []))
            entry = {**waiver.to_dict(), "would_apply": matched}
            if state == "expired":
                entry["message"] = (
                    f"dérogation expirée le {waiver.expiry:%d/%m/%Y} : elle ne couvre plus "
                    f"{waiver.rule} pour {waiver.structure}"
                )
                expired.append(entry)
            elif state == "not_started":
                entry["message"] = (
                    f"dérogation en vigueur à partir du {waiver.start:%d/%m/%Y} seulement : elle ne couvre "
                    f"pas encore {waiver.rule} pour {waiver.structure}"
                )
                not_started.append(entry)
            elif index in self._applied:
                applied.extend(self._applied[index])
            else:
                del entry["would_apply"]
                entry["message"] = (
                    f"dérogation sans objet pour {waiver.rule} et {waiver.structure} : "
                    + self._unused_reason(index, waiver)
                )
                unused.append(entry)
        scores = [
            {
                "structure": s.id,
                "path": s.path,
                "score": s.score,
                "score_without_waivers": s.score_without_waivers,
            }
            for s in structures
            if any(r.status is Status.WAIVED for r in s.results)
        ]
        return {
            "file": self.waivers.path,
            "sha256": self.waivers.sha256,
            "applied": applied,
            "expired": expired,
            "not_started": not_started,
            "unused": unused,
            "scores": scores,
        }


def _fr_date(iso: str) -> str:
    return _dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
