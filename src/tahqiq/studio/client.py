"""The Label Studio API as push and pull need it (label-studio-sdk 2.x): connect with the stored token, find or
create the Tahqiq project, and turn API failures into StudioErrors that name the status and the server's reason
(never the request headers, which carry the session cookie)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from tahqiq.errors import StudioError
from tahqiq.network import redact, timeout_seconds
from tahqiq.studio.home import StudioHome, load_credentials
from tahqiq.studio.server import running_session

META_KEY = "tahqiq"  # task meta kept by push so pull can restore the ids and annotators of annotations/


def pushed_annotators(meta: dict | None) -> dict:
    """The annotators push recorded in a server task's meta: stored annotation id (as text) -> its `completed_by`."""
    return ((meta or {}).get(META_KEY) or {}).get("completed_by") or {}


def stored_id(annotation: dict) -> object:
    """The id a server annotation has in annotations/: the one push imported it under, else its own."""
    return annotation.get("import_id") or annotation["id"]


@dataclass(frozen=True)
class Connection:
    client: LabelStudio
    url: str


@contextmanager
def api_call(action: str) -> Iterator[None]:
    try:
        yield
    except ApiError as err:
        raise StudioError(f"Label Studio refused to {action}: HTTP {err.status_code}: {redact(err.body)}") from None
    except httpx.HTTPError as err:
        raise StudioError(f"could not {action}: {type(err).__name__}: {redact(err)}") from None


def connect(home: StudioHome) -> Connection:
    session = running_session(home)
    creds = load_credentials(home)
    if session is None or creds is None:
        raise StudioError(f"no Label Studio is running for {home.root}: start it with `tahqiq studio up`")
    client = LabelStudio(base_url=session.url, api_key=creds.token, timeout=timeout_seconds())
    return Connection(client=client, url=session.url)


def find_project(conn: Connection, title: str) -> int | None:
    with api_call("list projects"):
        matches = [p.id for p in conn.client.projects.list(title=title) if p.title == title]
    if len(matches) > 1:
        raise StudioError(f"{len(matches)} projects are called {title!r}; rename all but one in Label Studio")
    return matches[0] if matches else None


def ensure_project(conn: Connection, *, title: str, label_config: str) -> tuple[int, bool]:
    """The project's id, created or updated so it uses `label_config`. Returns (id, created)."""
    project_id = find_project(conn, title)
    if project_id is None:
        with api_call("create the project"):
            project = conn.client.projects.create(
                title=title, label_config=label_config,
                description="Tahqiq: entities, numbers and check-worthy claims in Arabic news")
        return project.id, True
    with api_call("update the labeling config"):
        conn.client.projects.update(id=project_id, label_config=label_config)
    return project_id, False


def prefill_from(conn: Connection, project_id: int, model_version: str) -> None:
    """Let Label Studio pre-fill new annotations from the predictions of `model_version` (it must exist first)."""
    with api_call("select the predictions that pre-fill annotations"):
        conn.client.projects.update(id=project_id, model_version=model_version, show_collab_predictions=True)


def require_project(conn: Connection, title: str) -> int:
    project_id = find_project(conn, title)
    if project_id is None:
        raise StudioError(f"there is no project {title!r} on {conn.url}: create it with `tahqiq studio push`")
    return project_id


def export_tasks(conn: Connection, project_id: int) -> list[dict]:
    """The project's full JSON export: every task with every annotation, draft and prediction id."""
    with api_call("export the project"):
        return json.loads(b"".join(conn.client.projects.exports.download_sync(project_id, export_type="JSON",
                                                                            download_all_tasks=True)))
