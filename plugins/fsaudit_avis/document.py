"""``--format avis``: one editable avis (DOCX) per structure, in a zip, for the prefect to sign.

Each document holds the structure's identity, the decision proposed and its reasons, the
non-conformities with their charter references, the points still to verify, the facts that
could not be read, the action plan with its deadlines (« délai indicatif »: no source of the
charter fixes them), the audit date and referential, and a blank signature block. The zip also
holds ``sommaire.txt``, which says which file is which structure (file names are derived from
the untrusted identifiers by :func:`fsaudit_avis.names.safe_names`).

Documents are written with python-docx and are byte-identical for the same report: the
document's dates are the audit date, and the zip entries (of the zip and of each DOCX) carry
that date too. ``--format avis-pdf`` adds a PDF of each avis, converted by LibreOffice
(``soffice --headless``) when it is installed.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fsaudit_avis.names import safe_names
from fsaudit_html._core import (
    AuditReport,
    OutputError,
    Reporter,
    Status,
    StructureReport,
    fr_date,
    fr_decimal,
)
from fsaudit_html.geo import departement_names
from fsaudit_html.identity import UNREAD_NOTE, Identity, read_identities

__all__ = ["REPORTERS", "avis_document", "render_avis", "render_avis_pdf", "soffice", "to_pdf", "xml_safe"]

FONT = "Liberation Sans"
"""Metric-compatible with Arial: the layout is the same in LibreOffice and Word."""
SOFFICE_TIMEOUT = 600


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold (control characters, lone surrogates)
    replaced by U+FFFD: a declaration may contain them, a DOCX may not."""
    return _XML_INVALID.sub("\ufffd", text)


def _zip_time(report: AuditReport) -> tuple[int, int, int, int, int, int]:
    date = max(report.as_of, _dt.date(1980, 1, 1))
    return (date.year, date.month, date.day, 0, 0, 0)


