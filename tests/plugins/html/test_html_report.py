"""The HTML report as a file: deterministic, self-contained, its data escaped (no browser needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from documents_helpers import (
    AS_OF,
    HOSTILE_NAMES,
    audit_declared,
    hostile_structures,
    placed,
    write_declaration,
)

from fsaudit.run.engine import audit
from fsaudit_html.geo import build_map
from fsaudit_html.render import render_html

DATA = re.compile(r'<script type="application/json" id="donnees">(.*?)</script>', re.S)


def page_data(html: str) -> dict[str, Any]:
    """The JSON data embedded in a report."""
    match = DATA.search(html)
    assert match is not None
    return json.loads(match.group(1))


def test_same_input_same_bytes(tmp_path: Path) -> None:
    """Two audits of the same file give the same HTML, byte for byte."""
    path = write_declaration(tmp_path / "d.json", [placed(1), placed(2)])
    first = render_html(audit([str(path)], as_of=AS_OF), {})
    assert render_html(audit([str(path)], as_of=AS_OF), {}) == first


def test_no_reference_outside_the_file(tmp_path: Path) -> None:
    """No src, href or url() points outside the page; the policy forbids every request."""
    html = render_html(audit_declared(tmp_path, [placed(1)]), {}).decode("utf-8")
    assert re.findall(r'\b(?:src|href)="(?!#)[^"]*"', html) == []
    assert "url(" not in html
    assert '<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; img-src data:;' in html


def test_hostile_names_cannot_close_the_data_script(tmp_path: Path) -> None:
    """Names with </script> stay inside the JSON data, escaped, and read back as typed."""
    html = render_html(audit_declared(tmp_path, hostile_structures()), {}).decode("utf-8")
    assert html.count("</script>") == 2  # the data and the page's script, nothing else
    assert "<script>alert" not in html
    names = [s["n"] for s in page_data(html)["structures"]]
    assert sorted(names) == sorted(HOSTILE_NAMES)


def test_input_problems_are_escaped(tmp_path: Path) -> None:
    """A message quoting an input value is escaped in the summary."""
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"structures": [{"id": "X", "name": "N", "departement": "<b onclick=alert(1)>"}]}', encoding="utf-8"
    )
    html = render_html(audit([str(bad)], as_of=AS_OF), {}).decode("utf-8")
    assert "<b onclick" not in html
    assert "&lt;b onclick=alert(1)&gt;" in html


def test_every_positioned_structure_gets_a_marker(tmp_path: Path) -> None:
    """Markers: one per structure with coordinates, none without."""
    structures = [placed(1), placed(2, coordinates=None), placed(3)]
    data = page_data(render_html(audit_declared(tmp_path, structures), {}).decode("utf-8"))
    assert [("m" in s) for s in data["structures"]] == [True, False, True]


def test_positions_outside_every_outline_get_an_inset() -> None:
    """Saint-Martin (978), which has no outline, gets its own inset; Gers points fall in metropolitan France."""
    result = build_map([("32", 43.6, 0.5), ("978", 18.07, -63.05), (None, None, None)])
    assert [title for title, _ in result.insets] == [
        "Guadeloupe",
        "Martinique",
        "Guyane",
        "La Réunion",
        "Mayotte",
        "978 Saint-Martin",  # a collectivité, not a département (it read « département 978 »)
    ]
    (x, y), (ix, iy), none = result.markers
    assert none is None
    assert 225 <= x <= 995 and 10 <= y <= 770
    box = result.insets[-1][1]
    assert box[0] <= ix <= box[0] + box[2] and box[1] <= iy <= box[1] + box[3]


def test_identity_comes_from_the_report_not_the_input(tmp_path: Path) -> None:
    """The fiche's identity and marker come from the audit report: the input is never read again
    (deleted after the audit, the fiche is the same)."""
    path = write_declaration(tmp_path / "d.json", [placed(1)])
    report = audit([str(path)], as_of=AS_OF)
    before = render_html(report, {})
    path.unlink()
    assert render_html(report, {}) == before
    (structure,) = page_data(before.decode("utf-8"))["structures"]
    assert ("no" in structure, "i" in structure, "m" in structure) == (False, True, True)


def test_unread_identity_fact_shows_where(tmp_path: Path) -> None:
    """An address that could not be read shows as « illisible » with its JSON path, never as absent;
    the unread fact is listed with its field named in French."""
    bad = tmp_path / "d.json"
    bad.write_text(
        json.dumps({"structures": [{"id": "X", "name": "N", "address": "pas une adresse"}]}), encoding="utf-8"
    )
    data = page_data(render_html(audit([str(bad)], as_of=AS_OF), {}).decode("utf-8"))
    (s,) = data["structures"]
    assert [data["strings"][k] for k in s["i"]] == ["Adresse", "illisible ($.structures[0].address)"]
    assert [u[:2] for u in s["u"]] == [["adresse", "$.structures[0].address"]]


def test_evidence_keys_are_french(tmp_path: Path) -> None:
    """Evidence reads in French: a declaration field by its template name, other keys with spaces."""
    report = audit_declared(tmp_path, [placed(1)])
    data = page_data(render_html(report, {}).decode("utf-8"))
    evidence = {
        data["rules"][r[0]][0]: data["strings"][r[5]]
        for r in map(data["results"].__getitem__, data["structures"][0]["r"])
        if len(r) > 5 and r[5] >= 0
    }
    assert evidence["FS-LOC-01"] == "espace confidentiel : oui"
    assert evidence["FS-HOR-01"] == (
        "heures hebdomadaires : 32,5 · minimum : 24 · par jour : lundi 6 h 30, mardi 6 h 30, mercredi 6 h 30, "
        "jeudi 6 h 30, vendredi 6 h 30 · type : principale · format : fixe"
    )


def test_fiche_data_of_a_structure(tmp_path: Path) -> None:
    """A structure's data: decision, identity facts, and each result's rule and message."""
    report = audit_declared(tmp_path, [placed(1)])
    data = page_data(render_html(report, {}).decode("utf-8"))
    (s,) = data["structures"]
    strings = data["strings"]
    assert data["decisions"][s["c"]] == ["maintien", "Maintien du label", "favorable"]
    assert [strings[k] for k in s["i"]] == [
        "Adresse",
        "1 rue de l'Exemple, 32300 Mirande",
        "Commune (code INSEE)",
        "32013",
        "Canton",
        "3201",
        "Type et format",
        "structure principale, fixe",
        "Gestionnaire",
        "Communauté de communes (collectivité)",
        "Label",
        "labellisée depuis le 01/01/2021",
        "Position (WGS84)",
        "43.51000, 0.41000",
    ]
    results = [data["results"][k] for k in s["r"]]
    expected = report.structures[0].results
    assert [(data["rules"][r[0]][0], strings[r[3]]) for r in results] == [(r.rule, r.message) for r in expected]


@pytest.mark.slow
def test_national_list_fits_the_size_budget(tmp_path: Path) -> None:
    """The HTML report of the national list (2,845 structures) stays under 4 MB, one marker each."""
    sample = Path(__file__).resolve().parents[3] / "samples" / "anct" / "liste-fs-20240801.csv"
    html = render_html(audit([str(sample)], as_of=AS_OF), {})
    assert len(html) <= 4_000_000
    structures = page_data(html.decode("utf-8"))["structures"]
    assert (len(structures), sum(1 for s in structures if "m" in s)) == (2845, 2845)
    # Counts are written the French way, as in the other reports (« 2845 » before).
    text = html.decode("utf-8")
    assert "2\u202f845 structure(s) lue(s)" in text and "2845 structure(s)" not in text


def test_table_headers_say_what_the_score_counts(tmp_path: Path) -> None:
    """The table's columns, in order; the score's header says it counts the criteria judged
    (a « 100 % » on a structure whose facts were not read is no full pass)."""
    html = render_html(audit_declared(tmp_path, [placed(1)]), {}).decode("utf-8")
    headers = re.findall(r'<th scope="col"[^>]*><button type="button" data-tri="[a-z]+">([^<]*)</button>', html)
    assert headers == [
        "Département",
        "Identifiant",
        "Nom",
        "Décision",
        "Score (critères jugés)",
        "Non conformes",
        "À vérifier",
    ]
