"""FS-PAR-01 to FS-PAR-03 and FS-SVC-01, FS-SVC-02: partners and local services."""

from __future__ import annotations

import datetime as dt

import pytest

from fsaudit.model import declaration as model
from fsaudit.testing import PARTNERS_2025, audit_structures, make_structure, result_of

D = dt.date
AS_OF = dt.date(2025, 6, 30)
PARTNERS_2020 = ("DGFiP", "ANTS", "Justice", "CAF", "CPAM", "CARSAT", "MSA", "Pôle emploi", "La Poste")


def _offers(*names: str, referent: str | None = "Mme Référente") -> tuple[model.PartnerOffer, ...]:
    return tuple(model.PartnerOffer(n, (model.PartnerMode.PERMANENCE,), referent) for n in names)


def _result(structure: model.Structure, rule: str, as_of: dt.date = AS_OF):
    return result_of(audit_structures([structure], as_of=as_of), rule)


# --- FS-PAR-01 ---


def test_par01_all_partners_2025_pass():
    """The thirteen partners of 2025 offered pass."""
    assert _result(make_structure(), "FS-PAR-01").status.value == "pass"


def test_par01_aliases_resolve_in_2023():
    """The 2020 partners under their usual aliases (CAF, CARSAT, Pôle emploi…) pass in 2023."""
    s = make_structure(partners=_offers(*PARTNERS_2020))
    assert _result(s, "FS-PAR-01", D(2023, 12, 31)).status.value == "pass"


def test_par01_day_referential_changes_requires_anah_and_cheque():
    """On 1 January 2024 the same offer misses Anah and chèque énergie, named as in force."""
    s = make_structure(partners=_offers(*PARTNERS_2020))
    result = _result(s, "FS-PAR-01", D(2024, 1, 1))
    assert (result.status.value, result.message) == (
        "fail",
        "2 partenaires nationaux manquants sur 11 (charte-2024) : Agence nationale de l'habitat "
        "(Anah) et Chèque énergie (DGEC), exigés depuis le 01/01/2024 (source : Élargissement du socle "
        "au 1er janvier 2024)",
    )


def test_par01_agirc_arrco_and_urssaf_required_in_2025():
    """From 1 January 2025, Agirc-Arrco and Urssaf are required too, citing the Sénat, not the arrêté."""
    s = make_structure(partners=_offers(*PARTNERS_2020, "Anah", "Chèque énergie"))
    result = _result(s, "FS-PAR-01", D(2025, 1, 1))
    assert (result.status.value, result.message) == (
        "fail",
        "2 partenaires nationaux manquants sur 13 (charte-2025) : Agirc-Arrco (retraite complémentaire) "
        "et Urssaf, exigés depuis le 01/01/2025 (source : Sénat, avis sur le projet de loi de finances "
        "pour 2026)",
    )


def test_par01_missing_partner_named_by_current_name():
    """A missing Pôle emploi is named France Travail under the 2024 referential."""
    names = [n for n in PARTNERS_2020 if n != "Pôle emploi"] + ["Anah", "Chèque énergie"]
    result = _result(make_structure(partners=_offers(*names)), "FS-PAR-01", D(2024, 6, 1))
    assert result.evidence["manquants"] == ["France Travail"]


def test_par01_local_service_never_counts():
    """A CAF permanence declared as a local service does not satisfy the CAF requirement."""
    names = [n for n in PARTNERS_2020 if n != "CAF"]
    s = make_structure(partners=_offers(*names), local_services=(model.LocalService("Permanence CAF", "social"),))
    result = _result(s, "FS-PAR-01", D(2023, 6, 1))
    assert (result.status.value, result.evidence["manquants"]) == (
        "fail",
        ["Caisse d'allocations familiales (CNAF)"],
    )


