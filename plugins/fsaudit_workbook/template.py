"""Writing declaration workbooks: the empty template (with an example) and any declaration.

The same rows serve both formats: :func:`declaration_rows` turns a declaration into the cell
values of each sheet of the layout, then :func:`write_xlsx` (openpyxl) or :func:`write_ods`
(the OpenDocument XML written with the standard library, see ``docs/workbook.md``) lays them
out with an « Instructions » sheet, drop-down lists, frozen header rows and column widths.
Both outputs are byte-for-byte reproducible.
"""

from __future__ import annotations

import datetime as _dt
import io
import zipfile
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from fsaudit import (
    WEEKDAYS,
    Address,
    Attendance,
    Canton,
    Conseiller,
    Declaration,
    Departement,
    Format,
    Gestionnaire,
    GestionnaireKind,
    Label,
    LabelStatus,
    LocalService,
    ManualAnswer,
    PartnerMode,
    PartnerOffer,
    Premises,
    Structure,
    StructureType,
    TimeRange,
    WeeklyHours,
)
from fsaudit_workbook import cells
from fsaudit_workbook.cells import BOOLEAN_SPELLINGS, CHOICES, choice_label, choice_labels
from fsaudit_workbook.layout import CLOSED_MARK, EMPTY_MARK, SHEETS, Column
from fsaudit_workbook.scan import column_letter

__all__ = [
    "EXAMPLE_DEPARTEMENT",
    "EXAMPLE_FACT",
    "EXAMPLE_ID",
    "declaration_rows",
    "example_declaration",
    "render_workbook",
    "write_ods",
    "write_xlsx",
]

EXAMPLE_ID = "EXEMPLE-01"
"""Identifier of the template's example structure: the reader skips its rows, with a warning."""
EXAMPLE_DEPARTEMENT = Departement("32", "Gers", (Canton("3201", "Auch-1"),))
"""The département block of the template's example (skipped with the example structure)."""
EXAMPLE_FACT = ("mon_departement", "guichet_numerique", True)
"""The extension fact of the template's example (namespace, field, value): the one of
``docs/plugins.md``. The example structure is skipped, so no plugin needs to declare it."""
FIXED_TIME = _dt.datetime(2000, 1, 1)
"""Creation time written in every workbook, so that the file does not depend on the clock."""
_VALIDATED_ROWS = 2000
"""Rows below the header that carry the drop-down lists in the template."""
A4_MARGIN_CM = 1.5
"""Margins of the printed Instructions sheet: 18 cm of printable width on A4 portrait."""
INSTRUCTIONS_CM = 17.0
"""Width of the Instructions column in the .ods: within the printable width."""
INSTRUCTIONS_CHARS = 70
"""Width of the Instructions column in the .xlsx, in characters of the default font: 13 cm in
Calibri, 17.5 cm where the spreadsheet has to replace Calibri by a wider font (DejaVu Sans in a
bare LibreOffice). It must fit the printable width by itself: the « fit to page width » set-up
does not shrink a single column wider than the page in LibreOffice, it cuts it."""
_TEXT_KINDS = {
    "text",
    "code",
    "departement",
    "commune",
    "postal",
    "time",
    "month",
    "rule",
    "modes",
    "choice",
    "result",
    "bool",
    "namespace",
    "field",
}

Rows = dict[str, list[list[Any]]]


# --- declaration → rows ---------------------------------------------------------------------


def _week_rows(sid: str, week: WeeklyHours, conseiller: str | None) -> list[list[Any]]:
    rows: list[list[Any]] = []
    if week.is_empty:
        return [[sid, choice_label("jour", day), CLOSED_MARK, None, conseiller] for day in WEEKDAYS]
    for day, ranges in week.items():
        for r in ranges:
            rows.append([sid, choice_label("jour", day), r.start, r.end, conseiller])
    return rows


def _bool(value: bool | None) -> str | None:
    if value is None:
        return None
    return choice_label("oui_non", "true" if value else "false")


def _enum(name: str, value: Any) -> str | None:
    return None if value is None else choice_label(name, value.value)


