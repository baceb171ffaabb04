"""A préfecture overlay (fsaudit audit --referentiel): validated, applied, shown in every report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from report_json import v1_of

from fsaudit.cli.main import main
from fsaudit.inputs.converter import unstructure
from fsaudit.inputs.overlay import OverlayError, apply_overlay, load_overlay
from fsaudit.model import declaration as model
from fsaudit.model.rule import Status
from fsaudit.plugin.manager import select_referential
from fsaudit.run.engine import audit
from fsaudit.testing import audit_structures, make_structure, result_of, weekly

AS_OF = dt.date(2025, 6, 1)
REF = select_referential(AS_OF)
GOOD = """\
title = "Délais du plan d'actions du Gers"
author = "Préfecture du Gers, bureau de l'animation territoriale"
date = 2025-03-01

[values]
"deadlines.majeur_days" = 120
partners.expected_count = 12

[severities]
FS-PAR-02 = "info"
"""


def _write(tmp_path: Path, text: str, name: str = "gers.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path, referential=REF) -> list[tuple[str, str]]:
    with pytest.raises(OverlayError) as caught:
        apply_overlay(referential, load_overlay(path))
    return [(p.location, p.message) for p in caught.value.problems]


# --- reading and validating ------------------------------------------------------------------


def test_valid_overlay_changes_values_and_severities(tmp_path: Path):
    """A [U] deadline, the [C2] partner count and a [C2] severity change; the changes are recorded."""
    ref = apply_overlay(REF, load_overlay(_write(tmp_path, GOOD)))
    assert (ref.value("deadlines.majeur_days"), ref.value("partners.expected_count"), ref.severities["FS-PAR-02"]) == (
        120,
        12,
        "info",
    )
    assert [c.describe() for c in ref.overlay.changes] == [
        "deadlines.majeur_days : 180 → 120 [U]",
        "partners.expected_count : 13 → 12 [C2]",
        "gravité de FS-PAR-02 : mineur → info [C2]",
    ]


def test_overlay_leaves_the_official_referential_alone(tmp_path: Path):
    """Applying an overlay returns another referential: the official one keeps its values."""
    apply_overlay(REF, load_overlay(_write(tmp_path, GOOD)))
    assert (select_referential(AS_OF).value("deadlines.majeur_days"), REF.overlay) == (180, None)


def test_overlaid_referential_is_read_only(tmp_path: Path):
    """The overlaid referential a rule receives is read-only too."""
    ref = apply_overlay(REF, load_overlay(_write(tmp_path, GOOD)))
    with pytest.raises(TypeError):
        ref.values["deadlines.majeur_days"] = None  # type: ignore[index]


def test_shape_problems_name_key_and_line(tmp_path: Path):
    """Missing author, unknown key (with a suggestion), a date in quotes, a [force] without reason."""
    path = _write(
        tmp_path,
        'title = "x"\nauteur = "Préfecture"\ndate = "2025-03-01"\n\n[values]\n'
        '"deadlines.majeur_days" = 120\n\n[force]\n"staff.min_present" = ""\n',
    )
    with pytest.raises(OverlayError) as caught:
        load_overlay(path)
    assert [(p.location, p.message) for p in caught.value.problems] == [
        (
            "ligne 2",
            "clé « auteur » inconnue (voulez-vous dire « author » ?) ; clés admises : title, author, date, "
            "referential, values, severities, force",
        ),
        ("fichier", "clé « author » obligatoire : qui a établi la surcouche (service de la préfecture)"),
        ("ligne 3", "clé « date » : attendu une date AAAA-MM-JJ, sans guillemets"),
        ("ligne 9", "[force] « staff.min_present » : attendu la justification, en texte (décision, arrêté…)"),
    ]


def test_toml_syntax_error_gives_the_line(tmp_path: Path):
    """A TOML syntax error is one French problem with its line and column."""
    path = _write(tmp_path, 'title = "x"\nauthor = "y"\n[values]\n"deadlines.majeur_days" = \n')
    with pytest.raises(OverlayError) as caught:
        load_overlay(path)
    assert [(p.location, p.message) for p in caught.value.problems] == [
        ("ligne 4, colonne 27", "TOML invalide : valeur invalide")
    ]


def test_overlay_that_changes_nothing_is_refused(tmp_path: Path):
    """An overlay without [values] nor [severities] is refused: it would be shown for nothing."""
    with pytest.raises(OverlayError) as caught:
        load_overlay(_write(tmp_path, 'title = "x"\nauthor = "y"\n'))
    assert [(p.location, p.message) for p in caught.value.problems] == [
        ("fichier", "la surcouche ne change rien : tables [values] et [severities] vides ou absentes")
    ]


def test_value_problems_name_key_and_line(tmp_path: Path):
    """Unknown key, wrong type, under the minimum, not an allowed value, same as official, too many partners."""
    path = _write(
        tmp_path,
        """\
