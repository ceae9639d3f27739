"""`sspost renewals` against `sspost progress` on the same two years of rows (issue #32).

    python benchmarks/renewals.py                   # 3,000,000 people: ~2M rows a year
    python benchmarks/renewals.py --people 300000 --runs 3

Both years are `sspost sample --covers` (the same people, paying over 2024 and 2025). The
reference is `progress` over the same rows given as one set of files (each row read once and
counted, nothing of renewals); `progress --baseline-data` is shown too, as it now works out due
to renew when covers are known. Runs alternate, each in its own process; the figures are
medians of wall seconds, their ratio to the reference, and each command's peak resident set
size. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sheet_memory import measure

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "targets" / "2025.yaml"
YEARS = {"2024": ("2024-01-01", "2024-12-31"), "2025": ("2025-01-01", "2025-11-30")}


def sample(workdir: Path, people: int) -> dict[str, Path]:
    files = {}
    for year, (start, end) in YEARS.items():
        path = workdir / f"covers-{people}-{year}.csv"
        if not path.exists():
            began = time.perf_counter()
            subprocess.run([sys.executable, "-m", "sspost", "sample", "--covers", "--rows",
                            str(people), "--start", start, "--end", end, "-o", str(path)],
                           check=True)
            print(f"wrote {path} in {time.perf_counter() - began:.0f} s")
        files[year] = path
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=3_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sspost-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    files = sample(args.workdir, args.people)
    rows = sum(sum(1 for _ in path.open(encoding="utf-8")) - 1 for path in files.values())
    common = [str(PLAN), str(files["2025"]), "--baseline-data", str(files["2024"]),
              "--as-of", "2025-11-30", "--format", "json"]
    sspost = [sys.executable, "-m", "sspost"]
    commands = {"progress": [*sspost, "progress", str(PLAN), str(files["2024"]),
                             str(files["2025"]), "--as-of", "2025-11-30", "--format", "json"],
                "progress --baseline-data": [*sspost, "progress", *common],
                "renewals": [*sspost, "renewals", *common]}
    seen: dict[str, list[tuple[float, float, str]]] = {name: [] for name in commands}
    for _ in range(args.runs):  # alternating, so that both see the same machine
        for name, argv in commands.items():
            seen[name].append(measure(argv))
    print(f"{rows:,} rows over two years ({args.people:,} people)")
    print(f"{'command':26} {'median s':>9} {'ratio':>6} {'peak MB':>8}  exit")
    reference = statistics.median(r[0] for r in seen["progress"])
    for name, runs in seen.items():
        median = statistics.median(r[0] for r in runs)
        print(f"{name:26} {median:9.2f} {median / reference:5.2f}x "
              f"{max(r[1] for r in runs):8.0f}  {runs[0][2][:1]}")


if __name__ == "__main__":
    main()
