"""How fast could a cold run be? The least work of a correct run, on each engine, side by side.

    python benchmarks/least_work.py targets/2025.yaml FILE.csv [--runs 3]

"Correct" is what the SPEC asks of the counting, not what today's design does: every row typed
and checked (an id of 10 or 12 digits, a known program, a real ISO date inside the window), each
(participant, program) counted once at its earliest record, with the kind of id kept in the key
(a 10-digit and a 12-digit id with the same digits are two people). Each step runs in its own
process (timed inside it, so start-up is not counted; peak memory is the process's), the steps
alternating over --runs runs; medians, and ratios to the first step measured in the same run:

- DuckDB's typed parse (benchmarks/run.py's floor: `read_csv` with column types, `min` of each);
- DuckDB: typed read (the reader types the date and sets aside what does not parse), then the
  checks, a packed BIGINT key ((id * 2 + kind) * programs + program), each key's earliest day;
- the same, but every column read as text and cast afterwards (today's design);
- the same as the typed one, with the province of each participant's earliest record
  (a breakdown from the per-participant records, not from every row);
- Polars' streaming engine: its typed parse (`min` of each), then the same counting;
- DataFusion (when installed): its typed parse, then the same counting in its SQL;
- `sspost progress --format json` itself, cold.

Nothing here is a test: it prints a table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from typing import TYPE_CHECKING

# This folder's run.py: the benchmark's floor (the same statement), and sspost's bytecode
# compiled first, as an installed copy runs.
from run import FLOOR_SQL, compile_bytecode

if TYPE_CHECKING:
    from sspost.targets import TargetFile

COLUMNS = ("participant_id", "date", "program", "unit", "province", "staff_id")

DUCKDB = """
import sys, time, duckdb
con = duckdb.connect()
con.execute("SET threads = 2; SET memory_limit = '512MB'; SET enable_progress_bar = false")
began = time.perf_counter()
result = con.execute(sys.argv[1]).fetchall()
print(time.perf_counter() - began, result[:4])
"""

POLARS_FLOOR = """
import sys, time, polars as pl
began = time.perf_counter()
frame = pl.scan_csv(sys.argv[1], schema={"participant_id": pl.String, "date": pl.Date,
    "program": pl.String, "unit": pl.String, "province": pl.String, "staff_id": pl.String})
result = frame.select(pl.all().min()).collect(engine="streaming")
print(time.perf_counter() - began, result.row(0)[:2])
"""

POLARS_COUNT = """
import datetime as dt, json, sys, time, polars as pl
plan = json.loads(sys.argv[2])
start, end = (dt.date.fromisoformat(plan[k]) for k in ("start", "end"))
began = time.perf_counter()
frame = pl.scan_csv(sys.argv[1], schema={"participant_id": pl.String, "date": pl.String,
    "program": pl.String, "unit": pl.String, "province": pl.String, "staff_id": pl.String})
typed = frame.with_columns(
    d=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
    p=pl.col("program").replace_strict(plan["spellings"], default=None, return_dtype=pl.Int64),
    ok=pl.col("participant_id").str.contains(r"^(?:[0-9]{10}|[0-9]{12})$"))
slots = max(plan["spellings"].values()) + 1
key = ((pl.col("participant_id").cast(pl.Int64, strict=False) * 2
        + (pl.col("participant_id").str.len_bytes() == 12).cast(pl.Int64)) * slots + pl.col("p"))
found = (typed.filter(pl.col("ok") & pl.col("p").is_not_null() & pl.col("d").is_between(start, end))
         .group_by(key.alias("who")).agg(pl.col("d").min())
         .group_by((pl.col("who") % slots).alias("program")).agg(pl.len())
         .collect(engine="streaming"))
print(time.perf_counter() - began, sorted(found.rows()))
"""


DATAFUSION = """
import json, sys, time
import pyarrow as pa
from datafusion import SessionConfig, SessionContext
context = SessionContext(SessionConfig().with_target_partitions(2))
schema = pa.schema([(c, pa.date32() if c == "date" else pa.string()) for c in
                    ("participant_id", "date", "program", "unit", "province", "staff_id")])
began = time.perf_counter()
context.register_csv("t", sys.argv[1], schema=schema, has_header=True)
result = context.sql(sys.argv[2]).collect()
print(time.perf_counter() - began, result[0].to_pylist()[:2])
"""


def datafusion_sql(spellings: dict[str, int], start: str, end: str) -> str:
    """The same least counting in DataFusion's SQL (the reader types the date)."""
    whens = " ".join(f"WHEN '{name}' THEN {index}" for name, index in spellings.items())
    slots = max(spellings.values()) + 1
    key = (f"(CAST(participant_id AS BIGINT) * 2 + CAST(length(participant_id) = 12 AS BIGINT))"
           f" * {slots} + p")
    rows = f"SELECT participant_id, date, CASE program {whens} END AS p FROM t"
    return (f"SELECT who % {slots} AS program, count(*) FROM (SELECT {key} AS who, min(date) "
            f"FROM ({rows}) WHERE participant_id ~ '^[0-9]{{10}}([0-9]{{2}})?$' AND p IS NOT NULL"
            f" AND date BETWEEN DATE '{start}' AND DATE '{end}' GROUP BY 1) GROUP BY 1 ORDER BY 1")


