"""What reading the CSVs produces: reconciliation, bad rows and counts, as plain values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sspost.catalogue import Notice
from sspost.problems import Problem, Severity


@dataclass(frozen=True)
class Reason:
    """Why a row is a bad row (SPEC section 4): one entry of the catalogue every checker,
    message and output format names rows by."""

    code: str
    column: str | None  # the canonical column whose value a message quotes

    @property
    def fix(self) -> Notice:
        """The likely fix, said when many rows are rejected for this reason."""
        return Notice(f"fix.{self.code}")

    @property
    def named(self) -> Notice:
        return Notice(f"reason.{self.code}")


# The stored reason of a row is its index here: new reasons go at the end.
REASON_CATALOGUE = (
    Reason("field_count", None),
    Reason("date", "date"),
    Reason("program", "program"),
    Reason("participant_id", "participant_id"),
    Reason("province", "province"),
    Reason("participants", "participants"),
    Reason("encoding", None),
    # `1.23457E+11`: a spreadsheet turned the id into a number and kept six digits of it.
    Reason("scientific_id", "participant_id"),
    # A number cell dropped an id's leading zeros: a personal number of Hà Nội (001...) then
    # looks like a 10-digit code, and would count one person twice (SPEC section 4, Reading).
    Reason("numeric_id", "participant_id"),
    # A cover that is not a real range: months of 0 or above 60, an end before the start, a
    # month or day that is none (SPEC section 5a).
    Reason("coverage", "coverage_from"),
    # A column the file repeats under one header (import sheets do) whose copies differ on the
    # row: which one holds the row's value is not known (SPEC section 4, Columns).
    Reason("repeated_column", None),
)
REASONS = tuple(reason.code for reason in REASON_CATALOGUE)
# The stored "reason" of a row under a form's `Giảm` section that is a good row: accepted, and
# never counted as enrolled (SPEC section 4, Forms). Not a reason for rejecting anything.
DECREASE = 255
REASON_BY_CODE = {reason.code: reason for reason in REASON_CATALOGUE}


@dataclass(frozen=True)
class RejectedRow:
    file: str
    line: int
    reason: str
    message: str
    text: str | None = None  # the raw record, when the engine gave it (only for --rejects)
    span: tuple[int, int] = (0, 0)  # its first and last physical line
    # The message in the catalogue's words, for people (`message` is its English, for JSON
    # and the rejects file).
    notice: Notice | None = None

    def said(self, lang: str) -> str:
        return self.notice.text(lang) if self.notice is not None else self.message

    def as_problem(self, lang: str = "en") -> Problem:
        return Problem(self.file, self.line, 1, Severity.ERROR, self.reason, self.said(lang))


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
    # The header taken for each canonical column, as written in the file.
    columns: dict[str, str] = field(default_factory=dict)
    # Rows that are not data (a form's title, header, numbering, sections, subtotals,
    # footer, notes, decreases), by kind; and what a form's title block gave every row.
    skipped: dict[str, int] = field(default_factory=dict)
    taken: dict[str, str] = field(default_factory=dict)
    number_ids: int = 0  # ids read from a spreadsheet's number cells (their zeros lost)
    grouped_ids: int = 0  # ids written in groups (`0123 456 789`), read as their digits
    skipped_lines: tuple[tuple[int, str], ...] = ()  # (line, kind) of rows that are not data
    repeated: tuple[str, ...] = ()  # headers of columns read that the file repeats


@dataclass(frozen=True)
class Reconciliation:
    """Every data row accounted for (SPEC section 4).

    rows_read = accepted + rejected;
    accepted = counted + outside_window + duplicate_records + decreases.
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
    decreases: int = 0  # accepted rows under a form's `Giảm`: people leaving, never counted


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
    # Codes that rows carrying both ids pair with more than one personal number (not joined).
    ambiguous_codes: int = 0
