"""FS-MIS-01 (laïcité, answered by the auditor), and failures that rest on an undeclared or unread
scope (type, format, another structure's facts) becoming manual."""

from __future__ import annotations

import datetime as dt

import attrs

from fsaudit.inputs.reader import LoadedStructure, ManualAnswer, ReadResult
from fsaudit.model import declaration as model
from fsaudit.model.facts import UnreadFact
from fsaudit.model.result import InputInfo
from fsaudit.model.rule import Status
from fsaudit.plugin.manager import select_referential
from fsaudit.run.engine import audit_inputs
from fsaudit.testing import audit_structures, make_departement, make_structure, result_of, weekly

AS_OF = dt.date(2025, 6, 30)
SHORT = weekly(monday=["09:00-12:00"])


def _answered(status: str):
    structure = LoadedStructure(make_structure(), "decl.xlsx", ("structures", 0))
    answer = ManualAnswer(
        "TEST-001",
        "FS-MIS-01",
        status,
        "affichage et tenue conformes",
        "M. Auditeur",
        dt.date(2025, 6, 20),
        "Vérifications!C2",
    )
    read = ReadResult("xlsx", (structure,), answers=(answer,))
    return audit_inputs([(InputInfo("decl.xlsx", None, "xlsx", 1, 0), read)], as_of=AS_OF)


def test_mis01_answered_by_the_auditor_takes_the_answer():
    """The auditor's answer in the Vérifications sheet settles FS-MIS-01, marked as manual, at its cell."""
    result = _answered("pass").result("FS-MIS-01")
    assert (result.status, result.manual, result.location, result.message) == (
        Status.PASS,
        True,
        "Vérifications!C2",
        "vérifié par M. Auditeur le 20/06/2025 : conforme — affichage et tenue conformes",
    )


def test_mis01_failure_at_info_does_not_change_the_decision():
    """A laïcité finding at the default severity info is reported but does not change the decision."""
    report = _answered("fail")
    assert (report.result("FS-MIS-01").status, report.structures[0].decision.code.value) == (Status.FAIL, "maintien")


def test_mis01_pending_check_blocks_the_decision_when_raised_to_mineur():
    """A préfecture that raises FS-MIS-01 to mineur makes the pending check an incomplete instruction."""
    base = select_referential(AS_OF)
    ref = attrs.evolve(base, severities={**base.severities, "FS-MIS-01": "mineur"})
    report = audit_structures([make_structure()], departements=[make_departement()], referential=ref)
    assert (report.structures[0].decision.code.value, report.structures[0].decision.reasons) == (
        "instruction_incomplete",
        ("1 vérification(s) à faire par l'auditeur : FS-MIS-01",),
    )


def test_undeclared_type_turns_a_staff_failure_into_manual():
    """One conseiller and no declared type: to check (an antenne is not concerned), not a failure."""
    s = make_structure(type=None, conseillers=make_structure().conseillers[:1])
    result = result_of(audit_structures([s]), "FS-AGT-01")
    assert (result.status, result.message, result.evidence["non_declare"]) == (
        Status.MANUAL,
        "1 conseiller France services, sous le minimum de 2 ; à vérifier : type de structure non déclaré (une "
        "antenne n'est pas concernée)",
        ["type de structure non déclaré (une antenne n'est pas concernée)"],
    )


def test_undeclared_format_does_not_matter_where_the_format_does_not():
    """A principal structure without format still fails FS-AGT-01: the format does not change its scope."""
    s = make_structure(format=None, conseillers=make_structure().conseillers[:1])
    assert result_of(audit_structures([s]), "FS-AGT-01").status is Status.FAIL


def test_undeclared_format_matters_for_hours_only_while_buses_are_judged_otherwise():
    """With buses failing like fixed sites (hours.roaming_status = fail), a missing format no longer matters."""
    base = select_referential(AS_OF)
    entry = base.values["hours.roaming_status"]
    ref = attrs.evolve(base, values={**base.values, "hours.roaming_status": attrs.evolve(entry, value="fail")})
    s = make_structure(format=None, opening_hours=SHORT)
    statuses = [result_of(audit_structures([s], referential=r), "FS-HOR-01").status for r in (base, ref)]
    assert statuses == [Status.MANUAL, Status.FAIL]


def test_net02_another_structure_with_unread_canton_leaves_coverage_to_check():
    """An uncovered canton is not a finding while a structure of the département has its canton unread."""
    cantons = (model.Canton("3201", "Auch-1"), model.Canton("3202", "Auch-2"))
    report = audit_structures(
        [make_structure(), make_structure(id="TEST-002", canton="3299")],
        departements=[make_departement(cantons=cantons)],
        unread={1: [UnreadFact("canton", "Structures!D3", "« Auch 2 » n'est pas un code de canton")]},
    )
    result = result_of(report, "FS-NET-02", "TEST-001")
    assert (result.status, result.message) == (
        Status.MANUAL,
        "1 canton couvert sur 2 dans le département Gers (32) ; sans France services connue : Auch-2 (3202) ; à "
        "vérifier : canton ou département non déclaré ou illisible pour TEST-002",
    )


def test_net03_parent_with_unread_type_is_to_check():
    """An antenne attached to a structure whose type could not be read is to check, not « itself an antenne »."""
    parent = make_structure(id="P-1", type=None, format=model.Format.ANTENNE)
    antenne = make_structure(id="A-1", parent_id="P-1", type=model.StructureType.ANTENNE, format=model.Format.ANTENNE)
    report = audit_structures(
        [parent, antenne], unread={0: [UnreadFact("type", "Structures!L2", "« principal » n'est pas un type")]}
    )
    result = result_of(report, "FS-NET-03", "A-1")
    assert (result.status, result.message) == (
        Status.MANUAL,
        "antenne rattachée à « P-1 », dont le type n'a pas pu être lu (<mémoire>) : rattachement à vérifier",
    )


def test_net03_missing_parent_while_an_id_is_unread_is_to_check():
    """A parent absent from the structures read is not a finding while some structure's id was unread."""
    other = make_structure(id="sans-identifiant-1")
    antenne = make_structure(id="A-1", parent_id="P-1", type=model.StructureType.ANTENNE, format=model.Format.ANTENNE)
    report = audit_structures(
        [other, antenne], unread={0: [UnreadFact("id", "Structures!A2", "identifiant illisible")]}
    )
    result = result_of(report, "FS-NET-03", "A-1")
    assert (result.status, result.message) == (
        Status.MANUAL,
        "antenne rattachée à « P-1 », absente des structures lues ; identifiant illisible pour "
        "sans-identifiant-1 : rattachement à vérifier",
    )
