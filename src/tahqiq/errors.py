"""The one root of every expected failure, each kind with a stable code. The library raises these; only
`tahqiq.cli` turns them into `tahqiq: [code] message` and an exit code (invalid data 1, usage or environment 2).
`docs/checks.md` lists the codes, generated from the classes below."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tahqiq.issues import Issue, Report


class TahqiqError(Exception):
    """An expected failure with words for the user."""

    code = "error"
    exit_status = 2  # usage and environment; data problems are 1


class UsageError(TahqiqError):
    """The request itself is wrong: a bad option value, a name of the wrong form."""

    code = "usage"


class MissingPath(UsageError):
    """A file or folder named on the command line does not exist."""

    code = "path-missing"


class OutputRefused(UsageError):
    """`--out` names something a build must not replace: an input, the project, the home folder, a folder of other
    files, a file or a link."""

    code = "out-refused"


class EnvironmentProblem(TahqiqError):
    """Something outside the data stands in the way."""

    code = "environment"


class NoProject(EnvironmentProblem):
    """No Tahqiq project (a folder holding schema/labels.yaml) at or above the current folder, or where --project
    or $TAHQIQ_PROJECT points."""

    code = "no-project"


class Busy(EnvironmentProblem):
    """Another build is writing the same output folder."""

    code = "build-busy"


class StudioError(EnvironmentProblem):
    """A local Label Studio session cannot do what was asked (not installed, not running, refusing, damaged)."""

    code = "studio"


class HubError(EnvironmentProblem):
    """The Hugging Face Hub (or the endpoint in HF_ENDPOINT) cannot be reached, refuses, or answers nonsense; no
    token; no permission."""

    code = "hub"


class DataError(TahqiqError):
    """The data is not acceptable, for a reason that is not a list of validation issues."""

    code = "invalid-data"
    exit_status = 1


class LabelsInvalid(DataError):
    """schema/labels.yaml cannot be read or does not define a usable label set."""

    code = "labels-invalid"


class ManifestInvalid(DataError):
    """seeds/manifest.yaml cannot be read, or an entry or its seed file is wrong."""

    code = "manifest-invalid"


class ProjectFileInvalid(DataError):
    """A project file the build or publish needs is missing or wrong: the version in pyproject.toml, its
    CHANGELOG.md entry, the markers of dataset_card.md, the generated labeling config."""

    code = "project-file-invalid"


class NothingToBuild(DataError):
    """The annotations hold no gold document of the manifest: a build would be an empty dataset."""

    code = "nothing-to-build"


class AnnotatorsInvalid(DataError):
    """annotators.yaml cannot be read, or gives one e-mail or one identity twice, or an identity that is not a
    whole number above 0."""

    code = "annotators-invalid"


class SeedRefused(DataError):
    """`seed add` refuses a text: not UTF-8, empty, already in the manifest, or under a doc id that is taken or not
    a safe file name."""

    code = "seed-refused"


class UnsyncedAnnotations(DataError):
    """annotations/ holds annotations the Label Studio server does not have; pulling would drop them."""

    code = "unsynced-annotations"


class Refused(DataError):
    """Work refused because validation found errors; the report says which. Nothing was written or sent."""

    code = "validation-failed"

    def __init__(self, report: Report, message: str | None = None, places: Mapping[Issue, Any] | None = None):
        super().__init__(message or f"{len(report.errors)} validation error(s)")
        self.report = report
        self.places = places or {}  # where an issue is in a system the report's locations do not name (Label Studio)


def error_kinds() -> list[type[TahqiqError]]:
    """Every kind of expected failure, root first, in the order they are defined."""
    kinds, todo = [], [TahqiqError]
    while todo:
        kind = todo.pop(0)
        kinds.append(kind)
        todo += kind.__subclasses__()
    return [k for k in kinds if k.__module__ == __name__]
