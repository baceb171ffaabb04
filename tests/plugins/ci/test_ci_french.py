"""French everywhere an auditor reads: no field key of the declaration, of a waiver file or of a
referential in the rendered reports of the samples (outside the JSON paths and cell references
that say where a finding is), and a French name for every key a report may have to show."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs
import pytest
from openpyxl import load_workbook

from fsaudit.cli.main import main
from fsaudit.model import declaration as model
from fsaudit.plugin.manager import referentials as load_referentials
from fsaudit.run.waivers import WAIVER_FIELDS
from fsaudit.text.french import FIELD_LABELS, fr_field

REPO = Path(__file__).resolve().parents[3]
SAMPLES = REPO / "samples"
AS_OF = "2025-06-30"

FRENCH_WORDS = {
    "modes",
    "justification",
    "structure",
    "structures",
    "type",
    "format",
    "label",
    "canton",
    "cantons",
    "commune",
    "conseillers",
    "gestionnaire",
    "date",
    "code",
    "latitude",
    "longitude",
    "field",
}
"""Keys that are also French words (``field`` only as part of a longer phrase: it is no word of a report)."""
REFERENTIAL_KEYS = {key for ref in load_referentials() for key in ref.values}
ENGLISH_KEYS = sorted(
    (
        {k for k, v in FIELD_LABELS.items() if k != v}
        | set(WAIVER_FIELDS)
        | {k.split(".")[-1] for k in REFERENTIAL_KEYS}
        | REFERENTIAL_KEYS
        | {"warn"}
    )
    - FRENCH_WORDS
)
_KEY = re.compile(r"(?<![\w$.\[])(" + "|".join(re.escape(k) for k in ENGLISH_KEYS) + r")(?![\w])")
_ADDRESS = re.compile(r"\$[\w.\[\]$]*")
"""A JSON path (``$.structures[0].opening_hours``): where a finding is in a JSON file, as written there."""


def english_keys(text: str) -> list[str]:
    """The English keys left in ``text`` once its JSON paths are taken out."""
    return sorted(set(_KEY.findall(_ADDRESS.sub(" ", text))))


def test_every_field_of_the_declaration_has_a_french_name() -> None:
    """Each attribute of the declaration model is in FIELD_LABELS (a new field needs its French name)."""
    classes = [c for c in vars(model).values() if isinstance(c, type) and attrs.has(c)]
    names = {f.name for c in classes for f in attrs.fields(c)}
    assert sorted(names - set(FIELD_LABELS)) == []


def test_every_value_of_every_referential_has_a_french_name() -> None:
    """Each value of each referential in rules/ has a French label for the reports (« Référentiel » sheet)."""
    assert (
        sorted(f"{ref.id}:{key}" for ref in load_referentials() for key, v in ref.values.items() if not v.label) == []
    )


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("conseillers[1].training_date", "conseiller n° 2 › date de formation"),
        ("opening_hours.monday[0].end", "horaires d'ouverture › lundi › créneau n° 1 › fin"),
        ("attendance[3].accompaniments", "mois de fréquentation n° 4 › accompagnements"),
        ("", "structure entière"),
    ],
)
def test_fields_are_named_in_french(path: str, label: str) -> None:
    """A dotted field path reads in French, list items numbered from 1."""
    assert fr_field(path) == label


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every auditor-facing format of the audit of the JSON, workbook and Gers samples."""
    out = tmp_path_factory.mktemp("rapports")
    inputs = [
        SAMPLES / "exemple-candidature.json",
        SAMPLES / "workbook" / "declaration-exemple.xlsx",
        SAMPLES / "gers" / "declarations",
    ]
    code = main(["audit", *map(str, inputs), "--as-of", AS_OF, "-f", "text,csv,markdown,junit,xlsx", "-o", str(out)])
    assert code == 1
    return out


@pytest.mark.parametrize("name", ["rapport.txt", "rapport.md"])
def test_text_reports_of_the_samples_show_no_english_key(rendered: Path, name: str) -> None:
    """The text and Markdown reports name no field in English outside their JSON paths."""
    assert english_keys((rendered / name).read_text(encoding="utf-8")) == []


def test_csv_of_the_samples_shows_no_english_key(rendered: Path) -> None:
    """No CSV header or cell (the « Emplacement » addresses aside) names a field in English."""
    rows = list(csv.reader(io.StringIO((rendered / "rapport.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    where = rows[0].index("Emplacement")
    assert english_keys("\n".join(";".join(c for i, c in enumerate(row) if i != where) for row in rows)) == []


def test_junit_of_the_samples_shows_no_english_key(rendered: Path) -> None:
    """No JUnit message or text names a field in English outside the JSON paths."""
    root = ET.parse(rendered / "rapport.xml").getroot()
    texts = [node.text or "" for node in root.iter()] + [node.get("message", "") for node in root.iter()]
    assert english_keys("\n".join(texts)) == []


def test_excel_of_the_samples_shows_no_english_key(rendered: Path) -> None:
    """No sheet of the Excel report names a field or a referential value in English, the address
    columns (« Emplacement ») and the referential file's own keys (« Clé ») aside."""
    wb = load_workbook(rendered / "rapport.xlsx")
    found: dict[str, list[str]] = {}
    for ws in wb.worksheets:
        skipped: set[int] = set()
        cells = []
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in ("Emplacement", "Clé (fichier du référentiel)"):
                    skipped.add(cell.column)
                elif isinstance(cell.value, str) and cell.column not in skipped:
                    cells.append(cell.value)
        keys = english_keys("\n".join(cells))
        if keys:
            found[ws.title] = keys
    assert found == {}
