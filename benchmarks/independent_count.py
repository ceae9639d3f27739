"""Check sspost's figures against a count written without the engine.

    python benchmarks/independent_count.py targets/2025.yaml FILE.csv [FILE.csv ...] [--db DB]

Reads the CSVs with Python's csv module (exports in the sample's layout, clean or with
impossible dates, which it rejects as sspost does), finds each participant's first record per
program by the tie rule of SPEC section 4 (date, time of day, unit code, province after the
merger, staff id; an empty value after any other), and compares with `sspost progress` on the
same files: the totals, the campaign days (staff seen and met, sign-ups), and the rows of
`--by staff`, `--by province` (the 34), `--by month` and `--by unit` (against a copy of the
plan whose units are every unit code the files hold, flat, so each unit's row is its own
count). Give the same rows split in files, or shuffled, to check that the
figures do not depend on where a row is.
Slow on purpose (about two minutes for 20M rows): it shares no code with the engine's counting.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from sspost.provinces import merged_into
from sspost.targets import TargetFile, load_targets

DIMENSIONS = {"staff": "staff_id", "province": "province", "month": "month", "unit": "unit"}
NO_UNIT = "(unassigned)"


def first_records(plan: TargetFile, files: list[str], start: str, as_of: str,
                  ) -> dict[tuple[str, str], tuple[tuple[str, ...], str, str, str]]:
    """(participant, program) -> (order, staff, province, unit) of the first record."""
    names = {name.lower(): code for code, program in plan.programs.items()
             for name in (code, *program.aliases)}
    merged = merged_into()
    first: dict[tuple[str, str], tuple[tuple[str, ...], str, str, str]] = {}
    for data in files:
        with open(data, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                date = row["date"][:10]
                if not start <= date <= as_of:
                    continue
                try:  # a date that is no day (`2025-02-30`, run.py's bad rows) is rejected
                    dt.date.fromisoformat(date)
                except ValueError:
                    continue
                key = (row["participant_id"], names[row["program"].lower()])
                unit, staff = row.get("unit", ""), row["staff_id"]
                province = merged[row["province"]]
                time = row["date"][11:19]
                time = (time + ":00")[:8] if len(time) == 5 else time or "00:00:00"
                order = (date, time, str(unit == ""), unit, str(province == ""), province,
                         str(staff == ""), staff)
                if key not in first or order < first[key][0]:
                    first[key] = (order, staff, province, unit)
    return first


def expected(plan: TargetFile, first: dict[tuple[str, str], tuple[tuple[str, ...], str, str,
                                                                   str]]) -> dict[str, Any]:
    counts: dict[str, collections.Counter[str]] = {d: collections.Counter() for d in DIMENSIONS}
    totals: collections.Counter[str] = collections.Counter()
    for (_, program), (order, staff, province, unit) in first.items():
        totals[program] += 1
        counts["staff"][f"{program}|{staff}"] += 1
        counts["province"][f"{program}|{province}"] += 1
        counts["month"][f"{program}|{order[0][:7]}"] += 1
        counts["unit"][f"{program}|{unit or NO_UNIT}"] += 1
    campaigns = []
    for campaign in plan.campaigns:
        day = str(campaign.date)
        for program, quota in campaign.per_staff.items():
            per_staff = collections.Counter(
                staff for (_, p), (order, staff, _, _) in first.items()
                if p == program and order[0] == day)
            named = {s: n for s, n in per_staff.items() if s}
            campaigns.append([campaign.name, day, program, len(named),
                              sum(n >= quota for n in named.values()), sum(per_staff.values())])
    return {"totals": dict(totals), "campaigns": campaigns,
            **{d: dict(c) for d, c in counts.items()}}


def flat_units_plan(plan_path: str, codes: set[str], folder: str) -> str:
    """A copy of the plan whose units are `codes` (those of the participants' first records),
    side by side: a code named only by other records counts nobody either way."""
    plan = yaml.safe_load(Path(plan_path).read_text(encoding="utf-8"))
    plan["units"] = [{"code": c, "name": c, "targets": dict.fromkeys(plan["programs"], 1)}
                     for c in sorted(codes)]
    out = Path(folder) / "flat-units.yaml"
    out.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return str(out)


def progress(plan: str, files: list[str], db: str | None, *args: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "sspost", "progress", plan, *files, "--format", "json",
               *args, *(["--db", db] if db else [])]
    return dict(json.loads(subprocess.run(command, check=True, capture_output=True).stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets")
    parser.add_argument("data", nargs="+")
    parser.add_argument("--db", help="also read through this --db cache (made if absent)")
    args = parser.parse_args()
    found: dict[str, Any] = {}
    plan = load_targets(args.targets)
    with tempfile.TemporaryDirectory() as folder:
        doc = progress(args.targets, args.data, args.db)
        window = (doc["period"]["start"], doc["as_of"])
        found["totals"] = {p["program"]: p["achieved"] for p in doc["programs"] if p["achieved"]}
        found["campaigns"] = [[c["name"], c["date"], c["program"], c["staff_seen"],
                               c["staff_met"], c["signed_up"]] for c in doc["campaigns"]]
        first = first_records(plan, args.data, *window)  # the one pass over the files
        codes = {unit for _, _, _, unit in first.values() if unit}
        flat = flat_units_plan(args.targets, codes, folder)
        for dimension, column in DIMENSIONS.items():
            plan_path = flat if dimension == "unit" else args.targets
            # The unit plan is another plan: its own cache, never the one given.
            db = str(Path(folder) / "units.duckdb") if args.db and dimension == "unit" \
                else args.db
            rows = progress(plan_path, args.data, db, "--by", dimension,
                            "--as-of", window[1])["breakdown"]["rows"]
            found[dimension] = {f"{r['program']}|{r[column]}": r["achieved"]
                                for r in rows if r["achieved"]}
    wanted = expected(plan, first)
    failed = False
    for what, figures in wanted.items():
        same = found[what] == figures
        failed = failed or not same
        print(f"{what}: {len(figures)} rows, sspost and the independent count "
              f"{'agree' if same else 'DISAGREE'}")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
