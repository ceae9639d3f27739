"""Tables that fit the terminal: below the width a wide table needs, a layout that keeps every
figure whole (never an ellipsis in a number), whatever the language's words and separators."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

_WORDS_MIN = 12  # a column of words keeps this many cells before it wraps


def fits(console: Console, table: Table, *, wrapping: bool = False,
         shortened: bool = False) -> bool:
    """Whether `table` shows whole at the console's width: every figure whole and no line cut.

    Without `wrapping`, at its natural width (nothing wraps); with it, once its columns of
    words have wrapped. Tried by drawing it: Rich's own measure does not tell when a table will
    end up cut at the right edge."""
    if not wrapping:
        unlimited = console.options.update(width=10**5, max_width=10**5)
        return Measurement.get(console, unlimited, table).maximum <= console.width
    probe = Console(file=io.StringIO(), width=console.width, color_system=None,
                    legacy_windows=False, emoji=False, highlight=False)
    probe.print(table, crop=False)
    drawn = probe.file.getvalue().splitlines()  # type: ignore[attr-defined]
    # `shortened`: names may end in an ellipsis (figures fold, never end in one).
    return all(cell_len(line) <= console.width and (shortened or "…" not in line)
               for line in drawn)


def drop_empty_columns(table: Table, blank: tuple[str, ...] = ("",)) -> None:
    """Columns with nothing in any row (a unit's "no data" mark when every unit reported; with
    `blank` ("", "-"), a national share where the plan gives no national totals)."""
    for index in reversed(range(1, len(table.columns))):  # the first names the rows
        column = table.columns[index]
        if all((c.plain if isinstance(c, Text) else str(c)).strip() in blank
               for c in column.cells):
            table.columns.pop(index)


_NAME_SHORTEST = 8  # cells a shortened name keeps, or the table is not worth keeping


def shorten_names(table: Table, width: int) -> bool:
    """The first column's names end in an ellipsis where the figures (each as wide as its
    widest cell) leave them too little of `width`, rather than wrapping: one line a row, and a
    figure never shortened. False when the names would keep fewer than a few cells."""
    frame = 3 * len(table.columns) + 1  # a border and a blank either side of every cell
    # Each figure column as wide as its widest cell or its header, whichever is wider.
    others = sum(max(column.min_width or 0, cell_len(str(column.header)))
                 for column in table.columns[1:])
    room = width - frame - others
    if room < _NAME_SHORTEST:
        return False
    column = table.columns[0]
    column.no_wrap, column.overflow = True, "ellipsis"
    column.min_width, column.max_width = min(column.min_width or room, room), room
    return True


def keep_figures_whole(table: Table, words: int = 1) -> Table:
    """Let headers and words wrap, never figures: each figure column is at least as wide as
    its widest cell, and anything too long folds rather than ending in an ellipsis.

    The first `words` columns hold words (names, labels), which wrap at spaces."""
    for index, column in enumerate(table.columns):
        column.no_wrap = False
        column.overflow = "fold"
        widths = [cell_len(c) if isinstance(c, str) else
                  c.cell_len if isinstance(c, Text) else 0 for c in column.cells]
        if index >= words:
            column.min_width = max(widths, default=0)
        else:
            column.min_width = min(max(widths, default=0), _WORDS_MIN)
    return table


def records(table: Table, words: int) -> Table:
    """Each row of `table` as a block of (measure, value) lines, titled by its words: fits any
    width a person would use."""
    out = Table(title=table.title, title_justify="left", show_header=False)
    out.add_column("")
    out.add_column("", justify="right")
    rows = list(zip(*(column.cells for column in table.columns), strict=True))
    for row in rows:
        title = " · ".join(str(cell) for cell in row[:words])
        out.add_row(Text(title, style="bold"), "", end_section=False)
        for column, cell in zip(table.columns[words:], row[words:], strict=True):
            value = cell if isinstance(cell, Text) else Text(str(cell))  # never markup
            out.add_row(Text("  " + str(column.header)), value)
        out.rows[-1].end_section = True
    return keep_figures_whole(out)


def stacked(tables: list[Table], labels: list[str], title: str | None = None) -> Table:
    """The rows of `tables` turned: one row per measure, one column per program.

    Below the width the wide tables need, this keeps every figure whole: a table is as wide as
    its programs, not its measures (two programs fit in 60 columns).
    """
    stacked = Table(title=title, title_justify="left", header_style="bold")
    stacked.add_column("")
    for label in labels:
        stacked.add_column(Text(label), justify="right")
    for table in tables:
        for column in table.columns[1:]:
            cells = [cell if isinstance(cell, Text) else Text(str(cell))
                     for cell in column.cells]
            stacked.add_row(Text(str(column.header)), *cells)
    return keep_figures_whole(stacked)


