"""Hostile input and misuse: every case ends with a coded message and exit 1 (data) or 2 (usage, environment), no
traceback, nothing written outside the output folder, and annotations/ and the previous build left as they were."""

from __future__ import annotations

import fcntl
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tahqiq import outdir
from tahqiq.build import build
from tahqiq.errors import DataError, EnvironmentProblem, Refused, UsageError
from tahqiq.evaluate import file_predictions
from tahqiq.generate import drifted_files, labeling_config
from tahqiq.labels import parse_labels
from tahqiq.network import redact
from tahqiq.project import Project

from conftest import FIXTURES, LABELS, ROOT, make_project
from studio_fixtures import tree_bytes

TAHQIQ = str(Path(sys.executable).parent / "tahqiq")


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("TAHQIQ_PROJECT", "HF_TOKEN")} | env
    return subprocess.run([TAHQIQ, *args], cwd=cwd, env=environ, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


def clean_failure(done: subprocess.CompletedProcess, code: int) -> str:
    """The run failed with `code`, without a traceback; returns what it printed."""
    printed = done.stdout + done.stderr
    assert done.returncode == code, printed
    assert "Traceback" not in printed
    return printed


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A project of its own with the fixture seeds, its export in annotations/, and a first build in dist/hub."""
    project = make_project(tmp_path / "project", FIXTURES / "seeds")
    (project.root / "annotations").mkdir()
    (project.root / "annotations" / "export.json").write_bytes((FIXTURES / "export.json").read_bytes())
    build(project=project, annotations=[project.annotations_dir], out=project.dist_hub_dir)
    return project


def tasks() -> list[dict]:
    return json.loads((FIXTURES / "export.json").read_text(encoding="utf-8"))


def untouched(project: Project, before: dict[str, bytes]) -> None:
    assert tree_bytes(project.root) == before


@pytest.mark.parametrize(("name", "content", "code"), [
    ("nan", b'[{"id": NaN}]', "json-invalid"),
    ("infinity", b'[{"id": 1, "x": -Infinity}]', "json-invalid"),
    ("huge-float", b'[{"id": 1e309}]', "json-invalid"),
    ("huge-int", b'[{"id": ' + b"9" * 5000 + b"}]", "json-invalid"),
    ("lone-surrogate", b'[{"id": 1, "data": {"text": "\\ud800"}}]', "json-invalid"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "json-too-deep"),
    ("null", b"null", "schema-violation"),
    ("empty-list", b"[]", "empty-export"),
    ("float-offset", None, "offset-not-integer"),
    ("no-doc-id-in-build", None, "unknown-doc-id"),
])
def test_hostile_exports_are_refused_with_a_code(project, tmp_path, name, content, code):
    if name == "float-offset":
        data = tasks()
        next(i for i in data[0]["annotations"][0]["result"] if i["type"] == "labels")["value"]["start"] = 1.0
        content = json.dumps(data).encode()
    if name == "no-doc-id-in-build":
        data = tasks()
        del data[0]["data"]["doc_id"]
        content = json.dumps(data).encode()
    export = tmp_path / f"{name}.json"
    export.write_bytes(content)
    before = tree_bytes(project.root)
    if code == "unknown-doc-id":  # a warning: the task is left out of the build, and the build says so
        assert f"[{code}]" in clean_failure(run("validate", str(export), cwd=project.root), 0)
        out = project.root.parent / "out"
        done = run("build", "--annotations", str(export), "--out", str(out), cwd=project.root)
        assert "1 validation warning(s)" in clean_failure(done, 0)
        carried = [t for path in (out / "annotations").iterdir() for t in json.loads(path.read_text("utf-8"))]
        assert len(carried) == 1
    else:
        for command in (["validate", str(export)], ["build", "--annotations", str(export)]):
            assert f"[{code}]" in clean_failure(run(*command, cwd=project.root), 1)
    untouched(project, before)


def test_a_doc_id_with_a_path_never_writes_outside(project, tmp_path):
    data = tasks()
    data[0]["data"]["doc_id"] = "../../escaped"
    export = tmp_path / "traversal.json"
    export.write_text(json.dumps(data), encoding="utf-8")
    before = tree_bytes(project.root)
    printed = clean_failure(run("build", "--annotations", str(export), cwd=project.root), 1)
    assert "[doc-id-invalid]" in printed
    untouched(project, before)
    assert not list(tmp_path.rglob("escaped*"))


def test_only_documents_of_the_manifest_are_built_and_carried(project, tmp_path):
    data = tasks()
    data[1]["data"]["doc_id"] = "not-in-manifest"
    data[1]["data"]["text"] = data[1]["data"]["text"]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    build(project=project, annotations=[export], out=out)
    carried = [task for path in (out / "annotations").iterdir() for task in json.loads(path.read_text("utf-8"))]
    assert [task["data"]["doc_id"] for task in carried] == [data[0]["data"]["doc_id"]]


def test_empty_inputs_are_errors(project, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in (["validate", str(empty)], ["build", "--annotations", str(empty)]):
        assert "[empty-input]" in clean_failure(run(*command, cwd=project.root), 1)
    assert (project.dist_hub_dir / outdir.MARKER).is_file()


def test_only_regular_files_are_read(project, tmp_path):
    pipe = tmp_path / "x.json"
    os.mkfifo(pipe)
    endless = tmp_path / "zero.json"
    endless.symlink_to("/dev/zero")
    for path in (pipe, endless):
        printed = clean_failure(run("validate", str(path), cwd=project.root), 1)
        assert "[file-unreadable]" in printed and "not a regular file" in printed


def test_the_size_limit_is_an_option(project, tmp_path):
    big = tmp_path / "big.json"  # a valid export padded past 1 MB
    big.write_text(json.dumps(tasks()) + " " * (1 << 20), encoding="utf-8")
    assert "[file-too-large]" in clean_failure(run("validate", str(big), cwd=project.root, TAHQIQ_MAX_FILE_MB="1"), 1)
    assert "[file-too-large]" in clean_failure(run("--max-file-mb", "1", "validate", str(big), cwd=project.root), 1)
    assert run("--max-file-mb", "2", "validate", str(big), cwd=project.root).returncode == 0
    assert "positive whole number" in clean_failure(run("--max-file-mb", "0", "validate", cwd=project.root), 2)


@pytest.mark.parametrize("target", ["annotations", "project", "home", "seeds", "foreign", "file", "link"])
def test_out_never_replaces_what_is_not_a_build(project, tmp_path, target):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "a-file").write_text("mine", encoding="utf-8")
    (tmp_path / "a-link").symlink_to(foreign)
    out = {"annotations": project.annotations_dir, "project": project.root, "home": Path.home(),
           "seeds": project.seeds_dir, "foreign": foreign, "file": tmp_path / "a-file",
           "link": tmp_path / "a-link"}[target]
    before, outside = tree_bytes(project.root), tree_bytes(foreign)
    printed = clean_failure(run("build", "--out", str(out), cwd=project.root), 2)
    assert "--out" in printed
    untouched(project, before)
    assert tree_bytes(foreign) == outside and (tmp_path / "a-file").read_text(encoding="utf-8") == "mine"


def test_a_previous_build_is_replaced(project):
    (project.dist_hub_dir / "stale.txt").write_text("from an older build", encoding="utf-8")
    assert run("build", cwd=project.root).returncode == 0
    assert not (project.dist_hub_dir / "stale.txt").exists()


def test_a_second_build_into_the_same_folder_waits_its_turn(project):
    folder = os.open(project.dist_hub_dir.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        with pytest.raises(EnvironmentProblem, match="another build"):
            build(project=project, annotations=[project.annotations_dir], out=project.dist_hub_dir)
        printed = clean_failure(run("build", cwd=project.root), 2)
        assert "[build-busy] another build" in printed
    finally:
        os.close(folder)


def test_a_swap_cut_short_is_repaired_by_the_next_build(project, monkeypatch):
    """Fault injection: the process dies between moving the old build away and moving the new one in."""
    out = project.dist_hub_dir
    previous = tree_bytes(out)
    real_replace = os.replace

    def dying_replace(src, dst):
        if str(src).endswith(".staging"):  # the old build is already moved away: the kill comes now
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(outdir.os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        build(project=project, annotations=[project.annotations_dir], out=out)
    monkeypatch.setattr(outdir.os, "replace", real_replace)
    assert not out.exists()  # what a kill at that instant leaves behind
    outdir.repair(out)
    assert tree_bytes(out) == previous
    monkeypatch.setattr(outdir.os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        build(project=project, annotations=[project.annotations_dir], out=out)
    monkeypatch.setattr(outdir.os, "replace", real_replace)
    assert run("build", cwd=project.root).returncode == 0  # the next build repairs, then builds
    assert tree_bytes(out) == previous
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_a_full_disk_ends_cleanly_and_keeps_the_previous_build(project):
    """Writes beyond a file-size limit fail as a full disk does (EFBIG instead of ENOSPC)."""
    before = tree_bytes(project.root)

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    done = subprocess.run([TAHQIQ, "build"], cwd=project.root, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, preexec_fn=small_files, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "File too large" in done.stderr
    untouched(project, before)


def test_a_closed_pipe_ends_quietly(project, tmp_path):
    data = tasks()
    for item in data[0]["annotations"][0]["result"]:
        if item["type"] == "labels":
            item["value"]["text"] = "x"  # hundreds of span-text-mismatch issues
    export = tmp_path / "many.json"
    export.write_text(json.dumps(data * 50), encoding="utf-8")
    reader = subprocess.Popen([TAHQIQ, "validate", str(export)], cwd=project.root, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    reader.stdout.readline()
    reader.stdout.close()
    assert reader.wait(timeout=60) in (1, 2)
    assert b"Traceback" not in reader.stderr.read()


def test_broken_project_files_are_reported(project):
    project.labels_file.write_text(project.labels_file.read_text(encoding="utf-8") + "zones: {}\n",
                                   encoding="utf-8")
    printed = clean_failure(run("validate", cwd=project.root), 1)
    assert "written twice" in printed
    project.labels_file.write_text("layers: [", encoding="utf-8")
    assert "cannot read the label set" in clean_failure(run("validate", cwd=project.root), 1)
    project.manifest_file.write_text("documents: 3\n", encoding="utf-8")
    (project.root / "schema" / "labels.yaml").write_bytes((ROOT / "schema" / "labels.yaml").read_bytes())
    assert "holds no list `documents`" in clean_failure(run("validate", cwd=project.root), 1)


def test_generated_config_escapes_xml_and_refuses_unsafe_names_and_repeats():
    raw = {"layers": {"entity": {"labels": {"ORG": "a <lab> & co", "GPE": "x"}},
                      "claim": {"span_label": "CLAIM", "attributes": {"tone": {
                          "control": "choices", "required": True, "description": "d < e", "choices": ["a", "b"]}}}},
           "relations": {"about": {"from": "claim", "to": "entity", "description": "d"}}, "zones": {"body": "b"}}
    from xml.etree import ElementTree

    root = ElementTree.fromstring(labeling_config(parse_labels(raw)))
    assert {el.get("hint") for el in root.iter("Label")} >= {"a <lab> & co"}
    for unsafe in ("R&D", "a<b", "P|Q", "two words"):
        broken = json.loads(json.dumps(raw))
        broken["layers"]["claim"]["attributes"]["tone"]["choices"] = [unsafe, "b"]
        with pytest.raises(DataError, match="has a space or one of"):
            parse_labels(broken)
    raw["layers"]["claim"]["attributes"]["tone"]["choices"] = ["a", "a"]
    with pytest.raises(DataError, match="twice"):
        parse_labels(raw)


def test_generate_check_parses_the_committed_config(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "seeds")
    project.labeling_config_file.write_text("<View><Text name='text'></View>", encoding="utf-8")
    with pytest.raises(DataError, match="not well-formed XML"):
        drifted_files(project)


def test_predictions_get_level_2_checks(tmp_path):
    data = tasks()
    for task in data:
        task["predictions"] = [{"model_version": "m", "result": task.pop("annotations")[0]["result"]}]
    span = next(i for i in data[0]["predictions"][0]["result"] if i["type"] == "labels")
    span["value"]["end"] = 10**6
    path = tmp_path / "predictions.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(Refused) as refused:
        file_predictions([path], labels=LABELS)
    (issue,) = [i for i in refused.value.report.errors if i.code == "offset-out-of-range"]
    assert issue.pointer.startswith("/0/predictions/0/result/")


def test_secrets_are_never_printed():
    assert redact("http://me:s3cret@127.0.0.1:9/x") == "http://***@127.0.0.1:9/x"
    assert "hf_abcdefghij123" not in redact('{"authorization": "Bearer hf_abcdefghij123"}')
    assert "0123456789abcdef0123456789abcdef" not in redact("Token 0123456789abcdef0123456789abcdef")


class _Silent:
    """A loopback server that accepts connections and never answers."""

    def __enter__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()
        return self

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def __exit__(self, *exc):
        self.sock.close()
        for conn in self.held:
            conn.close()


class _Echo:
    """A loopback Hub that answers every request with `status` (500 by default) and the request's headers in its
    body."""

    def __init__(self, status: int = 500):
        self.status = status

    def __enter__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        status = self.status

        class Handler(BaseHTTPRequestHandler):
            def _echo(self):
                body = json.dumps({"error": f"failed for {dict(self.headers)}"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_HEAD = _echo  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


TOKEN = "hf_tahqiqHostileTokenNeverPrinted01234"


def test_a_hub_that_never_answers_times_out(project, tmp_path):
    with _Silent() as hub:
        env = {"HF_ENDPOINT": f"http://me:pa55word@127.0.0.1:{hub.port}", "HF_TOKEN": TOKEN, "TAHQIQ_TIMEOUT": "2",
               "HF_HOME": str(tmp_path / "hf"), "NO_PROXY": "127.0.0.1"}
        done = run("publish", "--repo-id", "demo/tahqiq", "--out", str(tmp_path / "hub"), cwd=project.root, **env)
        printed = clean_failure(done, 2)
        assert "pa55word" not in printed and TOKEN not in printed
        done = run("studio", "push", "--from", "demo/tahqiq", "--studio-dir", str(tmp_path / "studio"),
                   cwd=project.root, **env)
        printed = clean_failure(done, 2)
        assert "pa55word" not in printed


def test_error_bodies_that_echo_headers_are_not_printed(project, tmp_path):
    with _Echo() as hub:
        env = {"HF_ENDPOINT": f"http://127.0.0.1:{hub.port}", "HF_TOKEN": TOKEN, "TAHQIQ_TIMEOUT": "5",
               "HF_HOME": str(tmp_path / "hf"), "NO_PROXY": "127.0.0.1", "HF_HUB_DISABLE_TELEMETRY": "1"}
        done = run("publish", "--repo-id", "demo/tahqiq", "--out", str(tmp_path / "hub"), cwd=project.root, **env)
        printed = clean_failure(done, 2)
        assert TOKEN not in printed and "tahqiqHostile" not in printed


def test_usage_errors_are_exit_2(project):
    assert "no such file" in clean_failure(run("validate", "nowhere.json", cwd=project.root), 2)
    assert "invalid choice" in clean_failure(run("frobnicate", cwd=project.root), 2)
    with pytest.raises(UsageError):
        build(project=project, annotations=[project.annotations_dir], out=project.annotations_dir)


def test_a_hub_answer_without_the_expected_fields_ends_cleanly(project, tmp_path):
    with _Echo(status=200) as hub:
        env = {"HF_ENDPOINT": f"http://127.0.0.1:{hub.port}", "HF_TOKEN": TOKEN, "TAHQIQ_TIMEOUT": "5",
               "HF_HOME": str(tmp_path / "hf"), "NO_PROXY": "127.0.0.1", "HF_HUB_DISABLE_TELEMETRY": "1"}
        printed = clean_failure(run("publish", "--repo-id", "demo/tahqiq", "--out", str(tmp_path / "hub"),
                                    cwd=project.root, **env), 2)
        assert "[hub]" in printed and TOKEN not in printed


def test_credentials_in_the_endpoint_never_come_back_in_an_echo(project, tmp_path):
    import base64

    with _Echo() as hub:
        env = {"HF_ENDPOINT": f"http://user:s3cretpass@127.0.0.1:{hub.port}", "HF_TOKEN": TOKEN,
               "TAHQIQ_TIMEOUT": "5", "HF_HOME": str(tmp_path / "hf"), "NO_PROXY": "127.0.0.1"}
        printed = clean_failure(run("publish", "--repo-id", "demo/tahqiq", "--out", str(tmp_path / "hub"),
                                    cwd=project.root, **env), 2)
    for secret in ("s3cretpass", base64.b64encode(b"user:s3cretpass").decode(), TOKEN):
        assert secret not in printed


@pytest.mark.parametrize("value", ["inf", "0", "-1", "abc", "nan", "1e9"])
def test_a_bad_timeout_is_a_usage_error(project, value):
    printed = clean_failure(run("publish", "--repo-id", "demo/tahqiq", "--dry-run", cwd=project.root,
                                TAHQIQ_TIMEOUT=value, HF_TOKEN=TOKEN), 0)  # a dry run talks to no server
    assert "dry run" in printed
    done = run("studio", "status", cwd=project.root, TAHQIQ_TIMEOUT=value)
    assert "Traceback" not in done.stdout + done.stderr


def test_exports_with_nothing_to_build_are_refused(project, tmp_path):
    for name, change in (("no-annotations", lambda t: t.update(annotations=[])),
                         ("all-cancelled", lambda t: [a.update(was_cancelled=True) for a in t["annotations"]]),
                         ("unknown-doc", lambda t: t["data"].update(doc_id=f"not-listed-{t['id']}"))):
        data = tasks()
        for task in data:
            change(task)
        export = tmp_path / f"{name}.json"
        export.write_text(json.dumps(data), encoding="utf-8")
        before = tree_bytes(project.root)
        for command in (["build", "--annotations", str(export), "--out", str(tmp_path / "out")],
                        ["publish", "--repo-id", "you/tahqiq", "--dry-run", "--annotations", str(export),
                         "--out", str(tmp_path / "out")]):
            assert "[nothing-to-build]" in clean_failure(run(*command, cwd=project.root), 1)
        untouched(project, before)
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("change", ["split", "twice", "traversal", "missing-seed", "empty"])
def test_a_wrong_manifest_is_refused(project, change):
    import yaml

    raw = yaml.safe_load(project.manifest_file.read_text(encoding="utf-8"))
    if change == "split":
        raw["documents"][0]["split"] = "validation"
    elif change == "twice":
        raw["documents"].append(dict(raw["documents"][0]))
    elif change == "traversal":
        raw["documents"][0]["doc_id"] = "../../outside"
    elif change == "missing-seed":
        (project.seeds_dir / f"{raw['documents'][0]['doc_id']}.txt").unlink()
    else:
        raw = None
    project.manifest_file.write_text(yaml.safe_dump(raw) if raw else "", encoding="utf-8")
    assert "[manifest-invalid]" in clean_failure(run("validate", cwd=project.root), 1)


def test_a_key_written_twice_is_invalid_json(project, tmp_path):
    export = tmp_path / "twice.json"
    export.write_text('[{"id": 1, "id": 2, "data": {"text": "x"}, "annotations": []}]', encoding="utf-8")
    printed = clean_failure(run("validate", str(export), cwd=project.root), 1)
    assert "[json-invalid]" in printed and "'id' is written twice" in printed


def test_a_byte_order_mark_is_not_content(project, tmp_path):
    export = tmp_path / "bom.json"
    export.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "export.json").read_bytes())
    assert run("validate", str(export), cwd=project.root).returncode == 0


def test_out_inside_a_build_or_under_a_file_is_refused(project, tmp_path):
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    before = tree_bytes(project.root)
    for out in (project.dist_hub_dir / "nested", tmp_path / "afile" / "sub"):
        assert "[out-refused]" in clean_failure(run("build", "--out", str(out), cwd=project.root), 2)
    untouched(project, before)


def test_agreement_refuses_what_does_not_validate_and_one_annotator_twice(project, tmp_path):
    export = tmp_path / "nan.json"
    export.write_bytes(b'[{"id": NaN}]')
    assert "[json-invalid]" in clean_failure(run("agreement", str(export), cwd=project.root), 1)
    assert "two different annotators" in clean_failure(
        run("agreement", "--first", "1", "--second", "1", cwd=project.root), 2)


def test_a_build_is_as_readable_as_any_new_folder(project):
    old = os.umask(0o022)
    try:
        assert run("build", cwd=project.root).returncode == 0
    finally:
        os.umask(old)
    out = project.dist_hub_dir
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)
    modes = {p.relative_to(out).as_posix(): p.stat().st_mode & 0o777 for p in out.rglob("*") if p.is_file()}
    assert set(modes.values()) == {0o644}, modes


def test_global_options_go_before_or_after_the_command(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for argv in (["--project", str(project.root), "validate"], ["validate", "--project", str(project.root)],
                 ["validate", "--max-file-mb", "5", "--project", str(project.root)]):
        assert run(*argv, cwd=elsewhere).returncode == 0, argv
    assert "[no-project]" in clean_failure(run("validate", cwd=elsewhere), 2)
