"""Start-up time of the `tahqiq` command as a user meets it: whole processes, median of several runs.

Usage: .venv/bin/python scripts/bench_startup.py [--runs 15]"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

TAHQIQ = str(Path(sys.executable).parent / "tahqiq")
COMMANDS = (["--version"], ["--help"], ["validate", "--help"], ["studio", "--help"])


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    bare = [seconds([sys.executable, "-c", "pass"]) for _ in range(args.runs)]
    print(f"{'python -c pass':<28} median {statistics.median(bare) * 1000:6.0f} ms")
    for argv in COMMANDS:
        seconds([TAHQIQ, *argv])  # warm the file cache
        runs = [seconds([TAHQIQ, *argv]) for _ in range(args.runs)]
        print(f"{'tahqiq ' + ' '.join(argv):<28} median {statistics.median(runs) * 1000:6.0f} ms  "
              f"(min {min(runs) * 1000:.0f}, max {max(runs) * 1000:.0f}, {args.runs} runs)")


if __name__ == "__main__":
    main()
