"""A workbook people read as a report: a title and the as-of date above each table, headers
in the chosen language, numbers, ratios and dates as typed cells with the language's formats,
people as whole people, statuses in words on their colour, a filter on the header, columns
that hold nothing left out, and A4 landscape printing one page wide with the header repeated.

Renderers describe their tables as `Sheet`s of `Column`s; this module only lays them out.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sspost.render.words import STATUS_COLOURS, Words
from sspost.shown import clean_all

# What a column holds decides its cell: whole people, a rate (a decimal under ten a day),
# a ratio (a percentage), a date, a status (a word on its colour), a count, a multiple
# (`1.4×`), or text (codes keep their zeros).
KINDS = ("people", "rate", "ratio", "date", "status", "count", "multiple", "text")
_TITLE_ROWS = 3  # the title, the as-of line, a blank row; then the header
_MAX_WIDTH = 40
_FORMATS: dict[str, dict[str, Any]] = {
    "people": {"num_format": "#,##0"}, "count": {"num_format": "#,##0"},
    "rate": {"num_format": "#,##0.0"}, "ratio": {"num_format": "0.0%"},
    "multiple": {"num_format": '0.0"×"'},
}
_DATE_FORMAT = {"en": "yyyy-mm-dd", "vi": "dd/mm/yyyy"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    subtitle: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]]
    notes: Sequence[str] = ()
    # The level of each row in a tree (0 at the top, a unit under its parent 1, ...), shown
    # as an indent of the `indented` column; empty when the rows are flat.
    depths: Sequence[int] = field(default_factory=tuple)
    indented: str | None = None


def render(sheets: Sequence[Sheet], *, title: str, as_of: dt.date, lang: str) -> bytes:
    """The workbook's bytes, made in memory (only the CLI writes). The workbook's own dates
    are the as-of date, so identical inputs give identical bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False, "in_memory": True})
    book.set_properties({"created": dt.datetime.combine(as_of, dt.time()),
                         "title": clean_all(title)})
    formats = {kind: book.add_format(spec) for kind, spec in _FORMATS.items()}
    formats["date"] = book.add_format({"num_format": _DATE_FORMAT.get(lang, "yyyy-mm-dd")})
    formats["title"] = book.add_format({"bold": True, "font_size": 14})
    formats["subtitle"] = book.add_format({"italic": True, "font_color": "#444444"})
    formats["header"] = book.add_format({"bold": True, "bottom": 1, "text_wrap": True,
                                         "valign": "bottom", "bg_color": "#eeeeee"})
    formats["note"] = book.add_format({"bold": True})
    for status, colour in STATUS_COLOURS.items():
        formats["status:" + status] = book.add_format({"bg_color": colour,
                                                       "font_color": "#ffffff", "bold": True})
    indents = {depth: book.add_format({"indent": depth}) for depth in range(1, 8)}
    words = Words(lang)
    for spec in sheets:
        _write_sheet(book, spec, formats, indents, words)
    book.close()
    return buffer.getvalue()


def _write_sheet(book: Any, spec: Sheet, formats: dict[str, Any], indents: dict[int, Any],
                 words: Words) -> None:
    kept = [i for i, column in enumerate(spec.columns)
            if any(i < len(row) and row[i] is not None for row in spec.rows)] \
        or list(range(len(spec.columns)))
    columns = [spec.columns[i] for i in kept]
    sheet = book.add_worksheet(clean_all(spec.name)[:31])
    sheet.write_string(0, 0, clean_all(spec.title), formats["title"])
    sheet.write_string(1, 0, clean_all(spec.subtitle), formats["subtitle"])
    header_row = _TITLE_ROWS
    sheet.set_row(header_row, 30)  # two lines of a wrapped header
    widths = [min(len(column.label), 16) for column in columns]
    for col, column in enumerate(columns):
        sheet.write_string(header_row, col, clean_all(column.label), formats["header"])
    indented = next((c for c, column in enumerate(columns) if column.key == spec.indented),
                    None)
    for r, row in enumerate(spec.rows, start=header_row + 1):
        depth = spec.depths[r - header_row - 1] if spec.depths else 0
        for col, i in enumerate(kept):
            value = row[i] if i < len(row) else None
            indent = indents.get(min(depth, 7)) if col == indented and depth else None
            shown = _cell(sheet, r, col, columns[col], value, formats, indent, words)
            widths[col] = max(widths[col], len(shown) + depth)
    last = header_row + len(spec.rows)
    sheet.autofilter(header_row, 0, max(last, header_row), len(columns) - 1)
    sheet.freeze_panes(header_row + 1, 0)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(_MAX_WIDTH, width + 2))
    for r, note in enumerate(spec.notes, start=last + 2):
        sheet.write_string(r, 0, clean_all("⚠ " + note), formats["note"])
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as it takes
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.set_footer("&L&A&R&P / &N")


def _cell(sheet: Any, row: int, col: int, column: Column, value: object,
          formats: dict[str, Any], indent: Any, words: Words) -> str:
    """Write one cell; returns its text as shown (for the column's width)."""
    if value is None:
        return ""
    kind = column.kind
    if kind == "status" and isinstance(value, str):
        word = words.status(value)
        sheet.write_string(row, col, word, formats.get("status:" + value))
        return word
    if kind == "date":
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        sheet.write_datetime(row, col, dt.datetime.combine(day, dt.time()), formats["date"])
        return "dd/mm/yyyy"
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
        return "FALSE"
    if isinstance(value, int | float):
        if kind == "rate" and abs(value) >= 10:  # a decimal only under ten a day
            kind = "people"
        if kind == "people":
            value = round(value)
        number_format = formats.get(kind, formats["count"])
        sheet.write_number(row, col, value, number_format)
        return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    text = clean_all(str(value))  # text from data shown as written, no controls, no ids
    sheet.write_string(row, col, text, indent)
    return text