def _fact_row(sid: str, namespace: str, field: str, value: Any) -> list[Any]:
    """The row of the « Extensions » sheet for one extension fact. A fact that the reader would
    read back otherwise (a list, an object, null, a text read as oui/non or with spaces around,
    a whole number beyond a spreadsheet's precision, a name it refuses) raises ``ValueError``."""
    cell = _bool(value) if isinstance(value, bool) else value
    same = isinstance(cell, str | int | float) and not cells.is_empty(cell)
    if same and isinstance(cell, int) and abs(cell) > 2**53:
        same = False
    if same:
        try:
            read = (cells.namespace(namespace), cells.field_name(field), cells.fact_value(cell))
        except cells.CellError:
            same = False
        else:
            same = read == (namespace, field, value) and isinstance(read[2], bool) == isinstance(value, bool)
    if not same:
        raise ValueError(
            f"Extensions : le fait « {namespace}.{field} » de la structure « {sid} » ({_shown(value)}) ne peut pas "
            "être écrit dans un classeur sans changer : une ligne porte un nom d'espace, un nom de champ sans point "
            "ni crochet, et un nombre, oui/non ou un texte qui ne se lit pas oui/non, sans espace autour"
        )
    return [sid, namespace, field, cell]


def _shown(value: Any) -> str:
    """An extension fact's value named in French, for a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _bool(value) or ""
    if isinstance(value, int | float):
        return f"le nombre {value}"
    if isinstance(value, str):
        return f"le texte « {value} »"
    return "une liste" if isinstance(value, tuple | list) else "un objet"


def declaration_rows(declaration: Declaration, answers: Sequence[ManualAnswer] = ()) -> Rows:
    """The cell values of every sheet of the layout, without headers, in column order."""
    rows: Rows = {spec.name: [] for spec in SHEETS}
    for s in declaration.structures:
        address = s.address or Address()
        gestionnaire = s.gestionnaire or Gestionnaire()
        rows["Structures"].append(
            [
                s.id,
                s.name,
                s.departement,
                s.canton,
                s.commune,
                address.street,
                address.complement,
                address.postal_code,
                address.city,
                s.coordinates.latitude if s.coordinates else None,
                s.coordinates.longitude if s.coordinates else None,
                _enum("type", s.type),
                _enum("format", s.format),
                s.group,
                s.parent_id,
                _enum("gestionnaire", gestionnaire.kind),
                gestionnaire.name,
                _enum("label", s.label.status) if s.label else None,
                s.label.date if s.label else None,
                s.irregular_openings,
                _bool(s.appointment_booking),
                s.comment,
            ]
        )
        if s.opening_hours is not None:
            rows["Horaires"].extend(_week_rows(s.id, s.opening_hours, None))
        if s.conseillers is not None:
            if not s.conseillers:
                rows["Conseillers"].append([s.id, EMPTY_MARK, None, None, None, None])
            for c in s.conseillers:
                rows["Conseillers"].append([s.id, c.id, c.fte, c.training_date, c.training_days, c.start_date])
                if c.presence is not None:
                    rows["Horaires"].extend(_week_rows(s.id, c.presence, c.id))
        if s.partners is not None:
            if not s.partners:
                rows["Partenaires"].append([s.id, EMPTY_MARK, None, None])
            for p in s.partners:
                modes = ", ".join(choice_label("modalite", m.value) for m in p.modes) or None
                rows["Partenaires"].append([s.id, p.operator, modes, p.referent])
        if s.local_services is not None:
            if not s.local_services:
                rows["Services locaux"].append([s.id, EMPTY_MARK, None, None])
            for service in s.local_services:
                rows["Services locaux"].append([s.id, service.name, service.category, service.provider])
        if s.premises is not None:
            p = s.premises
            rows["Locaux"].append(
                [s.id]
                + [
                    _bool(v)
                    for v in (
                        p.confidential_space,
                        p.free_access_station,
                        p.printer_scanner,
                        p.videoconference,
                        p.free_of_charge,
                        p.walk_in,
                        p.signage,
                        p.disability_access,
                    )
                ]
            )
        if s.attendance is not None:
            if not s.attendance:
                rows["Fréquentation"].append([s.id, EMPTY_MARK, None])
            for a in s.attendance:
                rows["Fréquentation"].append([s.id, a.month, a.accompaniments])
        for namespace, facts in (s.extensions or {}).items():
            for field, value in facts.items():
                rows["Extensions"].append(_fact_row(s.id, namespace, field, value))
    d = declaration.departement
    if d is not None:
        if d.cantons is None:
            rows["Département"].append([d.code, d.name, None, None])
        elif not d.cantons:
            rows["Département"].append([d.code, d.name, EMPTY_MARK, None])
        for n, canton in enumerate(d.cantons or ()):
            rows["Département"].append([d.code, d.name if n == 0 else None, canton.code, canton.name])
    for a in answers:
        rows["Vérifications"].append(
            [
                a.structure_id,
                a.rule,
                choice_label("resultat", a.status),
                a.evidence,
                a.auditor,
                a.date,
            ]
        )
    return rows


def _example_week() -> WeeklyHours:
    """The example's opening hours: 09:00-12:00 and 13:30-17:00, Monday to Friday (32 h 30)."""
    day = (TimeRange("09:00", "12:00"), TimeRange("13:30", "17:00"))
    return WeeklyHours(monday=day, tuesday=day, wednesday=day, thursday=day, friday=day)


