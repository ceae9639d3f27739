"""Progress as an Excel workbook people read: the programs, and the breakdown when asked, each
a sheet laid out by render.workbook (title, as-of date, headers and statuses in the chosen
language, typed cells, a filter, A4 printing). The values are the CSV output's, unrounded but
for people, who are whole."""

from __future__ import annotations

from sspost.catalogue import CATALOGUE, section
from sspost.progress import ProgressResult
from sspost.render import workbook
from sspost.render.csv_format import breakdown_table, program_table
from sspost.render.words import Words

SHEETS = section("sheet")
# What each column of the CSV tables holds (render.workbook.KINDS); a column not named is text.
KINDS = {
    "target": "people", "achieved": "people", "gap": "people", "expected": "people",
    "projected": "people", "required_per_month": "people", "national_total": "people",
    "baseline_participants": "people", "last_year_participants": "people",
    "cumulative": "people", "expected_cumulative": "people", "change": "people",
    "required_per_day": "rate", "days_left": "count",
    "attainment": "ratio", "elapsed": "ratio", "pace": "ratio", "share": "ratio",
    "vs_baseline": "ratio", "vs_last_year": "ratio",
    "as_of": "date", "national_total_as_of": "date", "last_year_as_of": "date",
    "status": "status",
}
# The title's as-of date says it once for the sheet; a tree's level (and whether a unit has
# units under it) shows as the indent.
_LEFT_OUT = {"as_of", "depth", "parent"}


def render(result: ProgressResult, lang: str) -> bytes:
    w = Words(lang)
    subtitle = (f"{w.label('as_of')} {w.date(result.as_of)} · {w.date(result.period_start)}"
                f" – {w.date(result.period_end)}")
    notes = [notice.text(lang) for notice in result.beside_figures]
    # Programs named as people know them, in the language asked for.
    labels = {p.program: p.label_in(lang) for p in result.programs}
    header, rows = program_table(result)
    rows = [(row[0], labels.get(str(row[0]), row[1]), *row[2:]) for row in rows]
    title = result.name or result.targets
    sheets = [_sheet(w, SHEETS[lang]["programs"], title, subtitle, header, rows, notes,
                     share="label.share")]
    if result.breakdown is not None:
        header, rows = breakdown_table(result)
        # A breakdown's rows name their program by its label, and our own keys in words.
        rows = [(labels.get(str(row[0]), row[0]), w.row_key(str(row[1])), *row[2:])
                for row in rows]
        depths = [r.depth - 1 for r in result.breakdown.rows] \
            if result.breakdown.by == "unit" else []
        sheets.append(_sheet(w, SHEETS[lang][result.breakdown.by], title, subtitle,
                             header, rows, notes, share="report.row_share", depths=depths))
    return workbook.render(sheets, title=f"{title} {result.as_of}",
                           as_of=result.as_of, lang=lang)


def _sheet(w: Words, name: str, targets: str, subtitle: str, header: list[str],
           rows: list[tuple[object, ...]], notes: list[str], *, share: str,
           depths: list[int] | None = None) -> workbook.Sheet:
    keep = [i for i, key in enumerate(header) if key not in _LEFT_OUT]
    columns = [workbook.Column(header[i], _label(w, header[i], share),
                               KINDS.get(header[i], "text")) for i in keep]
    shown = [[_value(w, header[i], row[i]) for i in keep] for row in rows]
    return workbook.Sheet(name, f"{targets} · {name}", subtitle, columns, shown, notes,
                          depths or (), indented="unit")


def _label(w: Words, key: str, share: str) -> str:
    if key == "share":
        return w.word(share)
    found = (prefix + key for prefix in ("column.", "label.", "breakdown."))
    return next((w.word(k) for k in found if k in CATALOGUE[w.lang]), key)


def _value(w: Words, key: str, value: object) -> object:
    """A flag in words (`stale`, `sent no data`), as a reader of the workbook reads it."""
    if key == "national_total_stale":
        return w.label("stale") if value else None
    if key == "reporting":
        return w.word("breakdown.no_data") if value is False else None
    return value
