"""``--format html``: one self-contained HTML file (styles, script, data and map inline).

The page is rendered by Jinja2 with autoescaping (every string from the input is escaped); the
structures, their findings and the map positions travel as JSON in a
``<script type="application/json">`` element (``<``, ``>`` and ``&`` escaped, so ``</script>``
in a name cannot close it) and the page's script builds the table and the fiches from it with
DOM text nodes only (never ``innerHTML``). A Content-Security-Policy allows only the page's own
script and style (by hash) and no request at all: the file works offline, from a USB key.

The summary, the charts and the département outlines are drawn here, in the file, and print
without script; the table, the fiches and the markers need the script.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections import Counter
from collections.abc import Iterable
from importlib import resources
from typing import Any

from fsaudit import (
    AuditReport,
    DecisionCode,
    Reporter,
    Result,
    Severity,
    Status,
    departement_names,
    evidence_text,
    fr_decimal,
    fr_field,
    fr_int,
    identity_facts,
    waiver_text,
)
from fsaudit import structure_position as position
from fsaudit_html.geo import MAP_WIDTH, build_map, outlines_attribution

__all__ = ["REPORTER", "render_html"]

DECISION_GROUPS = (
    ("favorable", "Favorable ou maintien"),
    ("reserve", "Sous réserve ou plan d'actions"),
    ("incomplete", "Instruction incomplète"),
    ("defavorable", "Défavorable ou maintien conditionnel"),
)
"""Colour groups of the decisions (by rank), best first, as in the legend."""
_GROUP_OF_RANK = {0: "favorable", 1: "reserve", 2: "incomplete", 3: "defavorable"}
HOURS_BIN = 2
"""Width of a bar of the hours chart, in hours; the last bar gathers 50 hours and more."""
HOURS_MAX = 50
_HOURS_RULE = "FS-HOR-01"
_HOURS_KEY = "heures_hebdomadaires"


def decision_group(code: DecisionCode) -> str:
    """The colour group of a decision: favorable, reserve, incomplete or defavorable."""
    return _GROUP_OF_RANK[code.rank]


@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("fsaudit_html", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}
    env.filters["fr_number"] = lambda value, decimals=1: fr_decimal(value, decimals)
    env.filters["fr_int"] = fr_int
    return env


def _static(name: str) -> str:
    return resources.files("fsaudit_html").joinpath(f"static/{name}").read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


class _Table:
    """A table of distinct values: each one once in the data, referred to by its index."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        if value is None:
            return -1
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.index)
        return found

    def rows(self) -> list[Any]:
        return [list(v) if isinstance(v, tuple) else v for v in self.index]


_RESULT_DEFAULTS = (None, None, None, None, None, -1, 0, -1)
"""Defaults of the trailing fields of an encoded result (evidence, manual, waiver), left out."""


