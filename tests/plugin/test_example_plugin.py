"""The example third-party plugin installs with pip and takes part in an audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from commands import pip_installed, run_fsaudit
from report_json import read_v1

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "fsaudit-exemple-departement"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The example plugin pip-installed into a private folder, and the environment to use it."""
    return pip_installed(EXAMPLE, tmp_path_factory.mktemp("site"))


def test_listed_by_fsaudit_plugins(installed: dict[str, str]) -> None:
    """`fsaudit plugins` shows the example with its distribution, version and rules."""
    done = run_fsaudit("plugins", env=installed)
    assert done.returncode == 0, done.stderr
    assert "exemple_departement  fsaudit-exemple-departement 1.0.0" in done.stdout
    assert "règles : EXD-RDV-01, EXD-SAM-01" in done.stdout


def test_audits_a_sample_with_its_rules(installed: dict[str, str], tmp_path: Path) -> None:
    """An audit of a bundled sample includes the plugin's rules; --disable removes them."""
    out = tmp_path / "r.json"
    audit = ("audit", "samples/exemple-candidature.json", "--as-of", "2022-05-12", "-f", "json", "-o", str(out))
    done = run_fsaudit(*audit, env=installed)
    assert done.returncode in (0, 1), done.stderr
    report = read_v1(out)
    rules = {r["rule"] for s in report["structures"] for r in s["results"]}
    assert {"EXD-SAM-01", "EXD-RDV-01"} <= rules
    assert {"name": "exemple_departement", "distribution": "fsaudit-exemple-departement", "version": "1.0.0"} in report[
        "plugins"
    ]
    done = run_fsaudit(*audit, "--disable", "exemple_departement", env=installed)
    assert done.returncode in (0, 1), done.stderr
    rules = {r["rule"] for s in read_v1(out)["structures"] for r in s["results"]}
    assert not rules & {"EXD-SAM-01", "EXD-RDV-01"}
