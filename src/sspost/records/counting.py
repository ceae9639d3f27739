"""Counting over `checked`: each participant's earliest record per program, and what follows.

`who` packs a participant key and a program index into one integer, so that the one big
aggregation (one group per participant and program) groups on a single integer column.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sspost.problems import UsageError
from sspost.records.model import (
    REASONS,
    Counts,
    FileReport,
    ProgramCount,
    Reconciliation,
)
from sspost.records.staging import DAY, ORDER_KEY, PERSONAL_NUMBER_OFFSET, PROGRAM_SLOTS, lit
from sspost.targets.model import Unit

if TYPE_CHECKING:
    import duckdb

    from sspost.records.store import RecordStore

# Attributes grouped on as integer codes: rows of these engine tables (staff_codes is made per
# run, from the staff ids the files hold; units and provinces are stored as codes already).
CODED = {"unit": "units", "province": "provinces", "staff": "staff_codes"}
# Bits for a day, a row and a code packed into one BIGINT key (63 value bits, one to spare).
KEY_BITS = 62


def unit_codes(units: list[Unit]) -> set[str]:
    return {code for unit in units for code in (unit.code, *unit_codes(unit.units))}


def load_id_map(con: duckdb.DuckDBPyConnection, path: str | None, error: Any) -> None:
    """The --id-map file as integer keys, read and checked by the engine (it may be large)."""
    con.execute("CREATE TEMP TABLE id_map (old_pid BIGINT, new_pid BIGINT)")
    if path is None:
        return
    if not Path(path).is_file():
        raise UsageError(f"cannot open id map {path}")
    pairs = (f"SELECT DISTINCT trim(old_id) AS old_id, trim(new_id) AS new_id "
             f"FROM read_csv({lit(path)}, header=true, all_varchar=true)")
    try:
        row = con.execute(f"""
            SELECT count(*) FILTER (WHERE NOT (regexp_full_match(old_id, '[0-9]{{10}}')
                                     AND regexp_full_match(coalesce(new_id, ''), '[0-9]{{12}}'))),
                   count(*) - count(DISTINCT old_id)
            FROM ({pairs})
        """).fetchone()
    except error as exc:
        raise UsageError(f"{path}: not an id map with columns old_id,new_id "
                         f"({str(exc).splitlines()[0]})") from None
    bad, ambiguous = (int(row[0]), int(row[1])) if row else (0, 0)
    if bad:
        raise UsageError(f"{path}: {bad} rows do not map a 10-digit code to a 12-digit "
                         "personal number")
    if ambiguous:
        raise UsageError(f"{path}: {ambiguous} old codes are mapped to more than one number")
    con.execute(f"INSERT INTO id_map SELECT old_id::BIGINT, "
                f"new_id::BIGINT + {PERSONAL_NUMBER_OFFSET} FROM ({pairs})")


def window_sql(store: RecordStore, as_of: dt.date) -> str:
    return f"d BETWEEN DATE '{store.targets.period.start}' AND DATE '{as_of}'"


def count(store: RecordStore, as_of: dt.date, attribute: str | None = None) -> Counts:
    """Counts for the window ending `as_of`.

    `attribute` (unit, province or staff) is kept from each participant's earliest record, for
    a breakdown by it; the date of that record is always kept (in `first`).
    """
    con = store.con
    window = window_sql(store, as_of)
    aggregate = ", ".join(map(str, store.aggregate_files())) or "-1"
    mapped = store.options.id_map is not None
    pid = "coalesce(m.new_pid, c.pid)" if mapped else "c.pid"
    join = "LEFT JOIN id_map m ON m.old_pid = c.pid" if mapped else ""
    earliest, first, kept = _earliest(store, as_of, attribute)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE firsts AS
        SELECT who, {first} AS first, {kept} AS attribute FROM (
            SELECT {pid} * {PROGRAM_SLOTS} + c.program AS who, {earliest} AS earliest
            FROM checked c {join}
            WHERE c.reason IS NULL AND c.file_idx NOT IN ({aggregate}) AND {window}
            GROUP BY ALL
        ) AS grouped (who, earliest{', kept' if kept == 'kept' else ''})
    """)
    # Aggregate-layout rows stand for their counts; they have no participant to de-duplicate.
    unit, province, staff, n = (store.column(c) for c in ("unit", "province", "staff", "n"))
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW aggregate_rows AS
        SELECT program, d, {unit} AS unit, {province} AS province, {staff} AS staff, {n} AS n
        FROM checked
        WHERE reason IS NULL AND file_idx IN ({aggregate}) AND {window}
    """)
    return Counts(
        as_of=as_of,
        programs=_program_counts(store),
        reconciliation=_reconcile(store, window),
        unknown_units=_unknown_units(store, window),
    )


def _earliest(store: RecordStore, as_of: dt.date, attribute: str | None) -> tuple[str, str, str]:
    """The aggregate finding each participant's earliest record, and how `first` (its order
    key) and `attribute` are read from its result."""
    key = ORDER_KEY.replace("rowid", "c.rowid")
    if attribute is None:
        return f"min({key})", "earliest", "NULL::VARCHAR"
    value = store.column(attribute, "c")
    if attribute == "staff":
        _code_staff(store)
        value = f"(SELECT idx FROM staff_codes WHERE code = {value})"
    # arg_min_null: an earliest record without the attribute keeps NULL, not a later value.
    by_arg_min = f"min({key}), arg_min_null({value}, {key})", "earliest", "kept"
    start = store.targets.period.start
    rows = max((s.first_rowid + s.parsed_rows for s in store.sources), default=0)
    codes = store.con.execute(f"SELECT count(*) FROM {CODED[attribute]}").fetchone()
    row_bits = max(rows, 1).bit_length()
    code_bits = (int(codes[0]) + 1 if codes else 1).bit_length()
    day_bits = max((as_of - start).days + 1, 1).bit_length()
    if row_bits + code_bits + day_bits > KEY_BITS:  # not with any real export
        return by_arg_min
    # The attribute's code (+1; 0 for none) rides in the low bits of a key of (day in the
    # window, row), so one integer `min` finds the earliest record and its code: a second
    # aggregate (arg_min) over every participant costs about as much as the first.
    row_slots, code_slots = 1 << row_bits, 1 << code_bits
    packed = (f"((c.d - DATE '{start}')::BIGINT * {row_slots} + c.rowid) * {code_slots} "
              f"+ coalesce({value} + 1, 0)")
    epoch_day = (start - dt.date(1970, 1, 1)).days
    first = (f"({epoch_day} + earliest // {row_slots * code_slots}) * {DAY} "
             f"+ (earliest // {code_slots}) % {row_slots}")
    return f"min({packed})", first, f"nullif(earliest % {code_slots}, 0) - 1"


def _code_staff(store: RecordStore) -> None:
    """Number the staff ids the files hold, so that staff are grouped on as integers."""
    staff = store.column("staff")
    store.con.execute(f"""
        CREATE OR REPLACE TEMP TABLE staff_codes AS
        SELECT code, (row_number() OVER (ORDER BY code) - 1)::INTEGER AS idx
        FROM (SELECT DISTINCT {staff} AS code FROM checked WHERE {staff} IS NOT NULL)
    """)


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
    outside = in_window = 0
    for file_idx, reason, rows, inside in con.execute(
        f"SELECT file_idx, reason, count(*), count(*) FILTER (WHERE {window}) FROM checked "
        "GROUP BY ALL"
    ).fetchall():
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
    files = [FileReport(s.path, sum(per_file[i]) + len(s.engine_rejects), per_file[i][0],
                        per_file[i][1] + len(s.engine_rejects), s.layout.encoding,
                        s.layout.delimiter, s.scan.sha256, s.cached,
                        s.layout.prepare if s.prepared else "",
                        s.prepared.sheet if s.prepared else None, s.layout.date_format)
             for i, s in enumerate(store.sources)]
    accepted = sum(f.accepted for f in files)
    rejected = sum(f.rejected for f in files)
    return Reconciliation(
        files=files, rows_read=accepted + rejected, accepted=accepted, rejected=rejected,
        counted=counted, outside_window=outside, duplicate_records=in_window - counted,
        rejected_by_reason={k: v for k, v in by_reason.items() if v},
        rejected_rows=store.rejected_rows(store.options.max_errors),
    )


def _unknown_units(store: RecordStore, window: str) -> dict[str, int]:
    """Records in the window naming a unit code that is not in the plan's tree."""
    if "unit_text" not in store.columns:
        return {}  # no unit tree to check codes against, or no file with a unit column
    rows = store.con.execute(f"""
        SELECT unit_text, count(*) FROM checked
        WHERE reason IS NULL AND {window} AND unit_text IS NOT NULL
        GROUP BY unit_text ORDER BY unit_text
    """).fetchall()
    return {str(unit): int(n) for unit, n in rows}
