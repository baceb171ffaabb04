"""The HTML report in a real headless browser (Debian's Chromium driven by Playwright).

Skipped, with the reason, where Chromium or Playwright is missing; ``.ci/run`` installs both so
that CI always runs them. Screenshots and PDFs are kept in each test's tmp dir.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from documents_helpers import HOSTILE_NAMES, audit_declared, hostile_structures, placed

from fsaudit_html.render import render_html

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright n'est pas installé (pip install playwright)"
)
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium n'est pas installé (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class Page:
    """A report opened in a fresh page, with every request, console message and dialog recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        self.requests.append(route.request.url)
        if route.request.url.split("#")[0] == self.url:
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, fragment: str = "") -> Any:
        self.page.goto(self.url + fragment)
        self.page.wait_for_selector("html[data-pret]")
        return self.page

    def visible_ids(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#lignes tr:not([hidden]) td:nth-child(2)", "cells => cells.map(c => c.textContent)"
        )


def _report(tmp_path: Path, structures: list[Any]) -> Path:
    path = tmp_path / "rapport.html"
    path.write_bytes(render_html(audit_declared(tmp_path, structures), {}))
    return path


@pytest.fixture
def three(tmp_path: Path, browser: Any) -> Iterator[Page]:
    """Three structures: two in the Gers (one without coordinates), one in Aveyron failing FS-AGT-01."""
    structures = [
        placed(1),
        placed(2, coordinates=None),
        placed(3, departement="12", conseillers=placed(3).conseillers[:1]),
    ]
    page = Page(browser, _report(tmp_path, structures))
    yield page
    page.context.close()


def test_loads_with_no_request_leaving_the_file(three: Page) -> None:
    """Only the file itself is requested; no console message at all."""
    three.open()
    assert three.requests == [three.url]
    assert three.console == []


def test_one_marker_per_positioned_structure(three: Page, tmp_path: Path) -> None:
    """The map draws a marker for each structure with coordinates."""
    page = three.open()
    assert page.eval_on_selector_all("#marqueurs circle", "c => c.map(x => x.getAttribute('data-i'))") == ["0", "2"]
    page.locator("#carte").screenshot(path=str(tmp_path / "carte.png"))


def test_decision_filter_reduces_rows_and_markers(three: Page) -> None:
    """Choosing a decision leaves its structures only, in the table and on the map."""
    page = three.open()
    page.select_option("#filtre-decision", "maintien_conditionnel")
    assert three.visible_ids() == ["TEST-003"]
    assert page.eval_on_selector_all("#marqueurs circle", "c => c.filter(x => x.style.display !== 'none').length") == 1
    assert page.text_content("#compte") == "1 structure(s) retenue(s) sur 3"


def test_departement_filter_zooms_the_map(three: Page) -> None:
    """Choosing a département keeps its structures and zooms the map on it."""
    page = three.open()
    before = page.get_attribute("#carte-svg", "viewBox")
    page.select_option("#filtre-departement", "32")
    assert three.visible_ids() == ["TEST-001", "TEST-002"]
    assert page.get_attribute("#carte-svg", "viewBox") != before


def test_rule_and_status_filters(three: Page) -> None:
    """A rule with a status keeps the structures where that rule has that status."""
    page = three.open()
    page.select_option("#filtre-regle", "FS-AGT-01")
    page.select_option("#filtre-statut", "pass")
    assert three.visible_ids() == ["TEST-001", "TEST-002"]


def test_text_filter(three: Page) -> None:
    """Free text matches names."""
    page = three.open()
    page.fill("#filtre-texte", "services 3")
    assert three.visible_ids() == ["TEST-003"]


def test_sort_by_name_descending(three: Page) -> None:
    """Two clicks on a header sort descending and say so to assistive technologies."""
    page = three.open()
    button = page.locator("#tableau-structures th button[data-tri='n']")
    button.click()
    button.click()
    assert three.visible_ids() == ["TEST-003", "TEST-002", "TEST-001"]
    assert page.get_attribute("#tableau-structures th:nth-child(3)", "aria-sort") == "descending"


