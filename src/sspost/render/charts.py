"""Charts for the report, drawn by matplotlib as inline SVG (text kept as text).

Deterministic: a fixed hash salt and no date in the metadata, so a rerun is byte-identical.
Each chart is made fit to sit inside an HTML page: its ids carry the chart's own prefix (two
charts never share one), matplotlib's RDF metadata is dropped, and the root is an image with a
title and a description that say what it shows (screen readers read those, not the drawing).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")  # never a window: reports are made in cron jobs and CI

from matplotlib import dates as mdates
from matplotlib import pyplot as plt
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from sspost.render.words import STATUS_COLOURS, Words
from sspost.report import Charted, ProgramSeries
from sspost.shown import for_chart

COLOURS = {**STATUS_COLOURS, "expected": "#6b6b6b", "target": "#7b241c", "as_of": "#444444",
           "none": "#1f5fa8", "last_year": "#7d3c98"}
# One font family with the page: the page names the same one and the SVG text inherits it.
FONT = "DejaVu Sans"
STYLE: Any = {"svg.fonttype": "none", "svg.hashsalt": "sspost", "font.family": FONT,
              "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}

_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')


def _svg(fig: Any, chart_id: str, title: str, description: str) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # A name in a script the font lacks still reads in the page's own tables; the chart
        # shows a box for it rather than stopping the report.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font",
                                category=UserWarning)
        warnings.filterwarnings("ignore", message="Matplotlib currently does not support",
                                category=UserWarning)
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None},
                    bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    text = _METADATA.sub("", text[text.index("<svg"):])  # inline: no XML declaration either
    text = _ID.sub(lambda m: f'id="{chart_id}-{m.group(1)}"', text)
    text = _REF.sub(lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}", text)
    opening = text.index(">") + 1
    return (text[:opening - 1]
            + f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
            + f'<title id="{chart_id}-title">{escape(title)}</title>'
            + f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
            + text[opening:])


def burnup(series: ProgramSeries, label: str, lang: str, chart_id: str) -> str:
    """Cumulative participants to the as-of date, over the expected path and the target for
    the whole period, so the distance still to go shows."""
    w = Words(lang)
    title = w.say("chart.burnup", label=label)
    done = len(series.achieved)
    description = w.say(
        "chart.burnup_desc", start=series.days[0], end=series.days[-1],
        achieved=series.achieved[-1] if done else 0, as_of=series.as_of,
        expected=round(series.expected[done - 1]) if done else 0, target=series.target)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 2.1))
        days = [mdates.date2num(day) for day in series.days]
        ax.plot(days, series.expected, color=COLOURS["expected"], linestyle="--",
                label=w.word("chart.expected"))
        ax.plot(days[:done], series.achieved, color=COLOURS["none"], linewidth=2,
                label=w.word("chart.achieved"))
        if len(series.projection) > 1:  # where the period ends at the pace so far
            ax.plot(days[done - 1:], series.projection, color=COLOURS["none"], linewidth=1.2,
                    linestyle=(0, (1, 1.5)), label=w.word("chart.projection"))
            end = series.projection[-1]
            short = series.projected_shortfall
            if short >= 1:  # the shortfall at the end, as a bracket up to the target
                ax.plot([days[-1], days[-1]], [end, series.target], color=COLOURS["target"],
                        linewidth=2.5, solid_capstyle="butt")
                ax.annotate(for_chart(w.say("chart.short", n=w.number(round(short)))),
                            xy=(days[-1], end), xytext=(-4, -4), textcoords="offset points",
                            ha="right", va="top", color=COLOURS["target"], fontsize=8)
        ax.axhline(series.target, color=COLOURS["target"], linewidth=1,
                   label=w.word("chart.target"))
        if series.last_year is not None:
            ax.plot(days, series.last_year, color=COLOURS["last_year"], linewidth=1.2,
                    linestyle="-.", label=w.word("chart.last_year"))
        ax.axvline(mdates.date2num(series.as_of), color=COLOURS["as_of"], linestyle=":",
                   linewidth=1, label=w.say("chart.as_of", date=series.as_of))
        ax.set_xlim(days[0], days[-1])
        ax.set_title(for_chart(title), loc="left")
        ax.set_ylabel(w.word("chart.participants"))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: w.number(v)))
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        # Months short and level (a slanted date takes a third of a short chart's height);
        # the year on the first month and on each January.
        first = series.days[0].replace(day=1)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _month(
            mdates.num2date(v).date(), first, lang)))
        last = [v for v in series.last_year or [] if v == v]  # NaN: not published
        ax.set_ylim(bottom=0, top=max(series.target, max(series.achieved, default=0),
                                      max(last, default=0)) * 1.08 or 1)
        # Beside the plot: inside it, the legend would cover the lines; below it, the chart
        # would be twice as tall.
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.02), frameon=False, fontsize=8)
        return _svg(fig, chart_id, title, description)


def _month(day: dt.date, first: dt.date, lang: str) -> str:
    with_year = day.month == 1 or day <= first
    if lang == "vi":
        return f"T{day.month}" + (f"\n{day.year}" if with_year else "")
    return day.strftime("%b") + (f"\n{day.year}" if with_year else "")


def bars(charted: Charted, by: str, label: str, lang: str, chart_id: str) -> str:
    """One bar per row, coloured by status. Rows with targets are drawn as attainment, so a
    province and its districts compare on one scale, with the target (100%) and where the plan
    expects them by now; rows without targets are drawn as participants."""
    w = Words(lang)
    with_targets = [r for r in charted.rows if r.measures and r.measures.attainment is not None]
    shown = with_targets or charted.rows
    by_word = w.word("chart." + by)
    title = f"{label}: " + w.say("chart.bars_attainment" if with_targets else "chart.bars",
                                 by=by_word)
    description = w.say("chart.bars_desc", by=by_word, n=len(shown))
    names = [for_chart(w.row_key(r.key) + (f" {r.name}" if r.name else "")) for r in shown]
    values = [r.measures.attainment or 0.0 if r.measures else float(r.achieved) for r in shown]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 0.28 * len(shown) + 1.1))
        positions = list(range(len(shown)))[::-1]
        colours = [COLOURS.get(r.measures.status if r.measures else "none", COLOURS["none"])
                   for r in shown]
        drawn = ax.barh(positions, values, color=colours)
        # Each bar says its value: colour alone is not read by everyone.
        ax.bar_label(drawn, labels=[w.percent(v, 0) if with_targets else w.number(v)
                                    for v in values], padding=2, fontsize=7)
        if charted.bottom:  # a rule between the best and the worst: rows are left out there
            ax.axhline(positions[charted.top - 1] - 0.5, color=COLOURS["as_of"],
                       linestyle=":", linewidth=1)
        handles: list[Any] = []
        if with_targets:
            measures = [r.measures for r in shown if r.measures]
            handles.append(ax.axvline(1.0, color=COLOURS["target"], linewidth=1,
                                      label=w.word("chart.target")))
            handles.append(ax.axvline(measures[0].elapsed, color=COLOURS["expected"],
                                      linestyle="--", linewidth=1,
                                      label=w.word("chart.expected")))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: w.percent(v, 0)))
            ax.set_xlabel(w.word("label.attainment"))
            ax.set_xlim(0, max(1.05, max(values) * 1.12))  # room for the last bar's label
        else:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: w.number(v)))
            ax.set_xlabel(w.word("chart.participants"))
            ax.set_xlim(0, max(values, default=0) * 1.12 or 1)
        # The legend from the worst status to the best, as a reader looks for trouble first.
        present = {r.measures.status for r in shown if r.measures}
        statuses = [s for s in ("behind", "at_risk", "on_track", "achieved") if s in present]
        handles += [Patch(color=COLOURS[s], label=w.status(s)) for s in statuses]
        if not with_targets:
            handles.append(Patch(color=COLOURS["none"], label=w.word("chart.no_target")))
        ax.set_yticks(positions, names)
        ax.set_ylim(-0.7, len(shown) - 0.3)
        ax.set_title(for_chart(title), loc="left")
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        return _svg(fig, chart_id, title, description)
