"""Reading participant CSVs into DuckDB and counting them (SPEC section 4).

All row work happens in the engine: one staging pass per file, one validating pass, one pass that
keeps each participant's earliest record per program. Python touches only rejected rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sspost.problems import UsageError
from sspost.records.layout import CANONICAL, Layout, detect_layout, fold
from sspost.records.lines import Span, line_of_offset, read_spans, record_spans
from sspost.records.model import (
    REASONS,
    CampaignCount,
    Counts,
    FileReport,
    ProgramCount,
    Reconciliation,
    RejectedRow,
    redact,
)
from sspost.records.source import Scan, is_utf8, scan, transcode
from sspost.targets.model import TargetFile, Unit

if TYPE_CHECKING:
    import duckdb

# Earliest record first; seq (the row's place in the files as given) breaks ties in file order.
_FIRST_KEY = "(d - DATE '1970-01-01')::BIGINT * 1099511627776 + seq"
_ENGINE_MESSAGES = {"TOO MANY COLUMNS": "more fields than the header",
                    "MISSING COLUMNS": "fewer fields than the header",
                    "UNQUOTED VALUE": "a quote that does not close",
                    "LINE SIZE OVER MAXIMUM": "a line longer than the engine's maximum"}


@dataclass(frozen=True)
class ReadOptions:
    columns: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    id_map: str | None = None
    max_errors: int = 100


@dataclass
class _Source:
    path: str  # as the user gave it: every message names this
    read_path: str  # what the engine reads: a UTF-8 copy when the file is in another encoding
    layout: Layout
    scan: Scan
    parsed_rows: int = 0
    engine_rejects: dict[int, tuple[str, str]] = field(default_factory=dict)  # line: why, text


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def province_codes() -> set[str]:
    """Every GSO province code, before and after the 1 July 2025 merger."""
    text = resources.files("sspost").joinpath("reference/provinces-2025.csv").read_text("utf-8")
    rows = [line.split(",") for line in text.splitlines()[1:]]
    return {code for row in rows if len(row) >= 3 for code in (row[0], row[2])}


def unit_codes(units: list[Unit]) -> set[str]:
    return {code for unit in units for code in (unit.code, *unit_codes(unit.units))}


def csv_scan(read_path: str, layout: Layout, rejects_table: str) -> str:
    """The engine's scan of one UTF-8 file: every field as text, bad lines to `rejects_table`."""
    types = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(layout.field_count)) + "}"
    return (f"read_csv({_lit(read_path)}, columns={types}, header=true, auto_detect=false, "
            f"delim={_lit(layout.delimiter)}, quote='\"', escape='\"', store_rejects=true, "
            f"rejects_table='{rejects_table}', rejects_scan='{rejects_table}_scan')")


def read_rows(path: str, delimiter: str | None = None) -> list[list[str]]:
    """The header and fields of a UTF-8 file as the engine reads them (for tests and tools)."""
    import duckdb

    layout = detect_layout(path, {}, delimiter=delimiter, require=False)
    with duckdb.connect() as con:
        rows = con.execute("SELECT * FROM " + csv_scan(path, layout, "rejects")).fetchall()
    return [[value if value is not None else "" for value in row] for row in rows]


