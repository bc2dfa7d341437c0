"""The Hub read path, for real: the built repo served as a git repository by olah on 127.0.0.1, loaded with
`datasets.load_dataset("OWNER/NAME", config)` in a fresh process and cache, equals the local load of the same folder.

Also the opt-in live test, which pushes to a real scratch repo as a pull request and repeats the comparison."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tahqiq.features import config_features, configs

from conftest import LABELS
from hub_fixtures import hub_env, run_tahqiq

CONFIGS = configs(LABELS)

REPO_ID = "tahqiq-tests/tahqiq"
LOAD = """
import json, sys
import datasets

source, revision, out = sys.argv[1], sys.argv[2] or None, sys.argv[3]
result = {}
for config in sys.argv[4:]:
    loaded = datasets.load_dataset(source, config, revision=revision)
    result[config] = {split: {"features": ds.features.to_dict(), "rows": ds.to_list()} for split, ds in loaded.items()}
with open(out, "w", encoding="utf-8") as fh:
    json.dump(result, fh, ensure_ascii=False)
"""


def load_in_subprocess(source: str, *, home: Path, revision: str | None = None, **env: str) -> dict:
    """Every config of `source` as loaded by `datasets` in a fresh process with a fresh cache under `home`."""
    home.mkdir()
    out = home / "loaded.json"
    done = subprocess.run([sys.executable, "-c", LOAD, source, revision or "", str(out), *CONFIGS], cwd=home,
                          env=hub_env(home, **env), capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(out.read_text(encoding="utf-8"))


def assert_same_dataset(remote: dict, local: dict) -> None:
    expected_features = {c: f.to_dict() for c, f in config_features(LABELS).items()}
    assert set(local) == set(CONFIGS)
    for config in CONFIGS:
        assert set(remote[config]) == set(local[config]) == {"train", "test"}
        for split, loaded in local[config].items():
            assert loaded["rows"], f"{config}/{split} is empty"
            assert loaded["features"] == expected_features[config]
            assert remote[config][split]["features"] == loaded["features"], f"{config}/{split} features"
            assert remote[config][split]["rows"] == loaded["rows"], f"{config}/{split} rows"


def test_olah_round_trip_equals_local_load_for_every_config(built_repo, olah_mirror, tmp_path):
    sha = olah_mirror.add_repo(built_repo, REPO_ID)
    remote = load_in_subprocess(REPO_ID, home=tmp_path / "remote", HF_ENDPOINT=olah_mirror.endpoint)
    local = load_in_subprocess(str(built_repo), home=tmp_path / "local")
    assert_same_dataset(remote, local)
    for config in CONFIGS:  # the bytes really came through the mirror, not from some cache
        for split in ("train", "test"):
            assert olah_mirror.requests_for(f"GET /datasets/{REPO_ID}/resolve/{sha}/{config}/{split}-") >= 1


LIVE = os.environ.get("HF_TOKEN") and os.environ.get("TAHQIQ_LIVE_HUB") == "1"


@pytest.mark.live
@pytest.mark.skipif(not LIVE, reason="opt-in: set HF_TOKEN and TAHQIQ_LIVE_HUB=1 to push to a real scratch repo")
def test_live_push_as_pull_request_loads_back_equal(tmp_path):
    from huggingface_hub import HfApi, constants

    token, hub = os.environ["HF_TOKEN"], constants.ENDPOINT
    repo_id = os.environ.get("TAHQIQ_LIVE_REPO") or f"{HfApi(token=token).whoami()['name']}/tahqiq-scratch"
    out = tmp_path / "hub"
    done = run_tahqiq("publish", "--repo-id", repo_id, "--create-pr", "--out", str(out),
                      env=hub_env(tmp_path, HF_TOKEN=token, HF_ENDPOINT=hub), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert token not in done.stdout + done.stderr
    pr = re.search(r"^pull request: \S+/discussions/\d+ \(revision (refs/pr/\d+)\)$", done.stdout, re.M)
    assert pr, done.stdout
    remote = load_in_subprocess(repo_id, home=tmp_path / "remote", revision=pr[1],
                               HF_TOKEN=token, HF_ENDPOINT=hub)
    assert_same_dataset(remote, load_in_subprocess(str(out), home=tmp_path / "local"))
