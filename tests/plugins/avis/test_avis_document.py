"""The avis: one ODT per structure, read back with odfdo, deterministic, safe, on two pages."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from documents_helpers import (
    AS_OF,
    HOSTILE_NAMES,
    audit_declared,
    hostile_structures,
    placed,
    write_declaration,
)

from fsaudit import OutputError
from fsaudit.model import declaration as model
from fsaudit_avis import document
from fsaudit_avis.document import render_avis, soffice, to_pdf

REPO = Path(__file__).resolve().parents[3]


def _document(data: bytes) -> Any:
    from odfdo import Document

    return Document(io.BytesIO(data))


def _blocks(data: bytes) -> list[tuple[str, str]]:
    """(kind, text) of the body's paragraphs (``p``) and headings (``h``), tables left out."""
    body = _document(data).body
    return [(node.tag[5:], node.text_recursive) for node in body.children if node.tag in ("text:p", "text:h")]


def _paragraphs(data: bytes) -> list[str]:
    return [text for _, text in _blocks(data)]


def _tables(data: bytes) -> list[list[list[str]]]:
    return [
        [[cell.text_content for cell in row.traverse()] for row in table.traverse()]
        for table in _document(data).body.get_tables()
    ]


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _one_conseiller(tmp_path: Path) -> Any:
    structure = placed(1)
    return audit_declared(tmp_path, [attrs.evolve(structure, conseillers=structure.conseillers[:1])])


def test_avis_paragraphs(tmp_path: Path) -> None:
    """The avis holds the identity, the audit date and referential, the decision and a signature block."""
    report = _one_conseiller(tmp_path)
    files = _files(render_avis(report, {}))
    assert list(files) == ["sommaire.txt", "avis-TEST-001.odt"]
    assert _paragraphs(files["avis-TEST-001.odt"]) == [
        "Préfecture : " + "_" * 40,
        "Avis sur le label France services",
        "Structure : France services 1",
        "Identifiant : TEST-001",
        "Département : 32 Gers",
        "Adresse : 1 rue de l'Exemple, 32300 Mirande",
        "Commune (code INSEE) : 32013",
        "Canton : 3201",
        "Type et format : structure principale, fixe",
        "Gestionnaire : Communauté de communes (collectivité)",
        "Label : labellisée depuis le 01/01/2021",
        "Audit : au 30/06/2025, référentiel charte-2025 — Socle France services au 1er janvier 2025 : "
        "Agirc-Arrco et Urssaf rejoignent les opérateurs nationaux (13 selon le décompte du Sénat, « au moins "
        "12 » selon un communiqué de novembre 2025) (en vigueur depuis le 01/01/2025)",
        f"Déclaration : {tmp_path / 'declaration.json'} ($.structures[0])",
        "Décision proposée",
        "Maintien conditionnel — score : 90,9 % des critères jugés respectés (1 autre(s) à vérifier ou non évalué(s), "
        "hors score)",
        "• 1 critère(s) bloquant(s) non conforme(s) : FS-AGT-01",
        "• mise en conformité exigée dans le délai du plan d'actions (délai indicatif), à défaut retrait du label",
        "Non-conformités",
        "[1] Circulaire n° 6094-SG du 1er juillet 2019, annexe 5 (« au moins deux agents polyvalents présents en "
        "permanence ») ; communiqué du préfet de la région Occitanie du 12/05/2022",
        "Points à vérifier avant de signer",
        "Plan d'actions",
        "Les délais indicatifs ne sont fixés par aucune source de la charte ; la préfecture les arrête.",
        "Observations de la préfecture",
        "_" * 86,
        "_" * 86,
        "_" * 86,
        "Fait à ____________________, le ____________________",
        "Le préfet,",
        "(signature et cachet)",
        "",
        "",
        "",
    ]


