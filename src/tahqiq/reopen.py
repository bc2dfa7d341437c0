"""Reopen a published dataset for correction: its Label Studio tasks, from a built folder or a Hub repo.

Every published repo carries `annotations/` (the Label Studio exports the data was built from) and `schema/` (the
label definitions, JSON Schema and labeling config), so a correction cycle needs neither the original annotations/
folder nor the machine that built it. The tasks are validated before they are handed out: against the repo's own
schema files where it has them, and against the project's seed manifest, since a corrected export is rebuilt from
those seeds."""

from __future__ import annotations

from pathlib import Path

import httpx2
from huggingface_hub import snapshot_download
from huggingface_hub.errors import (
    HfHubHTTPError,
    LocalEntryNotFoundError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from jsonschema.exceptions import SchemaError

from tahqiq.errors import DataError, HubError, Refused
from tahqiq.hubrepo import LABELS_IN_REPO, REPO_TYPE, SCHEMA_FOLDER, bound_hub_calls, endpoint, repo_id_problem
from tahqiq.labels import load_labels
from tahqiq.project import HUB_ANNOTATIONS_FOLDER as ANNOTATIONS_FOLDER
from tahqiq.project import Project
from tahqiq.validate import export_files, validate_paths


def fetch_repo(*, source: str, revision: str | None = None) -> Path:
    """A local folder as it is, or OWNER/NAME downloaded from the Hub (HF_ENDPOINT honoured): only annotations/ and
    schema/, which is all a reopen needs."""
    if Path(source).is_dir():
        if revision is not None:
            raise HubError(f"{source} is a local folder, which has no revisions: a revision goes with "
                                     "OWNER/NAME only")
        return Path(source)
    if repo_id_problem(source) is not None:
        raise HubError(f"{source!r} is neither a folder nor a Hub repo id of the form OWNER/NAME")
    bound_hub_calls()
    where = f"{source}{'@' + revision if revision else ''} on {endpoint()}"
    try:
        return Path(snapshot_download(source, repo_type=REPO_TYPE, revision=revision,
                                      allow_patterns=[f"{ANNOTATIONS_FOLDER}/*", f"{SCHEMA_FOLDER}/*"]))
    except RevisionNotFoundError:
        raise HubError(f"no revision {revision!r} in {source} on {endpoint()}") from None
    except RepositoryNotFoundError:
        raise HubError(f"no dataset {where} (or it is private: log in with `hf auth login` or set "
                                 f"HF_TOKEN); no local folder {source} either") from None
    except HfHubHTTPError as err:
        raise HubError(f"the Hub answered {err.response.status_code} for {where}") from None
    except (LocalEntryNotFoundError, OfflineModeIsEnabled, httpx2.TransportError):
        raise HubError(f"cannot reach the Hub for {where}, and no complete copy is cached") from None


def load_published_tasks(*, project: Project, source: str, revision: str | None = None) -> list[dict]:
    """The Label Studio tasks of a published dataset, in the order of its annotations/ files; raises
    HubError when they cannot be fetched, DataError when the repo is not reopenable and Refused when
    its tasks do not validate (against its own labels and the project's seeds)."""
    repo = fetch_repo(source=source, revision=revision)
    folder = repo / ANNOTATIONS_FOLDER
    files = export_files([folder]) if folder.is_dir() else []
    if not files:
        raise DataError(f"{source} has no {ANNOTATIONS_FOLDER}/*.json: it was not built by tahqiq build, "
                                 "so it cannot be reopened")
    labels_file = repo / LABELS_IN_REPO
    try:
        labels = load_labels(labels_file) if labels_file.is_file() else project.labels
        validation = validate_paths(files, labels=labels, manifest=project.manifest)
    except SchemaError as err:
        raise DataError(f"{source} carries a broken {SCHEMA_FOLDER}/ ({err.message}); it cannot be reopened") \
            from None
    if not validation.report.ok:
        raise Refused(validation.report, f"the annotations of {source} do not validate")
    return [task.raw for task in validation.tasks]