def _repack(data: bytes, when: tuple[int, int, int, int, int, int]) -> bytes:
    """The same zip with fixed entry dates and attributes (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(_entry(info.filename, when), source.read(info))
    return out.getvalue()


def _entry(name: str, when: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def _departement(s: StructureReport) -> str:
    if not s.departement:
        return "non indiqué"
    return f"{s.departement} {departement_names().get(s.departement, '')}".strip()


def _rule_titles(report: AuditReport) -> dict[str, Any]:
    return {rule.id: rule for rule in report.rules}


def avis_document(report: AuditReport, s: StructureReport, identity: Identity | None) -> bytes:
    """The DOCX avis of one structure."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    rules = _rule_titles(report)
    ref = report.referential
    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(1.8)
    section.left_margin = section.right_margin = Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(3)
    for name in ("Title", "Heading 1", "Heading 2"):
        document.styles[name].font.name = FONT
    document.styles["Title"].font.size = Pt(18)
    document.styles["Heading 1"].font.size = Pt(12)

    def heading(text: str) -> None:
        paragraph = document.add_heading(text, level=1)
        paragraph.paragraph_format.space_before = Pt(8)
        paragraph.paragraph_format.space_after = Pt(3)

    def field(label: str, value: str) -> None:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label} : ").bold = True
        paragraph.add_run(xml_safe(value))

    def table(headers: list[str], rows: Iterable[list[str]], widths: list[float]) -> None:
        rows = list(rows)
        grid = document.add_table(rows=1 + len(rows), cols=len(headers))
        grid.style = "Table Grid"
        grid.autofit = False
        for index, width in enumerate(widths):
            grid.columns[index].width = Cm(width)
        for index, text in enumerate(headers):
            cell = grid.rows[0].cells[index]
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for r, row in enumerate(rows, start=1):
            for index, text in enumerate(row):
                grid.rows[r].cells[index].text = xml_safe(text)
        for row in grid.rows:
            for index, width in enumerate(widths):
                row.cells[index].width = Cm(width)
                for paragraph in row.cells[index].paragraphs:
                    paragraph.paragraph_format.space_after = Pt(0)
                    for run in paragraph.runs:
                        run.font.size = Pt(8.5)

    top = document.add_paragraph()
    top.add_run("Préfecture : ").bold = True
    top.add_run("_" * 40)
    document.add_paragraph("Avis sur le label France services", style="Title")
    field("Structure", s.name)
    field("Identifiant", s.id)
    field("Département", _departement(s))
    if identity is not None:
        for label, value in identity.facts():
            if label != "Position (WGS84)":
                field(label, value)
    else:
        document.add_paragraph(UNREAD_NOTE)
    ref_text = f"{ref.id} — {ref.title} (en vigueur depuis le {fr_date(ref.valid_from)})" if ref else "non indiqué"
    field("Audit", f"au {fr_date(report.as_of)}, référentiel {ref_text}")
    field("Déclaration", f"{s.path} ({s.location})")

    heading("Décision proposée")
    decision = document.add_paragraph()
    decision.add_run(s.decision.label).bold = True
    if s.score is not None:
        decision.add_run(f" — score : {fr_decimal(s.score, 1)} % des critères applicables respectés")
    for reason in s.decision.reasons:
        document.add_paragraph(xml_safe(reason), style="List Bullet")

    failures = [r for r in s.results if r.status in (Status.FAIL, Status.ERROR)]
    heading("Non-conformités")
    if failures:
        table(
            ["Règle", "Gravité", "Constat", "Référence de la charte"],
            [
                [
                    f"{r.rule} {rules[r.rule].title}" if r.rule in rules else r.rule,
                    r.severity.value + ("" if r.status is Status.FAIL else " (erreur de règle)"),
                    r.message,
                    _reference(rules.get(r.rule)),
                ]
                for r in failures
            ],
            [3.6, 1.6, 6.0, 5.8],
        )
    else:
        document.add_paragraph("Aucune non-conformité constatée.")
    manual = [r for r in s.results if r.status is Status.MANUAL]
    if manual:
        heading("Points à vérifier avant de signer")
        table(
            ["Règle", "Ce qui reste à vérifier"],
            [[f"{r.rule} {rules[r.rule].title}" if r.rule in rules else r.rule, r.message] for r in manual],
            [6.0, 11.0],
        )
    if s.unread:
        heading("Faits illisibles (jamais comptés comme absents)")
        for fact in s.unread:
            document.add_paragraph(xml_safe(f"{fact.location} : {fact.reason}"), style="List Bullet")
    waived = [r for r in s.results if r.status is Status.WAIVED]
    if waived:
        heading("Dérogations")
        for r in waived:
            detail = ", ".join(f"{k} : {v}" for k, v in (r.waiver or {}).items())
            document.add_paragraph(xml_safe(f"{r.rule} — {detail}" if detail else r.rule), style="List Bullet")

    heading("Plan d'actions")
    if s.decision.actions:
        table(
            ["Règle", "Action", "Échéance"],
            [
                [
                    f"{a.rule} ({a.severity.value})",
                    a.action,
                    f"{fr_date(a.deadline)} (délai indicatif)" if a.deadline else "délai indicatif à fixer",
                ]
                for a in s.decision.actions
            ],
            [3.4, 9.6, 4.0],
        )
        note = document.add_paragraph(
            "Les délais sont indicatifs : aucune source de la charte ne les fixe ; la préfecture les arrête."
        )
        note.runs[0].italic = True
    else:
        document.add_paragraph("Aucune action demandée.")

    heading("Observations de la préfecture")
    for _ in range(3):
        document.add_paragraph("_" * 86)

    signature = document.add_paragraph()
    signature.paragraph_format.space_before = Pt(14)
    signature.paragraph_format.keep_with_next = True
    signature.add_run("Fait à ____________________, le ____________________")
    for text in ("Le préfet,", "(signature et cachet)", "", "", ""):
        line = document.add_paragraph(text)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        line.paragraph_format.keep_with_next = True
    footer = section.footer.paragraphs[0]
    footer.text = (
        f"Avis préparé par fsaudit {report.fsaudit_version} à partir de l'audit du {fr_date(report.as_of)} ; "
        "à relire et compléter avant signature."
    )
    footer.runs[0].font.size = Pt(7.5)

    when = _dt.datetime.combine(report.as_of, _dt.time(0, 0))
    props = document.core_properties
    props.author = props.last_modified_by = "fsaudit"
    props.created = props.modified = when
    props.last_printed = when
    props.revision = 1
    props.title = xml_safe(f"Avis France services — {s.id}"[:250])
    props.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return _repack(buffer.getvalue(), _zip_time(report))


