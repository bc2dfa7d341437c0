"""One golden invalid export per validation code, compared on (code, JSON pointer), not on prose."""

from __future__ import annotations

import json

import pytest

from tahqiq.errors import Refused
from tahqiq.evaluate import benchmark, file_predictions
from tahqiq.issues import CATALOGUE
from tahqiq.predictions import read_predictions
from tahqiq.validate import validate_paths

from conftest import CASES, FIXTURES, LABELS, NEAR_MISSES

CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir())
NEAR_MISS_DIRS = sorted(p for p in NEAR_MISSES.iterdir() if p.is_dir())


def test_every_code_has_a_golden_case():
    assert sorted(p.name for p in CASE_DIRS) == sorted(CATALOGUE)


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_golden_case(case, fixture_manifest, fixture_project, case_exports):
    expected = {tuple(pair) for pair in json.loads((case / "expected.json").read_text(encoding="utf-8"))}
    limits = (json.loads((case / "limits.json").read_text(encoding="utf-8")) if (case / "limits.json").exists()
              else {})
    mode = json.loads((case / "mode.json").read_text(encoding="utf-8")) if (case / "mode.json").exists() else {}
    if mode.get("read_as") == "predictions":  # a Label Studio export with predictions
        with pytest.raises(Refused) as refused:
            file_predictions([case_exports[case.name]], labels=LABELS)
        report = refused.value.report
    elif mode.get("read_as") == "prediction-lines":  # a prediction file of the benchmark's format
        bench = benchmark(fixture_project, config=mode["config"], split=mode["split"],
                          annotations=[FIXTURES / "export.json"])
        with pytest.raises(Refused) as refused:
            read_predictions(case_exports[case.name], config=mode["config"], rows=bench.by_id, labels=LABELS)
        report = refused.value.report
    else:
        report = validate_paths([case_exports[case.name]], labels=LABELS, manifest=fixture_manifest,
                                **limits).report
    found = {(issue.code, issue.pointer) for issue in report.issues}
    assert found == expected
    assert case.name in {code for code, _ in found}
    for issue in report.issues:
        assert issue.file == str(case_exports[case.name])
        assert issue.message and issue.hint and issue.code in CATALOGUE
        if issue.pointer.startswith("/0/annotations/0/result/"):
            assert issue.task_id is not None and issue.annotation_id is not None


def test_fixture_export_is_clean(fixture_export, fixture_manifest):
    report = validate_paths([fixture_export], labels=LABELS, manifest=fixture_manifest).report
    assert report.issues == []
    assert report.tasks == len(fixture_manifest.documents)


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_fast_screen_agrees_with_reference_validator(case, case_exports):
    """jsonschema-rs only screens tasks; it must never pass a task that jsonschema rejects."""
    from tahqiq.validate.schema import validators

    checks = validators(LABELS)

    if (case / "mode.json").exists() and "prediction-lines" in (case / "mode.json").read_text(encoding="utf-8"):
        pytest.skip("prediction lines are not an export")
    try:
        data = json.loads(case_exports[case.name].read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, IsADirectoryError):
        pytest.skip("not JSON: level 1 stops before the schema")
    for index, task in enumerate(data):
        reference = not any(e.absolute_path and e.absolute_path[0] == index for e in checks.reference.iter_errors(data))
        assert checks.task_screen.is_valid(task) == reference


@pytest.mark.parametrize("case", NEAR_MISS_DIRS, ids=lambda p: p.name)
def test_near_miss_is_clean(case, fixture_manifest, case_exports):
    """Valid exports that look suspicious (a cancelled second pass, a relation with two labels, items in another
    order…) must raise no issue at all."""
    report = validate_paths([case_exports[case.name]], labels=LABELS, manifest=fixture_manifest).report
    assert report.issues == [] and report.skipped == []


def test_every_number_inside_a_longer_one_is_an_overlap():
    """Not only neighbours: [1, 2) and [3, 5) both lie inside [0, 10)."""
    from tahqiq.model import Region, Span
    from tahqiq.validate.meaning import check_overlaps
    from tahqiq.validate.structure import Where

    regions = [Region(rid, "number", "NUM", Span(s, e), "x", f"/{rid}") for rid, s, e in
               (("a", 0, 10), ("b", 1, 2), ("c", 3, 5), ("d", 10, 12))]
    found = [(i.code, i.region_id) for i in check_overlaps(regions, Where("f", 1, 1))]
    assert found == [("number-overlap", "b"), ("number-overlap", "c")]
