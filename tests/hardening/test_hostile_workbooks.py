"""Hostile workbooks: zip bombs, member floods, entity expansion, macros, external links.

Each attack is refused (or read as plain data) before any library inflates it: with a bounded
memory and a French message. Memory is measured on a whole ``fsaudit audit`` run in a fresh
process; the bound is a safety limit, not a benchmark (no test asserts a duration: a run that
hangs is stopped by the subprocess time-out and fails).
"""

from __future__ import annotations

import os
import shutil
import socket
import zipfile
from pathlib import Path

import pytest

from fsaudit.inputs.files import read_input
from fsaudit.inputs.safety import Limits, UnsafeArchive, check_archive, limits_from_env
from fsaudit.plugin.manager import load_plugins
from fsaudit_workbook.reader import read_workbook
from fsaudit_workbook.scan import xlsx_bad_cells

from .hostile import (
    Formula,
    Member,
    Sheet,
    bomb,
    content_of,
    measure_cli,
    member,
    members_of,
    replace_member,
    stored,
    write_zip,
    xlsx_members,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE_XLSX = REPO / "samples" / "workbook" / "declaration-exemple.xlsx"
SAMPLE_ODS = REPO / "samples" / "workbook" / "declaration-exemple.ods"
GOOD = REPO / "samples" / "exemple-candidature.json"
AS_OF = "2025-06-30"
MAX_SECONDS = 20  # a run that reads no archive member and opens no connection is stopped after this
MAX_PEAK = 500 * 2**20
GIB = 2**30
LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10))
    + "]>"
)
LAUGHS_MESSAGE = (
    "archive refusée : la partie XML « {part} » déclare un DOCTYPE ou des entités, ce qu'aucun tableur "
    "n'écrit "
    "(expansion d'entités, « billion laughs ») ; attendu un classeur enregistré par un tableur"
)


def problems(path: Path) -> list[tuple[str, str]]:
    """``(location, message)`` of what the workbook reader says about ``path``."""
    return [(p.location, p.message) for p in read_workbook(path).problems]


def sheet_bomb(members: list[Member], name: str, gib: float) -> list[Member]:
    """``members`` with sheet ``name`` made to inflate to ``gib`` GiB of spaces inside its sheetData."""
    raw = content_of(members, name)
    at = raw.index(b"<sheetData>") + len(b"<sheetData>") if b"<sheetData>" in raw else raw.index(b"<sheetData/>")
    return replace_member(members, bomb(name, raw[:at], b" " * 2**20, int(gib * 1024), raw[at:]))


def audited_with_good(tmp_path: Path, hostile: Path) -> tuple[int, dict, object]:
    """Audit ``hostile`` together with a good declaration in a fresh process, JSON report."""
    shutil.copyfile(GOOD, tmp_path / "bonne.json")
    run = measure_cli(
        ["audit", hostile.name, "bonne.json", "--as-of", AS_OF, "-f", "json", "-o", "rapport.json"],
        tmp_path,
        timeout=120,
    )
    import json

    report = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))
    return run.code, report, run


def assert_refused_in_bounds(tmp_path: Path, hostile: Path, message: str) -> None:
    """Through the CLI: exit code 3, the exact French error (said from the archive's directory, before
    any member is inflated), the good declaration audited, with a bounded memory."""
    code, report, run = audited_with_good(tmp_path, hostile)
    assert code == 3
    assert report["errors"] == [{"path": hostile.name, "location": "fichier", "message": message, "level": "erreur"}]
    assert sorted(s["id"] for s in report["structures"]) == ["12-CAND-001", "12-CAND-002"]
    assert run.peak_bytes < MAX_PEAK, run


# --- zip bombs --------------------------------------------------------------------------------------


def test_xlsx_bomb_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    """A sheet that inflates to 3 GiB (3 MB on disk) is refused before python-calamine opens it."""
    path = write_zip(tmp_path / "bombe.xlsx", sheet_bomb(members_of(SAMPLE_XLSX), "xl/worksheets/sheet3.xml", 3))
    assert path.stat().st_size < 5 * 2**20
    assert_refused_in_bounds(
        tmp_path,
        path,
        "archive refusée : elle se décompresse en plus de 512 Mio (au moins 3\u202f072 Mio) ; limite "
        "réglable "
        "par FSAUDIT_ARCHIVE_MAX_MIB",
    )


