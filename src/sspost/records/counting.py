"""Counting over `checked`: each participant's earliest record per program, and what follows.

`who` packs a participant key and a program index into one integer, so that the one big
aggregation (one group per participant and program) groups on a single integer column.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sspost.records import earliest, rejects
from sspost.records.model import (
    DECREASE,
    REASONS,
    Counts,
    FileReport,
    ProgramCount,
    Reconciliation,
)
from sspost.records.sql import day
from sspost.records.staging import PERSONAL_NUMBER_OFFSET, PROGRAM_SLOTS
from sspost.records.tie_rule import first_key

if TYPE_CHECKING:
    from sspost.records.key import FirstKey

if TYPE_CHECKING:
    from sspost.records.store import RecordStore


def window_sql(store: RecordStore, as_of: dt.date) -> str:
    return f"d BETWEEN {day(store.targets.period.start)} AND {day(as_of)}"


def participant_sql(store: RecordStore) -> tuple[str, str]:
    """SQL for `who` (participant and program in one integer) over `checked c`, and the join
    it needs (the --id-map makes an old code and its new number one participant)."""
    if store.options.id_map is None and not store.joined_ids:
        return f"c.pid * {PROGRAM_SLOTS} + c.program", ""
    return (f"coalesce(m.new_pid, c.pid) * {PROGRAM_SLOTS} + c.program",
            "LEFT JOIN id_map m ON m.old_pid = c.pid")


def count(store: RecordStore, as_of: dt.date,
          attribute: str | None = None) -> tuple[Counts, FirstKey]:
    """Counts for the window ending `as_of`, and the shape of the order key they were made with.

    `attribute` (unit, province or staff) is kept from each participant's earliest record, for
    a breakdown by it; the order key of that record is kept (`first`, see `FirstKey`), and the
    key returned is its shape, to read the day (days since 1970) back from it.
    """
    con = store.con
    window = window_sql(store, as_of)
    aggregate = ", ".join(map(str, store.aggregate_files())) or "-1"
    who, join = participant_sql(store)
    accepted = f"c.reason IS NULL AND c.file_idx NOT IN ({aggregate})"
    if store.options.db and store.options.id_map is None and not store.joined_ids:
        # The whole rule over every day from the start, kept in the --db file (see earliest).
        key = first_key(store, max(as_of, _last_day(store)), tie="staff")
        earliest.keep(store, key, who, f"checked c {join} WHERE {accepted} "
                                       f"AND c.d >= {day(store.targets.period.start)}")
        ordered = f"SELECT who, first FROM {earliest.TABLE} WHERE first < {key.after(as_of)}"
    else:
        # Only a breakdown by unit, province or staff needs the whole tie rule: the day alone
        # gives every total and the month and day counts.
        key = first_key(store, as_of, tie=attribute)
        ordered = (f"SELECT {who} AS who, min({key.sql}) AS first FROM checked c {join} "
                   f"WHERE {accepted} AND {window} GROUP BY ALL")
    kept = key.attribute(attribute) if attribute else "NULL::INTEGER"
    con.execute(f"CREATE OR REPLACE TEMP TABLE firsts AS "
                f"SELECT who, first, {kept} AS attribute FROM ({ordered})")
    # Aggregate-layout rows stand for their counts; they have no participant to de-duplicate.
    unit, unit_text, province, staff, n = (store.column(c) for c in
                                           ("unit", "unit_text", "province", "staff", "n"))
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW aggregate_rows AS
        SELECT program, d, {unit} AS unit, {unit_text} AS unit_text, {province} AS province,
               {staff} AS staff, {n} AS n
        FROM checked
        WHERE reason IS NULL AND file_idx IN ({aggregate}) AND {window}
    """)
    counts = Counts(
        as_of=as_of,
        programs=_program_counts(store),
        reconciliation=_reconcile(store, window),
        unknown_units=_unknown_units(store, window),
        ambiguous_codes=store.ambiguous_codes,
    )
    return counts, key  # the day is worked out where read: a stored column costs more


def _last_day(store: RecordStore) -> dt.date:
    """The latest day of an accepted record (the period's end when none is later)."""
    row = store.con.execute("SELECT max(d) FROM row_counts WHERE reason IS NULL").fetchone()
    end = store.targets.period.end
    return max(row[0], end) if row and row[0] is not None else end


