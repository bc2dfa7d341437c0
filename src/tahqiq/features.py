"""The explicit `datasets.Features` of every config, derived from the label set (never inferred from data)."""

from __future__ import annotations

from typing import Any

from datasets import ClassLabel, Features, List, Value

from tahqiq.labels import CLAIM, ENTITY, Attribute, LabelSet
from tahqiq.rows import DOCUMENTS

DEFAULT_CONFIG = DOCUMENTS


def configs(labels: LabelSet) -> tuple[str, ...]:
    """The document config, then one per-sentence config per layer."""
    return (DOCUMENTS, *(layer.config for layer in labels.layers.values()))


def _attribute_feature(attr: Attribute):
    kind = attr.control.feature
    if kind == "class":
        return ClassLabel(names=list(attr.choices))
    return Value("float64" if kind == "float" else "string")


def region_feature(labels: LabelSet, name: str) -> List:
    """The list of one layer's regions, with the columns `rows.region_rows` writes."""
    layer = labels.layers[name]
    item = {"id": Value("string"), "start": Value("int32"), "end": Value("int32"), "text": Value("string")}
    if not layer.single_label:
        item["label"] = ClassLabel(names=list(layer.labels))
    item.update({attr.name: _attribute_feature(attr) for attr in layer.attributes.values()})
    item.update({rel.column: List(Value("string")) for rel in labels.relations_from(name)})
    return List(item)


def zone_feature(labels: LabelSet) -> ClassLabel:
    return ClassLabel(names=list(labels.zones))


def config_features(labels: LabelSet) -> dict[str, Features]:
    sentence_base = {"id": Value("string"), "doc_id": Value("string"), "text": Value("string"),
                     "zone": zone_feature(labels)}
    out = {DOCUMENTS: Features({
        "doc_id": Value("string"), "title": Value("string"), "source": Value("string"), "text": Value("string"),
        **{layer.config: region_feature(labels, name) for name, layer in labels.layers.items()},
        "sentences": List({"start": Value("int32"), "end": Value("int32"), "zone": zone_feature(labels)}),
    })}
    for name, layer in labels.layers.items():
        columns = {**sentence_base}
        if name == CLAIM:
            columns["has_claim"] = ClassLabel(names=["no", "yes"])
        columns[layer.config] = region_feature(labels, name)
        if name == ENTITY:
            columns.update(tokens=List(Value("string")), ner_tags=List(ClassLabel(names=labels.bio_names)))
        out[layer.config] = Features(columns)
    return out


def arrow_plan(features: dict) -> tuple:
    """How `batches.arrow_table` turns rows of `features` into Arrow, in plain values a worker unpickles without
    `datasets`: per column ("class", name -> id), ("list", plan), ("struct", ((name, plan), ...)) or ("value",)."""
    return ("struct", tuple((name, _plan(feature)) for name, feature in features.items()))


def _plan(feature: Any) -> tuple:
    if isinstance(feature, ClassLabel):
        return ("class", {name: i for i, name in enumerate(feature.names)})
    if isinstance(feature, List):
        return ("list", _plan(feature.feature))
    if isinstance(feature, dict):
        return arrow_plan(feature)
    return ("value",)