def example_declaration(partners: Sequence[str]) -> tuple[Declaration, tuple[ManualAnswer, ...]]:
    """The example structure of the template: every sheet filled once, to be deleted."""
    FULL_WEEK = _example_week()
    conseillers = (
        Conseiller("CONS-1", 1.0, _dt.date(2023, 3, 10), 6.5, _dt.date(2023, 4, 3), FULL_WEEK),
        Conseiller("CONS-2", 0.8, _dt.date(2024, 2, 16), 11.5, _dt.date(2024, 3, 4), FULL_WEEK),
    )
    structure = Structure(
        id=EXAMPLE_ID,
        name="France services d'exemple (ligne à supprimer)",
        departement="32",
        canton="3201",
        commune="32013",
        address=Address("1 place de la Mairie", None, "32000", "Auch"),
        type=StructureType.PRINCIPAL,
        format=Format.FIXE,
        gestionnaire=Gestionnaire(GestionnaireKind.COLLECTIVITE, "Communauté de communes d'exemple"),
        label=Label(LabelStatus.LABELLED, _dt.date(2021, 1, 1)),
        opening_hours=FULL_WEEK,
        irregular_openings="premier samedi du mois de 9h à 12h",
        appointment_booking=True,
        conseillers=conseillers,
        partners=tuple(
            PartnerOffer(name, (PartnerMode.PERMANENCE, PartnerMode.VISIO), "Référent départemental")
            for name in partners
        ),
        local_services=(LocalService("Aide au numérique", "numérique", "Conseiller numérique"),),
        premises=Premises(True, True, True, True, True, True, True),
        attendance=(Attendance("2024-01", 310), Attendance("2025-01", 342)),
    )
    answer = ManualAnswer(
        EXAMPLE_ID,
        "FS-HOR-05",
        "pass",
        "ouverture du premier samedi affichée et constatée",
        "Nom de l'auditeur",
        _dt.date(2025, 3, 1),
        "",
    )
    return Declaration((structure,), EXAMPLE_DEPARTEMENT), (answer,)


# --- lists and instructions ------------------------------------------------------------------


def _lists(partners: Sequence[str], categories: Sequence[str]) -> dict[str, list[str]]:
    lists = {name: choice_labels(name) for name in CHOICES}
    lists["partenaires"] = list(partners)
    lists["categorie"] = list(categories)
    return lists


