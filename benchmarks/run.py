"""Scale benchmark: sspost progress against the engine's parse floor, pandas and Polars, same run.

    python benchmarks/run.py                      # 1M and 20M rows, 3 runs each
    python benchmarks/run.py --rows 10000 --runs 1

Data is generated with `sspost sample` into --workdir (outside the repository) and kept there
between runs. Every figure is a median over --runs runs, the commands alternating; memory is
each process's peak resident set size. Nothing here is a test: it prints figures.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ROOT / "targets" / "2025.yaml"
SAMPLE_END = "2025-11-30"  # the last record date of the generated files

# The floor: the engine's parse of a sample file, every column read and the date typed
# (`path` placed with str.format; least_work.py times the same statement).
FLOOR_SQL = """SELECT min(participant_id), min(date), min(program), min(unit),
    min(province), min(staff_id) FROM read_csv('{path}', header=true, auto_detect=false,
    delim=',', quote='"', escape='"', columns={{'participant_id': 'VARCHAR', 'date': 'DATE',
    'program': 'VARCHAR', 'unit': 'VARCHAR', 'province': 'VARCHAR', 'staff_id': 'VARCHAR'}},
    store_rejects=true)"""
FLOOR = f"""
import sys, duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
con.execute({FLOOR_SQL!r}.format(path=sys.argv[1])).fetchall()
"""

# The same counting as sspost's plain progress: valid ids, known programs, the window,
# distinct participants per program. Both scripts take the file and `counting_args()`.
PANDAS = """
import json
import sys
import pandas as pd
try:
    import pyarrow  # noqa: F401
    engine = "pyarrow"
except ImportError:
    engine = "c"
plan = json.loads(sys.argv[2])
df = pd.read_csv(sys.argv[1], dtype=str, engine=engine, keep_default_na=False)
df["code"] = df["program"].str.lower().map(plan["names"])
df["d"] = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
ok = df["participant_id"].str.fullmatch(r"\\d{10}|\\d{12}") & df["code"].notna() & df["d"].notna()
window = ok & (df["d"] >= plan["start"]) & (df["d"] <= plan["end"])
print(df[window].groupby("code")["participant_id"].nunique().to_dict())
"""


# The same counting as a lazy Polars query (the optimiser reads only the columns it needs).
POLARS = """
import datetime as dt
import json
import sys
import polars as pl
plan = json.loads(sys.argv[2])
start, end = (dt.date.fromisoformat(plan[k]) for k in ("start", "end"))
found = (
    pl.scan_csv(sys.argv[1], infer_schema=False)
    .with_columns(
        code=pl.col("program").str.to_lowercase().replace_strict(plan["names"], default=None),
        d=pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False))
    .filter(pl.col("participant_id").str.contains(r"^(?:[0-9]{10}|[0-9]{12})$")
            & pl.col("code").is_not_null()
            & pl.col("d").is_between(start, end))
    .group_by("code").agg(pl.col("participant_id").n_unique())
    .collect(engine="streaming")
)
print(dict(sorted(zip(found["code"], found["participant_id"]))))
"""


# The same counting as one hand-written DuckDB statement (every column read as text, checked
# and cast in SQL, as a careful script would).
DUCKDB = """
import json
import sys
import duckdb
plan = json.loads(sys.argv[2])
names = " ".join(f"WHEN '{name}' THEN '{code}'" for name, code in plan["names"].items())
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")  # its bar would print on stdout
found = con.execute(
    "SELECT code, count(DISTINCT participant_id) FROM ("
    f"  SELECT CASE lower(program) {names} END AS code, participant_id,"
    "          try_strptime(date, '%Y-%m-%d')::DATE AS d"
    "   FROM read_csv(?, all_varchar = true, header = true))"
    " WHERE regexp_full_match(participant_id, '[0-9]{10}|[0-9]{12}')"
    "   AND code IS NOT NULL AND d BETWEEN ?::DATE AND ?::DATE GROUP BY code",
    [sys.argv[1], plan["start"], plan["end"]]).fetchall()
print(dict(sorted(found)))
"""


def counting_args() -> str:
    """The plan's program names (codes and aliases, lower case) and the window, as JSON: the
    window ends on the last record date `sspost sample` writes, sspost's default as-of."""
    from sspost.targets.loader import load_targets

    plan = load_targets(str(TARGETS))
    names = {name.lower(): code for code, program in plan.programs.items()
             for name in (code, *program.aliases)}
    return json.dumps({"names": names, "start": str(plan.period.start), "end": SAMPLE_END})


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    stderr = child.stderr.read().decode() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{stderr}")
    rss = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return wall, rss


