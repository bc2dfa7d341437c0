"""Labels are defined once (schema/labels.yaml): every generated artefact must agree with it."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from label_studio_sdk.label_interface import LabelInterface

from tahqiq.card import label_tables
from tahqiq.features import config_features
from tahqiq.generate import RELATION_HIGHLIGHTED, RELATIONS_OVERLAY, drifted_files, export_schema

from conftest import ANNOTATIONS_DIR, EXPORT_SCHEMA_FILE, LABELING_CONFIG_FILE, LABELS, PROJECT


def test_generated_files_are_up_to_date():
    assert drifted_files(PROJECT) == [], "run `tahqiq generate` and commit the result"


def test_labeling_config_declares_every_label_and_attribute():
    interface = LabelInterface(LABELING_CONFIG_FILE.read_text(encoding="utf-8"))
    for layer in LABELS.layers.values():
        assert interface.get_control(layer.name).labels == list(layer.labels)
        for attr in layer.attributes.values():
            control = interface.get_control(attr.name)
            assert control.tag.lower() == attr.control.name
            if attr.choices:
                assert control.labels == list(attr.choices)
    relations = LABELING_CONFIG_FILE.read_text(encoding="utf-8").split("<Relations")[1].split("</Relations>")[0]
    for name in LABELS.relations:
        assert f'<Relation value="{name}"/>' in relations
    assert "direction: rtl" in LABELING_CONFIG_FILE.read_text(encoding="utf-8")


def test_attribute_controls_carry_their_own_visibility_condition():
    """Label Studio 1.23 enforces `required` on every region unless the control itself names the region it is for;
    without this no annotation holding an entity could be submitted."""
    root = ElementTree.fromstring(LABELING_CONFIG_FILE.read_text(encoding="utf-8"))
    controls = {el.get("name"): el for el in root.iter() if el.get("perRegion") == "true"}
    assert set(controls) == set(LABELS.attributes)
    for name, attr in LABELS.attributes.items():
        control = controls[name]
        (span_label,) = LABELS.layers[attr.layer].span_labels
        assert (control.get("visibleWhen"), control.get("whenTagName"), control.get("whenLabelValue")) == (
            "region-selected", attr.layer, span_label)
        assert (control.get("required") == "true") == attr.required
    (relations,) = root.iter("Relations")
    assert relations.get("choice") == "multiple"  # about + source on one claim → entity pair is one relation


def test_label_studio_accepts_the_gold_under_the_generated_config():
    interface = LabelInterface(LABELING_CONFIG_FILE.read_text(encoding="utf-8"))
    for path in sorted(ANNOTATIONS_DIR.glob("*.json")):
        for task in json.loads(path.read_text(encoding="utf-8")):
            for annotation in task["annotations"]:
                assert interface.validate_annotation({"result": annotation["result"]}), path.name


def test_schema_enums_come_from_the_labels():
    schema = json.loads(EXPORT_SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema == export_schema(LABELS)
    text = json.dumps(schema, ensure_ascii=False)
    for layer in LABELS.layers.values():
        for label in layer.labels:
            assert f'"{label}"' in text


def test_class_label_names_come_from_the_labels():
    features = config_features(LABELS)
    docs = features["documents"]
    assert docs["entities"].feature["label"].names == list(LABELS.layers["entity"].labels)
    for name, attr in LABELS.layers["number"].attributes.items():
        if attr.choices:
            assert docs["numbers"].feature[name].names == list(attr.choices)
    for name, attr in LABELS.layers["claim"].attributes.items():
        assert docs["claims"].feature[name].names == list(attr.choices)
    assert docs["sentences"].feature["zone"].names == list(LABELS.zones)
    bio = features["entities"]["ner_tags"].feature.names
    assert bio[0] == "O" and len(bio) == 1 + 2 * len(LABELS.layers["entity"].labels)


def test_card_label_tables_list_every_label():
    tables = label_tables(LABELS)
    for layer in LABELS.layers.values():
        for label in layer.labels if layer.name == "entity" else layer.attributes:
            assert f"`{label}`" in tables
    for zone in LABELS.zones:
        assert f"`{zone}`" in tables


def test_the_style_names_classes_of_the_installed_label_studio():
    """The arcs' class names are read from Label Studio's frontend bundle; a new Label Studio must not silently
    leave the arcs over the text."""
    bundles = list((PROJECT.studio_dir / "venv").glob("lib/python*/site-packages/web/dist/apps/labelstudio/*.js"))
    if not bundles:
        pytest.skip("Label Studio is not installed (make studio-install)")
    text = "".join(path.read_text(encoding="utf-8", errors="replace") for path in bundles)
    assert f'"{RELATIONS_OVERLAY}"' in text and f'"{RELATION_HIGHLIGHTED}"' in text
