"""Expanding what the user named on the command line into the list of input files.

``fsaudit audit`` accepts files, directories (searched recursively for the extensions the
loaded readers know) and glob patterns (``declarations/**/*.json``), in any mix. The result is
de-duplicated (one file named twice, or reached through two arguments, is read once) and
sorted, so that neither the order of the arguments nor the order of files on disk changes the
report.

Only regular files are read. What a folder holds that is not one is never opened (a named pipe
would block the run forever) and is reported, never skipped in silence:

- a named pipe, a socket or a device with a declaration's extension is a *warning*
  (« ignoré ») when found in a folder or by a pattern; named explicitly, it is passed on to the
  engine, whose :func:`~fsaudit.inputs.files.read_input` reports it as an *error*;
- an entry that cannot be examined (a symbolic link loop, a broken link, no permission) with a
  declaration's extension is passed on as an input, and ``read_input`` reports why it cannot be
  read (an error); a folder that cannot be listed is an error here;
- a link to a folder inside a searched folder is not followed (a warning says so): the folder
  may be named itself.
"""

from __future__ import annotations

import errno
import glob
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from attrs import frozen

from fsaudit.model.facts import ERROR, WARNING, InputProblem

__all__ = ["Discovery", "DiscoveryError", "display_path", "expand_inputs", "input_sort_key"]

_MAGIC = re.compile(r"[*?\[]")


class DiscoveryError(Exception):
    """An argument names nothing to audit; the message is in French."""


@frozen
class Discovery:
    """The input files named by the arguments, and what was found beside them that is not read."""

    files: tuple[str, ...]
    """Paths to read, de-duplicated and sorted (:func:`input_sort_key`)."""
    problems: tuple[InputProblem, ...] = ()
    """Entries left out (warnings) and folders that could not be listed (errors), sorted by path."""


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


class _Collector:
    """Files and problems gathered over every argument."""

    def __init__(self, extensions: tuple[str, ...]) -> None:
        self.extensions = extensions
        self.by_file: dict[str, str] = {}
        self.problems: dict[tuple[str, str, str], InputProblem] = {}

    def add(self, path: str) -> None:
        shown = display_path(path)
        key = os.path.realpath(path)
        current = self.by_file.get(key)
        if current is None or input_sort_key(shown) < input_sort_key(current):
            self.by_file[key] = shown

    def problem(self, path: str, location: str, message: str, level: str) -> None:
        item = InputProblem(display_path(path), location, message, level)
        self.problems.setdefault((item.path, item.location, item.message), item)

    def errors(self) -> int:
        """How many problems found so far are errors."""
        return sum(1 for p in self.problems.values() if p.is_error)

    def known(self, name: str) -> bool:
        return name.lower().endswith(self.extensions)

    def found(self, path: str, *, named: bool = False, matched: bool = False) -> int:
        """An entry found in a folder (kept when its extension is a reader's), matched by a
        pattern (``matched``: kept whatever its extension) or given as an argument (``named``:
        kept whatever it is). Returns the inputs it adds (0 or 1); what is left out is reported."""
        wanted = named or matched or self.known(path)
        try:
            mode = os.stat(path).st_mode
        except OSError:
            if wanted:
                self.add(path)  # read_input says why it cannot be read: an error of that input
                return 1
            if os.path.islink(path):
                self.problem(path, "fichier", "lien symbolique cassé ou en boucle : ignoré", WARNING)
            return 0
        from fsaudit.inputs.files import special_kind

        kind = special_kind(mode)
        if kind is not None and not named:
            if wanted:
                message = f"ignoré : {kind}, pas un fichier ordinaire (il n'est pas ouvert)"
                self.problem(path, "fichier", message, WARNING)
            return 0
        if wanted:
            self.add(path)  # a regular file; or a special one named explicitly (read_input refuses it)
            return 1
        return 0

    def walk(self, directory: str) -> int:
        """Every input below ``directory``; returns how many were added."""
        count = 0

        def unreadable(exc: OSError) -> None:
            from fsaudit.inputs.files import describe_os_error

            where = exc.filename if isinstance(exc.filename, str) else directory
            reason = describe_os_error(exc, where).replace("ce fichier", "ce dossier")
            message = f"dossier illisible ({reason}) : ses déclarations ne sont pas auditées"
            self.problem(where, "dossier", message, ERROR)

        for root, dirs, files in os.walk(directory, onerror=unreadable):
            kept = []
            for name in sorted(dirs):
                if _hidden(name):
                    continue
                full = os.path.join(root, name)
                if os.path.islink(full):
                    self.problem(
                        full,
                        "dossier",
                        "lien symbolique vers un dossier : non parcouru (indiquez ce dossier lui-même pour l'auditer)",
                        WARNING,
                    )
                    continue
                kept.append(name)
            dirs[:] = kept
            for name in sorted(files):
                if not _hidden(name):
                    count += self.found(os.path.join(root, name))
        return count

    def ignored(self, below: str) -> str:
        """The entries ignored below ``below``, for a message (``a.json (tube nommé (FIFO)), …``)."""
        prefix = display_path(below).rstrip("/") + "/"
        shown = display_path(below)
        names = [p.path for p in self.problems.values() if p.path.startswith(prefix) or p.path == shown]
        return ", ".join(names[:5]) + (" …" if len(names) > 5 else "")


def expand_inputs(arguments: Iterable[str], extensions: Sequence[str]) -> Discovery:
    """The input files named by ``arguments``, de-duplicated and sorted, and the problems found.

    A file is taken as named, whatever its extension (the reader says whether it knows it); so
    is any other entry named explicitly that is not a folder (a FIFO, a broken link: the engine
    reports it as an input error). A directory contributes every file below it whose extension
    is in ``extensions``, except hidden ones. A pattern with ``*``, ``?`` or ``[`` is expanded
    (``**`` crosses folders); a directory it matches is searched like a directory argument. An
    argument that names nothing raises :class:`DiscoveryError`.
    """
    from fsaudit.text.french import shown_path

    wanted = tuple(sorted({ext.lower() for ext in extensions}))
    found = _Collector(wanted)

    for argument in arguments:
        if os.path.isdir(argument):
            errors_before = found.errors()
            if not found.walk(argument) and found.errors() == errors_before:
                ignored = found.ignored(argument)
                raise DiscoveryError(
                    f"aucune déclaration dans le dossier {shown_path(argument)} "
                    f"(extensions lues : {', '.join(wanted)})"
                    + (f" ; ignoré : {shown_path(ignored)}" if ignored else "")
                )
            continue
        if _exists(argument):
            found.found(argument, named=True)
            continue
        if _MAGIC.search(argument):
            count = 0
            for match in sorted(glob.glob(argument, recursive=True)):
                if os.path.isdir(match):
                    count += found.walk(match)
                else:
                    count += found.found(match, matched=True)
            if not count:
                raise DiscoveryError(f"aucun fichier ne correspond au motif {shown_path(argument)}")
            continue
        raise DiscoveryError(f"fichier introuvable : {shown_path(argument)}")
    problems = sorted(found.problems.values(), key=lambda p: (input_sort_key(p.path), p.message))
    return Discovery(tuple(sorted(found.by_file.values(), key=input_sort_key)), tuple(problems))


def _exists(path: str) -> bool:
    """True when ``path`` names an entry, even one that cannot be examined (a link loop, a
    broken link, no permission on it): only "no such file" is False."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return os.path.lexists(path)  # a broken link
        return True
    return True
