"""What the build makes of each batch of tasks, where the tasks are checked (a worker process): rows as Arrow
IPC streams, CoNLL blocks, the carried tasks and what the card counts, in one object per batch that the process
that writes merges as it comes. Nothing here imports `datasets`, so that a worker starts light."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import orjson
import pyarrow as pa

from tahqiq.agreement import AgreementResult, AgreementTally
from tahqiq.conll import own_block
from tahqiq.gold import gold_documents
from tahqiq.labels import ENTITY, LabelSet
from tahqiq.manifest import Manifest
from tahqiq.model import Task
from tahqiq.passes import PassLedger, pass_keys
from tahqiq.rows import DOCUMENTS, document_row, misaligned_entities, region_rows, sentence_rows
from tahqiq.store import canonical_task

FIRST_PASS, SECOND_PASS = 1, 2  # completed_by ids of the two independent annotation passes


@dataclass
class Made:
    """What the build makes of one sound task (in a worker): always its passes and agreement; for a gold document
    of the manifest also its rows, label counts and CoNLL blocks."""

    doc_id: str
    passes: list[tuple]
    agreement: AgreementTally
    listed: str | None = None  # the split of the manifest that lists the doc id, gold or not
    split: str | None = None  # None: not a gold document of the manifest, nothing of it is built
    rows: dict[str, list[dict]] = field(default_factory=dict)  # config -> rows (class names by name)
    counts: dict[str, Counter] = field(default_factory=dict)
    conll: list[tuple[str, int]] = field(default_factory=list)  # (block, tag columns it needs)
    misaligned: list[tuple[str, str, str]] = field(default_factory=list)
    task_json: bytes = b""  # the task as the repo carries it (store.canonical_task)
    code_points: int = 0


def make(task: Task, *, labels: LabelSet, manifest: Manifest) -> Made:
    """The build's part of one task."""
    agreement = AgreementTally(FIRST_PASS, SECOND_PASS)
    agreement.add_task(task, labels)
    seed = manifest.by_id.get(task.doc_id or "")
    made = Made(task.doc_id or str(task.id), pass_keys(task), agreement, None if seed is None else seed.split)
    docs = gold_documents([task], manifest=manifest)
    if not docs:
        return made
    doc = docs[0]
    made.task_json = carried_json(canonical_task(task.raw, attribute_order=list(labels.attributes)))
    made.code_points = len(doc.text)
    made.split = doc.split
    made_rows = region_rows(doc, labels)
    made.rows = {DOCUMENTS: [document_row(doc, labels, made_rows)], **sentence_rows(doc, labels, made_rows)}
    for region in doc.annotation.regions.values():
        count_by = labels.layers[region.layer].count_by
        key = region.label if count_by == "label" else region.attrs.get(count_by)
        made.counts.setdefault(region.layer, Counter())[key] += 1
    made.conll = [own_block(row) for row in made.rows[labels.layers[ENTITY].config]]
    made.misaligned = [(doc.doc_id, r.id, r.text) for r in misaligned_entities(doc)]
    return made