def instructions(referential_title: str, example: bool, partners: Sequence[Any] = ()) -> list[tuple[str, str]]:
    """Lines of the « Instructions » sheet: ``(style, text)`` with style title, heading or text."""
    lines: list[tuple[str, str]] = [
        ("title", "Déclaration France services — classeur à remplir pour fsaudit"),
        ("text", f"Référentiel des listes déroulantes : {referential_title}."),
        (
            "text",
            "Remplissez une ligne par structure dans la feuille Structures ; les autres feuilles s'y "
            "rattachent par la colonne « Identifiant ».",
        ),
        (
            "text",
            "Puis lancez : fsaudit audit ce-fichier.xlsx (ou .ods). Chaque erreur de saisie et chaque "
            "constat indique sa cellule (par exemple Horaires!C12).",
        ),
    ]
    if example:
        lines.append(
            (
                "text",
                f"La structure d'exemple « {EXAMPLE_ID} » remplit chaque feuille une fois : "
                "supprimez ses lignes dans toutes les feuilles avant de déclarer vos structures "
                "(oubliée, elle n'est pas auditée et l'audit le signale).",
            )
        )
    lines += [
        ("heading", "Saisie"),
        ("text", "Heures : 9h, 9h30, 09:00 ou 9:00 ; 24:00 pour minuit en fin de journée."),
        ("text", "Dates : 12/05/2022 (ou une cellule date) ; mois : 2024-01, 01/2024 ou janvier 2024."),
        (
            "text",
            f"Oui/non : {BOOLEAN_SPELLINGS}, en majuscules ou minuscules ; une case vide signifie « non déclaré ».",
        ),
        (
            "text",
            "Nombres : virgule décimale (6,5). Les en-têtes se lisent sans tenir compte des majuscules ni "
            "des accents, dans n'importe quel ordre ; les lignes vides sont ignorées.",
        ),
        (
            "text",
            f"« {EMPTY_MARK} » dans la colonne principale d'une liste, celle qui suit l'Identifiant "
            "(Conseiller, Partenaire, Service, Mois, Canton), déclare une liste vide ; une structure sans "
            "ligne n'a rien déclaré.",
        ),
        ("text", f"« {CLOSED_MARK} » dans la colonne Début de Horaires déclare un jour fermé."),
        ("text", "Une formule est lue par sa valeur calculée : enregistrez le classeur dans un tableur avant l'audit."),
    ]
    for spec in SHEETS:
        lines.append(("heading", f"Feuille « {spec.name} »"))
        lines.append(("text", spec.help))
        for column in spec.columns:
            mark = " (obligatoire)" if column.required else ""
            lines.append(("text", f"• {column.header}{mark} : {column.help}"))
    if partners:
        lines.append(("heading", "Partenaires nationaux : noms reconnus"))
        lines.append(
            (
                "text",
                "La liste déroulante de la feuille Partenaires donne le nom de chaque partenaire ; "
                "ces autres noms sont reconnus aussi :",
            )
        )
        for partner in partners:
            lines.append(("text", f"• {partner.name} : {', '.join(f'« {alias} »' for alias in partner.aliases)}"))
    return lines


# --- xlsx --------------------------------------------------------------------------------------


