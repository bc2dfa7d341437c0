"""The gold in annotations/: clean, complete for every numeric expression, and faithful to the brief's examples."""

from __future__ import annotations

import re

import pytest

from tahqiq.gold import gold_documents
from tahqiq.labels import ENTITY, NUMBER
from tahqiq.validate import validate_paths

from conftest import ANNOTATIONS_DIR, LABELS, MANIFEST

DIGITS = re.compile(r"[0-9٠-٩]+(?:[.,][0-9٠-٩]+)*")
DUALS = ("دولارين", "شهرين", "مركزين")
NAMES_AND_DATES = {"PRODUCT", "DATE", "TIME"}


@pytest.fixture(scope="module")
def validation():
    return validate_paths([ANNOTATIONS_DIR], labels=LABELS, manifest=MANIFEST)


@pytest.fixture(scope="module")
def docs(validation):
    return {d.doc_id: d for d in gold_documents(validation.tasks, manifest=MANIFEST)}


def test_gold_is_valid_and_covers_every_seed(validation, docs):
    assert validation.report.issues == []
    assert sorted(docs) == sorted(d.doc_id for d in MANIFEST.documents)


def test_every_digit_sequence_is_a_number_or_a_name_or_date(docs):
    for doc in docs.values():
        numbers = doc.layer(NUMBER)
        names = [e for e in doc.layer(ENTITY) if e.label in NAMES_AND_DATES]
        for match in DIGITS.finditer(doc.text):
            start, end = match.span()
            in_number = any(r.start <= start and end <= r.end for r in numbers)
            in_name = any(r.start <= start and end <= r.end for r in names)
            assert in_number != in_name, f"{doc.doc_id}: {match.group()!r} at {match.start()}"


def test_duals_are_numbers_with_value_two(docs):
    found = 0
    for doc in docs.values():
        for dual in DUALS:
            for match in re.finditer(dual, doc.text):
                (region,) = [n for n in doc.layer(NUMBER) if n.start <= match.start() and match.end() <= n.end]
                assert region.attrs["value"] == 2.0
                found += 1
    assert found >= 3


def test_names_with_digits_are_products_not_numbers(docs):
    for doc in docs.values():
        for name in ("R1", "R2", "V3", "GPT-4o", "H800", "A100", "Ascend 910B"):
            for match in re.finditer(re.escape(name), doc.text):
                assert not any(n.start < match.end() and match.start() < n.end for n in doc.layer(NUMBER))
                assert any(e.label == "PRODUCT" and e.start <= match.start() and match.end() <= e.end
                           for e in doc.layer(ENTITY)), (doc.doc_id, name)


@pytest.mark.parametrize("surface, value, unit, bound, approximate", [
    ("589 مليار دولار", 589e9, "USD", "point", "no"),
    ("نحو 2000 شريحة", 2000.0, "chip", "point", "yes"),
    ("ما يزيد عن 16,000 شريحة", 16000.0, "chip", "lower", "no"),
    ("1.2 تريليون متغير", 1.2e12, "parameter", "point", "no"),
])
def test_brief_examples(docs, surface, value, unit, bound, approximate):
    regions = [n for d in docs.values() for n in d.layer(NUMBER) if n.text == surface]
    assert regions, surface
    for region in regions:
        assert (region.attrs.get("value"), region.attrs["unit"], region.attrs["bound"],
                region.attrs["approximate"]) == (value, unit, bound, approximate)


def test_every_document_keeps_both_passes_the_adjudication_and_their_provenance(validation):
    for task in validation.tasks:
        assert {a.completed_by: a.ground_truth for a in task.annotations} == {1: False, 2: False, 3: True}
        passes = task.raw["meta"]["passes"]
        assert set(passes) == {str(a.id) for a in task.annotations}, task.doc_id
        for provenance in passes.values():
            assert {"annotator", "kind", "date", "guidelines", "saw", "made"} <= set(provenance)
        blind = passes[str(task.by_annotator(2).id)]
        assert blind["saw"].startswith("only the raw text and guidelines")
