"""The text report's action plan: deadlines' bases in the order of the actions."""

from __future__ import annotations

import datetime as dt

from fsaudit.model import declaration as model
from fsaudit.testing import audit_structures, make_structure
from fsaudit_formats.text_report import render_text


def test_deadline_bases_follow_the_actions():
    """The « Échéance » lines come in the order of the actions (bloquant, majeur, mineur: 90,
    180 and 365 days), not sorted as text (« 180 » before « 90 »)."""
    structure = make_structure(
        conseillers=(model.Conseiller("C1", fte=1.0),),
        premises=model.Premises(confidential_space=False, disability_access=False),
    )
    report = audit_structures([structure], as_of=dt.date(2025, 6, 30))
    lines = render_text(report, {}).decode("utf-8").splitlines()
    bases = [line.split(" : ", 2)[2].split(" (")[0] for line in lines if line.startswith("    Échéance : ")]
    assert bases == ["90 jours", "180 jours", "365 jours"]
