"""A préfecture's overlay of the referential: a small TOML file that changes what the texts leave
open (CHARTER.md marks [U] and [C2]: deadlines, severities, the count of partners, the status of
buses…), with its author, shown in every report.

```toml
title = "Délais du plan d'actions du Gers"
author = "Préfecture du Gers, bureau de l'animation territoriale"
date = 2025-03-01                  # optional
referential = "charte-2025"        # optional: refused under another referential

[values]
"deadlines.majeur_days" = 120

[severities]
FS-PAR-02 = "info"

[force]                            # an official [C] requirement weakened: justification required
"staff.min_present" = "Arrêté préfectoral n° 2025-12 (expérimentation)"
```

:func:`load_overlay` checks the file's shape, :func:`apply_overlay` checks it against the
referential in force and returns that referential with the overlay applied (and recorded in
``Referential.overlay``). Every problem is an :class:`~fsaudit.inputs.reader.InputProblem` in French
with the line and the key; an overlay with a problem is refused as a whole (a partly applied
overlay would give a report that says what the préfecture did not decide).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from fsaudit.model.facts import InputProblem
from fsaudit.model.referential import CONFIDENCE_RANK, Referential, ReferentialError, ReferentialValue
from fsaudit.model.rule import Severity
from fsaudit.text.french import closest_name, fr_value

__all__ = ["Overlay", "OverlayChange", "OverlayError", "apply_overlay", "load_overlay"]

_TOP_KEYS = ("title", "author", "date", "referential", "values", "severities", "force")
_SEVERITY_WORDS = ", ".join(s.value for s in Severity)


class OverlayError(ReferentialError):
    """An overlay that cannot be applied; ``problems`` says where and why, in French."""

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@frozen
class OverlayChange:
    """One requirement the overlay changes."""

    kind: str
    """``value`` (a key of the referential's values) or ``severity`` (a rule id)."""
    key: str
    label: str | None
    official: Any
    value: Any
    confidence: str
    """The confidence mark of the official requirement."""
    weakened: bool
    """True when the change makes an official [C] requirement less strict."""
    justification: str | None = None
    """The ``[force]`` justification, for a weakened official requirement."""
    location: str = ""

    def describe(self) -> str:
        """``deadlines.majeur_days : 180 → 120 [U]`` (French, one line)."""
        what = self.key if self.kind == "value" else f"gravité de {self.key}"
        text = f"{what} : {fr_value(self.official)} → {fr_value(self.value)} [{self.confidence}]"
        if self.weakened:
            text += f", exigence officielle affaiblie par dérogation explicite ([force] : {self.justification})"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, as in the report's ``referential.overlay.changes``."""
        return {
            "kind": self.kind,
            "key": self.key,
            "label": self.label,
            "official": _json_value(self.official),
            "value": _json_value(self.value),
            "confidence": self.confidence,
            "weakened": self.weakened,
            "justification": self.justification,
        }


@frozen
class Overlay:
    """A préfecture overlay as read from its file (``changes`` filled once applied)."""

    path: str
    """The file, as the user named it."""
    sha256: str
    title: str
    author: str
    date: _dt.date | None = None
    referential: str | None = None
    values: tuple[tuple[str, Any], ...] = ()
    severities: tuple[tuple[str, Any], ...] = ()
    force: tuple[tuple[str, Any], ...] = ()
    lines: tuple[tuple[str, int], ...] = ()
    """Line of each key (``values.deadlines.majeur_days``, ``severities.FS-PAR-02``…)."""
    changes: tuple[OverlayChange, ...] = ()

    @property
    def weakened(self) -> tuple[OverlayChange, ...]:
        """Changes that weaken an official [C] requirement (each with its justification)."""
        return tuple(change for change in self.changes if change.weakened)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready provenance, as in the report's ``referential.overlay``."""
        return {
            "file": self.path,
            "sha256": self.sha256,
            "title": self.title,
            "author": self.author,
            "date": self.date.isoformat() if self.date else None,
            "changes": [change.to_dict() for change in self.changes],
        }

    def text_lines(self) -> list[str]:
        """French lines for a report header: the overlay, its author, each change."""
        dated = f", du {self.date:%d/%m/%Y}" if self.date else ""
        lines = [
            f"Surcouche de la préfecture : {self.path} — « {self.title} », établie par {self.author}{dated} "
            f"(sha256 {self.sha256[:12]}…) ; {len(self.changes)} modification(s) du référentiel officiel :"
        ]
        lines += [f"  · {change.describe()}" for change in self.changes]
        if self.weakened:
            lines.append(
                f"  ATTENTION : {len(self.weakened)} exigence(s) officielle(s) [C] affaiblie(s) par la surcouche."
            )
        return lines


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, _dt.date) else value


