"""Plugin configuration: a table per plugin in a configuration file.

``fsaudit audit --config fsaudit.toml`` reads ``[plugins.NAME]`` tables; without ``--config``, a
``pyproject.toml`` in the current folder is read for ``[tool.fsaudit.plugins.NAME]`` tables (as
ruff or pytest read theirs). A plugin reads its own table with
``ctx.plugin_config("NAME")`` (read-only); the report's provenance names the file and its hash.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from fsaudit.inputs.files import NotReadable, read_regular
from fsaudit.inputs.toml import toml_problem
from fsaudit.model.facts import InputProblem

__all__ = ["ConfigError", "PluginConfig", "find_config", "load_config"]


class ConfigError(Exception):
    """A configuration file that cannot be used; ``problems`` say where and why, in French."""

    def __init__(self, problems: list[InputProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@attrs.frozen
class PluginConfig:
    """The plugins' configuration tables, and the file they come from."""

    plugins: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    path: str | None = None
    sha256: str | None = None

    def provenance(self) -> Any:
        """What the report says of the configuration (``config`` in the JSON report)."""
        from fsaudit.model.result import ConfigProvenance

        return ConfigProvenance({"file": self.path, "sha256": self.sha256, "plugins": sorted(self.plugins)})


def load_config(path: str | Path, *, in_pyproject: bool = False) -> PluginConfig:
    """The plugin tables of a configuration file (``[plugins.NAME]``), or of a
    ``pyproject.toml`` (``[tool.fsaudit.plugins.NAME]``) with ``in_pyproject``; raises
    :class:`ConfigError` with every problem."""
    name = str(path)
    try:
        raw = read_regular(path)
    except NotReadable as exc:
        raise ConfigError([InputProblem(name, "fichier", str(exc))]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError([InputProblem(name, f"octet {exc.start}", "le fichier n'est pas en UTF-8")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([toml_problem(name, exc, text.splitlines())]) from None
    where = "tool.fsaudit.plugins" if in_pyproject else "plugins"
    table: Any = data
    for key in where.split("."):
        table = table.get(key, {}) if isinstance(table, Mapping) else None
    if not isinstance(table, Mapping):
        raise ConfigError([InputProblem(name, where, "table attendue : une table par plugin ([plugins.NOM])")])
    problems = [
        InputProblem(name, f"{where}.{plugin}", "table attendue : les réglages du plugin (clé = valeur)")
        for plugin, value in sorted(table.items())
        if not isinstance(value, Mapping)
    ]
    if problems:
        raise ConfigError(problems)
    return PluginConfig(
        plugins={plugin: dict(value) for plugin, value in sorted(table.items())},
        path=name,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def find_config(folder: Path) -> PluginConfig | None:
    """The plugin tables of ``folder/pyproject.toml`` when it has a ``[tool.fsaudit]`` table,
    else ``None``."""
    candidate = folder / "pyproject.toml"
    if not candidate.is_file():
        return None
    try:
        data = tomllib.loads(read_regular(candidate).decode("utf-8-sig"))
    except (NotReadable, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # not ours to judge: a project's file that fsaudit may ignore
    if "fsaudit" not in data.get("tool", {}):
        return None
    return load_config(candidate, in_pyproject=True)
