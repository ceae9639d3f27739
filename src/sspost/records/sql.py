"""Values in the engine's SQL, quoted in one place, and the engine's scan of a CSV file.

Every text or date that goes into a statement goes through `lit` or `day`: codes, paths and
formats come from users' files, and a quote in one of them must stay part of its value.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sspost.records.layout import Layout


def lit(value: str) -> str:
    """A SQL text literal holding exactly `value`."""
    return "'" + value.replace("'", "''") + "'"


def day(value: dt.date) -> str:
    """A SQL DATE literal."""
    return f"DATE '{value.isoformat()}'"


def at_row(values: list[int], row: str, otherwise: int | None = None) -> str:
    """SQL: `values[row]` (0-based) from a list literal; where `row` is NULL or past its end,
    `otherwise` (NULL when None). A code's place looked up by its row without a join: on 20M
    rows a scalar subquery on a 97-row table took 2.2-3.1 s more (benchmarks/README.md)."""
    listed = "[" + ", ".join(str(int(v)) for v in values) + "]"
    found = f"{listed}[{row} + 1]"
    return found if otherwise is None else f"coalesce({found}, {int(otherwise)})"


def csv_scan(read_path: str, layout: Layout, rejects_table: str | None, skip: int = 0) -> str:
    """The engine's scan of one UTF-8 file: every field as text, bad lines to `rejects_table`
    (None: skipped, for a look at a column before the real read), `skip` lines before the
    header (a `sep=` line or a sheet's title rows, when the file is read as it is)."""
    types = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(layout.field_count)) + "}"
    bad_lines = ("ignore_errors=true" if rejects_table is None else
                 f"store_rejects=true, rejects_table='{rejects_table}', "
                 f"rejects_scan='{rejects_table}_scan'")
    return (f"read_csv({lit(read_path)}, columns={types}, header=true, auto_detect=false, "
            f"delim={lit(layout.delimiter)}, quote='\"', escape='\"', "
            f"skip={skip}, {bad_lines})")
