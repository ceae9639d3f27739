"""`--db`: each participant's earliest record by the whole tie rule, kept in the database file.

The order key is the day first (key.FirstKey), so the earliest record over every day from
the period's start serves any as-of date (a participant is counted when that record's day is on
or before it), and, with the whole tie rule in it, every breakdown and the campaign days (the
unit, province and staff are read back from the key). A rerun on the same files reads these
rows instead of ordering every record again. The rows are made anew when anything they rest on
changes: the files (their fingerprints), the period's start or the key's shape (the codes
numbered in it), except that files added after the cached ones are merged in when the key's
shape is the same; `--id-map` joins participants at count time, so those runs do not keep
them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sspost.records.key import FirstKey
    from sspost.records.store import RecordStore

TABLE = "earliest"
_SHAPE = "earliest_shape"  # one row: what TABLE was made from (see `_shape`)
TABLES = (TABLE, _SHAPE)


def _shape(store: RecordStore, key: FirstKey) -> dict[str, Any]:
    files = store.con.execute(
        "SELECT fingerprint FROM staged_files ORDER BY file_idx").fetchall()
    return {"key": [list(part) for part in key.parts], "start": str(key.start),
            "empty": key.empty, "files": [str(f[0]) for f in files]}


def _kept_shape(store: RecordStore) -> dict[str, Any] | None:
    tables = {str(r[0]) for r in store.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()}
    if not set(TABLES) <= tables:
        return None
    row = store.con.execute(f"SELECT shape FROM {_SHAPE}").fetchone()
    return dict(json.loads(row[0])) if row else None


def keep(store: RecordStore, key: FirstKey, who: str, rows: str) -> None:
    """Make TABLE (who, first): `who` and the least `key` over `rows` (FROM and WHERE over
    `checked c`), unless the database file holds it for the same files and key already.

    When files were added to the cached ones and the key is the same (no new unit or staff
    code, the row ids as wide), only the added files' rows are ordered, and merged in."""
    shape, kept = _shape(store, key), _kept_shape(store)
    if kept == shape:
        return
    ordered = f"SELECT {who} AS who, min({key.sql}) AS first FROM {rows}"
    old_files = kept["files"] if kept else []
    if (kept is not None and {**kept, "files": []} == {**shape, "files": []}
            and shape["files"][:len(old_files)] == old_files):
        _merge(store, f"{ordered} AND c.file_idx >= {len(old_files)} GROUP BY ALL")
    else:
        store.con.execute(f"CREATE OR REPLACE TABLE {TABLE} AS {ordered} GROUP BY ALL")
    store.con.execute(f"CREATE OR REPLACE TABLE {_SHAPE} AS SELECT ? AS shape",
                      [json.dumps(shape)])


def _merge(store: RecordStore, added: str) -> None:
    """The added rows' earliest records into TABLE: an earlier one replaces a participant's,
    a new participant is added (both a few rows against rewriting every one)."""
    con = store.con
    con.execute(f"CREATE OR REPLACE TEMP TABLE earliest_added AS {added}")
    con.execute(f"UPDATE {TABLE} SET first = a.first FROM earliest_added a "
                f"WHERE {TABLE}.who = a.who AND a.first < {TABLE}.first")
    con.execute(f"INSERT INTO {TABLE} SELECT a.who, a.first FROM earliest_added a "
                f"LEFT JOIN {TABLE} e ON e.who = a.who WHERE e.who IS NULL")


def forget(store: RecordStore) -> None:
    """Drop the kept rows: the cached files were read anew."""
    for table in TABLES:
        store.con.execute(f"DROP TABLE IF EXISTS {table}")
