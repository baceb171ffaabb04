"""Waivers (dérogations): a finding the préfecture accepted for a while, on record.

A waiver names a structure and a rule (optionally a field), with its justification, approver,
legal basis and period of validity. Files are JSON (``{"waivers": [...]}``) or TOML
(``[[waivers]]`` tables), validated by ``schemas/waivers.schema.json``; every problem is an
:class:`~fsaudit.inputs.InputProblem` in French with its location, and the valid waivers of a
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
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from fsaudit._resources import schema
from fsaudit.inputs import (
    DuplicateKeyError,
    InputProblem,
    _sort_key,
    json_path,
    no_duplicate_keys,
    translate_schema_error,
)
from fsaudit.report import Result, compute_score
from fsaudit.rule import Status

__all__ = [
    "Waiver",
    "WaiverLedger",
    "WaiverSet",
    "load_waivers",
    "score_without_waivers",
    "waiver_text_lines",
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


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(
        schema("waivers"), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _plain_dates(value: Any) -> Any:
    """TOML dates become ``YYYY-MM-DD`` text, as in JSON; a date-time keeps its time and is refused."""
    if isinstance(value, dict):
        return {k: _plain_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_dates(v) for v in value]
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    return value


_TOML_ERRORS = {
    "Invalid value": "valeur invalide",
    "Cannot overwrite a value": "valeur déjà définie",
    "Unterminated string": "texte non terminé",
    "Expected '=' after a key in a key/value pair": "« = » attendu après le nom du champ",
    "Expected newline or end of document after a statement": "fin de ligne attendue après la valeur",
    "Invalid statement": "ligne invalide",
    "Unclosed array": "liste non fermée",
    "Unclosed inline table": "table en ligne non fermée",
}
_TOML_WHERE = re.compile(r"^(?P<msg>.*?) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$")


def _toml_problem(path: str, exc: tomllib.TOMLDecodeError) -> InputProblem:
    match = _TOML_WHERE.match(str(exc))
    english = match.group("msg") if match else str(exc)
    where = "fin du fichier"
    if match and match.group("line"):
        where = f"ligne {match.group('line')}, colonne {match.group('col')}"
    french = next((fr for en, fr in _TOML_ERRORS.items() if english.startswith(en)), "syntaxe incorrecte")
    if english.startswith("Cannot declare"):
        french = "table déclarée deux fois"
    return InputProblem(path, where, f"TOML invalide : {french}")


def _toml_table_lines(text: str) -> list[int]:
    """Line numbers of the ``[[waivers]]`` headers, in order (1-based)."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if re.match(r"^\s*\[\[\s*waivers\s*\]\]", line)
    ]


def _parse(path: str, raw: bytes) -> tuple[Any, list[int] | None, InputProblem | None]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, None, InputProblem(path, f"octet {exc.start}", "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8")
    if path.lower().endswith(".toml"):
        try:
            return tomllib.loads(text), _toml_table_lines(text), None
        except tomllib.TOMLDecodeError as exc:
            return None, None, _toml_problem(path, exc)
    try:
        return json.loads(text, object_pairs_hook=no_duplicate_keys), None, None
    except DuplicateKeyError as exc:
        return None, None, InputProblem(path, "fichier", f"clé « {exc} » présente deux fois dans un même objet")
    except json.JSONDecodeError as exc:
        return None, None, InputProblem(path, f"ligne {exc.lineno}, colonne {exc.colno}", "JSON invalide")
    except (ValueError, RecursionError):
        return None, None, InputProblem(path, "fichier", "JSON invalide")


def load_waivers(path: str | Path) -> WaiverSet:
    """Read and validate a waiver file; never raises on bad content (problems are returned).

    ``.toml`` files are read as TOML, anything else as JSON. In TOML, locations name the line of
    the ``[[waivers]]`` table (``ligne 7 (dérogation n° 2)``); in JSON, the JSON path.
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return WaiverSet(name, None, problems=(InputProblem(name, "fichier", f"lecture impossible ({exc.strerror or exc})"),))
    sha256 = hashlib.sha256(raw).hexdigest()
    data, toml_lines, problem = _parse(name, raw)
    if problem is not None:
        return WaiverSet(name, sha256, problems=(problem,))
    data = _plain_dates(data)

    def where(parts: tuple[str | int, ...]) -> str:
        if toml_lines is not None and len(parts) >= 2 and parts[0] == "waivers" and isinstance(parts[1], int):
            index = parts[1]
            if index < len(toml_lines):
                field = f", champ {'.'.join(str(p) for p in parts[2:])}" if len(parts) > 2 else ""
                return f"ligne {toml_lines[index]} (dérogation n° {index + 1}{field})"
        return json_path(parts)

    raw_problems: list[tuple[tuple[str | int, ...], str]] = []
    for error in _validator().iter_errors(data):
        raw_problems.extend(translate_schema_error(error))
    raw_problems.sort(key=lambda item: (_sort_key(item[0]), item[1]))
    bad = {parts[1] for parts, _ in raw_problems if len(parts) >= 2 and isinstance(parts[1], int)}
    fatal = any(len(parts) < 2 or not isinstance(parts[1], int) for parts, _ in raw_problems)
    problems = [InputProblem(name, where(parts), message) for parts, message in raw_problems]
    waivers: list[Waiver] = []
    if not fatal:
        for index, item in enumerate(data["waivers"]):
            if index in bad:
                continue
            start = _dt.date.fromisoformat(item["start"])
            expiry = _dt.date.fromisoformat(item["expiry"])
            if expiry < start:
                problems.append(
                    InputProblem(
                        name,
                        where(("waivers", index, "expiry")),
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
    return WaiverSet(name, sha256, tuple(waivers), tuple(problems))


# --- applying ------------------------------------------------------------------------------


def score_without_waivers(results: Iterable[Result]) -> float | None:
    """The score as if no waiver applied: each waived result counts with its original status."""
    restored = []
    for result in results:
        if result.status is Status.WAIVED and result.waiver and result.waiver.get("original_status"):
            result = attrs.evolve(result, status=Status(result.waiver["original_status"]))
        restored.append(result)
    return compute_score(restored)


class WaiverLedger:
    """Applies the waivers of a :class:`WaiverSet` to results and records what happened.

    Call :meth:`apply` on each structure's results (before the decision), then
    :meth:`summary` for ``report.extras["waivers"]``.
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
            out[waiver.rule] = attrs.evolve(result, status=Status.WAIVED, waiver=record)
            self._applied.setdefault(index, []).append(
                {**record, "path": path, "result_location": result.location}
            )
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
                "score_without_waivers": score_without_waivers(s.results),
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


def waiver_text_lines(summary: Mapping[str, Any]) -> list[str]:
    """French lines for the terminal report from ``report.extras["waivers"]``."""
    lines = [
        f"Dérogations ({summary['file']}) : {len(summary['applied'])} appliquée(s), "
        f"{len(summary['expired'])} expirée(s), {len(summary['not_started'])} pas encore en vigueur, "
        f"{len(summary['unused'])} sans objet"
    ]
    for item in summary["applied"]:
        lines.append(
            f"  ≈ {item['structure']} {item['rule']} : {item['justification']} — {item['approver']}, "
            f"{item['legal_basis']}, jusqu'au {_fr_date(item['expiry'])} [{item['location']}]"
        )
    for key in ("expired", "not_started", "unused"):
        for item in summary[key]:
            lines.append(f"  ! {item['structure']} {item['rule']} : {item['message']} [{item['location']}]")
    return lines


def _fr_date(iso: str) -> str:
    return _dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