def test_avis_tables(tmp_path: Path) -> None:
    """Non-conformities carry their charter source (as a note number, each source written once
    under the table) and confidence; actions their deadline, marked indicative."""
    report = _one_conseiller(tmp_path)
    rows = _tables(_files(render_avis(report, {}))["avis-TEST-001.odt"])
    assert [row[:2] + row[3:] for row in rows[0]] == [
        ["Règle", "Gravité", "Source"],
        ["FS-AGT-01 Au moins deux conseillers France services", "bloquant", "[1] C"],
        ["FS-AGT-03 Deux conseillers présents pendant toutes les heures d'ouverture", "majeur", "[1] C"],
    ]
    assert rows[0][1][2] == "1 conseiller France services, sous le minimum de 2"
    assert [row[0] for row in rows[1]] == ["Règle", "FS-MIS-01 Laïcité et neutralité du service"]
    assert rows[2] == [
        ["Règle", "Action", "Échéance"],
        [
            "FS-AGT-01 (bloquant)",
            "Affecter au moins deux conseillers France services à la structure et les déclarer.",
            "28/09/2025 (délai indicatif)",
        ],
        [
            "FS-AGT-03 (majeur)",
            "Organiser les plannings (temps partiels, pauses, congés) pour que deux conseillers "
            "soient présents à chaque heure d'ouverture, ou réduire les horaires en conséquence.",
            "27/12/2025 (délai indicatif)",
        ],
    ]


def test_points_to_verify_and_unread_facts_are_listed(tmp_path: Path) -> None:
    """A structure without conseillers lists the checks left to the auditor, never as non-conformities."""
    report = audit_declared(tmp_path, [placed(1, conseillers=None)])
    data = _files(render_avis(report, {}))["avis-TEST-001.odt"]
    headings = [text for kind, text in _blocks(data) if kind == "h"]
    assert headings == [
        "Décision proposée",
        "Non-conformités",
        "Points à vérifier avant de signer",
        "Plan d'actions",
        "Observations de la préfecture",
    ]
    assert [row[0] for row in _tables(data)[0]] == [
        "Règle",
        "FS-AGT-01 Au moins deux conseillers France services",
        "FS-AGT-02 Formation initiale de chaque conseiller avant la prise de poste ou la labellisation",
        "FS-AGT-03 Deux conseillers présents pendant toutes les heures d'ouverture",
        "FS-AGT-04 Durée de la formation initiale",
        "FS-MIS-01 Laïcité et neutralité du service",
    ]


def test_same_input_same_bytes(tmp_path: Path) -> None:
    """Two audits of the same file give the same zip, byte for byte (fixed dates in every entry)."""
    path = write_declaration(tmp_path / "d.json", [placed(1), placed(2)])
    from fsaudit.run.engine import audit

    first = render_avis(audit([str(path)], as_of=AS_OF), {})
    second = render_avis(audit([str(path)], as_of=AS_OF), {})
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2025, 6, 30, 0, 0, 0)}
        inner = zipfile.ZipFile(io.BytesIO(archive.read("avis-TEST-001.odt")))
        assert {info.date_time for info in inner.infolist()} == {(2025, 6, 30, 0, 0, 0)}


def test_hostile_names_kept_as_typed(tmp_path: Path) -> None:
    """Hostile names show exactly as typed in each avis and in the summary."""
    report = audit_declared(tmp_path, hostile_structures())
    files = _files(render_avis(report, {}))
    shown = {}
    for name, data in files.items():
        if name.endswith(".odt"):
            paragraphs = _paragraphs(data)
            shown[name] = next(p for p in paragraphs if p.startswith("Structure : "))[len("Structure : ") :]
    assert sorted(shown.values()) == sorted(HOSTILE_NAMES)
    summary = files["sommaire.txt"].decode("utf-8")
    assert all(name in summary for name in HOSTILE_NAMES)


