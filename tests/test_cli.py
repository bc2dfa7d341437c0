"""The command line as a user meets it: real subprocesses, exit codes, coded and located messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

from tahqiq.issues import CATALOGUE

from conftest import CASES, ROOT


def tahqiq(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tahqiq", *args], capture_output=True, text=True, cwd=ROOT)


def test_validate_gold_is_clean():
    run = tahqiq("validate", "annotations")
    assert run.returncode == 0, run.stdout
    assert "0 error(s)" in run.stdout


def test_validate_broken_export_prints_coded_located_problems():
    run = tahqiq("validate", str(CASES / "span-text-mismatch" / "export.json"))
    assert run.returncode == 1
    assert "[span-text-mismatch]" in run.stdout
    assert "task 1" in run.stdout and "annotation 11" in run.stdout and "/0/annotations/0/result/" in run.stdout
    hint = CATALOGUE["span-text-mismatch"].hint
    assert run.stdout.count(hint) == 1 and "hints:" in run.stdout  # each code's hint once, not per issue
    assert "Traceback" not in run.stdout + run.stderr


def test_validate_json_format():
    run = tahqiq("validate", "--format", "json", str(CASES / "json-invalid" / "export.json"))
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["ok"] is False
    (issue,) = report["issues"]
    assert issue["code"] == "json-invalid" and "line 1, column" in issue["message"]


def test_missing_path_is_a_usage_error():
    run = tahqiq("validate", "no/such/file.json")
    assert run.returncode == 2
    assert "no such file or folder" in run.stderr and "Traceback" not in run.stderr


def test_build_refuses_and_keeps_output(tmp_path):
    out = tmp_path / "hub"
    run = tahqiq("build", "--annotations", str(CASES / "unknown-label" / "export.json"), "--out", str(out))
    assert run.returncode == 1
    assert "[unknown-label]" in run.stdout and "not built" in run.stdout
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_help_explains_the_commands():
    run = tahqiq("--help")
    for command in ("validate", "generate", "build", "agreement", "studio"):
        assert command in run.stdout