class RecordStore:
    """The records of one run, held in an in-memory DuckDB database. Use as a context manager."""

    def __init__(self, targets: TargetFile, options: ReadOptions | None = None) -> None:
        import duckdb  # here, so that --help and validate never pay for it

        self.targets = targets
        self.options = options or ReadOptions()
        self.sources: list[_Source] = []
        self._tmp = tempfile.TemporaryDirectory(prefix="sspost-")
        self.con: duckdb.DuckDBPyConnection = duckdb.connect()
        self._error = duckdb.Error
        self.con.execute(f"SET temp_directory = {_lit(self._tmp.name)}")
        columns = ", ".join(f"{name} VARCHAR" for name in CANONICAL)
        self.con.execute(f"CREATE TABLE raw (file_idx INTEGER, {columns})")
        names = {(fold(code), code) for code in targets.programs}
        names |= {(fold(alias), code)
                  for code, program in targets.programs.items() for alias in program.aliases}
        self.con.execute("CREATE TABLE program_names (name VARCHAR PRIMARY KEY, code VARCHAR)")
        self.con.executemany("INSERT INTO program_names VALUES (?, ?)", sorted(names))
        self.con.execute("CREATE TABLE provinces (code VARCHAR PRIMARY KEY)")
        self.con.executemany("INSERT INTO provinces VALUES (?)",
                             [(c,) for c in sorted(province_codes())])

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()
        self._tmp.cleanup()

    # -- reading ---------------------------------------------------------------------------
    def load(self, paths: list[str]) -> None:
        input_format = self.targets.input
        columns = {k: v for k, v in input_format.columns.model_dump().items() if v}
        columns.update(self.options.columns)
        for path in paths:
            layout = detect_layout(
                path, columns,
                encoding=self.options.encoding or input_format.encoding,
                delimiter=self.options.delimiter or input_format.delimiter,
            )
            self._stage(path, layout)
        self._load_id_map()
        self._validate()

    def _stage(self, path: str, layout: Layout) -> None:
        index = len(self.sources)
        read_path = path
        if not is_utf8(layout.encoding):
            read_path = str(Path(self._tmp.name) / f"{index}.csv")
            transcode(path, layout.encoding, Path(read_path))
        source = _Source(path, read_path, layout, scan(path))
        self.sources.append(source)
        select = ", ".join(f"c{layout.positions[name]}" if name in layout.positions else "NULL"
                           for name in CANONICAL)
        before = self._row_count()
        try:
            self.con.execute(f"INSERT INTO raw SELECT {index}, {select} FROM "
                             + csv_scan(read_path, layout, f"rejects_{index}"))
        except self._error as exc:
            raise UsageError(f"{path}: cannot read as CSV: {str(exc).splitlines()[0]}") from None
        source.parsed_rows = self._row_count() - before
        self._engine_rejects(source, index)

    def _engine_rejects(self, source: _Source, index: int) -> None:
        errors = self.con.execute(
            f"SELECT line_byte_position, byte_position, error_type::VARCHAR, csv_line "
            f"FROM rejects_{index} ORDER BY line_byte_position"
        ).fetchall()
        lines = line_of_offset(source.read_path, [int(e[0]) for e in errors])
        for start, _, kind, text in errors:
            line = lines[int(start)]
            if kind == "INVALID ENCODING":
                offset = _first_invalid_utf8(source.read_path, int(start))
                raise UsageError(
                    f"{source.path}:{line}: bytes that are not {source.layout.encoding} at "
                    f"byte offset {offset}; name the file's encoding with --encoding"
                )
            why = _ENGINE_MESSAGES.get(str(kind), str(kind).lower())
            source.engine_rejects.setdefault(line, (why, str(text or "")))

    def _row_count(self) -> int:
        row = self.con.execute("SELECT count(*) FROM raw").fetchone()
        return int(row[0]) if row else 0

    def _load_id_map(self) -> None:
        self.con.execute("CREATE TABLE id_map (old_id VARCHAR PRIMARY KEY, new_id VARCHAR)")
        path = self.options.id_map
        if path is None:
            return
        if not Path(path).is_file():
            raise UsageError(f"cannot open id map {path}")
        try:
            self.con.execute(f"""
                INSERT INTO id_map SELECT DISTINCT trim(old_id), trim(new_id)
                FROM read_csv({_lit(path)}, header=true, all_varchar=true)
            """)
        except self._error as exc:
            message = str(exc).splitlines()[0]
            raise UsageError(f"{path}: not an id map with columns old_id,new_id ({message})"
                             ) from None
        bad = self.con.execute("""
            SELECT count(*) FROM id_map WHERE NOT regexp_full_match(old_id, '[0-9]{10}')
                OR NOT regexp_full_match(coalesce(new_id, ''), '[0-9]{12}')
        """).fetchone()
        if bad and bad[0]:
            raise UsageError(f"{path}: {bad[0]} rows do not map a 10-digit code to a 12-digit "
                             "personal number")

    def _validate(self) -> None:
        aggregate = ", ".join(str(i) for i, s in enumerate(self.sources) if s.layout.aggregate)
        with_nul = ", ".join(str(i) for i, s in enumerate(self.sources) if s.scan.has_nul)
        date_format = self.options.date_format or self.targets.input.date_format
        parsed_date = "try_cast(trim(r.date) AS DATE)"
        if date_format:
            parsed_date = (f"coalesce({parsed_date}, "
                           f"try_strptime(trim(r.date), {_lit(date_format)})::DATE)")
        all_fields = " || ".join(f"coalesce(r.{name}, '')" for name in CANONICAL)
        self.con.execute(f"""
            CREATE TABLE checked AS
            WITH staged AS (
                SELECT r.rowid AS seq, r.file_idx, r.file_idx IN ({aggregate or -1}) AS aggregate,
                       r.file_idx IN ({with_nul or -1}) AND contains({all_fields}, chr(0))
                           AS has_nul,
                       trim(r.participant_id) AS given_id, {parsed_date} AS d,
                       p.code AS program, trim(r.unit) AS unit, trim(r.province) AS province,
                       trim(r.staff_id) AS staff,
                       CASE WHEN regexp_full_match(trim(r.participants), '-?[0-9]{{1,18}}')
                            THEN trim(r.participants)::BIGINT END AS n
                FROM raw r
                LEFT JOIN program_names p ON p.name = lower(nfc_normalize(trim(r.program)))
            )
            SELECT s.seq, s.file_idx, s.aggregate, coalesce(m.new_id, s.given_id) AS pid,
                   s.d, s.program, s.unit, s.province, s.staff, s.n,
                   CASE
                       WHEN s.has_nul THEN 'encoding'
                       WHEN s.d IS NULL THEN 'date'
                       WHEN s.program IS NULL THEN 'program'
                       WHEN NOT s.aggregate AND (s.given_id IS NULL OR
                            NOT regexp_full_match(s.given_id, '[0-9]{{10}}|[0-9]{{12}}'))
                            THEN 'participant_id'
                       WHEN s.province NOT IN (SELECT code FROM provinces)
                            THEN 'province'
                       WHEN s.aggregate AND (s.n IS NULL OR s.n < 0) THEN 'participants'
                   END AS reason
            FROM staged s LEFT JOIN id_map m ON m.old_id = s.given_id
        """)

    # -- counting --------------------------------------------------------------------------
    def default_as_of(self) -> dt.date | None:
        """The latest accepted record date inside the period, so a rerun is reproducible."""
        period = self.targets.period
        row = self.con.execute(
            "SELECT max(d) FROM checked WHERE reason IS NULL AND d BETWEEN ? AND ?",
            [period.start, period.end],
        ).fetchone()
        return row[0] if row else None

    def count(self, as_of: dt.date) -> Counts:
        start = self.targets.period.start
        window = f"d BETWEEN DATE '{start}' AND DATE '{as_of}'"
        self.con.execute(f"""
            CREATE OR REPLACE TABLE firsts AS
            SELECT program, pid, count(*) AS records,
                   arg_min({{'d': d, 'unit': unit, 'province': province, 'staff': staff}},
                           {_FIRST_KEY}) AS first
            FROM checked
            WHERE reason IS NULL AND NOT aggregate AND {window}
            GROUP BY program, pid
        """)
        # One row per participant (or per aggregate row): every breakdown groups this view.
        self.con.execute(f"""
            CREATE OR REPLACE VIEW participants AS
            SELECT program, pid, first.d AS d, first.unit AS unit, first.province AS province,
                   first.staff AS staff, 1::BIGINT AS n FROM firsts
            UNION ALL
            SELECT program, NULL, d, unit, province, staff, n FROM checked
            WHERE reason IS NULL AND aggregate AND {window}
        """)
        return Counts(
            as_of=as_of,
            programs=self._program_counts(),
            reconciliation=self._reconcile(window),
            campaigns=self._campaigns(),
            unknown_units=self._unknown_units(),
        )

    def _program_counts(self) -> dict[str, ProgramCount]:
        rows = self.con.execute("""
            SELECT program, sum(n), count(*) FILTER (WHERE length(pid) = 10),
                   count(*) FILTER (WHERE length(pid) = 12)
            FROM participants GROUP BY program
        """).fetchall()
        found = {str(r[0]): (int(r[1]), int(r[2]), int(r[3])) for r in rows}
        return {code: ProgramCount(code, *found.get(code, (0, 0, 0)))
                for code in self.targets.programs}

    def _reconcile(self, window: str) -> Reconciliation:
        per_file = {i: (0, 0) for i in range(len(self.sources))}
        for file_idx, accepted, rejected in self.con.execute(
            "SELECT file_idx, count(*) FILTER (WHERE reason IS NULL), "
            "count(*) FILTER (WHERE reason IS NOT NULL) FROM checked GROUP BY file_idx"
        ).fetchall():
            per_file[int(file_idx)] = (int(accepted), int(rejected))
        by_reason = dict.fromkeys(REASONS, 0)
        for reason, n in self.con.execute(
            "SELECT reason, count(*) FROM checked WHERE reason IS NOT NULL GROUP BY reason"
        ).fetchall():
            by_reason[str(reason)] = int(n)
        by_reason["field_count"] += sum(len(s.engine_rejects) for s in self.sources)
        row = self.con.execute(f"""
            SELECT count(*) FILTER (WHERE NOT ({window})),
                   count(*) FILTER (WHERE {window} AND aggregate)
            FROM checked WHERE reason IS NULL
        """).fetchone()
        outside, aggregate_rows = (int(row[0]), int(row[1])) if row else (0, 0)
        totals = self.con.execute("SELECT count(*), coalesce(sum(records), 0) FROM firsts")
        people, records = (int(v) for v in totals.fetchone() or (0, 0))
        files = []
        for i, source in enumerate(self.sources):
            accepted, rejected = per_file[i]
            rejected += len(source.engine_rejects)
            files.append(FileReport(source.path, accepted + rejected, accepted, rejected,
                                    source.layout.encoding, source.layout.delimiter,
                                    source.scan.sha256))
        accepted_total = sum(f.accepted for f in files)
        rejected_total = sum(f.rejected for f in files)
        return Reconciliation(
            files=files,
            rows_read=accepted_total + rejected_total,
            accepted=accepted_total,
            rejected=rejected_total,
            counted=people + aggregate_rows,
            outside_window=outside,
            duplicate_records=records - people,
            rejected_by_reason={k: v for k, v in by_reason.items() if v},
            rejected_rows=self.rejected_rows(self.options.max_errors),
        )

    def rejected_rows(self, limit: int | None) -> list[RejectedRow]:
        """Bad rows in file order, with their physical lines and raw text, up to `limit`."""
        out: list[RejectedRow] = []
        for i, source in enumerate(self.sources):
            engine = sorted(source.engine_rejects.items())[:limit]
            out += [RejectedRow(source.path, line, "field_count", why, text, (line, line))
                    for line, (why, text) in engine]
            first_seq = self.con.execute("SELECT min(rowid) FROM raw WHERE file_idx = ?",
                                         [i]).fetchone()
            rows = self.con.execute(
                "SELECT seq, reason FROM checked WHERE file_idx = ? AND reason IS NOT NULL "
                "ORDER BY seq" + ("" if limit is None else f" LIMIT {int(limit)}"), [i],
            ).fetchall()
            if not rows or not first_seq:
                continue
            offset = int(first_seq[0])
            spans = record_spans(
                source.read_path, source.layout.delimiter,
                physical_lines=source.scan.lines, parsed_rows=source.parsed_rows,
                engine_rejected=set(source.engine_rejects), wanted=[int(s) - offset
                                                                    for s, _ in rows],
            )
            raw = self._raw_values([int(s) for s, _ in rows])
            for seq, reason in rows:
                span = spans.get(int(seq) - offset, (0, 0))
                message = _reason_message(str(reason), raw[int(seq)], self._date_hint())
                out.append(RejectedRow(source.path, span[0], str(reason), message, None, span))
        order = {source.path: i for i, source in enumerate(self.sources)}
        out.sort(key=lambda r: (order[r.file], r.line))
        return out if limit is None else out[:limit]

    def write_rejects(self, target: str) -> int:
        """Every rejected row as it was, plus file, line and reason. Returns the row count."""
        rows = self.rejected_rows(None)
        texts: dict[tuple[str, Span], str] = {}
        for source in self.sources:
            spans = [r.span for r in rows if r.file == source.path and r.text is None]
            texts.update({(source.path, span): text
                          for span, text in read_spans(source.read_path, spans).items()})
        try:
            with open(target, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(["file", "line", "reason", "message", "record"])
                for r in rows:
                    text = r.text if r.text is not None else texts.get((r.file, r.span), "")
                    writer.writerow([r.file, r.line, r.reason, r.message, text])
        except OSError as exc:
            raise UsageError(f"cannot write rejects file {target}: {exc.strerror}") from None
        return len(rows)

    def _raw_values(self, seqs: list[int]) -> dict[int, dict[str, Any]]:
        if not seqs:
            return {}
        self.con.execute("CREATE OR REPLACE TEMP TABLE wanted (seq BIGINT)")
        self.con.executemany("INSERT INTO wanted VALUES (?)", [(s,) for s in seqs])
        rows = self.con.execute(
            f"SELECT rowid, {', '.join(CANONICAL)} FROM raw "
            "WHERE rowid IN (SELECT seq FROM wanted)"
        ).fetchall()
        return {int(r[0]): dict(zip(CANONICAL, r[1:], strict=True)) for r in rows}

    def _date_hint(self) -> str:
        date_format = self.options.date_format or self.targets.input.date_format
        return "YYYY-MM-DD" + (f" or {date_format}" if date_format else "")

    def _campaigns(self) -> list[CampaignCount]:
        has_staff = any("staff_id" in s.layout.positions for s in self.sources)
        out = []
        for campaign in self.targets.campaigns:
            for program, quota in campaign.per_staff.items():
                row = self.con.execute("""
                    SELECT count(staff), count(staff) FILTER (WHERE people >= $3),
                           coalesce(sum(people), 0)
                    FROM (SELECT staff, sum(n) AS people FROM participants
                          WHERE program = $1 AND d = $2 GROUP BY staff)
                """, [program, campaign.date, quota]).fetchone()
                seen, met, signed = (int(v) for v in row or (0, 0, 0))
                out.append(CampaignCount(campaign.name, campaign.date, program, quota,
                                         seen if has_staff else None,
                                         met if has_staff else None, signed))
        return out

    def _unknown_units(self) -> dict[str, int]:
        known = unit_codes(self.targets.units)
        if not known:
            return {}  # a plan without a unit tree has nothing to check codes against
        self.con.execute("CREATE OR REPLACE TEMP TABLE known_units (code VARCHAR)")
        self.con.executemany("INSERT INTO known_units VALUES (?)", [(c,) for c in sorted(known)])
        rows = self.con.execute("""
            SELECT unit, sum(n) FROM participants
            WHERE unit IS NOT NULL AND unit NOT IN (SELECT code FROM known_units)
            GROUP BY unit ORDER BY unit
        """).fetchall()
        return {str(unit): int(n) for unit, n in rows}


def _first_invalid_utf8(path: str, near: int) -> int:
    """Byte offset of the first byte that is not UTF-8, from the line the engine pointed at."""
    base = max(near - 2, 0)
    with open(path, "rb") as handle:
        handle.seek(base)
        chunk = handle.read(1 << 16)
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        return base + exc.start
    return near


def _reason_message(reason: str, raw: dict[str, Any], date_hint: str) -> str:
    value = str(raw.get(reason) or "").strip()
    shown = redact(value)
    if reason == "encoding":
        return "a NUL byte in the row"
    if reason == "date":
        if not value:
            return "missing date"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return f"no such date: {value}"
        return f"not a date in the form {date_hint}: {shown!r}"
    if reason == "program":
        return f"unknown program {shown!r}" if value else "missing program"
    if reason == "participant_id":
        if not value:
            return "missing participant_id"
        return f"participant_id must be 10 or 12 digits (got {shown}, {len(value)} characters)"
    if reason == "province":
        return f"unknown province code {shown!r}"
    if not value:
        return "missing participants count"
    return f"participants must be a whole number >= 0 (got {shown!r})"
