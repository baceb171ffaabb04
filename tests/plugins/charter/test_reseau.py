"""FS-NET-01 to FS-NET-03: network rules over every input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fsaudit.inputs.reader import LoadedStructure, ReadResult
from fsaudit.model import declaration as model
from fsaudit.model.result import InputInfo
from fsaudit.run.engine import audit_inputs
from fsaudit.testing import audit_structures, make_structure, result_of

GERS_CANTONS = (
    model.Canton("3201", "Auch-1"),
    model.Canton("3202", "Auch-2"),
    model.Canton("3203", "Auch-3"),
)


def _departement(cantons=GERS_CANTONS) -> model.Departement:
    return model.Departement("32", "Gers", cantons)


def _two_inputs(first: list[model.Structure], second: list[model.Structure]):
    inputs = []
    for name, items in (("a.json", first), ("b.json", second)):
        loaded = tuple(LoadedStructure(s, name, ("structures", i)) for i, s in enumerate(items))
        inputs.append((InputInfo(name, None, "json", len(loaded), 0), ReadResult("json", loaded)))
    return audit_inputs(inputs, as_of=dt.date(2025, 6, 30))


# --- FS-NET-01 ---


def test_net01_unique_ids_pass():
    """Distinct ids pass."""
    report = audit_structures([make_structure(id="32-001"), make_structure(id="32-002")])
    assert [result_of(report, "FS-NET-01", sid).status.value for sid in ("32-001", "32-002")] == [
        "pass",
        "pass",
    ]


def test_net01_duplicate_across_inputs_names_both_locations():
    """The same id in two inputs fails on each, naming both places."""
    report = _two_inputs(
        [make_structure(id="32-001")], [make_structure(id="32-002"), make_structure(id="32-001", name="Autre")]
    )
    rows = [
        (s.path, s.result("FS-NET-01").status.value, s.result("FS-NET-01").message)
        for s in report.structures
        if s.id == "32-001"
    ]
    message = "identifiant « 32-001 » utilisé par 2 structures : a.json ($.structures[0]) et b.json ($.structures[1])"
    assert rows == [("a.json", "fail", message), ("b.json", "fail", message)]


def test_net01_identical_declaration_read_twice_warns():
    """The same structure declared twice alike (the list audited with an extract of it) warns,
    naming both places: a defect of the files, not a breach of the structure."""
    report = _two_inputs([make_structure(id="32-001")], [make_structure(id="32-002"), make_structure(id="32-001")])
    rows = [
        (s.result("FS-NET-01").status.value, s.result("FS-NET-01").message)
        for s in report.structures
        if s.id == "32-001"
    ]
    message = (
        "identifiant « 32-001 » : la même structure, déclarée à l'identique 2 fois (a.json ($.structures[0]) et "
        "b.json ($.structures[1])) ; à ne garder qu'une fois dans les fichiers audités"
    )
    assert rows == [("warn", message), ("warn", message)]


# --- FS-NET-02 ---


def test_net02_all_cantons_covered():
    """Three cantons, three structures: 3 of 3 covered."""
    structures = [make_structure(id=f"32-00{i}", canton=f"320{i}") for i in (1, 2, 3)]
    result = result_of(audit_structures(structures, departements=[_departement()]), "FS-NET-02", "32-001")
    assert (result.status.value, result.message) == (
        "pass",
        "3 cantons couverts sur 3 dans le département Gers (32)",
    )


def test_net02_uncovered_canton_named():
    """An uncovered canton is named with its code."""
    structures = [make_structure(id="32-001", canton="3201"), make_structure(id="32-002", canton="3202")]
    result = result_of(audit_structures(structures, departements=[_departement()]), "FS-NET-02", "32-002")
    assert (result.status.value, result.message) == (
        "fail",
        "2 cantons couverts sur 3 dans le département Gers (32) ; sans France services : Auch-3 (3203)",
    )


def test_net02_canton_declared_by_its_name_counts():
    """A canton declared by its name (« auch 3 ») rather than its code covers that canton."""
    structures = [make_structure(id=f"32-00{i}", canton=f"320{i}") for i in (1, 2)] + [
        make_structure(id="32-003", canton="auch 3")
    ]
    result = result_of(audit_structures(structures, departements=[_departement()]), "FS-NET-02", "32-003")
    assert (result.status.value, result.message) == (
        "pass",
        "3 cantons couverts sur 3 dans le département Gers (32)",
    )


def test_net02_antenne_covers_its_canton():
    """An antenne counts for the coverage of its canton."""
    structures = [
        make_structure(id="32-001", canton="3201"),
        make_structure(id="32-002", canton="3202"),
        make_structure(id="32-003", canton="3203", type=model.StructureType.ANTENNE, parent_id="32-001"),
    ]
    report = audit_structures(structures, departements=[_departement()])
    assert result_of(report, "FS-NET-02", "32-001").status.value == "pass"


def test_net02_unknown_canton_warns():
    """A structure whose canton is not in the département's list warns."""
    structures = [make_structure(id=f"32-00{i}", canton=f"320{i}") for i in (1, 2, 3)] + [
        make_structure(id="32-009", canton="3299")
    ]
    result = result_of(audit_structures(structures, departements=[_departement()]), "FS-NET-02", "32-009")
    assert (result.status.value, result.location) == ("warn", "$.structures[3].canton")


