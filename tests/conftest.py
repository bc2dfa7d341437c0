"""Shared fixtures. Offsets and data come from the real gold (tests/fixtures is cut from it by
scripts/make_fixtures.py); nothing here mocks Label Studio, the Hub client or `datasets`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tahqiq.manifest import Manifest, load_manifest

pytest_plugins = ["hub_fixtures", "studio_fixtures"]

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
CASES = TESTS / "cases"


@pytest.fixture(scope="session")
def fixture_manifest() -> Manifest:
    return load_manifest(FIXTURES / "seeds" / "manifest.yaml")


@pytest.fixture(scope="session")
def fixture_export() -> Path:
    return FIXTURES / "export.json"
