"""A Tahqiq project: the folder holding `schema/labels.yaml`, found from where the user stands.

Every default path (annotations/, dist/hub, .studio, seeds/) is relative to the project, never to where the
package is installed, so one installed `tahqiq` serves any number of clones."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from tahqiq.errors import NoProject, ProjectFileInvalid

if TYPE_CHECKING:
    from tahqiq.labels import LabelSet
    from tahqiq.manifest import Manifest

PROJECT_ENV = "TAHQIQ_PROJECT"
MARKER = Path("schema") / "labels.yaml"
HUB_ANNOTATIONS_FOLDER = "annotations"  # where a built repo carries its Label Studio exports


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def labels_file(self) -> Path:
        return self.root / MARKER

    @property
    def schema_dir(self) -> Path:
        return self.root / "schema"

    @property
    def export_schema_file(self) -> Path:
        return self.schema_dir / "export.schema.json"

    @property
    def labeling_config_file(self) -> Path:
        return self.schema_dir / "labeling_config.xml"

    @property
    def seeds_dir(self) -> Path:
        return self.root / "seeds"

    @property
    def manifest_file(self) -> Path:
        return self.seeds_dir / "manifest.yaml"

    @property
    def annotations_dir(self) -> Path:
        return self.root / "annotations"

    @property
    def annotators_file(self) -> Path:
        """The register of Label Studio annotators: e-mail -> the identity (`completed_by`) their work carries."""
        return self.root / "annotators.yaml"

    @property
    def card_prose_file(self) -> Path:
        return self.root / "dataset_card.md"

    @property
    def checks_doc_file(self) -> Path:
        return self.root / "docs" / "checks.md"

    @property
    def data_license_file(self) -> Path:
        return self.root / "LICENSE-DATA.md"

    @property
    def changelog_file(self) -> Path:
        return self.root / "CHANGELOG.md"

    @property
    def pyproject_file(self) -> Path:
        return self.root / "pyproject.toml"

    @property
    def dist_hub_dir(self) -> Path:
        return self.root / "dist" / "hub"

    @property
    def studio_dir(self) -> Path:
        return self.root / ".studio"

    @cached_property
    def labels(self) -> LabelSet:
        from tahqiq.labels import load_labels

        return load_labels(self.labels_file)

    @cached_property
    def manifest(self) -> Manifest:
        from tahqiq.manifest import load_manifest

        return load_manifest(self.manifest_file)

    @cached_property
    def version(self) -> str:
        """The version of the data: `project.version` in the project's pyproject.toml."""
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10
            import tomli as tomllib
        try:
            with open(self.pyproject_file, "rb") as fh:
                version = tomllib.load(fh).get("project", {}).get("version")
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise ProjectFileInvalid(f"cannot read the data version from {self.pyproject_file}: {err}") from None
        if not isinstance(version, str) or not version:
            raise ProjectFileInvalid(f"{self.pyproject_file} has no [project] version: set it, e.g. "
                                     'version = "0.1.0"')
        return version

    def changelog_has(self, version: str) -> bool:
        """CHANGELOG.md has an entry headed `## <version>` (followed by the end of line, a space or a dash)."""
        try:
            text = self.changelog_file.read_text(encoding="utf-8")
        except OSError:
            return False
        return re.search(rf"^##\s+v?{re.escape(version)}(\s|$)", text, flags=re.MULTILINE) is not None


def find_project(explicit: str | os.PathLike | None = None, *, start: Path | None = None) -> Project:
    """The project named by `explicit` (the --project option), else by $TAHQIQ_PROJECT, else the nearest folder
    at or above `start` (default: the current folder) that holds schema/labels.yaml."""
    named = explicit or os.environ.get(PROJECT_ENV)
    if named:
        root = Path(named).expanduser().resolve()
        if not (root / MARKER).is_file():
            origin = "--project" if explicit else f"${PROJECT_ENV}"
            raise NoProject(f"{origin} names {root}, which has no {MARKER}: point it at a Tahqiq project "
                                     "folder")
        return Project(root)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return Project(folder)
    raise NoProject(f"no Tahqiq project here: neither {here} nor a folder above it holds {MARKER}; cd into "
                             f"a project, or pass --project DIR (or set ${PROJECT_ENV})")
