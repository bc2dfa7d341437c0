"""The streaming reader and the workers change nothing but speed and memory: the report and every built byte are
the same read whole or in chunks, by one process or two."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tahqiq.build import build
from tahqiq.errors import EnvironmentProblem
from tahqiq.outdir import MARKER
from tahqiq.parallel import ordered_map
from tahqiq.validate import Run, validate_paths
from tahqiq.validate.reader import Unframed, parse_task_json, scan_tasks

from conftest import ANNOTATIONS_DIR, FIXTURES, ROOT, SEEDS_DIR, make_project

sys.path.insert(0, str(ROOT / "scripts"))
from synthetic import write_project  # noqa: E402

from tahqiq.project import Project  # noqa: E402

TRICKY = ['"', "\\", '\\"', "\\\\", "{", "}", "[", "]", '"}]', "\\\\\"", "ديب سيك", "\n", "\u2028", "\\u0022"]
strings = st.lists(st.sampled_from(TRICKY) | st.text(max_size=5), max_size=6).map("".join)
values = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | strings,
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(strings, inner, max_size=4),
                      max_leaves=12)
elements = st.dictionaries(strings, values, max_size=5) | st.lists(values, max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(elements, max_size=6), st.integers(1, 64), st.sampled_from([",", " ,\n ", "\n,"]))
def test_the_scan_cuts_the_array_where_json_does(tmp_path_factory, tasks, chunk, comma):
    path = tmp_path_factory.mktemp("scan") / "export.json"
    path.write_text("[" + comma.join(json.dumps(t, ensure_ascii=False) for t in tasks) + "]\n", encoding="utf-8")
    raws = list(scan_tasks(path, chunk_bytes=chunk))
    assert [r.index for r in raws] == list(range(len(tasks)))
    assert [parse_task_json(r.data)[0] for r in raws] == tasks


@pytest.mark.parametrize("text", ['{"id": 1}', '[{"id": 1} {"id": 2}]', '[{"id": 1},]', '[1, {"id": 2}]',
                                  '[{"id": 1}', '[{"id": 1}] x'])
def test_what_is_not_an_array_of_tasks_is_left_to_the_strict_parser(tmp_path, text):
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Unframed):
        list(scan_tasks(path))


@pytest.mark.parametrize("text", ['{"a": 1, "a": 2}', '{"a" : 1, "a":2}', '{"n": 123456789012345678901234}',
                                  '{"n": -9223372036854775809}', '{"n": 18446744073709551616}', '{"x": NaN}',
                                  '{"n":[1,\n  -18446744073709551616]}',
                                  '{"s": "\\ud800"}', '{"k": "\\":", "k": 1}', '{"d": ' + "[" * 300 + "]" * 300 + "}",
                                  '{"d": ' + "[" * 2000 + "]" * 2000 + "}", '{"a": 1} x'])
def test_each_task_is_parsed_as_strictly_as_the_whole_file(text):
    from tahqiq.strictjson import json_fault

    assert parse_task_json(text.encode()) == json_fault(text)


def test_digit_runs_inside_strings_stay_with_orjson_and_bare_big_integers_do_not(monkeypatch):
    """Only a bare integer of 19 digits or more needs the strict parser: a hash or a number inside a string does
    not (a task holding digests or long numbers in its text would otherwise be parsed slowly)."""
    from tahqiq.validate import reader

    strict = []
    monkeypatch.setattr(reader, "_strict", lambda data: strict.append(data) or (None, None))
    for text in ('{"h": "a18446744073709551616"}', '{"h": "1844674407370955161618446744073709551616"}'):
        assert parse_task_json(text.encode()) == (json.loads(text), None)
    assert strict == []
    for text in ('{"n": 1844674407370955161618}', '{"n":[1,\n -1844674407370955161618]}', '1844674407370955161618'):
        parse_task_json(text.encode())
    assert len(strict) == 3


def _report(paths, project, **options):
    report = validate_paths(paths, labels=project.labels, manifest=project.manifest, **options).report
    return [i.to_dict() for i in report.issues], report.skipped, report.files, report.tasks


def test_reports_are_the_same_streamed_or_whole_with_one_or_two_workers(case_exports):
    project = Project(ROOT)
    paths = sorted(case_exports.values())
    whole = _report(paths, project, stream=False, workers=1)
    assert whole[0]  # the golden cases hold every code
    assert _report(paths, project, stream=True, workers=1) == whole
    assert _report(paths, project, stream=True, workers=2) == whole


def test_a_file_broken_after_good_tasks_reports_only_what_the_strict_parser_says(tmp_path):
    project = Project(ROOT)
    good = (FIXTURES / "export.json").read_text(encoding="utf-8").rstrip()
    broken = tmp_path / "broken.json"
    broken.write_text(good[:-1] + ', {"id": }]', encoding="utf-8")
    issues, *_ = _report([broken], project)
    assert [(i["code"], i["pointer"]) for i in issues] == [("json-invalid", "")]
    assert _report([broken], project, stream=False) == _report([broken], project)


@pytest.mark.parametrize("fault", ["NaN", '{"id": 1, "id": 2}', "[" * 1200 + "]" * 1200, "{]"])
def test_a_json_fault_in_a_later_task_is_placed_as_the_whole_file_parser_places_it(synthetic_project, tmp_path,
                                                                                     fault):
    project = synthetic_project
    text = project.annotations_dir.joinpath("export.json").read_text(encoding="utf-8")
    marker = '"meta": {}'
    at = [i for i in range(len(text)) if text.startswith(marker, i)][100]  # task 100: after the first batches
    path = tmp_path / "export.json"
    path.write_text(text[:at] + f'"meta": {{"x": {fault}}}' + text[at + len(marker):], encoding="utf-8")
    streamed = _report([path], project, workers=2)
    assert streamed == _report([path], project, stream=False)
    assert [(i["code"], i["pointer"]) for i in streamed[0]] in ([("json-invalid", "")], [("json-too-deep", "")])


def test_a_file_that_breaks_its_framing_late_hands_out_each_task_once(synthetic_project, tmp_path):
    project = synthetic_project
    text = project.annotations_dir.joinpath("export.json").read_text(encoding="utf-8").rstrip()
    path = tmp_path / "export.json"
    path.write_text(text[:-1] + ", 5]", encoding="utf-8")
    validation = validate_paths([path], labels=project.labels, manifest=project.manifest, workers=2)
    assert [t.index for t in validation.tasks] == list(range(120))
    assert [(i.code, i.pointer) for i in validation.report.issues] == [("schema-violation", "/120")]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER}


@pytest.fixture(scope="module")
def synthetic_project(tmp_path_factory) -> Project:
    """120 synthetic tasks (more than one batch of work) in a project of their own."""
    folder = tmp_path_factory.mktemp("synthetic") / "project"
    write_project(folder, 120, Project(ROOT))
    return Project(folder)


def test_builds_are_byte_identical_streamed_or_whole_with_one_or_two_workers(synthetic_project, tmp_path):
    project = synthetic_project
    outputs = {}
    for stream, workers in ((False, 1), (True, 1), (True, 2)):
        out = tmp_path / f"out-{stream}-{workers}"
        summary = build(project=project, annotations=[project.annotations_dir], out=out, workers=workers,
                        stream=stream, results=False)
        assert sum(len(ids) for ids in summary.documents.values()) == 120
        outputs[stream, workers] = _files(out)
    first = outputs[False, 1]
    assert any(name.endswith(".parquet") for name in first)
    assert outputs[True, 1] == first
    assert outputs[True, 2] == first


def test_the_real_gold_builds_the_same_streamed_or_whole(tmp_path):
    project = make_project(tmp_path / "project", SEEDS_DIR)
    shutil.copytree(ANNOTATIONS_DIR, project.root / "annotations")
    whole = build(project=project, annotations=[project.annotations_dir], out=tmp_path / "whole", stream=False,
                  results=False)
    streamed = build(project=project, annotations=[project.annotations_dir], out=tmp_path / "streamed",
                     workers=2, results=False)
    assert whole.rows == streamed.rows
    assert _files(tmp_path / "whole") == _files(tmp_path / "streamed")


def test_a_run_gives_each_batch_of_tasks_once_in_file_order(synthetic_project):
    project = synthetic_project
    run = Run([project.annotations_dir], labels=project.labels, manifest=project.manifest, workers=2)
    indices = [checked.index for batch in run for checked in batch.checked]
    assert indices == list(range(120))
    assert run.report.ok and run.report.tasks == 120


def _die(_: int) -> None:
    os._exit(3)


def _nothing() -> None:
    """A worker that needs no set-up."""


def test_a_worker_that_dies_is_an_environment_problem_not_a_traceback():
    with pytest.raises(EnvironmentProblem, match="worker process died"):
        list(ordered_map(_die, range(8), workers=2, initializer=_nothing, initargs=()))


def test_a_large_file_cut_short_is_reported_where_it_stops_without_reading_it_whole(synthetic_project, tmp_path,
                                                                                   monkeypatch):
    import tahqiq.validate

    monkeypatch.setattr(tahqiq.validate, "WHOLE_MAX_BYTES", 0)  # as if the file were larger than a whole read
    project = synthetic_project
    text = project.annotations_dir.joinpath("export.json").read_text(encoding="utf-8")
    path = tmp_path / "export.json"
    path.write_text(text[:len(text) // 2], encoding="utf-8")
    report = validate_paths([path], labels=project.labels, manifest=project.manifest).report
    [issue] = report.issues
    assert (issue.code, issue.pointer) == ("json-invalid", "")
    line, column = (int(n) for n in re.match(r"line (\d+), column (\d+):", issue.message).groups())
    comma = text.rindex(', {"id": ', 0, len(text) // 2)  # after the last whole task: then the file ends mid-task
    assert (line, column) == (1, comma + 1)


def test_values_orjson_cannot_write_are_carried_all_the_same(tmp_path):
    project = make_project(tmp_path / "project", SEEDS_DIR)
    shutil.copytree(ANNOTATIONS_DIR, project.root / "annotations")
    path = sorted(project.annotations_dir.glob("*.json"))[0]
    tasks = json.loads(path.read_text(encoding="utf-8"))
    deep: dict = {"x": 0}
    for _ in range(300):
        deep = {"x": [deep]}
    tasks[0]["meta"].update(big=123456789012345678901234, deep=deep)
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    build(project=project, annotations=[project.annotations_dir], out=tmp_path / "out", results=False)
    carried = [t for p in (tmp_path / "out" / "annotations").glob("*.json") for t in json.loads(p.read_bytes())]
    assert carried[0]["data"]["doc_id"] == tasks[0]["data"]["doc_id"]
    assert carried[0]["meta"]["big"] == 123456789012345678901234 and carried[0]["meta"]["deep"] == deep


def test_rows_become_the_arrow_table_features_encode_example_and_from_pylist_give(synthetic_project):
    """The column-by-column Arrow tables equal the reference path (HF's `encode_example`, then `from_pylist`) on
    every config: empty attributes, empty relation lists, nested regions, class names of every kind."""
    import pyarrow as pa

    from tahqiq.batches import arrow_table
    from tahqiq.build import config_rows
    from tahqiq.features import arrow_plan, config_features
    from tahqiq.gold import gold_documents

    project = synthetic_project
    tasks = validate_paths([project.annotations_dir], labels=project.labels, manifest=project.manifest).tasks
    splits = project.manifest.splits
    rows = config_rows(gold_documents(tasks, manifest=project.manifest), splits, project.labels)
    for config, features in config_features(project.labels).items():
        schema = features.arrow_schema
        for split in splits:
            reference = pa.Table.from_pylist([features.encode_example(r) for r in rows[config][split]], schema=schema)
            assert arrow_table(rows[config][split], arrow_plan(features), schema).equals(reference,
                                                                                         check_metadata=True)
        assert arrow_table([], arrow_plan(features), schema).equals(schema.empty_table(), check_metadata=True)


def test_carried_tasks_fill_each_export_shard_however_the_batches_are_cut(tmp_path):
    from tahqiq.sinks import ExportShards

    shards = ExportShards(tmp_path / "annotations", per_file=2)
    for batch in ([b'{"id":1}', b'{"id":2}', b'{"id":3}'], [], [b'{"id":4}'], [b'{"id":5}']):
        shards.add(batch)
    shards.close()
    files = sorted((tmp_path / "annotations").iterdir())
    assert [p.name for p in files] == ["tasks-00000.json", "tasks-00001.json", "tasks-00002.json"]
    assert [[t["id"] for t in json.loads(p.read_bytes())] for p in files] == [[1, 2], [3, 4], [5]]


def test_arrow_tables_hold_none_as_null_at_every_level():
    import pyarrow as pa
    from datasets import ClassLabel, Features, List, Value

    from tahqiq.batches import arrow_table
    from tahqiq.features import arrow_plan

    features = Features({"regions": List({"x": Value("int32"), "kind": ClassLabel(names=["p", "q"]),
                                          "ids": List(Value("string"))}),
                         "tags": List(ClassLabel(names=["O", "B"])), "text": Value("string")})
    rows = [{"regions": [{"x": 1, "kind": "q", "ids": ["u", None]}, None, {"x": None, "kind": None, "ids": None}],
             "tags": None, "text": None},
            {"regions": None, "tags": ["B", None], "text": "z"}, {"regions": [], "tags": [], "text": ""}]
    schema = features.arrow_schema
    reference = pa.Table.from_pylist([features.encode_example(r) for r in rows], schema=schema)
    assert arrow_table(rows, arrow_plan(features), schema).equals(reference, check_metadata=True)


def test_conll_blocks_are_found_across_reads_of_any_size():
    import io

    from tahqiq.sinks import _blocks

    blocks = ["# id = a-000\nقال\tO\n", "# id = a-001\nترمب\tB-PERS\tO\n.\tO\tO\n", "# id = b-000\nx\tO\n"]
    text = "".join(block + "\n" for block in blocks)
    for chunk in (1, 2, 3, 7, len(text), 1 << 22):
        assert [b for part in _blocks(io.StringIO(text), chunk) for b in part] == blocks


def test_a_worker_starts_without_datasets():
    """What a worker imports to check and cut tasks (about 70 MB) leaves `datasets` and `huggingface_hub` (about
    80 MB more, and half a second) to the process that writes."""
    import subprocess

    code = ("import sys, tahqiq.batches, tahqiq.validate; "
            "print(sorted(m for m in ('datasets', 'huggingface_hub') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
