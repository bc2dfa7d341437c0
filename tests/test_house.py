"""The house rules a user and a maintainer rely on: `tahqiq` acts on the project it stands in, installs as a normal
wheel, the library never talks to the terminal, and labels.yaml alone drives every artefact."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from tahqiq.build import build
from tahqiq.card import label_tables
from tahqiq.features import config_features
from tahqiq.generate import labeling_config
from tahqiq.labels import parse_labels
from tahqiq.validate.schema import export_schema

from conftest import FIXTURES, PROJECT, ROOT, make_project

TAHQIQ = str(Path(sys.executable).parent / "tahqiq")
SRC = ROOT / "src" / "tahqiq"


def run(*args: str, cwd: Path, tahqiq: str = TAHQIQ, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in __import__("os").environ.items() if k != "TAHQIQ_PROJECT"} | env
    return subprocess.run([tahqiq, *args], cwd=cwd, env=environ, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """Another project folder: the fixture seeds and export, the repository's labels and card prose."""
    project = make_project(tmp_path / "clone", FIXTURES / "seeds")
    (project.root / "annotations").mkdir()
    shutil.copyfile(FIXTURES / "export.json", project.root / "annotations" / "export.json")
    (project.root / "docs").mkdir()
    return project.root


def test_the_command_acts_on_the_project_it_stands_in(clone):
    """This repository's installed `tahqiq`, run inside another project (or a folder below it), reads and writes
    that project only."""
    below = clone / "seeds"
    done = run("validate", cwd=below)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok: 1 file(s), 2 task(s)" in done.stdout
    before = sorted(p for p in (ROOT / "dist").rglob("*")) if (ROOT / "dist").exists() else []
    done = run("build", cwd=below)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (clone / "dist" / "hub" / "README.md").is_file()
    assert f"built {clone / 'dist' / 'hub'}" in done.stdout
    after = sorted(p for p in (ROOT / "dist").rglob("*")) if (ROOT / "dist").exists() else []
    assert after == before


def test_project_option_and_environment_name_the_project(clone, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    done = run("validate", cwd=outside)
    assert done.returncode == 2 and "no Tahqiq project here" in done.stderr and "--project" in done.stderr
    assert "Traceback" not in done.stderr
    assert run("--project", str(clone), "validate", cwd=outside).returncode == 0
    assert run("validate", cwd=outside, TAHQIQ_PROJECT=str(clone)).returncode == 0
    done = run("--project", str(outside), "validate", cwd=outside)
    assert done.returncode == 2 and "has no schema/labels.yaml" in done.stderr


def test_help_names_the_project_option():
    done = run("--help", cwd=ROOT)
    assert "--project DIR" in done.stdout and "TAHQIQ_PROJECT" in done.stdout


def test_a_wheel_installed_elsewhere_validates_and_builds_a_project(clone, tmp_path):
    """A normal (non-editable) wheel in a fresh environment; its dependencies come from this environment's
    site-packages, added as a plain path so the editable install of this checkout stays out of sight."""
    source = tmp_path / "source"  # built from a copy: setuptools writes build/ into the tree it builds
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-DATA.md"):
        shutil.copyfile(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels),
                           str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (wheel,) = wheels.glob("tahqiq-*.whl")
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(fresh)], check=True)
    python = fresh / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    where = subprocess.run([str(python), "-c", "import tahqiq; print(tahqiq.__file__)"], capture_output=True,
                           text=True, check=True).stdout.strip()
    assert where.startswith(str(fresh)), where
    installed = str(fresh / "bin" / "tahqiq")
    assert run("validate", cwd=clone, tahqiq=installed).returncode == 0
    done = run("build", "--out", str(clone / "out"), cwd=clone, tahqiq=installed)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (clone / "out" / "README.md").is_file()


def _library_modules() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "cli" not in p.relative_to(SRC).parts and p.name != "__main__.py"]


