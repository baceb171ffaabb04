"""The example third-party plugin installs with pip and takes part in an audit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from report_json import read_v1

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "fsaudit-exemple-departement"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The example plugin pip-installed into a private folder, and the environment to use it."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(EXAMPLE)],
        check=True,
        capture_output=True,
        text=True,
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target), env.get("PYTHONPATH")]))
    return env


def _fsaudit(env: dict[str, str], *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fsaudit", *args], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )


def test_listed_by_fsaudit_plugins(installed: dict[str, str]) -> None:
    """`fsaudit plugins` shows the example with its distribution, version and rules."""
    done = _fsaudit(installed, "plugins")
    assert done.returncode == 0, done.stderr
    assert "exemple_departement  fsaudit-exemple-departement 1.0.0" in done.stdout
    assert "règles : EXD-RDV-01, EXD-SAM-01" in done.stdout


def test_audits_a_sample_with_its_rules(installed: dict[str, str], tmp_path: Path) -> None:
    """An audit of a bundled sample includes the plugin's rules; --disable removes them."""
    out = tmp_path / "r.json"
    done = _fsaudit(
        installed, "audit", "samples/exemple-candidature.json", "--as-of", "2022-05-12", "-f", "json", "-o", str(out)
    )
    assert done.returncode in (0, 1), done.stderr
    report = read_v1(out)
    rules = {r["rule"] for s in report["structures"] for r in s["results"]}
    assert {"EXD-SAM-01", "EXD-RDV-01"} <= rules
    assert {"name": "exemple_departement", "distribution": "fsaudit-exemple-departement", "version": "1.0.0"} in report[
        "plugins"
    ]
    done = _fsaudit(
        installed,
        "audit",
        "samples/exemple-candidature.json",
        "--as-of",
        "2022-05-12",
        "-f",
        "json",
        "-o",
        str(out),
        "--disable",
        "exemple_departement",
    )
    rules = {r["rule"] for s in read_v1(out)["structures"] for r in s["results"]}
    assert not rules & {"EXD-SAM-01", "EXD-RDV-01"}
