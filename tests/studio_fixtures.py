"""pytest plugin: one real Label Studio server for the whole test session (no mocks).

The server comes from the repository's `.studio/venv` (`make test` installs it first through `tahqiq studio
install`; the fixture installs it itself when it is missing), listens on a free loopback port and keeps its SQLite
data in a fresh temporary session folder. It is stopped by its PID in teardown, also when tests fail. Tests reach
it through the session folder (`studio_home`), never through a cached URL, because one test restarts it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from label_studio_sdk import LabelStudio

from tahqiq.manifest import sha256_text
from tahqiq.project import Project
from tahqiq.studio.home import StudioHome, load_credentials
from tahqiq.studio.server import down, install, running_session, up

from conftest import PROJECT, SEEDS_DIR, make_project


@pytest.fixture(scope="session")
def studio_home(tmp_path_factory: pytest.TempPathFactory):
    """The session folder of a running Label Studio; teardown stops it by PID."""
    home = StudioHome(root=tmp_path_factory.mktemp("studio"), venv=PROJECT.studio_dir / "venv")
    install(home=home)
    try:
        up(home=home)
        yield home
    finally:
        down(home=home)


@pytest.fixture
def studio_client(studio_home: StudioHome) -> LabelStudio:
    """An SDK client for direct API calls, the way the Label Studio web UI would make them."""
    session = running_session(studio_home)
    assert session is not None, "the session's Label Studio is not running"
    return LabelStudio(base_url=session.url, api_key=load_credentials(studio_home).token)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove a folder was left byte-identical."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


EMOJI_DOC = "900_emoji_offsets"
EMOJI_TEXT = "😀 قالت شركة إنفيديا إن مبيعاتها بلغت 30 مليار دولار.\nسطر ثان بلا أرقام.\n"


@pytest.fixture(scope="session")
def emoji_project(tmp_path_factory) -> Project:
    """A project with the real seeds plus one document whose first character is outside the BMP (two UTF-16
    units)."""
    seeds = tmp_path_factory.mktemp("seeds") / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    (seeds / f"{EMOJI_DOC}.txt").write_bytes(EMOJI_TEXT.encode("utf-8"))
    raw = yaml.safe_load((seeds / "manifest.yaml").read_text(encoding="utf-8"))
    raw["documents"].append({"doc_id": EMOJI_DOC, "copyright": "written for Tahqiq's tests",
                             "sha256": sha256_text(EMOJI_TEXT), "title": None,
                             "source": None, "language": "ar", "split": "train", "zones": {}})
    (seeds / "manifest.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return make_project(tmp_path_factory.mktemp("emoji-project"), seeds)
