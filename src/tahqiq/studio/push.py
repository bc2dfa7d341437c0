"""`studio push`: the project with the generated labeling config, one task per seed, the gold of annotations/ as
annotations and the rule-based suggestions as one prediction per task. Safe to re-run: tasks are keyed by
data.doc_id, annotations by their id in annotations/ (kept by Label Studio as `import_id`), predictions by
model_version, so nothing is ever created twice.

Label Studio gives pushed annotations new ids and its own user as annotator; push records the stored task id and
each annotation's `completed_by` in the task's meta, so `pull` can write them back unchanged."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from label_studio_sdk.types import RoleBasedTask

from tahqiq.baselines import model_version, predict
from tahqiq.errors import Refused, StudioError
from tahqiq.generate import labeling_config
from tahqiq.issues import Location, Report, make_issue
from tahqiq.labels import LabelSet
from tahqiq.manifest import Manifest, SeedDoc
from tahqiq.progress import SILENT, Progress
from tahqiq.project import Project
from tahqiq.studio.client import (
    META_KEY,
    Connection,
    api_call,
    connect,
    ensure_project,
    prefill_from,
    pushed_annotators,
    stored_id,
)
from tahqiq.studio.home import StudioHome
from tahqiq.studio.pulls import checked_form
from tahqiq.validate import validate_paths


@dataclass
class PushSummary:
    url: str
    project_id: int
    project_created: bool
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("tasks created", "tasks kept", "annotations created", "annotations kept", "predictions created",
         "predictions updated", "predictions kept"), 0))


def stored_tasks(annotations_dir: Path, *, manifest: Manifest, labels: LabelSet) -> dict[str, tuple[Path, dict]]:
    """doc_id -> (file, task) of annotations/ (or of one export file), after validation (errors refuse: Label
    Studio checks nothing)."""
    if not annotations_dir.exists() or (annotations_dir.is_dir() and not any(annotations_dir.glob("*.json"))):
        return {}
    validation = validate_paths([annotations_dir], manifest=manifest, labels=labels)
    if not validation.report.ok:
        raise Refused(validation.report, f"{annotations_dir} is not valid")
    return {task.doc_id: (Path(task.file), task.raw) for task in validation.tasks if task.doc_id is not None}


def refuse_repeated_documents(tasks: list[tuple[int, str | None]], *, where: str, verb: str) -> None:
    """Two Label Studio tasks for one doc id: which one holds the work is unknowable, so nothing is pushed or
    pulled until one is deleted. `tasks` are (Label Studio task id, doc id) pairs."""
    first: dict[str, int] = {}
    report = Report(files=1, tasks=len(tasks))
    for task_id, doc_id in tasks:
        if doc_id is None:
            continue
        if doc_id in first:
            report.extend([make_issue(
                "duplicate-doc-id", f"Label Studio tasks {first[doc_id]} and {task_id} both hold {doc_id}; delete "
                "the one without the work (after copying anything it holds)", file=where, task_id=task_id,
                pointer=f"/tasks/{task_id}/data/doc_id", related=(Location(where, f"/tasks/{first[doc_id]}"),))])
        else:
            first[doc_id] = task_id
    if not report.ok:
        raise Refused(report, f"nothing {verb}: {where} holds a document twice")


def _server_tasks(conn: Connection, project_id: int) -> dict[str, RoleBasedTask]:
    with api_call("list the project's tasks"):
        tasks = list(conn.client.tasks.list(project=project_id))
    refuse_repeated_documents([(t.id, (t.data or {}).get("doc_id")) for t in tasks],
                              where=f"{conn.url}/projects/{project_id}", verb="pushed")
    return {(t.data or {}).get("doc_id"): t for t in tasks if (t.data or {}).get("doc_id")}


def _ensure_task(conn: Connection, project_id: int, seed: SeedDoc, text: str, server: RoleBasedTask | None,
                 stored: dict | None, summary: PushSummary) -> RoleBasedTask:
    if server is None:
        meta = {**((stored or {}).get("meta") or {}), "sha256": seed.sha256}  # the passes' provenance travels too
        with api_call(f"create the task of {seed.doc_id}"):
            server = conn.client.tasks.create(project=project_id, data={"text": text, "doc_id": seed.doc_id},
                                              meta=meta)
        summary.counts["tasks created"] += 1
        return server
    if server.data.get("text") != text:
        raise StudioError(f"task {server.id} ({seed.doc_id}) on the server has a different text than {seed.path}; "
                          "delete it in Label Studio (after pulling its work) and push again")
    summary.counts["tasks kept"] += 1
    return server


def _push_annotations(conn: Connection, server: RoleBasedTask, stored: dict | None, summary: PushSummary) -> None:
    meta = dict(server.meta or {})
    identity = dict(meta.get(META_KEY) or {})
    annotators = dict(pushed_annotators(meta))
    present = {stored_id(a) for a in server.annotations or []}
    for annotation in (stored or {}).get("annotations", []):
        if annotation["id"] in present:
            summary.counts["annotations kept"] += 1
            continue
        with api_call(f"create annotation {annotation['id']} of {server.data['doc_id']}"):
            conn.client.annotations.create(
                id=server.id, result=annotation["result"], import_id=annotation["id"],
                ground_truth=bool(annotation.get("ground_truth")), was_cancelled=bool(annotation.get("was_cancelled")))
        annotators[str(annotation["id"])] = annotation.get("completed_by")
        summary.counts["annotations created"] += 1
    if stored is None:
        return  # nothing of annotations/ to remember
    identity.update(task_id=stored["id"], completed_by=annotators)
    if identity != meta.get(META_KEY):
        with api_call(f"record the annotation ids of {server.data['doc_id']}"):
            conn.client.tasks.update(id=str(server.id), meta={**meta, META_KEY: identity})


def _push_prediction(conn: Connection, server: RoleBasedTask, seed: SeedDoc, text: str, labels: LabelSet,
                     summary: PushSummary) -> None:
    prediction = predict(text, zones=seed.zones, labels=labels)
    same_version = [p for p in server.predictions or [] if p.model_version == prediction.model_version]
    if not same_version:
        with api_call(f"create the prediction of {seed.doc_id}"):
            conn.client.predictions.create(task=server.id, result=prediction.result,
                                           model_version=prediction.model_version)
        summary.counts["predictions created"] += 1
    elif json.dumps(same_version[0].result, sort_keys=True) != json.dumps(prediction.result, sort_keys=True):
        with api_call(f"update the prediction of {seed.doc_id}"):
            conn.client.predictions.update(id=same_version[0].id, result=prediction.result)
        summary.counts["predictions updated"] += 1
    else:
        summary.counts["predictions kept"] += 1


def _stored_form(path: Path) -> Path:
    """The file to push from: a kept pull's checked stored form; a raw export of a server (Label Studio's own
    ids and users) only when nothing else is at hand, which is refused."""
    stored = checked_form(path)
    try:
        tasks = json.loads(stored.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return stored  # validation reports what is wrong with it
    if isinstance(tasks, list) and any(isinstance(t, dict) and META_KEY in (t.get("meta") or {}) for t in tasks):
        raise StudioError(f"{path} is an export in Label Studio's own ids and users; push from the `pulled-…` file "
                          "of the same pull (its stored form), or from annotations/")
    return stored


def push(*, project: Project, home: StudioHome, annotations_dir: Path, title: str, predictions: bool = True,
         source: str | None = None, revision: str | None = None, progress: Progress = SILENT) -> PushSummary:
    """Create or update the Label Studio project `title`, its tasks, the gold annotations and the suggestions (see
    module docstring). The annotations come from `annotations_dir`, or from `source` when it is given: an export
    file (one `pull` kept) or a published dataset (a built folder or OWNER/NAME on the Hub)."""
    labels, manifest = project.labels, project.manifest
    if source is not None and Path(source).is_file():  # an export file, such as one `pull` kept
        gold = {doc_id: task for doc_id, (_, task) in
                stored_tasks(_stored_form(Path(source)), manifest=manifest, labels=labels).items()}
    elif source is not None:
        from tahqiq.reopen import load_published_tasks

        gold = {task["data"]["doc_id"]: task
                for task in load_published_tasks(project=project, source=source, revision=revision)}
    else:
        gold = {doc_id: task for doc_id, (_, task) in
                stored_tasks(annotations_dir, manifest=manifest, labels=labels).items()}
    unknown = sorted(set(gold) - set(manifest.by_id))
    if unknown:
        raise StudioError(f"annotations for documents not in the seed manifest: {', '.join(unknown)}")
    conn = connect(home)
    project_id, created = ensure_project(conn, title=title, label_config=labeling_config(labels))
    summary = PushSummary(url=conn.url, project_id=project_id, project_created=created)
    server_tasks = _server_tasks(conn, project_id)
    for seed in progress.track(manifest.documents, desc="pushing", unit="doc"):
        text = seed.checked_text()
        server = _ensure_task(conn, project_id, seed, text, server_tasks.get(seed.doc_id), gold.get(seed.doc_id),
                              summary)
        _push_annotations(conn, server, gold.get(seed.doc_id), summary)
        if predictions:
            _push_prediction(conn, server, seed, text, labels, summary)
    if predictions:
        prefill_from(conn, project_id, model_version())
    return summary
