"""Participants counted by unit, province, month or staff member, for the breakdowns.

Every count is over each participant's earliest record (plus aggregate rows), so the counts of
one dimension always add up to the program totals.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import TYPE_CHECKING

from sspost.records.counting import participants_sql, window_sql

if TYPE_CHECKING:
    from sspost.records.store import RecordStore

DIMENSIONS = ("unit", "province", "month", "staff", "day")
# How each dimension is read from a participant row; None stands for "no value in the data".
_KEYS = {
    "unit": "unit",
    "province": "coalesce(m.new_code, p.province)",
    "month": "strftime(p.d, '%Y-%m')",
    "staff": "staff",
    "day": "strftime(p.d, '%Y-%m-%d')",
}


def province_names() -> tuple[dict[str, str], dict[str, str]]:
    """Old GSO code -> code in force from 1 July 2025, and new code -> its name."""
    text = resources.files("sspost").joinpath("reference/provinces-2025.csv").read_text("utf-8")
    merged: dict[str, str] = {}
    names: dict[str, str] = {}
    for line in text.splitlines()[1:]:
        old, _, new, name = line.split(",")[:4]
        merged[old] = new
        names[new] = name
    return merged, names


def _participants(store: RecordStore) -> str:
    """Materialise the participant rows once per run: every breakdown groups them."""
    exists = store.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'participant_rows'"
    ).fetchone()
    if not exists or not exists[0]:
        store.con.execute(f"CREATE TABLE participant_rows AS {participants_sql()}")
        merged, _ = province_names()
        store.con.execute("CREATE TABLE province_merge (old_code VARCHAR, new_code VARCHAR)")
        store.con.executemany("INSERT INTO province_merge VALUES (?, ?)", sorted(merged.items()))
    return "participant_rows"


def counts_by(store: RecordStore, dimension: str) -> dict[tuple[str, str | None], int]:
    """(program code, key) -> participants, for one dimension."""
    table = _participants(store)
    rows = store.con.execute(f"""
        SELECT p.program, {_KEYS[dimension]} AS key, sum(p.n)
        FROM {table} p LEFT JOIN province_merge m ON m.old_code = p.province
        GROUP BY ALL
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
    rows = store.con.execute(f"""
        SELECT staff, sum(n) FROM ({participants_sql(f"program = {index} AND d = DATE '{day}'")})
        GROUP BY staff
    """).fetchall()
    return {None if staff is None else str(staff): int(n) for staff, n in rows}
