"""Dates (SPEC section 4): strict ISO always, a named format, or the one form a file's dates fit.

ISO `yyyy-mm-dd`, optionally with a time of day (`2025-03-01 10:15`, `2025-03-01T10:15:00`), is
always read and nothing looser: the engine's own cast would also take `2025/03/01`, `2025-3-1`,
`02025-03-01`, `infinity` and `epoch`. When no format is named and most of a file's dates are
not ISO, the common day-first and month-first forms are tried on the whole column: exactly one
must read every non-ISO date, or the run stops and asks for `--date-format`.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from typing import TYPE_CHECKING

from sspost.problems import UsageError, interrupted
from sspost.records.sql import csv_scan, lit

if TYPE_CHECKING:
    import duckdb

    from sspost.records.layout import Layout

ISO_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
ISO_DATE_TIME = ISO_DATE + "[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?"
_ISO = re.compile(ISO_DATE + r"(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?")
_DAY_FIRST = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
_MONTH_FIRST = ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y")
_TIMES = ("", " %H:%M", " %H:%M:%S")
CANDIDATES = tuple(d + t for d in _DAY_FIRST + _MONTH_FIRST for t in _TIMES)
_SAMPLE_ROWS = 2000
# A column has a date form of its own when more than this share of its date-like values are
# not ISO: an export is written in one form by the system that made it, so the form most of
# its dates take is its form, and the rest are slips (see detect).
MOSTLY = 0.5
# A value written like a date in some other form; anything else is a bad row, not a clue.
DATE_LIKE = r"[0-9]{1,4}[/.-][0-9]{1,2}[/.-][0-9]{1,4}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?"
_DATE_LIKE = re.compile(DATE_LIKE)


def date_sql(text: str, date_format: str | None) -> str:
    """SQL: the DATE the field `text` holds, or NULL when it is not a date we accept.

    Surrounding blanks are allowed; they are trimmed only off the rows that need it (trimming
    every row costs 0.3 s on 20M rows).
    """
    trimmed = f"trim({text})"
    # The common case, yyyy-mm-dd, by length, first dash and ends (measured on 20M rows, a
    # regular expression or LIKE costs 0.4 s more, the ends 0.2 s): ten characters with the
    # first dash fifth and no blank or control at either end (all sort before '/') leave the
    # cast only yyyy-mm-dd to accept (not 2025/03/01, 2025 03 01, -025-03-01, a year BC, nor
    # `2025-3-1  `: the cast skips surrounding blanks). The rest pay for the full pattern.
    iso = (f"CASE WHEN strlen({text}) = 10 AND strpos({text}, '-') = 5 AND {text} > '/' "
           f"AND {text}[10] > '/' THEN try_cast({text} AS DATE) "
           f"WHEN regexp_full_match({trimmed}, '{ISO_DATE}') THEN try_cast({trimmed} AS DATE) "
           f"WHEN regexp_full_match({trimmed}, '{ISO_DATE_TIME}') "
           f"THEN try_cast(replace({trimmed}, 'T', ' ') AS TIMESTAMP)::DATE END")
    if not date_format:
        return iso
    # The engine's strptime reads `infinity`, `-infinity` and `epoch` in any format.
    words = f"regexp_full_match(lower({trimmed}), '[+-]?(inf(inity)?|epoch)')"
    named = f"CASE WHEN NOT {words} THEN try_strptime({trimmed}, {lit(date_format)})::DATE END"
    return f"coalesce({iso}, {named})"


def seconds_sql(text: str, date_format: str | None) -> str:
    """SQL: the time of day the field `text` gives, in seconds after midnight; NULL when it
    gives none (a plain date, the start of its day for the tie rule of SPEC section 4)."""
    trimmed = f"trim({text})"
    stamp = (f"CASE WHEN regexp_full_match({trimmed}, '{ISO_DATE_TIME}') "
             f"THEN try_cast(replace({trimmed}, 'T', ' ') AS TIMESTAMP)"
             + (f" ELSE try_strptime({trimmed}, {lit(date_format)})" if date_format else "")
             + " END")
    # Ten characters or fewer are a date alone: those rows (nearly all) parse nothing here.
    return (f"CASE WHEN strlen({text}) > 10 THEN "
            f"(epoch({stamp}) - epoch(date_trunc('day', {stamp})))::INTEGER END")


def needs_detection(text_path: str, layout: Layout) -> bool:
    """Whether the first rows hold a date that is not ISO (a sample: detection reads it all)."""
    column = layout.positions.get("date")
    if column is None:
        return False
    with open(text_path, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=layout.delimiter)
        first = layout.lines_before_header + 1
        for row in itertools.islice(reader, first, first + _SAMPLE_ROWS):
            value = row[column].strip() if column < len(row) else ""
            if value and not _ISO.fullmatch(value) and _DATE_LIKE.fullmatch(value):
                return True
    return False


def detect(con: duckdb.DuckDBPyConnection, path: str, text_path: str,
           layout: Layout) -> str | None:
    """The one candidate format that reads every non-ISO date of the file's date column.

    Only a column whose dates are mostly not ISO has a format of its own: more than half of
    the values written like dates (MOSTLY). In a column that is mostly ISO, the few loose
    values (`2025/03/01`, `3/1/2025`) are typing slips, bad rows at their lines, not a clue
    to the file's form (SPEC section 4: ISO always, nothing looser). Of a mostly non-ISO
    column, dates no candidate reads (31/02/2025, or text) are left to be bad rows; of the
    others, one form must read them all.
    """
    column = layout.positions["date"]
    scan = csv_scan(text_path, layout, None, skip=layout.lines_before_header)
    t = "t"
    loose = f"regexp_full_match({t}, {lit(DATE_LIKE)}) AND {date_sql(t, None)} IS NULL"
    reads = [f"try_strptime({t}, {lit(f)}) IS NOT NULL" for f in CANDIDATES]
    counts = ", ".join(f"count(*) FILTER (WHERE {loose} AND {r})" for r in reads)
    import duckdb

    try:
        row = con.execute(
            f"SELECT count(*) FILTER (WHERE {date_sql(t, None)} IS NOT NULL), "
            f"count(*) FILTER (WHERE {loose}), "
            f"count(*) FILTER (WHERE {loose} AND ({' OR '.join(reads)})), "
            f"any_value({t}) FILTER (WHERE {loose}), "
            f"{counts} FROM (SELECT trim(c{column}) AS {t} FROM {scan})"
        ).fetchone()
    except duckdb.Error as exc:  # a file the engine cannot parse as it is (mixed line endings,
        if interrupted(exc):  # a quote that never closes): the same counts, read in Python
            raise
        row = _counts_in_python(text_path, layout)
    assert row is not None
    if not int(row[0]) + int(row[1]):  # the engine's scan skipped every row it could not read
        row = _counts_in_python(text_path, layout)
    iso, other, readable, example = int(row[0]), int(row[1]), int(row[2]), str(row[3])
    if other <= MOSTLY * (iso + other):  # an ISO file with some slips: those are bad rows
        return None
    fits = [f for f, n in zip(CANDIDATES, row[4:], strict=True) if int(n) == readable]
    shown = example[:20]
    if not readable:  # no common form reads them: they are bad rows, not another form
        return None
    if len(fits) == 1:
        return fits[0]
    if not fits:
        raise UsageError.of("dates_mixed", path=path, example=repr(shown))
    raise UsageError.of("dates_ambiguous", path=path, first=fits[0], second=fits[1],
                        example=repr(shown))


def _is_iso(value: str) -> bool:
    if not _ISO.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _reads(value: str, form: str) -> bool:
    try:
        dt.datetime.strptime(value, form)
    except ValueError:
        return False
    return True


def _counts_in_python(text_path: str, layout: Layout) -> tuple[int | str, ...]:
    """`detect`'s counts, for a file the engine's scan cannot read as it is."""
    column = layout.positions["date"]
    iso = other = readable = 0
    example = ""
    per_form = [0] * len(CANDIDATES)
    with open(text_path, encoding="utf-8", errors="replace", newline="") as handle:
        rows = itertools.islice(csv.reader(handle, delimiter=layout.delimiter),
                                layout.lines_before_header + 1, None)
        for row in rows:
            value = row[column].strip() if column < len(row) else ""
            if _is_iso(value):
                iso += 1
            elif _DATE_LIKE.fullmatch(value):
                other += 1
                example = example or value
                fits = [_reads(value, form) for form in CANDIDATES]
                readable += any(fits)
                per_form = [n + fit for n, fit in zip(per_form, fits, strict=True)]
    return (iso, other, readable, example, *per_form)
