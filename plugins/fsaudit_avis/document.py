"""``--format avis``: one editable avis (ODT) per structure, in a zip, for the prefect to sign.

Each document holds the structure's identity, the decision proposed and its reasons, the
non-conformities with their charter references, the points still to verify, the facts that
could not be read, the action plan with its deadlines (« délai indicatif »: no source of the
charter fixes them), the audit date and referential, and a blank signature block. The zip also
holds ``sommaire.txt``, which says which file is which structure (file names are derived from
the untrusted identifiers by :func:`fsaudit_avis.names.safe_names`).

Documents are written with odfdo and are byte-identical for the same report: the
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

from fsaudit import (
    AuditReport,
    OutputError,
    Reporter,
    Status,
    StructureReport,
    departement_names,
    fr_date,
    fr_decimal,
    fr_field,
    fr_int,
    identity_facts,
    waiver_text,
)
from fsaudit_avis.names import safe_names

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
    """The same zip with fixed entry dates and attributes (odfdo stamps the current time)."""
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


_COLUMN_WIDTHS = (1.6, 1.8, 2.2, 3.4, 3.6, 4.0, 4.4, 5.8, 6.0, 8.6, 9.6, 11.0)
_STYLES = (
    # (automatic?, ODF XML of the style)
    (
        False,
        f'<style:style style:name="Avis" style:family="paragraph"><style:paragraph-properties '
        f'fo:margin-bottom="0.08cm"/><style:text-properties style:font-name="{FONT}" fo:font-size="10pt"/>'
        "</style:style>",
    ),
    (
        False,
        f'<style:style style:name="Titre_20_avis" style:display-name="Titre avis" style:family="paragraph" '
        'style:parent-style-name="Avis"><style:paragraph-properties fo:margin-top="0.2cm" '
        f'fo:margin-bottom="0.3cm"/><style:text-properties style:font-name="{FONT}" fo:font-size="18pt" '
        'fo:color="#1f3864"/></style:style>',
    ),
    (
        False,
        '<style:style style:name="Section_20_avis" style:display-name="Section avis" style:family="paragraph" '
        'style:parent-style-name="Avis" style:default-outline-level="1"><style:paragraph-properties '
        'fo:margin-top="0.3cm" fo:margin-bottom="0.1cm" fo:keep-with-next="always"/><style:text-properties '
        f'style:font-name="{FONT}" fo:font-size="12pt" fo:font-weight="bold" fo:color="#2f5496"/></style:style>',
    ),
    (
        False,
        '<style:style style:name="Puce" style:family="paragraph" style:parent-style-name="Avis">'
        '<style:paragraph-properties fo:margin-left="0.5cm" fo:margin-bottom="0.05cm"/></style:style>',
    ),
    (
        False,
        '<style:style style:name="Cellule" style:family="paragraph"><style:paragraph-properties '
        f'fo:margin-bottom="0cm"/><style:text-properties style:font-name="{FONT}" fo:font-size="8.5pt"/>'
        "</style:style>",
    ),
    (
        False,
        '<style:style style:name="Droite" style:family="paragraph" style:parent-style-name="Avis">'
        '<style:paragraph-properties fo:text-align="end" fo:keep-with-next="always"/></style:style>',
    ),
    (
        False,
        '<style:style style:name="Signature" style:family="paragraph" style:parent-style-name="Avis">'
        '<style:paragraph-properties fo:margin-top="0.5cm" fo:keep-with-next="always"/></style:style>',
    ),
    (
        False,
        '<style:style style:name="Ligne" style:family="paragraph" style:parent-style-name="Avis">'
        '<style:paragraph-properties fo:keep-with-next="always"/></style:style>',
    ),
    (
        False,
        '<style:style style:name="Note" style:family="paragraph" style:parent-style-name="Avis">'
        '<style:text-properties fo:font-size="9pt" fo:font-style="italic"/></style:style>',
    ),
    (
        False,
        '<style:style style:name="Pied" style:family="paragraph"><style:text-properties '
        f'style:font-name="{FONT}" fo:font-size="7.5pt"/></style:style>',
    ),
    (
        False,
        '<style:style style:name="Gras" style:family="text"><style:text-properties fo:font-weight="bold"/>'
        "</style:style>",
    ),
    (
        True,
        '<style:style style:name="Tableau" style:family="table"><style:table-properties style:width="17cm" '
        'table:align="left"/></style:style>',
    ),
    (
        True,
        '<style:style style:name="Case" style:family="table-cell"><style:table-cell-properties '
        'fo:border="0.5pt solid #000000" fo:padding="0.06cm"/></style:style>',
    ),
    *(
        (
            True,
            f'<style:style style:name="Col{width}" style:family="table-column"><style:table-column-properties '
            f'style:column-width="{width}cm"/></style:style>',
        )
        for width in _COLUMN_WIDTHS
    ),
)


def _styles(document: Any) -> None:
    """The avis's styles, and its page: A4 portrait with the margins that keep it on two pages."""
    for automatic, xml in _STYLES:
        document.insert_style(xml, automatic=automatic)
    outline = document.get_style("outline", "Outline")
    for level in outline.get_elements("text:outline-level-style"):  # the template numbers headings
        level.set_attribute("style:num-format", "")
        for name in ("style:num-suffix", "loext:num-list-format"):
            if level.get_attribute(name) is not None:
                level.del_attribute(name)
    master = document.get_style("master-page", "Standard")
    layout = document.get_style("page-layout", master.page_layout)
    layout.set_properties(
        {
            "fo:page-width": "21cm",
            "fo:page-height": "29.7cm",
            "style:print-orientation": "portrait",
            "fo:margin-top": "1.6cm",
            "fo:margin-bottom": "1.4cm",
            "fo:margin-left": "2cm",
            "fo:margin-right": "2cm",
        },
        area="page-layout",
    )


