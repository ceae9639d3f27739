"""Charts for the report, drawn by matplotlib as inline SVG (text kept as text).

Deterministic: a fixed hash salt and no date in the metadata, so a rerun is byte-identical.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import matplotlib

matplotlib.use("Agg")  # never a window: reports are made in cron jobs and CI

from matplotlib import dates as mdates
from matplotlib import pyplot as plt
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from sspost.breakdowns import BreakdownRow
from sspost.catalogue import section
from sspost.render.words import Words
from sspost.report import ProgramSeries
from sspost.shown import for_chart

COLOURS = {"achieved": "#145a32", "expected": "#8a8a8a", "target": "#7b241c",
           "as_of": "#444444", "behind": "#c0392b", "at_risk": "#d68910",
           "on_track": "#1e8449", "none": "#1f5fa8"}
STYLE: Any = {"svg.fonttype": "none", "svg.hashsalt": "sspost", "font.family": "sans-serif",
              "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}

CHART_WORDS = section("chart")


def _svg(fig: Any) -> str:
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
    return text[text.index("<svg"):]  # inline: no XML declaration or DOCTYPE


def burnup(series: ProgramSeries, label: str, lang: str) -> str:
    w, cw = Words(lang), CHART_WORDS[lang]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 3.2))
        days = [mdates.date2num(day) for day in series.days]
        ax.plot(days, series.achieved, color=COLOURS["none"], linewidth=2,
                label=cw["achieved"])
        ax.plot(days, series.expected, color=COLOURS["expected"], linestyle="--",
                label=cw["expected"])
        ax.axhline(series.target, color=COLOURS["target"], linewidth=1, label=cw["target"])
        if series.days:
            as_of = series.days[-1]
            ax.axvline(mdates.date2num(as_of), color=COLOURS["as_of"], linestyle=":", linewidth=1,
                       label=cw["as_of"].format(date=w.date(as_of)))
        ax.set_title(cw["burnup"].format(label=for_chart(label)), loc="left")
        ax.set_xlabel(cw["day"])
        ax.set_ylabel(cw["participants"])
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: w.number(v)))
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y" if lang == "vi" else "%Y-%m"))
        fig.autofmt_xdate()
        ax.set_ylim(bottom=0)
        # Below the plot: inside it, the legend would cover the target line.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=4, frameon=False)
        return _svg(fig)


def bars(rows: list[BreakdownRow], by: str, label: str, lang: str) -> str:
    """Horizontal bars of achieved per row, with a marker at each row's target."""
    w, cw = Words(lang), CHART_WORDS[lang]
    shown = rows[:30]  # a page's worth; the tables carry every row
    names = [("  " * (r.depth - 1)) + for_chart(w.row_key(r.key)
                                                + (f" {r.name}" if r.name else ""))
             for r in shown]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.0, 0.35 * len(shown) + 1.0))
        positions = list(range(len(shown)))[::-1]
        colours = [COLOURS.get(r.measures.status if r.measures else "none", COLOURS["none"])
                   for r in shown]
        ax.barh(positions, [r.achieved for r in shown], color=colours)
        targets = [(p, r.target) for p, r in zip(positions, shown, strict=True)
                   if r.target is not None]
        handles: list[Any] = []
        if targets:
            handles.append(ax.scatter([t for _, t in targets], [p for p, _ in targets],
                                      marker="|", s=300, color=COLOURS["target"],
                                      label=cw["target"], zorder=3))
        statuses = sorted({r.measures.status for r in shown if r.measures})
        handles += [Patch(color=COLOURS[s], label=w.status(s)) for s in statuses]
        if any(r.measures is None for r in shown):
            handles.append(Patch(color=COLOURS["none"], label=cw["no_target"]))
        ax.set_yticks(positions, names)
        ax.set_title(f"{for_chart(label)}: " + cw["bars"].format(by=cw[by]), loc="left")
        ax.set_xlabel(cw["participants"])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: w.number(v)))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        return _svg(fig)