def _weekly_hours(result: Result | None) -> float | None:
    if result is None:
        return None
    value = result.evidence.get(_HOURS_KEY)
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def _hours_chart(hours: Iterable[float], minimum: Any) -> dict[str, Any]:
    bins = Counter(min(int(h // HOURS_BIN), HOURS_MAX // HOURS_BIN) for h in hours)
    count = HOURS_MAX // HOURS_BIN + 1
    bars = []
    for index in range(count):
        low = index * HOURS_BIN
        label = f"{HOURS_MAX} h et plus" if index == count - 1 else f"{low} à {low + HOURS_BIN} h"
        bars.append({"label": label, "low": low, "count": bins.get(index, 0)})
    top = max((b["count"] for b in bars), default=0)
    return {
        "bars": bars,
        "top": top,
        "total": sum(b["count"] for b in bars),
        "minimum": minimum if isinstance(minimum, int | float) else None,
    }


def _structure_data(
    s: Any,
    marker: Any,
    rule_index: dict[str, int],
    strings: _Table,
    results: _Table,
    decisions: dict[DecisionCode, int],
) -> dict[str, Any]:
    """One structure in the page's data; strings and results are shared through tables.

    A result is ``[rule, status, severity, message, location, evidence, manual, waiver]``
    (indices; location ``-2`` is the structure's own location; trailing defaults dropped).
    """
    statuses = list(Status)
    severities = list(Severity)
    encoded = []
    for r in s.results:
        row = [
            rule_index[r.rule],
            statuses.index(r.status),
            severities.index(r.severity),
            strings(r.message),
            -2 if r.location == s.location else strings(r.location),
            strings(evidence_text(r.evidence)) if r.evidence else -1,
            1 if r.manual else 0,
            strings(waiver_text(r.waiver)) if r.waiver else -1,
        ]
        while len(row) > 5 and row[-1] == _RESULT_DEFAULTS[len(row) - 1]:
            row.pop()
        encoded.append(results(tuple(row)))
    counts = s.counts()
    out: dict[str, Any] = {
        "id": s.id,
        "n": s.name,
        "d": s.departement or "",
        "c": decisions[s.decision.code],
        "s": s.score,
        "p": strings(s.path),
        "l": strings(s.location),
        "r": encoded,
        "re": [strings(reason) for reason in s.decision.reasons],
        "a": [
            [
                a.rule,
                a.severity.value,
                strings(a.action),
                a.deadline.isoformat() if a.deadline else None,
                1 if a.indicative else 0,
            ]
            for a in s.decision.actions
        ],
        "f": counts["fail"],
        "mn": counts["manual"],
    }
    if s.unread:
        out["u"] = [[fr_field(f.field), f.location, f.reason] for f in s.unread]
    facts = identity_facts(s)
    if facts:
        out["i"] = [strings(part) for pair in facts for part in pair]
    if s.notes:
        out["no"] = list(s.notes)
    if marker is not None:
        out["m"] = [marker[0], marker[1]]
    return out


def _departement_rows(report: AuditReport, dep_names: dict[str, str]) -> list[dict[str, Any]]:
    by_dep: dict[str, Counter[str]] = {}
    for s in report.structures:
        by_dep.setdefault(s.departement or "", Counter())[decision_group(s.decision.code)] += 1
    rows = []
    for code in sorted(by_dep, key=lambda c: (c == "", c)):
        counts = by_dep[code]
        rows.append(
            {
                "code": code or "—",
                "name": dep_names.get(code, "département non indiqué" if not code else ""),
                "total": sum(counts.values()),
                "groups": [counts.get(key, 0) for key, _ in DECISION_GROUPS],
            }
        )
    return rows


def build_context(report: AuditReport) -> dict[str, Any]:
    """Everything the template needs, as plain data."""
    dep_names = departement_names()
    rules = [
        [rule.id, rule.title, rule.reference.text, rule.reference.source, rule.reference.confidence, rule.remediation]
        for rule in report.rules
    ]
    known = {rule.id for rule in report.rules}
    # A result of a rule the report does not describe (a plugin since disabled) keeps its id.
    rules += [
        [rule_id, "", "", "", "", ""]
        for rule_id in sorted({r.rule for s in report.structures for r in s.results} - known)
    ]
    rule_index = {rule[0]: i for i, rule in enumerate(rules)}
    strings, results = _Table(), _Table()
    decision_index = {code: i for i, code in enumerate(DecisionCode)}
    positions = [(s.departement, *(position(s) or (None, None))) for s in report.structures]
    geo = build_map(positions)
    structures = [
        _structure_data(s, marker, rule_index, strings, results, decision_index)
        for s, marker in zip(report.structures, geo.markers, strict=True)
    ]
    try:
        minimum = report.referential.value("hours.min_weekly_hours")
    except Exception:  # noqa: BLE001 - a referential without the key still gets a chart
        minimum = None
    ref = report.referential
    hours = [h for s in report.structures if (h := _weekly_hours(s.result(_HOURS_RULE))) is not None]
    decisions = Counter(s.decision.code for s in report.structures)
    groups = Counter(decision_group(s.decision.code) for s in report.structures)
    audit_line = f"audit au {report.as_of:%d/%m/%Y}" + (f" · référentiel {ref.id}" if ref else "")
    data = {
        "audit": audit_line,
        "decisions": [[code.value, code.label, decision_group(code)] for code in DecisionCode],
        "departements": {
            code: dep_names[code]
            for code in sorted({s.departement for s in report.structures if s.departement in dep_names})
        },
        "statuses": [[status.value, status.label] for status in Status],
        "severities": [severity.value for severity in Severity],
        "rules": rules,
        "strings": None,  # filled below, once every string is known
        "results": None,
        "structures": structures,
        "zoom": geo.zoom,
    }
    data["strings"] = strings.rows()
    data["results"] = results.rows()
    present_deps = sorted({s.departement for s in report.structures if s.departement})
    return {
        "report": report,
        "referential": {"id": ref.id, "title": ref.title, "valid_from": ref.valid_from} if ref else None,
        "decision_cards": [(code, decisions.get(code, 0), decision_group(code)) for code in DecisionCode],
        "groups": [(key, label, groups.get(key, 0)) for key, label in DECISION_GROUPS],
        "departements": [(code, dep_names.get(code, "")) for code in present_deps],
        "dep_rows": _departement_rows(report, dep_names),
        "hours": _hours_chart(hours, minimum),
        "map": geo,
        "map_width": MAP_WIDTH,
        "markers": sum(1 for m in geo.markers if m is not None),
        "attribution": outlines_attribution(),
        "rules": [(rule[0], rule[1]) for rule in rules],
        "statuses": list(Status),
        "problems": list(report.errors),
        "plugin_errors": list(report.plugin_errors),
        "data": data,
    }


def render_html(report: AuditReport, options: dict[str, Any]) -> bytes:
    """The HTML report of ``report`` (``options`` are not used)."""
    context = build_context(report)
    script, style = _static("report.js"), _static("report.css")
    context.update(
        script=script,
        style=style,
        csp=(
            "default-src 'none'; img-src data:; "
            f"style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
            "base-uri 'none'; form-action 'none'"
        ),
    )
    html = _environment().get_template("report.html.j2").render(context)
    return html.encode("utf-8", errors="replace")


REPORTER = Reporter(
    name="html",
    description="rapport HTML autonome (hors ligne) : synthèse, carte, tableau filtrable, fiches imprimables",
    extension=".html",
    render=render_html,
)
