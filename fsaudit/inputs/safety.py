"""Checks on a workbook archive before any library opens it: zip bombs, member floods, entities.

An ``.xlsx``/``.xlsm``/``.ods`` file is a ZIP archive of XML parts. A hostile file can make a
reader inflate gigabytes (a *zip bomb*: a member with an extreme compression ratio, or many
overlapping members), spend its time on a central directory of millions of members, or declare
XML entities that expand exponentially (*billion laughs*). :func:`check_archive` reads only the
end record and the central directory of the archive, plus the prolog of each XML part (parsed
by defusedxml up to the root element), and refuses the file with a French message
(:class:`UnsafeArchive`) before
python-calamine or the formula scan reads anything else.

Both consumers enforce each member's declared size (python-calamine stops with "File is larger
than its declared uncompressed size", :mod:`zipfile` stops at the declared size), so limits on
the declared sizes bound what any of them inflates. Declared sizes that contradict the
compressed data are refused too, with a clearer message.

Limits are in :class:`Limits`; :func:`limits_from_env` reads the ``FSAUDIT_ARCHIVE_*``
environment variables documented in ``docs/security.md`` (worker processes inherit them).
"""

from __future__ import annotations

import functools
import os
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import attrs
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from fsaudit.inputs.files import NotReadable, open_regular, source

__all__ = [
    "Limits",
    "UnsafeArchive",
    "check_archive",
    "describe_error",
    "limits_from_env",
    "vet_xml",
]

MIB = 1 << 20


@attrs.frozen
class Limits:
    """What a workbook archive may hold."""

    max_members: int = 10_000
    """Members in the archive (a declaration workbook has a few dozen)."""
    max_total_mib: int = 512
    """Total uncompressed size, MiB (a 30,000-structure declaration workbook holds about 370 MiB)."""
    max_ratio: int = 100
    """Largest uncompressed/compressed ratio of a member above :attr:`ratio_grace_mib` (the
    default of Apache POI's ZipSecureFile; spreadsheet XML compresses 4 to 20 times)."""
    ratio_grace_mib: int = 1
    """Members up to this uncompressed size are not held to :attr:`max_ratio` (a small empty
    sheet may compress a lot)."""


ENVIRONMENT = {
    "FSAUDIT_ARCHIVE_MAX_MEMBERS": "max_members",
    "FSAUDIT_ARCHIVE_MAX_MIB": "max_total_mib",
    "FSAUDIT_ARCHIVE_MAX_RATIO": "max_ratio",
}
"""Environment variable → :class:`Limits` field."""


class UnsafeArchive(Exception):
    """The archive is refused; the message is in French and names what was exceeded."""


def limits_from_env(environ: Mapping[str, str] | None = None) -> Limits:
    """The default :class:`Limits`, changed by the ``FSAUDIT_ARCHIVE_*`` variables that are set.

    A value that is not a positive integer raises :class:`UnsafeArchive` (the file is then not
    read, rather than read with limits the user did not ask for).
    """
    env = os.environ if environ is None else environ
    changes: dict[str, int] = {}
    for variable, field in ENVIRONMENT.items():
        text = env.get(variable)
        if text is None or not text.strip():
            continue
        try:
            value = int(text.strip())
        except ValueError:
            value = 0
        if value <= 0:
            raise UnsafeArchive(
                f"variable d'environnement {variable} « {text} » invalide : attendu un nombre entier positif"
            )
        changes[field] = value
    return attrs.evolve(Limits(), **changes)


_END = struct.Struct("<4s4H2LH")
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")
_CENTRAL_ENTRY_MAX = 1024
"""Bytes of the central directory allowed per member (46 bytes of header, the name, extra fields)."""
_CHUNK = 4096
PROLOG_LIMIT = 64 * 1024
"""Bytes of an XML part that may come before its root element."""
_TAIL = _END.size + 0xFFFF


