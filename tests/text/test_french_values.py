"""Referential values written in French, as the overlay's messages and ``fsaudit referentiel`` show them."""

from __future__ import annotations

from fsaudit.text.french import fr_value


def test_referential_values_in_french() -> None:
    """Booleans in words, decimals with a comma and as many digits as they have, the rest as is."""
    assert [fr_value(v) for v in (True, False, 6.5, 24.0, 0.125, 35, 12000.5, "warn", None)] == [
        "oui",
        "non",
        "6,5",
        "24",
        "0,125",
        "35",
        "12000,5",
        "warn",
        "None",
    ]


def test_visible_data_escapes_every_text_of_json_shaped_data() -> None:
    """Keys and values at any depth, in lists and tuples, are made visible; other values kept."""
    from fsaudit import visible_data

    data = {"caf\udce9": ("caf\udce9.json", 1, None, [{"k": "\udce9"}]), "ok": "café"}
    assert visible_data(data) == {"caf\\xe9": ["caf\\xe9.json", 1, None, [{"k": "\\xe9"}]], "ok": "café"}