def test_net02_no_block_not_applicable():
    """Without a département block, coverage is not evaluated."""
    assert result_of(audit_structures([make_structure()]), "FS-NET-02").status.value == "not_applicable"


# --- FS-NET-03 ---


def test_net03_antenne_with_parent_passes():
    """An antenne attached by parent_id to a principal structure present passes."""
    report = audit_structures(
        [make_structure(id="P"), make_structure(id="A", type=model.StructureType.ANTENNE, parent_id="P")]
    )
    assert result_of(report, "FS-NET-03", "A").status.value == "pass"


def test_net03_antenne_by_group_passes():
    """An antenne sharing its group with a principal structure passes."""
    report = audit_structures(
        [make_structure(id="P", group="G1"), make_structure(id="A", format=model.Format.ANTENNE, group="G1")]
    )
    assert result_of(report, "FS-NET-03", "A").status.value == "pass"


def test_net03_missing_parent_fails():
    """An antenne whose principal structure is not in the inputs fails, naming it, when the
    audit holds principal structures of its département (the département's network)."""
    report = audit_structures(
        [make_structure(id="A", type=model.StructureType.ANTENNE, parent_id="P"), make_structure(id="Q")]
    )
    result = result_of(report, "FS-NET-03", "A")
    assert (result.status.value, result.location, result.message) == (
        "fail",
        "$.structures[0].parent_id",
        "antenne rattachée à « P », structure absente des déclarations auditées",
    )


def test_net03_antenne_audited_without_its_departement_is_manual():
    """An antenne audited with no principal structure of its département (its declaration alone,
    or with other départements') has its principal not read, not absent: manual, by id or group."""
    others = make_structure(id="Q", departement="46")
    report = audit_structures(
        [
            make_structure(id="A", type=model.StructureType.ANTENNE, parent_id="P"),
            make_structure(id="B", type=model.StructureType.ANTENNE, group="G"),
            others,
        ]
    )
    absent = (
        "aucune structure principale de son département n'est auditée avec elle (déclaration auditée seule ?) : "
        "auditer l'antenne avec les déclarations de son département : rattachement à vérifier"
    )
    assert [(r.status.value, r.message) for r in (result_of(report, "FS-NET-03", i) for i in ("A", "B"))] == [
        ("manual", f"antenne rattachée à « P », absente des structures lues ; {absent}"),
        ("manual", f"aucune structure principale lue dans le groupe « G » ; {absent}"),
    ]