class _Writer:
    """The body of one avis, written paragraph by paragraph (every text is XML-safe)."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.body = document.body
        self.tables = 0

    def paragraph(self, text: str = "", style: str = "Avis") -> Any:
        from odfdo import Paragraph

        element = Paragraph(xml_safe(text), style=style)
        self.body.append(element)
        return element

    def heading(self, text: str) -> None:
        from odfdo import Header

        heading = Header(1, xml_safe(text))
        heading.style = "Section_20_avis"  # odfdo's Header does not set the style it is given
        self.body.append(heading)

    def field(self, label: str, value: str) -> None:
        from odfdo import Paragraph, Span

        element = Paragraph(style="Avis")
        element.append(Span(f"{label} : ", style="Gras"))
        element.append_plain_text(xml_safe(value))
        self.body.append(element)

    def bullet(self, text: str) -> None:
        self.paragraph(f"• {text}", "Puce")

    def table(self, headers: list[str], rows: Iterable[list[str]], widths: list[float]) -> None:
        from odfdo import Cell, Column, Paragraph, Row, Span, Table

        self.tables += 1
        grid = Table(f"Tableau{self.tables}", style="Tableau")
        for width in widths:
            grid.append(Column(style=f"Col{width}"))
        for index, values in enumerate([headers, *rows]):
            line = Row()
            for text in values:
                cell = Cell(style="Case")
                content = Paragraph(style="Cellule")
                if index == 0:
                    content.append(Span(text, style="Gras"))
                else:
                    content.append_plain_text(xml_safe(text))
                cell.append(content)
                line.append(cell)
            grid.append(line)
        self.body.append(grid)


def avis_document(report: AuditReport, s: StructureReport) -> bytes:
    """The ODT avis of one structure."""
    from odfdo import Document, Paragraph, VarPageCount, VarPageNumber

    rules = _rule_titles(report)
    ref = report.referential
    document = Document("text")
    document.body.clear()
    _styles(document)
    w = _Writer(document)

    top = Paragraph(style="Avis")
    from odfdo import Span

    top.append(Span("Préfecture : ", style="Gras"))
    top.append_plain_text("_" * 40)
    w.body.append(top)
    w.paragraph("Avis sur le label France services", "Titre_20_avis")
    w.field("Structure", s.name)
    w.field("Identifiant", s.id)
    w.field("Département", _departement(s))
    for label, value in identity_facts(s):
        if label != "Position (WGS84)":
            w.field(label, value)
    ref_text = f"{ref.id} — {ref.title} (en vigueur depuis le {fr_date(ref.valid_from)})" if ref else "non indiqué"
    w.field("Audit", f"au {fr_date(report.as_of)}, référentiel {ref_text}")
    w.field("Déclaration", f"{s.path} ({s.location})")

    w.heading("Décision proposée")
    decision = Paragraph(style="Avis")
    decision.append(Span(s.decision.label, style="Gras"))
    if s.score is not None:
        out = f" ({s.unjudged} autre(s) à vérifier ou non évalué(s), hors score)" if s.unjudged else ""
        decision.append_plain_text(f" — score : {fr_decimal(s.score, 1)} % des critères jugés respectés{out}")
    w.body.append(decision)
    for reason in s.decision.reasons:
        w.bullet(reason)

    failures = [r for r in s.results if r.status in (Status.FAIL, Status.ERROR)]
    w.heading("Non-conformités")
    if failures:
        sources: dict[str, int] = {}
        w.table(
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
            w.paragraph(f"[{number}] {source}", "Note")
    else:
        w.paragraph("Aucune non-conformité constatée.")
    # What is left to the signatory: checks to make, then warnings (not breaches: a bus under the
    # fixed sites' minimums, a partner count reached under the référentiel's reading…).
    for status, heading, column in (
        (Status.MANUAL, "Points à vérifier avant de signer", "Ce qui reste à vérifier"),
        (Status.WARN, "Points à apprécier (avertissements, pas des non-conformités)", "Observation"),
    ):
        found = [r for r in s.results if r.status is status]
        if found:
            w.heading(heading)
            w.table(
                ["Règle", column],
                [[f"{r.rule} {rules[r.rule].title}" if r.rule in rules else r.rule, r.message] for r in found],
                [6.0, 11.0],
            )
    # Checks the auditor settled (« Vérifications »): the avis says who answered and when, also
    # for a « conforme », since the verdict rests on the auditor's word, not on the declaration.
    settled = [r for r in s.results if r.manual and r.status in (Status.PASS, Status.FAIL)]
    if settled:
        w.heading("Vérifications faites par l'auditeur")
        w.table(
            ["Règle", "Réponse"],
            [[f"{r.rule} {rules[r.rule].title}" if r.rule in rules else r.rule, r.message] for r in settled],
            [6.0, 11.0],
        )
    if s.unread:
        w.heading("Faits illisibles (jamais comptés comme absents)")
        for fact in s.unread:
            w.bullet(f"{fact.location} ({fr_field(fact.field)}) : {fact.reason}")
    waived = [r for r in s.results if r.status is Status.WAIVED]
    if waived:
        w.heading("Dérogations")
        for r in waived:
            detail = waiver_text(r.waiver or {})
            w.bullet(f"{r.rule} — {detail}" if detail else r.rule)

    w.heading("Plan d'actions")
    if s.decision.actions:
        w.table(
            ["Règle", "Action", "Échéance"],
            [
                [
                    f"{a.rule} ({a.severity.value})",
                    a.action,
                    (fr_date(a.deadline) + (" (délai indicatif)" if a.indicative else ""))
                    if a.deadline
                    else "délai à fixer",
                ]
                for a in s.decision.actions
            ],
            [3.4, 9.6, 4.0],
        )
        if any(a.indicative for a in s.decision.actions):
            w.paragraph(
                "Les délais indicatifs ne sont fixés par aucune source de la charte ; la préfecture les arrête.", "Note"
            )
    else:
        w.paragraph("Aucune action demandée.")

    w.heading("Observations de la préfecture")
    for _ in range(3):
        # Kept with the signature: a signed page alone, that could belong to any avis, never.
        w.paragraph("_" * 86, "Ligne")
    w.paragraph("Fait à ____________________, le ____________________", "Signature")
    for text in ("Le préfet,", "(signature et cachet)", "", "", ""):
        w.paragraph(text, "Droite")

    master = document.get_style("master-page", "Standard")
    footer = Paragraph(
        f"Avis {s.id} — préparé par fsaudit {report.fsaudit_version} à partir de l'audit du "
        f"{fr_date(report.as_of)} ; à relire et compléter avant signature. Page ",
        style="Pied",
    )
    footer.append(VarPageNumber(select_page="current"))
    footer.append(" sur ")
    footer.append(VarPageCount())
    master.set_page_footer(footer)
    _metadata(document, report, s)
    buffer = io.BytesIO()
    document.save(buffer)
    return _repack(buffer.getvalue(), _zip_time(report))


def _metadata(document: Any, report: AuditReport, s: StructureReport) -> None:
    """Fixed document metadata: the audit date, never the clock (nor the template's)."""
    when = _dt.datetime.combine(report.as_of, _dt.time())
    meta = document.meta
    meta.meta_body.clear()  # the template's dates, generator and statistics
    meta.generator = f"fsaudit {report.fsaudit_version}"
    meta.title = xml_safe(f"Avis France services — {s.id}"[:250])
    meta.creation_date = when
    meta.date = when
    meta.language = "fr-FR"


def _reference(rule: Any, sources: dict[str, int]) -> str:
    """The rule's source as a note number (each source is written once, under the table) and
    its confidence mark: ``[2] C2``."""
    if rule is None:
        return ""
    number = sources.setdefault(rule.reference.source, len(sources) + 1)
    return f"[{number}] {rule.reference.confidence}"


def _documents(report: AuditReport) -> list[tuple[str, StructureReport, bytes]]:
    names = safe_names((s.id for s in report.structures), ".odt")
    return [(name, s, avis_document(report, s)) for name, s in zip(names, report.structures, strict=True)]


def _summary(report: AuditReport, rows: list[tuple[str, StructureReport]]) -> bytes:
    lines = [
        f"Avis France services — audit du {fr_date(report.as_of)}, {fr_int(len(rows))} structure(s).",
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
                [
                    command,
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation={(folder / 'profil').as_uri()}",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder / "out"),
                    *(str(folder / "in" / name) for name, _ in documents),
                ],
                check=True,
                capture_output=True,
                timeout=SOFFICE_TIMEOUT,
                env=env,
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
