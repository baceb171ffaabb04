"""The plugin of docs/plugins.md, built from the page's own snippets, installs and runs."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from commands import pip_installed, run_fsaudit
from report_json import read_v1

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "plugins.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The documented plugin: its pyproject.toml and module as the page writes them."""
    project = tmp_path_factory.mktemp("plugin")
    pyproject = next(b for b in _blocks("toml") if "[project.entry-points.fsaudit]" in b)
    module = next(b for b in _blocks("python") if "def fsaudit_rules" in b and "check_booking" in b)
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling>=1.24"]\nbuild-backend = "hatchling.build"\n\n' + pyproject,
        encoding="utf-8",
    )
    package = project / "fsaudit_mon_departement"
    package.mkdir()
    (package / "__init__.py").write_text(module, encoding="utf-8")
    return pip_installed(project, tmp_path_factory.mktemp("site"))


def test_documented_dependency_is_our_distribution() -> None:
    """The page's plugin depends on the distribution fsaudit is published as, not on « fsaudit »."""
    ours = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    documented = tomllib.loads(next(b for b in _blocks("toml") if "[project.entry-points.fsaudit]" in b))
    assert [d.split(">")[0] for d in documented["project"]["dependencies"]] == [ours]
    example = tomllib.loads((REPO / "examples" / "fsaudit-exemple-departement" / "pyproject.toml").read_text("utf-8"))
    assert [d.split(">")[0] for d in example["project"]["dependencies"]] == [ours]


def test_documented_plugin_is_listed_and_audits(installed: dict[str, str], tmp_path: Path) -> None:
    """`fsaudit plugins` lists it; an audit judges its rule (a structure without booking fails it)."""
    done = run_fsaudit("plugins", env=installed)
    assert done.returncode == 0, done.stderr
    assert "mon_departement      fsaudit-mon-departement 1.0.0" in done.stdout
    declaration = tmp_path / "d.json"
    declaration.write_text(json.dumps({"id": "X", "name": "X", "appointment_booking": False}), encoding="utf-8")
    out = tmp_path / "r.json"
    done = run_fsaudit("audit", str(declaration), "--as-of", "2025-06-30", "-f", "json", "-o", str(out), env=installed)
    assert done.returncode in (0, 1), done.stderr
    (structure,) = read_v1(out)["structures"]
    result = next(r for r in structure["results"] if r["rule"] == "DEP-RDV-01")
    assert (result["status"], result["message"]) == ("fail", "prise de rendez-vous non proposée")
