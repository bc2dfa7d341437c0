"""The label set, read from `schema/labels.yaml`, the one place labels are defined."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from tahqiq.paths import LABELS_FILE

ENTITY, NUMBER, CLAIM = "entity", "number", "claim"


@dataclass(frozen=True)
class Attribute:
    """A per-region attribute: a Label Studio control tied to a region by the region's id."""

    name: str
    layer: str
    control: str  # number | textarea | choices
    required: bool
    description: str
    choices: tuple[str, ...] = ()

    @property
    def result_type(self) -> str:
        """The `type` of the result item Label Studio stores for this control."""
        return self.control


@dataclass(frozen=True)
class Layer:
    name: str
    labels: dict[str, str]  # span label -> description
    attributes: dict[str, Attribute]

    @property
    def span_labels(self) -> tuple[str, ...]:
        return tuple(self.labels)


@dataclass(frozen=True)
class Relation:
    name: str
    source_layer: str
    target_layer: str
    description: str


@dataclass(frozen=True)
class LabelSet:
    layers: dict[str, Layer]
    relations: dict[str, Relation]
    zones: dict[str, str]

    @property
    def attributes(self) -> dict[str, Attribute]:
        """All per-region attributes by control name (names are unique across layers)."""
        return {name: attr for layer in self.layers.values() for name, attr in layer.attributes.items()}

    @property
    def bio_names(self) -> list[str]:
        """ClassLabel names of the BIO tags, in a fixed order: O, then B-/I- per entity label."""
        names = ["O"]
        for label in self.layers[ENTITY].labels:
            names += [f"B-{label}", f"I-{label}"]
        return names

    def layer_of_span_label(self, label: str) -> str | None:
        for layer in self.layers.values():
            if label in layer.labels:
                return layer.name
        return None


def parse_labels(raw: dict) -> LabelSet:
    layers = {}
    for name, spec in raw["layers"].items():
        if spec.get("span_label"):
            labels = {spec["span_label"]: f"a {name} region"}
        else:
            labels = dict(spec["labels"])
        attributes = {
            attr_name: Attribute(
                name=attr_name,
                layer=name,
                control=attr["control"],
                required=bool(attr["required"]),
                description=attr["description"],
                choices=tuple(str(c) for c in attr.get("choices", ())),
            )
            for attr_name, attr in (spec.get("attributes") or {}).items()
        }
        layers[name] = Layer(name=name, labels=labels, attributes=attributes)
    relations = {
        name: Relation(name=name, source_layer=r["from"], target_layer=r["to"], description=r["description"])
        for name, r in raw["relations"].items()
    }
    return LabelSet(layers=layers, relations=relations, zones=dict(raw["zones"]))


@cache
def load_labels(path: Path = LABELS_FILE) -> LabelSet:
    with open(path, encoding="utf-8") as fh:
        return parse_labels(yaml.safe_load(fh))