title = "x"
author = "y"
[values]
deadlines.majeurs_days = 120
"deadlines.mineur_days" = "un an"
"deadlines.bloquant_days" = 0
"hours.roaming_status" = "ignorer"
"hours.plausible_latest" = "22:00"
"partners.expected_count" = 14
""",
    )
    assert _problems(path) == [
        (
            "ligne 4",
            "[values] « deadlines.majeurs_days » : valeur inconnue du référentiel charte-2025 (voulez-vous "
            "dire « deadlines.majeur_days » ?)",
        ),
        ("ligne 5", "[values] « deadlines.mineur_days » : attendu un nombre entier (valeur officielle : 365)"),
        ("ligne 6", "[values] « deadlines.bloquant_days » : attendu au moins 1"),
        (
            "ligne 7",
            "[values] « hours.roaming_status » : attendu warn, fail, not_applicable (valeur officielle : warn)",
        ),
        ("ligne 8", "[values] « hours.plausible_latest » : identique à la valeur officielle (22:00) : retirez-la"),
        ("ligne 9", "[values] « partners.expected_count » : au plus 13 (partenaires de la liste de charte-2025)"),
    ]


def test_official_value_is_not_weakened_without_force(tmp_path: Path):
    """Lowering a [C] threshold or severity is refused, saying how to do it explicitly."""
    path = _write(
        tmp_path,
        'title = "x"\nauthor = "y"\n[values]\n"staff.min_present" = 1\n'
        '[severities]\nFS-AGT-04 = "info"\nFS-XXX-01 = "info"\nFS-PAR-03 = "grave"\n',
    )
    assert _problems(path) == [
        (
            "ligne 4",
            "[values] « staff.min_present » : valeur officielle [C] (2) que 1 affaiblirait ; pour "
            "l'appliquer quand même, ajoutez « staff.min_present » à la table [force] avec sa justification "
            "(la dérogation sera signalée dans chaque rapport)",
        ),
        (
            "ligne 6",
            "[severities] « FS-AGT-04 » : gravité officielle [C] (mineur) que info affaiblirait ; pour "
            "l'appliquer quand même, ajoutez « FS-AGT-04 » à la table [force] avec sa justification (la "
            "dérogation sera signalée dans chaque rapport)",
        ),
        ("ligne 7", "[severities] « FS-XXX-01 » : règle inconnue du référentiel charte-2025"),
        (
            "ligne 8",
            "[severities] « FS-PAR-03 » : attendu bloquant, majeur, mineur, info (gravité officielle : mineur)",
        ),
    ]


def test_forced_weakening_is_applied_and_flagged(tmp_path: Path):
    """With [force] and a justification, a [C] value is weakened and the change says so."""
    path = _write(
        tmp_path,
        'title = "x"\nauthor = "y"\n[values]\n"staff.min_present" = 1\n'
        '[force]\n"staff.min_present" = "Arrêté préfectoral n° 2025-12"\n',
    )
    ref = apply_overlay(REF, load_overlay(path))
    assert [(c.key, c.weakened, c.justification) for c in ref.overlay.changes] == [
        ("staff.min_present", True, "Arrêté préfectoral n° 2025-12")
    ]
    assert (
        ref.overlay.text_lines()[-1] == "  ATTENTION : 1 exigence(s) officielle(s) [C] affaiblie(s) par la surcouche."
    )


def test_stricter_official_value_needs_no_force(tmp_path: Path):
    """Raising a [C] threshold is not weakening it: applied without [force], not flagged."""
    path = _write(
        tmp_path,
        'title = "x"\nauthor = "y"\n[values]\n"hours.min_weekly_hours" = 30\n[severities]\nFS-AGT-04 = "majeur"\n',
    )
    ref = apply_overlay(REF, load_overlay(path))
    assert [(c.key, c.weakened) for c in ref.overlay.changes] == [
        ("hours.min_weekly_hours", False),
        ("FS-AGT-04", False),
    ]


def test_useless_force_is_refused(tmp_path: Path):
    """A [force] entry that weakens nothing official is refused, so the flag always means something."""
    path = _write(
        tmp_path,
        'title = "x"\nauthor = "y"\n[values]\n"deadlines.majeur_days" = 120\n'
        '[force]\n"deadlines.majeur_days" = "inutile"\n',
    )
    assert _problems(path) == [
        (
            "ligne 6",
            "[force] « deadlines.majeur_days » : cette clé n'affaiblit aucune exigence officielle [C] de la "
            "surcouche : retirez-la",
        )
    ]


def test_overlay_for_another_referential_is_refused(tmp_path: Path):
    """An overlay written for charte-2025 does not apply under charte-2024."""
    path = _write(
        tmp_path, 'title = "x"\nauthor = "y"\nreferential = "charte-2025"\n[values]\n"deadlines.majeur_days" = 120\n'
    )
    assert _problems(path, select_referential(dt.date(2024, 6, 1))) == [
        (
            "ligne 3",
            "surcouche écrite pour le référentiel charte-2025 ; le référentiel en vigueur à la date de "
            "l'audit est charte-2024 (en vigueur depuis le 01/01/2024)",
        )
    ]


# --- effects on the rules --------------------------------------------------------------------


def test_lowered_partner_count_turns_one_missing_partner_into_a_warning(tmp_path: Path):
    """With « au moins 12 » retained, 12 of the 13 partners offered is a warning, 11 still a failure."""
    ref = apply_overlay(REF, load_overlay(_write(tmp_path, GOOD)))
    full = make_structure().partners
    twelve = make_structure(id="DOUZE", partners=full[:-1])
    eleven = make_structure(id="ONZE", partners=full[:-2])
    report = audit_structures([twelve, eleven], as_of=AS_OF, referential=ref)
    assert [result_of(report, "FS-PAR-01", sid).status for sid in ("DOUZE", "ONZE")] == [Status.WARN, Status.FAIL]


@pytest.mark.parametrize(("status", "expected"), [("fail", Status.FAIL), ("not_applicable", Status.NOT_APPLICABLE)])
def test_roaming_status_is_the_prefecture_choice(tmp_path: Path, status: str, expected: Status):
    """The [U] status of a bus under the fixed-site minimum is what the overlay sets."""
    path = _write(tmp_path, f'title = "x"\nauthor = "y"\n[values]\n"hours.roaming_status" = "{status}"\n')
    ref = apply_overlay(REF, load_overlay(path))
    bus = make_structure(format=model.Format.BUS, opening_hours=weekly(monday=["09:00-12:00"]))
    report = audit_structures([bus], as_of=AS_OF, referential=ref)
    assert [result_of(report, rule).status for rule in ("FS-HOR-01", "FS-HOR-02")] == [expected, expected]


def test_overlay_deadline_sets_the_action_and_its_basis(tmp_path: Path):
    """A majeur finding gets the overlay's 120-day deadline, shown as indicative and citing the overlay."""
    ref = apply_overlay(REF, load_overlay(_write(tmp_path, GOOD)))
    s = make_structure(premises=model.Premises(False, True, True, True, True, True, True, True))
    (action,) = audit_structures([s], as_of=AS_OF, referential=ref).structures[0].decision.actions
    assert (action.rule, action.deadline, action.indicative, action.deadline_basis) == (
        "FS-LOC-01",
        dt.date(2025, 9, 29),
        True,
        f"délai indicatif [U] : 120 jours (référentiel charte-2025), fixé par la surcouche "
        f"{tmp_path / 'gers.toml'} (Préfecture du Gers, bureau de l'animation territoriale) ; valeur nationale : "
        "180 jours",
    )


