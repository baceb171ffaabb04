"""Expanding what the user named on the command line into the list of input files.

``fsaudit audit`` accepts files, directories (searched recursively for the extensions the
loaded readers know) and glob patterns (``declarations/**/*.json``), in any mix. The result is
de-duplicated (one file named twice, or reached through two arguments, is read once) and
sorted, so that neither the order of the arguments nor the order of files on disk changes the
report.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["DiscoveryError", "display_path", "expand_inputs", "input_sort_key"]

_MAGIC = re.compile(r"[*?\[]")


class DiscoveryError(Exception):
    """An argument names nothing to audit; the message is in French."""


def display_path(path: str) -> str:
    """The path as reports show it: normalised, with ``/`` separators (``./a//b.json`` → ``a/b.json``)."""
    return Path(os.path.normpath(path)).as_posix()


def input_sort_key(path: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order of paths (``2.json`` before ``10.json``), the same on every machine."""
    parts = re.split(r"(\d+)", path)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def _hidden(name: str) -> bool:
    # Hidden files and folders (.git, .venv) and office lock files (~$classeur.xlsx).
    return name.startswith((".", "~$"))


def _walk(directory: str, extensions: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        for name in files:
            if not _hidden(name) and name.lower().endswith(extensions):
                found.append(os.path.join(root, name))
    return found


def expand_inputs(arguments: Iterable[str], extensions: Sequence[str]) -> list[str]:
    """The input files named by ``arguments``, de-duplicated and sorted.

    A file is taken as named, whatever its extension (the reader says whether it knows it). A
    directory contributes every file below it whose extension is in ``extensions``, except
    hidden ones. A pattern with ``*``, ``?`` or ``[`` is expanded (``**`` crosses folders); a
    directory it matches is searched like a directory argument. An argument that names nothing
    raises :class:`DiscoveryError`.
    """
    wanted = tuple(sorted({ext.lower() for ext in extensions}))
    by_file: dict[str, str] = {}

    def add(path: str) -> None:
        shown = display_path(path)
        key = os.path.realpath(path)
        current = by_file.get(key)
        if current is None or input_sort_key(shown) < input_sort_key(current):
            by_file[key] = shown

    def add_directory(path: str) -> int:
        files = _walk(path, wanted)
        for item in files:
            add(item)
        return len(files)

    for argument in arguments:
        if os.path.isfile(argument):
            add(argument)
        elif os.path.isdir(argument):
            if not add_directory(argument):
                raise DiscoveryError(
                    f"aucune déclaration dans le dossier {argument} (extensions lues : {', '.join(wanted)})"
                )
        elif _MAGIC.search(argument):
            matches = sorted(glob.glob(argument, recursive=True))
            count = 0
            for match in matches:
                if os.path.isdir(match):
                    count += add_directory(match)
                elif os.path.isfile(match):
                    add(match)
                    count += 1
            if not count:
                raise DiscoveryError(f"aucun fichier ne correspond au motif {argument}")
        elif os.path.exists(argument):
            raise DiscoveryError(f"{argument} n'est ni un fichier ni un dossier")
        else:
            raise DiscoveryError(f"fichier introuvable : {argument}")
    return sorted(by_file.values(), key=input_sort_key)
