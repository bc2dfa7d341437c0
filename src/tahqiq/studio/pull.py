"""`studio pull`: bring the work back from Label Studio, checked and lossless.

The full JSON export (all tasks, every annotation with its per-region items and relations) is turned back into the
stored form — ids and annotators restored from what `push` recorded — and validated, together with the files it
does not replace, before anything is written. Only a clean result is written, each file through a temporary file
and a rename (tahqiq.atomic), and only files whose bytes change. Tasks absent from the export keep their files;
an annotation in annotations/ that the server has never seen blocks the pull instead of being dropped."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from tahqiq.atomic import atomic_write_many, atomic_write_text
from tahqiq.errors import Refused, StudioError, UnsyncedAnnotations
from tahqiq.issues import Report
from tahqiq.model import parse_annotation
from tahqiq.project import Project
from tahqiq.store import canonical_task, dumps_tasks, task_file
from tahqiq.studio.client import META_KEY, api_call, connect, require_project
from tahqiq.studio.home import StudioHome
from tahqiq.studio.push import refuse_repeated_documents, stored_tasks
from tahqiq.validate import validate_paths


class PullRefused(Refused):
    """The export has validation errors; annotations/ was left untouched. The checked export is kept."""

    def __init__(self, report: Report, export_file: Path):
        super().__init__(report, "nothing written: fix the regions in Label Studio and pull again (the checked "
                                 f"export is kept at {export_file})")
        self.export_file = export_file



@dataclass
class DocChange:
    doc_id: str
    added: int = 0
    changed: int = 0
    removed: int = 0
    relations_added: int = 0
    relations_removed: int = 0
    annotations_added: list[int] = field(default_factory=list)
    annotations_removed: list[int] = field(default_factory=list)
    written: bool = False



@dataclass
class PullResult:
    export_file: Path
    changes: list[DocChange]
    report: Report
    notes: list[str]


def restore_identity(task: dict) -> dict:
    """A server task in the stored form's terms: the task id and annotation ids of annotations/ (recorded by
    push), the original annotators, and the meta without push's bookkeeping."""
    meta = dict(task.get("meta") or {})
    identity = meta.pop(META_KEY, None) or {}
    annotators = identity.get("completed_by") or {}
    annotations = []
    for annotation in task.get("annotations") or []:
        stored_id = annotation.get("import_id") or annotation["id"]
        restored = {**annotation, "id": stored_id}
        if annotation.get("import_id") and str(stored_id) in annotators:
            restored["completed_by"] = annotators[str(stored_id)]
        annotations.append(restored)
    return {**task, "id": identity.get("task_id", task["id"]), "meta": meta, "annotations": annotations}


def _region_index(task: dict | None) -> tuple[dict, set]:
    """(annotation id, region id) -> region content, and the set of relations, of a stored-form task."""
    regions, relations = {}, set()
    for index, annotation in enumerate((task or {}).get("annotations", [])):
        parsed = parse_annotation(annotation, index=index, base="")
        for region in parsed.regions.values():
            regions[(annotation["id"], region.id)] = (region.layer, region.label, region.start, region.end,
                                                      sorted(region.attrs.items()))
        relations |= {(annotation["id"], link.source_id, link.target_id, link.label) for link in parsed.links}
    return regions, relations


def diff_tasks(doc_id: str, old: dict | None, new: dict) -> DocChange:
    old_regions, old_links = _region_index(old)
    new_regions, new_links = _region_index(new)
    old_ids = {a["id"] for a in (old or {}).get("annotations", [])}
    new_ids = {a["id"] for a in new["annotations"]}
    return DocChange(
        doc_id=doc_id,
        added=len(new_regions.keys() - old_regions.keys()),
        removed=len(old_regions.keys() - new_regions.keys()),
        changed=sum(old_regions[k] != new_regions[k] for k in old_regions.keys() & new_regions.keys()),
        relations_added=len(new_links - old_links), relations_removed=len(old_links - new_links),
        annotations_added=sorted(new_ids - old_ids), annotations_removed=sorted(old_ids - new_ids),
    )