def _directory(path: Path) -> tuple[int, int] | None:
    """``(members, central directory bytes)`` from the end record, or ``None`` if not a ZIP."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        start = max(0, size - _TAIL)
        handle.seek(start)
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + _END.size > len(tail):
            return None
        _sig, _disk, _cd_disk, _here, members, cd_size, _cd_offset, _comment = _END.unpack_from(tail, at)
        if members == 0xFFFF or cd_size == 0xFFFFFFFF:  # ZIP64: the real counts are in another record
            locator = start + at - _END64_LOCATOR.size
            if locator < 0:
                return members, cd_size
            handle.seek(locator)
            sig, _disk64, offset64, _disks = _END64_LOCATOR.unpack(handle.read(_END64_LOCATOR.size))
            if sig != b"PK\x06\x07" or offset64 + _END64.size > size:
                return members, cd_size
            handle.seek(offset64)
            record = handle.read(_END64.size)
            if len(record) < _END64.size or record[:4] != b"PK\x06\x06":
                return members, cd_size
            fields = _END64.unpack(record)
            return max(members, fields[7]), max(cd_size, fields[8])
        return members, cd_size


def _number(value: float) -> str:
    """``3 145 729`` (French thousands separator)."""
    return f"{value:,.0f}".replace(",", "\u202f")


def _mib(size: int) -> str:
    return f"{_number(size / MIB)} Mio"


def check_archive(path: Path, limits: Limits | None = None) -> None:
    """Refuse a hostile workbook archive (:class:`UnsafeArchive`); a file that is not a ZIP
    archive at all is left to the reader, which reports it unreadable."""
    limits = limits or limits_from_env()
    name = path if isinstance(path, Path) else Path(path)  # an InputFile keeps its bytes
    try:
        found = _directory(name)
    except OSError:
        return  # the reader reports the unreadable file
    if found is None:
        return
    members, cd_size = found
    if members > limits.max_members:
        raise UnsafeArchive(_too_many(members, limits))
    if cd_size > limits.max_members * _CENTRAL_ENTRY_MAX:
        raise UnsafeArchive(
            f"archive refusée : son répertoire fait {_number(cd_size)} octets pour "
            f"{_number(members)} éléments annoncés ; de quoi décrire plus de "
            f"{_number(limits.max_members)} éléments (un classeur en contient quelques dizaines) ; "
            "limite réglable par FSAUDIT_ARCHIVE_MAX_MEMBERS"
        )
    try:
        with zipfile.ZipFile(source(name)) as archive:
            infos = archive.infolist()
            _check_members(infos, limits)
            _check_prologs(archive, infos)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        return  # damaged: python-calamine reports it with the part it could not read


def _too_many(members: int, limits: Limits) -> str:
    return (
        f"archive refusée : {_number(members)} éléments, au plus {_number(limits.max_members)} "
        "admis (un classeur en contient quelques dizaines) ; limite réglable par "
        "FSAUDIT_ARCHIVE_MAX_MEMBERS"
    )


def _check_members(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise UnsafeArchive(_too_many(len(infos), limits))
    total = 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnsafeArchive(
                f"archive refusée : l'élément « {info.filename} » est compressé par une méthode "
                f"(n° {info.compress_type}) qu'aucun tableur n'emploie ; attendu un classeur "
                "enregistré par un tableur"
            )
        stored = info.compress_type == zipfile.ZIP_STORED
        if (stored and info.compress_size != info.file_size) or (
            not stored and info.compress_size > info.file_size + info.file_size // 100 + 1024
        ):
            raise UnsafeArchive(
                f"archive refusée : la taille annoncée de l'élément « {info.filename} » "
                f"({_number(info.file_size)} octets) ne correspond pas à ses données compressées "
                f"({_number(info.compress_size)} octets) ; fichier altéré"
            )
        total += info.file_size
        if total > limits.max_total_mib * MIB:
            raise UnsafeArchive(
                f"archive refusée : elle se décompresse en plus de {_mib(limits.max_total_mib * MIB)} "
                f"(au moins {_mib(total)}) ; limite réglable par FSAUDIT_ARCHIVE_MAX_MIB"
            )
        if info.file_size > limits.ratio_grace_mib * MIB:
            ratio = info.file_size / max(1, info.compress_size)
            if ratio > limits.max_ratio:
                raise UnsafeArchive(
                    f"archive refusée : l'élément « {info.filename} » se décompresse "
                    f"{_number(ratio)} fois (de {_number(info.compress_size)} octets à "
                    f"{_mib(info.file_size)}), au plus {limits.max_ratio} fois admis (bombe de "
                    "décompression) ; limite réglable par FSAUDIT_ARCHIVE_MAX_RATIO"
                )


def _check_prologs(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse an XML part that declares a DOCTYPE or entities (no spreadsheet writes one)."""
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels")) or info.file_size == 0:
            continue
        with archive.open(info) as handle:
            vet_xml(iter(functools.partial(handle.read, _CHUNK), b""), info.filename)


class _RootReached(Exception):
    pass


