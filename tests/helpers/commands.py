"""fsaudit and pip run in subprocesses, as a user runs them: one way for every test that does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_fsaudit(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m fsaudit ARGS`` in ``cwd``, its output captured as text; a non-zero exit is the
    caller's to check, a run past ``timeout`` seconds raises :class:`subprocess.TimeoutExpired`."""
    return subprocess.run(
        [sys.executable, "-m", "fsaudit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def pip_installed(project: Path, target: Path) -> dict[str, str]:
    """``project`` pip-installed, without its dependencies, into the folder ``target``; the
    environment in which Python imports it (``PYTHONPATH``)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(project)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target), env.get("PYTHONPATH")]))
    return env
