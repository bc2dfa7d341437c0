"""Files generated from schema/labels.yaml (and the check catalogue): the JSON Schema of an export, the Label Studio
labeling config and docs/checks.md. `tahqiq generate --check` fails when a committed copy has drifted."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import quoteattr

from tahqiq.atomic import atomic_write_text
from tahqiq.issues import CATALOGUE
from tahqiq.labels import LabelSet, load_labels
from tahqiq.paths import CHECKS_DOC_FILE, EXPORT_SCHEMA_FILE, LABELING_CONFIG_FILE

TEXT_NAME = "text"
_PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45", "#fabed4",
            "#469990", "#dcbeff", "#9a6324", "#800000", "#aaffc3", "#808000", "#000075"]


def _offsets() -> dict:
    return {"start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0}}


def _one_of_enum(values) -> dict:
    return {"type": "array", "minItems": 1, "maxItems": 1, "items": {"type": "string", "enum": list(values)}}


def _control_value(attr) -> dict:
    if attr.control == "number":
        return {"number": {"type": "number"}}, ["number"]
    if attr.control == "textarea":
        return {"text": {"type": "array", "minItems": 1, "maxItems": 1,
                         "items": {"type": "string", "minLength": 1}}}, ["text"]
    return {"choices": _one_of_enum(attr.choices)}, ["choices"]


def export_schema(labels: LabelSet) -> dict:
    """JSON Schema (Draft 2020-12) of a Label Studio 1.23 JSON export as Tahqiq uses it."""
    region_rules = []
    for layer in labels.layers.values():
        region_rules.append({
            "if": {"properties": {"from_name": {"const": layer.name}}, "required": ["from_name"]},
            "then": {"properties": {
                "type": {"const": "labels"},
                "value": {"type": "object", "required": ["start", "end", "text", "labels"],
                          "properties": {**_offsets(), "text": {"type": "string"},
                                         "labels": _one_of_enum(layer.span_labels)}}}},
        })
    for attr in labels.attributes.values():
        props, required = _control_value(attr)
        region_rules.append({
            "if": {"properties": {"from_name": {"const": attr.name}}, "required": ["from_name"]},
            "then": {"properties": {
                "type": {"const": attr.result_type},
                "value": {"type": "object", "required": required, "properties": {**_offsets(), **props}}}},
        })
    from_names = [*labels.layers, *labels.attributes]
    region_item = {
        "type": "object",
        "required": ["id", "from_name", "to_name", "type", "value"],
        "properties": {
            "id": {"type": "string", "minLength": 1},
            "from_name": {"enum": from_names},
            "to_name": {"const": TEXT_NAME},
            "type": {"enum": ["labels", "number", "textarea", "choices"]},
            "value": {"type": "object"},
        },
        "allOf": region_rules,
    }
    relation_item = {
        "type": "object",
        "required": ["from_id", "to_id", "type", "labels"],
        "properties": {
            "from_id": {"type": "string", "minLength": 1},
            "to_id": {"type": "string", "minLength": 1},
            "type": {"const": "relation"},
            "direction": {"enum": ["right", "left", "bi"]},
            "labels": {"type": "array", "minItems": 1, "uniqueItems": True,
                       "items": {"type": "string", "enum": list(labels.relations)}},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://tahqiq.dev/schema/export.schema.json",
        "title": "Tahqiq Label Studio export",
        "description": "A Label Studio 1.23 JSON export (list of tasks) annotated with the Tahqiq labeling config. "
                       "Generated from schema/labels.yaml by `tahqiq generate`; do not edit.",
        "type": "array",
        "items": {"$ref": "#/$defs/task"},
        "$defs": {
            "task": {
                "type": "object",
                "required": ["id", "data", "annotations"],
                "properties": {
                    "id": {"type": "integer"},
                    "data": {"type": "object", "required": ["text"],
                             "properties": {"text": {"type": "string"}, "doc_id": {"type": "string"}}},
                    "meta": {"type": "object"},
                    "annotations": {"type": "array", "items": {"$ref": "#/$defs/annotation"}},
                },
            },
            "annotation": {
                "type": "object",
                "required": ["id", "result"],
                "properties": {
                    "id": {"type": "integer"},
                    "completed_by": {"anyOf": [{"type": "integer"}, {"type": "object"}, {"type": "null"}]},
                    "was_cancelled": {"type": "boolean"},
                    "ground_truth": {"type": "boolean"},
                    "result": {"type": "array", "items": {"$ref": "#/$defs/result_item"}},
                },
            },
            "result_item": {
                "if": {"properties": {"type": {"const": "relation"}}, "required": ["type"]},
                "then": {"$ref": "#/$defs/relation_item"},
                "else": {"$ref": "#/$defs/region_item"},
            },
            "region_item": region_item,
            "relation_item": relation_item,
        },
    }


# Span colours: distinct ones for entities; numbers and claims dark enough to read as label names in the region
# lists (highlights in the text are translucent, so entities inside a claim stay visible).
_LAYER_COLOURS = {"number": "#d4a017", "claim": "#7a869a"}


def _attribute_controls(layer, span_label: str) -> list[str]:
    """Per-region controls, each shown (and required) only for regions of its own layer: Label Studio 1.23 checks
    `required` on every region unless the control itself carries the visibility condition."""
    when = f'visibleWhen="region-selected" whenTagName="{layer.name}" whenLabelValue="{span_label}"'
    lines = [f'      <View {when}>']
    for attr in layer.attributes.values():
        lines.append(f"        <Header size=\"6\" value={quoteattr(attr.name)}/>")
        common = f'name="{attr.name}" toName="{TEXT_NAME}" perRegion="true" {when}'
        required = ' required="true"' if attr.required else ""
        hint = f" hint={quoteattr(attr.description)}"
        if attr.control == "number":
            lines.append(f'        <Number {common} step="any"{required}{hint}/>')
        elif attr.control == "textarea":
            lines.append(f'        <TextArea {common} maxSubmissions="1" editable="true" rows="1"{required}{hint}/>')
        else:
            lines.append(f'        <Choices {common} choice="single-radio" showInline="true"{required}{hint}>')
            lines += [f'          <Choice value="{c}"/>' for c in attr.choices]
            lines.append("        </Choices>")
    lines.append("      </View>")
    return lines


def labeling_config(labels: LabelSet) -> str:
    """The Label Studio labeling config: the RTL text on the left, labels, relations and the per-region attributes
    of the selected region in a column beside it."""
    colours = iter(_PALETTE)
    lines = [
        "<!-- Generated from schema/labels.yaml by `tahqiq generate`; do not edit. -->",
        "<View>",
        '  <View style="display: flex; align-items: flex-start; gap: 1.5em">',
        '    <View style="flex: 1 1 64%; min-width: 0; direction: rtl; text-align: right; font-size: 1.15em; '
        'line-height: 1.9">',
        f'      <Text name="{TEXT_NAME}" value="$text" granularity="symbol"/>',
        "    </View>",
        '    <View style="flex: 0 0 34%; position: sticky; top: 0; max-height: 100vh; overflow-y: auto">',
    ]
    for layer in labels.layers.values():
        lines.append(f'      <Header size="5" value="{layer.name}"/>')
        lines.append(f'      <Labels name="{layer.name}" toName="{TEXT_NAME}" showInline="true">')
        for label, description in layer.labels.items():
            colour = _LAYER_COLOURS.get(layer.name) or next(colours)
            lines.append(f'        <Label value="{label}" background="{colour}" hint={quoteattr(description)}/>')
        lines.append("      </Labels>")
    lines.append('      <Relations choice="multiple">')
    lines += [f'        <Relation value="{name}"/>' for name in labels.relations]
    lines.append("      </Relations>")
    for layer in labels.layers.values():
        if layer.attributes:
            (span_label,) = layer.span_labels
            lines += _attribute_controls(layer, span_label)
    lines += ["    </View>", "  </View>", "</View>"]
    return "\n".join(lines) + "\n"


def checks_doc() -> str:
    """docs/checks.md: every validation code with its level, severity, meaning and fix."""
    lines = [
        "# Validation checks",
        "",
        "Generated from `src/tahqiq/issues.py` by `tahqiq generate`; do not edit. Codes are stable and never reused.",
        "Levels: 1 = JSON and JSON Schema, 2 = structure, 3 = meaning. `tahqiq validate` exits 1 when any error",
        "is found; warnings are reported but do not fail.",
        "",
        "| code | level | severity | what it means | what to do |",
        "|---|---|---|---|---|",
    ]
    for check in CATALOGUE.values():
        lines.append(f"| `{check.code}` | {check.level} | {check.severity.value} | {check.summary} | {check.hint} |")
    return "\n".join(lines) + "\n"


def generated_files(labels: LabelSet | None = None) -> dict[Path, str]:
    labels = labels or load_labels()
    return {
        EXPORT_SCHEMA_FILE: json.dumps(export_schema(labels), ensure_ascii=False, indent=2) + "\n",
        LABELING_CONFIG_FILE: labeling_config(labels),
        CHECKS_DOC_FILE: checks_doc(),
    }


def drifted_files() -> list[Path]:
    """Generated files whose committed content differs from what labels.yaml and the catalogue produce now."""
    return [path for path, text in generated_files().items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def write_generated() -> list[Path]:
    written = []
    for path, text in generated_files().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            atomic_write_text(path, text)
            written.append(path)
    return written
