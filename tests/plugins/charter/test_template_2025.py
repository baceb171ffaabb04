"""The declaration template under the 2025 referential: new partners and names, accessibility column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
from openpyxl import load_workbook

from fsaudit.model import declaration as model
from fsaudit.plugin.manager import select_referential
from fsaudit.run.engine import audit
from fsaudit.testing import make_structure
from fsaudit_workbook.template import render_workbook

REF = select_referential(dt.date(2025, 6, 30))


def _template(tmp_path: Path) -> object:
    path = tmp_path / "modele.xlsx"
    path.write_bytes(render_workbook("xlsx", REF, example=True))
    return load_workbook(path)


def test_partner_drop_down_has_the_13_partners_with_their_operator(tmp_path: Path):
    """The drop-down of the Partenaires sheet lists the 13 partners, DGEC and Agirc-Arrco in their names."""
    lists = _template(tmp_path)["Listes"]
    column = next(c for c in range(1, lists.max_column + 1) if lists.cell(row=1, column=c).value == "partenaires")
    names = [lists.cell(row=r, column=column).value for r in range(2, 2 + 13)]
    assert names[-4:] == [
        "Agence nationale de l'habitat (Anah)",
        "Chèque énergie (DGEC)",
        "Agirc-Arrco (retraite complémentaire)",
        "Urssaf",
    ]


def test_instructions_list_the_other_recognised_names(tmp_path: Path):
    """The Instructions sheet lists, for each partner, the other names recognised (DGEC, Agirc Arrco…)."""
    lines = [row[0] for row in _template(tmp_path)["Instructions"].iter_rows(values_only=True)]
    assert (
        "• Chèque énergie (DGEC) : « Chèque énergie », « Cheque energie », « Chèque-énergie », « ASP chèque "
        "énergie », « DGEC », « Direction générale de l'énergie et du climat »" in lines
    )
    assert (
        "• Agirc-Arrco (retraite complémentaire) : « Agirc-Arrco », « Agirc Arrco », « AGIRC-ARRCO », « AGIRC "
        "ARRCO », « Retraite complémentaire », « Retraite complémentaire Agirc-Arrco », « Caisse de retraite "
        "complémentaire »" in lines
    )


def test_locaux_sheet_has_the_accessibility_column(tmp_path: Path):
    """The Locaux sheet ends with the accessibility column (FS-LOC-05), a oui/non drop-down."""
    ws = _template(tmp_path)["Locaux"]
    assert ws.cell(row=1, column=9).value == "Accès handicapés"
    assert [str(dv.sqref) for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith("I")] == ["I2:I2001"]


def test_accessibility_declared_absent_in_a_workbook_fails_at_its_cell(tmp_path: Path):
    """« non » in the accessibility column gives FS-LOC-05 non conforme at that cell."""
    premises = attrs.evolve(make_structure().premises, disability_access=False)
    declaration = model.Declaration((make_structure(premises=premises),))
    path = tmp_path / "declaration.xlsx"
    path.write_bytes(render_workbook("xlsx", REF, declaration))
    result = audit([path], as_of=dt.date(2025, 6, 30)).result("FS-LOC-05")
    assert (result.status.value, result.location) == ("fail", "Locaux!I2")
