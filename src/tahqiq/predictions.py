"""Predictions in the benchmark's format (docs/predictions.md): JSON Lines, one line per row of one per-sentence
config, checked against the rows like an annotation export, and made from document-level regions (Label Studio
predictions, the rule-based pre-annotators) by cutting them into the dataset's sentences."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tahqiq.errors import Refused
from tahqiq.issues import Location, Report, make_issue, pointer
from tahqiq.labels import CLAIM, LabelSet
from tahqiq.model import Region
from tahqiq.rows import row_id
from tahqiq.strictjson import json_fault
from tahqiq.text import Sentence

LINK_FIELD = "links"


def layer_of(config: str, labels: LabelSet) -> str:
    return next(name for name, layer in labels.layers.items() if layer.config == config)


def line_schema(config: str, labels: LabelSet) -> dict:
    """The JSON Schema of one prediction line of `config`."""
    name = layer_of(config, labels)
    layer = labels.layers[name]
    span: dict[str, Any] = {"start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0},
                            "text": {"type": "string"}}
    required = ["start", "end"]
    if not layer.single_label:
        span["label"] = {"enum": list(layer.labels)}
        required.append("label")
    for attr in layer.attributes.values():
        if attr.control.feature == "class":
            span[attr.name] = {"enum": [*attr.choices, None]}
        elif attr.control.feature == "float":
            span[attr.name] = {"type": ["number", "null"]}
        else:
            span[attr.name] = {"type": ["string", "null"]}
    relations = [rel.name for rel in labels.relations_from(name)]
    if relations:
        span[LINK_FIELD] = {"type": "array", "items": {
            "type": "object", "required": ["relation", "start", "end"], "additionalProperties": False,
            "properties": {"relation": {"enum": relations}, "start": {"type": "integer", "minimum": 0},
                           "end": {"type": "integer", "minimum": 0}}}}
    line: dict[str, Any] = {"id": {"type": "string"},
                            config: {"type": "array", "items": {"type": "object", "required": required,
                                                                "additionalProperties": False, "properties": span}}}
    if name == CLAIM:
        line["has_claim"] = {"enum": ["yes", "no"]}
    return {"type": "object", "required": ["id", config], "additionalProperties": False, "properties": line}


def _issue(code: str, message: str, file: str, ptr: str, related=()):
    return make_issue(code, message, file=file, pointer=ptr, related=related)


def check_lines(raw_lines: list[tuple[int, Any]], *, config: str, rows: dict[str, dict], labels: LabelSet,
                file: str) -> Report:
    """Issues of prediction lines ((line index, parsed object)) against the rows of one config and split."""
    from jsonschema import Draft202012Validator

    from tahqiq.validate.schema import error_code, leaf_errors

    validator = Draft202012Validator(line_schema(config, labels))
    report = Report(files=1, tasks=len(raw_lines))
    first: dict[str, Location] = {}
    for index, line in raw_lines:
        errors = list(leaf_errors(validator.iter_errors(line)))
        for error in errors:
            path = [index, *error.absolute_path]
            code = error_code(error, path)
            if code == "schema-violation" and error.validator == "enum":  # a label or value outside the label set
                code = "unknown-label" if path[-1] in ("label", "relation") else "unknown-choice"
            report.extend([_issue(code, error.message, file, pointer(*path))])
        if errors:
            continue
        row_id = line["id"]
        if row_id not in rows:
            report.extend([_issue("unknown-row-id", f"{row_id!r} is not a row of the {config} config in this "
                                  "split", file, pointer(index, "id"))])
            continue
        if row_id in first:
            report.extend([_issue("duplicate-row-id", f"row {row_id!r} is predicted twice (first at "
                                  f"{first[row_id].pointer})", file, pointer(index, "id"), (first[row_id],))])
            continue
        first[row_id] = Location(file, pointer(index, "id"))
        text = rows[row_id]["text"]
        for k, span in enumerate(line[config]):
            where = pointer(index, config, k)
            for start, end, at in [(span["start"], span["end"], where),
                                   *((link["start"], link["end"], f"{where}/{LINK_FIELD}/{n}")
                                     for n, link in enumerate(span.get(LINK_FIELD, [])))]:
                if not 0 <= start < end <= len(text):
                    report.extend([_issue("offset-out-of-range", f"[{start}, {end}) is not a span of a row of "
                                          f"{len(text)} code points", file, f"{at}/end")])
            if "text" in span and 0 <= span["start"] < span["end"] <= len(text) \
                    and text[span["start"]:span["end"]] != span["text"]:
                report.extend([_issue("span-text-mismatch", f"text is {span['text']!r} but the row has "
                                      f"{text[span['start']:span['end']]!r} there", file, f"{where}/text")])
    return report


def read_predictions(path: Path, *, config: str, rows: dict[str, dict], labels: LabelSet) -> dict[str, dict]:
    """The lines of a checked prediction file by row id; raises Refused with the coded report when anything is
    wrong. Lines are parsed as strictly as exports (no NaN, no repeated keys)."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise Refused(Report(issues=[_issue("file-unreadable", f"cannot read {path}: {err}", file, "")], files=1)
                      ) from None
    parsed, report = [], Report()
    for index, raw in enumerate(text.split("\n")):  # only \n ends a line: texts may hold U+2028 and kin
        if not raw.strip():
            continue
        data, fault = json_fault(raw)
        if fault is None:
            parsed.append((index, data))
        else:
            report.extend([_issue("json-invalid", f"line {index + 1}: {fault}", file, pointer(index))])
    checked = check_lines(parsed, config=config, rows=rows, labels=labels, file=file)
    checked.extend(report.issues)
    if not checked.ok:
        raise Refused(checked, f"not evaluated: {path} has {len(checked.errors)} problem(s)")
    return {line["id"]: line for _, line in parsed}


def lines_from_regions(doc_id: str, sentences: list[Sentence], regions: Iterable[Region],
                       links: Iterable[tuple[str, str, str]], *, config: str, labels: LabelSet) -> list[dict]:
    """Prediction lines of one document: each region of the config's layer in the sentence that holds it (a region
    across sentences is dropped, as the dataset drops none), with its links to regions in the same sentence."""
    name = layer_of(config, labels)
    layer = labels.layers[name]
    regions, links = list(regions), list(links)
    by_id = {r.id: r for r in regions}
    lines = []
    for index, sentence in enumerate(sentences):
        spans = []
        for region in sorted((r for r in regions if r.layer == name and sentence.span.contains(r.span)),
                             key=lambda r: (r.span.start, -r.span.end)):
            item: dict[str, Any] = {"start": region.span.start - sentence.start,
                                    "end": region.span.end - sentence.start}
            if not layer.single_label:
                item["label"] = region.label
            item.update({k: region.attrs[k] for k in layer.attributes if region.attrs.get(k) is not None})
            targets = [{"relation": relation, "start": by_id[target].span.start - sentence.start,
                        "end": by_id[target].span.end - sentence.start}
                       for source, target, relation in links
                       if source == region.id and target in by_id and sentence.span.contains(by_id[target].span)]
            if targets and labels.relations_from(name):
                item[LINK_FIELD] = targets
            spans.append(item)
        line: dict[str, Any] = {"id": row_id(doc_id, index), config: spans}
        if name == CLAIM:
            line["has_claim"] = "yes" if spans else "no"
        lines.append(line)
    return lines
