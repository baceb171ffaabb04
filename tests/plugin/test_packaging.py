"""Packaging: built-in plugins are entry points, and a plain wheel install works on its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import venv
from importlib import metadata
from pathlib import Path

import pytest

from fsaudit.plugin import hookspecs

REPO = Path(__file__).resolve().parents[2]


def test_entry_points_and_plugin_packages_agree() -> None:
    """Every package under plugins/ is shipped and registered as an fsaudit entry point, and back."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = {
        p.split("/")[-1]
        for p in config["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
        if p.startswith("plugins/")
    }
    declared = set(config["project"]["entry-points"]["fsaudit"].values())
    on_disk = {p.name for p in (REPO / "plugins").iterdir() if (p / "__init__.py").exists()}
    assert shipped == on_disk == declared
    installed = {ep.value for ep in metadata.entry_points(group="fsaudit")}
    assert declared <= installed, "reinstall the project: pip install -e ."


def test_every_hook_is_documented() -> None:
    """Every hook spec has a docstring saying what it receives and returns."""
    hooks = [name for name in dir(hookspecs) if name.startswith("fsaudit_")]
    assert hooks
    for name in hooks:
        doc = getattr(hookspecs, name).__doc__ or ""
        assert len(doc.split()) >= 20, f"{name} is not documented"


@pytest.mark.slow
def test_wheel_installs_and_audits_outside_the_repository(tmp_path: Path) -> None:
    """A wheel installed in a fresh virtual environment audits a sample from another folder."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
    )
    wheel = next(dist.glob("france_services_audit-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True, text=True)
    work = tmp_path / "ailleurs"
    work.mkdir()
    sample = work / "declaration.json"
    sample.write_bytes((REPO / "samples" / "exemple-candidature.json").read_bytes())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        [str(env_dir / "bin" / "fsaudit"), "audit", "declaration.json", "--as-of", "2022-05-12", "-f", "json"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert report["referential"]["id"] == "charte-2020"
    assert report["structures"] and not report["errors"] and not report["plugin_errors"]
    location = subprocess.run(
        [str(python), "-c", "import fsaudit, fsaudit_charter; print(fsaudit.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert str(REPO) not in location, "the test must run the installed wheel, not the checkout"


def test_plugin_docs_cover_every_hook() -> None:
    """docs/plugins.md documents every hook spec."""
    text = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    missing = [name for name in dir(hookspecs) if name.startswith("fsaudit_") and f"`{name}(" not in text]
    assert missing == []
