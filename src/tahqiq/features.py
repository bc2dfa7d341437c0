"""The explicit `datasets.Features` of every config, derived from the label set (never inferred from data)."""

from __future__ import annotations

from datasets import ClassLabel, Features, List, Value

from tahqiq.labels import CLAIM, ENTITY, NUMBER, LabelSet

CONFIGS = ("documents", "entities", "numbers", "claims")
DEFAULT_CONFIG = "documents"


def _offsets() -> dict:
    return {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}


def _choice(labels: LabelSet, layer: str, name: str) -> ClassLabel:
    return ClassLabel(names=list(labels.layers[layer].attributes[name].choices))


def entity_feature(labels: LabelSet) -> List:
    return List({"id": Value("string"), **_offsets(),
                 "label": ClassLabel(names=list(labels.layers[ENTITY].labels))})


def number_feature(labels: LabelSet) -> List:
    return List({"id": Value("string"), **_offsets(), "value": Value("float64"), "value_max": Value("float64"),
                 "unit": Value("string"), "kind": _choice(labels, NUMBER, "kind"),
                 "bound": _choice(labels, NUMBER, "bound"),
                 "approximate": _choice(labels, NUMBER, "approximate")})


def claim_feature(labels: LabelSet) -> List:
    return List({"id": Value("string"), **_offsets(),
                 "checkworthy": _choice(labels, CLAIM, "checkworthy"),
                 "claim_type": _choice(labels, CLAIM, "claim_type"),
                 "modality": _choice(labels, CLAIM, "modality"),
                 "number_ids": List(Value("string")), "entity_ids": List(Value("string")),
                 "source_ids": List(Value("string"))})


def zone_feature(labels: LabelSet) -> ClassLabel:
    return ClassLabel(names=list(labels.zones))


def config_features(labels: LabelSet) -> dict[str, Features]:
    sentence_base = {"id": Value("string"), "doc_id": Value("string"), "text": Value("string"),
                     "zone": zone_feature(labels)}
    return {
        "documents": Features({
            "doc_id": Value("string"), "title": Value("string"), "source": Value("string"), "text": Value("string"),
            "entities": entity_feature(labels), "numbers": number_feature(labels), "claims": claim_feature(labels),
            "sentences": List({"start": Value("int32"), "end": Value("int32"), "zone": zone_feature(labels)}),
        }),
        "entities": Features({**sentence_base, "entities": entity_feature(labels),
                              "tokens": List(Value("string")),
                              "ner_tags": List(ClassLabel(names=labels.bio_names))}),
        "numbers": Features({**sentence_base, "numbers": number_feature(labels)}),
        "claims": Features({**sentence_base, "has_claim": ClassLabel(names=["no", "yes"]),
                            "claims": claim_feature(labels)}),
    }
