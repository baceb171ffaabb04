"""``--format avis``: one editable avis (ODT) per structure, in a zip, for the prefect to sign.

Each document holds the structure's identity, the decision proposed and its reasons, the
non-conformities with their charter references, the points still to verify, the facts that
could not be read, the action plan with its deadlines (« délai indicatif »: no source of the
charter fixes them), the audit date and referential, and a blank signature block. The zip also
holds ``sommaire.txt``, which says which file is which structure (file names are derived from
the untrusted identifiers by :func:`fsaudit_avis.names.safe_names`).

Documents are written with odfpy and are byte-identical for the same report: the
document's dates are the audit date, and the zip entries (of the zip and of each ODT) carry
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
    replaced by U+FFFD: a declaration may contain them, a ODT may not."""
    return _XML_INVALID.sub("\ufffd", text)


def _zip_time(report: AuditReport) -> tuple[int, int, int, int, int, int]:
    date = max(report.as_of, _dt.date(1980, 1, 1))
    return (date.year, date.month, date.day, 0, 0, 0)


def _repack(data: bytes, when: tuple[int, int, int, int, int, int]) -> bytes:
    """The same zip with fixed entry dates and attributes (odfpy stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = _entry(info.filename, when)
            entry.compress_type = info.compress_type  # an ODF mimetype entry stays stored, and first
            target.writestr(entry, source.read(info))
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


def _styles(document: Any) -> dict[str, Any]:
    """Page layout (A4) and the paragraph, text and table styles of the avis."""
    from odf.style import (
        FontFace,
        MasterPage,
        PageLayout,
        PageLayoutProperties,
        ParagraphProperties,
        Style,
        TableCellProperties,
        TableColumnProperties,
        TableProperties,
        TextProperties,
    )

    document.fontfacedecls.addElement(FontFace(name=FONT, fontfamily=FONT, fontfamilygeneric="swiss"))
    layout = PageLayout(name="A4")
    layout.addElement(PageLayoutProperties(
        pagewidth="21cm", pageheight="29.7cm", printorientation="portrait",
        margintop="1.6cm", marginbottom="1.4cm", marginleft="2cm", marginright="2cm",
    ))
    document.automaticstyles.addElement(layout)
    styles: dict[str, Any] = {}

    def add(name: str, family: str, *properties: Any, parent: str | None = None, automatic: bool = False) -> Any:
        style = Style(name=name, family=family, **({"parentstylename": parent} if parent else {}))
        for item in properties:
            style.addElement(item)
        (document.automaticstyles if automatic else document.styles).addElement(style)
        styles[name] = style
        return style

    add("Standard", "paragraph", TextProperties(fontname=FONT, fontsize="10pt"),
        ParagraphProperties(marginbottom="0.08cm"))
    add("Titre", "paragraph", TextProperties(fontname=FONT, fontsize="18pt", color="#1f3864"),
        ParagraphProperties(marginbottom="0.3cm", margintop="0.2cm"), parent="Standard")
    add("Heading_20_1", "paragraph", TextProperties(fontname=FONT, fontsize="12pt", fontweight="bold", color="#2f5496"),
        ParagraphProperties(margintop="0.3cm", marginbottom="0.1cm", keepwithnext="always"), parent="Standard")
    add("Puce", "paragraph", ParagraphProperties(marginleft="0.5cm", marginbottom="0.05cm"), parent="Standard")
    add("Cellule", "paragraph", TextProperties(fontname=FONT, fontsize="8.5pt"), ParagraphProperties(marginbottom="0cm"))
    add("Droite", "paragraph", ParagraphProperties(textalign="end", keepwithnext="always"), parent="Standard")
    add("Signature", "paragraph", ParagraphProperties(margintop="0.5cm", keepwithnext="always"), parent="Standard")
    add("Note", "paragraph", TextProperties(fontstyle="italic", fontsize="9pt"), parent="Standard")
    add("Pied", "paragraph", TextProperties(fontname=FONT, fontsize="7.5pt"))
    add("Gras", "text", TextProperties(fontweight="bold"))
    add("Tableau", "table", TableProperties(width="17cm", align="left"), automatic=True)
    add("Case", "table-cell", TableCellProperties(border="0.5pt solid #000000", padding="0.06cm"), automatic=True)
    for width in (1.6, 1.8, 2.2, 3.4, 3.6, 4.0, 4.4, 5.8, 6.0, 8.6, 9.6, 11.0):
        add(f"Col{width}", "table-column", TableColumnProperties(columnwidth=f"{width}cm"), automatic=True)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    document.masterstyles.addElement(master)
    styles["master"] = master
    return styles


def avis_document(report: AuditReport, s: StructureReport, identity: Identity | None) -> bytes:
    """The ODT avis of one structure."""
    from odf import teletype
    from odf.opendocument import OpenDocumentText
    from odf.style import Footer
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, P, Span

    rules = _rule_titles(report)
    ref = report.referential
    document = OpenDocumentText()
    st = _styles(document)
    body = document.text

    def paragraph(text: str = "", style: str = "Standard") -> Any:
        element = P(stylename=st[style])
        if text:
            teletype.addTextToElement(element, xml_safe(text))
        body.addElement(element)
        return element

    def heading(text: str) -> None:
        element = H(outlinelevel=1, stylename=st["Heading_20_1"])
        teletype.addTextToElement(element, text)
        body.addElement(element)

    def field(label: str, value: str) -> None:
        element = P(stylename=st["Standard"])
        element.addElement(Span(stylename=st["Gras"], text=f"{label} : "))
        teletype.addTextToElement(element, xml_safe(value))
        body.addElement(element)

    def table(headers: list[str], rows: Iterable[list[str]], widths: list[float]) -> None:
        grid = Table(name=f"Tableau{len(document.getElementsByType(Table)) + 1}", stylename=st["Tableau"])
        for width in widths:
            grid.addElement(TableColumn(stylename=st[f"Col{width}"]))
        for index, row in enumerate([headers, *rows]):
            line = TableRow()
            for text in row:
                cell = TableCell(valuetype="string", stylename=st["Case"])
                content = P(stylename=st["Cellule"])
                if index == 0:
                    content.addElement(Span(stylename=st["Gras"], text=text))
                else:
                    teletype.addTextToElement(content, xml_safe(text))
                cell.addElement(content)
                line.addElement(cell)
            grid.addElement(line)
        body.addElement(grid)

    def bullet(text: str) -> None:
        paragraph(f"• {text}", "Puce")

    top = P(stylename=st["Standard"])
    top.addElement(Span(stylename=st["Gras"], text="Préfecture : "))
    top.addText("_" * 40)
    body.addElement(top)
    paragraph("Avis sur le label France services", "Titre")
    field("Structure", s.name)
    field("Identifiant", s.id)
    field("Département", _departement(s))
    if identity is not None:
        for label, value in identity.facts():
            if label != "Position (WGS84)":
                field(label, value)
    else:
        paragraph(UNREAD_NOTE)
    ref_text = f"{ref.id} — {ref.title} (en vigueur depuis le {fr_date(ref.valid_from)})" if ref else "non indiqué"
    field("Audit", f"au {fr_date(report.as_of)}, référentiel {ref_text}")
    field("Déclaration", f"{s.path} ({s.location})")

    heading("Décision proposée")
    decision = P(stylename=st["Standard"])
    decision.addElement(Span(stylename=st["Gras"], text=s.decision.label))
    if s.score is not None:
        decision.addText(f" — score : {fr_decimal(s.score, 1)} % des critères applicables respectés")
    body.addElement(decision)
    for reason in s.decision.reasons:
        bullet(reason)

    failures = [r for r in s.results if r.status in (Status.FAIL, Status.ERROR)]
    heading("Non-conformités")
    if failures:
        sources: dict[str, int] = {}
        table(
            ["Règle", "Gravité", "Constat", "Source"],
            [
                [
                    f"{r.rule} {rules[r.rule].title}" if r.rule in rules else r.rule,
                    r.severity.value + ("" if r.status is Status.FAIL else " (erreur de règle)"),
                    r.message,
                    _reference(rules.get(r.rule), sources),
                ]
                for r in failures
            ],
            [4.4, 1.8, 8.6, 2.2],
        )
        for source, number in sources.items():
            paragraph(f"[{number}] {source}", "Note")
    else:
        paragraph("Aucune non-conformité constatée.")
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
            bullet(f"{fact.location} : {fact.reason}")
    waived = [r for r in s.results if r.status is Status.WAIVED]
    if waived:
        heading("Dérogations")
        for r in waived:
            detail = ", ".join(f"{k} : {v}" for k, v in (r.waiver or {}).items())
            bullet(f"{r.rule} — {detail}" if detail else r.rule)

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
        paragraph("Les délais sont indicatifs : aucune source de la charte ne les fixe ; la préfecture les arrête.", "Note")
    else:
        paragraph("Aucune action demandée.")

    heading("Observations de la préfecture")
    for _ in range(3):
        paragraph("_" * 86)
    paragraph("Fait à ____________________, le ____________________", "Signature")
    for text in ("Le préfet,", "(signature et cachet)", "", "", ""):
        paragraph(text, "Droite")

    footer = Footer()
    footer.addElement(P(stylename=st["Pied"], text=(
        f"Avis préparé par fsaudit {report.fsaudit_version} à partir de l'audit du {fr_date(report.as_of)} ; "
        "à relire et compléter avant signature."
    )))
    st["master"].addElement(footer)
    _metadata(document, report, s)
    buffer = io.BytesIO()
    document.write(buffer)
    return _repack(buffer.getvalue(), _zip_time(report))


def _metadata(document: Any, report: AuditReport, s: StructureReport) -> None:
    """Fixed document metadata: the audit date, never the clock."""
    from odf import dc, meta

    when = f"{report.as_of.isoformat()}T00:00:00"
    for element in list(document.meta.childNodes):
        document.meta.removeChild(element)
    document.meta.addElement(meta.Generator(text=f"fsaudit {report.fsaudit_version}"))
    document.meta.addElement(dc.Title(text=xml_safe(f"Avis France services — {s.id}"[:250])))
    document.meta.addElement(meta.CreationDate(text=when))
    document.meta.addElement(dc.Date(text=when))


def _reference(rule: Any, sources: dict[str, int]) -> str:
    """The rule's source as a note number (each source is written once, under the table) and
    its confidence mark: ``[2] C2``."""
    if rule is None:
        return ""
    number = sources.setdefault(rule.reference.source, len(sources) + 1)
    return f"[{number}] {rule.reference.confidence}"


def _documents(report: AuditReport) -> list[tuple[str, StructureReport, bytes]]:
    identities = read_identities(report)
    names = safe_names((s.id for s in report.structures), ".odt")
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
    """A zip of one ODT avis per structure, with ``sommaire.txt``."""
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
    """``{name.pdf: bytes}`` for the ODT ``documents``, converted by LibreOffice in one run."""
    command = command or soffice()
    if command is None:
        raise OutputError(
            "format avis-pdf : LibreOffice (soffice) n'est pas installé ; installez-le "
            "(paquet libreoffice-writer) ou demandez --format avis (documents ODT seuls)"
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
    """The avis zip, with a PDF beside each ODT (LibreOffice needed; PDFs carry its own dates)."""
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
        description="un avis à signer par structure (ODT modifiable), dans une archive zip",
        extension=".zip",
        render=render_avis,
        binary=True,
    ),
    Reporter(
        name="avis-pdf",
        description="les avis ODT et leur PDF (LibreOffice requis), dans une archive zip",
        extension=".zip",
        render=render_avis_pdf,
        binary=True,
    ),
)
