"""Validate and build at scale: synthetic projects of 1k / 10k / 100k tasks (scripts/synthetic.py), each command run
as a whole process; per size tasks/s, MB/s and peak RSS, beside the `orjson.loads` floor and the naive path
(`json.load`, `jsonschema` per task, `Dataset.from_list`) measured in the same run, and one invalid task in the
middle of the largest file against the clean file. Prints a Markdown table (README's "Scale" section).

Peak RSS is sampled every 20 ms: of the largest process, and of the whole process tree (with its workers).

Usage: .venv/bin/python scripts/bench_scale.py [--sizes 1000 10000 100000] [--workers 2] [--naive-max 1000]"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_project  # noqa: E402

from tahqiq.project import find_project  # noqa: E402

TAHQIQ = str(Path(sys.executable).parent / "tahqiq")
FLOOR = "import gc, orjson, sys; gc.disable(); orjson.loads(open(sys.argv[1], 'rb').read())"
NAIVE = """
import json, sys
from datasets import Dataset
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[2], encoding="utf-8"))
validator = Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/task"})
tasks = json.load(open(sys.argv[1], encoding="utf-8"))
for task in tasks:
    for error in validator.iter_errors(task):
        raise SystemExit(error.message)
Dataset.from_list([{"id": t["id"], "text": t["data"]["text"], "result": json.dumps(t["annotations"])} for t in tasks])
"""


def run(argv: list[str], cwd: Path, expect: int = 0) -> tuple[float, float, float]:
    """(seconds, peak RSS MB of the largest process, peak RSS MB of the process tree) of one command, both sampled
    every 20 ms (the kernel's own high-water mark carries over from the forking parent, so it is not used)."""
    start = time.perf_counter()
    process = psutil.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    largest = tree = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal largest, tree
        while not done.is_set():
            try:
                sizes = [p.memory_info().rss / 2**20 for p in [process, *process.children(recursive=True)]]
                largest, tree = max(largest, *sizes), max(tree, sum(sizes))
            except psutil.Error:
                pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != expect:
        raise SystemExit(f"{' '.join(argv)} failed: {stderr.decode()[-2000:]}")
    return seconds, largest, tree


def corrupt(export: Path, out: Path) -> None:
    """A copy of the export with one unknown label in its middle task (the rest byte for byte)."""
    data = export.read_bytes()
    start = data.index(b'"labels": ["', len(data) // 2) + len(b'"labels": ["')
    out.write_bytes(data[:start] + b"NOT-A-LABEL" + data[data.index(b'"', start):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--naive-max", type=int, default=1000, help="largest size the naive path is run on")
    args = parser.parse_args()
    source = find_project()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = Path(tmp) / f"p{size}"
            export = write_project(folder, size, source)
            megabytes = export.stat().st_size / 1e6
            measured = {"orjson.loads (floor)": run([sys.executable, "-c", FLOOR, str(export)], folder)}
            if size <= args.naive_max:
                measured["naive: json + jsonschema + from_list"] = run(
                    [sys.executable, "-c", NAIVE, str(export), str(source.export_schema_file)], folder)
            for workers in sorted({1, args.workers}):
                measured[f"tahqiq validate --workers {workers}"] = run(
                    [TAHQIQ, "validate", "--workers", str(workers), "annotations"], folder)
                measured[f"tahqiq build --workers {workers}"] = run(
                    [TAHQIQ, "build", "--no-results", "--workers", str(workers), "--out", "out"], folder)
            if size == max(args.sizes):
                bad = folder / "bad" / "export.json"
                bad.parent.mkdir()
                corrupt(export, bad)
                clean = measured[f"tahqiq validate --workers {args.workers}"][0]
                seconds = run([TAHQIQ, "validate", "--workers", str(args.workers), "bad"], folder, expect=1)
                print(f"one invalid task in the middle: {seconds[0]:.1f} s vs {clean:.1f} s clean "
                      f"({100 * (seconds[0] / clean - 1):+.0f} %)", file=sys.stderr)
            floor = measured["orjson.loads (floor)"][0]
            for name, (seconds, peak, tree) in measured.items():
                rows.append((size, megabytes, name, seconds, size / seconds, megabytes / seconds, seconds / floor,
                             peak, tree))
                print(f"{size:>7,} {name:<40} {seconds:7.1f} s {size / seconds:9,.0f} tasks/s "
                      f"{peak:7,.0f} MB peak ({tree:,.0f} MB tree)", file=sys.stderr)
    print(f"{len(os.sched_getaffinity(0))} cores, Python {sys.version.split()[0]}\n")
    print("| tasks | export MB | command | s | tasks/s | MB/s | × floor | peak RSS MB (largest process / tree) |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for size, megabytes, name, seconds, rate, mbs, ratio, peak, tree in rows:
        print(f"| {size:,} | {megabytes:,.0f} | {name} | {seconds:.1f} | {rate:,.0f} | {mbs:.1f} | {ratio:.1f} | "
              f"{peak:,.0f} / {tree:,.0f} |")


if __name__ == "__main__":
    main()