def test_ods_bomb_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    """An .ods whose content.xml inflates to 2 GiB is refused before anything reads it."""
    members = members_of(SAMPLE_ODS)
    raw = content_of(members, "content.xml")
    at = raw.index(b"<office:spreadsheet>") + len(b"<office:spreadsheet>")
    big = bomb("content.xml", raw[:at], b" " * 2**20, 2048, raw[at:])
    path = write_zip(tmp_path / "bombe.ods", replace_member(members, big))
    assert_refused_in_bounds(
        tmp_path,
        path,
        "archive refusée : elle se décompresse en plus de 512 Mio (au moins 2\u202f048 Mio) ; limite "
        "réglable "
        "par FSAUDIT_ARCHIVE_MAX_MIB",
    )


def test_member_with_an_extreme_ratio_is_refused(tmp_path: Path) -> None:
    """A 64 MiB member under the total limit but compressed 1,000 times is a bomb all the same."""
    path = write_zip(tmp_path / "ratio.xlsx", sheet_bomb(members_of(SAMPLE_XLSX), "xl/worksheets/sheet3.xml", 1 / 16))
    ((location, message),) = problems(path)
    assert location == "fichier"
    assert message.startswith("archive refusée : l'élément « xl/worksheets/sheet3.xml » se décompresse ")
    assert message.endswith(
        " octets à 64 Mio), au plus 100 fois admis (bombe de décompression) ; limite réglable par "
        "FSAUDIT_ARCHIVE_MAX_RATIO"
    )


def test_bomb_lying_about_its_size_is_refused(tmp_path: Path) -> None:
    """A member declaring 2 KB for 3 MB of compressed data (3 GiB inflated) is refused as altered."""
    members = members_of(SAMPLE_XLSX)
    raw = content_of(members, "xl/worksheets/sheet3.xml")
    liar = bomb("xl/worksheets/sheet3.xml", raw[:100], b" " * 2**20, 3072, raw[100:], declared=2048)
    path = write_zip(tmp_path / "menteur.xlsx", replace_member(members, liar))
    assert problems(path) == [
        (
            "fichier",
            f"archive refusée : la taille annoncée de l'élément « xl/worksheets/sheet3.xml » (2\u202f048 "
            "octets) ne "
            f"correspond pas à ses données compressées ({len(liar.data):,} octets) ; fichier altéré".replace(
                ",", "\u202f"
            ),
        )
    ]


def test_thousands_of_members_are_refused_from_the_end_record(tmp_path: Path) -> None:
    """An archive of 20,000 members is refused from its end record, in bounded memory."""
    flood = [stored(f"xl/media/image{i}.bin", b"") for i in range(20_000)]
    path = write_zip(tmp_path / "foule.xlsx", [*members_of(SAMPLE_XLSX), *flood])
    assert_refused_in_bounds(
        tmp_path,
        path,
        "archive refusée : 20\u202f020 éléments, au plus 10\u202f000 admis (un classeur en contient quelques "
        "dizaines) ; limite réglable par FSAUDIT_ARCHIVE_MAX_MEMBERS",
    )


def test_member_count_hidden_from_the_end_record_is_caught(tmp_path: Path) -> None:
    """An end record announcing 19 members over a central directory of 20,020 is refused once the
    (bounded) directory is read."""
    flood = [stored(f"xl/media/image{i:05d}.bin", b"") for i in range(20_000)]
    path = write_zip(tmp_path / "cache.xlsx", [*members_of(SAMPLE_XLSX), *flood], announced=19)
    assert problems(path) == [
        (
            "fichier",
            "archive refusée : 20\u202f020 éléments, au plus 10\u202f000 admis (un classeur en contient "
            "quelques "
            "dizaines) ; limite réglable par FSAUDIT_ARCHIVE_MAX_MEMBERS",
        )
    ]


