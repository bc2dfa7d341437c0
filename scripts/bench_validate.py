"""Validation and build speed and peak memory on a synthetic export: the real gold tasks repeated N times with fresh
ids (doc ids made unique, so their seed check reports unknown-doc-id warnings — the checks still all run).

Usage: .venv/bin/python scripts/bench_validate.py [--copies 2000]"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import tempfile
import time
from pathlib import Path

from tahqiq.project import find_project
from tahqiq.validate import validate_paths

PROJECT = find_project()


def synthetic(copies: int) -> list[dict]:
    files = sorted(PROJECT.annotations_dir.glob("*.json"))
    gold = [t for p in files for t in json.loads(p.read_text(encoding="utf-8"))]
    tasks = []
    for n in range(copies):
        for task in gold:
            task = copy.deepcopy(task)
            task["id"] = len(tasks) + 1
            task["data"]["doc_id"] = f"{task['data']['doc_id']}-{n}"
            for annotation in task["annotations"]:
                annotation["id"] = task["id"] * 10 + annotation["completed_by"]
            tasks.append(task)
    return tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=2000, help="copies of the gold (5 tasks each)")
    args = parser.parse_args()
    tasks = synthetic(args.copies)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.json"
        path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
        size = path.stat().st_size
        regions = sum(1 for t in tasks for a in t["annotations"] for i in a["result"] if i["type"] == "labels")
        start = time.perf_counter()
        report = validate_paths([path], labels=PROJECT.labels, manifest=PROJECT.manifest).report
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"tasks: {len(tasks)}  regions: {regions}  file: {size / 1e6:.1f} MB")
    print(f"validate: {seconds:.2f} s = {len(tasks) / seconds:,.0f} tasks/s = {regions / seconds:,.0f} regions/s")
    print(f"errors: {len(report.errors)}  warnings: {len(report.warnings)}  peak RSS: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
