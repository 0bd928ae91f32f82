"""Fixtures of the initiative tests; plain helpers are in ``helpers.py``."""

import pytest
from django.utils import translation

from initiatives.services import roadmap_import
from initiatives.tests.helpers import REAL_FILE


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English, whatever the catalogue translates."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def roadmap_text() -> str:
    """The real 2026-08 roadmap delivery list."""
    return REAL_FILE.read_text(encoding="utf-8")


@pytest.fixture
def imported_roadmap(real_strategy, roadmap_text):
    """The real strategy with the real roadmap imported as 2026-08."""
    return roadmap_import(content=roadmap_text, version="2026-08")
