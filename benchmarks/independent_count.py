"""Check sspost's breakdowns against a count written without the engine.

    python benchmarks/independent_count.py targets/2025.yaml FILE.csv [--db FILE.duckdb]

Reads the CSV with Python's csv module (one file, a clean export in the sample's layout),
finds each participant's first record per program by the tie rule of SPEC section 4 (date,
time of day, unit code, province after the merger, staff id; an empty value after any other),
and compares the counts per staff member, province (the 34) and month with `sspost progress
--by ...` on the same file.
Slow on purpose (about a minute for 20M rows): it shares no code with the engine's counting.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import subprocess
import sys

from sspost.provinces import merged_into
from sspost.targets import load_targets

DIMENSIONS = {"staff": "staff_id", "province": "province", "month": "month"}


def expected(plan_path: str, data: str, start: str, as_of: str) -> dict[str, dict[str, int]]:
    plan = load_targets(plan_path)
    names = {name.lower(): code for code, program in plan.programs.items()
             for name in (code, *program.aliases)}
    merged = merged_into()
    first: dict[tuple[str, str], tuple[tuple[object, ...], str, str]] = {}
    with open(data, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            date = row["date"][:10]
            if not start <= date <= as_of:
                continue
            key = (row["participant_id"], names[row["program"].lower()])
            unit, province, staff = row.get("unit", ""), merged[row["province"]], row["staff_id"]
            time = row["date"][11:19]
            time = (time + ":00")[:8] if len(time) == 5 else time or "00:00:00"
            order = (date, time, unit == "", unit, province == "", province, staff == "", staff)
            if key not in first or order < first[key][0]:
                first[key] = (order, staff, province)
    counts: dict[str, collections.Counter[str]] = {d: collections.Counter() for d in DIMENSIONS}
    for (_, program), (order, staff, province) in first.items():
        counts["staff"][f"{program}|{staff}"] += 1
        counts["province"][f"{program}|{province}"] += 1
        counts["month"][f"{program}|{str(order[0])[:7]}"] += 1
    return {d: dict(c) for d, c in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets")
    parser.add_argument("data")
    parser.add_argument("--db")
    args = parser.parse_args()
    found: dict[str, dict[str, int]] = {}
    window = ("", "")
    for dimension, column in DIMENSIONS.items():
        command = [sys.executable, "-m", "sspost", "progress", args.targets, args.data,
                   "--by", dimension, "--format", "json"]
        if args.db:
            command += ["--db", args.db]
        doc = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
        window = (doc["period"]["start"], doc["as_of"])
        found[dimension] = {f"{r['program']}|{r[column]}": r["achieved"]
                            for r in doc["breakdown"]["rows"] if r["achieved"]}
    wanted = expected(args.targets, args.data, *window)
    for dimension in DIMENSIONS:
        same = found[dimension] == wanted[dimension]
        print(f"{dimension}: {len(wanted[dimension])} rows, sspost and the independent count "
              f"{'agree' if same else 'DISAGREE'}")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
