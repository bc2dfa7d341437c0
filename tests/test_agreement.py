"""Agreement figures on controlled disagreements, and Cohen's kappa against a hand-computed value."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from tahqiq.agreement import agreement_from_tasks
from tahqiq.scoring import cohen_kappa
from tahqiq.validate import validate_paths

from conftest import LABELS


@pytest.fixture
def two_passes(tmp_path, fixture_export, fixture_manifest):
    """The fixture's gold as pass 1; pass 2 drops one entity and flips one claim's check-worthiness."""
    tasks = json.loads(fixture_export.read_text(encoding="utf-8"))
    first = tasks[0]["annotations"][0]
    second = copy.deepcopy(first)
    result = second["result"]
    linked = {x for i in result if i["type"] == "relation" for x in (i["from_id"], i["to_id"])}
    dropped = next(i for i in result if i.get("from_name") == "entity" and i["id"] not in linked)
    result.remove(dropped)
    flipped = next(i for i in result if i.get("from_name") == "checkworthy")
    flipped["value"]["choices"] = ["no" if flipped["value"]["choices"] == ["yes"] else "yes"]
    first.update(ground_truth=False, completed_by=1)
    second.update(id=999, ground_truth=True, completed_by=2)
    tasks[0]["annotations"].append(second)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    validation = validate_paths([path], labels=LABELS, manifest=fixture_manifest)
    assert validation.report.ok
    n_entities = sum(1 for i in first["result"] if i.get("from_name") == "entity")
    n_claims = sum(1 for i in first["result"] if i.get("from_name") == "claim")
    return validation.tasks, n_entities, n_claims


def test_span_f1_and_attribute_agreement(two_passes):
    tasks, n_entities, n_claims = two_passes
    result = agreement_from_tasks(tasks, first=1, second=2, labels=LABELS)
    assert result.documents == ["fx-004"]
    entity = result.layers["entity"]
    assert (entity.first, entity.second) == (n_entities, n_entities - 1)
    assert entity.exact.f1 == pytest.approx(2 * (n_entities - 1) / (2 * n_entities - 1))
    assert result.layers["number"].exact.f1 == 1.0
    claim = result.layers["claim"]
    assert claim.exact.f1 == 1.0
    assert claim.attributes["checkworthy"].exact == pytest.approx((n_claims - 1) / n_claims)
    assert claim.attributes["checkworthy"].kappa < 1.0
    assert claim.attributes["modality"].kappa in (1.0, None)


def test_cohen_kappa_matches_hand_computation():
    # 10 pairs: observed agreement 0.7; rater A yes 6/no 4, rater B yes 5/no 5 → chance 0.5 → κ = 0.4
    pairs = [("y", "y")] * 4 + [("n", "n")] * 3 + [("y", "n")] * 2 + [("n", "y")]
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([("a", "a")] * 3) is None
    assert cohen_kappa([]) is None


def test_agreement_command_on_the_gold():
    run = subprocess.run([sys.executable, "-m", "tahqiq", "agreement", "--format", "json"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert len(report["documents"]) >= 2
    assert {row["layer"] for row in report["layers"]} == {"entity", "number", "claim"}
