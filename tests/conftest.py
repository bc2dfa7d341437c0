"""Shared fixtures. Offsets and data come from the real gold (tests/fixtures is cut from it by
scripts/make_fixtures.py); nothing here mocks Label Studio, the Hub client or `datasets`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonpatch
import pytest

from tahqiq.labels import LabelSet
from tahqiq.manifest import Manifest
from tahqiq.project import Project

pytest_plugins = ["hub_fixtures", "studio_fixtures"]

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
CASES = TESTS / "cases"
NEAR_MISSES = TESTS / "near-misses"
PROJECT = Project(ROOT)
ANNOTATIONS_DIR = PROJECT.annotations_dir
SEEDS_DIR = PROJECT.seeds_dir
EXPORT_SCHEMA_FILE = PROJECT.export_schema_file
LABELING_CONFIG_FILE = PROJECT.labeling_config_file
LABELS: LabelSet = PROJECT.labels
MANIFEST: Manifest = PROJECT.manifest
PROJECT_FILES = ("schema/labels.yaml", "dataset_card.md", "LICENSE-DATA.md", "pyproject.toml", "CHANGELOG.md")


def make_project(folder: Path, seeds: Path) -> Project:
    """A project folder of its own: the repository's labels, card prose, licence and version, with `seeds`."""
    for name in PROJECT_FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, folder / name)
    shutil.copytree(seeds, folder / "seeds")
    return Project(folder)


def materialize(case: Path, folder: Path) -> Path:
    """The export of a golden case or near miss: its own bytes, a folder without exports, or its patch applied to
    the fixture."""
    for own in (case / "export.json", case / "export"):
        if own.exists():
            return own
    base = json.loads((FIXTURES / "export.json").read_text(encoding="utf-8"))
    patch = json.loads((case / "patch.json").read_text(encoding="utf-8"))
    path = folder / case.parent.name / case.name / "export.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(jsonpatch.apply_patch(base, patch), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def case_exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every golden case and near miss by its folder name, as an export file."""
    folder = tmp_path_factory.mktemp("cases")
    return {case.name: materialize(case, folder) for parent in (CASES, NEAR_MISSES) for case in parent.iterdir()}


@pytest.fixture(scope="session")
def fixture_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return make_project(tmp_path_factory.mktemp("fixture-project"), FIXTURES / "seeds")


@pytest.fixture(scope="session")
def fixture_manifest(fixture_project: Project) -> Manifest:
    return fixture_project.manifest


@pytest.fixture(scope="session")
def fixture_export() -> Path:
    return FIXTURES / "export.json"