def test_the_library_knows_no_terminal():
    """Outside tahqiq.cli no module prints, imports argparse or a progress bar, exits, or knows an exit code."""
    found = []
    for path in _library_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(SRC)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("print", "exit"):
                found.append(f"{where} calls {node.func.id}")
            if isinstance(node, ast.Attribute) and (node.attr, getattr(node.value, "id", "")) in (
                    ("exit", "sys"), ("_exit", "os"), ("stdout", "sys"), ("stderr", "sys")):
                found.append(f"{where} uses {node.value.id}.{node.attr}")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
                if any(n and (n.split(".")[0] in ("argparse", "tqdm") or n.startswith("tahqiq.cli")) for n in names):
                    found.append(f"{where} imports {names}")
            if isinstance(node, ast.Name) and node.id.startswith("EXIT_"):
                found.append(f"{where} uses {node.id}")
    assert found == []


def test_version_and_help_do_not_import_heavy_libraries():
    code = ("import sys; from tahqiq.cli import parser; parser(); "
            "print(sorted(m for m in ('datasets', 'label_studio_sdk', 'huggingface_hub', 'pyarrow', 'jsonschema') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_new_attribute_and_relation_reach_every_artefact(tmp_path, fixture_export):
    """Add an attribute and a relation to a copy of labels.yaml: schema, Label Studio config, Features, rows and
    card follow with no code change."""
    project = make_project(tmp_path / "extended", FIXTURES / "seeds")
    raw = yaml.safe_load(project.labels_file.read_text(encoding="utf-8"))
    raw["layers"]["claim"]["attributes"]["stance"] = {
        "control": "choices", "required": False, "description": "whether the article agrees with the claim",
        "choices": ["agrees", "neutral", "disputes"]}
    raw["relations"]["contradicts"] = {"from": "claim", "to": "claim", "column": "contradicted_ids",
                                       "description": "an earlier claim this one contradicts"}
    project.labels_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    labels = parse_labels(raw)

    schema = json.dumps(export_schema(labels))
    assert '"stance"' in schema and '"disputes"' in schema and '"contradicts"' in schema
    config = labeling_config(labels)
    assert 'name="stance"' in config and '<Choice value="disputes"/>' in config
    assert '<Relation value="contradicts"/>' in config
    claim_item = config_features(labels)["claims"]["claims"].feature
    assert claim_item["stance"].names == ["agrees", "neutral", "disputes"]
    assert "contradicted_ids" in claim_item
    tables = label_tables(labels)
    assert "`stance`" in tables and "`contradicts`" in tables and "`contradicted_ids`" in tables

    tasks = json.loads(fixture_export.read_text(encoding="utf-8"))
    result = tasks[0]["annotations"][0]["result"]
    claims = [i for i in result if i.get("from_name") == "claim"]
    first, second = claims[0], claims[1]
    result.append({"id": first["id"], "from_name": "stance", "to_name": "text", "type": "choices",
                   "value": {"start": first["value"]["start"], "end": first["value"]["end"],
                             "choices": ["disputes"]}})
    result.append({"from_id": second["id"], "to_id": first["id"], "type": "relation", "direction": "right",
                   "labels": ["contradicts"]})
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "hub"
    build(project=project, annotations=[export], out=out)
    from datasets import load_dataset

    docs = load_dataset(str(out), "documents", cache_dir=str(tmp_path / "cache"))
    names = docs["train"].features["claims"].feature["stance"].names
    rows = {c["id"]: c for split in docs.values() for doc in split for c in doc["claims"]}
    assert names[rows[first["id"]]["stance"]] == "disputes"
    assert rows[second["id"]]["contradicted_ids"] == [first["id"]]
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "`stance`" in readme and "`contradicted_ids`" in readme


def test_the_data_version_comes_from_the_project_and_needs_a_changelog_entry(clone):
    pyproject = clone / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(f'version = "{PROJECT.version}"',
                                                                     'version = "9.8.7"'), encoding="utf-8")
    done = run("publish", "--repo-id", "demo/tahqiq", "--dry-run", "--out", str(clone / "out"), cwd=clone)
    assert done.returncode == 1 and "no entry for version 9.8.7" in done.stderr
    assert not (clone / "out").exists()
    changelog = clone / "CHANGELOG.md"
    changelog.write_text(changelog.read_text(encoding="utf-8") + "\n## 9.8.7 — test\n\n- a test release\n",
                         encoding="utf-8")
    done = run("publish", "--repo-id", "demo/tahqiq", "--dry-run", "--out", str(clone / "out"), cwd=clone)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "message: Tahqiq data v9.8.7" in done.stdout
    assert "Dataset version: 9.8.7" in (clone / "out" / "README.md").read_text(encoding="utf-8")