def test_sorts_numbers_by_value_and_names_in_french_order(tmp_path: Path, browser: Any) -> None:
    """Identifiers sort by number (« 9 » before « 10 », they sorted 1, 10, 100…) and names with
    accents and case aside (« Étrépagny » and « île d'Oléron » sorted after « Yvetot »)."""
    import attrs

    names = {"10": "Yvetot", "9": "île d'Oléron", "100": "Étrépagny"}
    structures = [attrs.evolve(placed(i), id=ident, name=name) for i, (ident, name) in enumerate(names.items(), 1)]
    report = Page(browser, _report(tmp_path, structures))
    page = report.open()
    identifier = page.locator("#tableau-structures th button[data-tri='id']")
    identifier.click()  # the table starts sorted by identifier: descending, then ascending again
    assert report.visible_ids() == ["100", "10", "9"]
    identifier.click()
    assert report.visible_ids() == ["9", "10", "100"]
    page.locator("#tableau-structures th button[data-tri='n']").click()
    assert report.visible_ids() == ["100", "9", "10"]
    report.context.close()


def test_long_tables_show_two_hundred_rows_at_a_time(tmp_path: Path, browser: Any) -> None:
    """Past 200 structures, the table shows the first 200 and a button shows the rest."""
    report = Page(browser, _report(tmp_path, [placed(i) for i in range(201)]))
    page = report.open()
    assert len(report.visible_ids()) == 200
    assert page.text_content("#compte") == "201 structure(s) retenue(s) sur 201 ; 200 premières affichées"
    page.click("#plus-de-lignes")
    assert len(report.visible_ids()) == 201
    assert page.is_hidden("#plus-de-lignes")
    report.context.close()


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_fiche_prints_on_a4(three: Page, tmp_path: Path) -> None:
    """A fiche opened from the table prints alone on at most two A4 pages, no wider than the page."""
    page = three.open()
    page.click("#lignes a[data-i='2']")
    page.wait_for_selector("#fiche:not([hidden])")
    assert page.text_content("#fiche-titre") == "France services 3"
    # The score counts the criteria judged, and says how many are left to check (FS-MIS-01 at least).
    decision = page.text_content("#fiche .decision p")
    assert " % des critères jugés (" in decision and " autre(s) à vérifier ou non évalué(s), hors score)" in decision
    page.locator("#fiche").screenshot(path=str(tmp_path / "fiche.png"))
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    pdf = page.pdf(format="A4", path=str(tmp_path / "fiche.pdf"))
    assert 1 <= _pages(pdf) <= 2


def test_table_header_repeats_with_its_text_on_every_printed_page(tmp_path: Path, browser: Any) -> None:
    """Printed, the structures table repeats its header, with its text, on each page (the sort
    buttons of a repeated header printed empty in Chromium)."""
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext n'est pas installé (apt-get install poppler-utils)")
    report = Page(browser, _report(tmp_path, [placed(i) for i in range(60)]))
    page = report.open()
    page.emulate_media(media="print")
    pdf = tmp_path / "tableau.pdf"
    page.pdf(format="A4", path=str(pdf))
    report.context.close()
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    table_pages = [text for text in pages.stdout.split("\f") if re.search(r"France services \d+", text)]
    assert len(table_pages) >= 2, pages.stdout[:2000]
    for text in table_pages:
        assert "Identifiant" in text and "Décision" in text and "Non" in text, text[:1500]


def test_batch_print_starts_each_fiche_on_a_page(three: Page, tmp_path: Path) -> None:
    """Printing the structures shown gives each fiche its own pages."""
    page = three.open()
    singles = []
    for index in ("0", "1"):
        page.goto(three.url + f"#fiche-{index}")
        page.wait_for_selector("#fiche:not([hidden])")
        singles.append(_pages(page.pdf(format="A4")))
    page = three.open("#structures")
    page.evaluate("window.print = () => {}")
    page.select_option("#filtre-departement", "32")
    page.click("#imprimer-filtrees")
    pdf = page.pdf(format="A4", path=str(tmp_path / "lot.pdf"))
    assert _pages(pdf) == sum(singles)


def test_hostile_names_show_as_typed_and_run_nothing(tmp_path: Path, browser: Any) -> None:
    """Hostile names: no dialog, no console message, and the text shows exactly as typed."""
    report = Page(browser, _report(tmp_path, hostile_structures()))
    page = report.open()
    shown = page.eval_on_selector_all("#lignes a", "links => links.map(a => a.textContent)")
    assert sorted(shown) == sorted(HOSTILE_NAMES)
    for index in range(len(HOSTILE_NAMES)):
        page.goto(report.url + f"#fiche-{index}")
        page.wait_for_selector("#fiche:not([hidden])")
        page.hover("#fiche-titre")
        assert page.text_content("#fiche-titre") == shown[index]
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=False)
    assert report.dialogs == []
    assert report.console == []
    report.context.close()
