"""Before and after: `sspost progress` from two source trees on the same file, in one run.

    git worktree add /tmp/before <commit>
    python benchmarks/compare.py /tmp/sspost-bench/sample-20000000.csv --before /tmp/before/src

Alternating runs of the engine's bare parse (the floor, as in run.py), this checkout's
`sspost progress --format json` and the other tree's; prints medians, ratios to the floor and
peak memory. Any extra arguments after `--` are passed to both (e.g. `-- --by province`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import FLOOR, TARGETS, measure

HERE = Path(__file__).resolve().parent.parent / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--before", type=Path, required=True, help="the other tree's src/")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("extra", nargs="*")
    args = parser.parse_args()

    def progress(src: Path) -> list[str]:
        return ["env", f"PYTHONPATH={src}", sys.executable, "-m", "sspost", "progress",
                str(TARGETS), str(args.data), "--format", "json", "--output", os.devnull,
                *args.extra]

    commands = {"duckdb parse (floor)": [sys.executable, "-c", FLOOR, str(args.data)],
                f"before ({args.before})": progress(args.before),
                "after (this checkout)": progress(HERE)}
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
    for _ in range(args.runs):
        for name, command in commands.items():
            wall, rss = measure(command)
            times[name].append(wall)
            peaks[name] = max(peaks[name], rss)
    floor = statistics.median(times["duckdb parse (floor)"])
    print(f"{'what':<60} {'median s':>9} {'x floor':>8} {'peak MB':>8}")
    for name in commands:
        median = statistics.median(times[name])
        print(f"{name:<60} {median:9.2f} {median / floor:8.2f} {peaks[name]:8.0f}")


if __name__ == "__main__":
    main()
