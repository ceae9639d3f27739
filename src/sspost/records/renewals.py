"""Renewals (SPEC section 5a) over covers: spells, each participant's state at the as-of date,
and the covers that ended and were continued.

Tables it makes (temporary): `spelled` (each accepted record's cover up to the as-of date,
this period's and last period's, with whether it continues a spell begun before it and the
next cover's start), `people` (one row per participant and program: the last spell's end, the
state at the as-of date, whether a payment this period continued a spell, whether a record of
this period's window counts them, and the unit and staff of their latest record), and with
those `cover_rows` (the covers, read twice). Last period's covers come from its own run as a
Parquet file (`export_covers`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple, dataclass, fields
from typing import TYPE_CHECKING

from sspost.records.counting import participant_sql
from sspost.records.sql import day, lit
from sspost.records.staging import PERSONAL_NUMBER_OFFSET, PROGRAM_SLOTS

if TYPE_CHECKING:
    from sspost.records.store import RecordStore

STATES = ("covered", "due", "overdue", "lapsed")


@dataclass(frozen=True)
class RenewalFigures:
    """One program's (or one breakdown row's) renewals at the as-of date."""

    covered: int = 0
    due: int = 0
    overdue: int = 0
    lapsed: int = 0
    renewed: int = 0
    due_not_counted: int = 0  # due or overdue, with no record in this period's window yet
    ended: int = 0  # covers that ended from the period's start to grace days before as-of
    continued: int = 0  # of those, the ones a later payment continued

    @property
    def renewal_rate(self) -> float | None:
        """Of the covers that ended, the share a later payment continued (null when none)."""
        return self.continued / self.ended if self.ended else None


@dataclass(frozen=True)
class RenewalCounts:
    programs: dict[str, RenewalFigures]
    rows: dict[tuple[str, str | None], RenewalFigures]  # (program, key) with a breakdown
    without_cover: int  # accepted records of the window whose cover nothing says


@dataclass(frozen=True)
class Due:
    """A due, overdue or lapsed participant, for the worklist (ids in full: only written
    when asked, like the rejects file)."""

    program: str
    participant: str
    state: str
    spell_end: dt.date
    unit: str | None
    staff: str | None
    latest: dt.date  # their latest record's date
    this_period: bool  # that record is in this period's files (else last period's)
    row_id: int  # its row in its run's `checked`


def _cover_rows(store: RecordStore, first: dt.date, last: dt.date, now: bool) -> str:
    """SQL: the accepted records dated `first` to `last` that say a cover, as `covers` rows."""
    aggregate = ", ".join(map(str, store.aggregate_files())) or "-1"
    # A unit of the plan's tree is stored as its row in `units`; another code as text.
    unit = f"coalesce(u.code, {store.column('unit_text', 'c')})" if "unit" in store.columns \
        else store.column("unit_text", "c")
    units = "LEFT JOIN units u ON u.idx = c.unit" if "unit" in store.columns else ""
    return (f"SELECT c.pid, c.program, c.d, c.cover_from AS f, c.cover_to AS t, {now} AS now, "
            f"{unit}::VARCHAR AS unit, {store.column('staff', 'c')} AS staff, "
            f"{store.column('secs', 'c')} AS secs, c.rowid AS row_id "
            f"FROM checked c {units} WHERE c.reason IS NULL AND c.file_idx NOT IN ({aggregate}) "
            f"AND c.d BETWEEN {day(first)} AND {day(last)} AND c.cover_to IS NOT NULL")


def export_covers(store: RecordStore, path: str) -> None:
    """Last period's covers, for this period's run to join spells across the two."""
    period = store.targets.period
    store.con.execute(f"COPY ({_cover_rows(store, period.start, period.end, False)}) "
                      f"TO {lit(path)} (FORMAT parquet)")


def export_counted(store: RecordStore, path: str) -> None:
    """Who the window counted last (`firsts`), for last period's run to leave out of due to
    renew (`due_to_renew`)."""
    store.con.execute(f"COPY (SELECT who FROM firsts) TO {lit(path)} (FORMAT parquet)")


def due_to_renew(store: RecordStore, counted_now: str, as_of: dt.date, period_end: dt.date,
                 grace: int) -> dict[str, int]:
    """Run on last period's rows: per program, the participants due or overdue at `as_of`
    (this period's) whom this period has not counted (`counted_now`, export_counted).

    Having no record this period, their last spell is last period's and ends at their latest
    cover's end, so no spells need joining (SPEC section 5a: due, the cover reaches `as_of`
    and ends before `period_end`; overdue, it ended within `grace` days before `as_of`)."""
    who, join = participant_sql(store)
    aggregate = ", ".join(map(str, store.aggregate_files())) or "-1"
    period = store.targets.period
    rows = store.con.execute(f"""
        SELECT who % {PROGRAM_SLOTS}, count(*) FROM (
            SELECT {who} AS who, max(c.cover_to) AS spell_end FROM checked c {join}
            WHERE c.reason IS NULL AND c.file_idx NOT IN ({aggregate}) AND c.cover_to IS NOT NULL
              AND c.d BETWEEN {day(period.start)} AND {day(period.end)}
            GROUP BY ALL)
        WHERE spell_end >= {day(as_of)} - {int(grace)}
          AND NOT (spell_end >= {day(as_of)} AND spell_end >= {day(period_end)})
          AND who NOT IN (SELECT who FROM read_parquet({lit(counted_now)}))
        GROUP BY ALL
    """).fetchall()
    found = {int(program): int(n) for program, n in rows}
    return {code: found.get(i, 0) for i, code in enumerate(store.programs)}


def without_cover(store: RecordStore, as_of: dt.date) -> int:
    """Accepted records of the window (not counts) whose cover nothing says."""
    aggregate = ", ".join(map(str, store.aggregate_files())) or "-1"
    row = store.con.execute(
        f"SELECT count(*) FROM checked WHERE reason IS NULL AND file_idx NOT IN ({aggregate}) "
        f"AND d BETWEEN {day(store.targets.period.start)} AND {day(as_of)} "
        "AND cover_to IS NULL").fetchone()
    return int(row[0]) if row else 0


def count(store: RecordStore, as_of: dt.date, grace_days: int, by: str | None,
          before: str | None, attributed: bool = False) -> RenewalCounts:
    """Renewals at `as_of` from the covers of this run (and of `before`, last period's
    Parquet file). Reads `firsts` for who this window counts: counting.count comes first.
    `attributed`: keep each participant's latest record, for `due_list`."""
    # Each participant's latest record is worked out only where something reads it: a
    # breakdown by unit or staff, or the worklist (`attributed`).
    _make_tables(store, as_of, grace_days, before,
                 attributed or by in ("unit", "staff", "unit_month"))
    rows = _read(store, _figures_sql(store, as_of, grace_days, by))
    # Each participant and each cover is in one row of a breakdown: the programs' figures are
    # the rows' sums (without one, the rows are the programs).
    totals: dict[str, list[int]] = {}
    for (program, _), figures in rows.items():
        sums = totals.setdefault(program, [0] * len(fields(RenewalFigures)))
        for i, value in enumerate(astuple(figures)):
            sums[i] += value
    programs = {code: RenewalFigures(*totals.get(code, [])) for code in store.programs}
    return RenewalCounts(programs, rows if by else {}, without_cover(store, as_of))


