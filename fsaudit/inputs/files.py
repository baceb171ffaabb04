"""Reading input files: only regular files, never a blocking open, one reader per file.

A named pipe (FIFO), a socket or a device can never block the run (:func:`open_regular`);
:func:`read_input` picks the reader of a file and turns every failure into a problem of that input.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import attrs

from fsaudit.inputs.reader import Reader, ReadResult
from fsaudit.model.facts import InputProblem
from fsaudit.model.result import (
    InputInfo,
)
from fsaudit.model.rule import PLUGIN_FAILURES
from fsaudit.text.french import describe_exception

if TYPE_CHECKING:
    from fsaudit.report.reporter import Reporter

__all__ = [
    "InputFile",
    "NotReadable",
    "choose_reader",
    "describe_os_error",
    "input_source",
    "open_regular",
    "own_report",
    "read_input",
    "read_regular",
    "source",
    "special_kind",
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


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


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


_SNIFF_BYTES = 65536


def choose_reader(path: Path, readers: Sequence[Reader]) -> Reader | None:
    """The reader for ``path``.

    Readers that know the file's extension are candidates; when none does, every reader with a
    ``sniff`` function is. A candidate with a ``sniff`` function must claim the file's first
    bytes; readers are tried by priority, then name. A file is opened for sniffing only when a
    candidate needs it, and only if it is a regular file (a FIFO is never opened: see
    :func:`fsaudit.inputs.files.open_regular`); otherwise the sniffers see no bytes.
    """
    from fsaudit.inputs.files import NotReadable, open_regular

    name = path.name.lower()
    candidates = [r for r in readers if any(name.endswith(ext) for ext in r.extensions)]
    if not candidates:
        candidates = [r for r in readers if r.sniff is not None]
    head: bytes | None = None
    for reader in candidates:
        if reader.sniff is None:
            return reader
        if head is None:
            try:
                if isinstance(path, InputFile):
                    head = path.data[:_SNIFF_BYTES]
                else:
                    with open_regular(path) as handle:
                        head = handle.read(_SNIFF_BYTES)
            except (NotReadable, OSError):
                head = b""
        try:
            if reader.sniff(path, head):
                return reader
        except Exception:  # noqa: BLE001, S112 - a broken sniffer must not hide other readers
            continue
    return None


class InputFile(type(Path())):  # type: ignore[misc]
    """An input file, read once: its path (a :class:`pathlib.Path`, as readers of API version 1
    expect) and its bytes. ``read_bytes()``, ``read_text()`` and ``open()`` for reading give the
    bytes already read, so that a file is hashed, sniffed and read from the same bytes, and can no
    longer be swapped (for a named pipe, say) between the checks and the reading.
    :func:`source` gives what a library that opens files itself (a ZIP or spreadsheet reader)
    should be given."""

    _data: bytes | None = None

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> InputFile:
        """The regular file ``path``, read now (:class:`NotReadable` otherwise)."""
        file = cls(path)
        file._data = read_regular(path)
        return file

    @property
    def data(self) -> bytes:
        """The file's bytes."""
        return self._data if self._data is not None else read_regular(self)

    def read_bytes(self) -> bytes:
        return self.data

    def read_text(self, encoding: str | None = None, errors: str | None = None, newline: str | None = None) -> str:
        return io.TextIOWrapper(
            io.BytesIO(self.data), encoding=encoding or "utf-8", errors=errors, newline=newline
        ).read()

    def open(
        self,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> Any:
        if self._data is None or any(flag in mode for flag in "wax+"):
            return super().open(mode, buffering, encoding, errors, newline)
        if "b" in mode:
            return io.BytesIO(self._data)
        return io.TextIOWrapper(io.BytesIO(self._data), encoding=encoding or "utf-8", errors=errors, newline=newline)


def source(path: str | os.PathLike[str]) -> Any:
    """What to give a library that opens a file itself (:mod:`zipfile`, python-calamine): the
    bytes already read of an :class:`InputFile` (a file object), else the path's text."""
    if isinstance(path, InputFile) and path._data is not None:
        return io.BytesIO(path._data)
    return os.fspath(path)


input_source = source
"""The name :func:`source` has in the public API (``fsaudit.input_source``)."""


def _blank(data: bytes) -> bool:
    """True for a file with no data at all: 0 bytes, or only a UTF-8 byte-order mark and white space."""
    return len(data) <= 4096 and not data.removeprefix(b"\xef\xbb\xbf").strip()


def _only_reader_of_extension(path: str, readers: Sequence[Reader]) -> Reader | None:
    """The one reader that knows ``path``'s extension, when its sniffer declined the file: it
    reads it anyway, to say in its own words what it expected (« en-tête non reconnu … colonnes
    attendues … ») rather than a bare « format non reconnu ». ``None`` when no reader, or more
    than one, knows the extension."""
    name = Path(path).name.lower()
    candidates = [r for r in readers if any(name.endswith(ext) for ext in r.extensions)]
    return candidates[0] if len(candidates) == 1 else None


def own_report(data: bytes, reporters: Sequence[Reporter]) -> Reporter | None:
    """The reporter whose report ``data`` is (:attr:`Reporter.recognise`), or ``None``; a
    recogniser that raises counts as a no."""
    for reporter in reporters:
        if reporter.recognise is None:
            continue
        try:
            if reporter.recognise(data):
                return reporter
        except PLUGIN_FAILURES:  # a broken recogniser must not stop the reading
            continue
    return None


def _malformed_read(result: Any) -> str | None:
    """Why a reader's answer is not a :class:`ReadResult` of loaded structures, départements,
    problems and answers (French), or ``None``; a plugin's reader that returns anything else
    is its input's error, never a crash of the whole audit."""
    from fsaudit.inputs.reader import LoadedStructure, ManualAnswer
    from fsaudit.model.declaration import Departement

    if not isinstance(result, ReadResult):
        return f"réponse mal formée : {type(result).__name__} au lieu d'un ReadResult"
    expected = (
        ("structures", LoadedStructure),
        ("departements", Departement),
        ("problems", InputProblem),
        ("answers", ManualAnswer),
    )
    for name, kind in expected:
        items = getattr(result, name)
        if not isinstance(items, tuple | list) or not all(isinstance(item, kind) for item in items):
            return f"réponse mal formée : {name} doit être une suite de {kind.__name__}"
    return None


def read_input(
    path: str, readers: Sequence[Reader], reporters: Sequence[Reporter] = ()
) -> tuple[InputInfo, ReadResult]:
    """Read one input; every failure becomes a problem of that input, never an exception.

    Only a regular file is read. A named pipe, a socket or a device, a symbolic link loop, a
    broken link or a file without read permission is an error of that input, said in French,
    and is never opened in a way that could block (:func:`fsaudit.inputs.files.open_regular`).
    A file that one of ``reporters`` recognises as its report (last run's report left in the
    declarations' folder) is not read: a warning says so.
    """

    def unread(message: str) -> tuple[InputInfo, ReadResult]:
        problem = InputProblem(path, "fichier", message)
        return InputInfo(path, None, None, 0, 1), ReadResult("inconnu", problems=(problem,))

    try:
        file = InputFile.read(path)  # the one read: hashed, sniffed and read from these bytes
    except NotReadable as exc:
        return unread(str(exc))
    except OSError as exc:
        return unread(describe_os_error(exc, path))
    sha256: str | None = hashlib.sha256(file.data).hexdigest()
    known = ", ".join(sorted({ext for r in readers for ext in r.extensions}))
    if _blank(file.data):
        problem = InputProblem(path, "fichier", f"fichier vide : aucune donnée à lire ; formats lus : {known}")
        return InputInfo(path, sha256, None, 0, 1), ReadResult("inconnu", problems=(problem,))
    report = own_report(file.data, reporters)
    if report is not None:
        problem = InputProblem(
            path,
            "fichier",
            f"rapport d'audit écrit par fsaudit (format {report.name}), pas une déclaration : fichier non lu ; "
            "écrivez les rapports hors du dossier des déclarations",
            InputProblem.WARNING,
        )
        kind = f"rapport-{report.name}"
        return InputInfo.counting(path, sha256, kind, 0, (problem,)), ReadResult(kind, problems=(problem,))
    reader = choose_reader(file, readers)
    if reader is None:
        reader = _only_reader_of_extension(path, readers)
    if reader is None:
        extension = Path(path).suffix.lower()
        which = f" (extension « {extension} »)" if extension else " (fichier sans extension)"
        problem = InputProblem(path, "fichier", f"format de fichier non reconnu{which} ; formats lus : {known}")
        return InputInfo(path, sha256, None, 0, 1), ReadResult("inconnu", problems=(problem,))
    try:
        result = reader.read(file)
        malformed = _malformed_read(result)
    except PLUGIN_FAILURES as exc:  # a reader bug is its input's error
        malformed = describe_exception(exc)
    if malformed is not None:
        problem = InputProblem(path, "fichier", f"le lecteur « {reader.name} » a échoué : {malformed}")
        return InputInfo(path, sha256, reader.name, 0, 1), ReadResult(reader.name, problems=(problem,))
    if not (result.structures or result.departements or result.answers or result.problems):
        # Read without error but holding nothing (a list with its header only, no feature):
        # said, so that an input that audits nothing is never mistaken for one that passed.
        empty = InputProblem(path, "fichier", "aucune structure dans ce fichier : rien à auditer", InputProblem.WARNING)
        result = attrs.evolve(result, problems=(empty,))
    info = InputInfo.counting(path, sha256, result.format, len(result.structures), result.problems, result.layout)
    return info, result