@pytest.mark.parametrize(
    "extra",
    [
        ("CAF du Gers", "MSA Midi-Pyrénées Sud"),
        ("C.A.F.", "M.S.A"),
        ("CAF, MSA",),
        ("Caisse d'allocations familiales du Gers ; Mutualité sociale agricole",),
    ],
)
def test_par01_names_that_hold_a_missing_partner_leave_it_to_check(extra: tuple[str, ...]) -> None:
    """A name that holds a missing partner's name or alias (« CAF du Gers », « C.A.F. », a cell
    « CAF, MSA ») may be that partner: FS-PAR-01 is « à vérifier » and says which name may be which,
    instead of non conforme (*bloquant*) on names read but not understood."""
    full = [n for n in PARTNERS_2025 if n not in ("CAF", "MSA")]
    result = _result(make_structure(partners=_offers(*full, *extra)), "FS-PAR-01")
    assert result.status.value == "manual"
    assert set(result.evidence["noms_non_reconnus"]) == {"caf", "msa"}
    assert "« " + extra[0] + " » désigne peut-être Caisse d'allocations familiales (CNAF)" in result.message


def test_par01_too_few_such_names_still_fail() -> None:
    """One name that may be the CAF does not cover the MSA too; a name holding no partner's name
    (« Mission locale ») is not a candidate."""
    full = [n for n in PARTNERS_2025 if n not in ("CAF", "MSA")]
    result = _result(make_structure(partners=_offers(*full, "CAF du Gers", "Mission locale")), "FS-PAR-01")
    assert (result.status.value, len(result.evidence["manquants"])) == ("fail", 2)


def test_par01_undeclared_is_manual():
    """No partner list leaves the offer to the auditor."""
    assert _result(make_structure(partners=None), "FS-PAR-01").status.value == "manual"


def test_par01_antenne_not_applicable():
    """Antennes are out of scope."""
    s = make_structure(partners=(), type=model.StructureType.ANTENNE)
    assert _result(s, "FS-PAR-01").status.value == "not_applicable"


# --- FS-PAR-02 ---


def test_par02_referents_named_pass():
    """Every partner with a named referent passes."""
    assert _result(make_structure(), "FS-PAR-02").status.value == "pass"


def test_par02_referent_declared_absent_fails_for_the_operator():
    """A referent declared « aucun » fails at that field, worded as the operator's duty."""
    offers = _offers("CAF", "MSA") + _offers("CPAM", referent="Aucun")
    result = _result(make_structure(partners=offers), "FS-PAR-02")
    assert (result.status.value, result.severity.value, result.location, result.message) == (
        "fail",
        "mineur",
        "$.structures[0].partners[2].referent",
        "référent local non désigné par l'opérateur pour 1 partenaire : CPAM (constat adressé à "
        "l'opérateur, à qui il revient de le désigner ; il ne met pas en cause le gestionnaire)",
    )


def test_par02_referent_not_filled_in_is_manual():
    """A referent left blank or not declared is to ask, never a failure."""
    offers = _offers("CAF") + _offers("CPAM", referent="  ") + _offers("MSA", referent=None)
    result = _result(make_structure(partners=offers), "FS-PAR-02")
    assert (result.status.value, result.location, result.message) == (
        "manual",
        "$.structures[0].partners[1].referent",
        "référent local non renseigné pour 2 partenaires : CPAM et MSA (à demander à l'opérateur ; "
        "« aucun » déclare qu'il n'en a pas désigné)",
    )


def test_par02_no_partner_not_applicable():
    """An empty partner list has no referent to check."""
    assert _result(make_structure(partners=()), "FS-PAR-02").status.value == "not_applicable"


def test_par02_undeclared_is_manual():
    """No partner list leaves the referents to the auditor."""
    assert _result(make_structure(partners=None), "FS-PAR-02").status.value == "manual"


# --- FS-PAR-03 ---


def test_par03_unknown_name_warns_with_closest():
    """A misspelt partner warns and suggests the closest known one."""
    offers = _offers("CAF", "Assurance maladi")
    result = _result(make_structure(partners=offers), "FS-PAR-03")
    assert (result.status.value, result.location, result.message) == (
        "warn",
        "$.structures[0].partners[1].operator",
        "1 nom de partenaire non reconnu : « Assurance maladi » (le plus proche : Assurance maladie (CNAM))",
    )


def test_par03_known_names_pass():
    """Official names and aliases pass."""
    assert _result(make_structure(), "FS-PAR-03").status.value == "pass"


