"""Writing reports safely: atomically, and never over an input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["OutputError", "check_output_path", "write_atomic"]


class OutputError(Exception):
    """An output cannot be written; the message is in French."""


def check_output_path(output: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output path that is one of the inputs."""
    try:
        target = output.resolve()
    except OSError as exc:
        raise OutputError(f"{output} : chemin de sortie invalide ({exc})") from None
    for item in inputs:
        try:
            same = item.resolve() == target
        except OSError:
            continue
        if same:
            raise OutputError(
                f"{output} : le rapport écraserait une des déclarations auditées ; choisissez un autre fichier"
            )


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    An interrupted run leaves either the old file or the new one, never a truncated file.
    """
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{path} : écriture impossible ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"{path} : écriture impossible ({exc.strerror or exc})") from None
        raise
