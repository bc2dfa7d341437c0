"""The command line as a user meets it: real subprocesses, exit codes, coded and located messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

from tahqiq.issues import CATALOGUE

from conftest import ROOT


def tahqiq(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tahqiq", *args], capture_output=True, text=True, cwd=ROOT)


def test_validate_gold_is_clean():
    run = tahqiq("validate", "annotations")
    assert run.returncode == 0, run.stdout
    assert "0 error(s)" in run.stdout


def test_validate_broken_export_prints_coded_located_problems(case_exports):
    run = tahqiq("validate", str(case_exports["span-text-mismatch"]))
    assert run.returncode == 1
    assert "[span-text-mismatch]" in run.stdout
    assert "task 1" in run.stdout and "annotation 11" in run.stdout and "/0/annotations/0/result/" in run.stdout
    hint = CATALOGUE["span-text-mismatch"].hint
    assert run.stdout.count(hint) == 1 and "hints:" in run.stdout  # each code's hint once, not per issue
    assert "Traceback" not in run.stdout + run.stderr


def test_validate_json_format(case_exports):
    run = tahqiq("validate", "--format", "json", str(case_exports["json-invalid"]))
    assert run.returncode == 1
    report = json.loads(run.stdout)
    assert report["ok"] is False
    (issue,) = report["issues"]
    assert issue["code"] == "json-invalid" and "line 1, column" in issue["message"]


def test_missing_path_is_a_usage_error():
    run = tahqiq("validate", "no/such/file.json")
    assert run.returncode == 2
    assert "no such file or folder" in run.stderr and "Traceback" not in run.stderr


def test_build_refuses_and_keeps_output(tmp_path, case_exports):
    out = tmp_path / "hub"
    run = tahqiq("build", "--annotations", str(case_exports["unknown-label"]), "--out", str(out))
    assert run.returncode == 1
    assert "[unknown-label]" in run.stdout and "not built" in run.stdout
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_help_explains_the_commands():
    run = tahqiq("--help")
    for command in ("validate", "generate", "build", "agreement", "studio"):
        assert command in run.stdout


def test_validate_selects_ignores_levels_and_caps_issues(case_exports):
    case = str(case_exports["span-text-mismatch"])  # one L2 error and two L2 warnings (unknown doc ids)
    run = tahqiq("validate", "--format", "json", case)
    assert json.loads(run.stdout)["counts"] == {"unknown-doc-id": 2, "span-text-mismatch": 1}
    run = tahqiq("validate", "--format", "json", "--select", "unknown-doc-id", case)
    assert run.returncode == 0 and {i["code"] for i in json.loads(run.stdout)["issues"]} == {"unknown-doc-id"}
    run = tahqiq("validate", "--format", "json", "--ignore", "unknown-doc-id", case)
    assert run.returncode == 1 and json.loads(run.stdout)["counts"] == {"span-text-mismatch": 1}
    run = tahqiq("validate", "--format", "json", "--level", "1", case)
    assert run.returncode == 0 and json.loads(run.stdout)["issues"] == []
    run = tahqiq("validate", "--max-issues", "1", case)
    assert run.returncode == 1 and "2 more issue(s) not shown" in run.stdout
    assert "unknown-doc-id 2, span-text-mismatch 1" in run.stdout  # the counts cover every issue
    run = tahqiq("validate", "--select", "no-such-code", case)
    assert run.returncode == 2 and "unknown code(s): no-such-code" in run.stderr


def test_json_report_has_a_format_version_hints_once_and_related_locations(case_exports):
    run = tahqiq("validate", "--format", "json", str(case_exports["duplicate-annotation-id"]))
    report = json.loads(run.stdout)
    assert report["format_version"] == 3
    (issue,) = [i for i in report["issues"] if i["code"] == "duplicate-annotation-id"]
    assert "hint" not in issue and report["hints"]["duplicate-annotation-id"]
    assert issue["related"] == [{"file": issue["file"], "pointer": "/0/annotations/0/id"}]


def test_a_report_says_which_annotations_level_3_skipped(case_exports):
    case = case_exports["span-text-mismatch"]
    report = json.loads(tahqiq("validate", "--format", "json", str(case)).stdout)
    (skipped,) = report["skipped"]
    assert skipped["codes"] == ["span-text-mismatch"] and skipped["task_id"] == 1
    assert "level 3 skipped for" in tahqiq("validate", str(case)).stdout


def test_progress_in_a_log_is_a_quiet_periodic_line(monkeypatch, capsys):
    import tahqiq.cli.output as output

    with output.TerminalProgress().counter("validating", "task") as advance:
        advance(64)
    assert capsys.readouterr().err == ""  # a short run says nothing in a log
    monkeypatch.setattr(output, "LOG_EVERY", 0.0)
    with output.TerminalProgress().counter("validating", "task") as advance:
        advance(64)
        advance(64)
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(",")[0] for line in lines] == ["validating: 64 tasks", "validating: 128 tasks"]
