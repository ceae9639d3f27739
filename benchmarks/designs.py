"""The cold run's designs, side by side: what each costs on one file (issue #23).

    python benchmarks/designs.py targets/2025.yaml FILE.csv [--runs N] [--memory-limit 512MB]

Each line is one statement in a fresh process, timed inside it (start-up left out), alternating
over the runs; medians, the ratio to the floor and the process's peak memory:

- the floor: the engine's typed parse (as in run.py);
- today's typing and checks (sspost's own staging SQL), selected and thrown away, then stored
  (`INSERT INTO checked`, what a cold run does first), then each participant's earliest day from
  the stored rows (what it does next);
- the design without stored rows: the reader types the date and the program (an ENUM of every
  spelling) and sets aside what does not parse, the id is checked in SQL, and each participant's
  earliest day comes straight from the scan; once with the bad rows filtered out (no count of
  them by day) and once with GROUPING SETS keeping the rows by day and check, which the
  reconciliation needs. Neither knows the lines of the rows its SQL rejects: no scan of a CSV
  file gives a row number that costs nothing, so these are bounds, not a run;
- the stored rows packed into one BIGINT (key and day, or reason and day);
- the stored rows compressed (an in-memory database with COMPRESS, then CHECKPOINT).

Nothing here is a test: it prints a table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from least_work import program_spellings  # this folder's scripts: the same spellings
from run import FLOOR_SQL  # and the same floor

CHILD = """
import json, resource, sys, time, duckdb
job = json.loads(sys.argv[1])
con = duckdb.connect()
con.execute(f"SET threads = 2; SET memory_limit = '{job['memory']}'; "
            "SET enable_progress_bar = false")
for statement in job["setup"]:
    con.execute(statement)
began = time.perf_counter()
for statement in job["timed"]:
    con.execute(statement)
    con.fetchall() if statement.lstrip().startswith("SELECT") else None
print(time.perf_counter() - began, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def jobs(targets: str, data: str) -> dict[str, tuple[list[str], list[str]]]:
    """(setup, timed) statements of each design, built from sspost's own SQL where it is
    today's."""
    from sspost.records.layout import detect_layout
    from sspost.records.sql import day, lit
    from sspost.records.staging import (
        CHECKED_COLUMNS,
        PERSONAL_NUMBER_OFFSET,
        PROGRAM_SLOTS,
        staging_sql,
    )
    from sspost.records.store import ReadOptions, RecordStore
    from sspost.targets import load_targets

    plan = load_targets(targets)
    start = day(plan.period.start)
    with RecordStore(plan, ReadOptions()) as store:
        layout = detect_layout(data, {})
        columns = ("file_idx", "pid", "d", "program", "unit_text", "province", "staff", "secs",
                   "reason")
        typed = staging_sql(0, data, layout, store.rules, check_nul=False, columns=columns)
    named = f"({typed}) AS t({', '.join(columns)})"  # its columns, named
    setup: list[str] = []  # staging's SQL names its codes inline: it needs no table
    table = ", ".join(f"{c} {CHECKED_COLUMNS[c]}" for c in columns)
    create = f"CREATE TABLE checked ({table})"
    spellings = program_spellings(plan)
    names = list(spellings)
    program_type = "CREATE TYPE program_name AS ENUM (" + ", ".join(map(lit, names)) + ")"
    index = ("CASE enum_code(program) " + " ".join(
        f"WHEN {i} THEN {spellings[n]}" for i, n in enumerate(names)) + " END")
    read_types = {"participant_id": "VARCHAR", "date": "DATE", "program": "program_name",
                  "unit": "VARCHAR", "province": "VARCHAR", "staff_id": "VARCHAR"}
    types = "{" + ", ".join(f"'{k}': '{v}'" for k, v in read_types.items()) + "}"
    scan = (f"read_csv({lit(data)}, columns={types}, header=true, auto_detect=false, "
            f"delim=',', quote='\"', escape='\"', dateformat='%Y-%m-%d', store_rejects=true)")
    valid = "regexp_full_match(participant_id, '[0-9]{10}([0-9]{2})?')"
    who = (f"(participant_id::BIGINT + (length(participant_id) = 12)::BIGINT"
           f" * {PERSONAL_NUMBER_OFFSET}) * {PROGRAM_SLOTS} + {index}")
    floor = FLOOR_SQL.format(path=data)
    firsts = (f"CREATE TABLE firsts AS SELECT pid * {PROGRAM_SLOTS} + program AS who, "
              f"min((d - {start})::INTEGER) AS first FROM checked "
              f"WHERE reason IS NULL AND d >= {start} GROUP BY ALL")
    packed = (f"CREATE TABLE packed AS SELECT CASE WHEN reason IS NULL "
              f"THEN (pid * {PROGRAM_SLOTS} + program) * 1024 + coalesce(d - {start}, 1023) "
              f"ELSE -(reason * 1024 + coalesce(d - {start}, 1023)) - 1 END AS k FROM {named}")
    return {
        "floor: typed parse": (setup, [floor]),
        "today: typing and checks, selected": (
            setup, [f"SELECT count(*), min(pid), min(d), min(program), min(reason) "
                    f"FROM {named}"]),
        "today: typing and checks, stored": (setup, [create, f"INSERT INTO checked {typed}"]),
        "today: stored, then each earliest day": (
            setup, [create, f"INSERT INTO checked {typed}", firsts]),
        "no stored rows: earliest from the scan": (
            [program_type], [f"CREATE TABLE firsts AS SELECT {who} AS who, min(date) AS first "
                             f"FROM {scan} WHERE {valid} AND date >= {start} GROUP BY ALL"]),
        "no stored rows: same, with rows by day": (
            [program_type],
            [f"CREATE TABLE parts AS SELECT who, d, bad, min(date) AS first, count(*) AS n FROM "
             f"(SELECT CASE WHEN {valid} AND date >= {start} THEN {who} END AS who, "
             f"date AS d, NOT {valid} AS bad, date FROM {scan}) "
             f"GROUP BY GROUPING SETS ((who), (d, bad))"]),
        "stored rows packed into one BIGINT": (setup, [packed]),
        "stored rows compressed (COMPRESS, CHECKPOINT)": (
            ["ATTACH ':memory:' AS rows (COMPRESS)", "USE rows"],
            [create, f"INSERT INTO checked {typed}", "CHECKPOINT rows"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets")
    parser.add_argument("data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-limit", default="512MB")
    args = parser.parse_args()
    designs = jobs(args.targets, os.path.abspath(args.data))
    figures: dict[str, list[tuple[float, int]]] = {name: [] for name in designs}
    for _ in range(args.runs):
        for name, (setup, timed) in designs.items():
            job = json.dumps({"memory": args.memory_limit, "setup": setup, "timed": timed})
            done = subprocess.run([sys.executable, "-c", CHILD, job], capture_output=True,
                                  text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"{name}: {done.stderr.strip().splitlines()[-1]}")
            seconds, peak = done.stdout.split()
            figures[name].append((float(seconds), int(peak)))
    floor = statistics.median(s for s, _ in figures["floor: typed parse"])
    print(f"{'design':48} {'median s':>8} {'x floor':>8} {'peak MB':>8}")
    for name, runs in figures.items():
        seconds = statistics.median(s for s, _ in runs)
        print(f"{name:48} {seconds:8.2f} {seconds / floor:8.2f} {max(p for _, p in runs):8}")


if __name__ == "__main__":
    began = time.perf_counter()
    main()
    print(f"({time.perf_counter() - began:.0f} s in all)", file=sys.stderr)
