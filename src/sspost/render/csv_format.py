"""One CSV row per program, unrounded, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from sspost.progress import ProgressResult
from sspost.render.json_format import breakdown_row_json
from sspost.shown import clean_all, inert_cell

COLUMNS = (
    "program", "label", "as_of", "target", "achieved", "attainment", "gap", "elapsed",
    "expected", "pace", "status", "projected", "days_left", "required_per_day",
    "required_per_month", "national_total", "national_total_as_of", "national_total_stale",
    "share", "baseline_participants", "vs_baseline", "last_year_as_of",
    "last_year_participants", "last_year_source", "vs_last_year",
)


def safe_cell(value: object) -> str:
    """Text from input files must not run as a spreadsheet formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = clean_all(str(value))  # shown as written: no terminal escapes, no ids
    return inert_cell(text)


def render(result: ProgressResult, lang: str = "en", color: bool = False) -> str:
    """Program rows; with --by, the breakdown's rows instead (one table per file)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header, rows = breakdown_table(result) if result.breakdown else program_table(result)
    if header:
        writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return out.getvalue()


def render_with_bom(result: ProgressResult, lang: str = "en", color: bool = False) -> str:
    """The CSV with a UTF-8 byte-order mark: Excel then reads the diacritics right."""
    return "\ufeff" + render(result, lang, color)


def breakdown_table(result: ProgressResult) -> tuple[list[str], list[tuple[object, ...]]]:
    """The breakdown's header and rows, values unformatted."""
    assert result.breakdown is not None
    cells = [breakdown_row_json(result.breakdown.by, r) for r in result.breakdown.rows]
    for cell in cells:  # a flat table: last year's figure, not its JSON object
        last = cell.pop("last_year")
        vs = cell.pop("vs_last_year")
        cell |= {"last_year_participants": last["participants"] if last else None,
                 "vs_last_year": vs}
    header = [*cells[0], "as_of"] if cells else []
    return header, [(*cell.values(), result.as_of.isoformat()) for cell in cells]


def program_table(result: ProgressResult) -> tuple[list[str], list[tuple[object, ...]]]:
    """One row per program, values unformatted."""
    rows: list[tuple[object, ...]] = []
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
            p.last_year.as_of.isoformat() if p.last_year else None,
            p.last_year.participants if p.last_year else None,
            p.last_year.source if p.last_year else None, p.vs_last_year,
        )
        rows.append(row)
    return list(COLUMNS), rows
