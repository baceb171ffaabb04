"""Shared test configuration: Hypothesis profiles and plain fixtures.

Profiles: ``default`` (bounded, for every run), ``fuzz`` (long, for nightly runs):
``pytest --hypothesis-profile=fuzz`` or ``FSAUDIT_HYPOTHESIS_PROFILE=fuzz``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "fuzz",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("FSAUDIT_HYPOTHESIS_PROFILE", "default"))

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture
def samples() -> Path:
    """The bundled ``samples/`` folder."""
    return REPO / "samples"
