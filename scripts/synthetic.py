"""A synthetic Tahqiq project of any size for the benchmark: seeds, manifest and one Label Studio export.

Each synthetic task is a window of whole lines cut from a `train` article's gold (so the Arabic text, the three
layers, their attributes and relations are real annotation work, and every region stays inside one sentence), under
a numbered title line of its own so that every text is distinct. Only train documents are used: nothing of a test
document reaches the benchmark's data. The result is benchmark data, never part of the dataset.

Usage: .venv/bin/python scripts/synthetic.py DEST --tasks 1000"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from tahqiq.manifest import sha256_text
from tahqiq.project import Project, find_project

REGIONS_PER_TASK = 12  # regions (spans) per annotation, roughly: a window grows until it holds this many
PROJECT_FILES = ("schema/labels.yaml", "dataset_card.md", "LICENSE-DATA.md", "pyproject.toml", "CHANGELOG.md")


def _gold(task: dict) -> dict:
    return next(a for a in task["annotations"] if a.get("ground_truth"))


def _windows(task: dict, zones: dict[int, str]) -> list[tuple[int, int, list[int]]]:
    """(start, end, line numbers) of consecutive body lines holding about REGIONS_PER_TASK regions each."""
    text = task["data"]["text"]
    spans = [(i["value"]["start"], i["value"]["end"]) for i in _gold(task)["result"] if i["type"] == "labels"]
    windows, start, lines, offset = [], None, [], 0
    for number, line in enumerate(text.split("\n")):
        end = offset + len(line)
        if line.strip() and number not in zones:
            start = offset if start is None else start
            lines.append(number)
            if sum(1 for s, e in spans if start <= s and e <= end) >= REGIONS_PER_TASK:
                windows.append((start, end, lines))
                start, lines = None, []
        offset = end + 1
    return windows


def _cut(task: dict, start: int, end: int, title: str) -> tuple[str, dict]:
    """The text `title\\n` + text[start:end] and the gold annotation's items inside it, offsets shifted."""
    shift = len(title) + 1 - start
    result, kept = [], set()
    for item in _gold(task)["result"]:
        value = item.get("value", {})
        if item["type"] != "relation" and start <= value.get("start", -1) and value.get("end", end + 1) <= end:
            item = json.loads(json.dumps(item))
            item["value"]["start"] += shift
            item["value"]["end"] += shift
            result.append(item)
            kept.add(item["id"])
    result += [i for i in _gold(task)["result"] if i["type"] == "relation" and {i["from_id"], i["to_id"]} <= kept]
    text = title + "\n" + task["data"]["text"][start:end]
    return text, {"result": result}


def write_project(dest: Path, tasks: int, source: Project) -> Path:
    """Write a project of `tasks` synthetic tasks into `dest` (which must not exist); returns the export's path."""
    dest.mkdir(parents=True)
    for name in PROJECT_FILES:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source.root / name, dest / name)
    manifest = source.manifest
    templates = []
    for path in sorted(source.annotations_dir.glob("*.json")):
        for task in json.loads(path.read_text(encoding="utf-8")):
            seed = manifest.by_id[task["data"]["doc_id"]]
            if seed.split == "train":
                templates += [(task, s, e) for s, e, _ in _windows(task, seed.zones)]
    seeds = dest / "seeds"
    seeds.mkdir()
    entries, export = [], []
    for n in range(tasks):
        task, start, end = templates[n % len(templates)]
        doc_id = f"syn_{n:06d}"
        text, annotation = _cut(task, start, end, f"وثيقة تجريبية رقم {n + 1}")
        (seeds / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
        entries.append({"doc_id": doc_id, "sha256": sha256_text(text),
                        "title": None, "source": None, "language": "ar", "split": "test" if n % 5 == 4 else "train",
                        "copyright": "synthetic benchmark text", "zones": {"title": [0]}})
        export.append({"id": n + 1, "data": {"text": text, "doc_id": doc_id}, "meta": {},
                       "annotations": [{"id": n + 1, "completed_by": 3, "ground_truth": True,
                                        "was_cancelled": False, **annotation}]})
    (seeds / "manifest.yaml").write_text(json.dumps({"copyright": "synthetic", "documents": entries},
                                                    ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    (dest / "annotations").mkdir()
    out = dest / "annotations" / "export.json"
    out.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dest", type=Path)
    parser.add_argument("--tasks", type=int, default=1000)
    args = parser.parse_args()
    print(write_project(args.dest, args.tasks, find_project()))


if __name__ == "__main__":
    main()
