"""Who made each annotation pass, from the tasks' own records: per task the provenance of each annotation, and a
ledger of the provenances met with the documents each covers (the card's and Croissant's passes tables)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tahqiq.model import Task

PASS_FIELDS = ("annotator", "kind", "date", "guidelines", "saw", "made")  # what a task's meta.passes records


def pass_keys(task: Task) -> list[tuple]:
    """Per annotation of the task: who completed it, whether it is gold, and its PASS_FIELDS (None when not
    recorded) from the task's meta.passes."""
    passes = (task.raw.get("meta") or {}).get("passes") or {}
    keys = []
    for annotation in task.annotations:
        given = passes.get(str(annotation.id), {})
        keys.append((annotation.completed_by, annotation.ground_truth,
                     *(None if given.get(k) is None else str(given[k]) for k in PASS_FIELDS)))
    return keys


@dataclass
class PassLedger:
    """The annotation passes of the tasks seen so far: each provenance with the documents it covers, in the order
    first met, and how many annotations the tasks have."""

    documents: dict[tuple, list[str]] = field(default_factory=dict)
    per_task: set[int] = field(default_factory=set)
    tasks: int = 0

    def add(self, keys: list[tuple], document: str) -> None:
        for key in keys:
            self.documents.setdefault(key, []).append(document)
        self.per_task.add(len(keys))
        self.tasks += 1

    def merge(self, later: PassLedger) -> None:
        """Add a ledger of the tasks that come after these (provenances stay in the order first met)."""
        for key, docs in later.documents.items():
            self.documents.setdefault(key, []).extend(docs)
        self.per_task |= later.per_task
        self.tasks += later.tasks

    def records(self) -> list[dict]:
        """One record per provenance: `completed_by`, `gold`, each of PASS_FIELDS and the `documents`."""
        return [{"completed_by": completed_by, "gold": gold, **dict(zip(PASS_FIELDS, given, strict=True)),
                 "documents": docs} for (completed_by, gold, *given), docs in self.documents.items()]
