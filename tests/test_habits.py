"""Habits the test command enforces: ruff's rules and format, mypy --strict on the core, and a
public API that a plugin author's strict type checker reads (the same checks as
``.pre-commit-config.yaml``; CONTRIBUTING.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FORMATTED = ("fsaudit", "plugins", "tests", "bench", "examples", "samples")
"""The folders whose Python code ruff formats (the code blocks of docs/ are written for reading)."""


def run(*command: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """``python -m COMMAND`` in the test environment, its output kept for the failure message."""
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=cwd, capture_output=True, text=True, check=False, timeout=600
    )


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One mypy cache for this module's runs, outside the repository."""
    return str(tmp_path_factory.mktemp("mypy-cache"))


def test_ruff_finds_nothing() -> None:
    """``ruff check .`` passes with the rule set of pyproject.toml."""
    done = run("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_code_is_formatted() -> None:
    """``ruff format --check`` finds nothing to reformat."""
    done = run("ruff", "format", "--no-cache", "--check", *FORMATTED)
    assert done.returncode == 0, done.stdout + done.stderr


def test_core_passes_mypy_strict(mypy_cache: str) -> None:
    """``mypy --strict fsaudit`` reports no error (configuration: ``[tool.mypy]`` of pyproject.toml)."""
    done = run("mypy", "--strict", "--cache-dir", mypy_cache, "-p", "fsaudit")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_public_name_is_typed_for_a_strict_plugin(mypy_cache: str, tmp_path: Path) -> None:
    """A plugin importing every name of ``fsaudit.__all__`` passes ``mypy --strict``: each name is
    exported explicitly and has its own type (not ``Any``)."""
    import fsaudit

    names = [name for name in fsaudit.__all__ if name != "__version__"]
    plugin = tmp_path / "plugin.py"
    plugin.write_text(
        f"from fsaudit import {', '.join(names)}\n"
        + "".join(f"reveal_type({name})\n" for name in names)
        + "from fsaudit import __version__\nversion: str = __version__\n",
        encoding="utf-8",
    )
    done = run("mypy", "--strict", "--cache-dir", mypy_cache, str(plugin), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    revealed = [line for line in done.stdout.splitlines() if ": note: Revealed type is " in line]
    assert len(revealed) == len(names)
    assert [line for line in revealed if line.endswith('"Any"')] == []


def test_pre_commit_hooks_run_the_same_checks() -> None:
    """.pre-commit-config.yaml is valid and runs ruff (check, format), mypy and the import
    contracts with the project's own tools."""
    import yaml

    done = run("pre_commit", "validate-config", ".pre-commit-config.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [(repo["repo"], hook["id"], hook["language"]) for repo in config["repos"] for hook in repo["hooks"]]
    assert hooks == [
        ("local", "ruff-check", "system"),
        ("local", "ruff-format", "system"),
        ("local", "mypy", "system"),
        ("local", "lint-imports", "system"),
    ]


def test_a_misspelt_public_name_is_a_type_error(mypy_cache: str, tmp_path: Path) -> None:
    """A name the public API does not have is an error for the plugin's type checker."""
    plugin = tmp_path / "plugin.py"
    plugin.write_text("from fsaudit import Rule, Rulle\n", encoding="utf-8")
    done = run("mypy", "--strict", "--cache-dir", mypy_cache, str(plugin), cwd=tmp_path)
    assert (done.returncode, done.stdout.splitlines()[0]) == (
        1,
        'plugin.py:1: error: Module "fsaudit" has no attribute "Rulle"; maybe "Rule"?  [attr-defined]',
    ), done.stdout + done.stderr
