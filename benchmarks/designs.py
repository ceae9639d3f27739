"""Designs for a cold count, tried on the product's own SQL: which one is fastest on this engine?

    python benchmarks/designs.py targets/2025.yaml FILE.csv [--bad FILE-1%-bad.csv] [--runs 3]

Not a benchmark of the product (benchmarks/run.py and least_work.py run the whole command) but
the experiment behind its design: each design is the same typed, checked pass (records.staging,
unchanged) feeding a different plan, so the figures compare plans, not hand-copied SQL. Each
runs in its own process; the seconds are the statements' own (start-up not counted), the memory
the process's peak; medians over --runs runs, the designs alternating.

- stored rows (today): every typed row into a table, then each participant's earliest day
  and the rows by file, reason and day, each read from the stored rows;
- aggregate from the scan: each participant's earliest day straight from the pass, nothing
  stored (no rows by day: a lower bound for the design);
- grouping sets from the scan: both aggregates of the pass at once (GROUPING SETS), nothing
  stored;
- second pass for the lines: only the rejected rows' positions (row_number() OVER () over the
  pass, filtered), what a design without stored rows would add when the first pass found some;
- reason only stored: each row's reason alone, in file order, the other way to give a rejected
  row its line;
- the checks alone: the pass into min() of each column, the cost every design pays.

Nothing here is a test: it prints a table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

CHILD = r"""
import sys, time
from sspost.records.layout import detect_layout
from sspost.records.staging import PROGRAM_SLOTS, staging_sql
from sspost.records.store import ReadOptions, RecordStore
from sspost.targets import load_targets

targets, path, design = sys.argv[1:4]
plan = load_targets(targets)
with RecordStore(plan, ReadOptions()) as store:
    layout = detect_layout(path, {}, encoding="utf-8")
    rows = staging_sql(0, path, layout, store.rules, check_nul=False,
                       columns=("file_idx", "pid", "d", "program", "reason", "grouped"))
    start = f"DATE '{plan.period.start}'"
    who = f"pid * {PROGRAM_SLOTS} + program"
    accepted = f"reason IS NULL AND d >= {start}"
    earliest = f"SELECT {who} AS who, min((d - {start})::INTEGER) AS first"
    by_day = "SELECT file_idx, reason, d, count(*) AS n"
    statements = {
        "stored": [f"CREATE TEMP TABLE checked AS {rows}",
                   f"CREATE TEMP TABLE firsts AS {earliest} FROM checked WHERE {accepted} "
                   "GROUP BY ALL",
                   f"CREATE TEMP TABLE row_counts AS {by_day} FROM checked GROUP BY ALL"],
        "scan": [f"CREATE TEMP TABLE firsts AS {earliest} FROM ({rows}) WHERE {accepted} "
                 "GROUP BY ALL"],
        "grouping_sets": [
            f"CREATE TEMP TABLE both_counts AS SELECT who, file_idx, reason, d, "
            f"min((d - {start})::INTEGER) FILTER (WHERE who IS NOT NULL) AS first, "
            f"count(*) AS n FROM (SELECT CASE WHEN {accepted} THEN {who} END AS who, * "
            f"FROM ({rows})) GROUP BY GROUPING SETS ((who), (file_idx, reason, d))"],
        "second_pass": [f"CREATE TEMP TABLE rejected AS SELECT * FROM (SELECT row_number() "
                        f"OVER () AS row_no, reason FROM ({rows})) WHERE reason IS NOT NULL"],
        "reason_only": [f"CREATE TEMP TABLE reasons AS SELECT reason FROM ({rows})"],
        "checks": [f"SELECT min(pid), min(d), min(program), min(reason), count(grouped) "
                   f"FROM ({rows})"],
    }[design]
    began = time.perf_counter()
    for statement in statements:
        store.con.execute(statement).fetchall()
    print(time.perf_counter() - began)
"""

DESIGNS = {
    "stored": "stored rows, then earliest and rows by day (today)",
    "scan": "earliest straight from the scan, no rows by day",
    "grouping_sets": "earliest and rows by day from the scan (GROUPING SETS)",
    "second_pass": "second pass: positions of rejected rows only",
    "reason_only": "each row's reason alone stored, in file order",
    "checks": "the typed, checked pass alone (into min())",
}


def measure(targets: str, path: str, design: str) -> tuple[float, float]:
    """Seconds of the design's statements and the peak MB of its process."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, targets, path, design],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = child.stdout.read().decode() if child.stdout else ""
    err = child.stderr.read().decode() if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{design} failed:\n{err}")
    return float(out.split()[0]), usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets")
    parser.add_argument("data")
    parser.add_argument("--bad", help="the same file with 1%% bad rows (benchmarks/run.py)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cases = [(args.data, d) for d in DESIGNS]
    if args.bad:
        cases += [(args.bad, d) for d in ("stored", "second_pass", "reason_only")]
    figures: dict[tuple[str, str], list[tuple[float, float]]] = {case: [] for case in cases}
    for _ in range(args.runs):
        for case in cases:
            figures[case].append(measure(args.targets, *case))
    print("| file | design | seconds (median) | peak MB |")
    print("| --- | --- | ---: | ---: |")
    for (path, design), found in figures.items():
        seconds = statistics.median(s for s, _ in found)
        peak = statistics.median(m for _, m in found)
        print(f"| {os.path.basename(path)} | {DESIGNS[design]} | {seconds:.2f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
