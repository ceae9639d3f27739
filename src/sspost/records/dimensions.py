"""Participants counted by unit, province, month or staff member, for the breakdowns.

Every count is over each participant's earliest record (plus aggregate rows), so the counts of
one dimension always add up to the program totals.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sspost.records.counting import first_key, participant_sql, window_sql
from sspost.records.staging import PROGRAM_SLOTS

if TYPE_CHECKING:
    from sspost.records.store import RecordStore

ATTRIBUTES = {"unit": "unit", "province": "province", "staff": "staff"}
# How a dimension's key reads the grouped `key`: the code of a stored unit or province (rolled
# up on the 34 provinces), or the day (days since 1970) as a month or a date.
_KEYS = {
    "unit": "(SELECT code FROM units WHERE idx = key)",
    "province": "(SELECT new_code FROM provinces WHERE idx = key)",
    "staff": "(SELECT code FROM staff_codes WHERE idx = key)",
    "month": "strftime(DATE '1970-01-01' + key::INTEGER, '%Y-%m')",
    "day": "strftime(DATE '1970-01-01' + key::INTEGER, '%Y-%m-%d')",
}


# Aggregate rows keep the staff id as text: its code, to group with the participants' codes.
_ROW_CODES = {"staff": "(SELECT idx FROM staff_codes WHERE code = staff)"}


def counts_by(store: RecordStore, dimension: str) -> dict[tuple[str, str | None], int]:
    """(program code, key) -> participants, for one dimension.

    unit, province and staff need `store.count(..., attribute=dimension)` to have kept it.
    """
    attribute = ATTRIBUTES.get(dimension)
    # Participants are summed per stored key first, so the key is read for a few rows only.
    first_key, row_key = ("attribute", _ROW_CODES.get(attribute, attribute)) if attribute else (
        "day", "(d - DATE '1970-01-01')::BIGINT")
    rows = store.con.execute(f"""
        SELECT program, {_KEYS[dimension]} AS k, sum(n) FROM (
            SELECT program, key, sum(n) AS n FROM (
                SELECT who % {PROGRAM_SLOTS} AS program, {first_key} AS key, 1 AS n FROM firsts
                UNION ALL
                SELECT program, {row_key}, n FROM aggregate_rows
            ) GROUP BY ALL
        ) GROUP BY ALL
    """).fetchall()
    return {(store.programs[int(program)], None if key is None else str(key)): int(n)
            for program, key, n in rows}


def units_with_records(store: RecordStore, as_of: dt.date) -> set[str]:
    """Units named by at least one accepted record in the window: they sent data."""
    if "unit" not in store.columns:
        return set()
    rows = store.con.execute(
        f"SELECT DISTINCT u.code FROM checked JOIN units u ON u.idx = checked.unit "
        f"WHERE reason IS NULL AND {window_sql(store, as_of)}"
    ).fetchall()
    return {str(r[0]) for r in rows}


def campaign_staff_counts(store: RecordStore, days: set[dt.date], as_of: dt.date,
                          ) -> dict[tuple[str, dt.date], dict[str | None, int]]:
    """(program, day) -> participants signed up that day per staff member, for every campaign
    day in one pass: a participant counts on the day of their earliest record, for the staff
    member of the record the tie rule picks (SPEC section 4)."""
    if not days:
        return {}
    # Only the rows of campaign days are ordered by the whole rule (their unit, province,
    # staff and time are kept for this); the participants whose earliest day is one of them
    # are few, and their rows that day fewer.
    listed = ", ".join(f"DATE '{day}'" for day in sorted(days))
    key = first_key(store, as_of, tie=True, rows_of=f"d IN ({listed})")
    who, join = participant_sql(store)
    epoch_days = ", ".join(str((day - dt.date(1970, 1, 1)).days) for day in sorted(days))
    aggregate = ", ".join(map(str, store.aggregate_files())) or "-1"
    rows = store.con.execute(f"""
        WITH day_rows AS MATERIALIZED (
            SELECT {who} AS who, c.program, c.d, {store.column("staff", "c")} AS staff,
                   {key.sql} AS k
            FROM checked c {join}
            WHERE c.reason IS NULL AND c.d IN ({listed}) AND c.file_idx NOT IN ({aggregate})
        ), chosen AS (
            SELECT who, min(k) AS k FROM day_rows
            WHERE who IN (SELECT who FROM firsts WHERE day IN ({epoch_days}))
            GROUP BY who
        )
        SELECT program, d, staff, sum(n) FROM (
            SELECT program, d, staff, 1 AS n FROM day_rows JOIN chosen USING (who, k)
            UNION ALL
            SELECT program, d, staff, n FROM aggregate_rows WHERE d IN ({listed})
        ) GROUP BY ALL
    """).fetchall()
    counts: dict[tuple[str, dt.date], dict[str | None, int]] = {}
    for program, day, staff, n in rows:
        per_staff = counts.setdefault((store.programs[int(program)], day), {})
        per_staff[None if staff is None else str(staff)] = int(n)
    return counts
