"""Fixtures for the CI features: small declaration networks written to a temporary folder."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs
import pytest

from fsaudit.inputs.converter import unstructure
from fsaudit.model import declaration as model
from fsaudit.testing import make_structure, weekly

AS_OF = "2025-09-01"
SHORT_WEEK = weekly(monday=["09:00-12:00"], tuesday=["09:00-12:00"], thursday=["14:00-17:00"])
"""9 h over 3 days: fails FS-HOR-01 and FS-HOR-02 (bloquant)."""


def write_declaration(path: Path, structures: Sequence[model.Structure]) -> Path:
    """Write ``structures`` as a JSON declaration (a collection) at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"structures": [unstructure(s) for s in structures]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def structure(ident: str, **changes: object) -> model.Structure:
    """A structure meeting the 2025 charter, with id ``ident`` and a name derived from it."""
    return attrs.evolve(make_structure(id=ident, name=f"France services {ident}"), **changes)


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