def test_oversized_central_directory_is_refused_unread(tmp_path: Path) -> None:
    """A central directory too large for the member limit (long names) is refused before it is parsed."""
    flood = [stored(f"xl/media/{i:05d}{'x' * 600}.bin", b"") for i in range(17_000)]
    path = write_zip(tmp_path / "annuaire.xlsx", [*members_of(SAMPLE_XLSX), *flood], announced=19)
    size = sum(46 + len(m.name) for m in members_of(SAMPLE_XLSX)) + 17_000 * (46 + 5 + 600 + 4 + len("xl/media/"))
    assert problems(path) == [
        (
            "fichier",
            f"archive refusée : son répertoire fait {size:,} octets pour 19 éléments annoncés ; de quoi "
            "décrire plus "
            "de 10,000 éléments (un classeur en contient quelques dizaines) ; limite réglable par "
            "FSAUDIT_ARCHIVE_MAX_MEMBERS".replace(",", "\u202f"),
        )
    ]


def test_unknown_compression_method_is_refused(tmp_path: Path) -> None:
    """A member compressed with a method no spreadsheet uses (bzip2, n° 12) is refused."""
    members = members_of(SAMPLE_XLSX)
    path = tmp_path / "bzip2.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for item in members:
            method = zipfile.ZIP_BZIP2 if item.name == "xl/worksheets/sheet3.xml" else zipfile.ZIP_DEFLATED
            archive.writestr(item.name, content_of(members, item.name), compress_type=method)
    assert problems(path) == [
        (
            "fichier",
            "archive refusée : l'élément « xl/worksheets/sheet3.xml » est compressé par une méthode (n° 12) "
            "qu'aucun "
            "tableur n'emploie ; attendu un classeur enregistré par un tableur",
        )
    ]


# --- entity expansion ---------------------------------------------------------------------------


def laughing(members: list[Member], name: str, text: str) -> list[Member]:
    """``members`` with part ``name`` given the billion-laughs DOCTYPE and ``text`` → ``&lol9;``."""
    raw = content_of(members, name).decode()
    raw = raw.split("?>", 1)[1] if raw.startswith("<?xml") else raw
    return replace_member(members, member(name, LAUGHS + raw.replace(text, "&lol9;", 1)))


def test_billion_laughs_in_a_sheet_is_refused_in_bounds(tmp_path: Path) -> None:
    """A sheet declaring nested entities (a billion « lol ») is refused, with bounded memory."""
    members = laughing(members_of(SAMPLE_XLSX), "xl/worksheets/sheet3.xml", "EXEMPLE-01")
    path = write_zip(tmp_path / "rires.xlsx", members)
    assert_refused_in_bounds(tmp_path, path, LAUGHS_MESSAGE.format(part="xl/worksheets/sheet3.xml"))


@pytest.mark.parametrize(
    ("sample", "part", "text"),
    [
        (SAMPLE_ODS, "content.xml", "EXEMPLE-01"),
        (SAMPLE_XLSX, "xl/_rels/workbook.xml.rels", "worksheets/sheet3.xml"),
        (SAMPLE_XLSX, "xl/workbook.xml", "Structures"),
    ],
)
def test_billion_laughs_in_any_part_is_refused(tmp_path: Path, sample: Path, part: str, text: str) -> None:
    """Entities are refused in any XML part: ODS content, relationships, the workbook itself."""
    path = write_zip(tmp_path / f"rires{sample.suffix}", laughing(members_of(sample), part, text))
    assert problems(path) == [("fichier", LAUGHS_MESSAGE.format(part=part))]


def test_doctype_hidden_from_a_byte_search_is_refused(tmp_path: Path) -> None:
    """A DOCTYPE in a UTF-16 part, or after 10 KB of comments, is seen: defusedxml parses the prolog."""
    members = members_of(SAMPLE_XLSX)
    name = "xl/worksheets/sheet3.xml"
    raw = content_of(members, name).decode()
    utf16 = replace_member(
        members, member(name, ("\ufeff" + LAUGHS.replace("UTF-8", "UTF-16") + raw).encode("utf-16-le"))
    )
    assert problems(write_zip(tmp_path / "utf16.xlsx", utf16)) == [("fichier", LAUGHS_MESSAGE.format(part=name))]
    late = '<?xml version="1.0"?>' + "<!-- " + "x" * 10_000 + " -->" + LAUGHS.split("?>", 1)[1] + raw
    commented = replace_member(members, member(name, late))
    assert problems(write_zip(tmp_path / "tard.xlsx", commented)) == [("fichier", LAUGHS_MESSAGE.format(part=name))]