def _program_counts(store: RecordStore) -> dict[str, ProgramCount]:
    found: dict[int, list[int]] = {}
    for program, people, codes, numbers in store.con.execute(f"""
        SELECT who % {PROGRAM_SLOTS}, count(*),
               count(*) FILTER (WHERE who < {PERSONAL_NUMBER_OFFSET * PROGRAM_SLOTS}),
               count(*) FILTER (WHERE who >= {PERSONAL_NUMBER_OFFSET * PROGRAM_SLOTS})
        FROM firsts GROUP BY ALL
    """).fetchall():
        found[int(program)] = [int(people), int(codes), int(numbers)]
    for program, people in store.con.execute(
        "SELECT program, sum(n) FROM aggregate_rows GROUP BY ALL"
    ).fetchall():
        found.setdefault(int(program), [0, 0, 0])[0] += int(people)
    return {code: ProgramCount(code, *found.get(i, [0, 0, 0]))
            for i, code in enumerate(store.programs)}


def _reconcile(store: RecordStore, window: str) -> Reconciliation:
    con = store.con
    per_file = {i: [0, 0] for i in range(len(store.sources))}
    by_reason = dict.fromkeys(REASONS, 0)
    outside = in_window = decreases = 0
    for file_idx, reason, rows, inside in con.execute(
        f"SELECT file_idx, reason, sum(n), coalesce(sum(n) FILTER (WHERE {window}), 0) "
        "FROM row_counts GROUP BY ALL"
    ).fetchall():
        if reason == DECREASE:  # accepted, never counted
            per_file[int(file_idx)][0] += int(rows)
            decreases += int(rows)
            continue
        per_file[int(file_idx)][reason is not None] += int(rows)
        if reason is not None:
            by_reason[REASONS[int(reason)]] += int(rows)
        else:
            outside, in_window = outside + int(rows) - int(inside), in_window + int(inside)
    by_reason["field_count"] += sum(len(s.engine_rejects) for s in store.sources)
    totals = con.execute("SELECT count(*) FROM firsts").fetchone()
    people = int(totals[0]) if totals else 0
    aggregate_rows = con.execute("SELECT count(*) FROM aggregate_rows").fetchone()
    counted = people + (int(aggregate_rows[0]) if aggregate_rows else 0)
    grouped = dict.fromkeys(range(len(store.sources)), 0)
    if "grouped" in store.columns:
        grouped.update({int(i): int(n) for i, n in con.execute(
            "SELECT file_idx, count(*) FROM checked WHERE grouped GROUP BY ALL").fetchall()})
    files = [FileReport(s.path, sum(per_file[i]) + len(s.engine_rejects), per_file[i][0],
                        per_file[i][1] + len(s.engine_rejects), s.layout.encoding,
                        s.layout.delimiter, s.scan.sha256, s.cached,
                        s.layout.prepare if s.prepared else "",
                        s.prepared.sheet if s.prepared else None, s.layout.date_format,
                        dict(s.layout.headers), dict(s.prepared.skipped) if s.prepared else {},
                        s.layout.taken(), s.prepared.number_ids if s.prepared else 0,
                        grouped[i], tuple(s.prepared.skipped_lines) if s.prepared else (),
                        s.layout.repeated)
             for i, s in enumerate(store.sources)]
    accepted = sum(f.accepted for f in files)
    rejected = sum(f.rejected for f in files)
    return Reconciliation(
        files=files, rows_read=accepted + rejected, accepted=accepted, rejected=rejected,
        counted=counted, outside_window=outside, duplicate_records=in_window - counted,
        rejected_by_reason={k: v for k, v in by_reason.items() if v},
        rejected_rows=rejects.rejected_rows(store, store.options.max_errors),
        decreases=decreases,
    )


def _unknown_units(store: RecordStore, window: str) -> dict[str, int]:
    """Records in the window naming a unit code that is not in the plan's tree."""
    if "unit_text" not in store.columns or not store.rules.has_units:
        return {}  # no unit tree to check codes against, or no file with a unit column
    rows = store.con.execute(f"""
        SELECT unit_text, count(*) FROM checked
        WHERE reason IS NULL AND {window} AND unit_text IS NOT NULL
        GROUP BY unit_text ORDER BY unit_text
    """).fetchall()
    return {str(unit): int(n) for unit, n in rows}