def carried_json(task: dict) -> bytes:
    """A task as one line of JSON with sorted keys: by orjson, or by Python's encoder where orjson stops (integers
    beyond 64 bits, nesting deeper than 255) and the strict parser did not."""
    try:
        return orjson.dumps(task, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(task, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass
class Collected:
    """What the card and the summary need, gathered from tasks in order: a worker collects its batch, the
    process that writes merges the batches as they arrive (so it handles a few objects per batch, not per task)."""

    splits: list[str]
    documents: dict[str, list[str]] = field(default_factory=dict)
    ledger: PassLedger = field(default_factory=PassLedger)
    every: AgreementTally = field(default_factory=lambda: AgreementTally(FIRST_PASS, SECOND_PASS))
    agreement: dict[str, AgreementTally] = field(default_factory=dict)  # split -> tally of its documents
    examples: dict[str, dict[str, dict]] = field(default_factory=dict)  # config -> split -> first example
    counts: dict[str, dict[str, Counter]] = field(default_factory=dict)  # layer -> split -> counts
    misaligned: list[tuple[str, str, str]] = field(default_factory=list)
    code_points: dict[str, int] = field(default_factory=dict)  # doc id -> length of its text

    def add(self, made: Made) -> None:
        self.ledger.add(made.passes, made.doc_id)
        self.every.add(made.agreement)
        if made.listed is not None:
            self.agreement.setdefault(made.listed, AgreementTally(FIRST_PASS, SECOND_PASS)).add(made.agreement)
        if made.split is None:
            return
        self.documents.setdefault(made.split, []).append(made.doc_id)
        self.code_points[made.doc_id] = made.code_points
        for layer, counter in made.counts.items():
            self.counts.setdefault(layer, {}).setdefault(made.split, Counter()).update(counter)
        self.misaligned += made.misaligned

    def merge(self, later: Collected) -> None:
        """Add what was collected from the tasks that come after these."""
        self.ledger.merge(later.ledger)
        self.every.add(later.every)
        for split, tally in later.agreement.items():
            self.agreement.setdefault(split, AgreementTally(FIRST_PASS, SECOND_PASS)).add(tally)
        for split, docs in later.documents.items():
            self.documents.setdefault(split, []).extend(docs)
        self.code_points.update(later.code_points)
        for config, by_split in later.examples.items():
            for split, row in by_split.items():
                self.examples.setdefault(config, {}).setdefault(split, row)
        for layer, by_split in later.counts.items():
            for split, counter in by_split.items():
                self.counts.setdefault(layer, {}).setdefault(split, Counter()).update(counter)
        self.misaligned += later.misaligned

    def pass_agreement(self, labels: LabelSet) -> dict[str, AgreementResult]:
        """Agreement of the two passes on every document, and on each split's documents alone."""
        out = {"All documents": self.every.result(labels)}
        for split in self.splits:
            out[f"`{split}` documents only"] = self.agreement.get(split, AgreementTally(FIRST_PASS, SECOND_PASS)
                                                                  ).result(labels)
        return out

    def example_per_config(self, names: tuple[str, ...]) -> dict[str, dict]:
        """The first example of the first split that has one, per config of `names` that has one, in their order."""
        return {config: next(self.examples[config][s] for s in self.splits if s in self.examples[config])
                for config in names if config in self.examples}


@dataclass
class MadeBatch:
    """What the build makes of a batch of sound tasks, in the shape the writing process uses as it is: what the
    batch adds to the card, its rows as Arrow tables and its CoNLL blocks per split, its carried tasks."""

    collected: Collected
    tables: dict[str, dict[str, bytes]]  # config -> split -> rows as an Arrow IPC stream (a tenth of pickle's cost)
    conll: dict[str, list[tuple[str, int]]]  # split -> (block, tag columns it needs)
    carried: list[bytes]  # store.canonical_task of each gold document, in order


def make_batch(tasks: list[Task], *, labels: LabelSet, manifest: Manifest,
               arrow: dict[str, tuple[tuple, pa.Schema]]) -> MadeBatch:
    """`arrow` is per config the `features.arrow_plan` and Arrow schema of its rows."""
    made = [make(task, labels=labels, manifest=manifest) for task in tasks]
    collected = Collected(manifest.splits)
    conll: dict[str, list[tuple[str, int]]] = {}
    for m in made:
        collected.add(m)
        if m.split is not None:
            conll.setdefault(m.split, []).extend(m.conll)
    tables: dict[str, dict[str, bytes]] = {}
    for config, (plan, schema) in arrow.items():
        for split in {m.split for m in made if m.split is not None}:
            rows = [row for m in made if m.split == split for row in m.rows[config]]
            tables.setdefault(config, {})[split] = ipc_bytes(arrow_table(rows, plan, schema))
            example = next((row for row in rows if is_example(row)), None)
            if example is not None:
                collected.examples.setdefault(config, {})[split] = example
    return MadeBatch(collected, tables, conll, [m.task_json for m in made if m.split is not None])


def is_example(row: dict) -> bool:
    """A row worth showing on the card: one that holds regions."""
    return any(isinstance(v, list) and v and isinstance(v[0], dict) for v in row.values())


def ipc_bytes(table: pa.Table) -> bytes:
    """A table as an Arrow IPC stream: how a worker hands its rows over (a tenth of pickle's cost)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def ipc_table(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(data).read_all()


def arrow_table(rows: list[dict], plan: tuple, schema: pa.Schema) -> pa.Table:
    """Rows as `rows` makes them (class names by name) in one Arrow table of `schema` (`features.arrow_schema`,
    slow to make) by `plan` (`features.arrow_plan`): what `Features.encode_example` and `pa.Table.from_pylist` give
    (None as null at any level), built column by column at a fraction of their cost. A class name the features do
    not list is a KeyError: rows come from validated data."""
    return pa.Table.from_arrays([_column([row[name] for row in rows], child, schema.field(name).type)
                                 for name, child in plan[1]], schema=schema)


def _column(values: list, plan: tuple, kind: pa.DataType) -> pa.Array:
    """One feature's values as an Arrow array of type `kind`; lists (region lists, relations, tokens, tags) are
    flattened into one child array, structs (regions) into one array per field."""
    if plan[0] == "class":
        ids = plan[1]
        return pa.array([None if v is None else ids[v] for v in values], type=kind)
    nulls = pa.array([value is None for value in values]) if None in values else None
    if plan[0] == "list":
        offsets, flat = [0], []
        for value in values:
            flat += value or ()
            offsets.append(len(flat))
        return pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()),
                                        _column(flat, plan[1], kind.value_type), type=kind, mask=nulls)
    if plan[0] == "struct":
        return pa.StructArray.from_arrays(
            [_column([None if value is None else value[name] for value in values] if nulls else
                     [value[name] for value in values], child, kind.field(name).type) for name, child in plan[1]],
            fields=list(kind), mask=nulls)
    return pa.array(values, type=kind)