def test_overlong_prolog_is_refused(tmp_path: Path) -> None:
    """A part that does not start its content within 64 KiB (comments, spaces) is refused."""
    members = members_of(SAMPLE_XLSX)
    name = "xl/worksheets/sheet3.xml"
    padded = '<?xml version="1.0"?>' + "<!-- " + "x" * 70_000 + " -->" + content_of(members, name).decode()
    path = write_zip(tmp_path / "long.xlsx", replace_member(members, member(name, padded)))
    assert problems(path) == [
        (
            "fichier",
            f"archive refusée : la partie XML « {name} » n'a pas commencé son contenu après 64 Kio (un "
            "tableur écrit "
            "quelques dizaines d'octets avant) ; attendu un classeur enregistré par un tableur",
        )
    ]


def test_formula_scan_refuses_entities_on_its_own(tmp_path: Path) -> None:
    """The formula scan parses with defusedxml even when called without the archive check."""
    sheet = Sheet("Structures", [["Identifiant", "Nom"], ["FS-1", Formula("=1+1")]])
    members = xlsx_members([sheet])
    raw = content_of(members, "xl/worksheets/sheet1.xml").decode().split("?>", 1)[1]
    path = write_zip(tmp_path / "scan.xlsx", replace_member(members, member("xl/worksheets/sheet1.xml", LAUGHS + raw)))
    with pytest.raises(UnsafeArchive, match="billion laughs"):
        xlsx_bad_cells(str(path))


# --- limits -----------------------------------------------------------------------------------------


def test_sample_workbooks_pass_the_check() -> None:
    """The bundled workbooks, as spreadsheets write them, are not refused (no false alarm)."""
    for path in (SAMPLE_XLSX, SAMPLE_ODS):
        check_archive(path)


def test_limits_are_read_from_the_environment() -> None:
    """FSAUDIT_ARCHIVE_* variables change the limits; an invalid value is an error, not ignored."""
    assert limits_from_env({}) == Limits()
    assert limits_from_env({"FSAUDIT_ARCHIVE_MAX_MIB": "2048", "FSAUDIT_ARCHIVE_MAX_RATIO": " 500 "}) == Limits(
        max_total_mib=2048, max_ratio=500
    )
    with pytest.raises(UnsafeArchive) as raised:
        limits_from_env({"FSAUDIT_ARCHIVE_MAX_MEMBERS": "beaucoup"})
    assert str(raised.value) == (
        "variable d'environnement FSAUDIT_ARCHIVE_MAX_MEMBERS « beaucoup » invalide : attendu un nombre entier positif"
    )


