"""--id-map: old 10-digit codes and the 12-digit personal numbers they became (SPEC section 4),
read and checked by the engine into the `id_map` table of integer keys."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sspost.problems import UsageError
from sspost.records.sql import lit
from sspost.records.staging import PERSONAL_NUMBER_OFFSET

if TYPE_CHECKING:
    import duckdb


def load(con: duckdb.DuckDBPyConnection, path: str | None, error: Any) -> None:
    """The --id-map file as integer keys, read and checked by the engine (it may be large)."""
    con.execute("CREATE TEMP TABLE id_map (old_pid BIGINT, new_pid BIGINT)")
    if path is None:
        return
    if not Path(path).is_file():
        raise UsageError.of("id_map_missing", path=path)
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
        raise UsageError.of("not_an_id_map", path=path,
                            why=str(exc).splitlines()[0]) from None
    bad, ambiguous = (int(row[0]), int(row[1])) if row else (0, 0)
    if bad:
        raise UsageError.of("id_map_rows", path=path, bad=str(bad))
    if ambiguous:
        raise UsageError.of("id_map_twice", path=path, ambiguous=str(ambiguous))
    con.execute(f"INSERT INTO id_map SELECT old_id::BIGINT, "
                f"new_id::BIGINT + {PERSONAL_NUMBER_OFFSET} FROM ({pairs})")


def add_pairs(con: duckdb.DuckDBPyConnection) -> tuple[bool, int]:
    """The (code, personal number) pairs of rows that carry both ids, into `id_map`, joining
    the two across every file of the run (SPEC section 4, Two ids on one row). An --id-map
    entry wins over a pair; a code paired with several numbers joins none of them.

    Returns whether any pair was added, and how many codes were paired with several numbers.
    """
    con.execute("""
        CREATE OR REPLACE TEMP TABLE id_pairs AS
        SELECT paired AS old_pid, min(pid) AS new_pid, count(DISTINCT pid) AS numbers
        FROM checked WHERE paired IS NOT NULL AND reason IS NULL
          AND paired NOT IN (SELECT old_pid FROM id_map)
        GROUP BY paired""")
    con.execute("INSERT INTO id_map SELECT old_pid, new_pid FROM id_pairs WHERE numbers = 1")
    row = con.execute("SELECT count(*) FILTER (WHERE numbers = 1), "
                      "count(*) FILTER (WHERE numbers > 1) FROM id_pairs").fetchone()
    return (bool(row[0]), int(row[1])) if row else (False, 0)
