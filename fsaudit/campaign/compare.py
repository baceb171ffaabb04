"""Audit campaigns: comparing two JSON reports of the same network, a year (or a commit) apart.

A failure is keyed on ``(structure id, rule id)`` — never on a row number or a file name, so
that re-ordering or splitting declaration files does not turn old failures into new ones.
:func:`compare` lists the failures that are new, fixed, waived (*dérogés*: the finding is
still there, covered by a waiver in the new report) and unchanged; ``fsaudit compare`` and
``fsaudit audit --baseline`` are built on it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from attrs import frozen

from fsaudit.inputs.validation import translate_schema_error
from fsaudit.model.facts import json_path
from fsaudit.model.rule import Severity
from fsaudit.text.french import shown_path, visible

__all__ = [
    "COMPARISON_VERSION",
    "Comparison",
    "Failure",
    "ReportFile",
    "ReportFileError",
    "compare",
    "comparison_to_dict",
    "failures_of",
    "load_report_file",
    "render_comparison",
]

COMPARISON_VERSION = "1"
"""Version of the JSON written by ``fsaudit compare --format json``."""

_SUPPORTED_MAJORS = ("1", "2")

# Only what a comparison reads is checked, so that reports with more keys (sections, extras
# added by later versions of the same contract) still load.
_REPORT_SUBSET = {
    "type": "object",
    "required": ["report_version", "structures"],
    "properties": {
        "report_version": {"type": "string", "minLength": 1},
        "fsaudit_version": {"type": "string"},
        "referential": {"type": "object"},
        "structures": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "results"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "path": {"type": "string"},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["rule", "status", "severity"],
                            "properties": {
                                "rule": {"type": "string"},
                                "status": {"type": "string"},
                                "severity": {"enum": [s.value for s in Severity]},
                                "message": {"type": "string"},
                                "location": {"type": "string"},
                                "title": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
    },
}


class ReportFileError(Exception):
    """A file given as a JSON report cannot be used; the message is in French and says where."""


@frozen
class ReportFile:
    """A JSON report read from disk, with what identifies it."""

    path: str
    sha256: str
    data: dict[str, Any]

    def describe(self) -> dict[str, Any]:
        """Provenance of the report: file, hash, fsaudit version, referential and audit date."""
        ref = self.data.get("referential") or {}
        return {
            "file": self.path,
            "sha256": self.sha256,
            "fsaudit_version": self.data.get("fsaudit_version"),
            "referential": ref.get("id"),
            "as_of": ref.get("as_of"),
        }


@frozen
class Failure:
    """One failing result: a rule that fails on a structure."""

    structure: str
    rule: str
    severity: str
    name: str = ""
    title: str = ""
    message: str = ""
    location: str = ""
    path: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """``(structure id, rule id)``."""
        return (self.structure, self.rule)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "structure": self.structure,
            "name": self.name,
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "location": self.location,
        }


@frozen
class Comparison:
    """New, fixed, waived and unchanged failures between an old and a new report."""

    old: dict[str, Any]
    new: dict[str, Any]
    new_failures: tuple[Failure, ...]
    fixed: tuple[Failure, ...]
    """Failures of the old report that the new one no longer finds (nor waives)."""
    unchanged: tuple[Failure, ...]
    waived: tuple[Failure, ...] = ()
    """Failures of the old report that the new one still finds but under a waiver (*dérogés*),
    as the old report described them."""
    unassessed: tuple[Failure, ...] = ()
    """Failures of the old report that the new one could not judge again: the structure is not
    in it (its file not read) or the rule is *à vérifier* or in error on it (its facts not read).
    Not fixed: data not read is never taken for a correction."""
    departements: tuple[str, ...] | None = None
    """The départements compared when a report was filtered by ``--departement`` (see
    :func:`compared_departements`); ``None``: every structure."""
    requalified: tuple[Failure, ...] = ()
    """Failures of the old report whose rule the new one judges *sans objet* or a warning (the
    structure became an antenne, a bus…): not corrected, requalified."""

    def failing(self, level: Severity | str) -> list[Failure]:
        """New failures of gravity ``level`` or more."""
        rank = Severity(level).rank
        return [f for f in self.new_failures if Severity(f.severity).rank >= rank]


@functools.lru_cache(maxsize=2)
def _subset_validator(major: str) -> Any:
    import jsonschema

    from fsaudit.campaign.expand import REPORT_V2_SUBSET

    return jsonschema.Draft202012Validator(REPORT_V2_SUBSET if major == "2" else _REPORT_SUBSET)


@functools.lru_cache(maxsize=2)
def _fast_subset_check(major: str) -> Any:
    """A compiled validator (jsonschema-rs, Draft 2020-12 like :func:`_subset_validator`: the
    subsets use ``prefixItems``) of the same subset: a national report is checked in
    milliseconds; only a report it refuses goes through jsonschema, for the French messages."""
    import jsonschema_rs

    from fsaudit.campaign.expand import REPORT_V2_SUBSET

    return jsonschema_rs.Draft202012Validator(REPORT_V2_SUBSET if major == "2" else _REPORT_SUBSET).is_valid


def _subset_errors(data: Any, major: str) -> list[tuple[Any, str]]:
    """The problems of ``data`` for the subset of version ``major``, sorted, each once (jsonschema
    gives one error per missing key, each translated into all of them)."""
    try:
        if _fast_subset_check(major)(data):
            return []
    except Exception:  # noqa: BLE001, S110 - any doubt: the full validator decides and explains
        pass
    found = {item for error in _subset_validator(major).iter_errors(data) for item in translate_schema_error(error)}
    return sorted(found, key=lambda item: (json_path(item[0]), item[1]))


def _major(data: Any) -> str | None:
    version = data.get("report_version") if isinstance(data, dict) else None
    return version.split(".")[0] if isinstance(version, str) else None


def load_report_file(path: str | Path) -> ReportFile:
    """Read a JSON report written by ``fsaudit audit --format json``, of version 1 or 2; the
    data is the version 1 dictionary (a version 2 report is expanded: :func:`expand_v2`).

    Raises :class:`ReportFileError` (French, with the location) when the file is missing, is
    not JSON, or is not an fsaudit report of a supported contract version.
    """
    from fsaudit.inputs.files import NotReadable, read_regular
    from fsaudit.text.french import shown_path

    name = shown_path(str(path))
    try:
        raw = read_regular(path)
    except NotReadable as exc:
        raise ReportFileError(f"{name} : {exc}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ReportFileError(f"{name} : le fichier n'est pas en UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ReportFileError(
            f"{name}:ligne {exc.lineno}, colonne {exc.colno} : JSON invalide (attendu un rapport JSON de fsaudit)"
        ) from None
    major = _major(data)
    errors = _subset_errors(data, major or "1")
    if errors:
        parts, message = errors[0]
        more = f" (et {len(errors) - 1} autre(s) problème(s))" if len(errors) > 1 else ""
        raise ReportFileError(
            f"{name}:{json_path(parts)} : {message}{more} ; attendu un rapport JSON de fsaudit (--format json)"
        )
    if major not in _SUPPORTED_MAJORS:
        raise ReportFileError(
            f"{name}:$.report_version : version de rapport {data['report_version']} non prise en charge "
            f"(attendu {' ou '.join(m + '.x' for m in _SUPPORTED_MAJORS)})"
        )
    if major == "2":
        from fsaudit.campaign.expand import ReportV2Error, expand_v2

        try:
            data = expand_v2(data)
        except ReportV2Error as exc:
            raise ReportFileError(
                f"{name}:{exc.path} : {exc.message} ; attendu un rapport JSON de fsaudit (--format json)"
            ) from None
    shown = data.get("filter") or {}
    if any(shown.get(key) for key in ("decisions", "rules", "statuses")):
        raise ReportFileError(
            f"{name}:$.filter : rapport filtré ({shown.get('description', '?')}) : il ne montre qu'une partie "
            "des résultats de chaque structure, qui ne peut être comparée ; produire le rapport sans --decision, "
            "--regle ni --statut (--departement est admis : la comparaison se limite alors à ses départements)"
        )
    return ReportFile(str(path), hashlib.sha256(raw).hexdigest(), data)


def compared_departements(*reports: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The départements two reports can be compared on: those every report filtered by
    ``--departement`` shows (``None``: no such filter, every structure). A structure outside a
    filtered report was not left out of the audit, only of the report: it is neither new nor fixed."""
    scope: set[str] | None = None
    for report in reports:
        shown = (report.get("filter") or {}).get("departements")
        if shown:
            scope = set(shown) if scope is None else scope & set(shown)
    return None if scope is None else tuple(sorted(scope))


