"""The tie rule of SPEC section 4 as one integer per record: the parts of a run's `FirstKey`.

A participant belongs to their earliest record; ties are broken by the time of day, then the
smallest unit, province and staff id. `first_key` packs those into one integer key, so that
`min` of it finds each participant's earliest record in one aggregate, and a breakdown reads
the unit, province or staff back out of the key instead of joining back to the rows.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sspost.records.key import FirstKey
from sspost.records.sql import at_row
from sspost.records.sql import day as day_sql
from sspost.records.store import insert_rows

if TYPE_CHECKING:
    from sspost.records.store import RecordStore

def _place(codes: list[str]) -> dict[str, int]:
    return {code: i for i, code in enumerate(sorted(codes))}  # str order is code point order


TIE_ORDER = ("secs", "unit", "province", "staff")


def first_key(store: RecordStore, as_of: dt.date, *, tie: str | None,
              table: str = "checked", row: str | None = None) -> FirstKey:
    """The order key of this run over the rows of `table` (`checked`, or a few of its rows with
    its columns; codes are numbered among them) aliased `c`: by day, with the tie rule's parts
    up to `tie` (unit, province or staff: a breakdown by the unit needs neither province nor
    staff to know which unit a participant has), and last `row`, when given, naming each row
    uniquely (for a join back on the key; a count needs none: see FirstKey)."""
    start = store.targets.period.start
    day_bits = max((as_of - start).days + 1, 1).bit_length()
    parts: list[tuple[str, str, int]] = [("day", f"c.d - {day_sql(start)}", day_bits)]
    empty: dict[str, int] = {}
    if tie:
        cached = store.tie_parts(table, lambda places: _tie_parts(store, places, table))
        needed = TIE_ORDER[:TIE_ORDER.index(tie) + 1]
        parts += [p for p in cached[0] if p[0] in needed]
        empty = {k: v for k, v in cached[1].items() if k in needed}
    if tie and row:  # a key that names one record, for a join back on it
        rows = max((s.first_rowid + s.parsed_rows for s in store.sources), default=0)
        parts.append(("row", row, max(rows, 1).bit_length()))
    return FirstKey(tuple(parts), start, empty, complete=tie == "staff")


def _tie_parts(store: RecordStore, empties: dict[str, int],
               table: str = "checked") -> list[tuple[str, str, int]]:
    """The time of day, unit, province and staff parts of the key, for the columns stored.

    A code's part is its place among the codes in code point order, an empty value after them
    all. A code stored by its row (a province, a unit of the plan's tree) finds its place in a
    list literal; one stored as text (a staff id, a unit outside the tree) by a join on a small
    table. Small tables give the code of a place, for the breakdowns, which group on places.
    """
    con = store.con
    suffix = "" if table == "checked" else f"_{table}"
    parts = []
    timed = "secs" in store.columns and con.execute(
        f"SELECT max(secs) FROM {table}").fetchone() not in (None, (None,))
    if timed:  # 17 bits only where some record gives a time of day
        parts.append(("secs", "coalesce(c.secs, 0)", (86_399).bit_length()))

    def table_of(name: str, columns: str, pairs: list[tuple[object, object]]) -> str:
        made = f"{name}{suffix}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {made} ({columns})")
        insert_rows(con, made, list(pairs))
        return made

    known = [str(r[0]) for r in con.execute("SELECT code FROM units ORDER BY idx").fetchall()]
    texts = [str(r[0]) for r in con.execute(
        f"SELECT DISTINCT unit_text FROM {table} WHERE unit_text IS NOT NULL"
    ).fetchall()] if "unit_text" in store.columns else []
    place = _place(list(set(known) | set(texts)))
    empty = empties["unit"] = len(place)
    table_of("unit_code_of_place", "place INTEGER, code VARCHAR",  # codes outside the plan
             [(place[code], code) for code in known])            # are (unassigned): none
    if texts:
        texts_table = table_of("unit_place_of_text", "text VARCHAR, place INTEGER",
                               [(t, place[t]) for t in texts])
        of_text = f"(SELECT place FROM {texts_table} WHERE text = c.unit_text)"
        value = (f"coalesce({at_row([place[code] for code in known], 'c.unit')}, "
                 f"{of_text}, {empty})" if "unit" in store.columns and known
                 else f"coalesce({of_text}, {empty})")
    else:  # the plan's codes alone: a unit's place is its row
        value = f"coalesce(c.unit, {empty})" if "unit" in store.columns else ""
    if value:
        parts.append(("unit", value, empty.bit_length()))

    codes = con.execute("SELECT idx, new_code FROM provinces ORDER BY idx").fetchall()
    place = _place(list({str(new) for _, new in codes}))
    empty = empties["province"] = len(place)
    table_of("province_code_of_place", "place INTEGER, code VARCHAR",
             [(i, code) for code, i in place.items()])
    if "province" in store.columns:  # the rows are 0, 1, ... in order (RecordStore)
        parts.append(("province", at_row([place[str(new)] for _, new in codes], "c.province",
                                         empty), empty.bit_length()))

    _code_staff(store, suffix, table)
    found = con.execute(f"SELECT count(*) FROM staff_codes{suffix}").fetchone()
    empty = empties["staff"] = int(found[0]) if found else 0
    # staff_codes numbers the ids in code point order: a staff id's place is its row.
    if "staff" in store.columns:
        parts.append(("staff", f"coalesce((SELECT idx FROM staff_codes{suffix} "
                               f"WHERE code = c.staff), {empty})", empty.bit_length()))
    return parts


def _code_staff(store: RecordStore, suffix: str = "", table: str = "checked") -> None:
    """Number the staff ids the files hold in code point order (the engine compares text by
    its bytes, UTF-8: the same order), so that staff are grouped and ordered as integers."""
    staff = store.column("staff")
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE staff_codes{suffix} AS
        SELECT code, (row_number() OVER (ORDER BY code) - 1)::INTEGER AS idx
        FROM (SELECT DISTINCT {staff} AS code FROM {table} WHERE {staff} IS NOT NULL)
    """)