def test_par03_partner_of_later_charter_is_recognised():
    """Urssaf in 2023 is recognised as a partner of a later referential, not as unknown."""
    result = _result(make_structure(partners=_offers(*PARTNERS_2020, "Urssaf")), "FS-PAR-03", D(2023, 6, 1))
    assert (result.status.value, result.message) == (
        "pass",
        "les 10 noms de partenaires sont reconnus, dont hors du socle de charte-2020 : « Urssaf » "
        "(partenaire national dans charte-2025)",
    )


def test_par03_no_partner_not_applicable():
    """No partner declared: nothing to recognise."""
    assert _result(make_structure(partners=None), "FS-PAR-03").status.value == "not_applicable"


# --- FS-SVC-01 / FS-SVC-02 ---


def test_svc01_unknown_category_warns():
    """A category outside the referential's list warns."""
    s = make_structure(local_services=(model.LocalService("Club de marche", "sport"),))
    result = _result(s, "FS-SVC-01")
    assert (result.status.value, result.location) == ("warn", "$.structures[0].local_services[0].category")


def test_svc01_category_accents_are_folded():
    """« numerique » without accent is the known category « numérique »."""
    s = make_structure(local_services=(model.LocalService("Atelier", "numerique"),))
    assert _result(s, "FS-SVC-01").status.value == "pass"


def test_svc01_missing_category_is_manual():
    """A local service without category is left to the auditor."""
    s = make_structure(local_services=(model.LocalService("Atelier"),))
    assert _result(s, "FS-SVC-01").status.value == "manual"


def test_svc01_no_local_service_not_applicable():
    """Local services are optional: none declared is not applicable."""
    assert _result(make_structure(local_services=None), "FS-SVC-01").status.value == "not_applicable"


def test_svc02_partner_as_local_service_fails():
    """A « Permanence CAF » declared as a local service fails, naming the partner."""
    s = make_structure(
        local_services=(
            model.LocalService("Conseiller numérique", "numérique"),
            model.LocalService("Permanence CAF", "social"),
        )
    )
    result = _result(s, "FS-SVC-02")
    assert (result.status.value, result.location, result.message) == (
        "fail",
        "$.structures[0].local_services[1].name",
        "partenaire national déclaré comme service local : « Permanence CAF » relève de Caisse "
        "d'allocations familiales (CNAF) (à déclarer parmi les partenaires, il ne compte pas comme "
        "service local)",
    )


def test_svc02_common_word_is_not_a_partner():
    """« Poste informatique » is not La Poste, « Atelier retraite » not the CNAV."""
    s = make_structure(
        local_services=(
            model.LocalService("Poste informatique en libre accès", "numérique"),
            model.LocalService("Atelier préparer sa retraite", "social"),
        )
    )
    assert _result(s, "FS-SVC-02").status.value == "pass"


def test_svc02_partner_of_later_charter_is_local_before():
    """A local Urssaf permanence in 2023 is a local service: Urssaf was not yet a national partner."""
    s = make_structure(local_services=(model.LocalService("Permanence Urssaf", "administratif"),))
    assert _result(s, "FS-SVC-02", D(2023, 6, 1)).status.value == "pass"


def test_svc02_no_local_service_not_applicable():
    """No local service: nothing to confuse with a partner."""
    assert _result(make_structure(local_services=()), "FS-SVC-02").status.value == "not_applicable"


def test_par01_misspelt_partner_is_to_check_not_missing():
    """A name close to the one missing partner (« Assurance maladi ») makes FS-PAR-01 manual, not a failure."""
    names = [n if n != "CPAM" else "Assurance maladi" for n in PARTNERS_2025]
    result = _result(make_structure(partners=_offers(*names)), "FS-PAR-01")
    assert (result.status.value, result.message.split(" ; à vérifier : ")[1]) == (
        "manual",
        "« Assurance maladi » désigne peut-être Assurance maladie (CNAM) (voir FS-PAR-03)",
    )


def test_par01_misspelt_partner_does_not_hide_a_certain_gap():
    """With Urssaf certainly missing besides a misspelt CPAM, FS-PAR-01 still fails."""
    names = [n if n != "CPAM" else "Assurance maladi" for n in PARTNERS_2025 if n != "Urssaf"]
    assert _result(make_structure(partners=_offers(*names)), "FS-PAR-01").status.value == "fail"


