"""Participants counted by unit, province, month or staff member, for the breakdowns.

Every count is over each participant's earliest record (plus aggregate rows), so the counts of
one dimension always add up to the program totals.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sspost.records import sql
from sspost.records.counting import participant_sql, window_sql
from sspost.records.key import FirstKey
from sspost.records.staging import PROGRAM_SLOTS
from sspost.records.tie_rule import first_key

if TYPE_CHECKING:
    from sspost.records.store import RecordStore

ATTRIBUTES = {"unit": "unit", "province": "province", "staff": "staff"}
# How a dimension's key reads the grouped `key`: the code at a unit's or province's place
# among the codes (provinces rolled up on the 34), or the day (days since 1970) as a month or a
# date (see tie_rule._tie_parts for the places).
_KEYS = {
    "unit": "(SELECT code FROM unit_code_of_place WHERE place = key)",
    "province": "(SELECT code FROM province_code_of_place WHERE place = key)",
    "staff": "(SELECT code FROM staff_codes WHERE idx = key)",
    "month": "strftime(DATE '1970-01-01' + key::INTEGER, '%Y-%m')",
    "day": "strftime(DATE '1970-01-01' + key::INTEGER, '%Y-%m-%d')",
}


def counts_by(store: RecordStore, counted: FirstKey,
              dimension: str) -> dict[tuple[str, str | None], int]:
    """(program code, key) -> participants, for one dimension, of the window `counting.count`
    made last with the key `counted`.

    unit, province and staff need `counting.count(store, ..., attribute=dimension)` to have kept it.
    """
    attribute = ATTRIBUTES.get(dimension)
    # Participants are summed per stored key first, so the key is read for a few rows only;
    # an aggregate row's code takes its place the way the key placed the participants' codes.
    person_key, row_key = ("attribute", counted.place(attribute)) if attribute else (
        counted.day("first"), "(c.d - DATE '1970-01-01')::BIGINT")
    rows = store.con.execute(f"""
        SELECT program, {_KEYS[dimension]} AS k, sum(n) FROM (
            SELECT program, key, sum(n) AS n FROM (
                SELECT who % {PROGRAM_SLOTS} AS program, {person_key} AS key, 1 AS n FROM firsts
                UNION ALL
                SELECT c.program, {row_key}, c.n FROM aggregate_rows c
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


def campaign_staff_counts(store: RecordStore, counted: FirstKey, days: set[dt.date],
                          as_of: dt.date) -> dict[tuple[str, dt.date], dict[str | None, int]]:
    """(program, day) -> participants signed up that day per staff member, for every campaign
    day in one pass: a participant counts on the day of their earliest record, for the staff
    member of the record the tie rule picks (SPEC section 4)."""
    if not days:
        return {}
    listed = ", ".join(map(sql.day, sorted(days)))
    if counted.complete:  # the counted key names each participant's record by the whole rule
        day = counted.day("first")
        rows = store.con.execute(f"""
            SELECT program, d, staff, sum(n) FROM (
                SELECT program, DATE '1970-01-01' + day::INTEGER AS d, {_KEYS["staff"]} AS staff,
                       n FROM (
                    SELECT who % {PROGRAM_SLOTS} AS program, {day} AS day,
                           {counted.attribute("staff")} AS key, count(*) AS n
                    FROM firsts WHERE {day} IN ({_epoch_days(days)}) GROUP BY ALL)
                UNION ALL
                SELECT program, d, staff, n FROM aggregate_rows WHERE d IN ({listed})
            ) GROUP BY ALL
        """).fetchall()
    else:
        rows = _campaign_rows_counts(store, counted, days, listed, as_of)
    counts: dict[tuple[str, dt.date], dict[str | None, int]] = {}
    for program, day, staff, n in rows:
        per_staff = counts.setdefault((store.programs[int(program)], day), {})
        per_staff[None if staff is None else str(staff)] = int(n)
    return counts


def _epoch_days(days: set[dt.date]) -> str:
    return ", ".join(str((day - dt.date(1970, 1, 1)).days) for day in sorted(days))


def _campaign_rows_counts(store: RecordStore, counted: FirstKey, days: set[dt.date],
                          listed: str, as_of: dt.date) -> list[tuple[Any, ...]]:
    """(program, day, staff, participants) rows of campaign days (`listed` as SQL dates), when
    the counted key holds the day alone or part of the rule: the rows of those days are ordered
    by the whole of it."""
    # Only the rows of campaign days of participants whose earliest day is one of them are
    # ordered by the whole rule (their unit, province, staff and time are kept for this): one
    # pass over the rows finds them, and the rest works on those few.
    who, join = participant_sql(store)
    aggregate = ", ".join(map(str, store.aggregate_files())) or "-1"
    tie_columns = [c for c in ("unit", "unit_text", "province", "staff", "secs")
                   if c in store.columns]
    # One statement: the rows of campaign days, then those of participants whose earliest day
    # is one of them (an IN list of them, the firsts picked by their keys' range before their
    # day is worked out). On 20M rows, 5% on a campaign day: 1.35 s, against 1.77 s as two
    # tables, the second a copy of the first filtered (benchmarks/README.md).
    first_day = counted.day("f.first")
    earliest_campaign_day, last_campaign_day = min(days), max(days)
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE campaign_rows AS
        SELECT * FROM (
            SELECT {who} AS who, c.program, c.d, c.rowid AS row_id,
                   {", ".join(f"c.{col}" for col in tie_columns) or "NULL AS none"}
            FROM checked c {join}
            WHERE c.reason IS NULL AND c.d IN ({listed}) AND c.file_idx NOT IN ({aggregate}))
        WHERE who IN (
            SELECT who FROM firsts f
            WHERE f.first >= {counted.after(earliest_campaign_day - dt.timedelta(days=1))}
              AND f.first < {counted.after(last_campaign_day)}
              AND {first_day} IN ({_epoch_days(days)}))
    """)
    key = first_key(store, as_of, tie="staff", table="campaign_rows", row="c.row_id")
    staff = "c.staff" if "staff" in store.columns else "NULL::VARCHAR"
    return store.con.execute(f"""
        WITH keyed AS MATERIALIZED (
            SELECT who, program, d, {staff} AS staff, {key.sql} AS k FROM campaign_rows c
        )
        SELECT program, d, staff, sum(n) FROM (
            SELECT program, d, staff, 1 AS n FROM keyed
            WHERE (who, k) IN (SELECT (who, min(k)) FROM keyed GROUP BY who)
            UNION ALL
            SELECT program, d, staff, n FROM aggregate_rows WHERE d IN ({listed})
        ) GROUP BY ALL
    """).fetchall()