# --- reading -------------------------------------------------------------------------------

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_PART = rf"(?:{_QUOTED}|{_BARE})"
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_TABLE_LINE = re.compile(rf"^\s*\[\s*({_DOTTED})\s*\]")
_KEY_LINE = re.compile(rf"^\s*({_DOTTED})\s*=")


def _parts(dotted: str) -> list[str]:
    out = []
    for match in re.finditer(_PART, dotted):
        text = match.group(0)
        out.append(text[1:-1] if text[:1] in "\"'" else text)
    return out


def _key_lines(text: str) -> dict[str, int]:
    """The line of each key of the file, by its full dotted path (``values.deadlines.majeur_days``);
    a quoted dotted key (``"deadlines.majeur_days"``) gives the same path."""
    lines: dict[str, int] = {}
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE_LINE.match(line)
        if header and not line.lstrip().startswith("[["):
            table = _parts(header.group(1))
            lines.setdefault(".".join(table), number)
            continue
        key = _KEY_LINE.match(line)
        if key:
            lines.setdefault(".".join([*table, *_parts(key.group(1))]), number)
    return lines


def _flatten(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``{"deadlines": {"majeur_days": 120}}`` → ``[("deadlines.majeur_days", 120)]``."""
    out: list[tuple[str, Any]] = []
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, full + "."))
        else:
            out.append((full, value))
    return out


def load_overlay(path: str | Path) -> Overlay:
    """Read an overlay file and check its shape; raises :class:`OverlayError` (every problem)."""
    from fsaudit.inputs.files import NotReadable, read_regular
    from fsaudit.inputs.toml import toml_problem

    name = str(path)
    try:
        raw = read_regular(path)  # never a blocking open (a FIFO named as overlay)
    except NotReadable as exc:
        raise OverlayError([InputProblem(name, "fichier", str(exc))]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OverlayError(
            [InputProblem(name, f"octet {exc.start}", "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8")]
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OverlayError([toml_problem(name, exc, text.splitlines())]) from None
    lines = _key_lines(text)
    problems: list[InputProblem] = []

    def where(key: str) -> str:
        line = lines.get(key)
        return f"ligne {line}" if line else "fichier"

    for key in data:
        if key not in _TOP_KEYS:
            hint = closest_name(key, _TOP_KEYS, cutoff=0.6)
            suggestion = f" (voulez-vous dire « {hint} » ?)" if hint else ""
            problems.append(
                InputProblem(
                    name, where(key), f"clé « {key} » inconnue{suggestion} ; clés admises : {', '.join(_TOP_KEYS)}"
                )
            )
    texts: dict[str, str] = {}
    for key, required, meaning in (
        ("author", True, "qui a établi la surcouche (service de la préfecture)"),
        ("title", True, "ce que la surcouche change, en une phrase"),
        ("referential", False, "l'identifiant du référentiel visé, par exemple charte-2025"),
    ):
        value = data.get(key)
        if value is None:
            if required:
                problems.append(InputProblem(name, "fichier", f"clé « {key} » obligatoire : {meaning}"))
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(InputProblem(name, where(key), f"clé « {key} » : attendu un texte non vide ({meaning})"))
            continue
        texts[key] = value.strip()
    date = data.get("date")
    if date is not None and (not isinstance(date, _dt.date) or isinstance(date, _dt.datetime)):
        problems.append(
            InputProblem(name, where("date"), "clé « date » : attendu une date AAAA-MM-JJ, sans guillemets")
        )
        date = None
    tables: dict[str, list[tuple[str, Any]]] = {}
    for key in ("values", "severities", "force"):
        table = data.get(key, {})
        if not isinstance(table, dict):
            problems.append(InputProblem(name, where(key), f"« {key} » : attendu une table [{key}]"))
            table = {}
        tables[key] = _flatten(table) if key == "values" else list(table.items())
    for key, value in tables["force"]:
        if not isinstance(value, str) or not value.strip():
            problems.append(
                InputProblem(
                    name,
                    where(f"force.{key}"),
                    f"[force] « {key} » : attendu la justification, en texte (décision, arrêté…)",
                )
            )
    if not tables["values"] and not tables["severities"]:
        problems.append(
            InputProblem(
                name, "fichier", "la surcouche ne change rien : tables [values] et [severities] vides ou absentes"
            )
        )
    if problems:
        raise OverlayError(problems)
    return Overlay(
        path=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=texts["title"],
        author=texts["author"],
        date=date,
        referential=texts.get("referential"),
        values=tuple(tables["values"]),
        severities=tuple(tables["severities"]),
        force=tuple((key, value.strip()) for key, value in tables["force"]),
        lines=tuple(sorted(lines.items())),
    )


# --- applying ------------------------------------------------------------------------------

_TIME = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _kind_of(official: Any) -> str:
    if isinstance(official, bool):
        return "bool"
    if isinstance(official, int):
        return "int"
    if isinstance(official, float):
        return "number"
    if isinstance(official, str) and _TIME.match(official):
        return "time"
    if isinstance(official, str) and _ISO_DATE.match(official):
        return "date"
    return "text"


_EXPECTED = {
    "bool": "true ou false",
    "int": "un nombre entier",
    "number": "un nombre",
    "time": "une heure HH:MM entre guillemets",
    "date": "une date AAAA-MM-JJ",
    "text": "un texte",
}


def _coerce(entry: ReferentialValue, value: Any) -> tuple[Any, str | None]:
    """The overlay's value in the referential's own type, or the French reason it is refused."""
    kind = _kind_of(entry.value)
    expected = f"attendu {_EXPECTED[kind]} (valeur officielle : {fr_value(entry.value)})"
    if kind == "bool":
        return (value, None) if isinstance(value, bool) else (None, expected)
    if kind in ("int", "number"):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (kind == "int" and not isinstance(value, int))
        ):
            return None, expected
        if entry.minimum is not None and value < entry.minimum:
            return None, f"attendu au moins {fr_value(entry.minimum)}"
        return (float(value) if kind == "number" else value), None
    if kind == "date":
        if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            return value.isoformat(), None
        if isinstance(value, str) and _ISO_DATE.match(value):
            try:
                return _dt.date.fromisoformat(value).isoformat(), None
            except ValueError:
                pass
        return None, expected
    if not isinstance(value, str) or not value.strip():
        return None, expected
    if kind == "time" and not _TIME.match(value):
        return None, expected
    if entry.allowed and value not in entry.allowed:
        return None, f"attendu {', '.join(entry.allowed)} (valeur officielle : {entry.value})"
    return value, None


def _weakens(entry: ReferentialValue, new: Any) -> bool:
    """True when ``new`` makes the requirement less strict than ``entry`` (or when no way is
    known to be stricter: any change then counts as weakening)."""
    official = entry.value
    if entry.stricter in ("true", "false"):
        return bool(new != (entry.stricter == "true"))
    if entry.stricter in ("higher", "lower"):
        a, b = official, new
        if _kind_of(official) == "date":
            a, b = _dt.date.fromisoformat(official), _dt.date.fromisoformat(new)
        return bool(b < a if entry.stricter == "higher" else b > a)
    return True


def apply_overlay(referential: Referential, overlay: Overlay) -> Referential:
    """``referential`` with ``overlay`` applied (and recorded in its ``overlay``); raises
    :class:`OverlayError` with every problem when the overlay does not fit the referential."""
    lines = dict(overlay.lines)
    name = overlay.path
    problems: list[InputProblem] = []

    def where(key: str) -> str:
        line = lines.get(key)
        return f"ligne {line}" if line else "fichier"

    if overlay.referential is not None and overlay.referential != referential.id:
        problems.append(
            InputProblem(
                name,
                where("referential"),
                f"surcouche écrite pour le référentiel {overlay.referential} ; le référentiel en vigueur à la "
                f"date de l'audit est {referential.id} (en vigueur depuis le {referential.valid_from:%d/%m/%Y})",
            )
        )
    force = dict(overlay.force)
    used_force: set[str] = set()
    changes: list[OverlayChange] = []
    values = dict(referential.values)
    for key, raw in overlay.values:
        at = where(f"values.{key}")
        entry = referential.values.get(key)
        if entry is None:
            hint = closest_name(key, referential.values, cutoff=0.6)
            suggestion = f" (voulez-vous dire « {hint} » ?)" if hint else ""
            problems.append(
                InputProblem(
                    name, at, f"[values] « {key} » : valeur inconnue du référentiel {referential.id}{suggestion}"
                )
            )
            continue
        value, reason = _coerce(entry, raw)
        if reason is not None:
            problems.append(InputProblem(name, at, f"[values] « {key} » : {reason}"))
            continue
        if key == "partners.expected_count" and value > len(referential.partners):
            problems.append(
                InputProblem(
                    name,
                    at,
                    f"[values] « {key} » : au plus {len(referential.partners)} (partenaires de la liste de "
                    f"{referential.id})",
                )
            )
            continue
        change = _change(name, at, "value", key, entry, value, force, used_force, problems)
        if change is None:
            continue
        changes.append(change)
        values[key] = attrs.evolve(entry, value=value, note=_overlay_note(overlay, entry))
    severities = dict(referential.severities)
    entries = dict(referential.severity_entries)
    for rule_id, raw in overlay.severities:
        at = where(f"severities.{rule_id}")
        entry = referential.severity_entries.get(rule_id)
        if entry is None:
            hint = closest_name(rule_id, referential.severity_entries)
            suggestion = f" (voulez-vous dire « {hint} » ?)" if hint else ""
            problems.append(
                InputProblem(
                    name, at, f"[severities] « {rule_id} » : règle inconnue du référentiel {referential.id}{suggestion}"
                )
            )
            continue
        if raw not in {s.value for s in Severity}:
            problems.append(
                InputProblem(
                    name,
                    at,
                    f"[severities] « {rule_id} » : attendu {_SEVERITY_WORDS} (gravité officielle : {entry.value})",
                )
            )
            continue
        change = _change(name, at, "severity", rule_id, entry, raw, force, used_force, problems)
        if change is None:
            continue
        changes.append(change)
        severities[rule_id] = raw
        entries[rule_id] = attrs.evolve(entry, value=raw, note=_overlay_note(overlay, entry))
    for key in force:
        if key not in used_force:
            problems.append(
                InputProblem(
                    name,
                    where(f"force.{key}"),
                    f"[force] « {key} » : cette clé n'affaiblit aucune exigence officielle [C] de la surcouche : "
                    "retirez-la",
                )
            )
    if problems:
        raise OverlayError(problems)
    return attrs.evolve(
        referential,
        values=values,
        severities=severities,
        severity_entries=entries,
        overlay=attrs.evolve(overlay, changes=tuple(changes)),
    )


def _overlay_note(overlay: Overlay, entry: ReferentialValue) -> str:
    return (
        f"modifiée par la surcouche {overlay.path} (« {overlay.title} », {overlay.author}) ; "
        f"valeur officielle : {fr_value(entry.value)}"
    )


def _change(
    name: str,
    at: str,
    kind: str,
    key: str,
    entry: ReferentialValue,
    value: Any,
    force: Mapping[str, str],
    used_force: set[str],
    problems: list[InputProblem],
) -> OverlayChange | None:
    """The change of ``key`` to ``value``, or ``None`` with a problem when it is refused."""
    table = "values" if kind == "value" else "severities"
    if value == entry.value:
        problems.append(
            InputProblem(
                name, at, f"[{table}] « {key} » : identique à la valeur officielle ({fr_value(value)}) : retirez-la"
            )
        )
        return None
    if kind == "severity":
        weaker = Severity(value).rank < Severity(entry.value).rank
    else:
        weaker = _weakens(entry, value)
    official = CONFIDENCE_RANK[entry.confidence] == CONFIDENCE_RANK["C"]
    weakened = official and weaker
    if weakened and key not in force:
        what = "valeur" if kind == "value" else "gravité"
        problems.append(
            InputProblem(
                name,
                at,
                f"[{table}] « {key} » : {what} officielle [C] ({fr_value(entry.value)}) que {fr_value(value)} "
                "affaiblirait ; "
                f"pour l'appliquer quand même, ajoutez « {key} » à la table [force] avec sa justification "
                "(la dérogation sera signalée dans chaque rapport)",
            )
        )
        return None
    if weakened:
        used_force.add(key)
    return OverlayChange(
        kind=kind,
        key=key,
        label=entry.label,
        official=entry.value,
        value=value,
        confidence=entry.confidence,
        weakened=weakened,
        justification=force.get(key) if weakened else None,
        location=at,
    )