def _reference(rule: Any) -> str:
    if rule is None:
        return ""
    return f"{rule.reference.source} [{rule.reference.confidence}]"


def _documents(report: AuditReport) -> list[tuple[str, StructureReport, bytes]]:
    identities = read_identities(report)
    names = safe_names((s.id for s in report.structures), ".docx")
    return [
        (name, s, avis_document(report, s, identities.get((s.path, s.location))))
        for name, s in zip(names, report.structures, strict=True)
    ]


def _summary(report: AuditReport, rows: list[tuple[str, StructureReport]]) -> bytes:
    lines = [
        f"Avis France services — audit du {fr_date(report.as_of)}, {len(rows)} structure(s).",
        "Fichier, identifiant, nom et décision proposée de chaque structure :",
        "",
    ]
    lines.extend(f"{name}\t{s.id}\t{s.name}\t{s.decision.label}" for name, s in rows)
    return ("\n".join(lines) + "\n").encode("utf-8", errors="replace")


def render_avis(report: AuditReport, options: dict[str, Any]) -> bytes:
    """A zip of one DOCX avis per structure, with ``sommaire.txt``."""
    documents = _documents(report)
    return _zip(report, [(name, data) for name, _, data in documents], [(name, s) for name, s, _ in documents])


def _zip(report: AuditReport, files: list[tuple[str, bytes]], rows: list[tuple[str, StructureReport]]) -> bytes:
    when = _zip_time(report)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry("sommaire.txt", when), _summary(report, rows))
        for name, data in files:
            archive.writestr(_entry(name, when), data)
    return out.getvalue()


def soffice() -> str | None:
    """The LibreOffice command, or ``None`` when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(documents: list[tuple[str, bytes]], command: str | None = None) -> dict[str, bytes]:
    """``{name.pdf: bytes}`` for the DOCX ``documents``, converted by LibreOffice in one run."""
    command = command or soffice()
    if command is None:
        raise OutputError(
            "format avis-pdf : LibreOffice (soffice) n'est pas installé ; installez-le "
            "(paquet libreoffice-writer) ou demandez --format avis (documents DOCX seuls)"
        )
    with tempfile.TemporaryDirectory(prefix="fsaudit-avis-") as work:
        folder = Path(work)
        (folder / "in").mkdir()
        for name, data in documents:
            (folder / "in" / name).write_bytes(data)
        env = {**os.environ, "HOME": str(folder)}
        try:
            subprocess.run(  # noqa: S603 - fixed arguments, file names made safe by safe_names
                [command, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'profil').as_uri()}",
                 "--convert-to", "pdf", "--outdir", str(folder / "out"),
                 *(str(folder / "in" / name) for name, _ in documents)],
                check=True, capture_output=True, timeout=SOFFICE_TIMEOUT, env=env,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise OutputError(f"format avis-pdf : la conversion par LibreOffice a échoué ({exc})") from None
        out = {}
        for name, _ in documents:
            pdf = folder / "out" / (name.rsplit(".", 1)[0] + ".pdf")
            if not pdf.is_file():
                raise OutputError(f"format avis-pdf : LibreOffice n'a pas produit {pdf.name}")
            out[pdf.name] = pdf.read_bytes()
        return out


def render_avis_pdf(report: AuditReport, options: dict[str, Any]) -> bytes:
    """The avis zip, with a PDF beside each DOCX (LibreOffice needed; PDFs carry its own dates)."""
    built = _documents(report)
    documents = [(name, data) for name, _, data in built]
    pdfs = to_pdf(documents) if documents else {}
    files: list[tuple[str, bytes]] = []
    for name, data in documents:
        files.append((name, data))
        pdf = name.rsplit(".", 1)[0] + ".pdf"
        files.append((pdf, pdfs[pdf]))
    return _zip(report, files, [(name, s) for name, s, _ in built])


REPORTERS = (
    Reporter(
        name="avis",
        description="un avis à signer par structure (DOCX modifiable), dans une archive zip",
        extension=".zip",
        render=render_avis,
        binary=True,
    ),
    Reporter(
        name="avis-pdf",
        description="les avis DOCX et leur PDF (LibreOffice requis), dans une archive zip",
        extension=".zip",
        render=render_avis_pdf,
        binary=True,
    ),
)