def _check_unsynced(doc_id: str, server_task: dict, stored: dict | None, allow_removal: bool) -> None:
    """Stored annotations the server lacks were either deleted there after a push (fine: recorded in meta) or
    never pushed (blocking unless allow_removal)."""
    if stored is None or allow_removal:
        return
    pushed = set((server_task.get("meta", {}).get(META_KEY) or {}).get("completed_by") or {})
    on_server = {a.get("import_id") or a["id"] for a in server_task.get("annotations") or []}
    missing = [a["id"] for a in stored["annotations"] if a["id"] not in on_server and str(a["id"]) not in pushed]
    if missing:
        raise UnsyncedAnnotations(
            f"{doc_id}: annotation(s) {', '.join(map(str, missing))} of annotations/ are not on the server (never "
            "pushed, or deleted there after a pull); nothing was written. Run `tahqiq studio push` to send them, "
            "or pass --allow-removal to drop them")


def _fetch_export(home: StudioHome, project: str) -> tuple[list[dict], Path]:
    conn = connect(home)
    project_id = require_project(conn, project)
    with api_call("export the project"):
        raw = b"".join(conn.client.projects.exports.download_sync(project_id, export_type="JSON",
                                                                  download_all_tasks=True))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    export_file = home.pulls_dir / f"export-{project_id}-{stamp}.json"
    atomic_write_text(export_file, raw.decode("utf-8"))
    return json.loads(raw), export_file


def pull(*, project: Project, home: StudioHome, annotations_dir: Path, title: str,
         allow_removal: bool = False) -> PullResult:
    """Export the Label Studio project `title`, restore, validate, and only when clean write annotations/ (see
    module docstring)."""
    labels, manifest = project.labels, project.manifest
    attribute_order = list(labels.attributes)
    stored = {}
    for doc_id, (path, task) in stored_tasks(annotations_dir, manifest=manifest, labels=labels).items():
        if path != task_file(annotations_dir, task):
            raise StudioError(f"{path} holds {doc_id}, but pull keeps one file per document named after its "
                              f"doc_id; move the task to {task_file(annotations_dir, task)} first")
        stored[doc_id] = task
    export, export_file = _fetch_export(home, title)
    refuse_repeated_documents([(t.get("id"), (t.get("data") or {}).get("doc_id")) for t in export],
                              where=f"Label Studio project {title!r}", verb="written")
    notes, candidates = [], {}
    for server_task in export:
        doc_id = (server_task.get("data") or {}).get("doc_id")
        if doc_id not in manifest.by_id:
            notes.append(f"task {server_task.get('id')} has doc_id {doc_id!r}, which is not in the seed manifest: "
                         "not written")
            continue
        if server_task.get("drafts"):
            notes.append(f"{doc_id}: {len(server_task['drafts'])} unsubmitted draft(s) stay in Label Studio; "
                         "submit or update the annotation to pull them")
        _check_unsynced(doc_id, server_task, stored.get(doc_id), allow_removal)
        if server_task.get("annotations") or doc_id in stored:
            candidates[doc_id] = canonical_task(restore_identity(server_task), attribute_order=attribute_order)
    candidate_file = export_file.with_name(export_file.name.replace("export-", "pulled-", 1))
    atomic_write_text(candidate_file, dumps_tasks(list(candidates.values())))
    kept = [task_file(annotations_dir, task) for doc_id, task in stored.items() if doc_id not in candidates]
    checked = [candidate_file] if candidates else []
    checked += kept
    report = (validate_paths(checked, manifest=manifest, labels=labels).report if checked
              else Report())  # nothing annotated yet, nothing stored: nothing to check
    if not report.ok:
        raise PullRefused(report, candidate_file)
    changes, files = [], {}
    for doc_id, task in candidates.items():
        change = diff_tasks(doc_id, stored.get(doc_id), task)
        path = task_file(annotations_dir, task)
        text = dumps_tasks([task])
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            files[path] = text
            change.written = True
        changes.append(change)
    atomic_write_many({path: text.encode("utf-8") for path, text in files.items()})
    return PullResult(export_file=candidate_file, changes=changes, report=report, notes=notes)
