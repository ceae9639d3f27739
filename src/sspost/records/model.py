"""What reading the CSVs produces: reconciliation, bad rows and counts, as plain values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sspost.problems import Problem, Severity

REASONS = ("field_count", "date", "program", "participant_id", "province", "participants",
           "encoding")


@dataclass(frozen=True)
class RejectedRow:
    file: str
    line: int
    reason: str
    message: str
    text: str | None = None  # the raw record, when the engine gave it (only for --rejects)
    span: tuple[int, int] = (0, 0)  # its first and last physical line

    def as_problem(self) -> Problem:
        return Problem(self.file, self.line, 1, Severity.ERROR, self.reason, self.message)


@dataclass(frozen=True)
class FileReport:
    path: str
    rows_read: int
    accepted: int
    rejected: int
    encoding: str
    delimiter: str
    sha256: str
    cached: bool = False  # its rows came from the --db file, not from reading it again
    prepared: str = ""  # why it was read line by line first (records.prepare), if it was
    sheet: str | None = None  # the sheet read, for a spreadsheet
    date_format: str | None = None  # the date format its non-ISO dates were read with


@dataclass(frozen=True)
class Reconciliation:
    """Every data row accounted for (SPEC section 4).

    rows_read = accepted + rejected; accepted = counted + outside_window + duplicate_records.
    """

    files: list[FileReport]
    rows_read: int
    accepted: int
    rejected: int
    counted: int
    outside_window: int
    duplicate_records: int
    rejected_by_reason: dict[str, int]
    rejected_rows: list[RejectedRow]


@dataclass(frozen=True)
class ProgramCount:
    program: str
    achieved: int
    social_insurance_codes: int
    personal_numbers: int


@dataclass(frozen=True)
class Counts:
    as_of: dt.date
    programs: dict[str, ProgramCount]
    reconciliation: Reconciliation
    unknown_units: dict[str, int] = field(default_factory=dict)
