"""Rich tables for a person at a terminal (plain text when there is no colour)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from sspost.progress import ProgressResult
from sspost.render.breakdown_table import print_breakdown, row_of
from sspost.render.fitting import drop_empty_columns, fits, records, stacked
from sspost.render.words import STATUS_STYLE, Words
from sspost.shown import clean_all

WIDTH = 150  # off a terminal: wide enough that no column is cut


def make_console(buffer: io.StringIO, color: bool, width: int | None) -> Console:
    """A console writing to `buffer`: colour on a terminal, else plain text wide enough."""
    return Console(file=buffer, width=width or (None if color else WIDTH),
                   color_system="standard" if color else None, no_color=not color,
                   highlight=False, force_terminal=color, legacy_windows=False, emoji=False)


def render(result: ProgressResult, lang: str = "en", color: bool = False,
           width: int | None = None) -> str:
    w = Words(lang)
    buffer = io.StringIO()
    console = make_console(buffer, color, width)
    elapsed = result.programs[0].measures.elapsed if result.programs else 0.0
    console.print(Text(clean_all(f"{result.targets}: {w.label('as_of')} {w.date(result.as_of)} "
                       f"({w.percent(elapsed)} {w.label('elapsed')})"), style="bold"))

    progress = Table(show_edge=True, header_style="bold")
    for key in ("program", "target", "achieved", "attainment", "expected", "pace", "status"):
        progress.add_column(w.label(key), justify="left" if key in ("program", "status")
                            else "right", no_wrap=True)
    closing = Table(title=w.label("closing"), title_justify="left", header_style="bold")
    with_last_year = any(p.last_year is not None for p in result.programs)
    with_due = any(p.due_to_renew is not None for p in result.programs)
    for key in ("program", "gap", "days_left", "required_per_day", "required_per_month",
                "projected", "share", "vs_baseline") + (("vs_last_year",) * with_last_year):
        closing.add_column(w.label(key), justify="left" if key == "program" else "right",
                           no_wrap=True)
    if with_due:
        closing.add_column(w.word("renewals.due_not_counted"), justify="right", no_wrap=True)
    notes = []

    for p in result.programs:
        m = p.measures
        label = p.label_in(lang)
        progress.add_row(*row_of(
            label, w.number(m.target), w.number(m.achieved), w.percent(m.attainment),
            w.number(m.expected), w.percent(m.pace),
            Text(w.status(m.status), style=STATUS_STYLE[m.status]),
        ))
        kinds = p.id_kinds
        notes.append(w.say("label.id_kinds", program=label,
                           codes=kinds["social_insurance_code"],
                           numbers=kinds["personal_number"]))
        if p.national_total is not None:
            total = p.national_total
            stale = f", {w.label('stale')}" if total.stale else ""
            notes.append(f"{label}: {w.label('national_total')} {w.number(total.participants)} "
                         f"({w.date(total.as_of)}{stale}; {total.source or '-'})")
        closing.add_row(*row_of(
            label, w.number(m.gap), w.number(m.days_left), w.rate(m.required_per_day),
            w.number(m.required_per_month), w.number(m.projected), w.percent(p.share, 2),
            w.percent(p.vs_baseline) + (f" ({p.baseline.period})" if p.baseline else ""),
            *([w.percent(p.vs_last_year) + (f" ({w.number(p.last_year.participants)})"
                                             if p.last_year else "")] * with_last_year),
            *([w.number(p.due_to_renew)] * with_due),
        ))
    drop_empty_columns(closing, blank=("", "-"))  # no national totals, no baseline: no column
    if fits(console, progress) and fits(console, closing):
        console.print(progress)
        console.print(closing)
    else:
        labels = [clean_all(p.label_in(lang)) for p in result.programs]
        console.print(stacked([progress, closing], labels))
    for warning in result.beside_figures:  # rows rejected: said beside what they change
        console.print(Text(clean_all("⚠ " + warning.text(lang)), style="bold"))
    for note in notes:
        console.print(Text(clean_all(note), style="dim"))
    if result.breakdown is not None:
        print_breakdown(console, result, result.breakdown, lang)
    if result.campaigns:
        campaigns = Table(title=w.label("campaign"), title_justify="left", header_style="bold")
        for key in ("campaign", "program", "per_staff", "staff_seen", "staff_met", "signed_up"):
            words = key in ("campaign", "program")  # words wrap; figures never do
            campaigns.add_column(w.label(key), justify="left" if words else "right",
                                 no_wrap=not words, overflow="fold")
        names = {p.program: p.label_in(lang) for p in result.programs}
        for c in result.campaigns:
            campaigns.add_row(*row_of(f"{c.name} ({w.date(c.date)})",
                                      names.get(c.program, c.program),
                                      w.number(c.per_staff), w.number(c.staff_seen),
                                      w.number(c.staff_met), w.number(c.signed_up)))
        console.print(campaigns if fits(console, campaigns) else records(campaigns, 2))
    text = buffer.getvalue()
    # Rich pads titles to the full width; trailing blanks are noise in files and diffs.
    return text if color else "\n".join(line.rstrip() for line in text.split("\n"))