def test_par01_unrelated_local_name_does_not_make_a_gap_uncertain():
    """« Mission locale » is no partner's misspelling: a missing CPAM still fails."""
    names = [n for n in PARTNERS_2025 if n != "CPAM"] + ["Mission locale"]
    assert _result(make_structure(partners=_offers(*names)), "FS-PAR-01").status.value == "fail"


def test_par03_names_the_partner_a_name_holds_and_a_cell_of_several() -> None:
    """« CAF du Gers » is said to be closest to the CAF (it was « aucun partenaire national
    proche »), and a cell listing several partners is said to, with « un par ligne »."""
    s = make_structure(partners=_offers(*PARTNERS_2025[:-2], "CAF du Gers", "Agirc-Arrco, Urssaf"))
    message = _result(s, "FS-PAR-03").message
    assert "« CAF du Gers » (le plus proche : Caisse d'allocations familiales (CNAF))" in message
    assert (
        "« Agirc-Arrco, Urssaf » (plusieurs partenaires dans un même nom : Agirc-Arrco (retraite complémentaire) "
        "et Urssaf ; un par ligne)" in message
    )


# --- FS-PAR-01 and the expected count (« au moins 12 ») ---


def _count_12(as_of: dt.date = AS_OF, count: int = 12):
    """The referential in force with ``partners.expected_count`` set as a préfecture overlay sets it."""
    import attrs

    from fsaudit.plugin.manager import select_referential

    ref = select_referential(as_of)
    entry = attrs.evolve(ref.values["partners.expected_count"], value=count)
    return attrs.evolve(ref, values={**ref.values, "partners.expected_count": entry})


def _without(name: str) -> tuple[model.PartnerOffer, ...]:
    return _offers(*(n for n in PARTNERS_2025 if n != name))


def test_par01_count_12_excuses_a_missing_2025_addition():
    """With « au moins 12 », a structure missing Urssaf (a 2025 addition, in conflict) gets a warning."""
    report = audit_structures([make_structure(partners=_without("Urssaf"))], referential=_count_12())
    result = result_of(report, "FS-PAR-01")
    assert (result.status.value, result.message) == (
        "warn",
        "1 partenaire national manquant sur 13 (charte-2025) : Urssaf, exigé depuis le 01/01/2025 (source : "
        "Sénat, avis sur le projet de loi de finances pour 2026) ; 12 partenaires proposés : le nombre attendu "
        "retenu par le référentiel (12, « partners.expected_count ») est atteint, à vérifier",
    )


def test_par01_count_12_never_excuses_a_missing_2020_partner():
    """With « au moins 12 », a structure missing the DGFiP (required since 2020 [C]) still fails."""
    report = audit_structures([make_structure(partners=_without("DGFiP"))], referential=_count_12())
    result = result_of(report, "FS-PAR-01")
    assert (result.status.value, result.message) == (
        "fail",
        "1 partenaire national manquant sur 13 (charte-2025) : Finances publiques (DGFiP), exigé depuis le "
        "01/01/2020 (source : Circulaire n° 6094-SG du 1er juillet 2019 relative à la création de France "
        "services, annexe 5 « charte nationale d'engagement » et annexe 7 « grille d'évaluation ») ; 12 "
        "partenaires proposés : le nombre attendu retenu par le référentiel (12, « partners.expected_count ») "
        "ne dispense pas d'un partenaire exigé sans conflit entre les sources",
    )


def test_par01_count_12_never_excuses_a_missing_2024_partner():
    """With « au moins 12 », a structure missing Anah (required since 2024 [C]) still fails."""
    report = audit_structures([make_structure(partners=_without("Anah"))], referential=_count_12())
    assert result_of(report, "FS-PAR-01").status.value == "fail"


def test_par01_lowered_certain_count_excuses_no_partner():
    """A count of 2024 (certain [C]) forced down to 10 excuses no missing partner."""
    s = make_structure(partners=_offers(*PARTNERS_2020, "Anah"))
    report = audit_structures([s], as_of=D(2024, 6, 30), referential=_count_12(D(2024, 6, 30), 10))
    assert result_of(report, "FS-PAR-01").status.value == "fail"