def _normalized_zip(data: bytes, first: str | None = None) -> bytes:
    """The same archive with fixed timestamps, so that identical content gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    names = source.namelist()
    if first in names:
        names.remove(first)
        names.insert(0, first)
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


def save_openpyxl(workbook: Any, when: _dt.datetime = FIXED_TIME) -> bytes:
    """Serialize an openpyxl workbook reproducibly (fixed properties and zip timestamps)."""
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.creator = "fsaudit"
    workbook.properties.lastModifiedBy = "fsaudit"
    workbook.properties.created = when
    workbook.properties.modified = when
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return _normalized_zip(buffer.getvalue())


def set_text(cell: Any, value: str) -> None:
    """Write ``value`` as text: never a formula, whatever its first character."""
    cell.value = value
    cell.data_type = "s"


def write_xlsx(rows: Rows, *, lists: dict[str, list[str]], lines: list[tuple[str, str]]) -> bytes:
    """The declaration workbook as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    info = wb.active
    info.title = "Instructions"
    info.column_dimensions["A"].width = INSTRUCTIONS_CHARS
    _xlsx_print_a4(info)
    for n, (style, line) in enumerate(lines, start=1):
        cell = info.cell(row=n, column=1)
        set_text(cell, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        size = _FONT_SIZES.get(style, 11)
        if style in _FONT_SIZES:
            cell.font = Font(bold=True, size=size)
        info.row_dimensions[n].height = _row_height(line, size)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    list_sheet = wb.create_sheet("Listes")
    list_ranges: dict[str, str] = {}
    for n, name in enumerate(sorted(lists)):
        letter = column_letter(n)
        set_text(list_sheet.cell(row=1, column=n + 1), name)
        for m, value in enumerate(lists[name], start=2):
            set_text(list_sheet.cell(row=m, column=n + 1), value)
        list_ranges[name] = f"Listes!${letter}$2:${letter}${max(2, len(lists[name]) + 1)}"
    for spec in SHEETS:
        ws = wb.create_sheet(spec.name)
        ws.freeze_panes = "A2"
        data = rows.get(spec.name, [])
        last = max(_VALIDATED_ROWS, len(data) + 1) + 1
        for col, column in enumerate(spec.columns, start=1):
            letter = column_letter(col - 1)
            cell = ws.cell(row=1, column=col)
            set_text(cell, column.header)
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[letter].width = column.width
            if column.kind in _TEXT_KINDS:
                ws.column_dimensions[letter].number_format = "@"
            if column.choices:
                dv = DataValidation(
                    type="list",
                    formula1=list_ranges[column.choices],
                    allow_blank=True,
                    showErrorMessage=_strict(column),
                    showInputMessage=True,
                    promptTitle=column.header[:32],
                    prompt=column.help[:255],
                    errorTitle="Valeur non admise",
                    error=f"Choisissez une valeur de la liste : {column.help}"[:255],
                )
                dv.add(f"{letter}2:{letter}{last}")
                ws.add_data_validation(dv)
        ws.row_dimensions[1].height = 30
        ws.print_title_rows = "1:1"  # the header row on every printed page
        for r, values in enumerate(data, start=2):
            for col, (column, value) in enumerate(zip(spec.columns, values, strict=True), start=1):
                _write_xlsx_cell(ws.cell(row=r, column=col), column, value)
    wb["Listes"].sheet_state = "hidden"
    wb.active = 0
    return save_openpyxl(wb)


_FONT_SIZES = {"title": 14, "heading": 12}


def _row_height(text: str, size: int) -> float:
    """Height in points of a row of wrapped ``text`` in the Instructions column.

    Excel computes it when it opens the file, LibreOffice does not for an .xlsx: without it the
    wrapped lines would overlap the next row on screen and in print. It counts lines generously
    (as many characters per line as the column width, fewer for a larger font: a character is
    narrower than the digit the width is measured in, which leaves room for word wrapping), so
    that the text is never cut.
    """
    per_line = max(1, int(INSTRUCTIONS_CHARS * 11 / size))
    count = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
    return round(count * size * 1.4 + 2, 2)


def _xlsx_print_a4(ws: Any) -> None:
    """Print ``ws`` on A4 portrait, fitted to the page width (as many pages down as needed)."""
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    margin = A4_MARGIN_CM / 2.54
    ws.page_margins = PageMargins(left=margin, right=margin, top=margin, bottom=margin, header=0.3, footer=0.3)


def _strict(column: Column) -> bool:
    """Whether the drop-down refuses a value not in its list: never for oui/non, whose usual
    spellings (o, n, x, vrai, faux, 1, 0) the reader accepts."""
    return column.strict and column.kind != "bool"


def _write_xlsx_cell(cell: Any, column: Column, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, str):
        set_text(cell, value)
        cell.number_format = "@"
    elif isinstance(value, _dt.date):
        cell.value = value
        cell.number_format = "DD/MM/YYYY"
    else:
        cell.value = value


# --- ods ---------------------------------------------------------------------------------------

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)


