"""How fast could a cold run be with this engine? The least work the SPEC asks, timed alone.

    python benchmarks/least_work.py targets/2025.yaml FILE.csv [--runs 3] [--memory-limit 512MB]

Each step is one statement over the same file, in a fresh connection (2 threads, the default
memory limit), alternating, medians; ratios are of the first:

1. the bare parse (benchmarks/run.py's floor: `read_csv` with column types, `min` of each;
   the sample's columns);
2. typing: sspost's own typed `SELECT` of the file (ids, dates, programs, provinces, reasons:
   staging.staging_sql, as a plain run builds it) with a `count` of its columns, nothing kept;
3. typing and counting: the same rows summed straight into each participant's earliest day
   (one hash aggregate, nothing stored, no reconciliation, campaign days or rejected lines);
4. typing and storing: the typed rows inserted into a table, as `sspost progress` does.

Step 3 is a lower bound for any one-pass design on this engine; its ratio to step 1 is the
ratio the goal of issue #14 (2.0x) would have to beat before the rest of a run.
"""

from __future__ import annotations

import argparse
import statistics
import time

import duckdb
from run import FLOOR_SQL  # this folder's run.py: the benchmark's floor, the same statement

from sspost.records.layout import detect_layout
from sspost.records.loading import DEFAULT_MEMORY_LIMIT
from sspost.records.staging import staging_sql
from sspost.records.store import RecordStore
from sspost.targets import load_targets


def statements(plan_path: str, data: str) -> dict[str, str]:
    plan = load_targets(plan_path)
    with RecordStore(plan) as store:
        rules = store.rules
    layout = detect_layout(data, {})
    columns = ("file_idx", "pid", "d", "program", "reason")
    typed = staging_sql(0, data, layout, rules, check_nul=False, columns=columns)
    named = f"SELECT * FROM ({typed}) t({', '.join(columns)})"
    start = plan.period.start
    return {
        "bare parse (floor)": FLOOR_SQL.format(path=data),
        "typing, nothing kept": (f"SELECT count(pid), count(d), count(program), count(reason) "
                                 f"FROM ({named})"),
        "typing and counting": (
            f"SELECT count(*) FROM (SELECT pid * 256 + program AS who, "
            f"min(d - DATE '{start}') AS first FROM ({named}) WHERE reason IS NULL "
            f"AND d >= DATE '{start}' GROUP BY ALL)"),
        "typing and storing": (
            f"CREATE TABLE checked AS SELECT * FROM ({named})"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets")
    parser.add_argument("data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-limit", default=DEFAULT_MEMORY_LIMIT)
    args = parser.parse_args()
    steps = statements(args.targets, args.data)
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(args.runs):
        for name, sql in steps.items():
            with duckdb.connect() as con:
                con.execute(f"SET threads = 2; SET memory_limit = '{args.memory_limit}'")
                began = time.perf_counter()
                con.execute(sql).fetchall()
                times[name].append(time.perf_counter() - began)
    floor = statistics.median(times["bare parse (floor)"])
    print(f"{'step':28} {'median s':>9} {'x floor':>8}")
    for name, walls in times.items():
        print(f"{name:28} {statistics.median(walls):9.2f} {statistics.median(walls) / floor:8.2f}")


if __name__ == "__main__":
    main()