def test_par01_misspelt_certain_partner_with_count_12_is_manual():
    """A missing DGFiP that an unrecognised « DDFiP du Lot » may stand for stays to check under « au moins 12 »."""
    partners = _without("DGFiP") + _offers("DDFiP du Lot")
    report = audit_structures([make_structure(partners=partners)], referential=_count_12())
    assert result_of(report, "FS-PAR-01").status.value == "manual"


def test_par01_misspelt_partner_does_not_hide_a_certain_missing_one():
    """Urssaf misspelt but CAF missing: the failure holds whatever the unrecognised name is."""
    partners = _offers(*(n for n in PARTNERS_2025 if n not in ("Urssaf", "CAF")), "Urssaf du Lot")
    report = audit_structures([make_structure(partners=partners)])
    assert result_of(report, "FS-PAR-01").status.value == "fail"


def test_par01_partner_with_unread_modes_is_manual():
    """A partner row whose « Modalités » could not be read (« non ») is not known to be offered: manual."""
    from fsaudit import UnreadFact

    unread = UnreadFact("partners[3].modes", "Partenaires!C5", "modalité « non » inconnue")
    report = audit_structures([make_structure()], unread={0: [unread]})
    result = result_of(report, "FS-PAR-01")
    assert (result.status.value, result.message, result.location) == (
        "manual",
        "non évaluable : donnée illisible ou absente (Partenaires!C5 : modalité « non » inconnue)",
        "Partenaires!C5",
    )


# --- FS-PAR-02: what a typed referent means ---


def _referents(*referents: str | None) -> tuple[model.PartnerOffer, ...]:
    names = ("DGFiP", "CAF", "CPAM", "MSA", "La Poste")
    return tuple(
        model.PartnerOffer(name, (model.PartnerMode.PERMANENCE,), referent)
        for name, referent in zip(names, referents, strict=False)
    )


def test_par02_referent_typed_non_is_none_designated():
    """« non » declares that no referent was designated, as « aucun »: the finding for the operator."""
    result = _result(make_structure(partners=_referents("Mme A", "non")), "FS-PAR-02")
    assert (result.status.value, result.message) == (
        "fail",
        "référent local non désigné par l'opérateur pour 1 partenaire : CAF (constat adressé à l'opérateur, à "
        "qui il revient de le désigner ; il ne met pas en cause le gestionnaire)",
    )


def test_par02_placeholder_referents_are_unknown():
    """« en cours de désignation », « ? », « - », « à désigner » name nobody: to check, never a named referent."""
    partners = _referents("Mme A", "en cours de désignation", "?", "-", "à désigner")
    result = _result(make_structure(partners=partners), "FS-PAR-02")
    assert (result.status.value, result.message) == (
        "manual",
        "référent local non renseigné ou non nommé pour 4 partenaires : CAF (« en cours de désignation »), "
        "CPAM (« ? »), MSA (« - ») et La Poste (« à désigner ») (à demander à l'opérateur ; « aucun » déclare "
        "qu'il n'en a pas désigné)",
    )


def test_par02_failure_also_names_the_unknown_referents():
    """One referent « aucun » and one not declared: the failure names the unknown one too."""
    result = _result(make_structure(partners=_referents("aucun", None, "Mme C")), "FS-PAR-02")
    assert (result.status.value, result.message) == (
        "fail",
        "référent local non désigné par l'opérateur pour 1 partenaire : DGFiP (constat adressé à l'opérateur, "
        "à qui il revient de le désigner ; il ne met pas en cause le gestionnaire) ; référent local non "
        "renseigné pour 1 partenaire : CAF (à demander à l'opérateur ; « aucun » déclare qu'il n'en a pas "
        "désigné)",
    )


def test_par02_single_partner_pass_message_is_singular():
    """One partner with a referent: « le partenaire proposé », not « chacun des 1 partenaire proposés »."""
    result = _result(make_structure(partners=_referents("Mme A")), "FS-PAR-02")
    assert (result.status.value, result.message) == ("pass", "un référent local nommé pour le partenaire proposé")