def sample(path: Path, rows: int) -> None:
    if not path.exists():
        subprocess.run([sys.executable, "-m", "sspost", "sample", "--rows", str(rows),
                        "--seed", "1", "--end", SAMPLE_END, "-o", str(path)], check=True)


def with_bad_rows(source: Path, target: Path, every: int = 100) -> None:
    """A copy in which every `every`-th row has an impossible date (1% bad rows)."""
    if target.exists():
        return
    with source.open(encoding="utf-8") as inp, target.open("w", encoding="utf-8") as out:
        out.write(next(inp))
        for i, line in enumerate(inp, start=1):
            if i % every == 0:
                fields = line.split(",")
                fields[1] = "2025-02-30"
                line = ",".join(fields)
            out.write(line)


def monthly(source: Path, folder: Path) -> list[Path]:
    """The same rows split into one file per month of their date."""
    folder.mkdir(exist_ok=True)
    paths = {f"{m:02d}": folder / f"2025-{m:02d}.csv" for m in range(1, 13)}
    if all(p.exists() for p in paths.values()):
        return list(paths.values())
    handles = {m: p.open("w", encoding="utf-8", newline="") for m, p in paths.items()}
    with source.open(encoding="utf-8", newline="") as inp:
        header = next(inp)
        for handle in handles.values():
            handle.write(header)
        for line in inp:
            handles[line.split(",", 2)[1][5:7]].write(line)
    for handle in handles.values():
        handle.close()
    return list(paths.values())


def sspost(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "sspost", "progress", str(TARGETS), *map(str, args),
            "--format", "json", "--output", os.devnull]


def same_results(single: Path, parts: list[Path], workdir: Path) -> bool:
    outputs = []
    for name, files in (("single", [single]), ("monthly", parts)):
        out = workdir / f"{name}.json"
        subprocess.run([*sspost(*files, "--by", "province")[:-1], str(out)], check=True,
                       stderr=subprocess.DEVNULL)
        doc = json.loads(out.read_text(encoding="utf-8"))
        recon = doc["reconciliation"]
        outputs.append((doc["programs"], doc["breakdown"], doc["campaigns"],
                        [recon[k] for k in ("rows_read", "accepted", "rejected", "counted",
                                            "outside_window", "duplicate_records")]))
    return outputs[0] == outputs[1]


def polars_available() -> bool:
    return importlib.util.find_spec("polars") is not None


def pandas_available() -> bool:
    # Not imported here: a child's peak memory would include this process's, from before exec.
    return importlib.util.find_spec("pandas") is not None


def bench(path: Path, runs: int, label: str, *, full: bool = True,
          ) -> list[tuple[str, float, float]]:
    db = path.with_suffix(".duckdb")
    db.unlink(missing_ok=True)
    commands = {
        "duckdb parse (floor)": [sys.executable, "-c", FLOOR, str(path)],
        "sspost --help (start-up)": [sys.executable, "-m", "sspost", "--help"],
        "sspost progress": sspost(path),
        "sspost progress --by unit": sspost(path, "--by", "unit"),
        "sspost progress --by province": sspost(path, "--by", "province"),
        "sspost progress --by month": sspost(path, "--by", "month"),
        "sspost progress --by staff": sspost(path, "--by", "staff"),
        # Filled before the timed runs (below), so these are reruns on the same file.
        "sspost progress --db (rerun)": sspost(path, "--db", db),
        "sspost progress --db --by province (rerun)": sspost(path, "--db", db, "--by", "province"),
        "sspost progress --db --by staff (rerun)": sspost(path, "--db", db, "--by", "staff"),
        "sspost progress --db --as-of 2025-06-30 (rerun)": sspost(path, "--db", db, "--as-of",
                                                                  "2025-06-30"),
    }
    if pandas_available():
        commands["pandas, same counting"] = [sys.executable, "-c", PANDAS, str(path),
                                             counting_args()]
    if polars_available():
        commands["Polars (streaming), same counting"] = [sys.executable, "-c", POLARS,
                                                         str(path), counting_args()]
    commands["DuckDB script, same counting"] = [sys.executable, "-c", DUCKDB, str(path),
                                                counting_args()]
    same_counts(path, {k: v for k, v in commands.items() if "same counting" in k})
    if not full:  # the floor and the plain run only
        commands = {k: v for k, v in commands.items() if k in ("duckdb parse (floor)",
                                                               "sspost progress")}
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[float]] = {name: [] for name in commands}
    filled = []
    if full:  # one run fills the cache
        wall, rss = measure(sspost(path, "--db", db))
        filled.append((f"{label}: sspost progress --db (first run fills it; 1 run)", wall, rss))
    for _ in range(runs):  # alternate, so drift hits every command alike
        for name, command in commands.items():
            wall, rss = measure(command)
            times[name].append(wall)
            peaks[name].append(rss)
    return [(f"{label}: {name}", statistics.median(times[name]), max(peaks[name]))
            for name in commands] + filled