def _ods_text(value: str) -> str:
    """A string as ODF paragraphs: spaces, tabs and line breaks kept exactly."""
    paragraphs = []
    for line in value.split("\n"):
        out = []
        spaces = 0
        for ch in line:
            if ch == " ":
                spaces += 1
                continue
            if spaces:
                out.append(_ods_spaces(spaces, at_start=not out))
                spaces = 0
            out.append("<text:tab/>" if ch == "\t" else escape(ch))
        if spaces:
            out.append(_ods_spaces(spaces, at_start=not out))
        paragraphs.append(f"<text:p>{''.join(out)}</text:p>")
    return "".join(paragraphs)


def _ods_spaces(count: int, *, at_start: bool) -> str:
    # A single space between words is kept by ODF; any other run needs <text:s/>.
    if count == 1 and not at_start:
        return " "
    if at_start:
        return f'<text:s text:c="{count}"/>' if count > 1 else "<text:s/>"
    return " " + (f'<text:s text:c="{count - 1}"/>' if count > 2 else "<text:s/>")


def _ods_cell(value: Any, *, style: str | None = None, validation: str | None = None) -> str:
    attrs = ""
    if style:
        attrs += f' table:style-name="{style}"'
    if validation:
        attrs += f' table:content-validation-name="{validation}"'
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, str):
        return f'<table:table-cell{attrs} office:value-type="string">{_ods_text(value)}</table:table-cell>'
    if isinstance(value, _dt.date):
        if not style:
            attrs += ' table:style-name="date"'
        iso = value.isoformat()
        return (
            f'<table:table-cell{attrs} office:value-type="date" office:date-value="{iso}">'
            f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>"
        )
    if isinstance(value, bool):
        raise TypeError("booleans are written as oui/non text")
    number = repr(float(value)) if isinstance(value, float) else str(int(value))
    return (
        f'<table:table-cell{attrs} office:value-type="float" office:value="{number}">'
        f"<text:p>{escape(number)}</text:p></table:table-cell>"
    )


def _ods_list_condition(values: Sequence[str]) -> str:
    items = ";".join('"' + v.replace('"', '""') + '"' for v in values)
    return f"of:cell-content-is-in-list({items})"


