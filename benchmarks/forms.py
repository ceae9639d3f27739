"""A form-shaped workbook at Excel's row limit against a plain one, through `sspost progress`.

    python benchmarks/forms.py                 # 1,048,576-row sheets in /tmp/sspost-bench
    python benchmarks/forms.py --rows 100000

The form is `sspost sample --layout d03` (a D03-TS list: title block, a two-row header, a
numbering row, sections, subtotals, a footer, both ids on its rows); the plain sheet is
sheet_memory.py's (a title row, a header, six columns). Each figure is a median of --runs runs
of the CLI in its own process, with its peak resident set size. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sheet_memory import EXCEL_ROWS, measure, write_sheet

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "targets" / "2025.yaml"
FORM_ROWS_OTHER = 40  # a D03-TS's title, header, sections, subtotals and footer rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=EXCEL_ROWS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sspost-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    plain = args.workdir / f"plain-{args.rows}.xlsx"
    form = args.workdir / f"d03-{args.rows}.xlsx"
    if not plain.exists():
        write_sheet(plain, args.rows)
    if not form.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sspost", "sample", "--layout", "d03", "--rows",
                        str(args.rows - FORM_ROWS_OTHER), "--province", "01", "-o", str(form)],
                       check=True)
        print(f"wrote {form} in {time.perf_counter() - started:.0f} s")
    print(f"{'sheet':12} {'median s':>9} {'peak MB':>8}  exit")
    for name, path in (("plain", plain), ("D03-TS form", form)):
        runs = [measure([sys.executable, "-m", "sspost", "progress", str(PLAN), str(path),
                         "--as-of", "2025-11-30", "--format", "json"]) for _ in range(args.runs)]
        print(f"{name:12} {statistics.median(r[0] for r in runs):9.2f} "
              f"{max(r[1] for r in runs):8.0f}  {runs[0][2][:1]}")


if __name__ == "__main__":
    main()
