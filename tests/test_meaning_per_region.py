"""Level 3 per region: a region whose level 2 errors leave its meaning unknown is skipped, every other region of
the same annotation is still checked, so one validation run reports every problem."""

from __future__ import annotations

import copy
import json

from tahqiq.model import parse_task
from tahqiq.validate.meaning import check_meaning, sentence_spans
from tahqiq.validate.structure import check_annotation, meaningless_regions

from conftest import FIXTURES, LABELS


def fixture_task(edit) -> tuple:
    raw = copy.deepcopy(json.loads((FIXTURES / "export.json").read_text(encoding="utf-8"))[0])
    result = raw["annotations"][0]["result"]
    edit({(item.get("id"), item.get("from_name")): item for item in result})
    return parse_task(raw, index=0, file="export.json")


def level_3(task, manifest) -> tuple[dict, list]:
    (annotation,) = task.annotations
    structural = list(check_annotation(task, annotation, LABELS))
    broken = meaningless_regions(annotation, structural)
    issues = list(check_meaning(task, annotation, labels=LABELS, sentences=sentence_spans(task, manifest),
                                meaningless=broken))
    return broken, issues


def test_a_broken_region_is_skipped_and_the_others_still_checked(fixture_manifest):
    def edit(items):
        items[("n7", "number")]["value"]["text"] = "2049 وحدة معالجة رسوم"  # span-text-mismatch (level 2)
        items[("n7", "value")]["value"]["number"] = 7.0  # would be a level 3 mismatch, but n7 means nothing now
        items[("n9", "value")]["value"]["number"] = 6e6  # level 3: the text says 5 ملايين

    task = fixture_task(edit)
    broken, issues = level_3(task, fixture_manifest)
    assert broken == {"n7": ("span-text-mismatch",)}
    assert [(i.code, i.region_id) for i in issues] == [("number-digits-mismatch", "n9")]


def test_errors_that_keep_a_region_meaningful_do_not_skip_it(fixture_manifest):
    def edit(items):
        items[("n9", "value")]["value"]["number"] = 6e6

    raw = fixture_task(edit).raw  # and a relation from n9 to nowhere: level 2 errors that leave n9 meaningful
    raw["annotations"][0]["result"].append({"from_id": "n9", "to_id": "nowhere", "type": "relation",
                                            "direction": "right", "labels": ["has_number"]})
    task = parse_task(raw, index=0, file="export.json")
    broken, issues = level_3(task, fixture_manifest)
    assert broken == {}
    assert ("number-digits-mismatch", "n9") in [(i.code, i.region_id) for i in issues]
