"""`studio pull`: bring the work back from Label Studio, checked and lossless.

The full JSON export (all tasks, every annotation with its per-region items and relations) is turned back into the
stored form — ids and annotators restored from what `push` recorded — and validated, together with the files it
does not replace, before anything is written. Only a clean result is written, each file through a temporary file
and a rename (tahqiq.atomic), and only files whose bytes change; the identities given to new accounts go into
annotators.yaml in the same write, so a refused pull leaves it as it was. Tasks absent from the export keep their
files; an annotation in annotations/ that the server has never seen blocks the pull instead of being dropped."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from tahqiq.atomic import atomic_write_many, atomic_write_text
from tahqiq.errors import Refused, StudioError, UnsyncedAnnotations
from tahqiq.issues import Issue, Report
from tahqiq.model import annotator_id, parse_annotation
from tahqiq.project import Project
from tahqiq.store import canonical_task, dumps_tasks, task_file
from tahqiq.studio.annotators import server_users
from tahqiq.studio.client import (
    META_KEY,
    Connection,
    api_call,
    connect,
    export_tasks,
    pushed_annotators,
    require_project,
    stored_id,
)
from tahqiq.studio.home import StudioHome
from tahqiq.studio.identities import assign, identities_in_use, load_register, register_text
from tahqiq.studio.pulls import keep_count, new_pull, prune
from tahqiq.studio.push import refuse_repeated_documents, stored_tasks
from tahqiq.validate import validate_paths


@dataclass(frozen=True)
class StudioPlace:
    """Where an issue is in Label Studio's own terms: what an annotator sees there, not the stored ids."""

    doc_id: str
    task_id: int  # Label Studio's task id (the UI shows it as #N)
    annotation_id: int | None  # Label Studio's annotation id (the tab's id in the UI)
    annotator: str | None  # the account's e-mail, and the identity its work carries
    region_text: str | None

    def describe(self) -> str:
        parts = [f"doc {self.doc_id}", f"Label Studio task #{self.task_id}"]
        if self.annotation_id is not None:
            parts.append(f"annotation #{self.annotation_id}")
        if self.annotator:
            parts.append(f"by {self.annotator}")
        if self.region_text is not None:
            shown = self.region_text if len(self.region_text) <= 60 else self.region_text[:57] + "…"
            parts.append(f"region «{shown}»")
        return " · ".join(parts)


class PullRefused(Refused):
    """The export has validation errors; annotations/ was left untouched. The checked export is kept, and each
    issue of a pulled task has its place in Label Studio."""

    def __init__(self, report: Report, export_file: Path, places: dict[Issue, StudioPlace]):
        super().__init__(report, "nothing written: fix the regions in Label Studio and pull again (the checked "
                                 f"export is kept at {export_file})", places)
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


def _pushed(annotation: dict, annotators: dict) -> bool:
    """The annotation came from annotations/ through push, which recorded its annotator."""
    return bool(annotation.get("import_id")) and str(annotation["import_id"]) in annotators


def made_in_studio(export: list[dict]) -> set:
    """The Label Studio user ids of the annotations made on the server (not pushed from annotations/)."""
    return {annotator_id(a.get("completed_by")) for t in export for a in t.get("annotations") or []
            if not _pushed(a, pushed_annotators(t.get("meta")))}


def restore_identity(task: dict, identities: dict[int, int]) -> dict:
    """A server task in the stored form's terms: the task id and annotation ids of annotations/ (recorded by
    push), the original annotators, and the meta without push's bookkeeping. Work made in Label Studio carries
    the registered identity of its account (`identities`: Label Studio user id -> identity)."""
    meta = dict(task.get("meta") or {})
    identity = meta.pop(META_KEY, None) or {}
    annotators = identity.get("completed_by") or {}
    annotations = []
    for annotation in task.get("annotations") or []:
        original = stored_id(annotation)
        restored = {**annotation, "id": original}
        if _pushed(annotation, annotators):
            restored["completed_by"] = annotators[str(original)]
        else:
            author = annotator_id(annotation.get("completed_by"))
            restored["completed_by"] = identities.get(author, author)
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
    pushed = set(pushed_annotators(server_task.get("meta")))
    on_server = {stored_id(a) for a in server_task.get("annotations") or []}
    missing = [a["id"] for a in stored["annotations"] if a["id"] not in on_server and str(a["id"]) not in pushed]
    if missing:
        raise UnsyncedAnnotations(
            f"{doc_id}: annotation(s) {', '.join(map(str, missing))} of annotations/ are not on the server (never "
            "pushed, or deleted there after a pull); nothing was written. Run `tahqiq studio push` to send them, "
            "or pass --allow-removal to drop them")


def _fetch_export(conn: Connection, project_id: int, export_file: Path) -> list[dict]:
    """The project's full JSON export, kept with its predictions in full (the plain export names them by id
    only), so `tahqiq evaluate --predictions` can score the kept file."""
    export = export_tasks(conn, project_id)
    with api_call("read the predictions"):
        full = {p.id: {"id": p.id, "model_version": p.model_version, "result": p.result}
                for p in conn.client.predictions.list(project=project_id)}
    for task in export:
        task["predictions"] = [full[p] for p in task.get("predictions") or [] if p in full]
    atomic_write_text(export_file, json.dumps(export, ensure_ascii=False, indent=1) + "\n")
    return export


@dataclass(frozen=True)
class Identities:
    """Who made the export's work: identities of accounts new to the register are assigned in memory only, and
    recorded by the pull's own write, so a refused pull leaves annotators.yaml as it was."""

    by_user: dict[int, int]  # Label Studio user id -> identity
    users: dict[int, str]  # Label Studio user id -> e-mail
    register: dict[str, int]  # the register with the new entries
    added: dict[str, int]  # the new entries (e-mail -> identity)


