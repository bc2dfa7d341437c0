"""pytest plugin for the Hub tests: a dataset repo built once into a temporary folder, and a real `olah` Hub mirror.

olah 0.5.4 serves plain git repositories as a read-only Hub: with `[accessibility] offline = true` it never contacts
huggingface.co, and `[basic] mirrors-path` names folders laid out as `{path}/datasets/{owner}/{name}` (each a git
repository), which it answers from for the Hub API (`/api/datasets/…/revision|tree|paths-info|refs`) and for file
downloads (`/datasets/…/resolve/…`). With HF_ENDPOINT pointing at it, huggingface_hub and datasets run their real
download path against 127.0.0.1 only."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tahqiq.build import build

from conftest import ANNOTATIONS_DIR, PROJECT

TAHQIQ = str(Path(sys.executable).parent / "tahqiq")  # the installed console script, as a user runs it
OLAH = str(Path(sys.executable).parent / "olah-cli")
READY_POLLS, POLL_SECONDS = 600, 0.1  # a bound on how long olah may take to start, not an assertion
HUB_VARIABLES = ("HF_TOKEN", "HF_TOKEN_PATH", "HF_OIDC_RESOURCE", "HF_ENDPOINT", "HF_HUB_OFFLINE",
                 "HF_DATASETS_OFFLINE", "HF_HOME", "HF_HUB_CACHE", "HF_DATASETS_CACHE", "HUGGINGFACE_HUB_CACHE")


def free_port() -> int:
    """A loopback port that nothing listens on right now (also used as a closed port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hub_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment for a subprocess that may talk to a Hub: no inherited token or cache, a fresh HF home and datasets
    cache under `home`, and HF_ENDPOINT at a closed loopback port unless `extra` names one, so that nothing reaches
    a real Hub by accident; loopback never goes through a proxy."""
    env = {k: v for k, v in os.environ.items() if k not in HUB_VARIABLES}
    env.update(HF_HOME=str(home / "hf-home"), HF_DATASETS_CACHE=str(home / "datasets-cache"),
               HF_ENDPOINT=f"http://127.0.0.1:{free_port()}", HF_HUB_DISABLE_TELEMETRY="1",
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    env.update(extra)
    return env


def run_tahqiq(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """The installed `tahqiq` on the repository's project, run from `cwd` (outside it)."""
    return subprocess.run([TAHQIQ, "--project", str(PROJECT.root), *args], env=env, cwd=cwd, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)


@dataclass
class OlahMirror:
    endpoint: str
    mirrors: Path
    log: Path

    def add_repo(self, folder: Path, repo_id: str) -> str:
        """Serve `folder` as the dataset repo `repo_id`: a git repository with one commit; returns its sha."""
        target = self.mirrors / "datasets" / repo_id
        shutil.copytree(folder, target)
        git = ["git", "-C", str(target), "-c", "user.name=tahqiq-tests", "-c", "user.email=tests@localhost",
               "-c", "commit.gpgsign=false"]
        subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", f"publish {repo_id}"], check=True)
        return subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()

    def requests_for(self, fragment: str) -> int:
        """How many requests the server logged whose path contains `fragment`."""
        return sum(fragment in line and '" 200' in line for line in self.log.read_text().splitlines())


def _wait_until_serving(process: subprocess.Popen, endpoint: str, log: Path) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for _ in range(READY_POLLS):
        if process.poll() is not None:
            pytest.fail(f"olah exited with {process.returncode} before serving:\n{log.read_text()}")
        try:  # a repo it does not serve: any HTTP answer (a 404) means it is up; the index page is broken in 0.5.4
            with opener.open(f"{endpoint}/api/datasets/tahqiq-tests/readiness-probe/refs", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(POLL_SECONDS)
    pytest.fail(f"olah did not answer on {endpoint}:\n{log.read_text()}")


@pytest.fixture(scope="session")
def built_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset repo built from annotations/ into a temporary folder (never dist/), once per session."""
    return build(project=PROJECT, annotations=[ANNOTATIONS_DIR], out=tmp_path_factory.mktemp("built") / "hub").out


@pytest.fixture(scope="session")
def olah_mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OlahMirror]:
    """A real olah server on 127.0.0.1 in offline mode, serving the git repos under its mirrors folder."""
    base = tmp_path_factory.mktemp("olah")
    port, upstream = free_port(), f"127.0.0.1:{free_port()}"  # even the upstream it never calls is loopback
    (base / "olah.toml").write_text(
        f'[basic]\nhost = "127.0.0.1"\nport = {port}\nrepos-path = "{base / "cache"}"\n'
        f'mirrors-path = ["{base / "mirrors"}"]\nmirror-netloc = "127.0.0.1:{port}"\n'
        f'mirror-lfs-netloc = "127.0.0.1:{port}"\nhf-scheme = "http"\nhf-netloc = "{upstream}"\n'
        f'hf-lfs-netloc = "{upstream}"\n\n[accessibility]\noffline = true\n', encoding="utf-8")
    (base / "mirrors" / "datasets").mkdir(parents=True)
    endpoint, log = f"http://127.0.0.1:{port}", base / "olah.out"
    with open(log, "w") as out:
        process = subprocess.Popen([OLAH, "-c", str(base / "olah.toml"), "--log-path", str(base / "logs")],
                                   cwd=base, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=hub_env(base))
    try:
        _wait_until_serving(process, endpoint, log)
        yield OlahMirror(endpoint=endpoint, mirrors=base / "mirrors", log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
