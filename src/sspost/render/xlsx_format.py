"""Progress as an Excel workbook: numbers as numbers, ratios as percentages by cell format,
codes as text (a code like `01` keeps its zero), a frozen header row, sheet names in the
chosen language. Written with XlsxWriter; the same rows as the CSV output."""

from __future__ import annotations

import datetime as dt
import io

from sspost.catalogue import section
from sspost.progress import ProgressResult
from sspost.render.csv_format import breakdown_table, program_table
from sspost.shown import clean_all

RATIOS = {"attainment", "elapsed", "pace", "share", "vs_baseline", "vs_last_year"}
SHEETS = section("sheet")


def render(result: ProgressResult, lang: str) -> bytes:
    """The workbook's bytes: made in memory, so that only the CLI writes (a full disk or a
    device is its one error, never the zip writer's)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False, "in_memory": True})
    # The workbook's own dates are the as-of date, so identical inputs give identical bytes.
    stamp = dt.datetime.combine(result.as_of, dt.time())
    book.set_properties({"created": stamp, "title": f"{result.targets} {result.as_of}"})
    formats = {"percent": book.add_format({"num_format": "0.00%"}),
               "number": book.add_format({"num_format": "#,##0"}),
               "decimal": book.add_format({"num_format": "#,##0.00"}),
               "header": book.add_format({"bold": True, "bottom": 1})}
    tables = [(SHEETS[lang]["programs"], *program_table(result))]
    if result.breakdown is not None:
        tables.append((SHEETS[lang][result.breakdown.by], *breakdown_table(result)))
    for name, header, rows in tables:
        sheet = book.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for col, title in enumerate(header):
            sheet.write_string(0, col, title, formats["header"])
            sheet.set_column(col, col, max(10, len(title) + 2))
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                _cell(sheet, r, col, header[col], value, formats)
        for r, warning in enumerate(result.beside_figures, start=len(rows) + 2):
            sheet.write_string(r, 0, clean_all("⚠ " + warning.text(lang)))
    book.close()
    return buffer.getvalue()


def _cell(sheet: object, row: int, col: int, name: str, value: object,
          formats: dict[str, object]) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)  # type: ignore[attr-defined]
    elif isinstance(value, int | float):
        kind = ("percent" if name in RATIOS
                else "number" if isinstance(value, int) or float(value).is_integer()
                else "decimal")
        sheet.write_number(row, col, value, formats[kind])  # type: ignore[attr-defined]
    else:  # a workbook is read by people: text from data shown as written, no controls
        sheet.write_string(row, col, clean_all(str(value)))  # type: ignore[attr-defined]