def _identities(conn: Connection, export: list[dict], *, register_file: Path, in_use: set[int]) -> Identities:
    """The identities of the accounts whose work the export holds, new accounts given the next ones."""
    users = server_users(conn)
    authors = made_in_studio(export)
    unknown = sorted(a for a in authors - set(users) if a is not None)
    if unknown:
        raise StudioError(f"the export holds work of Label Studio user(s) {', '.join(map(str, unknown))}, who are "
                          "not on the server any more: nothing was written")
    register = load_register(register_file)
    added = assign(register, [users[a] for a in sorted(authors - {None})], in_use)
    return Identities(by_user={uid: register[email] for uid, email in users.items() if email in register},
                      users=users, register=register, added=added)


def _places(export: list[dict], candidates: dict[str, dict], users: dict[int, str],
            identities: dict[int, int]) -> dict[tuple[object, object], StudioPlace]:
    """(stored task id, stored annotation id or None) -> its place in Label Studio, for every pulled task."""
    places: dict[tuple[object, object], StudioPlace] = {}
    for server_task in export:
        doc_id = (server_task.get("data") or {}).get("doc_id")
        stored = candidates.get(doc_id)
        if stored is None:
            continue
        places[(stored["id"], None)] = StudioPlace(doc_id, server_task["id"], None, None, None)
        for annotation in server_task.get("annotations") or []:
            user = annotator_id(annotation.get("completed_by"))
            who = f"{users.get(user, f'user {user}')} (identity {identities.get(user, '?')})"
            places[(stored["id"], stored_id(annotation))] = StudioPlace(
                doc_id, server_task["id"], annotation["id"], who, None)
    return places


def _region_texts(tasks: list[dict]) -> dict[tuple[object, object, str], str]:
    return {(task["id"], annotation["id"], item["id"]): item["value"].get("text")
            for task in tasks for annotation in task["annotations"] for item in annotation["result"]
            if item.get("type") == "labels" and isinstance(item.get("value"), dict)}


def locate(report: Report, checked_file: Path, export: list[dict], candidates: dict[str, dict],
           users: dict[int, str], identities: dict[int, int]) -> dict[Issue, StudioPlace]:
    """Each issue of the checked file with its doc id, Label Studio task and annotation ids, annotator and
    region text."""
    places = _places(export, candidates, users, identities)
    texts = _region_texts(list(candidates.values()))
    located = {}
    for issue in report.issues:
        place = places.get((issue.task_id, issue.annotation_id)) or places.get((issue.task_id, None))
        if issue.file != str(checked_file) or place is None:
            continue
        text = texts.get((issue.task_id, issue.annotation_id, issue.region_id)) if issue.region_id else None
        located[issue] = replace(place, region_text=text)
    return located


def pull(*, project: Project, home: StudioHome, annotations_dir: Path, title: str,
         allow_removal: bool = False, keep: int | None = None) -> PullResult:
    """Export the Label Studio project `title`, restore, validate, and only when clean write annotations/ (see
    module docstring). Only the last `keep` pulls stay in the session's pulls/ (see tahqiq.studio.pulls)."""
    labels, manifest = project.labels, project.manifest
    keep = keep_count(keep)
    attribute_order = list(labels.attributes)
    stored = {}
    for doc_id, (path, task) in stored_tasks(annotations_dir, manifest=manifest, labels=labels).items():
        if path != task_file(annotations_dir, task):
            raise StudioError(f"{path} holds {doc_id}, but pull keeps one file per document named after its "
                              f"doc_id; move the task to {task_file(annotations_dir, task)} first")
        stored[doc_id] = task
    conn = connect(home)
    project_id = require_project(conn, title)
    export_file, candidate_file = new_pull(home, project_id)
    export = _fetch_export(conn, project_id, export_file)
    refuse_repeated_documents([(t.get("id"), (t.get("data") or {}).get("doc_id")) for t in export],
                              where=f"Label Studio project {title!r}", verb="written")
    found = _identities(conn, export, register_file=project.annotators_file,
                        in_use=identities_in_use(annotations_dir))
    notes = [f"{email} now has identity {identity} (recorded in {project.annotators_file.name})"
             for email, identity in found.added.items()]
    candidates = {}
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
            candidates[doc_id] = canonical_task(restore_identity(server_task, found.by_user),
                                                attribute_order=attribute_order)
    atomic_write_text(candidate_file, dumps_tasks(list(candidates.values())))
    prune(home, keep)
    kept = [task_file(annotations_dir, task) for doc_id, task in stored.items() if doc_id not in candidates]
    checked = [candidate_file] if candidates else []
    checked += kept
    report = (validate_paths(checked, manifest=manifest, labels=labels).report if checked
              else Report())  # nothing annotated yet, nothing stored: nothing to check
    if not report.ok:
        raise PullRefused(report, candidate_file,
                          locate(report, candidate_file, export, candidates, found.users, found.by_user))
    changes, files = [], {}
    for doc_id, task in candidates.items():
        change = diff_tasks(doc_id, stored.get(doc_id), task)
        path = task_file(annotations_dir, task)
        text = dumps_tasks([task])
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            files[path] = text
            change.written = True
        changes.append(change)
    if found.added:
        files[project.annotators_file] = register_text(found.register)
    atomic_write_many({path: text.encode("utf-8") for path, text in files.items()})
    return PullResult(export_file=candidate_file, changes=changes, report=report, notes=notes)
