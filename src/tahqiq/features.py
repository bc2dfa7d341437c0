"""The explicit `datasets.Features` of every config, derived from the label set (never inferred from data)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
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


def arrow_table(rows: list[dict], features: Features, schema: pa.Schema) -> pa.Table:
    """Rows as `rows` makes them (class names by name) in one Arrow table of `schema` (`features.arrow_schema`,
    which is slow to make): what `Features.encode_example` and `pa.Table.from_pylist` give (None as null at any
    level), built column by column at a fraction of their cost. A class name the features do not list is a
    KeyError: rows come from validated data."""
    return pa.Table.from_arrays([_column([row[name] for row in rows], feature, schema.field(name).type)
                                 for name, feature in features.items()], schema=schema)


def _column(values: list, feature: Any, kind: pa.DataType) -> pa.Array:
    """One feature's values as an Arrow array of type `kind`; lists (region lists, relations, tokens, tags) are
    flattened into one child array, structs (regions) into one array per field."""
    if isinstance(feature, ClassLabel):
        ids = {name: i for i, name in enumerate(feature.names)}
        return pa.array([None if v is None else ids[v] for v in values], type=kind)
    nulls = pa.array([value is None for value in values]) if None in values else None
    if isinstance(feature, List):
        offsets, flat = [0], []
        for value in values:
            flat += value or ()
            offsets.append(len(flat))
        return pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()),
                                        _column(flat, feature.feature, kind.value_type), type=kind, mask=nulls)
    if isinstance(feature, dict):
        fields = [[None if value is None else value[name] for value in values] if nulls else
                  [value[name] for value in values] for name in feature]
        return pa.StructArray.from_arrays([_column(field, child, kind.field(name).type) for field, (name, child)
                                           in zip(fields, feature.items(), strict=True)],
                                          fields=list(kind), mask=nulls)
    return pa.array(values, type=kind)
