"""One CSV row per program, unrounded, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from sspost.progress import ProgressResult
from sspost.render.json_format import breakdown_row_json

COLUMNS = (
    "program", "label", "as_of", "target", "achieved", "attainment", "gap", "elapsed",
    "expected", "pace", "status", "projected", "days_left", "required_per_day",
    "required_per_month", "national_total", "national_total_as_of", "national_total_stale",
    "share", "baseline_participants", "vs_baseline",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text from input files must not run as a spreadsheet formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render(result: ProgressResult, lang: str = "en", color: bool = False) -> str:
    """Program rows; with --by, the breakdown's rows instead (one table per file)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if result.breakdown is not None:
        cells = [breakdown_row_json(result.breakdown.by, r) for r in result.breakdown.rows]
        if cells:
            writer.writerow([*cells[0], "as_of"])
        for cell in cells:
            writer.writerow([safe_cell(v) for v in (*cell.values(), result.as_of.isoformat())])
        return out.getvalue()
    writer.writerow(COLUMNS)
    for p in result.programs:
        m = p.measures
        total = p.national_total
        row = (
            p.program, p.label, result.as_of.isoformat(), m.target, m.achieved, m.attainment,
            m.gap, m.elapsed, m.expected, m.pace, m.status, m.projected, m.days_left,
            m.required_per_day, m.required_per_month,
            total.participants if total else None, total.as_of.isoformat() if total else None,
            total.stale if total else None, p.share,
            p.baseline.participants if p.baseline else None, p.vs_baseline,
        )
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