def restricted(report: Mapping[str, Any], departements: tuple[str, ...] | None) -> Mapping[str, Any]:
    """``report`` with only the structures of ``departements`` (all of them for ``None``)."""
    if departements is None:
        return report
    wanted = set(departements)
    return {**report, "structures": [s for s in report["structures"] if s.get("departement") in wanted]}


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    from fsaudit.inputs.discover import input_sort_key

    return input_sort_key(text)


def _failure_sort_key(failure: Failure) -> tuple[Any, ...]:
    return (_natural(failure.structure), failure.rule, failure.path, failure.location)


def failures_of(report: Mapping[str, Any], status: str = "fail") -> dict[tuple[str, str], Failure]:
    """The failures of a JSON report (status ``fail``; or the results of another ``status``,
    ``waived`` for the failures covered by a waiver), by ``(structure id, rule id)``.

    When two structures share an id (rule FS-NET-01 reports it), the first in report order
    stands for the key.
    """
    out: dict[tuple[str, str], Failure] = {}
    for structure in report["structures"]:
        for result in structure["results"]:
            if result["status"] != status:
                continue
            failure = Failure(
                structure=structure["id"],
                rule=result["rule"],
                severity=result["severity"],
                name=structure.get("name", ""),
                title=result.get("title", ""),
                message=result.get("message", ""),
                location=result.get("location", ""),
                path=structure.get("path", ""),
            )
            out.setdefault(failure.key, failure)
    return out


def compare(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    old_info: Mapping[str, Any] | None = None,
    new_info: Mapping[str, Any] | None = None,
) -> Comparison:
    """Compare the failures of two JSON reports (as loaded from ``--format json``).

    A failure of ``old`` that ``new`` reports as waived is *waived* (dérogé), not fixed: the
    finding is still there. A failure waived in ``old`` that fails again in ``new`` (its waiver
    expired) is new.
    """
    departements = compared_departements(old, new)
    old, new = restricted(old, departements), restricted(new, departements)
    before = failures_of(old)
    after = failures_of(new)
    waived_now = failures_of(new, "waived")
    judged = _judged(new)
    requalified = _judged(new, _REQUALIFIED)

    def ordered(items: Iterable[Failure]) -> tuple[Failure, ...]:
        return tuple(sorted(items, key=_failure_sort_key))

    return Comparison(
        old=dict(old_info or {}),
        new=dict(new_info or {}),
        new_failures=ordered(f for k, f in after.items() if k not in before),
        fixed=ordered(
            f
            for k, f in before.items()
            if k not in after and k not in waived_now and k in judged and k not in requalified
        ),
        unchanged=ordered(f for k, f in after.items() if k in before),
        waived=ordered(f for k, f in before.items() if k not in after and k in waived_now),
        unassessed=ordered(f for k, f in before.items() if k not in after and k not in waived_now and k not in judged),
        departements=departements,
        requalified=ordered(f for k, f in before.items() if k not in after and k in requalified),
    )


_JUDGED = frozenset(("pass", "warn", "not_applicable", "fail", "waived"))
"""Statuses that are a verdict on the data (``manual`` and ``error`` are not)."""


_REQUALIFIED = frozenset(("warn", "not_applicable"))
"""Statuses of a former failure that are no correction: the rule no longer applies to the
structure (now an antenne), or finds only a warning (now a bus)."""


def _judged(report: Mapping[str, Any], statuses: frozenset[str] = _JUDGED) -> set[tuple[str, str]]:
    """The ``(structure id, rule id)`` a report gave one of ``statuses`` (by default: judged, see
    :data:`_JUDGED`)."""
    return {
        (structure["id"], result["rule"])
        for structure in report["structures"]
        for result in structure["results"]
        if result["status"] in statuses
    }


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """The JSON form of a comparison (``comparison_version`` 1)."""
    return {
        "comparison_version": COMPARISON_VERSION,
        "old": comparison.old,
        "new": comparison.new,
        "summary": {
            "new": len(comparison.new_failures),
            "fixed": len(comparison.fixed),
            "waived": len(comparison.waived),
            "unchanged": len(comparison.unchanged),
            "unassessed": len(comparison.unassessed),
            "requalified": len(comparison.requalified),
        },
        "new_failures": [f.to_dict() for f in comparison.new_failures],
        "fixed_failures": [f.to_dict() for f in comparison.fixed],
        "waived_failures": [f.to_dict() for f in comparison.waived],
        "unchanged_failures": [f.to_dict() for f in comparison.unchanged],
        "unassessed_failures": [f.to_dict() for f in comparison.unassessed],
        "requalified_failures": [f.to_dict() for f in comparison.requalified],
        **({"departements": list(comparison.departements)} if comparison.departements is not None else {}),
    }


