"""The terminal report: a French summary an auditor reads."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fsaudit import (
    AuditReport,
    DecisionCode,
    Issue,
    Reporter,
    Status,
    StructureReport,
    baseline_lines,
    fr_field,
    fr_int,
    fr_number,
    input_issues,
    shown_path,
    visible,
    waiver_lines,
)

__all__ = ["REPORTER", "fr_number", "render_text"]

DETAIL_LIMIT = 30
"""Above this many structures, the text report puts the summary sections first and lists only
the failures (one line each) of the structures that have one."""

_MARKS = {
    Status.PASS: "✓",
    Status.FAIL: "✗",
    Status.WARN: "!",
    Status.MANUAL: "?",
    Status.ERROR: "‼",
    Status.WAIVED: "≈",
    Status.NOT_APPLICABLE: "-",
}
_COLORS = {
    Status.FAIL: "red",
    Status.ERROR: "magenta",
    Status.WARN: "yellow",
    Status.MANUAL: "cyan",
    Status.WAIVED: "blue",
    Status.PASS: "green",
}
_SHOWN = (Status.FAIL, Status.ERROR, Status.WARN, Status.MANUAL, Status.WAIVED)


def _style(text: str, color: str | None, enabled: bool) -> str:
    if not enabled or color is None:
        return text
    import click

    return click.style(text, fg=color)


def _issue_lines(issues: tuple[Issue, ...], notes: tuple[str, ...]) -> list[str]:
    """A structure's input problems, errors then warnings, and its notes."""
    lines: list[str] = []
    for is_error, title in (
        (True, "  Erreurs de saisie (données non lues : instruction incomplète) :"),
        (False, "  Avertissements de saisie (éléments ignorés) :"),
    ):
        chosen = [issue for issue in issues if issue.is_error is is_error]
        if chosen:
            lines.append(title)
            for issue in chosen:
                field = f" ({fr_field(issue.field)})" if issue.field is not None else ""
                lines.append(f"    · {issue.location}{field} : {issue.message}")
    said = {issue.message for issue in issues}
    lines.extend(f"  Note : {note}" for note in notes if note not in said)
    return lines


def _structure_block(s: StructureReport, color: bool, issues: tuple[Issue, ...] = ()) -> list[str]:
    score = f"{fr_number(s.score)} %" if s.score is not None else "sans objet"
    if any(r.status is Status.WAIVED for r in s.results):
        without = s.score_without_waivers
        score += f" ({fr_number(without)} % sans dérogation)" if without is not None else ""
    if s.score is not None and s.unjudged:
        score += f" des critères jugés ; {s.unjudged} à vérifier ou non évalué(s), hors score"
    lines = [
        f"[{s.id}] {s.name} — {shown_path(s.path)} ({s.location})",
        f"  Décision : {s.decision.label} ; score {score}",
    ]
    for reason in s.decision.reasons:
        lines.append(f"    · {reason}")
    lines.extend(_issue_lines(issues, s.notes))
    shown = [r for r in s.results if r.status in _SHOWN]
    shown.sort(key=lambda r: (-r.severity.rank, r.rule))
    for r in shown:
        mark = _style(_MARKS[r.status], _COLORS.get(r.status), color)
        lines.append(f"  {mark} {r.rule:<10} {r.severity.value:<8} {r.status.label} : {r.message} [{r.location}]")
    passed = sum(1 for r in s.results if r.status is Status.PASS)
    na = sum(1 for r in s.results if r.status is Status.NOT_APPLICABLE)
    lines.append(f"  {passed} critère(s) conforme(s), {na} sans objet")
    if s.decision.actions:
        lines.append("  Plan d'actions :")
        for action in s.decision.actions:
            lines.append(f"    - {action.rule} ({action.severity.value}, {action.deadline_label}) : {action.action}")
        # in the order of the actions (bloquant first): sorted as text, « 180 » came before « 90 »
        bases = dict.fromkeys(a.deadline_basis for a in s.decision.actions if a.indicative and a.deadline_basis)
        lines.extend(f"    Échéance : {basis}" for basis in bases)
    return lines


