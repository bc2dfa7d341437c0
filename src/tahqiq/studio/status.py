"""`studio status`: every project on the server, with its tasks, drafts, and the annotations made, changed or
deleted since the last pull (compared with the export that pull kept, by annotation id and `updated_at`, so no
clock is compared with another)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tahqiq.errors import StudioError
from tahqiq.model import annotator_id
from tahqiq.studio.annotators import server_users
from tahqiq.studio.client import Connection, api_call, connect, export_tasks
from tahqiq.studio.home import StudioHome
from tahqiq.studio.pulls import last_export


@dataclass(frozen=True)
class Work:
    """One annotation or draft, in Label Studio's ids."""

    doc_id: str | None
    task_id: int
    item_id: int
    who: str
    what: str  # "new", "changed", "deleted" or "draft"


@dataclass
class ProjectStatus:
    project_id: int
    title: str
    url: str
    tasks: int
    annotations: int
    last_pull: Path | None
    work: list[Work] = field(default_factory=list)  # drafts, and annotations not as the last pull saw them


def _versions(export: list[dict]) -> dict[int, tuple[dict, dict]]:
    """annotation id -> (task, annotation)."""
    return {a["id"]: (t, a) for t in export for a in t.get("annotations") or []}


def _kept_versions(path: Path) -> dict[int, tuple[dict, dict]]:
    """The annotations of a kept export; a damaged one (cut short, edited by hand) is a coded error, not a
    traceback, since status cannot tell what changed without it."""
    try:
        return _versions(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError, AttributeError, KeyError, TypeError) as err:
        raise StudioError(f"{path}, the export kept by the last pull, is damaged ({type(err).__name__}): delete "
                          "it (status then compares with the pull before, if one is kept) or pull again") from None


def project_status(conn: Connection, project_id: int, title: str, home: StudioHome,
                   users: dict[int, str]) -> ProjectStatus:
    export = export_tasks(conn, project_id)
    previous_file = last_export(home, project_id)
    previous = _kept_versions(previous_file) if previous_file else {}
    now = _versions(export)
    status = ProjectStatus(project_id=project_id, title=title, url=f"{conn.url}/projects/{project_id}",
                           tasks=len(export), annotations=len(now), last_pull=previous_file)

    def work(task: dict, item_id: int, completed_by, what: str) -> Work:
        who = annotator_id(completed_by)
        return Work((task.get("data") or {}).get("doc_id"), task["id"], item_id,
                    users.get(who, str(who)) if isinstance(who, int) else str(who), what)

    for annotation_id, (task, annotation) in now.items():
        before = previous.get(annotation_id)
        if before is None or before[1].get("updated_at") != annotation.get("updated_at"):
            status.work.append(work(task, annotation_id, annotation.get("completed_by"),
                                    "new" if before is None else "changed"))
    for annotation_id, (task, annotation) in previous.items():
        if annotation_id not in now:
            status.work.append(work(task, annotation_id, annotation.get("completed_by"), "deleted"))
    for task in export:
        for draft in task.get("drafts") or []:
            status.work.append(work(task, draft["id"], draft.get("user"), "draft"))
    return status


def studio_status(home: StudioHome) -> list[ProjectStatus]:
    """The status of every project on the session's server."""
    conn = connect(home)
    users = server_users(conn)
    with api_call("list projects"):
        projects = [(p.id, p.title) for p in conn.client.projects.list()]
    return [project_status(conn, pid, title, home, users) for pid, title in sorted(projects)]
