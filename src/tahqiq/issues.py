"""Validation problems as values: a catalogue of stable codes, the frozen Issue, and the Report that collects them.

Codes are kebab-case, stable and never reused; `docs/checks.md` is generated from CATALOGUE."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Check:
    code: str
    level: int
    severity: Severity
    summary: str
    hint: str


_CHECKS = [
    # L1: the bytes parse as JSON and match the JSON Schema
    Check("file-unreadable", 1, Severity.ERROR, "The file cannot be read as UTF-8 text.",
          "Check the path and save the export as UTF-8."),
    Check("json-invalid", 1, Severity.ERROR, "The file is not valid JSON.",
          "Fix the JSON where the message says (line and column when the parser knows them), or export again."),
    Check("file-too-large", 1, Severity.ERROR, "An export file is larger than the size limit.",
          "Split the export, or raise the limit with --max-file-mb N (or TAHQIQ_MAX_FILE_MB)."),
    Check("json-too-deep", 1, Severity.ERROR, "The JSON is nested deeper than any export can be.",
          "The file is not a Label Studio export; export the project again."),
    Check("empty-input", 1, Severity.ERROR, "The paths given hold no export file (*.json).",
          "Name an export file, or a folder that holds *.json exports."),
    Check("empty-export", 1, Severity.ERROR, "An export file holds no task.",
          "Export the project again with its tasks, or remove the empty file."),
    Check("doc-id-invalid", 1, Severity.ERROR, "A data.doc_id is not a safe file name.",
          "Use letters, digits, `_`, `.` and `-` only (no `/`, no leading dot, at most 128 characters)."),
    Check("schema-violation", 1, Severity.ERROR, "The JSON does not match schema/export.schema.json.",
          "Compare the item at the pointer with the schema; re-export from Label Studio rather than editing by hand."),
    Check("unknown-label", 1, Severity.ERROR, "A span carries a label that is not in schema/labels.yaml.",
          "Use a label from the labeling config, or add it to schema/labels.yaml and run `tahqiq generate`."),
    Check("unknown-choice", 1, Severity.ERROR, "A per-region choice is not one of the allowed values.",
          "Pick one of the values listed in schema/labels.yaml for this attribute."),
    # L2: structure that a schema cannot express
    Check("duplicate-task-id", 2, Severity.ERROR, "Two tasks share one id.",
          "Each task must appear once; merge the exports or drop the repeated task."),
    Check("duplicate-doc-id", 2, Severity.ERROR, "Two tasks carry the same data.doc_id.",
          "A document is one task; keep one and delete the other in Label Studio."),
    Check("duplicate-annotation-id", 2, Severity.ERROR, "Two annotations share one id.",
          "Annotation ids come from Label Studio and must be unique; re-export instead of copying annotations."),
    Check("duplicate-region", 2, Severity.ERROR, "Two span items in one annotation share a region id.",
          "Give each region its own id; attributes of a region share its id, spans do not."),
    Check("duplicate-span", 2, Severity.ERROR, "Two regions of one layer repeat the same span, label and attributes.",
          "Delete one of the two copies in Label Studio."),
    Check("offset-out-of-range", 2, Severity.ERROR, "A span's start/end lie outside the task text or start >= end.",
          "Offsets are Python code points into data.text; redraw the region in Label Studio."),
    Check("offset-not-integer", 2, Severity.ERROR, "A span's start or end is written with a decimal point.",
          "Offsets are whole numbers of code points (17, not 17.0); redraw the region or export again."),
    Check("span-text-mismatch", 2, Severity.ERROR, "data.text[start:end] differs from value.text.",
          "The offsets or the text were changed by hand; redraw the region so both agree."),
    Check("span-untrimmed", 2, Severity.ERROR, "A span starts or ends with whitespace, a quote or punctuation.",
          "Shrink the region to the words themselves (docs/guidelines.md, span edges)."),
    Check("attribute-orphan", 2, Severity.ERROR, "An attribute item's id names no span region.",
          "Delete the attribute or restore the region it belonged to."),
    Check("attribute-wrong-layer", 2, Severity.ERROR, "An attribute is attached to a region of another layer.",
          "Number attributes go on NUM regions, claim attributes on CLAIM regions, none on entities."),
    Check("attribute-span-mismatch", 2, Severity.ERROR, "An attribute item's start/end differ from its region's.",
          "Re-select the region in Label Studio and set the attribute again."),
    Check("attribute-duplicate", 2, Severity.ERROR, "A region has the same attribute twice.",
          "Keep one value per attribute and region."),
    Check("relation-dangling", 2, Severity.ERROR, "A relation end names no region of the annotation.",
          "Delete the relation or restore the region."),
    Check("relation-wrong-layer", 2, Severity.ERROR, "A relation joins regions of the wrong layers.",
          "has_number goes claim → number; about and source go claim → entity."),
    Check("relation-duplicate", 2, Severity.ERROR, "Two relation items join the same pair of regions.",
          "Label Studio keeps one relation per pair: make it one relation carrying both labels (about and source)."),
    Check("duplicate-prediction", 2, Severity.ERROR, "One model predicts one document twice.",
          "Keep one prediction per document and model_version in the prediction files."),
    Check("unknown-row-id", 2, Severity.ERROR, "A prediction names a row that the config and split do not have.",
          "Use the `id` of a row of the same config and split (`<doc_id>-<sentence number>`)."),
    Check("duplicate-row-id", 2, Severity.ERROR, "A prediction file gives one row twice.",
          "Write one line per row, with all of that row's spans."),
    Check("seed-mismatch", 2, Severity.ERROR, "The task text differs from its seed text (sha256).",
          "Never edit task text; re-import the seed from seeds/ so offsets point into the real text."),
    Check("unknown-doc-id", 2, Severity.WARNING, "data.doc_id is missing or not in seeds/manifest.yaml.",
          "Add the document to seeds/manifest.yaml, or the task will not be built."),
    # L3: meaning
    Check("no-annotation", 3, Severity.WARNING, "A task has no usable (non-cancelled) annotation.",
          "Annotate the task in Label Studio; it is left out of the build until then."),
    Check("ambiguous-annotation", 3, Severity.ERROR,
          "Several non-cancelled annotations and none marked ground truth.",
          "Mark the adjudicated annotation as ground truth in Label Studio."),
    Check("multiple-ground-truth", 3, Severity.ERROR, "More than one annotation of a task is ground truth.",
          "Keep the ground-truth star on one annotation only."),
    Check("attribute-missing", 3, Severity.ERROR, "A region lacks a required attribute.",
          "Select the region and fill the attribute (numbers: unit, kind, bound; claims: all three choices)."),
    Check("range-without-max", 3, Severity.ERROR, "A number with bound `range` has no value_max.",
          "Enter the upper end of the range in value_max."),
    Check("value-max-not-range", 3, Severity.ERROR, "A number has value_max but its bound is not `range`.",
          "Clear value_max, or set bound to range."),
    Check("range-inverted", 3, Severity.ERROR, "value_max is not greater than value.",
          "value is the lower end, value_max the upper end of the range."),
    Check("number-value-missing", 3, Severity.ERROR, "A number written with digits has no value.",
          "Only vague quantities without digits (مئات الملايين) may leave value empty."),
    Check("number-digits-mismatch", 3, Severity.ERROR, "The digits in a number's text do not match its value.",
          "value is the stated number times its scale word (مليار = 1e9); check digits, decimals and scale."),
    Check("number-negative", 3, Severity.ERROR, "A number's value is negative but its text has no minus sign.",
          "Enter the value as written: a decline is a positive number in a claim about a fall."),
    Check("unit-invalid", 3, Severity.ERROR, "A unit does not fit its kind.",
          "money: ISO 4217 code (USD); percent: `percent`; others: a lowercase English singular noun."),
    Check("number-overlap", 3, Severity.ERROR, "Two number regions overlap.",
          "A quantity is one region; merge or shrink the overlapping regions."),
    Check("number-inside-product", 3, Severity.ERROR, "A number region lies inside a PRODUCT entity.",
          "Names with digits (R1, GPT-4o, H800) are PRODUCT entities, never numbers; delete the number region."),
    Check("span-crosses-sentence", 3, Severity.ERROR, "A region crosses a sentence boundary.",
          "Split the region, or end it at the sentence end (sentence rules: docs/guidelines.md)."),
]

CATALOGUE: dict[str, Check] = {check.code: check for check in _CHECKS}


@dataclass(frozen=True)
class Location:
    """Another place an issue points at, such as the first occurrence of a duplicate."""

    file: str
    pointer: str


@dataclass(frozen=True)
class Issue:
    code: str
    level: int
    severity: Severity
    message: str
    hint: str
    file: str
    task_id: int | None = None
    annotation_id: int | None = None
    region_id: str | None = None
    pointer: str = ""
    related: tuple[Location, ...] = ()

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["related"] = [asdict(r) for r in self.related]
        return data


@dataclass(frozen=True)
class Skipped:
    """Level 3 was not run on an annotation, or on some of its regions, because level 2 found errors that leave
    their meaning unknown until they are fixed, so the report is partial for them and says so."""

    file: str
    task_id: int | None
    annotation_id: int | None
    codes: tuple[str, ...]  # the level 2 codes that stopped it
    region_ids: tuple[str, ...] = ()  # the regions skipped; empty when the whole annotation was


def make_issue(
    code: str,
    message: str,
    *,
    file: str,
    pointer: str = "",
    task_id: int | None = None,
    annotation_id: int | None = None,
    region_id: str | None = None,
    related: tuple[Location, ...] = (),
) -> Issue:
    """An Issue whose level, severity and hint come from the catalogue, so a code always means the same thing."""
    check = CATALOGUE[code]
    return Issue(
        code=code,
        level=check.level,
        severity=check.severity,
        message=message,
        hint=check.hint,
        file=file,
        task_id=task_id,
        annotation_id=annotation_id,
        region_id=region_id,
        pointer=pointer,
        related=related,
    )


@dataclass
class Report:
    issues: list[Issue] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files: int = 0
    tasks: int = 0

    def extend(self, issues) -> None:
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        """Issues per code, most frequent first (ties in catalogue order)."""
        order = {code: i for i, code in enumerate(CATALOGUE)}
        found = Counter(i.code for i in self.issues)
        return dict(sorted(found.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)))))

    def filtered(self, *, select: set[str] | None = None, ignore: set[str] = frozenset(),
                 max_level: int = 3) -> Report:
        """The same report with only the chosen codes and levels (the counts of files and tasks stay)."""
        kept = [i for i in self.issues if (select is None or i.code in select) and i.code not in ignore
                and i.level <= max_level]
        return Report(issues=kept, skipped=list(self.skipped) if max_level >= 3 else [], files=self.files,
                      tasks=self.tasks)


def pointer(*parts: object) -> str:
    """An RFC 6901 JSON pointer from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)