def _compact_block(s: StructureReport, color: bool, show_path: bool, issues: tuple[Issue, ...] = ()) -> list[str]:
    where = [f"dép. {s.departement}"] if s.departement else []
    where += [shown_path(s.path), s.location] if show_path else [s.location]
    lines = [f"[{s.id}] {s.name} ({', '.join(where)}) — {s.decision.label}"]
    for issue in issues:
        kind = "erreur de saisie" if issue.is_error else "avertissement de saisie"
        lines.append(f"  ‽ {kind} : {issue.message} [{issue.location}]")
    shown = sorted(
        (r for r in s.results if r.status in (Status.FAIL, Status.ERROR)),
        key=lambda r: (-r.severity.rank, r.rule),
    )
    for r in shown:
        mark = _style(_MARKS[r.status], _COLORS.get(r.status), color)
        lines.append(f"  {mark} {r.rule:<10} {r.severity.value:<8} {r.message} [{r.location}]")
    return lines


def _section_lines(report: AuditReport) -> list[str]:
    lines: list[str] = []
    for section in report.sections:
        if section.text:
            lines.append(section.title)
            lines.extend(section.text)
            lines.append("")
    return lines


def render_text(report: AuditReport, options: dict[str, Any]) -> bytes:
    """The whole report as French text."""
    color = bool(options.get("color"))
    ref = report.referential
    split = input_issues(report)
    errors = len(report.input_errors)
    warnings = len(report.errors) - errors
    lines = [
        f"fsaudit {report.fsaudit_version} — audit au {report.as_of:%d/%m/%Y}",
        f"Référentiel : {ref.id} ({ref.title}), en vigueur depuis le {ref.valid_from:%d/%m/%Y}",
        *(ref.overlay.text_lines() if getattr(ref, "overlay", None) is not None else ()),
        f"Entrées : {fr_int(len(report.inputs))} fichier(s), {fr_int(len(report.structures))} structure(s), "
        f"{fr_int(errors)} erreur(s) de saisie"
        + (f", {fr_int(warnings)} avertissement(s) de saisie" if warnings else ""),
        *((report.filter.line(),) if report.filter is not None else ()),
        "",
    ]
    detailed = list(zip(report.structures, split.by_structure, strict=True))
    compact = len(report.structures) > DETAIL_LIMIT
    if compact:
        # Many structures (a national list): the summary sections first, then one line per
        # failure or input problem of the structures that have one; manual checks and action
        # plans are in JSON.
        lines.extend(_section_lines(report))
        detailed = [
            (s, issues)
            for s, issues in detailed
            if issues or any(r.status in (Status.FAIL, Status.ERROR) for r in s.results)
        ]
        lines.append(
            f"{fr_int(len(report.structures))} structures : constats non conformes, erreurs de règle et de saisie "
            f"des {fr_int(len(detailed))} structure(s) concernée(s), une ligne par constat (vérifications à faire, "
            "plans d'actions et rapport complet : --format json)."
        )
        lines.append("")
    for s, issues in detailed:
        if compact:
            lines.extend(_compact_block(s, color, show_path=len(report.inputs) > 1, issues=issues))
        else:
            lines.extend(_structure_block(s, color, issues))
            lines.append("")
    if compact and detailed:
        lines.append("")
    if not compact:
        lines.extend(_section_lines(report))
    decisions = Counter(s.decision.code for s in report.structures)
    lines.append("Synthèse des décisions :")
    for code in DecisionCode:
        if decisions.get(code):
            lines.append(f"  {code.label:<32} {decisions[code]:>6}")
    if not report.structures:
        lines.append("  aucune structure auditée")
    failing = report.failing()
    lines.append(f"Constats non conformes de gravité {report.fail_on.value} ou plus : {len(failing)}")
    if report.waivers is not None:
        lines += ["", *waiver_lines(report.waivers)]
    if report.baseline is not None:
        lines += ["", *baseline_lines(report.baseline, report.fail_on)]
    shown_with = len(report.errors) - len(split.apart)
    for chosen, title, more in (
        (
            split.apart_errors,
            "Erreurs de saisie (déclarations non auditées en tout ou partie)",
            " ; celles d'une structure sont indiquées avec elle",
        ),
        (
            split.apart_warnings,
            "Avertissements de saisie (éléments ignorés)",
            " ; ceux d'une structure sont indiqués avec elle",
        ),
    ):
        if chosen:
            lines += ["", f"{title}{more if shown_with else ''} :"]
            for problem in chosen:
                lines.append(f"  {shown_path(problem.path)} — {problem.location} : {problem.message}")
    if report.plugin_errors:
        lines += ["", "Erreurs de plugins :"]
        for error in report.plugin_errors:
            lines.append(f"  {error.plugin} : {error.message}")
    return visible("\n".join(lines) + "\n").encode("utf-8")


REPORTER = Reporter(
    name="text",
    description="Résumé lisible en français pour le terminal",
    extension=".txt",
    render=render_text,
)
