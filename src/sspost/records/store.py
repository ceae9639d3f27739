"""The records of one run in a DuckDB database: the connection, the engine's settings, the
per-run code tables, and what was read of each file.

The bottom of `records/`: it knows no step. Reading (loading), counting, the breakdowns
(dimensions), the rejected rows (rejects), the sanity checks (sanity) and the --db cache
(cache, earliest) are modules above it, each a set of functions over a store.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING

from sspost.problems import UsageError
from sspost.provinces import merged_into
from sspost.records.layout import Layout
from sspost.records.prepare import Prepared
from sspost.records.scan import Scan
from sspost.records.sql import day, lit
from sspost.records.staging import BASE_COLUMNS, CHECKED_COLUMNS, Rules
from sspost.targets.model import unit_aliases, unit_codes
from sspost.text import fold

if TYPE_CHECKING:
    import duckdb

    from sspost.targets.model import TargetFile

__all__ = ["ReadOptions", "RecordStore", "Source"]

# Measured on 20M rows: 512 MB keeps the whole process near 0.7 GB for 11% more time than 1 GB
# (1.1-1.3 GB); beyond the limit the engine spills to a temporary directory.
DEFAULT_MEMORY_LIMIT = "512MB"


# The stages told to ReadOptions.on_progress.
READING, COUNTING, DONE = "reading", "counting", "done"


@dataclass(frozen=True)
class ReadOptions:
    columns: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    id_map: str | None = None
    max_errors: int = 100
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int | None = None
    # Told (stage, file, fraction) as the run goes: READING each file (from 0 as it starts),
    # then COUNTING, then DONE; the CLI draws a bar with it.
    on_progress: Callable[[str, str, float], None] | None = None
    # Columns a breakdown will group on, kept for every row (unit, province or staff).
    breakdown_columns: frozenset[str] = frozenset()
    db: str | None = None  # --db: a DuckDB file keeping the typed rows between runs
    sheet: str | None = None  # --sheet: the spreadsheet sheet read (default: the first)
    member: str | None = None  # --member: the file read from a zip holding several
    program: str | None = None  # --program: the program of rows in files without the column
    covers: bool = False  # keep each record's cover (renewals, SPEC section 5a)


@dataclass
class Source:
    """One input file as read."""

    path: str  # as the user gave it: every message names this
    read_path: str  # what the engine reads: a UTF-8 copy when the file is in another encoding
    layout: Layout
    scan: Scan
    parsed_rows: int = 0
    first_rowid: int = 0
    engine_rejects: dict[int, tuple[str, str]] = field(default_factory=dict)  # line: why, text
    cached: bool = False  # rows reused from the --db file
    prepared: Prepared | None = None  # read through records.prepare, with its line map


# Every table the engine makes, in one place. Temporary unless said ("kept by --db": in the
# database file).
TABLES = {
    "provinces": "province codes, old and new; a stored province is its row (idx)",
    "units": "the plan's unit codes; a stored unit is its row (idx)",
    "checked": "every typed row, in file order (rowid), with its reason when rejected "
               "(loading, staging); kept by --db",
    "staged_files": "the files whose rows `checked` holds, with fingerprints (cache); kept by "
                    "--db",
    "rejects_N, rejects_N_scan": "lines the engine's CSV parser set aside in file N",
    "id_map": "--id-map: old 10-digit codes and the 12-digit numbers they became, and the "
              "pairs of rows that carry both (id_map.add_pairs)",
    "id_pairs": "each code of a row carrying both ids, and its personal numbers",
    "row_counts": "rows by file, reason and day (loading.load)",
    "firsts": "each participant's earliest record per program in the window (counting.count)",
    "earliest, earliest_shape": "with --db (no --id-map): each participant's earliest record "
                                "by the whole tie rule from the period's start, and what it "
                                "was made from (earliest); kept by --db",
    "earliest_added": "the earliest records of files added to the cached ones, merged into "
                      "`earliest` (earliest._merge)",
    "aggregate_rows": "a view: accepted rows of count files in the window",
    "unit_code_of_place, unit_place_of_text, province_code_of_place, staff_codes":
        "the tie rule's places of codes in code point order (tie_rule._tie_parts; suffixed for "
        "the campaign rows); a code stored by its row finds its place in a list (sql.at_row)",
    "campaign_rows": "accepted records of campaign days (dimensions.campaign_staff_counts)",
}


def insert_rows(con: duckdb.DuckDBPyConnection, table: str,
                rows: list[tuple[object, ...]]) -> None:
    """Rows into a small table in one statement, a list per column: a row at a time costs a
    round trip each (97 provinces: 47 ms one by one, 4 ms in one)."""
    if rows:
        columns = [list(column) for column in zip(*rows, strict=True)]
        con.execute(f"INSERT INTO {table} SELECT {', '.join(['unnest(?)'] * len(columns))}",
                    columns)


class RecordStore:
    """The records of one run in a DuckDB database: the connection, its settings and the code
    tables. Reading, counting and rejects are functions over it (loading, counting, rejects);
    use it as a context manager."""

    def __init__(self, targets: TargetFile, options: ReadOptions | None = None) -> None:
        import duckdb  # here, so that --help and validate never pay for it

        self.targets = targets
        self.options = options or ReadOptions()
        self.programs = list(targets.programs)
        self.sources: list[Source] = []
        self.columns: tuple[str, ...] = BASE_COLUMNS  # of `checked`: see load
        # The tie rule's parts of the order key, by the rows they rank (tie_rule.first_key).
        self._tie_parts: dict[str, tuple[list[tuple[str, str, int]], dict[str, int]]] = {}
        self.rewritten: dict[int, Prepared] = {}  # files records.prepare rewrote, by index
        # Rows carrying both ids joined the two in `id_map` (loading); codes paired with
        # several personal numbers, joined to none (a warning).
        self.joined_ids = False
        self.ambiguous_codes = 0
        self._tmp = tempfile.TemporaryDirectory(prefix="sspost-")
        self.folder = self._tmp.name  # the run's scratch files, and where the engine spills
        self.error = duckdb.Error  # imported late: --help and validate never pay for it
        self._out_of_memory = duckdb.OutOfMemoryException
        self._io_error = duckdb.IOException
        if self.options.db and os.path.isfile(self.options.db) \
                and os.path.getsize(self.options.db) == 0:
            # What a run stopped by a full disk leaves: no data, and no database to open.
            os.unlink(self.options.db)
        try:
            self.con: duckdb.DuckDBPyConnection = duckdb.connect(self.options.db or ":memory:")
        except duckdb.Error as exc:
            self._tmp.cleanup()
            raise UsageError(f"cannot use --db {self.options.db}: "
                             f"{str(exc).splitlines()[0]}") from None
        try:
            self.con.execute(f"SET memory_limit = {lit(self.options.memory_limit)}")
            threads = self.options.threads or min(os.cpu_count() or 1, 8)
            self.con.execute(f"SET threads = {int(threads)}")
        except self.error as exc:
            self.close()
            raise UsageError(f"engine setting refused: {str(exc).splitlines()[0]}") from None
        merged = merged_into()
        provinces = tuple(sorted(merged))
        units = tuple(sorted(unit_codes(targets.units)))
        try:
            self._create_tables(merged, provinces, units)
        except self.error as exc:
            self.close()
            if self.is_out_of_memory(exc):
                raise self._memory_error() from None
            raise
        spellings = {code: i for i, code in enumerate(self.programs)}
        for i, program in enumerate(targets.programs.values()):
            spellings.update({alias: i for alias in program.aliases})
        names = {fold(name): i for name, i in spellings.items()}
        date_format = self.options.date_format or targets.input.date_format
        self.rules = Rules(names, date_format, self._kept_columns(), spellings,
                           unit_codes=units, province_codes=provinces,
                           unit_aliases=tuple((alias, units.index(code)) for alias, code
                                              in sorted(unit_aliases(targets.units).items())),
                           coverage_months=tuple(
                               (self.programs.index(code), months) for code, months
                               in targets.renewals.coverage_months.items()
                               if code in self.programs))

    def _create_tables(self, merged: dict[str, str], provinces: tuple[str, ...],
                       units: tuple[str, ...]) -> None:
        """The engine's settings and per-run tables; a code's row is its index in the codes."""
        self.con.execute(f"SET temp_directory = {lit(self.folder)}")
        # Progress is tracked for our own bar (query_progress) but never printed by the engine.
        self.con.execute("SET enable_progress_bar = true")
        self.con.execute("SET enable_progress_bar_print = false")
        self.con.execute("SET progress_bar_time = 100")
        # Valid province codes (old and new) and the province each is part of from 2025-07-01.
        # Per-run tables are temporary: with --db, only `checked` and its file list persist.
        self.con.execute("CREATE TEMP TABLE provinces (idx UTINYINT, code VARCHAR PRIMARY KEY, "
                         "new_code VARCHAR)")
        insert_rows(self.con, "provinces",
                    [(i, code, merged[code]) for i, code in enumerate(provinces)])
        self.con.execute("CREATE TEMP TABLE units (idx INTEGER, code VARCHAR PRIMARY KEY)")
        if units:
            insert_rows(self.con, "units", list(enumerate(units)))

    def is_out_of_memory(self, exc: BaseException | None) -> bool:
        # A failed commit reports the allocation that failed as a transaction error.
        return isinstance(exc, self._out_of_memory) or (
            isinstance(exc, self.error) and "could not allocate" in str(exc))

    def _memory_error(self) -> UsageError:
        return UsageError(f"the engine ran out of memory within --memory-limit "
                          f"{self.options.memory_limit} (and the disk it spills to); give it "
                          "more, e.g. --memory-limit 2GB")

    def _kept_columns(self) -> dict[str, str]:
        """What the run reads of unit, province, staff and time of day (see staging.Rules).

        A participant belongs to their earliest record, ties broken by time of day, then the
        smallest unit, province and staff id (SPEC section 4): a breakdown by one of these keeps
        it and every one before it in that order, and the time; campaign days keep them all
        for the rows of those days only.
        """
        order = ("unit", "province", "staff")
        keep: dict[str, str] = {}
        for column in self.options.breakdown_columns:
            keep |= dict.fromkeys((*order[:order.index(column) + 1], "secs"), "all")
        if self.options.db:  # a cache serves every breakdown of later runs
            keep = dict.fromkeys((*order, "secs"), "all")
        if self.targets.campaigns:
            days = ", ".join(day(c.date) for c in self.targets.campaigns)
            for column in (*order, "secs"):
                keep.setdefault(column, f"d IN ({days})")
        if self.options.covers or self.options.db:  # a cache serves renewals too
            keep |= dict.fromkeys(("cover_from", "cover_to"), "all")
        if "unit" in keep and not self.targets.units:  # no tree: ties compare units as text
            keep["unit_text"] = keep["unit"]
        return keep

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
        if self.is_out_of_memory(value):  # from any query of the run
            raise self._memory_error() from None
        if self.options.db and isinstance(value, self._io_error):  # a damaged or full --db
            raise UsageError(f"--db {self.options.db}: {str(value).splitlines()[0]}; if the "
                             "file is damaged, delete it and run again to make it anew"
                             ) from None

    def close(self) -> None:
        self.con.close()
        self._tmp.cleanup()

    def tie_parts(self, table: str, make: Callable[[dict[str, int]], list[tuple[str, str, int]]],
                  ) -> tuple[list[tuple[str, str, int]], dict[str, int]]:
        """The tie rule's parts over `table`, made once per load (`make` fills the places of
        empty values it is given): the same for every count of the rows loaded."""
        if table not in self._tie_parts:
            places: dict[str, int] = {}
            self._tie_parts[table] = (make(places), places)
        return self._tie_parts[table]

    def forget_tie_parts(self) -> None:
        """New rows: the tie rule's codes are worked out again."""
        self._tie_parts = {}

    def column(self, name: str, table: str = "") -> str:
        """SQL for a column of `checked` (qualified by `table`), NULL when the run stores none."""
        if name in self.columns:
            return f"{table}.{name}" if table else name
        return f"NULL::{CHECKED_COLUMNS[name]}"

    def aggregate_files(self) -> list[int]:
        return [i for i, source in enumerate(self.sources) if source.layout.aggregate]