def same_counts(path: Path, scripts: dict[str, list[str]]) -> None:
    """Each comparison script's counts are sspost's, or the comparison is not made."""
    command = [sys.executable, "-m", "sspost", "progress", str(TARGETS), str(path), "-f", "json"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    ours = dict(sorted((p["program"], p["achieved"]) for p in json.loads(done.stdout)["programs"]))
    for name, script in scripts.items():
        printed = subprocess.run(script, capture_output=True, text=True, check=True).stdout
        theirs = ast.literal_eval(printed.strip().splitlines()[-1])
        if theirs != ours:
            raise SystemExit(f"{name} counts {theirs}, sspost {ours}: not the same counting")
    print(f"{path.name}: {', '.join(scripts)} count as sspost does: {ours}")


def month_added(parts: list[Path], runs: int, label: str) -> tuple[str, float, float]:
    """`--db` when this month's file joins the earlier months' cached ones: the cache is filled
    with the months before the last month with records (not timed), then the run with all of
    them is timed; median of `runs`."""
    last = int(SAMPLE_END[5:7])
    earlier, current = parts[:last - 1], parts[:last]
    db = parts[0].parent / "months.duckdb"
    walls, peaks = [], []
    for _ in range(runs):
        db.unlink(missing_ok=True)
        measure(sspost(*earlier, "--db", db))
        wall, rss = measure(sspost(*current, "--db", db))
        walls.append(wall)
        peaks.append(rss)
    db.unlink(missing_ok=True)
    return (f"{label}: sspost progress --db, month {last} added to {last - 1} cached",
            statistics.median(walls), max(peaks))


def compile_bytecode() -> None:
    """sspost's bytecode, as `pip install` leaves it: an editable install on a machine that sets
    PYTHONDONTWRITEBYTECODE (this one) compiles every module from source on every run, about
    0.1 s of each that no installed copy pays (and the peers' libraries do not)."""
    import compileall

    import sspost

    compileall.compile_dir(str(Path(sspost.__file__).parent), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 20_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sspost-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.platform()}")
    if not pandas_available():
        print("pandas: not installed (pip install pandas pyarrow to compare)")
    if not polars_available():
        print("Polars: not installed (pip install polars to compare)")
    rows: list[tuple[str, float, float]] = []
    for n in args.rows:
        path = args.workdir / f"sample-{n}.csv"
        sample(path, n)
        size = path.stat().st_size / 2**20
        print(f"{n:,} rows: {path} ({size:,.0f} MB)")
        found = bench(path, args.runs, f"{n:,}")
        bad = args.workdir / f"sample-{n}-bad.csv"
        with_bad_rows(path, bad)
        found += bench(bad, args.runs, f"{n:,} with 1% bad rows", full=False)
        parts = monthly(path, args.workdir / f"monthly-{n}")
        found.append(month_added(parts, args.runs, f"{n:,}"))
        for name, wall, peak in found:  # as they come: a later failure loses none of them
            print(f"  {name}: {wall:.2f} s, {peak:.0f} MB", flush=True)
        rows += found
        same = same_results(path, parts, args.workdir)
        print(f"{n:,} rows: one file and 12 monthly files give the same results: {same}")
    print()
    print(f"{'what':66} {'median s':>9} {'x floor':>8} {'peak MB':>8}")
    floors = {name.split(":")[0]: wall for name, wall, _ in rows if "floor" in name}
    for name, wall, peak in rows:
        ratio = wall / floors[name.split(":")[0]]
        print(f"{name:66} {wall:9.2f} {ratio:8.2f} {peak:8.0f}")
    for other in ("pandas", "Polars", "DuckDB script"):
        walls = {name.split(":")[0]: wall for name, wall, _ in rows if other in name}
        for label, wall in walls.items():
            ours = next(w for n, w, _ in rows if n == f"{label}: sspost progress")
            print(f"{label}: {other} takes {wall / ours:.2f}x as long as sspost progress")


if __name__ == "__main__":
    main()
