"""`--db FILE`: the typed rows of a run kept in a DuckDB file, so that a rerun types only what
is new (the same year's files again with another --as-of, or with this month's file added).

A file's rows are reused when its bytes (sha256: every file is still checksummed) and the SQL
that typed them are the cached ones, file by file from the first. Files added after the cached
ones are read and appended. Any other change (a file edited, removed or moved in the order,
another plan or option) rebuilds the whole table: the figures do not depend on the order of
rows or files (SPEC section 4), but the row ids of each file stay consecutive and in its order,
which is how a rejected row's physical line is found.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sspost import __version__
from sspost.problems import UsageError
from sspost.records import earliest
from sspost.records.scan import Scan

if TYPE_CHECKING:
    import duckdb

_FILES = "staged_files"


@dataclass(frozen=True)
class CachedFile:
    fingerprint: str  # the file's bytes and the SQL that typed them
    first_rowid: int
    parsed_rows: int
    scan: Scan  # of the file's bytes: the same while its checksum is
    engine_rejects: dict[int, tuple[str, str]]  # physical line: why, text
    prepare: str = ""  # why it was read through records.prepare (its line map is made again)


def fingerprint(scan: Scan, staging: str, encoding: str) -> str:
    """What the cached rows of one file depend on: its bytes, and how they were read and typed
    (the SQL names the file's place in the order and the codes units are stored as)."""
    parts = [__version__, scan.sha256, staging, encoding]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def cached_files(con: duckdb.DuckDBPyConnection, path: str) -> list[CachedFile]:
    """The files whose rows the --db file at `path` holds, in order (none for a new file).

    A file holding anything else is refused, never rebuilt: its tables are somebody's data.
    """
    names = {str(r[0]) for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()}
    if not names:
        return []
    if not names <= {"checked", _FILES, *earliest.TABLES} or _FILES not in names:
        raise UsageError(f"--db {path} holds tables sspost did not write "
                         f"({', '.join(sorted(names - {_FILES})[:3])}); give it a file of "
                         "its own")
    if "checked" not in names:
        return []
    columns = {str(r[0]) for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [_FILES]).fetchall()}
    if not {"prepare", "sha256"} <= columns:
        return []  # written by an earlier sspost: made anew
    rows = con.execute(f"SELECT fingerprint, first_rowid, parsed_rows, sha256, lines, has_nul, "
                       f"bare_cr, engine_rejects, prepare FROM {_FILES} "
                       "ORDER BY file_idx").fetchall()
    return [CachedFile(str(fp), int(first), int(parsed),
                       Scan(str(sha), int(lines), bool(nul), bool(cr)),
                       {int(line): (why, text) for line, (why, text)
                        in json.loads(rejects).items()}, str(prepare))
            for fp, first, parsed, sha, lines, nul, cr, rejects, prepare in rows]


def rows_in_place(con: duckdb.DuckDBPyConnection, files: list[CachedFile]) -> bool:
    """The table still holds each cached file's rows where the metadata says."""
    found = {int(i): (int(first), int(n)) for i, first, n in con.execute(
        "SELECT file_idx, min(rowid), count(*) FROM checked GROUP BY file_idx").fetchall()}
    expected = {i: (f.first_rowid, f.parsed_rows) for i, f in enumerate(files)
                if f.parsed_rows}
    return found == expected


def reset(con: duckdb.DuckDBPyConnection) -> None:
    """An empty list of cached files, for a `checked` table made anew."""
    con.execute(f"CREATE OR REPLACE TABLE {_FILES} (file_idx INTEGER, fingerprint VARCHAR, "
                "first_rowid BIGINT, parsed_rows BIGINT, sha256 VARCHAR, lines BIGINT, "
                "has_nul BOOLEAN, bare_cr BOOLEAN, engine_rejects VARCHAR, prepare VARCHAR)")


def remember(con: duckdb.DuckDBPyConnection, index: int, fingerprint: str, first_rowid: int,
             parsed_rows: int, scanned: Scan, engine_rejects: dict[int, tuple[str, str]],
             prepare: str) -> None:
    con.execute(f"INSERT INTO {_FILES} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [index, fingerprint, first_rowid, parsed_rows, scanned.sha256, scanned.lines,
                 scanned.has_nul, scanned.bare_cr,
                 json.dumps({str(k): list(v) for k, v in engine_rejects.items()}), prepare])