# --- command line and reports ----------------------------------------------------------------


@pytest.fixture
def declaration(tmp_path: Path) -> Path:
    """One structure without a confidential space (an action under a majeur deadline)."""
    s = make_structure(premises=model.Premises(False, True, True, True, True, True, True, True))
    path = tmp_path / "decl.json"
    path.write_text(json.dumps({"structures": [unstructure(s)]}, ensure_ascii=False), encoding="utf-8")
    return path


def test_json_report_shows_the_overlay_provenance(tmp_path: Path, declaration: Path, capsys):
    """The JSON report's referential block names the overlay, its author, hash and every change."""
    overlay = _write(tmp_path, GOOD)
    code = main(["audit", str(declaration), "--as-of", "2025-06-01", "--referentiel", str(overlay), "-f", "json"])
    data = v1_of(capsys.readouterr().out)
    block = data["referential"]["overlay"]
    assert (code, block["file"], block["author"], block["date"], len(block["sha256"])) == (
        1,
        str(overlay),
        "Préfecture du Gers, bureau de l'animation territoriale",
        "2025-03-01",
        64,
    )
    assert block["changes"] == [
        {
            "kind": "value",
            "key": "deadlines.majeur_days",
            "label": "Délai indicatif d'une action du plan d'actions pour un critère majeur (jours)",
            "official": 180,
            "value": 120,
            "confidence": "U",
            "weakened": False,
            "justification": None,
        },
        {
            "kind": "value",
            "key": "partners.expected_count",
            "label": "Nombre de partenaires nationaux attendus (FS-PAR-01)",
            "official": 13,
            "value": 12,
            "confidence": "C2",
            "weakened": False,
            "justification": None,
        },
        {
            "kind": "severity",
            "key": "FS-PAR-02",
            "label": None,
            "official": "mineur",
            "value": "info",
            "confidence": "C2",
            "weakened": False,
            "justification": None,
        },
    ]
    (action,) = data["structures"][0]["actions"]
    assert (action["deadline"], action["indicative"]) == ("2025-09-29", True)


