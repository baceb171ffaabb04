"""SARIF 2.1.0 report, for GitHub code scanning and other SARIF viewers.

``tool.driver.rules`` carries every rule's metadata (title, description, help with the
charter source and the remediation, default level from the severity in force). Results are
the findings: failures (level from the severity), warnings, checks left to the auditor (kind
``review``) and waived failures (with a SARIF ``suppression`` carrying the waiver). Each
result points at the input file and, for a JSON input, at the region of the value
(line and column); every result also has a logical location, the JSON path or the
``Feuille!C12`` cell the finding is about. Rule errors, input errors and plugin errors are
notifications of the run's invocation. No clock, no absolute path of the machine: identical
input gives identical bytes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from fsaudit.report import AuditReport, Reporter, Result, StructureReport
from fsaudit.rule import Severity, Status

from fsaudit_ci._common import clean_text, rule_severity, waiver_text
from fsaudit_ci.jsonpos import Region, json_regions

__all__ = ["REPORTER", "SARIF_SCHEMA", "render_sarif"]

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

_LEVELS = {Severity.BLOQUANT: "error", Severity.MAJEUR: "error", Severity.MINEUR: "warning", Severity.INFO: "note"}
_REPORTED = (Status.FAIL, Status.WARN, Status.MANUAL, Status.WAIVED)


def _uri(path: str) -> dict[str, Any]:
    pure = Path(path)
    if pure.is_absolute():
        return {"uri": pure.as_uri()}
    return {"uri": quote(PurePosixPath(pure.as_posix()).as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


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


class _Regions:
    """Regions of JSON locations, computed once per input file (only for JSON inputs whose
    content still has the hash recorded in the report)."""

    def __init__(self, report: AuditReport) -> None:
        self.report = report
        self.wanted: dict[str, set[str]] = {}
        self.cache: dict[str, dict[str, Region]] = {}
        self.inputs = {i.path: i for i in report.inputs}

    def want(self, path: str, location: str) -> None:
        if location.startswith("$"):
            self.wanted.setdefault(path, set()).add(location)

    def region(self, path: str, location: str) -> Region | None:
        if path not in self.cache:
            self.cache[path] = self._load(path)
        return self.cache[path].get(location)

    def _load(self, path: str) -> dict[str, Region]:
        info = self.inputs.get(path)
        if info is None or info.format != "json" or not info.sha256 or path not in self.wanted:
            return {}
        try:
            raw = Path(path).read_bytes()
        except OSError:
            return {}
        if hashlib.sha256(raw).hexdigest() != info.sha256:
            return {}
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return {}
        return json_regions(text, self.wanted[path])


def _location(s: StructureReport, where: str, artifacts: dict[str, int], regions: _Regions) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {**_uri(s.path), "index": artifacts[s.path]}}
    region = regions.region(s.path, where)
    if region is not None:
        physical["region"] = {
            "startLine": region[0],
            "startColumn": region[1],
            "endLine": region[2],
            "endColumn": region[3],
        }
    return {
        "physicalLocation": physical,
        "logicalLocations": [{"fullyQualifiedName": clean_text(where), "name": clean_text(f"{s.id} {where}")}],
    }


def _result(
    s: StructureReport,
    result: Result,
    rule_index: dict[str, int],
    artifacts: dict[str, int],
    regions: _Regions,
    new_keys: set[tuple[str, str]] | None,
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
    if new_keys is not None and result.status is Status.FAIL:
        out["baselineState"] = "new" if (s.id, result.rule) in new_keys else "unchanged"
    out["properties"] = {
        "structure": s.id,
        "structureName": clean_text(s.name),
        "status": result.status.value,
        "severity": result.severity.value,
        "decision": s.decision.code.value,
    }
    return out


def _notification(text: str, *, level: str = "error", rule: str | None = None,
                  location: dict[str, Any] | None = None) -> dict[str, Any]:
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
    artifacts = {info.path: index for index, info in enumerate(report.inputs)}
    for s in report.structures:
        artifacts.setdefault(s.path, len(artifacts))
    inputs = {info.path: info for info in report.inputs}
    regions = _Regions(report)
    for s in report.structures:
        for result in s.results:
            if result.status in _REPORTED:
                regions.want(s.path, result.location)

    baseline = report.extras.get("baseline")
    new_keys = {(f["structure"], f["rule"]) for f in baseline["new"]} if baseline else None
    results = [
        _result(s, result, rule_index, artifacts, regions, new_keys)
        for s in report.structures
        for result in s.results
        if result.status in _REPORTED
    ]
    execution = [
        _notification(
            f"{s.id} : la règle {r.rule} n'a pas pu être évaluée : {r.message}",
            rule=r.rule,
            location=_location(s, r.location, artifacts, regions),
        )
        for s, r in report.rule_errors
    ]
    for problem in report.errors:
        location: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": clean_text(problem.location)}]}
        if problem.path in artifacts:
            location["physicalLocation"] = {"artifactLocation": {**_uri(problem.path), "index": artifacts[problem.path]}}
        execution.append(_notification(f"erreur de saisie : {problem.location} : {problem.message}", location=location))
    configuration = [
        _notification(f"plugin « {error.plugin} » : {error.message}") for error in report.plugin_errors
    ]
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
    if "waivers" in report.extras:
        provenance["waivers"] = {"file": report.extras["waivers"]["file"], "sha256": report.extras["waivers"]["sha256"]}
    if baseline:
        provenance["baseline"] = {"file": baseline["file"], "sha256": baseline["sha256"]}

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
                "rules": [_rule_descriptor(report, rule) for rule in rules],
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
    return (json.dumps(sarif_log(report), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


REPORTER = Reporter(
    name="sarif",
    description="Rapport SARIF 2.1.0 (GitHub code scanning) : règles, constats et emplacements",
    extension=".sarif",
    render=render_sarif,
)
