"""Writing reports safely: atomically, never over an input."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["OutputError", "check_output_path", "write_atomic"]


class OutputError(Exception):
    """An output cannot be written; the message is in French."""


def check_output_path(output: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output path that is one of the inputs, or that cannot be written at all: a
    folder, a path through a file, a folder without the right to write (checked before the
    audit, which may take minutes, rather than when its report is written)."""
    from fsaudit.inputs.files import _ERRNO_MESSAGES, describe_os_error
    from fsaudit.text.french import shown_path

    try:
        target = output.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop (Python < 3.13)
        reason = describe_os_error(exc, output) if isinstance(exc, OSError) else _ERRNO_MESSAGES[errno.ELOOP]
        raise OutputError(f"{shown_path(str(output))} : chemin de sortie invalide ({reason})") from None
    try:
        existing = os.stat(target)
    except OSError:
        existing = None
    _check_writable(output, existing)
    for item in inputs:
        try:
            found = os.stat(item)
        except OSError:
            found = None
        try:
            if found is not None:
                # The same file whatever the path that leads to it (links): one system call, where
                # resolving every input's path costs one per component.
                same = existing is not None and (found.st_dev, found.st_ino) == (existing.st_dev, existing.st_ino)
            else:
                same = item.resolve() == target  # an input not there: the same path as the report's
        except (OSError, RuntimeError):
            continue
        if same:
            raise OutputError(
                f"{shown_path(str(output))} : le rapport écraserait un fichier que fsaudit lit (déclaration, "
                "dérogations ou rapport) ; choisissez un autre fichier"
            )


def _check_writable(output: Path, existing: os.stat_result | None) -> None:
    from fsaudit.text.french import shown_path

    shown = shown_path(str(output))
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise OutputError(f"{shown} : écriture impossible (c'est un dossier)")
    folder = output.parent  # as given, not resolved: a broken link on the way is named
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent  # missing folders are created: the first existing one must accept them
    if not os.path.isdir(folder):
        what = "un lien symbolique cassé" if os.path.islink(folder) else "un fichier"
        raise OutputError(f"{shown} : écriture impossible ({shown_path(str(folder))} est {what}, pas un dossier)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{shown} : écriture impossible (dossier {shown_path(str(folder))} protégé en écriture)")


def write_atomic(path: Path, data: bytes | bytearray | memoryview | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or an iterable of chunks of bytes written as they come) to
    ``path`` through a temporary file and a rename.

    An interrupted run leaves either the old file or the new one, never a truncated file. An
    exception (one the iterable raises while it gives its chunks included: it goes on), Ctrl-C or
    SIGTERM (a cancelled CI job) during the write also removes the temporary file; only SIGKILL or
    a power cut can leave one (``.NAME.*.tmp``, next to the report). The report gets the
    permissions of the file it replaces, or the usual ones (umask) if it is new. A device or a
    pipe (``-o /dev/null``, ``-o /dev/stdout``) is written to, never replaced.
    """
    if _special(path):
        _write_through(path, data)
        return
    directory = path.parent if str(path.parent) else Path(".")
    with _terminating_cleanly():
        try:
            directory.mkdir(parents=True, exist_ok=True)
            mode = _mode_for(path)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise OutputError(f"{path} : écriture impossible ({_write_error(exc)})") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                if isinstance(data, bytes | bytearray | memoryview):
                    handle.write(data)
                else:
                    for chunk in data:
                        handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException as exc:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            if isinstance(exc, OSError):
                raise OutputError(f"{path} : écriture impossible ({_write_error(exc)})") from None
            raise


def _special(path: Path) -> bool:
    """True for an existing target that is no regular file nor folder: a device (``/dev/null``,
    ``/dev/stdout`` on a terminal), a pipe (``/dev/stdout`` piped, a named pipe). A rename would
    put a regular file in its place (as root, over ``/dev/null``): it is written to instead."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_through(path: Path, data: bytes | bytearray | memoryview | Iterable[bytes]) -> None:
    try:
        with open(path, "wb") as handle:
            if isinstance(data, bytes | bytearray | memoryview):
                handle.write(data)
            else:
                for chunk in data:
                    handle.write(chunk)
    except OSError as exc:
        raise OutputError(f"{path} : écriture impossible ({_write_error(exc)})") from None


_WRITE_ERRORS = {
    errno.ENOSPC: "plus de place sur le disque",
    errno.EPIPE: "la sortie a été fermée avant la fin (tube interrompu)",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EACCES: "accès refusé : droits insuffisants pour écrire ici",
    errno.EPERM: "accès refusé : opération non permise",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "une partie du chemin n'est pas un dossier",
    errno.ENOENT: "chemin introuvable : un dossier du chemin n'existe pas ou n'accepte pas de fichier",
    errno.EEXIST: "un élément du chemin existe mais n'est pas un dossier : un lien symbolique cassé ?",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ELOOP: "boucle de liens symboliques",
    errno.EIO: "erreur d'entrée-sortie du disque",
}
if hasattr(errno, "EDQUOT"):
    _WRITE_ERRORS[errno.EDQUOT] = "quota de disque dépassé"


def _write_error(exc: OSError) -> str:
    """Why a write failed, in French (the system's own text is English)."""
    if exc.errno in _WRITE_ERRORS:
        return _WRITE_ERRORS[exc.errno]
    name = errno.errorcode.get(exc.errno or 0)
    return f"erreur système {name}" if name else str(exc.strerror or exc)


def _mode_for(path: Path) -> int:
    """The permissions of the file ``path`` replaces, else those a new file gets (0o666 less umask);
    the temporary file is created 0o600."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class _Terminated(BaseException):
    """SIGTERM arrived while a report was being written."""


@contextlib.contextmanager
def _terminating_cleanly() -> Iterator[None]:
    """While a report is written, SIGTERM first lets the writer remove its temporary file, then
    ends the process as SIGTERM does. Only when SIGTERM has its default action, in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.getsignal(signal.SIGTERM)
        if previous is not signal.SIG_DFL:
            previous = None
        else:
            signal.signal(signal.SIGTERM, _raise_terminated)
    except (ValueError, OSError, AttributeError):
        previous = None
    if previous is None:
        yield
        return
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)  # the default action: the process ends here
        raise
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated
