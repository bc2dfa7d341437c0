"""The explicit `datasets.Features` of every config, derived from the label set (never inferred from data)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from datasets import ClassLabel, Features, List, Value

from tahqiq.labels import CLAIM, ENTITY, Attribute, LabelSet

DOCUMENTS = "documents"
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
    """The list of one layer's regions, with the columns `rows.region_row` writes."""
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


def _value_encoder(feature) -> Callable[[Any], Any] | None:
    """How a value of `feature` is stored in Arrow: class names become ids; None where nothing changes."""
    if isinstance(feature, ClassLabel):
        ids = {name: i for i, name in enumerate(feature.names)}
        return lambda v: None if v is None else ids[v]
    if isinstance(feature, List):
        inner = _value_encoder(feature.feature)
        return None if inner is None else (lambda v: None if v is None else [inner(x) for x in v])
    if isinstance(feature, dict):
        return _dict_encoder(feature)
    return None


def _dict_encoder(features: dict) -> Callable[[dict], dict]:
    encoders = {k: e for k, f in features.items() if (e := _value_encoder(f)) is not None}
    names = list(features)
    if not encoders:
        return lambda row: {k: row[k] for k in names}
    return lambda row: {k: encoders[k](row[k]) if k in encoders else row[k] for k in names}


def row_encoder(features: Features) -> Callable[[dict], dict]:
    """A row as Arrow stores it under `features` (columns in their order, class names as ids): what
    `Features.encode_example` gives, at a fraction of its cost."""
    return _dict_encoder(features)
