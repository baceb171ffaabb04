"""The architecture of docs/architecture.md holds: import contracts checked by import-linter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept() -> None:
    """The core never imports a plugin, plugins use only the public API and not one another, and
    the core's layers point one way (``[tool.importlinter]`` in pyproject.toml)."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--config", str(REPO / "pyproject.toml")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 kept, 0 broken" in done.stdout


def test_every_public_name_resolves() -> None:
    """Each name of ``fsaudit.__all__`` can be imported from the package root."""
    import fsaudit

    assert [name for name in fsaudit.__all__ if not hasattr(fsaudit, name)] == []