def _make_tables(store: RecordStore, as_of: dt.date, grace: int, before: str | None,
                 attributed: bool) -> None:
    period = store.targets.period
    con = store.con
    rows = _cover_rows(store, period.start, as_of, True)
    if before is not None:
        rows += f" UNION ALL SELECT * FROM read_parquet({lit(before)})"
    # An --id-map, or both ids on rows, make an old code and its new number one participant.
    mapped = ("coalesce(m.new_pid, r.pid)" if store.options.id_map is not None
              or store.joined_ids else "r.pid")
    join = "LEFT JOIN id_map m ON m.old_pid = r.pid" if mapped != "r.pid" else ""
    cover_rows = (f"SELECT {mapped} * {PROGRAM_SLOTS} + r.program AS who, "
                  f"r.* EXCLUDE (pid, program) FROM ({rows}) r {join}")
    if attributed:  # read twice: for the spells, and for each participant's latest record
        con.execute(f"CREATE OR REPLACE TEMP TABLE cover_rows AS {cover_rows}")
        cover_rows = "SELECT * FROM cover_rows"
    # One pass over each participant's covers in order of their start (measured on 3.9M
    # rows: 1.6 s, against 4.3 s for a spell number and its start in two window passes).
    # The same cover twice (one payment exported twice, or in both years' files) changes
    # none of what it works out: it is one cover where covers are counted (`ended`).
    # - `before_end`: the latest end of the covers that start earlier. A cover continues a
    #   spell begun before it (a renewal, when paid this period) when it starts within `grace`
    #   days of that end; covers starting the same day share the answer (SPEC section 5a).
    # - `next_f`: the start of the next cover, in order of start then end: the same day when
    #   a cover of that day ends later, else the next day one starts. A cover is continued
    #   when the next starts within `grace` days of its end.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE spelled AS
        SELECT who, f, t, now,
               before_end IS NOT NULL AND f <= before_end + {int(grace)} AS continues,
               CASE WHEN t < day_end THEN f ELSE next_day_f END AS next_f
        FROM (
            SELECT *,
                   max(t) OVER (w RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL 1 DAY PRECEDING)
                       AS before_end,
                   max(t) OVER (w RANGE BETWEEN CURRENT ROW AND CURRENT ROW) AS day_end,
                   min(f) OVER (w RANGE BETWEEN INTERVAL 1 DAY FOLLOWING AND UNBOUNDED FOLLOWING)
                       AS next_day_f
            FROM ({cover_rows}) WINDOW w AS (PARTITION BY who ORDER BY f))
    """)
    # A participant's last spell ends at their latest cover end (a cover starting before an
    # earlier one ends joins its spell). With a breakdown by unit or staff, or a worklist,
    # their unit and staff are those of their latest record (ties: the later time of day, then
    # the smallest unit and staff, SPEC section 4).
    latest = ("ORDER BY d DESC, secs DESC NULLS LAST, unit NULLS LAST, staff NULLS LAST, "
              "row_id")
    attribution = (f"""LEFT JOIN (
            SELECT who, unnest(record) FROM (
                SELECT who, first(struct_pack(unit := unit, staff := staff, latest := d,
                                              latest_now := now, latest_row := row_id)
                                  {latest}) AS record
                FROM cover_rows GROUP BY who)) USING (who)""" if attributed else
                   "CROSS JOIN (SELECT NULL::VARCHAR AS unit, NULL::VARCHAR AS staff)")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE people AS
        SELECT *, CASE
                WHEN spell_end >= {day(as_of)} AND spell_end >= {day(period.end)} THEN 'covered'
                WHEN spell_end >= {day(as_of)} THEN 'due'
                WHEN spell_end >= {day(as_of)} - {int(grace)} THEN 'overdue'
                WHEN spell_end >= {day(period.start)} THEN 'lapsed'
            END AS state,
            who IN (SELECT who FROM firsts) AS counted_now
        FROM (SELECT who, max(t) AS spell_end, bool_or(now AND continues) AS renewed
              FROM spelled GROUP BY who) {attribution}
    """)


