"""Reading participant CSVs into DuckDB and counting them (SPEC section 4).

All row work happens in the engine: one staging pass per file, one validating pass, one pass that
keeps each participant's earliest record per program. Python only touches rejected rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from sspost.problems import UsageError
from sspost.records.layout import CANONICAL, Layout, detect_layout, fold
from sspost.records.lines import line_of_offset, record_lines
from sspost.records.model import (
    REASONS,
    CampaignCount,
    Counts,
    FileReport,
    ProgramCount,
    Reconciliation,
    RejectedRow,
    mask,
)
from sspost.targets.model import TargetFile, Unit

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class ReadOptions:
    columns: dict[str, str] = field(default_factory=dict)
    date_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    max_errors: int = 100


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def province_codes() -> set[str]:
    """Every GSO province code, before and after the 1 July 2025 merger."""
    text = resources.files("sspost").joinpath("reference/provinces-2025.csv").read_text("utf-8")
    codes: set[str] = set()
    for line in text.splitlines()[1:]:
        fields = line.split(",")
        if len(fields) >= 3:
            codes.update((fields[0], fields[2]))
    return codes


def unit_codes(units: list[Unit]) -> set[str]:
    return {code for unit in units for code in (unit.code, *unit_codes(unit.units))}


def _sha256(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class RecordStore:
    """The records of one run, held in an in-memory DuckDB database."""

    def __init__(self, targets: TargetFile, options: ReadOptions | None = None) -> None:
        import duckdb  # imported here so that --help and validate never pay for it

        self.targets = targets
        self.options = options or ReadOptions()
        self.con: duckdb.DuckDBPyConnection = duckdb.connect()
        self.paths: list[str] = []
        self.layouts: list[Layout] = []
        self._engine_rejects: list[list[tuple[int, int, str]]] = []  # (line, fields, error)
        self._parsed_rows: list[int] = []
        self.con.execute(
            "CREATE TABLE raw (file_idx INTEGER, "
            + ", ".join(f"{name} VARCHAR" for name in CANONICAL) + ")"
        )
        names = [(fold(code), code) for code in targets.programs]
        names += [(fold(alias), code)
                  for code, program in targets.programs.items() for alias in program.aliases]
        self.con.execute("CREATE TABLE program_names (name VARCHAR PRIMARY KEY, code VARCHAR)")
        self.con.executemany("INSERT INTO program_names VALUES (?, ?)", sorted(set(names)))
        self.con.execute("CREATE TABLE provinces (code VARCHAR)")
        self.con.executemany("INSERT INTO provinces VALUES (?)",
                             [(c,) for c in sorted(province_codes())])

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
        self._validate()

    def _stage(self, path: str, layout: Layout) -> None:
        index = len(self.paths)
        self.paths.append(path)
        self.layouts.append(layout)
        types = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(layout.field_count)) + "}"
        select = ", ".join(
            f"c{layout.positions[name]}" if name in layout.positions else "NULL"
            for name in CANONICAL
        )
        before = self._row_count()
        self.con.execute(
            f"INSERT INTO raw SELECT {index}, {select} FROM read_csv({_lit(path)}, "
            f"columns={types}, header=true, auto_detect=false, delim={_lit(layout.delimiter)}, "
            "quote='\"', escape='\"', store_rejects=true, "
            f"rejects_table='rejects_{index}', rejects_scan='scans_{index}')"
        )
        self._parsed_rows.append(self._row_count() - before)
        errors = self.con.execute(
            f"SELECT line_byte_position, byte_position, error_type::VARCHAR, error_message "
            f"FROM rejects_{index} ORDER BY line_byte_position"
        ).fetchall()
        encoding_errors = [e for e in errors if e[2] == "INVALID ENCODING"]
        if encoding_errors:
            offset = int(encoding_errors[0][1])
            line = line_of_offset(path, [int(encoding_errors[0][0])])[int(encoding_errors[0][0])]
            raise UsageError(
                f"{path}:{line}: bytes that are not {layout.encoding} at byte offset {offset}; "
                "name the file's encoding with --encoding"
            )
        lines = line_of_offset(path, [int(e[0]) for e in errors])
        per_line: dict[int, str] = {}
        for start, _, _, message in errors:
            per_line.setdefault(lines[int(start)], str(message))
        self._engine_rejects.append(sorted((ln, layout.field_count, m)
                                           for ln, m in per_line.items()))

    def _row_count(self) -> int:
        row = self.con.execute("SELECT count(*) FROM raw").fetchone()
        return int(row[0]) if row else 0

    def _validate(self) -> None:
        aggregate = [i for i, layout in enumerate(self.layouts) if layout.aggregate] or [-1]
        date_format = self.options.date_format or self.targets.input.date_format
        parsed_date = "try_cast(trim(r.date) AS DATE)"
        if date_format:
            parsed_date = (f"coalesce({parsed_date}, "
                           f"try_strptime(trim(r.date), {_lit(date_format)})::DATE)")
        aggregate_list = ", ".join(map(str, aggregate))
        self.con.execute(f"""
            CREATE TABLE staged AS
            SELECT r.rowid AS seq, r.file_idx, r.file_idx IN ({aggregate_list}) AS aggregate,
                   trim(r.participant_id) AS pid, {parsed_date} AS d, p.code AS program,
                   trim(r.unit) AS unit, trim(r.province) AS province,
                   trim(r.staff_id) AS staff,
                   try_cast(trim(r.participants) AS BIGINT) AS n
            FROM raw r
            LEFT JOIN program_names p ON p.name = lower(nfc_normalize(trim(r.program)))
        """)
        self.con.execute("""
            CREATE TABLE checked AS
            SELECT s.*, CASE
                WHEN s.d IS NULL THEN 'date'
                WHEN s.program IS NULL THEN 'program'
                WHEN NOT s.aggregate AND (s.pid IS NULL
                     OR NOT regexp_full_match(s.pid, '[0-9]{10}|[0-9]{12}'))
                     THEN 'participant_id'
                WHEN s.province IS NOT NULL AND s.province NOT IN (SELECT code FROM provinces)
                     THEN 'province'
                WHEN s.aggregate AND (s.n IS NULL OR s.n < 0) THEN 'participants'
            END AS reason
            FROM staged s
        """)
        self.con.execute("DROP TABLE staged")

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
        self.con.execute("DROP TABLE IF EXISTS firsts")
        # Earliest record per participant and program; seq breaks date ties in file order.
        self.con.execute("""
            CREATE TABLE firsts AS
            SELECT program, pid, count(*) AS records,
                   arg_min({'d': d, 'unit': unit, 'province': province, 'staff': staff},
                           (d - DATE '1970-01-01')::BIGINT * 1099511627776 + seq) AS first
            FROM checked
            WHERE reason IS NULL AND NOT aggregate AND d BETWEEN $1 AND $2
            GROUP BY program, pid
        """, [start, as_of])
        self.con.execute("""
            CREATE OR REPLACE VIEW participants AS
            SELECT program, pid, first.d AS d, first.unit AS unit, first.province AS province,
                   first.staff AS staff, 1::BIGINT AS n FROM firsts
            UNION ALL
            SELECT program, NULL, d, unit, province, staff, n FROM checked
            WHERE reason IS NULL AND aggregate AND d BETWEEN $1 AND $2
        """.replace("$1", f"DATE '{start}'").replace("$2", f"DATE '{as_of}'"))
        return Counts(
            as_of=as_of,
            programs=self._program_counts(),
            reconciliation=self._reconcile(start, as_of),
            campaigns=self._campaigns(),
            unknown_units=self._unknown_units(),
        )

    def _program_counts(self) -> dict[str, ProgramCount]:
        rows = self.con.execute("""
            SELECT program, sum(n), count(*) FILTER (WHERE length(pid) = 10),
                   count(*) FILTER (WHERE length(pid) = 12)
            FROM participants GROUP BY program
        """).fetchall()
        found = {r[0]: r for r in rows}
        return {
            code: ProgramCount(code, int(found.get(code, (code, 0))[1] or 0),
                               int(found[code][2]) if code in found else 0,
                               int(found[code][3]) if code in found else 0)
            for code in self.targets.programs
        }

    def _reconcile(self, start: dt.date, as_of: dt.date) -> Reconciliation:
        per_file = dict.fromkeys(range(len(self.paths)), (0, 0, 0))
        for file_idx, accepted, rejected in self.con.execute(
            "SELECT file_idx, count(*) FILTER (WHERE reason IS NULL), "
            "count(*) FILTER (WHERE reason IS NOT NULL) FROM checked GROUP BY file_idx"
        ).fetchall():
            per_file[file_idx] = (int(accepted), int(rejected), 0)
        by_reason = dict.fromkeys(REASONS, 0)
        for reason, n in self.con.execute(
            "SELECT reason, count(*) FROM checked WHERE reason IS NOT NULL GROUP BY reason"
        ).fetchall():
            by_reason[reason] = int(n)
        by_reason["field_count"] += sum(len(r) for r in self._engine_rejects)
        row = self.con.execute("""
            SELECT count(*) FILTER (WHERE d NOT BETWEEN $1 AND $2),
                   count(*) FILTER (WHERE d BETWEEN $1 AND $2 AND aggregate)
            FROM checked WHERE reason IS NULL
        """, [start, as_of]).fetchone()
        outside, aggregate_rows = (int(row[0]), int(row[1])) if row else (0, 0)
        firsts = self.con.execute("SELECT count(*), coalesce(sum(records), 0) FROM firsts")
        people, records = (int(v) for v in firsts.fetchone() or (0, 0))
        files = []
        for i, path in enumerate(self.paths):
            accepted, rejected, _ = per_file[i]
            rejected += len(self._engine_rejects[i])
            layout = self.layouts[i]
            files.append(FileReport(path, accepted + rejected, accepted, rejected,
                                    layout.encoding, layout.delimiter, _sha256(path)))
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
            rejected_rows=self._rejected_rows(),
        )

    def _rejected_rows(self) -> list[RejectedRow]:
        limit = self.options.max_errors
        out: list[RejectedRow] = []
        for i, path in enumerate(self.paths):
            out += [RejectedRow(path, line, "field_count", message)
                    for line, _, message in self._engine_rejects[i][:limit]]
            rows = self.con.execute(
                "SELECT seq - (SELECT min(rowid) FROM raw WHERE file_idx = $1), reason, "
                "seq FROM checked WHERE file_idx = $1 AND reason IS NOT NULL "
                "ORDER BY seq LIMIT $2", [i, limit],
            ).fetchall()
            if not rows:
                continue
            lines = record_lines(path, self.layouts[i].delimiter, self._parsed_rows[i],
                                 {line for line, _, _ in self._engine_rejects[i]},
                                 [int(r[0]) for r in rows])
            raw = self._raw_values([int(r[2]) for r in rows])
            out += [RejectedRow(path, lines.get(int(index), 0), reason,
                                _reason_message(reason, raw[int(seq)], self._date_hint()))
                    for index, reason, seq in rows]
        order = {path: i for i, path in enumerate(self.paths)}
        return sorted(out, key=lambda r: (order[r.file], r.line))[:limit]

    def _raw_values(self, seqs: list[int]) -> dict[int, dict[str, Any]]:
        if not seqs:
            return {}
        names = ", ".join(CANONICAL)
        rows = self.con.execute(
            f"SELECT rowid, {names} FROM raw WHERE rowid IN ({', '.join(map(str, seqs))})"
        ).fetchall()
        return {int(r[0]): dict(zip(CANONICAL, r[1:], strict=True)) for r in rows}

    def _date_hint(self) -> str:
        date_format = self.options.date_format or self.targets.input.date_format
        return "YYYY-MM-DD" + (f" or {date_format}" if date_format else "")

    def _campaigns(self) -> list[CampaignCount]:
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
                has_staff = any("staff_id" in layout.positions for layout in self.layouts)
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


def _reason_message(reason: str, raw: dict[str, Any], date_hint: str) -> str:
    value = str(raw.get(reason) or "").strip()
    if reason == "date":
        if not value:
            return "missing date"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return f"no such date: {value}"
        return f"not a date in the form {date_hint}: {value!r}"
    if reason == "program":
        return f"unknown program {value!r}" if value else "missing program"
    if reason == "participant_id":
        if not value:
            return "missing participant_id"
        return f"participant_id must be 10 or 12 digits (got {mask(value)}, {len(value)} chars)"
    if reason == "province":
        return f"unknown province code {value!r}"
    return f"participants must be a whole number >= 0 (got {value!r})"