DATAFUSION_FLOOR = ("SELECT min(participant_id), min(date), min(program), min(unit), "
                    "min(province), min(staff_id) FROM t")


def program_spellings(plan: TargetFile) -> dict[str, int]:
    """Each program's code and aliases, as the plan spells them, to the program's index."""
    return {name: i for i, (code, program) in enumerate(plan.programs.items())
            for name in (code, *program.aliases)}


def counting_sql(data: str, spellings: dict[str, int], start: str, end: str, *,
                 typed: bool, province: bool = False) -> str:
    """The least correct counting on DuckDB: checks, a packed key, each key's earliest day."""
    types = ", ".join(f"'{c}': '{'DATE' if c == 'date' and typed else 'VARCHAR'}'"
                      for c in COLUMNS)
    read = (f"read_csv('{data}', header=true, auto_detect=false, delim=',', quote='\"', "
            f"escape='\"', columns={{{types}}}, dateformat='%Y-%m-%d', store_rejects=true)")
    whens = " ".join(f"WHEN '{name}' THEN {index}" for name, index in spellings.items())
    day = "date" if typed else "try_strptime(date, '%Y-%m-%d')::DATE"
    rows = (f"SELECT participant_id AS id, {day} AS d, CASE program {whens} END AS p"
            f"{', province' if province else ''} FROM {read}")
    slots = max(spellings.values()) + 1
    key = f"(id::BIGINT * 2 + (length(id) = 12)::BIGINT) * {slots} + p"
    checked = (f"SELECT {key} AS who, d{', province' if province else ''} FROM ({rows}) "
               f"WHERE regexp_full_match(id, '[0-9]{{10}}([0-9]{{2}})?') AND p IS NOT NULL "
               f"AND d BETWEEN DATE '{start}' AND DATE '{end}'")
    if province:
        earliest = f"SELECT who, arg_min(province, d) AS province FROM ({checked}) GROUP BY who"
        return (f"SELECT who % {slots} AS program, province, count(*) FROM ({earliest}) "
                "GROUP BY ALL ORDER BY ALL")
    earliest = f"SELECT who, min(d) AS first FROM ({checked}) GROUP BY who"
    return (f"SELECT who % {slots} AS program, count(*) FROM ({earliest}) "
            "GROUP BY ALL ORDER BY ALL")


def measure(command: list[str], inside: bool) -> tuple[float, float, str]:
    """Seconds (as the child timed itself, or its wall time) and peak MB of one process."""
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = child.stdout.read().decode() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command[:3])}\n"
                         f"{child.stderr.read().decode() if child.stderr else ''}")
    seconds = float(out.split(maxsplit=1)[0]) if inside else wall
    return seconds, usage.ru_maxrss / 1024, out.split(maxsplit=1)[1].strip()[:60] if inside else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets")
    parser.add_argument("data")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-of", default="2025-11-30", help="the window's last day")
    args = parser.parse_args()
    from sspost.targets import load_targets

    compile_bytecode()
    plan = load_targets(args.targets)
    spellings = program_spellings(plan)
    start = str(plan.period.start)
    python = sys.executable
    steps: dict[str, tuple[list[str], bool]] = {
        "DuckDB typed parse (floor)": ([python, "-c", DUCKDB, FLOOR_SQL.format(path=args.data)],
                                       True),
        "DuckDB typed read, checks, packed key, earliest": (
            [python, "-c", DUCKDB, counting_sql(args.data, spellings, start, args.as_of,
                                                typed=True)], True),
        "DuckDB text read, cast after, packed key, earliest": (
            [python, "-c", DUCKDB, counting_sql(args.data, spellings, start, args.as_of,
                                                typed=False)], True),
        "DuckDB typed, earliest with its province": (
            [python, "-c", DUCKDB, counting_sql(args.data, spellings, start, args.as_of,
                                                typed=True, province=True)], True),
        "Polars streaming typed parse": ([python, "-c", POLARS_FLOOR, args.data], True),
        "Polars streaming checks, packed key, earliest": (
            [python, "-c", POLARS_COUNT, args.data,
             json.dumps({"spellings": spellings, "start": start, "end": args.as_of})], True),
        **({"DataFusion typed parse": ([python, "-c", DATAFUSION, args.data, DATAFUSION_FLOOR],
                                       True),
            "DataFusion checks, packed key, earliest": (
                [python, "-c", DATAFUSION, args.data,
                 datafusion_sql(spellings, start, args.as_of)], True)}
           if importlib.util.find_spec("datafusion") else {}),
        "sspost progress (cold, whole run)": (
            [python, "-m", "sspost", "progress", args.targets, args.data, "--format", "json",
             "--output", os.devnull], False),
    }
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    said: dict[str, str] = {}
    for _ in range(args.runs):
        for name, (command, inside) in steps.items():
            seconds, peak, output = measure(command, inside)
            figures[name].append((seconds, peak))
            said[name] = output
    floor = statistics.median(s for s, _ in figures["DuckDB typed parse (floor)"])
    print(f"{'step':54} {'median s':>8} {'x floor':>8} {'peak MB':>8}")
    for name, runs in figures.items():
        seconds = statistics.median(s for s, _ in runs)
        peak = max(p for _, p in runs)
        print(f"{name:54} {seconds:8.2f} {seconds / floor:8.2f} {peak:8.0f}  {said[name]}")


if __name__ == "__main__":
    main()
