"""Reading inputs and writing reports safely.

Inputs: only regular files are read, and a file is opened so that a named pipe (FIFO), a socket
or a device can never block the run (:func:`open_regular`). Reports: written atomically, and
never over an input.
"""

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
from typing import BinaryIO

__all__ = [
    "NotReadable",
    "OutputError",
    "check_output_path",
    "describe_os_error",
    "open_regular",
    "read_regular",
    "special_kind",
    "write_atomic",
]


class NotReadable(Exception):
    """A path that cannot be read as a regular file; the message is in French."""


_KINDS = (
    (stat.S_ISFIFO, "tube nommé (FIFO)"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "périphérique (mode caractère)"),
    (stat.S_ISBLK, "périphérique (mode bloc)"),
)


def special_kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is neither a regular file nor a directory
    (``tube nommé (FIFO)``, ``socket``…), in French; ``None`` for a regular file or a directory."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "fichier spécial")


_ERRNO_MESSAGES = {
    errno.ELOOP: "boucle de liens symboliques : le lien ne mène à aucun fichier",
    errno.EACCES: "accès refusé : droits insuffisants pour lire ce fichier",
    errno.EPERM: "accès refusé : opération non permise",
    errno.EISDIR: "c'est un dossier : indiquez des fichiers de déclaration",
    errno.ENOTDIR: "chemin invalide : une partie du chemin n'est pas un dossier",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.ENXIO: "périphérique absent",
}


def describe_os_error(exc: OSError, path: str | os.PathLike[str] | None = None) -> str:
    """A system error on ``path`` in French (the system's own text is English): ``boucle de
    liens symboliques…``, ``lien symbolique cassé…``, ``fichier introuvable``, ``accès refusé…``."""
    code = exc.errno
    if code == errno.ENOENT:
        if path is not None and os.path.islink(path):
            return "lien symbolique cassé : sa cible n'existe pas"
        return "fichier introuvable"
    if code in _ERRNO_MESSAGES:
        return _ERRNO_MESSAGES[code]
    name = errno.errorcode.get(code or 0)
    return f"lecture impossible (erreur système {name})" if name else "lecture impossible"


_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
)


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for reading in binary mode if it is a regular file (a link to one included).

    Anything else raises :class:`NotReadable` with a French reason, without ever blocking: the
    path is examined before it is opened, then opened with ``O_NONBLOCK`` (opening a FIFO with no
    writer returns at once instead of waiting for one) and examined again through the open
    descriptor, so that a file replaced by a FIFO between the two steps is refused too.
    """
    try:
        kind = special_kind(os.stat(path).st_mode)
    except OSError as exc:
        raise NotReadable(describe_os_error(exc, path)) from None
    if kind is not None:
        raise NotReadable(_not_regular(kind))
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise NotReadable(describe_os_error(exc, path)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise NotReadable(_ERRNO_MESSAGES[errno.EISDIR])
        kind = special_kind(mode)
        if kind is not None:
            raise NotReadable(_not_regular(kind))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _not_regular(kind: str) -> str:
    return f"ce n'est pas un fichier ordinaire mais un {kind} : il n'est pas lu"


def read_regular(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the regular file ``path`` (see :func:`open_regular`); :class:`NotReadable`
    otherwise, or when reading fails."""
    try:
        with open_regular(path) as handle:
            return handle.read()
    except OSError as exc:
        raise NotReadable(describe_os_error(exc, path)) from None


class OutputError(Exception):
    """An output cannot be written; the message is in French."""


def check_output_path(output: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output path that is one of the inputs."""
    from fsaudit.frtext import shown_path

    try:
        target = output.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop (Python < 3.13)
        reason = describe_os_error(exc, output) if isinstance(exc, OSError) else _ERRNO_MESSAGES[errno.ELOOP]
        raise OutputError(f"{shown_path(str(output))} : chemin de sortie invalide ({reason})") from None
    for item in inputs:
        try:
            same = item.resolve() == target
        except (OSError, RuntimeError):
            continue
        if same:
            raise OutputError(
                f"{shown_path(str(output))} : le rapport écraserait un fichier que fsaudit lit (déclaration, "
                "dérogations ou rapport) ; choisissez un autre fichier"
            )


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    An interrupted run leaves either the old file or the new one, never a truncated file. An
    exception, Ctrl-C or SIGTERM (a cancelled CI job) during the write also removes the temporary
    file; only SIGKILL or a power cut can leave one (``.NAME.*.tmp``, next to the report). The
    report gets the permissions of the file it replaces, or the usual ones (umask) if it is new.
    """
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
                handle.write(data)
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


_WRITE_ERRORS = {
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EACCES: "accès refusé : droits insuffisants pour écrire ici",
    errno.EPERM: "accès refusé : opération non permise",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "une partie du chemin n'est pas un dossier",
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