def _md(text: str) -> str:
    return " ".join(visible(str(text)).split()).replace("|", "\\|")


_UNASSESSED = "Constats non réévalués (structure ou données non lues, ou règle à vérifier : ni corrigés ni confirmés)"
_REQUALIFIED_TITLE = (
    "Constats requalifiés (la règle est désormais sans objet ou un avertissement pour la structure, "
    "devenue antenne, bus… : pas une correction)"
)


def _scope_line(departements: tuple[str, ...]) -> str:
    shown = ", ".join(departements) if departements else "aucun (les filtres ne se recoupent pas)"
    return f"Comparaison limitée aux structures des départements {shown} (rapport filtré par --departement)"


def _render_text(comparison: Comparison) -> str:
    old, new = comparison.old, comparison.new
    lines = [
        f"Comparaison de {old.get('file', '?')} (audit au {old.get('as_of') or '?'}) "
        f"et {new.get('file', '?')} (audit au {new.get('as_of') or '?'})",
        f"Constats non conformes : {len(comparison.new_failures)} nouveau(x), "
        f"{len(comparison.fixed)} corrigé(s), {len(comparison.waived)} dérogé(s), "
        f"{len(comparison.unchanged)} inchangé(s)"
        + (f", {len(comparison.unassessed)} non réévalué(s)" if comparison.unassessed else "")
        + (f", {len(comparison.requalified)} requalifié(s)" if comparison.requalified else ""),
    ]
    if comparison.departements is not None:
        lines.insert(1, _scope_line(comparison.departements))
    for title, items, mark in (
        ("Nouveaux constats :", comparison.new_failures, "+"),
        ("Constats corrigés :", comparison.fixed, "-"),
        ("Constats dérogés (toujours constatés, couverts par une dérogation) :", comparison.waived, "≈"),
        ("Constats inchangés :", comparison.unchanged, "="),
        (_UNASSESSED + " :", comparison.unassessed, "?"),
        (_REQUALIFIED_TITLE + " :", comparison.requalified, "~"),
    ):
        if items:
            lines += ["", title]
            lines += [
                f"  {mark} {f.structure} {f.rule} ({f.severity}) : {f.message} [{shown_path(f.path)} {f.location}]"
                for f in items
            ]
    return visible("\n".join(lines) + "\n")


def _render_markdown(comparison: Comparison, limit: int = 50) -> str:
    lines = [
        "## Comparaison des audits France services",
        "",
        f"**{len(comparison.new_failures)}** nouveau(x) constat(s) non conforme(s), "
        f"**{len(comparison.fixed)}** corrigé(s), **{len(comparison.waived)}** dérogé(s), "
        f"**{len(comparison.unchanged)}** inchangé(s)"
        + (f", **{len(comparison.unassessed)}** non réévalué(s)" if comparison.unassessed else "")
        + (f", **{len(comparison.requalified)}** requalifié(s)." if comparison.requalified else "."),
    ]
    if comparison.departements is not None:
        lines += ["", _md(_scope_line(comparison.departements))]
    for title, items in (
        ("Nouveaux constats", comparison.new_failures),
        ("Constats corrigés", comparison.fixed),
        ("Constats dérogés (toujours constatés, couverts par une dérogation)", comparison.waived),
        (_UNASSESSED, comparison.unassessed),
        (_REQUALIFIED_TITLE, comparison.requalified),
    ):
        if not items:
            continue
        lines += ["", f"### {title}", "", "| Structure | Règle | Gravité | Constat |", "|---|---|---|---|"]
        for f in items[:limit]:
            lines.append(f"| {_md(f.structure)} | {_md(f.rule)} | {f.severity} | {_md(f.message)} |")
        if len(items) > limit:
            lines += ["", f"… et {len(items) - limit} de plus (détail : `fsaudit compare --format json`)."]
    return visible("\n".join(lines) + "\n")


def render_comparison(comparison: Comparison, fmt: str) -> bytes:
    """``text``, ``json`` or ``markdown`` rendering of a comparison, as UTF-8 bytes."""
    if fmt == "json":
        text = json.dumps(comparison_to_dict(comparison), ensure_ascii=False, indent=2) + "\n"
        return text.encode("utf-8", "backslashreplace")
    if fmt == "markdown":
        return _render_markdown(comparison).encode("utf-8")
    return _render_text(comparison).encode("utf-8")
