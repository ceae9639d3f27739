"""`--db`: each participant's earliest record by the whole tie rule, kept in the database file.

The order key is the day first (counting.FirstKey), so the earliest record over every day from
the period's start serves any as-of date (a participant is counted when that record's day is on
or before it), and, with the whole tie rule in it, every breakdown and the campaign days (the
unit, province and staff are read back from the key). A rerun on the same files reads these
rows instead of ordering every record again. The rows are made anew when anything they rest on
changes: the files (their fingerprints), the period's start or the key's shape (the codes
numbered in it); `--id-map` joins participants at count time, so those runs do not keep them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sspost.records.counting import FirstKey
    from sspost.records.store import RecordStore

TABLE = "earliest"
_SHAPE = "earliest_shape"  # one row: what TABLE was made from (see `_shape`)
TABLES = (TABLE, _SHAPE)


def _shape(store: RecordStore, key: FirstKey) -> str:
    files = store.con.execute(
        "SELECT coalesce(string_agg(fingerprint, ',' ORDER BY file_idx), '') "
        "FROM staged_files").fetchone()
    return json.dumps({"key": [list(part) for part in key.parts], "start": str(key.start),
                       "empty": key.empty, "files": files[0] if files else ""})


def _is_kept(store: RecordStore, shape: str) -> bool:
    tables = {str(r[0]) for r in store.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()}
    if not set(TABLES) <= tables:
        return False
    row = store.con.execute(f"SELECT shape FROM {_SHAPE}").fetchone()
    return row is not None and row[0] == shape


def keep(store: RecordStore, key: FirstKey, ordered: str) -> None:
    """Make TABLE (who, first) with `ordered`, the SELECT of it, unless the database file holds
    it for the same files and key already."""
    shape = _shape(store, key)
    if _is_kept(store, shape):
        return
    store.con.execute(f"CREATE OR REPLACE TABLE {TABLE} AS {ordered}")
    store.con.execute(f"CREATE OR REPLACE TABLE {_SHAPE} AS SELECT ? AS shape", [shape])


def forget(store: RecordStore) -> None:
    """Drop the kept rows: the cached files changed."""
    for table in TABLES:
        store.con.execute(f"DROP TABLE IF EXISTS {table}")