class _StopAtRoot:
    """A parser target that stops parsing at the root element's start tag."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def end(self, tag: str) -> None:
        return None

    def data(self, data: str) -> None:
        return None

    def close(self) -> None:
        return None


def vet_xml(content: bytes | Iterable[bytes], part: str) -> None:
    """Parse the prolog of an XML part with defusedxml (DTD, entities and external references
    forbidden) up to its root element's start tag; :class:`UnsafeArchive` if it declares any.

    A DOCTYPE can only come before the root element, so a part that passes can then be
    streamed by the faster C parser. A malformed part is left to the reader, which reports it.
    """
    chunks = (
        (content[i : i + _CHUNK] for i in range(0, len(content), _CHUNK)) if isinstance(content, bytes) else content
    )
    parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
    seen = 0
    try:
        for chunk in chunks:
            if seen >= PROLOG_LIMIT:
                raise UnsafeArchive(
                    f"archive refusée : la partie XML « {part} » n'a pas commencé son contenu "
                    f"après {PROLOG_LIMIT // 1024} Kio (un tableur écrit quelques dizaines d'octets "
                    "avant) ; attendu un classeur enregistré par un tableur"
                )
            seen += len(chunk)
            parser.feed(chunk)
        parser.close()
    except _RootReached:
        return
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise UnsafeArchive(
            f"archive refusée : la partie XML « {part} » déclare un DOCTYPE ou des entités, ce qu'aucun "
            "tableur n'écrit (expansion d'entités, « billion laughs ») ; attendu un classeur enregistré par "
            "un tableur"
        ) from None
    except ParseError:
        return


_KINDS = (
    ("PasswordError", "classeur protégé par un mot de passe : enregistrez-le sans mot de passe"),
    ("ZipError", "archive ZIP endommagée ou tronquée"),
    ("BadZipFile", "archive ZIP endommagée ou tronquée"),
    ("error", "archive ZIP endommagée ou tronquée"),  # zlib.error
    ("XmlError", "une partie XML du classeur est endommagée"),
    ("ParseError", "une partie XML du classeur est endommagée"),
    ("DTDForbidden", "une partie XML du classeur déclare un DOCTYPE, ce qu'aucun tableur n'écrit"),
    ("EntitiesForbidden", "une partie XML du classeur déclare des entités, ce qu'aucun tableur n'écrit"),
    ("WorksheetNotFound", "une feuille annoncée par le classeur est absente de l'archive"),
    ("CalamineError", "structure interne du classeur incohérente"),
)


_NOT_A_WORKBOOK = "ni une archive .xlsx ou .xlsm ni un document .ods : peut-être un fichier texte ou CSV renommé"

_WORKBOOK_MAGIC = (b"PK", b"\xd0\xcf\x11\xe0")
"""How a workbook starts: a ZIP archive (.xlsx, .xlsm, .ods), or an OLE container (.xls, or an
.xlsx protected by a password)."""


def _first_bytes(path: Any) -> bytes | None:
    """The first bytes of ``path`` (an input already read, or a file), or None if unreadable."""
    opened = source(path)
    try:
        if isinstance(opened, str):
            with open_regular(opened) as handle:
                return handle.read(8)
        return bytes(opened.read(8))
    except (NotReadable, OSError):
        return None


def describe_error(exc: BaseException, path: Any = None) -> str:
    """Why a library could not read a workbook, in French, then its technical detail (the
    library's own words, for a developer): ``archive ZIP endommagée ou tronquée ; détail
    technique : ZipError : …``. A password-protected file gives the whole message.

    With ``path`` (the workbook's path, or the input being read), a file that does not even
    start like a workbook is said to be none (« peut-être un fichier texte ou CSV renommé »),
    whichever error the library gave for it."""
    kind = type(exc).__name__
    text = next((french for name, french in _KINDS if name == kind), None)
    if kind == "XmlError" and "I/O error" in str(exc):  # calamine could not inflate the part
        text = "archive ZIP endommagée ou tronquée"
    if kind == "CalamineError" and "Cannot detect file format" in str(exc):
        text = _NOT_A_WORKBOOK
    if path is not None:
        head = _first_bytes(path)
        if head is not None and not head.startswith(_WORKBOOK_MAGIC):
            text = _NOT_A_WORKBOOK
    if text is None and "Password" in kind:
        text = _KINDS[0][1]
    if text is None:
        text = "contenu non reconnu"
    if text.startswith("classeur protégé"):
        return text
    detail = " ".join(str(exc).split())[:160]
    return f"{text} ; détail technique : {kind}{' : ' + detail if detail else ''}"
