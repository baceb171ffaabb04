"""Measure the HTML report of the national list against its budget (not run by CI).

    python bench/html_budget.py [samples/anct/liste-fs-20240801.csv]

Budget (docs/html.md): at most 4 MB, and the page ready (table, map and markers drawn) in at
most 2 s in headless Chromium on this project's 2-core machine. Prints the file size, the
time to write the report (audit included), the first contentful paint and the time the page
is ready (``performance.now()`` when the page's script has built everything) and the frame after
it is painted (table and map on screen), medians of 5 loads.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(source: str) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        target = Path(work) / "r.html"
        start = time.perf_counter()
        subprocess.run(["fsaudit", "audit", source, "-f", "html", "-o", str(target)], check=False)
        written = time.perf_counter() - start
        size = target.stat().st_size
        paints, ready, drawn = [], [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for _ in range(5):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(target.as_uri())
                page.wait_for_selector("html[data-pret]")
                ready.append(int(page.get_attribute("html", "data-pret")))
                paints.append(
                    page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1")
                )
                drawn.append(
                    page.evaluate(
                        "new Promise(r => requestAnimationFrame(() => setTimeout(() => r(performance.now()))))"
                    )
                )
                page.close()
            browser.close()
    print(f"taille : {size:,} octets ; écrit en {written:.2f} s (audit compris)")
    print(
        f"premier affichage : {statistics.median(paints):.0f} ms ; page prête : {statistics.median(ready):.0f} ms ; "
        f"tableau et carte peints : {statistics.median(drawn):.0f} ms (médianes de 5 chargements)"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "samples/anct/liste-fs-20240801.csv")