def test_text_report_header_shows_the_overlay(tmp_path: Path, declaration: Path, capsys):
    """The text report's header names the overlay, its author and each change; the action says « délai indicatif »."""
    overlay = _write(tmp_path, GOOD)
    main(["audit", str(declaration), "--as-of", "2025-06-01", "--referentiel", str(overlay)])
    lines = capsys.readouterr().out.splitlines()
    sha = load_overlay(overlay).sha256[:12]
    assert lines[2:6] == [
        f"Surcouche de la préfecture : {overlay} — « Délais du plan d'actions du Gers », établie par Préfecture du "
        f"Gers, bureau de l'animation territoriale, du 01/03/2025 (sha256 {sha}…) ; 3 modification(s) du "
        "référentiel officiel :",
        "  · deadlines.majeur_days : 180 → 120 [U]",
        "  · partners.expected_count : 13 → 12 [C2]",
        "  · gravité de FS-PAR-02 : mineur → info [C2]",
    ]
    plan = lines.index("  Plan d'actions :")
    assert lines[plan + 1].startswith("    - FS-LOC-01 (majeur, avant le 29/09/2025 (délai indicatif)) : ")
    assert lines[plan + 2].startswith("    Échéance : délai indicatif [U] : 120 jours (référentiel charte-2025)")


