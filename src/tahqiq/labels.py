"""The label set, read from `schema/labels.yaml`, the one place labels are defined.

Everything about a layer that other modules need — its labels, its attributes and how Label Studio stores each of
them in a result item, the relations that start from it and the dataset column each fills, the dataset config that
carries it and what the card counts it by — is answered here, so schema, labeling config, Features, rows and card
all follow the file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tahqiq.errors import LabelsInvalid
from tahqiq.yamlfile import load_yaml

ENTITY, NUMBER, CLAIM = "entity", "number", "claim"
TEXT_NAME = "text"  # the name of the labeling config's <Text>, which every result item points to


@dataclass(frozen=True)
class Control:
    """A Label Studio per-region control: the key of `value` it stores its answer under (in a one-item list or
    bare), the result item `type`, and the kind of dataset feature it becomes (float, string or class label)."""

    name: str
    key: str
    listed: bool
    feature: str

    def read(self, value: dict) -> Any:
        answer = value[self.key]
        answer = answer[0] if self.listed else answer
        return float(answer) if self.feature == "float" else answer

    def payload(self, answer: Any) -> dict:
        return {self.key: [answer] if self.listed else answer}


CONTROLS = {
    "number": Control("number", "number", listed=False, feature="float"),
    "textarea": Control("textarea", "text", listed=True, feature="string"),
    "choices": Control("choices", "choices", listed=True, feature="class"),
}


@dataclass(frozen=True)
class Attribute:
    """A per-region attribute: a Label Studio control tied to a region by the region's id."""

    name: str
    layer: str
    control: Control
    required: bool
    description: str
    choices: tuple[str, ...] = ()

    def result_item(self, region_id: str, start: int, end: int, answer: Any, to_name: str) -> dict:
        """The result item Label Studio stores for this attribute of a region."""
        return {"id": region_id, "from_name": self.name, "to_name": to_name, "type": self.control.name,
                "value": {"start": start, "end": end, **self.control.payload(answer)}}


@dataclass(frozen=True)
class Relation:
    name: str
    source_layer: str
    target_layer: str
    description: str
    column: str  # the row column listing the target ids


@dataclass(frozen=True)
class Layer:
    name: str
    labels: dict[str, str]  # span label -> description
    attributes: dict[str, Attribute]
    config: str  # the per-sentence dataset config of this layer
    count_by: str  # `label` or an attribute name
    single_label: bool  # one span label for every region (numbers, claims); entities carry one of many

    @property
    def span_labels(self) -> tuple[str, ...]:
        return tuple(self.labels)

    @property
    def count_values(self) -> tuple[str, ...]:
        """The values the card counts this layer's regions by, in label-set order."""
        return self.span_labels if self.count_by == "label" else self.attributes[self.count_by].choices


@dataclass(frozen=True)
class LabelSet:
    layers: dict[str, Layer]
    relations: dict[str, Relation]
    zones: dict[str, str]

    @property
    def attributes(self) -> dict[str, Attribute]:
        """All per-region attributes by control name (names are unique across layers)."""
        return {name: attr for layer in self.layers.values() for name, attr in layer.attributes.items()}

    def relations_from(self, layer: str) -> list[Relation]:
        return [rel for rel in self.relations.values() if rel.source_layer == layer]

    @property
    def bio_names(self) -> list[str]:
        """ClassLabel names of the BIO tags, in a fixed order: O, then B-/I- per entity label."""
        names = ["O"]
        for label in self.layers[ENTITY].labels:
            names += [f"B-{label}", f"I-{label}"]
        return names


def _layer(name: str, spec: dict) -> Layer:
    span_label = spec.get("span_label")
    labels = {span_label: f"a {name} region"} if span_label else dict(spec["labels"])
    attributes = {}
    for attr_name, attr in (spec.get("attributes") or {}).items():
        if attr["control"] not in CONTROLS:
            raise LabelsInvalid(f"attribute {attr_name!r}: control {attr['control']!r} is not one of "
                            f"{', '.join(CONTROLS)}")
        attributes[attr_name] = Attribute(name=attr_name, layer=name, control=CONTROLS[attr["control"]],
                                          required=bool(attr["required"]), description=attr["description"],
                                          choices=tuple(str(c) for c in attr.get("choices", ())))
    count_by = spec.get("count_by", "label")
    if count_by != "label" and count_by not in attributes:
        raise LabelsInvalid(f"layer {name!r}: count_by {count_by!r} is neither `label` nor one of its attributes")
    return Layer(name=name, labels=labels, attributes=attributes, config=spec.get("config", f"{name}s"),
                 count_by=count_by, single_label=bool(span_label))


def parse_labels(raw: dict) -> LabelSet:
    try:
        layers = {name: _layer(name, spec) for name, spec in raw["layers"].items()}
        relations = {
            name: Relation(name=name, source_layer=r["from"], target_layer=r["to"], description=r["description"],
                           column=r.get("column", f"{name}_ids"))
            for name, r in raw["relations"].items()
        }
        zones = dict(raw["zones"])
    except (KeyError, TypeError, AttributeError) as err:
        raise LabelsInvalid(f"labels.yaml is not of the expected form (missing or misshapen {err})") from None
    for rel in relations.values():
        if rel.source_layer not in layers or rel.target_layer not in layers:
            raise LabelsInvalid(f"relation {rel.name!r} joins unknown layers {rel.source_layer!r} → "
                                f"{rel.target_layer!r}")
    _check_names(layers, relations, zones)
    _check_unique(layers, relations)
    return LabelSet(layers=layers, relations=relations, zones=zones)


_NAME = re.compile(r"[^\s`|<>\"'&]+")  # names stand in code spans, Markdown tables, XML and JSON pointers


def _check_names(layers: dict[str, Layer], relations: dict[str, Relation], zones: dict[str, str]) -> None:
    names = [*layers, *relations, *zones]
    for layer in layers.values():
        names += [*layer.labels, *layer.attributes]
        names += [c for attr in layer.attributes.values() for c in attr.choices]
    names += [rel.column for rel in relations.values()]
    for name in names:
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise LabelsInvalid(f"the name {name!r} has a space or one of ` | < > \" ' &: use letters, digits, "
                                "`_` or `-`")


def _check_unique(layers: dict[str, Layer], relations: dict[str, Relation]) -> None:
    """Names that Label Studio or the dataset would confuse: an attribute named like a layer or like an attribute
    of another layer, a choice or label listed twice, two relations filling one column."""
    attribute_names = [name for layer in layers.values() for name in layer.attributes]
    for name in attribute_names:
        if attribute_names.count(name) > 1 or name in layers:
            raise LabelsInvalid(f"attribute {name!r} is defined twice, or shares its name with a layer")
    for layer in layers.values():
        for attr in layer.attributes.values():
            if len(set(attr.choices)) != len(attr.choices):
                raise LabelsInvalid(f"attribute {attr.name!r} lists a choice twice: {list(attr.choices)}")
    columns = [rel.column for rel in relations.values()]
    if len(set(columns)) != len(columns):
        raise LabelsInvalid(f"two relations fill the same column: {columns}")


@cache
def load_labels(path: Path) -> LabelSet:
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise LabelsInvalid(f"cannot read the label set {path}: {err}") from None
    if not isinstance(raw, dict):
        raise LabelsInvalid(f"{path} does not hold a mapping of layers, relations and zones")
    return parse_labels(raw)