def test_net03_parent_is_antenne_fails():
    """An antenne attached to another antenne fails."""
    report = audit_structures(
        [
            make_structure(id="A1", type=model.StructureType.ANTENNE, parent_id="A2"),
            make_structure(id="A2", type=model.StructureType.ANTENNE, parent_id="A1"),
        ]
    )
    assert result_of(report, "FS-NET-03", "A1").status.value == "fail"


def test_net03_undeclared_attachment_is_manual():
    """An antenne with neither parent nor group declared is to complete, not a failure."""
    report = audit_structures([make_structure(id="A", type=model.StructureType.ANTENNE)])
    result = result_of(report, "FS-NET-03", "A")
    assert (result.status.value, result.message) == (
        "manual",
        "antenne sans rattachement déclaré : structure principale (parent_id) ou groupe à déclarer",
    )


def test_net03_principal_not_applicable():
    """Principal structures are not attached to anything."""
    assert result_of(audit_structures([make_structure()]), "FS-NET-03").status.value == "not_applicable"


# --- inputs not read ---


def _with_an_unread_file(structures: list[model.Structure], problem_location: str = "ligne 3, colonne 1"):
    """``a.json`` read with ``structures`` and the Gers cantons; ``casse.json`` not read (an error)."""
    from fsaudit.model.facts import InputProblem

    loaded = tuple(LoadedStructure(s, "a.json", ("structures", i)) for i, s in enumerate(structures))
    broken = ReadResult("json", problems=(InputProblem("casse.json", problem_location, "JSON invalide"),))
    inputs = [
        (InputInfo("a.json", None, "json", len(loaded), 0), ReadResult("json", loaded, (_departement(),))),
        (InputInfo("casse.json", None, "json", 0, 1), broken),
    ]
    return audit_inputs(inputs, as_of=dt.date(2025, 6, 30))


def test_network_rules_never_conclude_from_a_structure_in_a_file_not_read():
    """A file that could not be read may hold the antenne's principal structure or a structure
    of the uncovered canton: FS-NET-03 and FS-NET-02 are « à vérifier », naming the file (they
    failed, and the antenne got a plan d'actions on data not read); duplicates among the
    structures read still fail."""
    structures = [
        make_structure(id="32-001", canton="3201"),
        make_structure(id="32-001", canton="3202"),
        make_structure(id="A", canton="3202", type=model.StructureType.ANTENNE, parent_id="P"),
    ]
    report = _with_an_unread_file(structures)
    antenne = result_of(report, "FS-NET-03", "A")
    assert (antenne.status.value, antenne.message) == (
        "manual",
        "antenne rattachée à « P », absente des structures lues ; déclarations non lues (erreurs de saisie), qui "
        "peuvent en contenir : casse.json : rattachement à vérifier",
    )
    coverage = result_of(report, "FS-NET-02", "A")
    assert coverage.status.value == "manual"
    assert coverage.message.endswith(
        "sans France services connue : Auch-3 (3203) ; à vérifier : déclarations non lues "
        "(erreurs de saisie), qui peuvent en contenir : casse.json"
    )
    assert {s.result("FS-NET-01").status.value for s in report.structures if s.id == "32-001"} == {"fail"}


def test_an_error_inside_a_structure_read_does_not_make_the_network_uncertain():
    """An error that belongs to a structure read (one of its facts) hides no other structure."""
    from fsaudit.model.facts import InputProblem, UnreadFact

    antenne = make_structure(id="A", canton="3202", type=model.StructureType.ANTENNE, parent_id="P")
    fact = UnreadFact("opening_hours", "$.structures[0].opening_hours", "illisible")
    loaded = (
        LoadedStructure(antenne, "a.json", ("structures", 0), unread=(fact,)),
        LoadedStructure(make_structure(id="Q"), "a.json", ("structures", 1)),
    )
    problem = InputProblem("a.json", "$.structures[0].opening_hours", "illisible")
    inputs = [(InputInfo("a.json", None, "json", 2, 1), ReadResult("json", loaded, problems=(problem,)))]
    report = audit_inputs(inputs, as_of=dt.date(2025, 6, 30))
    assert result_of(report, "FS-NET-03", "A").status.value == "fail"