def test_control_characters_are_replaced(tmp_path: Path) -> None:
    """Characters XML cannot hold become U+FFFD instead of breaking the document."""
    report = audit_declared(tmp_path, [placed(1, name="nom\x0bavec\x1fcontrôle")])
    data = _files(render_avis(report, {}))["avis-TEST-001.odt"]
    paragraphs = _paragraphs(data)
    assert "Structure : nom\ufffdavec\ufffdcontrôle" in paragraphs


def test_pdf_needs_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without LibreOffice, avis-pdf stops with a French message saying what to install."""
    monkeypatch.setattr(document.shutil, "which", lambda name: None)
    with pytest.raises(OutputError) as caught:
        to_pdf([("avis-x.odt", b"")])
    assert str(caught.value) == (
        "format avis-pdf : LibreOffice (soffice) n'est pas installé ; installez-le (paquet "
        "libreoffice-writer) ou demandez --format avis (documents ODT seuls)"
    )


def _writer_available() -> bool:
    command = soffice()
    if command is None:
        return False
    probe = subprocess.run([command, "--version"], capture_output=True, text=True, check=False)
    return probe.returncode == 0 and Path("/usr/lib/libreoffice/program/libswlo.so").exists()


needs_writer = pytest.mark.skipif(
    not _writer_available(), reason="LibreOffice Writer n'est pas installé (apt-get install libreoffice-writer-nogui)"
)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@needs_writer
def test_worst_avis_fits_two_pages(tmp_path: Path) -> None:
    """An avis with many non-conformities, checks and actions prints on at most two A4 pages."""
    worst = placed(
        1,
        conseillers=(model.Conseiller("C1", 0.5),),
        partners=(model.PartnerOffer("CAF"),),
        premises=model.Premises(False, False, False, False, False, False, False),
        opening_hours=model.WeeklyHours(monday=(model.TimeRange("09:00", "12:00"),)),
        local_services=(model.LocalService("CAF", "administratif"),),
    )
    report = audit_declared(tmp_path, [worst])
    files = _files(render_avis(report, {}))
    pdfs = to_pdf([("avis-TEST-001.odt", files["avis-TEST-001.odt"])])
    (tmp_path / "avis-TEST-001.pdf").write_bytes(pdfs["avis-TEST-001.pdf"])
    assert sum(1 for r in report.structures[0].results if r.status.value == "fail") >= 8
    assert 1 <= _pages(pdfs["avis-TEST-001.pdf"]) <= 2


@needs_writer
def test_cli_writes_avis_with_pdfs(tmp_path: Path) -> None:
    """``fsaudit audit -f avis-pdf -o avis.zip`` on the workbook sample: an ODT and a PDF per structure."""
    target = tmp_path / "avis.zip"
    done = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "fsaudit") if (REPO / ".venv" / "bin" / "fsaudit").exists() else "fsaudit",
            "audit",
            str(REPO / "samples" / "workbook" / "declaration-exemple.xlsx"),
            "--as-of",
            "2025-06-30",
            "-f",
            "avis-pdf",
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    names = sorted(_files(target.read_bytes()))
    assert names == [f"avis-EX-32-00{i}.{ext}" for i in range(1, 5) for ext in ("odt", "pdf")] + ["sommaire.txt"]


def test_unread_facts_are_shown_never_as_absent(tmp_path: Path) -> None:
    """An address that could not be read shows « illisible » in the identity, and the unread fact is
    listed with its place and its field named in French."""
    path = tmp_path / "d.json"
    path.write_text('{"structures": [{"id": "X", "name": "N", "address": 12}]}', encoding="utf-8")
    from fsaudit.run.engine import audit

    report = audit([str(path)], as_of=AS_OF)
    paragraphs = _paragraphs(_files(render_avis(report, {}))["avis-X.odt"])
    reason = report.structures[0].unread[0].reason
    assert "Adresse : illisible ($.structures[0].address)" in paragraphs
    assert f"• $.structures[0].address (adresse) : {reason}" in paragraphs


def test_deadline_not_indicative_is_not_called_so(tmp_path: Path) -> None:
    """An action whose deadline a text sets (not indicative) shows its date alone, with no note."""
    report = _one_conseiller(tmp_path)
    s = report.structures[0]
    actions = tuple(attrs.evolve(a, indicative=False) for a in s.decision.actions)
    report = attrs.evolve(report, structures=(attrs.evolve(s, decision=attrs.evolve(s.decision, actions=actions)),))
    data = _files(render_avis(report, {}))["avis-TEST-001.odt"]
    assert [row[2] for row in _tables(data)[2]] == ["Échéance", "28/09/2025", "27/12/2025"]
    assert not any(p.startswith("Les délais indicatifs") for p in _paragraphs(data))


def test_warnings_are_listed_as_points_to_weigh(tmp_path: Path) -> None:
    """A bus under the fixed sites' minimums gets warnings, not failures: its avis lists them
    apart (they were missing: « Aucune non-conformité » and nothing of what is left to weigh)."""
    from networks import SHORT_WEEK

    bus = placed(1, format=model.Format.BUS, opening_hours=SHORT_WEEK)
    report = audit_declared(tmp_path, [bus])
    data = _files(render_avis(report, {}))["avis-TEST-001.odt"]
    headings = [text for kind, text in _blocks(data) if kind == "h"]
    assert "Points à apprécier (avertissements, pas des non-conformités)" in headings
    weighed = next(t for t in _tables(data) if t[0] == ["Règle", "Observation"])
    assert [row[0].split()[0] for row in weighed[1:]] == ["FS-HOR-01", "FS-HOR-02"]


def test_the_signature_keeps_its_observations_and_every_page_names_the_avis(tmp_path: Path) -> None:
    """The observation lines keep with the signature block (it was left alone on a page 2 that
    could belong to any avis), and the footer of every page names the avis and its page (« Page 2
    sur 2 »)."""
    report = audit_declared(tmp_path, [placed(1)])
    files = _files(_files(render_avis(report, {}))["avis-TEST-001.odt"])
    content, styles = files["content.xml"].decode("utf-8"), files["styles.xml"].decode("utf-8")
    assert content.count('text:style-name="Ligne"') == 3
    assert re.search(r'style:name="Ligne"[^>]*>\s*<style:paragraph-properties fo:keep-with-next="always"', styles)
    footer = re.search(r"<style:footer>(.*?)</style:footer>", styles, re.S).group(1)
    assert "Avis TEST-001 — " in footer and "<text:page-number" in footer and "<text:page-count" in footer


def test_checks_settled_by_the_auditor_are_listed_with_who_and_when(tmp_path: Path) -> None:
    """A check the auditor answered (« Vérifications ») is listed with the answer, who gave it and
    when, also when « conforme »: the verdict rests on the auditor's word, and the avis says so."""
    from fsaudit.inputs.reader import ManualAnswer
    from fsaudit.run.engine import apply_answer

    report = audit_declared(tmp_path, [placed(1)])
    structure = report.structures[0]
    pending = next(r for r in structure.results if r.rule == "FS-MIS-01")
    answer = ManualAnswer("TEST-001", "FS-MIS-01", "pass", "accueil neutre constaté", "A. Martin", AS_OF, "B2")
    results = tuple(apply_answer(r, answer) if r is pending else r for r in structure.results)
    report = attrs.evolve(report, structures=(attrs.evolve(structure, results=results),))
    data = _files(render_avis(report, {}))["avis-TEST-001.odt"]
    settled = next(t for t in _tables(data) if t[0] == ["Règle", "Réponse"])
    assert [row[1] for row in settled[1:]] == [
        f"vérifié par A. Martin le {AS_OF:%d/%m/%Y} : conforme — accueil neutre constaté"
    ]
    assert "Vérifications faites par l'auditeur" in [text for kind, text in _blocks(data) if kind == "h"]
