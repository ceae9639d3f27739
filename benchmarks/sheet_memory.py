"""Peak memory of reading a spreadsheet at Excel's row limit (1,048,576 rows), reader by reader.

    python benchmarks/sheet_memory.py                 # writes /tmp/sspost-bench/limit.xlsx once
    python benchmarks/sheet_memory.py --rows 100000   # a smaller sheet

Each reader runs in its own process and reports its peak resident set size; the last line is
`sspost progress` itself on the same sheet. Nothing here is a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXCEL_ROWS = 1_048_576  # header included

READERS = {
    "python-calamine to_python (whole sheet as lists)": """
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(PATH).get_sheet_by_index(0).to_python(skip_empty_area=False)
print(len(rows))
""",
    "python-calamine iter_rows (row by row)": """
from python_calamine import CalamineWorkbook
n = sum(1 for _ in CalamineWorkbook.from_path(PATH).get_sheet_by_index(0).iter_rows())
print(n)
""",
    "openpyxl read_only iter_rows": """
import openpyxl
book = openpyxl.load_workbook(PATH, read_only=True)
print(sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)))
""",
}


def write_sheet(path: Path, rows: int) -> None:
    """A sheet like a provincial export: a title row, the header, then data rows to the limit;
    ids as numbers (as Excel keeps them), dates as date cells, text in the shared strings table
    as Excel writes it (so not XlsxWriter's constant_memory mode, which writes inline text)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Data")
    when = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["Báo cáo phát triển đối tượng"])
    sheet.write_row(1, 0, ["participant_id", "date", "program", "unit", "province", "staff_id"])
    start = dt.date(2025, 1, 1)
    for row in range(2, rows):
        sheet.write_number(row, 0, 1_000_000_000 + row * 7)
        sheet.write_datetime(row, 1, dt.datetime.combine(start + dt.timedelta(days=row % 330),
                                                         dt.time()), when)
        sheet.write_string(row, 2, "BHXH_TN" if row % 5 == 0 else "BHYT_HGD")
        sheet.write_string(row, 3, f"HN-{row % 30:02d}")
        sheet.write_string(row, 4, "01")
        sheet.write_string(row, 5, f"NV{row % 997:04d}")
    book.close()


def measure(argv: list[str]) -> tuple[float, float, str]:
    """Wall seconds and peak MB of one command, run in a fresh process that reports its child."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "s = time.perf_counter() - t; "
             "m = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss; "
             "print(s, m, r.returncode, r.stdout.strip()[-60:].replace(chr(10), ' ') or '-')")
    out = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True,
                         check=True).stdout.strip().split(maxsplit=3)
    return float(out[0]), int(out[1]) / 1024, " ".join(out[2:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=EXCEL_ROWS)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sspost-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = args.workdir / ("limit.xlsx" if args.rows == EXCEL_ROWS else f"sheet-{args.rows}.xlsx")
    if not path.exists():
        started = time.perf_counter()
        write_sheet(path, args.rows)
        print(f"wrote {path} ({args.rows:,} rows) in {time.perf_counter() - started:.0f} s")
    print(f"{'reader':58} {'s':>7} {'peak MB':>8}  exit, output")
    for name, code in READERS.items():
        seconds, peak, said = measure([sys.executable, "-c", code.replace("PATH", repr(str(path)))])
        print(f"{name:58} {seconds:7.2f} {peak:8.0f}  {said}")
    sspost = [sys.executable, "-m", "sspost", "progress", str(ROOT / "targets" / "2025.yaml"),
              str(path), "--as-of", "2025-11-30", "--format", "json"]
    seconds, peak, said = measure(sspost)
    print(f"{'sspost progress --format json':58} {seconds:7.2f} {peak:8.0f}  exit {said[:1]}")


if __name__ == "__main__":
    main()
