"""The rule-based pre-annotators on short Arabic sentences with known answers, and their predictions on the seeds
checked by Label Studio's own LabelInterface and by Tahqiq's validator."""

from __future__ import annotations

import json

import pytest
from label_studio_sdk.label_interface import LabelInterface

from tahqiq.baselines import PRE_ANNOTATORS, model_version, predict
from tahqiq.baselines.claims import suggest_claims
from tahqiq.baselines.entities import suggest_entities
from tahqiq.baselines.numbers import suggest_numbers
from tahqiq.validate import validate_paths

from conftest import LABELING_CONFIG_FILE, LABELS, MANIFEST


def numbers(text: str) -> list[tuple]:
    return [(text[s.start:s.end], s.attrs["value"], s.attrs["value_max"], s.attrs["unit"], s.attrs["kind"],
             s.attrs["bound"], s.attrs["approximate"]) for s in suggest_numbers(text, zones={})]


@pytest.mark.parametrize("text, expected", [
    ("بلغت الخسائر 589 مليار دولار أمس", ("589 مليار دولار", 589e9, None, "USD", "money", "point", "no")),
    ("استخدمت ما يزيد عن 16,000 شريحة", ("ما يزيد عن 16,000 شريحة", 16000.0, None, "chip", "count", "lower", "no")),
    ("وصل السهم إلى 118.58 دولار", ("118.58 دولار", 118.58, None, "USD", "money", "point", "no")),
    ("بلغت القيمة ٣٫٥ مليون يورو", ("٣٫٥ مليون يورو", 3.5e6, None, "EUR", "money", "point", "no")),
    ("ارتفع بنسبة ١٢٪ فقط", ("١٢٪", 12.0, None, "percent", "percent", "point", "no")),
    ("بتكلفة لم تتجاوز 294 ألف دولار فقط", ("لم تتجاوز 294 ألف دولار", 294e3, None, "USD", "money", "upper", "no")),
    ("تقدر بنحو 101 دولار", ("نحو 101 دولار", 101.0, None, "USD", "money", "point", "yes")),
    ("بنسبة تجاوزت 17% في يوم", ("تجاوزت 17%", 17.0, None, "percent", "percent", "lower", "no")),
    ("قد تصل كفاءتها إلى 91% مقارنة", ("91%", 91.0, None, "percent", "percent", "upper", "no")),
    ("نماذج تتراوح بين 3 مليارات و27 مليار معلمة", ("بين 3 مليارات و27 مليار معلمة", 3e9, 27e9, "parameter",
                                                    "count", "range", "no")),
    ("رسوم أقل نحو 20-40 مرة أقل", ("نحو 20-40 مرة", 20.0, 40.0, "ratio", "multiplier", "range", "yes")),
    ("بسعر دولارين في الساعة", ("دولارين في الساعة", 2.0, None, "USD/hour", "money", "point", "no")),
    ("على مدى شهرين فقط", ("شهرين", 2.0, None, "month", "measure", "point", "no")),
    ("واستأثرت بمركزين ضمن القائمة", ("مركزين", 2.0, None, "position", "count", "point", "no")),
    ("تشغيل 1.2 تريليون متغير", ("1.2 تريليون متغير", 1.2e12, None, "parameter", "count", "point", "no")),
    ("خلال 80 ساعة فقط", ("80 ساعة", 80.0, None, "hour", "measure", "point", "no")),
    ("ضخ مليارات الدولارات في البحث", ("مليارات الدولارات", None, None, "USD", "money", "point", "yes")),
    ("اعترفت للمرة الأولى بذلك", ("الأولى", 1.0, None, "occasion", "ordinal", "point", "no")),
    ("في يوم واحد فقط", ("يوم واحد", 1.0, None, "day", "measure", "point", "no")),
])
def test_number_rules(text, expected):
    assert numbers(text) == [expected]


@pytest.mark.parametrize("text", [
    "أطلقت R1 ثم GPT-4o وDeepSeek-R2 على H800 وA100",
    "معالجات هواوي Ascend 910B",
    "ونموذجها جيميناي 3 الذي تصدر",
    "الثلاثاء، 28 يناير 2025 12:15 م",
    "منذ عام 2024 وحتى 2026",
])
def test_digits_in_names_dates_and_times_are_not_numbers(text):
    assert numbers(text) == []


def entities(text: str, zones=None) -> list[tuple[str, str]]:
    return [(text[s.start:s.end], s.label) for s in suggest_entities(text, zones=zones or {})]


def test_entity_rules_keep_proclitics_outside_and_label_by_rule():
    text = "وقالت شركة OpenAI وبإنفيديا الأميركية في اليابان لـ\"GPT-4o\" في يناير الماضي وMixture-of-Experts"
    assert entities(text) == [("OpenAI", "ORG"), ("إنفيديا", "ORG"), ("الأميركية", "NORP"), ("اليابان", "GPE"),
                              ("GPT-4o", "PRODUCT"), ("يناير الماضي", "DATE")]


def test_entity_rules_skip_site_furniture_lines():
    assert entities("نص\nBack Top", zones={1: "boilerplate"}) == []
    assert entities("نص\nBack Top") == [("Back Top", "ORG")]


def claims(text: str, zones=None) -> list[tuple[str, str, str, str]]:
    return [(text[s.start:s.end], s.attrs["checkworthy"], s.attrs["claim_type"], s.attrs["modality"])
            for s in suggest_claims(text, zones=zones or {})]


def test_claim_rules_cues_and_spans():
    text = ("وبحسب الشركة، بلغت تكلفة التدريب 6 ملايين دولار.\n"
            "يرى محللون أن هذا التحول قد يفتح الباب أمام شركات ناشئة.\n"
            "هذا يوم جميل في المدينة الكبيرة.\n"
            "وبحسب الشركة، بلغت تكلفة التدريب 6 ملايين دولار.")
    assert claims(text, zones={3: "duplicate"}) == [
        ("بحسب الشركة، بلغت تكلفة التدريب 6 ملايين دولار", "yes", "cost", "reported"),
        ("يرى محللون أن هذا التحول قد يفتح الباب أمام شركات ناشئة", "no", "forecast", "speculative"),
    ]


@pytest.fixture(scope="module")
def seed_predictions():
    return [(doc, predict(doc.read_text(), zones=doc.zones, labels=LABELS)) for doc in MANIFEST.documents]


def test_predictions_are_valid_for_the_labeling_config(seed_predictions):
    interface = LabelInterface(LABELING_CONFIG_FILE.read_text(encoding="utf-8"))
    for _, prediction in seed_predictions:
        assert prediction.model_version == model_version() == "+".join(p.model_version for p in PRE_ANNOTATORS)
        assert interface.validate_prediction({"result": prediction.result,
                                              "model_version": prediction.model_version})


def test_predictions_pass_the_validator_as_annotations(seed_predictions, tmp_path):
    tasks = [{"id": i, "data": {"text": doc.read_text(), "doc_id": doc.doc_id},
              "annotations": [{"id": i, "result": prediction.result}]}
             for i, (doc, prediction) in enumerate(seed_predictions, start=1)]
    path = tmp_path / "predicted.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    report = validate_paths([path], labels=LABELS, manifest=MANIFEST).report
    assert report.errors == []
    layers = {item["from_name"] for _, p in seed_predictions for item in p.result if item["type"] == "labels"}
    assert layers == {"entity", "number", "claim"}
    assert any(item["type"] == "relation" for _, p in seed_predictions for item in p.result)
