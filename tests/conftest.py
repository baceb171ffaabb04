"""Shared test configuration: Hypothesis profiles and plain fixtures.

Profiles: ``default`` (bounded, for every run), ``fuzz`` (long, for nightly runs):
``pytest --hypothesis-profile=fuzz`` or ``FSAUDIT_HYPOTHESIS_PROFILE=fuzz``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from networks import SHORT_WEEK, structure, write_declaration

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "fuzz",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("FSAUDIT_HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture
def samples() -> Path:
    """The bundled ``samples/`` folder."""
    return REPO / "samples"


@pytest.fixture
def network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Five declarations in ``decl/`` (one nested), the cwd set to their parent.

    ``32-A`` passes; ``32-B`` fails FS-HOR-01/02; ``32-C`` (in ``decl/sud/``) fails them too;
    ``32-D`` and ``32-E`` share ``decl/10.json`` and pass.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    decl = Path("decl")
    write_declaration(decl / "2.json", [structure("32-A")])
    write_declaration(decl / "b.json", [structure("32-B", opening_hours=SHORT_WEEK)])
    write_declaration(decl / "sud" / "c.json", [structure("32-C", opening_hours=SHORT_WEEK)])
    write_declaration(decl / "10.json", [structure("32-D"), structure("32-E")])
    return tmp_path


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the ``fsaudit`` command in-process: ``run("audit", "x.json")`` → (code, stdout, stderr)."""
    from fsaudit.cli.main import main

    def _run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return _run