def write_ods(rows: Rows, *, lists: dict[str, list[str]], lines: list[tuple[str, str]]) -> bytes:
    """The declaration workbook as .ods bytes (OpenDocument 1.2)."""
    styles = [
        '<number:date-style style:name="N_date"><number:day number:style="long"/><number:text>/</number:text>'
        '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/>'
        "</number:date-style>",
        '<style:style style:name="date" style:family="table-cell" style:parent-style-name="Default" '
        'style:data-style-name="N_date"/>',
        '<style:style style:name="header" style:family="table-cell" style:parent-style-name="Default">'
        '<style:table-cell-properties fo:background-color="#ddebf7" fo:wrap-option="wrap"/>'
        '<style:text-properties fo:font-weight="bold"/></style:style>',
        '<style:style style:name="title" style:family="table-cell" style:parent-style-name="Default">'
        '<style:text-properties fo:font-weight="bold" fo:font-size="14pt"/></style:style>',
        '<style:style style:name="heading" style:family="table-cell" style:parent-style-name="Default">'
        '<style:text-properties fo:font-weight="bold" fo:font-size="12pt"/></style:style>',
        '<style:style style:name="wrap" style:family="table-cell" style:parent-style-name="Default">'
        '<style:table-cell-properties fo:wrap-option="wrap"/></style:style>',
        # The Instructions sheet prints on the A4 page style of styles.xml.
        '<style:style style:name="ta_a4" style:family="table" style:master-page-name="A4">'
        '<style:table-properties table:display="true"/></style:style>',
    ]
    widths: dict[float, str] = {}

    def column_style(width: float) -> str:
        if width not in widths:
            name = f"co{len(widths) + 1}"
            widths[width] = name
            # An Excel width unit is about the width of one digit: 0.19 cm at the default font.
            styles.append(
                f'<style:style style:name="{name}" style:family="table-column">'
                f'<style:table-column-properties style:column-width="{width * 0.19:.2f}cm"/></style:style>'
            )
        return widths[width]

    validations = []
    validation_names: dict[tuple[str, str], str] = {}
    tables = []
    # Instructions
    body = [
        '<table:table table:name="Instructions" table:style-name="ta_a4">'
        f'<table:table-column table:style-name="{column_style(INSTRUCTIONS_CM / 0.19)}"/>'
    ]
    for style, line in lines:
        body.append(f"<table:table-row>{_ods_cell(line, style='wrap' if style == 'text' else style)}</table:table-row>")
    body.append("</table:table>")
    tables.append("".join(body))
    for spec in SHEETS:
        names = []
        for column in spec.columns:
            name = None
            if column.choices:
                name = validation_names.get((spec.name, column.key))
                if name is None:
                    name = f"val{len(validations) + 1}"
                    validation_names[(spec.name, column.key)] = name
                    strict = _strict(column)
                    message = "stop" if strict else "information"
                    validations.append(
                        f'<table:content-validation table:name="{name}" '
                        f"table:condition={quoteattr(_ods_list_condition(lists[column.choices]))} "
                        f'table:allow-empty-cell="true" table:display-list="unsorted" '
                        f'table:base-cell-address="{_ods_address(spec.name)}">'
                        f'<table:help-message table:title={quoteattr(column.header)} table:display="true">'
                        f"{_ods_text(column.help)}</table:help-message>"
                        f'<table:error-message table:message-type="{message}" table:display="{str(strict).lower()}" '
                        'table:title="Valeur non '
                        f'admise">{_ods_text("Choisissez une valeur de la liste : " + column.help)}'
                        "</table:error-message></table:content-validation>"
                    )
            names.append(name)
        out = [f"<table:table table:name={quoteattr(spec.name)}>"]
        for column in spec.columns:
            out.append(f'<table:table-column table:style-name="{column_style(column.width)}"/>')
        out.append("<table:table-header-rows><table:table-row>")  # repeated on every printed page
        out.extend(_ods_cell(column.header, style="header") for column in spec.columns)
        out.append("</table:table-row></table:table-header-rows>")
        data = rows.get(spec.name, [])
        for values in data:
            out.append("<table:table-row>")
            out.extend(_ods_cell(v, validation=n) for v, n in zip(values, names, strict=True))
            out.append("</table:table-row>")
        if any(names):
            blank = "".join(_ods_cell(None, validation=n) for n in names)
            out.append(f'<table:table-row table:number-rows-repeated="{_VALIDATED_ROWS}">{blank}</table:table-row>')
        out.append("</table:table>")
        tables.append("".join(out))
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
        f"<office:automatic-styles>{''.join(styles)}</office:automatic-styles>"
        "<office:body><office:spreadsheet>"
        f"<table:content-validations>{''.join(validations)}</table:content-validations>"
        f"{''.join(tables)}</office:spreadsheet></office:body></office:document-content>"
    )
    frozen = "".join(
        f"<config:config-item-map-entry config:name={quoteattr(spec.name)}>"
        '<config:config-item config:name="CursorPositionX" config:type="int">0</config:config-item>'
        '<config:config-item config:name="CursorPositionY" config:type="int">1</config:config-item>'
        '<config:config-item config:name="HorizontalSplitMode" config:type="short">0</config:config-item>'
        '<config:config-item config:name="HorizontalSplitPosition" config:type="int">0</config:config-item>'
        '<config:config-item config:name="VerticalSplitMode" config:type="short">2</config:config-item>'
        '<config:config-item config:name="VerticalSplitPosition" config:type="int">1</config:config-item>'
        '<config:config-item config:name="ActiveSplitRange" config:type="short">2</config:config-item>'
        '<config:config-item config:name="PositionLeft" config:type="int">0</config:config-item>'
        '<config:config-item config:name="PositionRight" config:type="int">0</config:config-item>'
        '<config:config-item config:name="PositionTop" config:type="int">0</config:config-item>'
        '<config:config-item config:name="PositionBottom" config:type="int">1</config:config-item>'
        "</config:config-item-map-entry>"
        for spec in SHEETS
    )
    settings = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-settings {_ODS_NS} office:version="1.2">'
        '<office:settings><config:config-item-set config:name="ooo:view-settings">'
        '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
        '<config:config-item config:name="ViewId" config:type="string">view1</config:config-item>'
        f'<config:config-item-map-named config:name="Tables">{frozen}</config:config-item-map-named>'
        '<config:config-item config:name="ActiveTable" config:type="string">Instructions</config:config-item>'
        "</config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set>"
        "</office:settings></office:document-settings>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODS_NS} office:version="1.2">'
        f"<office:meta><meta:generator>fsaudit</meta:generator>"
        f"<meta:creation-date>{FIXED_TIME.isoformat()}</meta:creation-date>"
        f"<dc:date>{FIXED_TIME.isoformat()}</dc:date></office:meta></office:document-meta>"
    )
    margin = f"{A4_MARGIN_CM}cm"
    styles_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODS_NS} office:version="1.2">'
        '<office:styles><style:style style:name="Default" style:family="table-cell"/></office:styles>'
        # A4 portrait, fitted to one page wide (scale-to-X, ODF 1.3 and LibreOffice; Y=0: as many
        # pages down as needed), no header nor footer: the page style of the Instructions sheet.
        '<office:automatic-styles><style:page-layout style:name="pm_a4"><style:page-layout-properties '
        'fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" '
        f'fo:margin-top="{margin}" fo:margin-bottom="{margin}" fo:margin-left="{margin}" fo:margin-right="{margin}" '
        'style:scale-to-X="1" style:scale-to-Y="0"/></style:page-layout></office:automatic-styles>'
        '<office:master-styles><style:master-page style:name="A4" style:page-layout-name="pm_a4">'
        '<style:header style:display="false"/><style:footer style:display="false"/></style:master-page>'
        "</office:master-styles></office:document-styles>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
        archive.writestr("styles.xml", styles_xml)
        archive.writestr("meta.xml", meta)
        archive.writestr("settings.xml", settings)
    return _normalized_zip(buffer.getvalue(), first="mimetype")


