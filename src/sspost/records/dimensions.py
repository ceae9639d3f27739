"""Participants counted by unit, province, month or staff member, for the breakdowns.

Every count is over each participant's earliest record (plus aggregate rows), so the counts of
one dimension always add up to the program totals.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sspost.records.counting import window_sql
from sspost.records.staging import DAY, ORDER_KEY, PROGRAM_SLOTS

if TYPE_CHECKING:
    from sspost.records.store import RecordStore

ATTRIBUTES = {"unit": "unit", "province": "province", "staff": "staff"}
# The earliest record's date, from the order key kept for each participant.
_FIRST_DAY = f"(DATE '1970-01-01' + (first // {DAY})::INTEGER)"
_KEYS = {
    "unit": "key",
    "province": "(SELECT new_code FROM provinces WHERE code = key)",  # rolled up on the 34
    "staff": "key",
    "month": "strftime(day, '%Y-%m')",
    "day": "strftime(day, '%Y-%m-%d')",
}


def counts_by(store: RecordStore, dimension: str) -> dict[tuple[str, str | None], int]:
    """(program code, key) -> participants, for one dimension.

    unit, province and staff need `store.count(..., attribute=dimension)` to have kept it.
    """
    attribute = ATTRIBUTES.get(dimension)
    rows = store.con.execute(f"""
        SELECT program, {_KEYS[dimension]} AS k, sum(n) FROM (
            SELECT who % {PROGRAM_SLOTS} AS program, attribute AS key, {_FIRST_DAY} AS day,
                   1 AS n FROM firsts
            UNION ALL
            SELECT program, {attribute or 'NULL'}, d, n FROM aggregate_rows
        ) GROUP BY ALL
    """).fetchall()
    return {(store.programs[int(program)], None if key is None else str(key)): int(n)
            for program, key, n in rows}


def units_with_records(store: RecordStore, as_of: dt.date) -> set[str]:
    """Units named by at least one accepted record in the window: they sent data."""
    rows = store.con.execute(
        f"SELECT DISTINCT unit FROM checked WHERE reason IS NULL AND unit IS NOT NULL "
        f"AND {window_sql(store, as_of)}"
    ).fetchall()
    return {str(r[0]) for r in rows}


def staff_counts_on(store: RecordStore, program: str, day: dt.date) -> dict[str | None, int]:
    """Participants signed up on `day` per staff member (first records on that day)."""
    index = store.programs.index(program)
    # Only the participants whose earliest record falls on `day`: their order keys lie in one
    # range, so the join back to the rows stays small.
    low = (day - dt.date(1970, 1, 1)).days * DAY
    rows = store.con.execute(f"""
        SELECT staff, sum(n) FROM (
            SELECT c.staff, 1 AS n FROM checked c
            JOIN (SELECT first FROM firsts WHERE first >= {low} AND first < {low + DAY}
                  AND who % {PROGRAM_SLOTS} = {index}) f
              ON f.first = {ORDER_KEY.replace('rowid', 'c.rowid')}
            WHERE c.d = DATE '{day}' AND c.program = {index}
            UNION ALL
            SELECT staff, n FROM aggregate_rows WHERE program = {index} AND d = DATE '{day}'
        ) GROUP BY staff
    """).fetchall()
    return {None if staff is None else str(staff): int(n) for staff, n in rows}