def test_report_without_overlay_has_no_overlay_block(declaration: Path, capsys):
    """Without --referentiel the referential block is unchanged (no overlay key)."""
    main(["audit", str(declaration), "--as-of", "2025-06-01", "-f", "json"])
    assert sorted(json.loads(capsys.readouterr().out)["referential"]) == [
        "as_of",
        "file",
        "id",
        "sha256",
        "title",
        "valid_from",
    ]


def test_invalid_overlay_stops_the_audit_with_every_problem(tmp_path: Path, declaration: Path, capsys):
    """An invalid overlay prints each problem on its own line and exits with code 2, writing nothing."""
    overlay = _write(tmp_path, 'title = "x"\nauthor = "y"\n[values]\n"staff.min_present" = 1\n"x.y" = 2\n')
    target = tmp_path / "rapport.json"
    code = main(["audit", str(declaration), "--as-of", "2025-06-01", "--referentiel", str(overlay), "-o", str(target)])
    assert (code, target.exists()) == (2, False)
    assert capsys.readouterr().err.splitlines() == [
        f"fsaudit : surcouche : {overlay}:ligne 4 : [values] « staff.min_present » : valeur officielle [C] (2) que 1 "
        "affaiblirait ; pour l'appliquer quand même, ajoutez « staff.min_present » à la table [force] avec sa "
        "justification (la dérogation sera signalée dans chaque rapport)",
        f"fsaudit : surcouche : {overlay}:ligne 5 : [values] « x.y » : valeur inconnue du référentiel charte-2025",
        f"fsaudit : erreur : surcouche {overlay} refusée : 2 problème(s) ci-dessus, aucune valeur appliquée",
    ]


def test_overlay_with_compare_as_of_is_refused(tmp_path: Path, declaration: Path, capsys):
    """--referentiel and --compare-as-of together are a usage error."""
    overlay = _write(tmp_path, GOOD)
    code = main(["audit", str(declaration), "--referentiel", str(overlay), "--compare-as-of", "2024-01-01"])
    assert (code, capsys.readouterr().err) == (
        2,
        "fsaudit : erreur : --referentiel et --compare-as-of ne peuvent pas être employés ensemble\n",
    )


def test_report_is_never_written_over_the_overlay(tmp_path: Path, declaration: Path, capsys):
    """-o naming the overlay file is refused: nothing the user gave is modified."""
    overlay = _write(tmp_path, GOOD)
    code = main(["audit", str(declaration), "--as-of", "2025-06-01", "--referentiel", str(overlay), "-o", str(overlay)])
    assert (code, overlay.read_text(encoding="utf-8")) == (2, GOOD)


