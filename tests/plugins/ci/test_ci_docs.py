"""The commands of docs/ci.md (GitLab CI, GitHub Actions) and of the pre-commit hook, run as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from networks import SHORT_WEEK, structure, write_declaration

REPO = Path(__file__).resolve().parents[3]
DOC = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.DOTALL)


def yaml_blocks() -> list[Any]:
    return [yaml.safe_load(block) for block in blocks("yaml")]


def gitlab_job() -> dict[str, Any]:
    return next(b["fsaudit"] for b in yaml_blocks() if isinstance(b, dict) and "image" in b.get("fsaudit", {}))


def github_steps() -> list[dict[str, Any]]:
    return next(b["jobs"]["fsaudit"]["steps"] for b in yaml_blocks() if isinstance(b, dict) and "jobs" in b)


def fsaudit_commands(lines: list[str]) -> list[list[str]]:
    return [shlex.split(line)[1:] for line in lines if isinstance(line, str) and line.startswith("fsaudit ")]


def sh_command(start: str) -> list[str]:
    (line,) = [line for block in blocks("sh") for line in block.splitlines() if line.startswith(start)]
    return shlex.split(line)[1:]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run) -> Path:
    """A declarations repository: two structures (one failing), a waiver file, a reference report."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CI", "true")
    write_declaration(Path("declarations/32-A.json"), [structure("32-A")])
    write_declaration(Path("declarations/32-B.json"), [structure("32-B", opening_hours=SHORT_WEEK)])
    Path("derogations.toml").write_text(
        '[[waivers]]\nstructure = "32-B"\nrule = "FS-HOR-01"\njustification = "Travaux"\n'
        'approver = "Préfecture du Gers"\nlegal_basis = "Courrier du préfet"\nstart = 2020-01-01\nexpiry = '
        "2099-12-31\n",
        encoding="utf-8",
    )
    code, _out, _err = run(*sh_command("fsaudit audit declarations/ --format json --output audit/reference.json"))
    assert code == 1 and Path("audit/reference.json").is_file()
    return tmp_path


def test_gitlab_job_writes_the_junit_report_it_declares(project: Path, run) -> None:
    """The GitLab job's command passes on known failures and writes the JUnit file of artifacts:reports."""
    job = gitlab_job()
    (command,) = fsaudit_commands(job["script"])
    code, _out, _err = run(*command)
    assert code == 0
    assert Path(job["artifacts"]["reports"]["junit"]).is_file()
    assert all(Path(p).is_dir() for p in job["artifacts"]["paths"])


def test_gitlab_job_fails_on_a_new_failure(project: Path, run) -> None:
    """The same command exits 1 when a declaration gains a failure absent from the reference."""
    write_declaration(Path("declarations/32-A.json"), [structure("32-A", opening_hours=SHORT_WEEK)])
    (command,) = fsaudit_commands(gitlab_job()["script"])
    code, _out, _err = run(*command)
    assert code == 1


def test_github_job_writes_the_sarif_and_summary_it_uploads(project: Path, run) -> None:
    """The GitHub Actions audit step writes the SARIF file uploaded and the Markdown summary."""
    steps = github_steps()
    (command,) = fsaudit_commands([s.get("run") for s in steps])
    code, _out, _err = run(*command)
    assert code == 0
    sarif = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert Path(sarif["with"]["sarif_file"]).is_file()
    summary = next(s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert Path(shlex.split(summary["run"])[1]).is_file()


def test_documented_compare_command_runs(project: Path, run) -> None:
    """The compare command of the guide runs on the reference and a new report."""
    (command,) = fsaudit_commands(gitlab_job()["script"])
    run(*command)
    code, out, _err = run(*sh_command("fsaudit compare"))
    assert code == 0
    assert out.startswith("## Comparaison des audits France services")


def hook() -> dict[str, Any]:
    (only,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return only


def run_hook(run, changed: list[str]) -> int:
    spec = hook()
    files = [name for name in changed if re.search(spec["files"], name)]
    code, _out, _err = run(*shlex.split(spec["entry"])[1:], *spec.get("args", []), *files)
    return code


def test_pre_commit_hook_fails_on_a_failing_declaration(project: Path, run) -> None:
    """The hook's command, on the changed files it selects, fails when one has a blocking failure."""
    assert run_hook(run, ["README.md", "declarations/32-A.json", "declarations/32-B.json"]) == 1


def test_pre_commit_hook_passes_on_a_conforming_declaration(project: Path, run) -> None:
    """The hook passes when the changed declaration meets the charter, and is a Python hook."""
    assert run_hook(run, ["README.md", "declarations/32-A.json"]) == 0
    assert (hook()["language"], hook()["entry"]) == ("python", "fsaudit audit")
