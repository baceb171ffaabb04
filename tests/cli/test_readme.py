"""README.md keeps exactly two set-up commands at its top, and CI runs the test one."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _top_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    top = text.split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", top, flags=re.S)


def test_readme_has_two_setup_commands() -> None:
    """The top of README.md holds exactly two one-line commands: main job, then tests."""
    commands = _top_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "fsaudit audit samples/" in commands[0]
    assert commands[1].endswith("pytest")


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs the README's test command verbatim."""
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert _top_commands()[1] in script.splitlines()


def test_main_job_sample_exists() -> None:
    """The sample the main-job command audits is in the repository."""
    command = _top_commands()[0]
    sample = re.search(r"fsaudit audit (\S+)", command).group(1)
    assert (REPO / sample).exists()
