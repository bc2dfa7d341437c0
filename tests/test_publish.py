"""`tahqiq publish` as a user runs it (the installed console script, in a subprocess), and `verify_repo`.

No test here reaches a network: the dry run and every failure mode run with HF_ENDPOINT at a closed loopback port,
so a stray request would fail loudly instead of leaving the machine."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import httpx2
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from huggingface_hub import DatasetCard
from huggingface_hub.utils import hf_raise_for_status

from tahqiq.hubrepo import verify_repo
from tahqiq.outdir import MARKER
from tahqiq.publish import hub_error_message

from conftest import ANNOTATIONS_DIR, PROJECT, ROOT
from hub_fixtures import free_port, hub_env, run_tahqiq

VERSION = PROJECT.version

PLAN_LINE = re.compile(r"^\s+(\d+)\s+([0-9a-f]{64})\s+(\S.*)$")
FAKE_TOKEN = "hf_tahqiqTestTokenNeverPrinted0123456789"


def closed_endpoint() -> str:
    return f"http://127.0.0.1:{free_port()}"


def files_of(folder: Path) -> dict[str, tuple[int, str]]:
    """The files a commit must carry: all the build wrote but its marker, which stays local."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in folder.rglob("*") if p.is_file() and p.name != MARKER}


def yaml_block(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


# ---- the dry run ------------------------------------------------------------------------------------------------

def test_dry_run_plan_lists_exactly_the_built_files_without_token_or_network(tmp_path):
    out = tmp_path / "hub"
    done = run_tahqiq("publish", "--repo-id", "demo/tahqiq", "--dry-run", "--out", str(out),
                      env=hub_env(tmp_path, HF_ENDPOINT=closed_endpoint()), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    planned = {m[3]: (int(m[1]), m[2]) for m in map(PLAN_LINE.match, done.stdout.splitlines()) if m}
    assert planned == files_of(out)
    assert {"README.md", "LICENSE", "schema/labels.yaml", "schema/export.schema.json",
            "schema/labeling_config.xml", "documents/train-00000-of-00001.parquet"} <= planned.keys()
    assert sorted(p for p in planned if p.startswith("annotations/")) == ["annotations/tasks-00000.json"]
    card_yaml = done.stdout.split("card YAML (README.md):\n", 1)[1]
    assert yaml_block(card_yaml) == yaml_block((out / "README.md").read_text(encoding="utf-8"))
    assert f"message: Tahqiq data v{VERSION}" in done.stdout
    assert f"Dataset version: {VERSION}" in (out / "README.md").read_text(encoding="utf-8")
    assert f"git tag data-v{VERSION}" in done.stdout
    assert "nothing was sent to the Hub" in done.stdout


def test_changelog_has_an_entry_for_the_dataset_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(VERSION)} ", changelog, re.M), f"CHANGELOG.md lacks ## {VERSION}"


# ---- clear failures: exit 2, one line, no traceback, no token in the output -------------------------------------

def assert_clear_failure(done, *phrases: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    for phrase in phrases:
        assert phrase in done.stderr, done.stderr
    assert FAKE_TOKEN not in done.stderr + done.stdout


def test_no_token_says_how_to_log_in(tmp_path):
    done = run_tahqiq("publish", "--repo-id", "demo/tahqiq", "--out", str(tmp_path / "hub"),
                      env=hub_env(tmp_path, HF_ENDPOINT=closed_endpoint()), cwd=tmp_path)
    assert_clear_failure(done, "no Hugging Face token", "hf auth login", "HF_TOKEN")
    assert not (tmp_path / "hub").exists()  # refused before building


def test_unreachable_hub_says_so_and_nothing_was_uploaded(tmp_path):
    endpoint = closed_endpoint()
    done = run_tahqiq("publish", "--repo-id", "demo/tahqiq", "--out", str(tmp_path / "hub"),
                      env=hub_env(tmp_path, HF_ENDPOINT=endpoint, HF_TOKEN=FAKE_TOKEN), cwd=tmp_path)
    assert_clear_failure(done, f"cannot reach the Hugging Face Hub at {endpoint}", "nothing was uploaded")
    assert verify_repo(tmp_path / "hub") == []  # it validated and built before it tried the network


@pytest.mark.parametrize("repo_id", ["tahqiq", "a/b/c", "bad name/tahqiq", "demo/two--dashes", "demo/x.git"])
def test_invalid_repo_id_is_refused_before_anything_else(tmp_path, repo_id):
    done = run_tahqiq("publish", "--repo-id", repo_id, "--dry-run", "--out", str(tmp_path / "hub"),
                      env=hub_env(tmp_path, HF_ENDPOINT=closed_endpoint()), cwd=tmp_path)
    assert_clear_failure(done, f"invalid repo id {repo_id!r}")
    assert not (tmp_path / "hub").exists()


def test_invalid_annotations_are_refused_with_exit_1(tmp_path):
    annotations = shutil.copytree(ANNOTATIONS_DIR, tmp_path / "annotations")
    broken = sorted(annotations.glob("*.json"))[0]
    broken.write_text(broken.read_text(encoding="utf-8").replace('"labels": [\n', '"labels": [\n"NOT-A-LABEL",\n', 1),
                      encoding="utf-8")
    done = run_tahqiq("publish", "--repo-id", "demo/tahqiq", "--annotations", str(annotations),
                      "--out", str(tmp_path / "hub"),
                      env=hub_env(tmp_path, HF_ENDPOINT=closed_endpoint(), HF_TOKEN=FAKE_TOKEN), cwd=tmp_path)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert re.search(r"^not built: \d+ validation error", done.stdout, re.M) and "unknown-label" in done.stdout
    assert not (tmp_path / "hub").exists()


def hub_error(status: int, **headers: str):
    response = httpx2.Response(status, headers=headers, json={"error": "refused"},
                               request=httpx2.Request("POST", "http://127.0.0.1:9/api/datasets/demo/t/commit/main"))
    with pytest.raises(Exception) as caught:  # the real huggingface_hub classification of the answer
        hf_raise_for_status(response)
    return caught.value


@pytest.mark.parametrize(("error", "phrases"), [
    (lambda: hub_error(401), ["rejected the token", "hf auth login"]),
    (lambda: hub_error(403), ["permission denied for demo/t", "belongs to someone else"]),
    (lambda: hub_error(404, **{"X-Error-Code": "RepoNotFound"}), ["demo/t not found"]),
    (lambda: hub_error(404, **{"X-Error-Code": "RevisionNotFound"}), ["branch 'dev' not found"]),
    (lambda: hub_error(400, **{"X-Error-Message": "Invalid metadata in README.md"}),
     ["refused the upload (400)", "Invalid metadata in README.md"]),
])
def test_hub_error_answers_become_plain_words(error, phrases):
    message = hub_error_message(error(), "demo/t", "dev")
    for phrase in phrases:
        assert phrase in message
    assert "nothing was" in message


# ---- verify_repo: the card YAML against the Parquet files --------------------------------------------------------

def test_verify_repo_accepts_the_built_repo(built_repo):
    assert verify_repo(built_repo) == []


@pytest.fixture
def repo_copy(built_repo, tmp_path) -> Path:
    return shutil.copytree(built_repo, tmp_path / "hub")


def edit_card(repo: Path, config: str, edit) -> None:
    card = DatasetCard.load(repo / "README.md")
    edit(next(i for i in card.data.dataset_info if i["config_name"] == config),
         next(c for c in card.data.configs if c["config_name"] == config))
    card.save(repo / "README.md")


def test_verify_repo_finds_reordered_class_label_names(repo_copy):
    def swap(info, _):
        names = next(f for f in info["features"] if f["name"] == "zone")["dtype"]["class_label"]["names"]
        names["0"], names["1"] = names["1"], names["0"]
    edit_card(repo_copy, "entities", swap)
    problems = verify_repo(repo_copy)
    assert any("entities/train-00000-of-00001.parquet: ClassLabel names of zone differ" in p for p in problems)
    assert any("config entities: YAML features differ from those schema/labels.yaml defines" in p for p in problems)
    assert not any("numbers" in p for p in problems)


def test_verify_repo_finds_a_split_named_differently(repo_copy):
    edit_card(repo_copy, "claims", lambda _, config: config["data_files"][1].update(split="validation"))
    assert verify_repo(repo_copy) == ["config claims: splits in configs ['train', 'validation'] vs dataset_info "
                                      "['test', 'train']"]


def test_verify_repo_finds_a_column_missing_from_parquet(repo_copy):
    path = repo_copy / "entities" / "train-00000-of-00001.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["tokens"]), path)
    problems = verify_repo(repo_copy)
    assert len(problems) == 1 and "entities/train-00000-of-00001.parquet: columns differ" in problems[0]


def test_verify_repo_finds_class_ids_out_of_range(repo_copy):
    path = repo_copy / "numbers" / "test-00000-of-00001.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("zone")
    table = table.set_column(index, table.schema.field(index), pa.array([99] * table.num_rows, pa.int64()))
    pq.write_table(table, path)
    assert verify_repo(repo_copy) == ["numbers/test-00000-of-00001.parquet: zone has class ids 99..99, outside 0..6"]


def test_verify_repo_finds_a_row_count_the_card_does_not_state(repo_copy):
    path = repo_copy / "documents" / "test-00000-of-00001.parquet"
    pq.write_table(pq.read_table(path).slice(0, 1), path)
    assert verify_repo(repo_copy) == ["config documents, split test: dataset_info says 2 rows, Parquet has 1"]
