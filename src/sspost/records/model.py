"""What reading the CSVs produces: reconciliation, bad rows and counts, as plain values."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sspost.problems import Problem, Severity

REASONS = ("field_count", "date", "program", "participant_id", "province", "participants",
           "encoding")


def mask(participant_id: str) -> str:
    """SPEC section 7: all but the last two characters hidden."""
    return "*" * max(len(participant_id) - 2, 0) + participant_id[-2:]


def redact(value: str) -> str:
    """A value shown in a message, masked when it could be an id (a run of 8 or more digits).

    Columns get mixed up in real exports: a date or program cell may hold someone's id.
    """
    return mask(value) if re.search(r"\d{8,}", value) else value


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