def _ods_address(sheet: str) -> str:
    name = sheet if sheet.isalnum() else "'" + sheet.replace("'", "''") + "'"
    return f"{name}.A2"


# --- entry point -----------------------------------------------------------------------------


def render_workbook(
    fmt: str,
    referential: Any,
    declaration: Declaration | None = None,
    answers: Sequence[ManualAnswer] = (),
    *,
    example: bool = False,
) -> bytes:
    """A declaration workbook (``fmt`` is ``xlsx`` or ``ods``) with the lists of ``referential``.

    With ``example``, the example structure of :func:`example_declaration` fills the sheets (the
    template); otherwise ``declaration`` and ``answers`` do (empty when ``None``).
    """
    partners = [p.name for p in referential.partners]
    if example:
        declaration, answers = example_declaration(partners)
    rows = declaration_rows(declaration or Declaration(()), answers)
    if example:
        rows["Extensions"].append(_fact_row(EXAMPLE_ID, *EXAMPLE_FACT))
    lists = _lists(partners, referential.local_service_categories)
    lines = instructions(referential.title, example, referential.partners)
    check_writable(rows)
    if fmt == "xlsx":
        return write_xlsx(rows, lists=lists, lines=lines)
    if fmt == "ods":
        return write_ods(rows, lists=lists, lines=lines)
    raise ValueError(f"format de classeur inconnu : {fmt}")


def _xml_incompatible(text: str) -> str | None:
    for ch in text:
        code = ord(ch)
        if (code < 0x20 and ch not in "\t\n\r") or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            return ch
    return None


def check_writable(rows: Rows) -> None:
    """Refuse a text a spreadsheet cannot hold (control characters), naming the sheet and row."""
    for sheet, items in rows.items():
        for n, values in enumerate(items, start=2):
            for value in values:
                if isinstance(value, str):
                    bad = _xml_incompatible(value)
                    if bad is not None:
                        raise ValueError(
                            f"{sheet}, ligne {n} : le caractère U+{ord(bad):04X} ne peut pas être écrit dans un "
                            "classeur"
                        )
