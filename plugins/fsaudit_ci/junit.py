"""JUnit XML report: what GitLab (``artifacts:reports:junit``) and Jenkins (``junit``) display.

One test suite per structure, one test case per rule: a failure is ``<failure>`` with the French
message, a rule error is ``<error>``, a rule that does not apply, a waived finding and a check
left to the auditor are ``<skipped>`` with a message, a warning passes with its message in
``<system-out>``. With ``--baseline``, a failure already in the baseline is ``<skipped>`` («
constat déjà connu »), so that only new failures fail test cases, as they fail the job.

A structure's input problems are test cases of its suite: a fact that could not be read is an
``<error>`` (type « erreur de saisie »), an element ignored passes with « avertissement de
saisie » in ``<system-out>``. Input problems that concern no structure, and plugin errors, get
suites of their own (« Erreurs de saisie », « Avertissements de saisie », « Erreurs de
plugins »), so that a CI job never shows green over a declaration it could not read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from fsaudit import (
    AuditReport,
    Issue,
    Reporter,
    Result,
    Status,
    StructureReport,
    fr_field,
    input_issues,
    shown_path,
)
from fsaudit_ci._common import clean_text, rules_by_id, waiver_text


def _path(path: str) -> str:
    return clean_text(shown_path(path))


__all__ = ["REPORTER", "render_junit"]


def _counts(suite: ET.Element) -> dict[str, int]:
    cases = suite.findall("testcase")
    return {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }


def _set_counts(suite: ET.Element) -> dict[str, int]:
    counts = _counts(suite)
    for key, value in counts.items():
        suite.set(key, str(value))
    return counts


def _details(s: StructureReport, result: Result, rule: Any) -> str:
    lines = [
        f"Structure : {s.id} — {s.name}",
        f"Règle : {result.rule}" + (f" — {rule.title}" if rule is not None else ""),
        f"Gravité : {result.severity.value}",
        f"Statut : {result.status.label}",
        f"Constat : {result.message}",
        f"Emplacement : {shown_path(s.path)} {result.location}",
    ]
    if rule is not None and result.status is Status.FAIL:
        lines.append(f"Correction : {rule.remediation}")
        lines.append(f"Référence : {rule.reference.text} ({rule.reference.source})")
    if result.status is Status.WAIVED:
        lines.append(f"Dérogation : {waiver_text(result)}")
    return clean_text("\n".join(lines))


def _testcase(parent: ET.Element, s: StructureReport, result: Result, rule: Any, known: str | None = None) -> None:
    """The test case of one result; ``known`` names the baseline when this failure is in it."""
    title = f" — {rule.title}" if rule is not None else ""
    case = ET.SubElement(
        parent,
        "testcase",
        {"classname": clean_text(s.id), "name": clean_text(f"{result.rule}{title}"), "file": _path(s.path)},
    )
    message = clean_text(result.message)
    if result.status is Status.FAIL and known is not None:
        text = f"constat non conforme déjà connu (référence {known}) : {result.message}"
        node = ET.SubElement(case, "skipped", {"message": clean_text(text)})
        node.text = _details(s, result, rule)
    elif result.status is Status.FAIL:
        node = ET.SubElement(case, "failure", {"message": message, "type": result.severity.value})
        node.text = _details(s, result, rule)
    elif result.status is Status.ERROR:
        node = ET.SubElement(case, "error", {"message": message, "type": "erreur de règle"})
        node.text = _details(s, result, rule)
    elif result.status is Status.WAIVED:
        ET.SubElement(
            case, "skipped", {"message": clean_text(f"dérogation : {waiver_text(result)} — {result.message}")}
        )
    elif result.status is Status.MANUAL:
        ET.SubElement(case, "skipped", {"message": f"à vérifier par l'auditeur : {message}"})
    elif result.status is Status.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", {"message": f"sans objet : {message}"})
    elif result.status is Status.WARN:
        ET.SubElement(case, "system-out").text = f"avertissement : {message} [{clean_text(result.location)}]"


def _issue_case(parent: ET.Element, s: StructureReport, issue: Issue) -> None:
    """The test case of one input problem of a structure."""
    field = f" ({fr_field(issue.field)})" if issue.field is not None else ""
    case = ET.SubElement(
        parent,
        "testcase",
        {
            "classname": clean_text(s.id),
            "name": clean_text(f"Saisie — {issue.location}{field}"),
            "file": _path(s.path),
        },
    )
    details = clean_text(
        f"Structure : {s.id} — {s.name}\nEmplacement : {shown_path(s.path)} {issue.location}{field}\n"
        f"{'Erreur' if issue.is_error else 'Avertissement'} de saisie : {issue.message}"
    )
    if issue.is_error:
        attributes = {"message": clean_text(issue.message), "type": "erreur de saisie"}
        ET.SubElement(case, "error", attributes).text = details
    else:
        out = f"avertissement de saisie : {issue.message} [{issue.location}]"
        ET.SubElement(case, "system-out").text = clean_text(out)


def render_junit(report: AuditReport, options: dict[str, Any]) -> bytes:
    """The report as JUnit XML (UTF-8), byte-identical for identical input."""
    rules = rules_by_id(report)
    ref_id = report.referential.id if report.referential else "?"
    root = ET.Element("testsuites", {"name": f"fsaudit — audit au {report.as_of.isoformat()} ({ref_id})"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    suites: list[ET.Element] = []
    baseline = report.baseline
    known = {(f["structure"], f["rule"]) for f in baseline["unchanged"]} if baseline else set()
    known_file = shown_path(str(baseline["file"])) if baseline else None
    split = input_issues(report)
    for s, issues in zip(report.structures, split.by_structure, strict=True):
        suite = ET.Element("testsuite", {"name": clean_text(f"{s.id} — {s.name}"), "file": _path(s.path)})
        props = ET.SubElement(suite, "properties")
        for name, value in (
            ("decision", s.decision.label),
            ("score", "" if s.score is None else f"{s.score:.1f}"),
            ("location", s.location),
        ):
            ET.SubElement(props, "property", {"name": name, "value": clean_text(value)})
        for issue in issues:
            _issue_case(suite, s, issue)
        for result in s.results:
            seen = known_file if (s.id, result.rule) in known else None
            _testcase(suite, s, result, rules.get(result.rule), seen)
        suites.append(suite)
    apart = ((split.apart_errors, "Erreurs de saisie"), (split.apart_warnings, "Avertissements de saisie"))
    for chosen, name in apart:
        if not chosen:
            continue
        suite = ET.Element("testsuite", {"name": name})
        for problem in chosen:
            case = ET.SubElement(
                suite,
                "testcase",
                {
                    "classname": _path(problem.path),
                    "name": clean_text(problem.location),
                    "file": _path(problem.path),
                },
            )
            text = clean_text(f"{shown_path(problem.path)} — {problem.location} : {problem.message}")
            if problem.is_error:
                attributes = {"message": clean_text(problem.message), "type": "erreur de saisie"}
                ET.SubElement(case, "error", attributes).text = text
            else:
                ET.SubElement(case, "system-out").text = f"avertissement de saisie : {text}"
        suites.append(suite)
    if report.plugin_errors:
        suite = ET.Element("testsuite", {"name": "Erreurs de plugins"})
        for error in report.plugin_errors:
            case = ET.SubElement(suite, "testcase", {"classname": "plugins", "name": clean_text(error.plugin)})
            ET.SubElement(case, "error", {"message": clean_text(error.message), "type": "erreur de plugin"})
        suites.append(suite)
    for suite in suites:
        counts = _set_counts(suite)
        for key in totals:
            totals[key] += counts[key]
        root.append(suite)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


REPORTER = Reporter(
    name="junit",
    description="Rapport JUnit XML (GitLab, Jenkins) : une suite par structure, un test par règle",
    extension=".xml",
    render=render_junit,
)
