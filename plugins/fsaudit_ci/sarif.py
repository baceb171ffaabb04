"""SARIF 2.1.0 report, for GitHub code scanning and other SARIF viewers.

``tool.driver.rules`` carries every rule's metadata (title, description, help with the
charter source and the remediation, default level from the severity in force), then the two
input rules :data:`INPUT_ERROR_RULE` and :data:`INPUT_WARNING_RULE`. Results are the findings:
failures (level from the severity), warnings, checks left to the auditor (kind ``review``) and
waived failures (with a SARIF ``suppression`` carrying the waiver); and the input problems: a
fact that could not be read (level ``error``) or an element ignored (level ``warning``), with
the structure they belong to when they belong to one. Each result points at the input file
and, for a JSON input, at the region of the value (line and column); every result also has a
logical location, the JSON path or the ``Feuille!C12`` cell it is about. With a baseline,
every result carries ``baselineState`` (``new``, ``unchanged`` or ``updated``: same structure
and rule, another status). Rule errors and plugin errors are notifications of the run's
invocation. No clock, no absolute path of the machine: identical input gives identical bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from fsaudit import (
    AuditReport,
    InputProblem,
    Issue,
    Location,
    NotReadable,
    Region,
    Reporter,
    Result,
    Severity,
    Status,
    StructureReport,
    enclosing_locations,
    fr_field,
    input_issues,
    json_regions,
    read_regular,
)
from fsaudit_ci._common import clean_text, rule_severity, waiver_text

__all__ = ["INPUT_ERROR_RULE", "INPUT_WARNING_RULE", "REPORTER", "SARIF_SCHEMA", "is_sarif_report", "render_sarif"]

INPUT_ERROR_RULE = "saisie/donnee-illisible"
"""SARIF rule of an input error: something the input holds could not be read."""
INPUT_WARNING_RULE = "saisie/element-ignore"
"""SARIF rule of an input warning: something the input holds was ignored."""

_INPUT_RULES = (
    (
        INPUT_ERROR_RULE,
        "Donnée de la déclaration illisible",
        "Une valeur de la déclaration n'a pas pu être lue (type, format, nom de champ) ou un fichier "
        "n'a pas pu être lu. Les règles qui en ont besoin sont « à vérifier » et la décision est « "
        "instruction incomplète » tant qu'elle n'est pas corrigée.",
        "error",
    ),
    (
        INPUT_WARNING_RULE,
        "Élément de la déclaration ignoré",
        "Un élément de la déclaration dont l'audit n'a pas besoin a été ignoré (champ ou colonne inconnus, "
        "fichier qui n'est pas un fichier ordinaire trouvé dans un dossier).",
        "warning",
    ),
)

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

_LEVELS = {Severity.BLOQUANT: "error", Severity.MAJEUR: "error", Severity.MINEUR: "warning", Severity.INFO: "note"}
_REPORTED = (Status.FAIL, Status.WARN, Status.MANUAL, Status.WAIVED)


def _uri(path: str) -> dict[str, Any]:
    """The URI of an input: the file's own bytes percent-encoded, so that a name that is not
    UTF-8 still points at its file (``caf%E9.json``)."""
    pure = Path(path)
    if pure.is_absolute():
        return {"uri": pure.as_uri()}
    relative = os.fsencode(PurePosixPath(pure.as_posix()).as_posix())
    return {"uri": quote(relative, safe="/"), "uriBaseId": "%SRCROOT%"}


def _fingerprint(structure: str, rule: str) -> str:
    return hashlib.sha256(f"{structure}\x1f{rule}".encode()).hexdigest()[:32]


def _rule_descriptor(report: AuditReport, rule: Any) -> dict[str, Any]:
    severity = rule_severity(report, rule)
    ref = rule.reference
    confidence = {"C": "source officielle", "C2": "source secondaire", "U": "pratique non écrite, règle configurable"}
    help_text = (
        f"{rule.description}\n\nS'applique à : {rule.applies_to}.\n"
        f"Source : {ref.text} — {ref.source} ({confidence.get(ref.confidence, ref.confidence)}).\n"
        f"Correction : {rule.remediation}"
    )
    help_markdown = (
        f"{rule.description}\n\n**S'applique à** : {rule.applies_to}\n\n"
        f"**Source** : {ref.text} — {ref.source} ({confidence.get(ref.confidence, ref.confidence)})\n\n"
        f"**Correction** : {rule.remediation}"
    )
    return {
        "id": rule.id,
        "name": clean_text(rule.title),
        "shortDescription": {"text": clean_text(rule.title)},
        "fullDescription": {"text": clean_text(rule.description)},
        "help": {"text": clean_text(help_text), "markdown": clean_text(help_markdown)},
        "defaultConfiguration": {"level": _LEVELS[severity]},
        "properties": {
            "severity": severity.value,
            "domain": rule.domain,
            "appliesTo": rule.applies_to,
            "scope": rule.scope.value,
            "reference": ref.text,
            "source": ref.source,
            "confidence": ref.confidence,
            "tags": sorted({"france-services", rule.domain}),
        },
    }


def _input_rule(rule_id: str, title: str, description: str, level: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "name": title,
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "help": {"text": description, "markdown": description},
        "defaultConfiguration": {"level": level},
        "properties": {"domain": "saisie", "tags": ["france-services", "saisie"]},
    }


class _Regions:
    """Regions of JSON locations, computed once per input file (only for JSON inputs whose
    content still has the hash recorded in the report)."""

    def __init__(self, report: AuditReport) -> None:
        self.report = report
        self.wanted: dict[str, set[str]] = {}
        self.cache: dict[str, dict[str, Region]] = {}
        self.inputs = {i.path: i for i in report.inputs}

    def want(self, path: str, location: str, *, enclosing: bool = False) -> None:
        """Ask for the region of ``location`` in ``path``; with ``enclosing``, of the places
        that contain it too (a key that is absent from the file is shown at its object)."""
        if location.startswith("$"):
            places = self.wanted.setdefault(path, set())
            places.add(location)
            if enclosing:
                places.update(enclosing_locations(location))

    def region(self, path: str, location: str, *, enclosing: bool = False) -> Region | None:
        if path not in self.cache:
            self.cache[path] = self._load(path)
        found = self.cache[path]
        for place in [location, *(enclosing_locations(location) if enclosing else ())]:
            if place in found:
                return found[place]
        return None

    def _load(self, path: str) -> dict[str, Region]:
        info = self.inputs.get(path)
        if info is None or info.format != "json" or not info.sha256 or path not in self.wanted:
            return {}
        try:
            raw = read_regular(path)
        except NotReadable:
            return {}
        if hashlib.sha256(raw).hexdigest() != info.sha256:
            return {}
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return {}
        return json_regions(text, self.wanted[path])


def _location(s: StructureReport, where: str, artifacts: dict[str, int], regions: _Regions) -> dict[str, Any]:
    return _place(s.path, where, artifacts, regions, name=f"{s.id} {where}")


def _place(
    path: str,
    where: str,
    artifacts: dict[str, int],
    regions: _Regions,
    *,
    name: str | None = None,
    enclosing: bool = False,
) -> dict[str, Any]:
    """The physical location (file, and region when known) and logical location of ``where`` in
    ``path``; with ``enclosing``, the region of the nearest place that contains ``where``."""
    physical: dict[str, Any] = {"artifactLocation": {**_uri(path), "index": artifacts[path]}}
    region = regions.region(path, where, enclosing=enclosing)
    place = Location.of(where)
    if region is not None:
        physical["region"] = {
            "startLine": region[0],
            "startColumn": region[1],
            "endLine": region[2],
            "endColumn": region[3],
        }
    elif place.kind == "position" and place.line is not None and place.column is not None:
        physical["region"] = {"startLine": place.line, "startColumn": int(place.column)}
    logical: dict[str, Any] = {"fullyQualifiedName": clean_text(where)}
    if name is not None:
        logical["name"] = clean_text(name)
    return {"physicalLocation": physical, "logicalLocations": [logical]}


class _Baseline:
    """``baselineState`` of each result, from ``report.baseline``."""

    def __init__(self, extra: dict[str, Any] | None) -> None:
        self.given = extra is not None
        extra = extra or {}
        self.new_failures = {(f["structure"], f["rule"]) for f in extra.get("new", ())}
        self.changed = {(c["structure"], c["rule"]): c.get("previous_status") for c in extra.get("changed", ())}
        self.new_problems = {(p["path"], p["location"], p["message"]) for p in extra.get("new_input_problems", ())}

    def result_state(self, structure: str, result: Result) -> str | None:
        if not self.given:
            return None
        key = (structure, result.rule)
        if result.status is Status.FAIL:
            return "new" if key in self.new_failures else "unchanged"
        if key not in self.changed:
            return "unchanged"
        return "updated" if self.changed[key] in _REPORTED_VALUES else "new"

    def problem_state(self, path: str, location: str, message: str) -> str | None:
        if not self.given:
            return None
        return "new" if (path, location, message) in self.new_problems else "unchanged"


_REPORTED_VALUES = frozenset(status.value for status in _REPORTED)


def _result(
    s: StructureReport,
    result: Result,
    rule_index: dict[str, int],
    artifacts: dict[str, int],
    regions: _Regions,
    baseline: _Baseline,
) -> dict[str, Any]:
    out: dict[str, Any] = {"ruleId": result.rule}
    if result.rule in rule_index:
        out["ruleIndex"] = rule_index[result.rule]
    if result.status is Status.MANUAL:
        out["kind"] = "review"
        out["level"] = "none"
        text = f"à vérifier par l'auditeur : {result.message}"
    elif result.status is Status.WARN:
        out["level"] = "note" if result.severity is Severity.INFO else "warning"
        text = f"avertissement : {result.message}"
    else:
        out["level"] = _LEVELS[result.severity]
        text = result.message
    out["message"] = {"text": clean_text(f"{s.id} — {s.name} : {text}")}
    out["locations"] = [_location(s, result.location, artifacts, regions)]
    out["partialFingerprints"] = {"fsauditStructureRule/v1": _fingerprint(s.id, result.rule)}
    if result.status is Status.WAIVED:
        suppression: dict[str, Any] = {
            "kind": "external",
            "status": "accepted",
            "justification": clean_text(waiver_text(result)),
        }
        where = (result.waiver or {}).get("location")
        if where:
            suppression["location"] = {"logicalLocations": [{"fullyQualifiedName": clean_text(where)}]}
        out["suppressions"] = [suppression]
    state = baseline.result_state(s.id, result)
    if state is not None:
        out["baselineState"] = state
    out["properties"] = {
        "structure": s.id,
        "structureName": clean_text(s.name),
        "status": result.status.value,
        "severity": result.severity.value,
        "decision": s.decision.code.value,
    }
    return out


def _input_result(
    problem: Issue | InputProblem,
    path: str,
    structure: StructureReport | None,
    rule_index: dict[str, int],
    artifacts: dict[str, int],
    regions: _Regions,
    baseline: _Baseline,
) -> dict[str, Any]:
    """A SARIF result for an input problem, of a structure or of no structure."""
    rule = INPUT_ERROR_RULE if problem.is_error else INPUT_WARNING_RULE
    kind = "erreur de saisie" if problem.is_error else "avertissement de saisie"
    field = getattr(problem, "field", None)
    shown = f" ({fr_field(field)})" if field is not None else ""
    who = f"{structure.id} — {structure.name} : " if structure is not None else ""
    out: dict[str, Any] = {
        "ruleId": rule,
        "ruleIndex": rule_index[rule],
        "level": "error" if problem.is_error else "warning",
        "message": {"text": clean_text(f"{who}{kind}{shown} : {problem.message}")},
        "locations": [
            _place(
                path,
                problem.location,
                artifacts,
                regions,
                enclosing=True,
                name=f"{structure.id} {problem.location}" if structure else None,
            )
        ],
    }
    key = f"{structure.id if structure else path}\x1f{problem.location}\x1f{problem.message}"
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    out["partialFingerprints"] = {"fsauditInput/v1": digest}
    state = baseline.problem_state(path, problem.location, problem.message)
    if state is not None:
        out["baselineState"] = state
    properties: dict[str, Any] = {"level": problem.level}
    if structure is not None:
        properties.update(
            {
                "structure": structure.id,
                "structureName": clean_text(structure.name),
                "decision": structure.decision.code.value,
            }
        )
    if field is not None:
        properties["field"] = field
    out["properties"] = properties
    return out


def _notification(
    text: str, *, level: str = "error", rule: str | None = None, location: dict[str, Any] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"level": level, "message": {"text": clean_text(text)}}
    if location is not None:
        out["locations"] = [location]
    if rule is not None:
        out["associatedRule"] = {"id": rule}
    return out


def sarif_log(report: AuditReport) -> dict[str, Any]:
    """The SARIF log of the report, as plain data."""
    rules = list(report.rules)
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    for rule_id, *_rest in _INPUT_RULES:
        rule_index[rule_id] = len(rule_index)
    artifacts = {info.path: index for index, info in enumerate(report.inputs)}
    for s in report.structures:
        artifacts.setdefault(s.path, len(artifacts))
    for problem in report.errors:
        artifacts.setdefault(problem.path, len(artifacts))
    inputs = {info.path: info for info in report.inputs}
    split = input_issues(report)
    regions = _Regions(report)
    for s, issues in zip(report.structures, split.by_structure, strict=True):
        for result in s.results:
            if result.status in _REPORTED:
                regions.want(s.path, result.location)
        for issue in issues:
            regions.want(s.path, issue.location, enclosing=True)
    for problem in split.apart:
        regions.want(problem.path, problem.location, enclosing=True)

    baseline = _Baseline(report.baseline.data if report.baseline else None)
    results = []
    for s, issues in zip(report.structures, split.by_structure, strict=True):
        results += [_input_result(issue, s.path, s, rule_index, artifacts, regions, baseline) for issue in issues]
        results += [
            _result(s, result, rule_index, artifacts, regions, baseline)
            for result in s.results
            if result.status in _REPORTED
        ]
    results += [
        _input_result(problem, problem.path, None, rule_index, artifacts, regions, baseline) for problem in split.apart
    ]
    execution = [
        _notification(
            f"{s.id} : la règle {r.rule} n'a pas pu être évaluée : {r.message}",
            rule=r.rule,
            location=_location(s, r.location, artifacts, regions),
        )
        for s, r in report.rule_errors
    ]
    configuration = [_notification(f"plugin « {error.plugin} » : {error.message}") for error in report.plugin_errors]
    invocation: dict[str, Any] = {"executionSuccessful": not (report.rule_errors or report.plugin_errors)}
    if execution:
        invocation["toolExecutionNotifications"] = execution
    if configuration:
        invocation["toolConfigurationNotifications"] = configuration

    ref = report.referential
    provenance: dict[str, Any] = {
        "asOf": report.as_of.isoformat(),
        "failOn": report.fail_on.value,
        "referential": {"id": ref.id, "file": ref.path, "sha256": ref.sha256} if ref else None,
        "plugins": [{"name": p.name, "distribution": p.distribution, "version": p.version} for p in report.plugins],
    }
    if report.waivers is not None:
        provenance["waivers"] = {"file": report.waivers["file"], "sha256": report.waivers["sha256"]}
    if report.baseline is not None:
        extra = report.baseline
        provenance["baseline"] = {"file": clean_text(extra["file"]), "sha256": extra["sha256"]}

    artifact_list = []
    for path, _index in sorted(artifacts.items(), key=lambda item: item[1]):
        artifact: dict[str, Any] = {"location": _uri(path)}
        info = inputs.get(path)
        if info is not None and info.sha256:
            artifact["hashes"] = {"sha-256": info.sha256}
        if info is not None and info.format == "json":
            artifact["mimeType"] = "application/json"
        artifact_list.append(artifact)

    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "fsaudit",
                "version": report.fsaudit_version,
                "semanticVersion": report.fsaudit_version,
                "language": "fr-FR",
                "rules": [_rule_descriptor(report, rule) for rule in rules]
                + [_input_rule(*item) for item in _INPUT_RULES],
            }
        },
        "language": "fr-FR",
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "artifacts": artifact_list,
        "results": results,
        "properties": provenance,
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(report: AuditReport, options: dict[str, Any]) -> bytes:
    """The report as a SARIF 2.1.0 log (UTF-8 JSON)."""
    text = json.dumps(sarif_log(report), ensure_ascii=False, indent=2) + "\n"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a text that came from a file name that is not UTF-8
        return json.dumps(_visible(json.loads(text)), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _visible(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {_visible(k): _visible(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_visible(v) for v in value]
    return value


def is_sarif_report(data: bytes) -> bool:
    """True when ``data`` is a SARIF log written by fsaudit (its first run's tool is « fsaudit »),
    whatever the file's extension: a ``.json`` name makes it a candidate declaration."""
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    head = data[:4096]
    if not start.startswith(b"{") or b'"runs"' not in head or b'"fsaudit"' not in head:
        return False
    try:
        log = json.loads(data.removeprefix(b"\xef\xbb\xbf"))
        return log["runs"][0]["tool"]["driver"]["name"] == "fsaudit"
    except (ValueError, KeyError, IndexError, TypeError):
        return False


REPORTER = Reporter(
    name="sarif",
    description="Rapport SARIF 2.1.0 (GitHub code scanning) : règles, constats et emplacements",
    extension=".sarif",
    render=render_sarif,
    recognise=is_sarif_report,
)