def _keys(by: str | None) -> tuple[str, str]:
    """SQL for a participant's key and a cover's key in the breakdown `by`."""
    if by is None:
        return "NULL", "NULL"
    if by == "month":
        return "strftime(p.spell_end, '%Y-%m')", "strftime(s.t, '%Y-%m')"
    if by == "unit_month":  # the report's: a unit's people by the month their cover ends
        return ("concat_ws('|', coalesce(p.unit, ''), strftime(p.spell_end, '%Y-%m'))",
                "concat_ws('|', coalesce(p.unit, ''), strftime(s.t, '%Y-%m'))")
    return f"p.{by}", f"p.{by}"


def _figures_sql(store: RecordStore, as_of: dt.date, grace: int, by: str | None) -> str:
    person_key, cover_key = _keys(by)
    start = day(store.targets.period.start)
    return f"""
        WITH states AS (
            SELECT p.who % {PROGRAM_SLOTS} AS program, {person_key} AS key,
                   {", ".join(f"count(*) FILTER (WHERE state = '{s}')" for s in STATES)},
                   count(*) FILTER (WHERE renewed) AS renewed,
                   count(*) FILTER (WHERE state IN ('due', 'overdue') AND NOT counted_now)
                       AS due_not_counted
            FROM people p WHERE state IS NOT NULL OR renewed GROUP BY ALL),
        ended AS (
            SELECT p.who % {PROGRAM_SLOTS} AS program, {cover_key} AS key, count(*) AS ended,
                   count(*) FILTER (WHERE s.next_f <= s.t + {int(grace)}) AS continued
            FROM (SELECT DISTINCT who, f, t, next_f FROM spelled
                  WHERE t BETWEEN {start} AND {day(as_of)} - {int(grace)}) s
            JOIN people p USING (who) GROUP BY ALL)
        SELECT coalesce(states.program, ended.program), coalesce(states.key, ended.key),
               COLUMNS(states.* EXCLUDE (program, key)), COLUMNS(ended.* EXCLUDE (program, key))
        FROM states FULL JOIN ended ON states.program = ended.program
                                   AND states.key IS NOT DISTINCT FROM ended.key
    """


def _read(store: RecordStore, sql: str) -> dict[tuple[str, str | None], RenewalFigures]:
    out = {}
    for program, key, *numbers in store.con.execute(sql).fetchall():
        out[(store.programs[int(program)], None if key is None else str(key))] = \
            RenewalFigures(*(int(n or 0) for n in numbers))
    return out


def due_list(store: RecordStore) -> list[Due]:
    """The due, overdue and lapsed, with their latest record, by program and spell end."""
    rows = store.con.execute(f"""
        SELECT who % {PROGRAM_SLOTS}, who // {PROGRAM_SLOTS}, state, spell_end, unit, staff,
               latest, latest_now, latest_row
        FROM people WHERE state IN ('due', 'overdue', 'lapsed')
        ORDER BY who % {PROGRAM_SLOTS}, spell_end, who
    """).fetchall()
    return [Due(store.programs[int(program)], _participant(int(pid)), str(state), spell_end,
                unit, staff, latest, bool(now), int(row))
            for program, pid, state, spell_end, unit, staff, latest, now, row in rows]


def _participant(pid: int) -> str:
    """The id as read: 12-digit personal numbers are stored above PERSONAL_NUMBER_OFFSET."""
    if pid >= PERSONAL_NUMBER_OFFSET:
        return f"{pid - PERSONAL_NUMBER_OFFSET:012d}"
    return f"{pid:010d}"
