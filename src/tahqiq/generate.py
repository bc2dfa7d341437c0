"""Files derived from schema/labels.yaml (and the check catalogue) that the project publishes: the JSON Schema of an
export, the Label Studio labeling config and docs/checks.md. The library builds the schema and config in memory
from the labels whenever it needs them; these copies are for people and other tools, and `tahqiq generate --check`
fails when a committed copy has drifted."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import quoteattr

from tahqiq.atomic import atomic_write_many
from tahqiq.errors import ProjectFileInvalid, error_kinds
from tahqiq.issues import CATALOGUE
from tahqiq.labels import TEXT_NAME, LabelSet
from tahqiq.project import Project
from tahqiq.validate.schema import export_schema

_PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45", "#fabed4",
            "#469990", "#dcbeff", "#9a6324", "#800000", "#aaffc3", "#808000", "#000075"]


# Span colours: distinct ones for entities; numbers and claims dark enough to read as label names in the region
# lists (highlights in the text are translucent, so entities inside a claim stay visible).
_LAYER_COLOURS = {"number": "#d4a017", "claim": "#7a869a"}


# Class names of Label Studio 1.23.2's editor, read from its frontend bundle (the screenshot test checks them in a
# real browser). It draws relation arcs in an SVG over the text and marks that SVG while a relation of the
# Relations panel is hovered: the style hides the arcs except then, so they never cover the Arabic text and show,
# with their labels, for the relation pointed at. Its side panels are left-to-right; the style turns the region
# texts of the Regions list and of the Info panel right-to-left (its other panels it cannot reach).
RELATIONS_OVERLAY, RELATION_HIGHLIGHTED = "relations-overlay", "_highlighting--YEDwO"
REGION_TEXTS = ("lsf-outliner-item__text", "lsf-region-meta__content_type_text")
_STYLE = (f".{RELATIONS_OVERLAY}:not(.{RELATION_HIGHLIGHTED}) {{ opacity: 0; }}",
          f"{', '.join('.' + name for name in REGION_TEXTS)} {{ direction: rtl; text-align: right; }}",
          # the list is laid out wider than its panel: a text narrower than the panel keeps its start in view
          f".{REGION_TEXTS[0]} {{ max-width: 14em; }}")
_ROW = "display: flex; align-items: center; flex-wrap: wrap; gap: 0 0.6em; margin: 0"


def _attribute_controls(layer, span_label: str) -> list[str]:
    """Per-region controls, each shown (and required) only for regions of its own layer: Label Studio 1.23 checks
    `required` on every region unless the control itself carries the visibility condition. One compact row per
    attribute (its name, then the control), so a selected region's attributes fit at the top of the column."""
    when = f'visibleWhen="region-selected" whenTagName={quoteattr(layer.name)} whenLabelValue={quoteattr(span_label)}'
    lines = [f'      <View {when}>']
    for attr in layer.attributes.values():
        lines.append(f'        <View style="{_ROW}">')
        lines.append(f"          <Header size=\"6\" value={quoteattr(attr.name)}/>")
        common = f'name={quoteattr(attr.name)} toName="{TEXT_NAME}" perRegion="true" {when}'
        required = ' required="true"' if attr.required else ""
        hint = f" hint={quoteattr(attr.description)}"
        if attr.control.name == "number":
            lines.append(f'          <Number {common} step="any"{required}{hint}/>')
        elif attr.control.name == "textarea":
            lines.append(f'          <TextArea {common} maxSubmissions="1" editable="true" rows="1"{required}{hint}/>')
        else:
            lines.append(f'          <Choices {common} choice="single-radio" showInline="true"{required}{hint}>')
            lines += [f'            <Choice value={quoteattr(c)}/>' for c in attr.choices]
            lines.append("          </Choices>")
        lines.append("        </View>")
    lines.append("      </View>")
    return lines


def labeling_config(labels: LabelSet) -> str:
    """The Label Studio labeling config: the RTL text on the left; beside it, first the attributes of the selected
    region (so they show without scrolling), then the labels and relations; a style that keeps relation arcs off
    the text."""
    colours = iter(_PALETTE)
    lines = [
        "<!-- Generated from schema/labels.yaml by `tahqiq generate`; do not edit. -->",
        "<View>",
        "  <Style>",
        *(f"    {rule}" for rule in _STYLE),
        "  </Style>",
        '  <View style="display: flex; align-items: flex-start; gap: 1.5em">',
        '    <View style="flex: 1 1 64%; min-width: 0; direction: rtl; text-align: right; font-size: 1.15em; '
        'line-height: 1.9">',
        f'      <Text name="{TEXT_NAME}" value="$text" granularity="symbol"/>',
        "    </View>",
        '    <View style="flex: 0 0 34%; position: sticky; top: 0; max-height: 100vh; overflow-y: auto">',
    ]
    for layer in labels.layers.values():
        if layer.attributes:
            (span_label,) = layer.span_labels
            lines += _attribute_controls(layer, span_label)
    for layer in labels.layers.values():
        lines.append(f'      <Header size="6" value={quoteattr(layer.name)}/>')
        lines.append(f'      <Labels name={quoteattr(layer.name)} toName="{TEXT_NAME}" showInline="true">')
        for label, description in layer.labels.items():
            colour = _LAYER_COLOURS.get(layer.name) or next(colours)
            lines.append(f'        <Label value={quoteattr(label)} background="{colour}" '
                         f'hint={quoteattr(description)}/>')
        lines.append("      </Labels>")
    lines.append('      <Relations choice="multiple">')
    lines += [f'        <Relation value={quoteattr(name)}/>' for name in labels.relations]
    lines.append("      </Relations>")
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
    lines += ["", "## Command errors", "",
              "Failures that are not a validation report print `tahqiq: [code] message` on stderr. Exit 1 for data,",
              "2 for usage and environment.", "", "| code | exit | when |", "|---|---|---|"]
    for kind in error_kinds():
        lines.append(f"| `{kind.code}` | {kind.exit_status} | {' '.join((kind.__doc__ or '').split())} |")
    return "\n".join(lines) + "\n"


def export_schema_text(labels: LabelSet) -> str:
    return json.dumps(export_schema(labels), ensure_ascii=False, indent=2) + "\n"


def generated_files(project: Project) -> dict[Path, str]:
    labels = project.labels
    return {
        project.export_schema_file: export_schema_text(labels),
        project.labeling_config_file: labeling_config(labels),
        project.checks_doc_file: checks_doc(),
    }


def _stale(path: Path, text: str) -> bool:
    return _read(path) != text


def drifted_files(project: Project) -> list[Path]:
    """Generated files whose committed content differs from what labels.yaml and the catalogue produce now. The
    labeling config must also be well-formed XML, as committed and as generated."""
    files = generated_files(project)
    for text in (files[project.labeling_config_file], _read(project.labeling_config_file)):
        if text is not None:
            try:
                ElementTree.fromstring(text)
            except ElementTree.ParseError as err:
                raise ProjectFileInvalid(f"{project.labeling_config_file} is not well-formed XML ({err})") from None
    return [path for path, text in files.items() if _stale(path, text)]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_generated(project: Project) -> list[Path]:
    """Write every stale generated file, all together or none."""
    stale = {path: text for path, text in generated_files(project).items() if _stale(path, text)}
    atomic_write_many({path: text.encode("utf-8") for path, text in stale.items()})
    return list(stale)