def test_lowered_limit_applies_to_a_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With FSAUDIT_ARCHIVE_MAX_MEMBERS=5, the 20-member sample is refused by every workbook reader."""
    monkeypatch.setenv("FSAUDIT_ARCHIVE_MAX_MEMBERS", "5")
    _info, result = read_input(str(SAMPLE_XLSX), load_plugins().readers)
    assert [(p.location, p.message) for p in result.problems] == [
        (
            "fichier",
            "archive refusée : 20 éléments, au plus 5 admis (un classeur en contient quelques dizaines) ; "
            "limite réglable par FSAUDIT_ARCHIVE_MAX_MEMBERS",
        )
    ]


# --- macros and external links ------------------------------------------------------------------

_VBA = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    + b"\x00" * 512
    + b'Attribute VB_Name = "ThisWorkbook"\r\nSub Workbook_Open()\r\n  Shell "touch macro-executee"\r\nEnd '
    b"Sub\r\n"
)


def test_xlsm_macros_are_read_as_data_only(tmp_path: Path) -> None:
    """A .xlsm with a vbaProject.bin (an auto-run macro) is read as data: same declarations as the
    .xlsx, the macro part is never parsed nor run."""
    members = members_of(SAMPLE_XLSX)
    types = (
        content_of(members, "[Content_Types].xml")
        .decode()
        .replace(
            "</Types>",
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject" /></Types>',
        )
    )
    types = types.replace(
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"',
        'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"',
    )
    rels = (
        content_of(members, "xl/_rels/workbook.xml.rels")
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
            'Target="/xl/vbaProject.bin" Id="rIdVba" /></Relationships>',
        )
    )
    members = replace_member(members, member("[Content_Types].xml", types))
    members = replace_member(members, member("xl/_rels/workbook.xml.rels", rels))
    path = write_zip(tmp_path / "macro.xlsm", [*members, member("xl/vbaProject.bin", _VBA)])
    os.chdir(tmp_path)
    with_macro = read_workbook(path)
    plain = read_workbook(SAMPLE_XLSX)
    assert with_macro.problems == ()
    assert [s.structure for s in with_macro.structures] == [s.structure for s in plain.structures]
    assert not (tmp_path / "macro-executee").exists()


def test_external_links_are_never_followed(tmp_path: Path) -> None:
    """A workbook linking to a local file and to a web address is read from its cached values
    without opening either: the file is a FIFO that would block any reader, the address a local
    socket that would see a connection."""
    fifo = tmp_path / "source.xlsx"
    os.mkfifo(fifo)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    port = server.getsockname()[1]
    headers = ["Identifiant", "Nom"]
    sheets = [
        Sheet(
            "Structures",
            [
                headers,
                ["FS-1", Formula("[1]Feuil1!A1", "Nom lié")],
                ["FS-2", Formula("[2]Feuil1!A1", "Nom distant")],
            ],
        )
    ]
    members = xlsx_members(sheets)
    links = []
    for n, target in ((1, fifo.as_uri()), (2, f"http://127.0.0.1:{port}/source.xlsx")):
        links.append(
            member(
                f"xl/externalLinks/externalLink{n}.xml",
                '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><externalBook '
                'r:id="rId1">'
                '<sheetNames><sheetName val="Feuil1"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row '
                'r="1">'
                '<cell r="A1" t="str"><v>valeur '
                "externe</v></cell></row></sheetData></sheetDataSet></externalBook>"
                "</externalLink>",
            )
        )
        links.append(
            member(
                f"xl/externalLinks/_rels/externalLink{n}.xml.rels",
                "<Relationships "
                'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                'Id="rId1" '
                'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
                f'Target="{target}" TargetMode="External"/></Relationships>',
            )
        )
    workbook = (
        content_of(members, "xl/workbook.xml")
        .decode()
        .replace(
            "</sheets>",
            '</sheets><externalReferences><externalReference r:id="rIdX1"/>'
            '<externalReference r:id="rIdX2"/></externalReferences>',
        )
    )
    rels = (
        content_of(members, "xl/_rels/workbook.xml.rels")
        .decode()
        .replace(
            "</Relationships>",
            "".join(
                f'<Relationship Id="rIdX{n}" '
                'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                f'externalLink" Target="externalLinks/externalLink{n}.xml"/>'
                for n in (1, 2)
            )
            + "</Relationships>",
        )
    )
    members = replace_member(members, member("xl/workbook.xml", workbook))
    members = replace_member(members, member("xl/_rels/workbook.xml.rels", rels))
    path = write_zip(tmp_path / "liens.xlsx", [*members, *links])
    try:
        run = measure_cli(
            ["audit", path.name, "--as-of", AS_OF, "-f", "json", "-o", "rapport.json"],
            tmp_path,
            timeout=MAX_SECONDS,
        )
        with pytest.raises(BlockingIOError):
            server.accept()
    finally:
        server.close()
    import json

    report = json.loads((tmp_path / "rapport.json").read_text(encoding="utf-8"))
    assert run.code in (0, 1)
    assert report["errors"] == []
    assert sorted((s["id"], s["name"]) for s in report["structures"]) == [
        ("FS-1", "Nom lié"),
        ("FS-2", "Nom distant"),
    ]
