"""The breakdown as Rich tables: one per program, laggards first, parents in bold."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from sspost.breakdowns import Breakdown, BreakdownRow
from sspost.catalogue import section
from sspost.progress import ProgressResult
from sspost.render.fitting import (
    drop_empty_columns,
    fits,
    keep_figures_whole,
    records,
    shorten_names,
)
from sspost.render.words import STATUS_STYLE, Words
from sspost.shown import clean_all

HEADERS = section("breakdown")


_NAME_MIN = 12  # a unit or staff name keeps this many cells before it wraps


def row_of(*values: str | Text) -> list[Text]:
    """Table cells that show text as written: a str is never read as Rich markup."""
    return [v if isinstance(v, Text) else Text(clean_all(v)) for v in values]


def _bar(row: BreakdownRow, width: int = 10) -> Text:
    """Attainment as a bar that still reads without colour."""
    if row.measures is None or row.measures.attainment is None:
        return Text("")
    filled = round(min(max(row.measures.attainment, 0.0), 1.0) * width)
    style = STATUS_STYLE[row.measures.status]
    return Text("█" * filled, style=style) + Text("░" * (width - filled), style="dim")


def _last_year_columns(table: Table, w: Words, on: bool) -> None:
    """With --baseline-data: each row's figure last year, and this year's against it."""
    if on:
        for key in ("last_year", "vs_last_year"):
            table.add_column(w.label(key), justify="right", no_wrap=True)


def _last_year(r: BreakdownRow, w: Words, on: bool) -> list[str]:
    return [w.number(r.last_year), w.percent(r.vs_last_year)] if on else []


def print_breakdown(console: Console, result: ProgressResult, b: Breakdown, lang: str) -> None:
    w = Words(lang)
    h = HEADERS[lang]
    for program in result.programs:
        rows = [r for r in b.rows if r.program == program.program]
        label = program.label_in(lang)
        console.print(Text(clean_all(f"{label}: {h[b.by]}"), style="bold"))
        table = Table(header_style="bold")
        on = any(r.last_year is not None for r in rows)
        if b.by == "month":
            for key in ("month", "new", "cumulative", "expected_cumulative", "change"):
                table.add_column(h[key], justify="left" if key == "month" else "right",
                                 no_wrap=True)
            _last_year_columns(table, w, on)
            for r in rows:
                table.add_row(*row_of(r.key, w.number(r.achieved), w.number(r.cumulative),
                                      w.number(r.expected_cumulative), w.signed(r.change),
                                      *_last_year(r, w, on)))
        elif b.by == "unit":
            table.add_column(h["unit"], min_width=_NAME_MIN)  # names wrap, figures do not
            for key in ("target", "achieved", "attainment"):
                table.add_column(w.label(key), justify="right", no_wrap=True)
            table.add_column(h["bar"], no_wrap=True)
            table.add_column(w.label("pace"), justify="right", no_wrap=True)
            table.add_column(w.label("status"), no_wrap=True)
            for key in ("gap", "required_per_day"):  # how many more, and how fast
                table.add_column(w.label(key), justify="right", no_wrap=True)
            table.add_column(h["reporting"])
            _last_year_columns(table, w, on)
            for r in rows:
                m = r.measures
                name = "  " * (r.depth - 1) + w.row_key(r.key) + (f" {r.name}" if r.name else "")
                table.add_row(*row_of(
                    Text(clean_all(name), style="bold" if r.parent else ""), w.number(r.target),
                    w.number(r.achieved), w.percent(m.attainment if m else None), _bar(r),
                    w.percent(m.pace if m else None),
                    Text(w.status(m.status), style=STATUS_STYLE[m.status]) if m else "",
                    w.number(m.gap) if m else "", w.rate(m.required_per_day) if m else "",
                    Text(h["no_data"], style="bold red") if r.reporting is False else "",
                    *_last_year(r, w, on),
                ))
        else:
            table.add_column(h[b.by], min_width=_NAME_MIN)
            table.add_column(w.label("achieved"), justify="right", no_wrap=True)
            table.add_column(h["share"], justify="right", no_wrap=True)
            _last_year_columns(table, w, on)
            for r in rows:
                table.add_row(*row_of(w.row_key(r.key) + (f" {r.name}" if r.name else ""),
                                      w.number(r.achieved), w.percent(r.share),
                                      *_last_year(r, w, on)))
        shortened = False
        if b.by == "unit":
            drop_empty_columns(table)  # "no data" when every unit sent some: no column
        if b.by == "unit" and not fits(console, table, wrapping=True):
            table.columns[:] = [c for c in table.columns if str(c.header) != h["bar"]
                                or not c.cells]  # the bar goes first: the figures say it too
            keep_figures_whole(table)  # then headers wrap too
            # and names end in an ellipsis rather than wrap and break the tree
            shortened = shorten_names(table, console.width)
            if not fits(console, table, wrapping=True, shortened=shortened):
                # then attainment and pace: the status says where a unit is, and the gap
                # and the rate needed what it must do (issue #33); the target, the rate last
                for dropped in ("attainment", "pace", "target", "required_per_day"):
                    table.columns[:] = [c for c in table.columns
                                        if str(c.header) != w.label(dropped)]
                    shortened = shorten_names(table, console.width)
                    if fits(console, table, wrapping=True, shortened=shortened):
                        break
        if b.by == "month":  # five short figures: headers wrap, figures keep whole
            keep_figures_whole(table)
        console.print(table if fits(console, table, wrapping=True, shortened=shortened)
                      else records(table, 1))
        if b.by == "unit" and program.program in b.reported:
            reported, with_target = b.reported[program.program]
            console.print(Text(h["reported"].format(n=reported, m=with_target), style="dim"))
