"""Reopening a published dataset: its Label Studio tasks, from a built folder or through the Hub (olah on 127.0.0.1),
equal the annotations/ exports it was built from, and broken or missing sources fail with a HubError."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tahqiq.errors import DataError, Refused
from tahqiq.reopen import HubError, load_published_tasks

from conftest import ANNOTATIONS_DIR, PROJECT
from hub_fixtures import hub_env

REPO_ID = "tahqiq-tests/reopen"
REOPEN = """
import json, sys
from tahqiq.project import find_project
from tahqiq.reopen import HubError, load_published_tasks

try:
    tasks = load_published_tasks(project=find_project(), source=sys.argv[1], revision=sys.argv[2] or None)
except HubError as err:
    print(err)
    sys.exit(3)
with open(sys.argv[3], "w", encoding="utf-8") as fh:
    json.dump(tasks, fh, ensure_ascii=False)
"""


def annotation_tasks() -> list[dict]:
    return [task for path in sorted(ANNOTATIONS_DIR.glob("*.json"))
            for task in json.loads(path.read_text(encoding="utf-8"))]


def reopen_in_subprocess(source: str, revision: str | None, *, home, **env: str) -> subprocess.CompletedProcess:
    home.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-c", REOPEN, source, revision or "", str(home / "tasks.json")],
                          cwd=home, env=hub_env(home, TAHQIQ_PROJECT=str(PROJECT.root), **env), capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)


def test_reopen_local_built_repo_gives_the_annotation_tasks(built_repo):
    tasks = load_published_tasks(project=PROJECT, source=str(built_repo))
    assert tasks == annotation_tasks()
    assert all(any(a["ground_truth"] for a in task["annotations"]) for task in tasks)


def test_reopen_through_the_hub_path_gives_the_annotation_tasks(built_repo, olah_mirror, tmp_path):
    sha = olah_mirror.add_repo(built_repo, REPO_ID)
    for revision in (None, sha):
        home = tmp_path / (revision or "main")
        done = reopen_in_subprocess(REPO_ID, revision, home=home, HF_ENDPOINT=olah_mirror.endpoint)
        assert done.returncode == 0, done.stdout + done.stderr
        assert json.loads((home / "tasks.json").read_text(encoding="utf-8")) == annotation_tasks()
    assert olah_mirror.requests_for(f"GET /datasets/{REPO_ID}/resolve/{sha}/annotations/") == 2  # one shard


def test_reopen_unknown_hub_repo_or_revision_fails_clearly(built_repo, olah_mirror, tmp_path):
    olah_mirror.add_repo(built_repo, f"{REPO_ID}-revisions")
    done = reopen_in_subprocess("tahqiq-tests/absent", None, home=tmp_path / "a", HF_ENDPOINT=olah_mirror.endpoint)
    assert done.returncode == 3 and "no dataset tahqiq-tests/absent on http://127.0.0.1:" in done.stdout
    done = reopen_in_subprocess(f"{REPO_ID}-revisions", "no-such-branch", home=tmp_path / "b",
                                HF_ENDPOINT=olah_mirror.endpoint)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "no-such-branch" in done.stdout


def test_reopen_without_a_reachable_hub_fails_clearly(tmp_path):
    from hub_fixtures import free_port

    done = reopen_in_subprocess(REPO_ID, None, home=tmp_path, HF_ENDPOINT=f"http://127.0.0.1:{free_port()}")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "cannot reach the Hub" in done.stdout and "Traceback" not in done.stderr


@pytest.mark.parametrize(("source", "revision", "phrase"), [
    ("no/such/thing", None, "neither a folder nor a Hub repo id"),
    ("{built}", "main", "has no revisions"),
])
def test_reopen_rejects_sources_it_cannot_resolve(built_repo, source, revision, phrase):
    with pytest.raises(HubError, match=phrase):
        load_published_tasks(project=PROJECT, source=source.format(built=built_repo), revision=revision)


def test_reopen_refuses_a_repo_without_annotations(built_repo, tmp_path):
    repo = shutil.copytree(built_repo, tmp_path / "hub", ignore=shutil.ignore_patterns("annotations"))
    with pytest.raises(DataError, match="no annotations/"):
        load_published_tasks(project=PROJECT, source=str(repo))


def test_reopen_refuses_tasks_that_do_not_validate(built_repo, tmp_path):
    repo = shutil.copytree(built_repo, tmp_path / "hub")
    path = sorted((repo / "annotations").glob("*.json"))[0]
    tasks = json.loads(path.read_text(encoding="utf-8"))
    span = next(item for item in tasks[0]["annotations"][0]["result"] if item["type"] == "labels")
    span["value"]["end"] += 1
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Refused) as refused:
        load_published_tasks(project=PROJECT, source=str(repo))
    assert "span-text-mismatch" in {i.code for i in refused.value.report.errors}


def test_reopen_checks_the_repos_own_labels(built_repo, tmp_path):
    """The project's labels allow ORG; a repo whose own labels do not must be refused by the schema they make."""
    repo = shutil.copytree(built_repo, tmp_path / "hub")
    labels = repo / "schema" / "labels.yaml"
    text = labels.read_text(encoding="utf-8")
    assert text.count("      ORG: ") == 1
    labels.write_text(text.replace("      ORG: ", "      ORGANISATION: "), encoding="utf-8")
    with pytest.raises(Refused) as refused:
        load_published_tasks(project=PROJECT, source=str(repo))
    assert {i.code for i in refused.value.report.errors} == {"unknown-label"}
    assert any("'ORG' is not one of" in i.message for i in refused.value.report.errors)
