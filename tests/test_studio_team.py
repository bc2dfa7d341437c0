"""A team on the real Label Studio of the session (tests/studio_fixtures.py): an account per annotator pulled as
its own identity, pull errors named in Label Studio's ids, and an article added end to end."""

from __future__ import annotations

import json
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from datasets import load_dataset
from test_studio import span, task_ids, ui_annotation

from tahqiq.agreement import agreement_from_tasks
from tahqiq.baselines import model_version
from tahqiq.build import build
from tahqiq.cli import main
from tahqiq.evaluate import evaluate
from tahqiq.project import Project
from tahqiq.studio.home import load_credentials, read_passwords
from tahqiq.studio.identities import PASS_IDENTITIES, load_register
from tahqiq.studio.pull import PullRefused, pull
from tahqiq.studio.push import push
from tahqiq.studio.server import running_session
from tahqiq.validate import validate_paths

from conftest import ANNOTATIONS_DIR, PROJECT, SEEDS_DIR, make_project
from studio_fixtures import EMOJI_DOC, EMOJI_TEXT, tree_bytes

pytestmark = pytest.mark.studio

# Written for this test: a title, one sentence with a company, a sum and a claim, and a line of site furniture.
ARTICLE = "أرباح قياسية لشركة رقائق أمريكية\nقالت شركة إنفيديا إن مبيعاتها بلغت 30 مليار دولار.\nBack Top\n"


@pytest.fixture
def team_project(tmp_path: Path, emoji_project: Project) -> Project:
    """A project of its own (its annotators.yaml and seeds are written by the tests), with the gold copied."""
    project = make_project(tmp_path / "project", emoji_project.seeds_dir)
    shutil.copytree(ANNOTATIONS_DIR, project.annotations_dir)
    project.studio_dir.mkdir()
    (project.studio_dir / "venv").symlink_to(PROJECT.studio_dir / "venv")  # the server is installed once
    return project


def cli(*args: str, project: Project, studio_home) -> int:
    return main(["--project", str(project.root), *args, "--studio-dir", str(studio_home.root)])