def test_what_the_folder_search_left_out_makes_the_network_uncertain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A link to a folder is not searched (a warning says so) and a broken link is not read: either
    may have held the antenne's principal structure, so FS-NET-03 is « à vérifier », naming them."""
    import json

    from networks import write_declaration
    from report_json import read_v1

    from fsaudit.cli.main import main

    monkeypatch.chdir(tmp_path)
    antenne = make_structure(id="A", canton="3202", type=model.StructureType.ANTENNE, parent_id="P")
    write_declaration(Path("decl/a.json"), [antenne])
    Path("decl/b.json").symlink_to(tmp_path / "absent.json")
    write_declaration(Path("ailleurs/p.json"), [make_structure(id="P")])
    Path("decl/lien").symlink_to(tmp_path / "ailleurs", target_is_directory=True)
    main(["audit", "decl", "--as-of", "2025-06-30", "-f", "json", "-o", "r.json"])
    capsys.readouterr()
    report = read_v1("r.json")
    result = next(r for r in report["structures"][0]["results"] if r["rule"] == "FS-NET-03")
    assert result["status"] == "manual", json.dumps(report["errors"], ensure_ascii=False)
    assert "decl/b.json" in result["message"] and "decl/lien" in result["message"]


def test_net03_group_is_uncertain_only_for_structures_that_could_be_its_principal():
    """A principal whose format was not read, outside the antenne's group, cannot be the group's
    principal: the antenne fails; one in the group, or whose group was not read, leaves it to check."""
    from fsaudit.model.facts import UnreadFact
    from fsaudit.testing import audit_structures

    antenne = make_structure(id="A", type=model.StructureType.ANTENNE, group="G")
    other = make_structure(id="B", group=None, format=None)
    ingroup = make_structure(id="C", group="G", format=None, type=model.StructureType.ANTENNE)
    unread_format = [UnreadFact("format", "ligne 3", "format illisible")]
    elsewhere = audit_structures([antenne, other], unread={1: unread_format})
    assert result_of(elsewhere, "FS-NET-03", "A").status.value == "fail"
    near = audit_structures([antenne, other, ingroup], unread={2: unread_format})
    result = result_of(near, "FS-NET-03", "A")
    assert (result.status.value, result.message) == (
        "manual",
        "aucune structure principale lue dans le groupe « G » ; groupe, type ou format illisible pour C : "
        "rattachement à vérifier",
    )


def test_net03_group_candidates_for_several_antennes():
    """An antenne of a group without a principal read is told of every structure that could be
    that principal: of its group with a kind not read, or of a group not read and not known to be
    an antenne; not of an antenne whose group alone was not read, nor of another group's."""
    from fsaudit.model.facts import UnreadFact
    from fsaudit.testing import audit_structures

    antenne = model.StructureType.ANTENNE
    structures = [
        make_structure(id="A1", type=antenne, group="G"),
        make_structure(id="A2", type=antenne, group="G", format=None),
        make_structure(id="P", group=None),
        make_structure(id="Q", type=antenne, group=None, parent_id=None),
        make_structure(id="R", group="H"),
    ]
    unread = {
        1: [UnreadFact("format", "ligne 3", "format illisible")],
        2: [UnreadFact("group", "ligne 4", "groupe illisible")],
        3: [UnreadFact("group", "ligne 5", "groupe illisible")],
    }
    report = audit_structures(structures, unread=unread)
    result = result_of(report, "FS-NET-03", "A1")
    assert (result.status.value, result.message) == (
        "manual",
        "aucune structure principale lue dans le groupe « G » ; groupe, type ou format illisible pour A2 et P : "
        "rattachement à vérifier",
    )