def test_overlay_gives_the_same_report_with_two_jobs(tmp_path: Path, capsys):
    """The overlaid referential travels to worker processes: --jobs 2 gives the same bytes as --jobs 1."""
    files = []
    for n in range(2):
        s = make_structure(id=f"S-{n}", premises=model.Premises(False, True, True, True, True, True, True, True))
        path = tmp_path / f"d{n}.json"
        path.write_text(json.dumps({"structures": [unstructure(s)]}, ensure_ascii=False), encoding="utf-8")
        files.append(str(path))
    overlay = str(_write(tmp_path, GOOD))
    outputs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"r{jobs}.json"
        main(
            [
                "audit",
                *files,
                "--as-of",
                "2025-06-01",
                "--referentiel",
                overlay,
                "-f",
                "json",
                "-o",
                str(target),
                "--jobs",
                jobs,
            ]
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert [a["deadline"] for s in v1_of(outputs[0])["structures"] for a in s["actions"]] == ["2025-09-29"] * 2


# --- fsaudit referentiel ---------------------------------------------------------------------


def test_referentiel_command_lists_value_since_source_and_mark(capsys):
    """Each requirement with its value, since when, its source and its mark, in French, within 100 columns."""
    assert main(["referentiel", "--as-of", "2025-06-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("  partners.expected_count — Nombre de partenaires nationaux attendus (FS-PAR-01)")
    assert lines[start + 1 : start + 3] == [
        "    valeur : 13 ; depuis le 01/01/2025 ; fiabilité [C2]",
        "    source : Sénat, avis sur le projet de loi de finances pour 2026 : socle de « onze missions » au",
    ]
    urssaf = lines.index("  Urssaf — depuis le 01/01/2025 ; fiabilité [C]")
    assert lines[urssaf + 1].startswith("    source : Sénat, avis sur le projet de loi de finances pour 2026")
    assert "  FS-PAR-02 mineur ; depuis le 01/01/2020 ; fiabilité [C2]" in lines
    assert [line for line in lines if len(line) > 100] == []


def test_referentiel_command_marks_overlaid_values(tmp_path: Path, capsys):
    """With --referentiel, changed values say « surcouche » with the official value and the overlay's date."""
    assert main(["referentiel", "--as-of", "2025-06-01", "--referentiel", str(_write(tmp_path, GOOD))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "    valeur : 120 (surcouche ; valeur officielle : 180) ; depuis la surcouche du 01/03/2025 ;" in lines
    assert "  FS-PAR-02 info (surcouche ; gravité officielle : mineur) ; depuis la surcouche du 01/03/2025 ;" in lines


def test_referentials_command_still_lists_the_states(capsys):
    """« fsaudit referentials » still lists the three states, 13 partners in 2025."""
    assert main(["referentials"]) == 0
    assert [
        line.split()[0] + " " + line.split("partenaires")[0].split()[-1]
        for line in capsys.readouterr().out.splitlines()
    ] == ["charte-2020 9", "charte-2024 11", "charte-2025 13"]


def test_sample_overlay_applies_to_the_2025_sample():
    """The sample overlay applies to charte-2025; with 12 partners retained Gramat (11 of 13) still fails."""
    sample = Path(__file__).resolve().parents[2] / "samples" / "partenaires-2025"
    ref = apply_overlay(REF, load_overlay(sample / "surcouche-lot.toml"))
    assert [c.describe() for c in ref.overlay.changes] == [
        "deadlines.bloquant_days : 90 → 120 [U]",
        "deadlines.majeur_days : 180 → 150 [U]",
        "partners.expected_count : 13 → 12 [C2]",
        "gravité de FS-PAR-02 : mineur → info [C2]",
    ]
    report = audit([sample / "declarations" / "lot-2025-06.json"], as_of=AS_OF, referential=ref)
    assert report.result("FS-PAR-01", "46-201").status is Status.FAIL
    (action,) = report.structures[0].decision.actions
    assert (action.deadline, action.indicative) == (dt.date(2025, 9, 29), True)


def test_documented_overlay_example_applies(tmp_path: Path):
    """The TOML example of docs/referentiel.md is a valid overlay, its [force] entry flagged."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "referentiel.md").read_text(encoding="utf-8")
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    ref = apply_overlay(REF, load_overlay(_write(tmp_path, example)))
    assert [(c.key, c.weakened) for c in ref.overlay.changes] == [
        ("deadlines.majeur_days", False),
        ("partners.expected_count", False),
        ("hours.roaming_status", False),
        ("staff.min_present", True),
        ("FS-PAR-02", False),
        ("FS-MIS-01", False),
    ]


def test_fifo_named_as_overlay_is_refused_without_hanging(tmp_path: Path):
    """An overlay path that is a FIFO is never opened for reading (it would block): a French refusal."""
    import os

    fifo = tmp_path / "prefecture.toml"
    os.mkfifo(fifo)
    with pytest.raises(OverlayError) as caught:
        load_overlay(fifo)
    (problem,) = caught.value.problems
    assert (problem.location, problem.message) == (
        "fichier",
        "ce n'est pas un fichier ordinaire mais un tube nommé (FIFO) : il n'est pas lu",
    )
