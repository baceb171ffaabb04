"""Markdown summary, sized for a merge-request comment or a GitHub job summary.

Counts, decisions, then the failing findings (most severe first) in a table capped at
:data:`ROW_LIMIT` rows with a closing "… et N de plus" line; with a baseline, whether each
failure is new; the structures whose declaration could not be read whole, with what was not
read; waivers, input errors and input warnings (apart) in short lists, capped the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from fsaudit import AuditReport, DecisionCode, Reporter, Status, fr_field, fr_int, input_issues, shown_path
from fsaudit_ci._common import clean_text, fr_date

__all__ = ["REPORTER", "ROW_LIMIT", "render_markdown"]

ROW_LIMIT = 50
"""Rows of a table before the "… et N de plus" line."""

_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def md(text: Any) -> str:
    """Text safe in a Markdown table cell: one line, special characters escaped, no HTML."""
    one_line = " ".join(clean_text(text).split())
    return _SPECIAL.sub(r"\\\1", one_line).replace("<", "&lt;").replace(">", "&gt;")


def code(text: Any) -> str:
    """Text as a Markdown code span (one line; backticks and pipes replaced, as a table cell needs)."""
    one_line = " ".join(clean_text(text).split())
    return "`" + one_line.replace("`", "'").replace("|", "\\|") + "`"


def _more(count: int, limit: int, hint: str) -> list[str]:
    if count <= limit:
        return []
    return ["", f"… et {count - limit} de plus ({hint})."]


def render_markdown(report: AuditReport, options: dict[str, Any]) -> bytes:
    """The summary as Markdown (UTF-8)."""
    limit = int(options.get("markdown_limit", ROW_LIMIT))
    ref = report.referential
    failing_level = report.failing()
    ranked = [
        (-r.severity.rank, position, r.rule, s, r)
        for position, s in enumerate(report.structures)
        for r in s.results
        if r.status is Status.FAIL
    ]
    fails = [(s, r) for *_key, s, r in sorted(ranked, key=lambda item: item[:3])]
    baseline = report.baseline
    new_keys = {(f["structure"], f["rule"]) for f in baseline["new"]} if baseline else None
    waivers = report.waivers

    lines = [
        f"## Audit France services au {report.as_of:%d/%m/%Y}",
        "",
        f"Référentiel **{md(ref.id) if ref else '?'}** · fsaudit {md(report.fsaudit_version)} · "
        f"{fr_int(len(report.inputs))} fichier(s) · {fr_int(len(report.structures))} structure(s) · "
        f"{fr_int(len(report.input_errors))} erreur(s) de saisie · "
        f"{fr_int(len(report.errors) - len(report.input_errors))} avertissement(s) de saisie · "
        f"{fr_int(len(report.rule_errors))} erreur(s) de règle",
        *(("", md(report.filter.line())) if report.filter is not None else ()),
        "",
        f"**{len(failing_level)}** constat(s) non conforme(s) de gravité {report.fail_on.value} ou plus "
        f"({len(fails)} constat(s) non conforme(s) en tout).",
    ]
    if baseline is not None:
        lines.append(
            f"Par rapport à la référence : **{len(baseline['new'])}** nouveau(x), {len(baseline['fixed'])} corrigé(s), "
            f"{len(baseline.get('waived', ()))} dérogé(s), {len(baseline['unchanged'])} déjà connu(s)"
            + (f", {len(baseline['unassessed'])} non réévalué(s)" if baseline.get("unassessed") else "")
            + (f", {len(baseline['requalified'])} requalifié(s)." if baseline.get("requalified") else ".")
        )
    decisions = Counter(s.decision.code for s in report.structures)
    if decisions:
        lines += ["", "| Décision | Structures |", "|---|---:|"]
        lines += [f"| {code.label} | {decisions[code]} |" for code in DecisionCode if decisions.get(code)]

    if fails:
        header = "| Structure | Règle | Gravité | Constat | Emplacement |"
        rule_line = "|---|---|---|---|---|"
        if new_keys is not None:
            header += " Nouveau |"
            rule_line += "---|"
        lines += ["", "### Constats non conformes", "", header, rule_line]
        for s, r in fails[:limit]:
            row = (
                f"| {md(s.id)} | {md(r.rule)} | {r.severity.value} | {md(r.message)} | "
                f"{code(f'{shown_path(s.path)} {r.location}')} |"
            )
            if new_keys is not None:
                row += " oui |" if (s.id, r.rule) in new_keys else " non |"
            lines.append(row)
        lines += _more(len(fails), limit, "rapport complet : `--format json` ou `--format csv`")

    if waivers is not None:
        lines += [
            "",
            "### Dérogations",
            "",
            f"{len(waivers['applied'])} appliquée(s), {len(waivers['expired'])} expirée(s), "
            f"{len(waivers['not_started'])} pas encore en vigueur, {len(waivers['unused'])} sans objet.",
        ]
        notes = [
            f"- {md(w['structure'])} {md(w['rule'])} : {md(w['message'])}"
            for key in ("expired", "not_started", "unused")
            for w in waivers[key]
        ]
        notes += [
            f"- {md(w['structure'])} {md(w['rule'])} : dérogation appliquée jusqu'au {fr_date(w['expiry'])} "
            f"({md(w['approver'])})"
            for w in waivers["applied"]
        ]
        if notes:
            lines.append("")
            lines += notes[:limit]
            lines += _more(len(notes), limit, "voir le rapport JSON")

    split = input_issues(report)
    unread = [
        (s, issue)
        for s, issues in zip(report.structures, split.by_structure, strict=True)
        for issue in issues
        if issue.is_error
    ]
    if unread:
        lines += [
            "",
            "### Données illisibles (instruction incomplète)",
            "",
            "| Structure | Donnée | Emplacement | Motif |",
            "|---|---|---|---|",
        ]
        for s, issue in unread[:limit]:
            field = md(fr_field(issue.field)) if issue.field is not None else ""
            where = code(f"{shown_path(s.path)} {issue.location}")
            lines.append(f"| {md(s.id)} | {field} | {where} | {md(issue.message)} |")
        lines += _more(len(unread), limit, "voir le rapport JSON")

    problems = [f"- {md(shown_path(p.path))} {md(p.location)} : {md(p.message)}" for p in split.apart_errors]
    problems += [f"- plugin {md(e.plugin)} : {md(e.message)}" for e in report.plugin_errors]
    problems += [f"- {md(s.id)} {md(r.rule)} : {md(r.message)}" for s, r in report.rule_errors]
    if problems:
        lines += ["", "### Erreurs de saisie, de règle et de plugin", ""]
        lines += problems[:limit]
        lines += _more(len(problems), limit, "voir le rapport JSON")
    warnings = [
        f"- {md(s.id)} {code(f'{shown_path(s.path)} {issue.location}')} : {md(issue.message)}"
        for s, issues in zip(report.structures, split.by_structure, strict=True)
        for issue in issues
        if not issue.is_error
    ]
    warnings += [f"- {md(shown_path(p.path))} {md(p.location)} : {md(p.message)}" for p in split.apart_warnings]
    if warnings:
        lines += ["", "### Avertissements de saisie (éléments ignorés)", ""]
        lines += warnings[:limit]
        lines += _more(len(warnings), limit, "voir le rapport JSON")
    return ("\n".join(lines) + "\n").encode("utf-8")


REPORTER = Reporter(
    name="markdown",
    description="Synthèse Markdown pour un commentaire de merge request ou un résumé de job",
    extension=".md",
    render=render_markdown,
)