@contextmanager
def logged_in(url: str, email: str, password: str) -> Iterator[httpx.Client]:
    """A browser session of the account, logged in through the web form as a person would: its API calls are
    the account's own, as the annotator's own tab makes them."""
    with httpx.Client(base_url=url) as browser:
        browser.get("/user/login/")
        browser.post("/user/login/", data={"email": email, "password": password,
                                           "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                     headers={"Referer": f"{url}/user/login/"})
        browser.headers["X-CSRFToken"] = browser.cookies["csrftoken"]  # a new token comes with the login
        yield browser


def test_two_annotators_on_one_task_are_pulled_as_two_identities(studio_home, studio_client, team_project, capfd):
    emails = ("amal@example.org", "badr@example.org")
    for email in emails:
        assert cli("studio", "annotator", "add", email, project=team_project, studio_home=studio_home) == 0
    out = "".join(capfd.readouterr())
    passwords = read_passwords(studio_home)
    assert stat.S_IMODE(studio_home.passwords_file.stat().st_mode) == 0o600
    assert all(passwords[e] not in out for e in emails)
    register = load_register(team_project.annotators_file)
    identities = [register[e] for e in emails]
    assert len(set(identities)) == 2 and not set(identities) & set(PASS_IDENTITIES)
    assert cli("studio", "annotator", "list", project=team_project, studio_home=studio_home) == 0
    listed = capfd.readouterr().out
    assert all(f"{e}  user " in listed and f"completed_by {register[e]}" in listed for e in emails)

    push(project=team_project, home=studio_home, annotations_dir=team_project.annotations_dir, title="team")
    users = {u.email: u.id for u in studio_client.users.list()}
    task_id = task_ids(studio_client, "team")[EMOJI_DOC]
    with logged_in(running_session(studio_home).url, emails[0], passwords[emails[0]]) as amal:
        assert amal.get("/api/current-user/whoami").json()["email"] == emails[0]  # the account really logs in
        made = amal.post(f"/api/tasks/{task_id}/annotations/", json={"result": ui_annotation(EMOJI_TEXT)})
    assert made.status_code == 201, made.text
    first = made.json()
    assert first["completed_by"] == users[emails[0]]  # Label Studio took the author from the session
    second = studio_client.annotations.create(id=task_id, result=ui_annotation(EMOJI_TEXT)[:1],
                                              completed_by=users[emails[1]], ground_truth=True)
    assert cli("studio", "status", project=team_project, studio_home=studio_home) == 0
    status = capfd.readouterr().out
    assert f"new: {EMOJI_DOC} · task #{task_id} · annotation #{first['id']} · {emails[0]}" in status

    pull(project=team_project, home=studio_home, annotations_dir=team_project.annotations_dir, title="team")
    (stored,) = json.loads((team_project.annotations_dir / f"{EMOJI_DOC}.json").read_text(encoding="utf-8"))
    assert {a["id"]: a["completed_by"] for a in stored["annotations"]} == {first["id"]: identities[0],
                                                                            second.id: identities[1]}
    tasks = validate_paths([team_project.annotations_dir], labels=team_project.labels,
                           manifest=team_project.manifest).tasks
    passes = agreement_from_tasks(tasks, first=1, second=2, labels=team_project.labels)
    assert EMOJI_DOC not in passes.documents  # a newcomer's work never enters the passes' agreement
    team = agreement_from_tasks(tasks, first=identities[0], second=identities[1], labels=team_project.labels)
    assert team.documents == [EMOJI_DOC]
    assert cli("studio", "status", project=team_project, studio_home=studio_home) == 0
    assert "0 annotation(s) new, changed or deleted since the pull" in capfd.readouterr().out.split("'team'")[1]


def test_a_pull_error_names_the_label_studio_ids_and_the_doc(studio_home, studio_client, team_project, capsys):
    push(project=team_project, home=studio_home, annotations_dir=team_project.annotations_dir, title="named",
         predictions=False)
    task_id = task_ids(studio_client, "named")[EMOJI_DOC]
    bad = span("BadEdge001", "entity", "ORG", EMOJI_TEXT, EMOJI_TEXT.index("إنفيديا") - 1,
               EMOJI_TEXT.index("إنفيديا") + len("إنفيديا"))  # starts with the space before the name
    made = studio_client.annotations.create(id=task_id, result=[bad])  # by the admin, not registered yet
    before = tree_bytes(team_project.annotations_dir)
    register = "# kept by hand\nannotators:\n- email: zaid@example.org\n  identity: 7\n"
    team_project.annotators_file.write_text(register, encoding="utf-8")
    with pytest.raises(PullRefused) as refused:
        pull(project=team_project, home=studio_home, annotations_dir=team_project.annotations_dir, title="named")
    (issue,) = [i for i in refused.value.report.errors if i.code == "span-untrimmed"]
    place = refused.value.places[issue]
    assert (place.doc_id, place.task_id, place.annotation_id) == (EMOJI_DOC, task_id, made.id)
    assert place.region_text == " إنفيديا" and load_credentials(studio_home).username in place.annotator

    assert cli("studio", "pull", "--title", "named", project=team_project, studio_home=studio_home) == 1
    out = capsys.readouterr().out
    assert (f"error [span-untrimmed] L2 doc {EMOJI_DOC} · Label Studio task #{task_id} · annotation #{made.id} · "
            f"by {load_credentials(studio_home).username}") in out
    assert "region « إنفيديا»" in out and "stored as:" in out and "now has identity" not in out
    assert tree_bytes(team_project.annotations_dir) == before
    assert team_project.annotators_file.read_bytes() == register.encode("utf-8")  # no identity given by a refusal


def test_an_added_article_is_pushed_annotated_pulled_validated_and_built(studio_home, studio_client, tmp_path):
    project = make_project(tmp_path / "project", SEEDS_DIR)
    shutil.copytree(ANNOTATIONS_DIR, project.annotations_dir)  # the new article joins the gold of both splits
    article = tmp_path / "article.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    assert main(["--project", str(project.root), "seed", "add", str(article), "--split", "train", "--yes"]) == 0
    project = Project(project.root)  # the manifest is read afresh
    (seed,) = [d for d in project.manifest.documents if d.read_text() == ARTICLE]
    assert seed.path.read_bytes() == article.read_bytes() and seed.split == "train"
    assert seed.zones == {0: "title", 2: "boilerplate"}

    summary = push(project=project, home=studio_home, annotations_dir=project.annotations_dir, title="added")
    task = studio_client.tasks.get(id=task_ids(studio_client, "added")[seed.doc_id])
    assert task.data["text"] == ARTICLE and len(task.predictions) == 1  # offered with the suggestions
    studio_client.annotations.create(id=task.id, result=ui_annotation(ARTICLE))
    assert summary.counts["tasks created"] == len(project.manifest.documents)

    pull(project=project, home=studio_home, annotations_dir=project.annotations_dir, title="added")
    assert validate_paths([project.annotations_dir], labels=project.labels, manifest=project.manifest).report.ok
    out = tmp_path / "hub"
    build(project=project, annotations=[project.annotations_dir], out=out)
    rows = load_dataset(str(out), "documents", cache_dir=str(tmp_path / "hf-cache"))["train"]
    (doc,) = [d for d in rows if d["doc_id"] == seed.doc_id]
    assert doc["text"] == ARTICLE and [n["value"] for n in doc["numbers"]] == [30e9]

    kept = sorted(studio_home.pulls_dir.glob(f"export-{summary.project_id}-*.json"))[-1]
    assert list(evaluate(project, config="numbers", split="train", predictions=kept)) == [model_version()]
    again = push(project=project, home=studio_home, annotations_dir=tmp_path / "unused", title="added-again",
                 source=str(kept), predictions=False)  # the kept pull's stored form, not Label Studio's ids
    stored = validate_paths([project.annotations_dir], labels=project.labels, manifest=project.manifest).tasks
    assert again.counts["annotations created"] == sum(len(t.annotations) for t in stored)
    fresh = tmp_path / "fresh"
    pull(project=project, home=studio_home, annotations_dir=fresh, title="added-again")
    assert tree_bytes(fresh) == tree_bytes(project.annotations_dir)


def test_status_with_a_damaged_kept_export_says_which_file_and_what_to_do(studio_home, team_project, capsys):
    summary = push(project=team_project, home=studio_home, annotations_dir=team_project.annotations_dir,
                   title="damaged", predictions=False)
    pull(project=team_project, home=studio_home, annotations_dir=team_project.annotations_dir, title="damaged")
    (kept,) = studio_home.pulls_dir.glob(f"export-{summary.project_id}-*.json")
    whole = kept.read_text(encoding="utf-8")
    kept.write_text(whole[:100], encoding="utf-8")  # cut short
    try:
        assert cli("studio", "status", project=team_project, studio_home=studio_home) == 2
    finally:
        kept.write_text(whole, encoding="utf-8")  # the session is shared with the other studio tests
    err = capsys.readouterr().err
    assert f"tahqiq: [studio] {kept}, the export kept by the last pull, is damaged" in err
    assert "pull again" in err and "Traceback" not in err
