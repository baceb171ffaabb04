"""docs/report-v2.md stays true: its Python and jq examples give the failures of a report, and it names the
schema and every key the schema describes."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from networks import AS_OF

from fsaudit._resources import schema

DOC = Path(__file__).resolve().parents[2] / "docs" / "report-v2.md"


def _block(language: str) -> str:
    (code,) = re.findall(rf"```{language}\n(.+?)\n```", DOC.read_text(encoding="utf-8"), flags=re.S)
    return code


@pytest.fixture
def failures(network: Path, run) -> list[str]:
    """``rapport.json`` (version 2) of the network in the cwd, and its failures read from version 1, as the
    examples print them."""
    run("audit", "decl", "--as-of", AS_OF, "-f", "json", "-o", "rapport.json")
    run("audit", "decl", "--as-of", AS_OF, "-f", "json", "--report-version", "1", "-o", "v1.json")
    v1 = json.loads(Path("v1.json").read_bytes())
    lines = [
        "\t".join((s["id"], r["rule"], r["severity"], r["message"], r["location"]))
        for s in v1["structures"]
        for r in s["results"]
        if r["status"] == "fail"
    ]
    assert len(lines) == 4
    return lines


def test_python_example_prints_the_failures(failures: list[str]) -> None:
    """The Python example of docs/report-v2.md prints each failure of a version 2 report."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(_block("python"), str(DOC), "exec"), {})  # noqa: S102 - the documentation's own example
    assert out.getvalue().splitlines() == failures


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_jq_example_prints_the_failures(failures: list[str]) -> None:
    """The jq example of docs/report-v2.md prints the same lines as the Python one."""
    Path("echecs.jq").write_text(_block("jq") + "\n", encoding="utf-8")
    done = subprocess.run(
        ["jq", "-r", "-f", "echecs.jq", "rapport.json"], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == failures


def test_doc_names_the_schema_and_every_key() -> None:
    """docs/report-v2.md names the schema's URN and every top-level, structure and table key it describes."""
    text = DOC.read_text(encoding="utf-8")
    report_schema = schema("report-2")
    keys = {
        *report_schema["properties"],
        *report_schema["$defs"]["structure"]["properties"],
        *report_schema["$defs"]["rule"]["properties"],
        *report_schema["$defs"]["decision"]["properties"],
        *report_schema["$defs"]["place"]["properties"],
        *report_schema["$defs"]["relative_location"]["properties"],
    }
    assert report_schema["$id"] in text
    assert sorted(key for key in keys if f"`{key}`" not in text) == []
