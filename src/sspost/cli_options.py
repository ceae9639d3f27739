"""Options shared by the commands: choices, option types, and turning them into settings.

Option values that cannot be used raise UsageError, which the CLI prints as one line (exit 2).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer

from sspost import input_format
from sspost.problems import UsageError

if TYPE_CHECKING:
    from sspost.records import ReadOptions


class ProgressFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


_BY_EXTENSION = {".json": ProgressFormat.json, ".csv": ProgressFormat.csv,
                 ".md": ProgressFormat.markdown, ".markdown": ProgressFormat.markdown,
                 ".xlsx": ProgressFormat.xlsx}


def progress_format(named: ProgressFormat | None, output: Path | None) -> ProgressFormat:
    """--format, else the --output file's extension (SPEC section 6), else a table."""
    chosen = named or (_BY_EXTENSION.get(output.suffix.lower()) if output else None)
    chosen = chosen or ProgressFormat.table
    if chosen is ProgressFormat.xlsx and output is None:
        raise UsageError.of("xlsx_needs_output")
    return chosen


class Lang(StrEnum):
    en = "en"
    vi = "vi"


class By(StrEnum):
    unit = "unit"
    province = "province"
    month = "month"
    staff = "staff"


class Sort(StrEnum):
    auto = "auto"
    pace = "pace"
    achieved = "achieved"
    code = "code"


class FailOn(StrEnum):
    behind = "behind"
    at_risk = "at_risk"


class CheckFormat(StrEnum):
    text = "text"
    github = "github"
    json = "json"


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class ProblemFormat(StrEnum):
    auto = "auto"
    text = "text"
    github = "github"
    json = "json"


def parse_date(value: str | None, option: str) -> dt.date | None:
    """A date as YYYY-MM-DD, or dd/mm/yyyy as Vietnamese outputs write it."""
    return None if value is None else input_format.day(value, option)


def parse_columns(pairs: list[str]) -> dict[str, str]:
    from sspost.records import CANONICAL

    columns = {}
    for pair in pairs:
        name, sep, header = pair.partition("=")
        if not sep or name.strip() not in CANONICAL:
            raise UsageError.of("column_option", pair=repr(pair), names=", ".join(CANONICAL))
        columns[name.strip()] = header
    return columns


def delimiter_option(value: str | None) -> str | None:
    try:
        return None if value is None else input_format.delimiter(value)
    except ValueError as exc:
        raise UsageError(f"--delimiter {exc}") from None


def date_format_option(value: str | None) -> str | None:
    try:
        return None if value is None else input_format.date_format(value)
    except ValueError as exc:
        raise UsageError(f"--date-format {exc}") from None


# The --help panels, common ones first.
COUNTING = "What to count"
OUTPUT = "Output"
READING = "Reading the exports"
ENGINE = "Engine"

AsOf = Annotated[str | None, typer.Option(
    "--as-of", metavar="DATE",
    help="Report date YYYY-MM-DD or dd/mm/yyyy (default: the latest record date in the "
    "period).",
    rich_help_panel=COUNTING)]
Columns = Annotated[list[str] | None, typer.Option(
    "--column", metavar="CANONICAL=HEADER",
    help="Map a header onto a column: CANONICAL=Header (repeatable).", rich_help_panel=READING)]
DateFormat = Annotated[str | None, typer.Option(
    "--date-format", metavar="FORMAT", help='Another accepted date format, e.g. "%d/%m/%Y".',
    rich_help_panel=READING)]
Delimiter = Annotated[str | None, typer.Option(
    "--delimiter", metavar="CHAR",
    help="Field delimiter: , ; | or tab (default: detected from the header).",
    rich_help_panel=READING)]
Encoding = Annotated[str | None, typer.Option(
    "--encoding", metavar="NAME",
    help="Encoding of the CSVs, e.g. windows-1258 (default: UTF-8, or UTF-16 "
    "with a byte-order mark).", rich_help_panel=READING)]
IdMap = Annotated[Path | None, typer.Option(
    "--id-map", metavar="FILE",
    help="CSV old_id,new_id: a 10-digit code and the 12-digit number replacing it.",
    rich_help_panel=READING)]
def _between(low: int, high: int | None = None) -> Callable[[int | None], int | None]:
    """A whole-number option's range, checked here: Typer's own `min` and `max` write
    `[x>=1]` into --help, where the option's help already says what it takes."""
    def check(value: int | None) -> int | None:
        if value is not None and (value < low or (high is not None and value > high)):
            said = f"{low} or more" if high is None else f"from {low} to {high}"
            raise typer.BadParameter(f"{value} is not {said}")
        return value
    return check


MaxErrors = Annotated[int, typer.Option(
    "--max-errors", metavar="N", callback=_between(0),
    help="Bad rows listed in JSON (and at most 20 on stderr).", rich_help_panel=OUTPUT)]
Rejects = Annotated[Path | None, typer.Option(
    "--rejects", metavar="FILE",
    help="Write every rejected row here, as it was, with file, line and reason.",
    rich_help_panel=OUTPUT)]
Strict = Annotated[bool, typer.Option("--strict", metavar="", help="Exit 1 on any bad row.",
    rich_help_panel=OUTPUT)]
MemoryLimit = Annotated[str | None, typer.Option(
    "--memory-limit", metavar="SIZE",
    help="Engine memory limit, e.g. 1GB (default: 512MB); beyond it the "
    "engine spills to a temporary directory.", rich_help_panel=ENGINE)]
Sheet = Annotated[str | None, typer.Option(
    "--sheet", metavar="NAME", help="The sheet read from spreadsheet files (default: the "
    "first).", rich_help_panel=READING)]
ProgramOption = Annotated[str | None, typer.Option(
    "--program", metavar="CODE",
    help="The program of every row of files that have no program column (a form's comes from "
    "the plan's input.forms).", rich_help_panel=READING)]
Member = Annotated[str | None, typer.Option(
    "--member", metavar="NAME", help="The file read from a .zip that holds several.",
    rich_help_panel=READING)]
Threads = Annotated[int | None, typer.Option(
    "--threads", metavar="N",
    callback=_between(1, 1024), help="Engine threads (default: the CPU count, at most 8; "
    "never more than the CPU count).", rich_help_panel=ENGINE)]
BaselineData = Annotated[list[str] | None, typer.Option(
    "--baseline-data", metavar="FILE",
    help="Last year's exports, to compare with last year at the same day; repeat the option "
    "for more files, or give a quoted pattern ('exports/2024-*.csv'). With --db, their rows "
    "are kept beside it in FILE.last-year.", rich_help_panel=COUNTING)]
Db = Annotated[Path | None, typer.Option(
    "--db", metavar="FILE",
    help="Keep the typed rows in this DuckDB file: a rerun parses only files that are "
    "new or changed (e.g. another --as-of, or this month's file added).", rich_help_panel=ENGINE)]

OutputFile = Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="Write here, not stdout.",
                                                rich_help_panel=OUTPUT)]
Bom = Annotated[bool, typer.Option(
    "--bom", metavar="", help="--format csv: start with a UTF-8 byte-order mark, so that Excel "
    "shows Vietnamese letters right.", rich_help_panel=OUTPUT)]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language for people.",
                                          rich_help_panel=OUTPUT)]
ProgressFormatOption = Annotated[ProgressFormat | None, typer.Option(
    "--format", "-f", help="Default: from the --output extension (.json .csv .md .xlsx), "
    "else table.", rich_help_panel=OUTPUT)]
FailOnOption = Annotated[FailOn | None, typer.Option(
    "--fail-on", help="Exit 1 when a program is at this status or worse.",
    rich_help_panel=OUTPUT)]
ByOption = Annotated[By | None, typer.Option("--by", help="Add a breakdown.",
                                             rich_help_panel=COUNTING)]
Depth = Annotated[int | None, typer.Option(
    "--depth", metavar="N", callback=_between(1),
    help="Levels of the unit tree shown (--by unit).", rich_help_panel=COUNTING)]
SortOption = Annotated[Sort, typer.Option(
    "--sort", help="Row order: auto is laggards first (lowest pace, or fewest "
    "participants), months in order.", rich_help_panel=COUNTING)]
Limit = Annotated[int | None, typer.Option(
    "--limit", metavar="N", callback=_between(1),
    help="--by staff: only the N lowest and N highest.", rich_help_panel=COUNTING)]
Staff = Annotated[Path | None, typer.Option(
    "--staff", metavar="FILE",
    help="Roster CSV (staff_id, unit): rostered staff without records count "
    "as not meeting a campaign quota.", rich_help_panel=COUNTING)]
Targets = Annotated[Path, typer.Argument(metavar="TARGETS", help="Target file (YAML).")]
Data = Annotated[list[Path], typer.Argument(
    metavar="DATA", help="Participant exports (CSV or spreadsheets), read as one set.")]
CheckFormatOption = Annotated[CheckFormat, typer.Option("--format", "-f",
                                                      rich_help_panel=OUTPUT)]
ShowSkipped = Annotated[bool, typer.Option(
    "--show-skipped", metavar="", rich_help_panel=OUTPUT,
    help="Also list the rows that are not data (a form's title, header, sections, "
    "subtotals, footer, notes), with their lines.")]
Month = Annotated[str, typer.Option("--month", metavar="YYYY-MM",
                                    help="The month reported, YYYY-MM.")]
OutputDir = Annotated[Path, typer.Option(
    "--output-dir", metavar="DIR", help="Where report.html, report.md, progress.json, "
    "progress.csv and progress.xlsx are written.", rich_help_panel=OUTPUT)]
Stamp = Annotated[bool, typer.Option(
    "--stamp", metavar="", rich_help_panel=OUTPUT, help="Write the time of writing into "
    "the report (off: reruns are byte-identical).")]
TargetFiles = Annotated[list[Path], typer.Argument(metavar="TARGETS",
                                                   help="Target files (YAML).")]
ProblemFormatOption = Annotated[ProblemFormat, typer.Option(
    "--format", "-f", help="auto: github under GitHub Actions, text otherwise.")]
WarningsFail = Annotated[bool, typer.Option("--strict", metavar="", help="Warnings fail too.")]
Worklist = Annotated[Path | None, typer.Option(
    "--worklist", metavar="FILE", rich_help_panel=OUTPUT,
    help="Write the due, overdue and lapsed here, with their latest record: it holds ids in "
    "full, like --rejects.")]
RenewalsBy = Annotated[str | None, typer.Option(
    "--by", metavar="unit|staff|month", rich_help_panel=COUNTING,
    help="Add a breakdown: by the unit or staff of each participant's latest record, or by "
    "the month their cover ends.")]

# sspost sample
SampleRows = Annotated[int, typer.Option("--rows", metavar="N", callback=_between(0),
                                         help="Data rows to write.")]
Seed = Annotated[int, typer.Option("--seed", metavar="N", help="Same seed, same file.")]
SampleOutput = Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE")]
Start = Annotated[str, typer.Option("--start", metavar="DATE", help="First record date.")]
End = Annotated[str, typer.Option("--end", metavar="DATE", help="Last record date.")]
Province = Annotated[str | None, typer.Option(
    "--province", metavar="CODE", help="Only this province's offices (a GSO code before "
    "the merger, e.g. 01), at the scale of one provincial post office.")]
Layout = Annotated[str, typer.Option(
    "--layout", metavar="csv|d03|d05|import|import-hi",
    help="A plain CSV, or a workbook (-o FILE.xlsx) laid out as VSS's D03-TS or D05-TS list or "
    "a collection-software import sheet (import-hi: household HI, no program column).")]

Covers = Annotated[bool, typer.Option(
    "--covers", metavar="", help="Payments with their covers (Từ tháng, Số tháng), most "
    "renewed on time, some late, some never: --rows people, whose payments dated --start to "
    "--end are written; the same seed gives the same people in every year's file.")]


@dataclass(frozen=True)
class Reading:
    """How the exports are read and the engine run: the options every command that reads
    records takes, declared once (READING_OPTIONS) and collected here by `reads_records`."""

    column: list[str] | None = None
    date_format: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    id_map: Path | None = None
    sheet: str | None = None
    member: str | None = None
    program: str | None = None
    max_errors: int = 100
    memory_limit: str | None = None
    threads: int | None = None
    db: Path | None = None

    def options(self, data: list[Path], lang: str = "en") -> ReadOptions:
        """The settings records/ is given; a value it cannot use is a UsageError. (`lang`:
        the words of the progress bar.)"""
        return read_options(column=self.column, date_format=self.date_format,
                            delimiter=self.delimiter, encoding=self.encoding,
                            id_map=self.id_map, max_errors=self.max_errors,
                            memory_limit=self.memory_limit, threads=self.threads, data=data,
                            db=self.db, sheet=self.sheet, member=self.member,
                            program=self.program, lang=lang)


READING_OPTIONS: dict[str, object] = {
    "column": Columns, "date_format": DateFormat, "delimiter": Delimiter, "encoding": Encoding,
    "id_map": IdMap, "sheet": Sheet, "member": Member, "program": ProgramOption,
    "max_errors": MaxErrors, "memory_limit": MemoryLimit, "threads": Threads, "db": Db,
}

C = TypeVar("C", bound=Callable[..., None])


def reads_records(command: C) -> C:
    """The command with every reading option after its own, handed to it as one `reading:
    Reading` value (Typer reads a command's options from its signature, so that is what this
    sets)."""
    own = [p for p in inspect.signature(command, eval_str=True).parameters.values()
           if p.name != "reading"]
    defaults = Reading()
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind,
                               default=getattr(defaults, name))
             for name, kind in READING_OPTIONS.items()]

    @functools.wraps(command)
    def run(**values: Any) -> None:
        reading = Reading(**{name: values.pop(name) for name in READING_OPTIONS})
        command(reading=reading, **values)

    signature = inspect.Signature(
        [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + added)
    run.__signature__ = signature  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return cast(C, run)


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", re.IGNORECASE)


def memory_limit_option(value: str | None) -> str | None:
    """A positive size the engine understands; whether it suffices is the engine's to say."""
    if value is None:
        return None
    match = _SIZE.fullmatch(value)
    if not match:
        raise UsageError.of("memory_form", value=repr(value))
    number, unit = float(match.group(1)), match.group(2).upper()
    scale = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
             "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}[unit]
    if number * scale < 1:
        raise UsageError.of("memory_zero", value=repr(value))
    return f"{match.group(1)}{unit.replace('I', 'i')}"


def threads_option(value: int | None) -> int | None:
    """More engine threads than cores only costs time: the request is capped at the core count."""
    if value is None:
        return None
    return min(value, os.cpu_count() or 1)


def baseline_files(values: list[str] | None) -> list[Path]:
    """--baseline-data values: files, or quoted glob patterns, in the order given."""
    import glob

    files: list[Path] = []
    for value in values or []:
        matches = sorted(glob.glob(value)) if any(c in value for c in "*?[") else [value]
        if not matches:
            raise UsageError.of("no_match", value=repr(value))
        files += [Path(m) for m in matches]
    return files


def read_options(
    *, column: list[str] | None, date_format: str | None, delimiter: str | None,
    encoding: str | None, id_map: Path | None, max_errors: int, memory_limit: str | None,
    threads: int | None, data: list[Path], db: Path | None = None, sheet: str | None = None,
    member: str | None = None, program: str | None = None, lang: str = "en",
) -> ReadOptions:
    from sspost.records import ReadOptions

    options = ReadOptions(columns=parse_columns(column or []),
                          date_format=date_format_option(date_format),
                          delimiter=delimiter_option(delimiter), encoding=encoding,
                          id_map=str(id_map) if id_map else None, max_errors=max_errors,
                          threads=threads_option(threads),
                          on_progress=progress_bar(data, lang),
                          db=str(db) if db else None, sheet=sheet, member=member,
                          program=program)
    limit = memory_limit_option(memory_limit)
    return replace(options, memory_limit=limit) if limit else options


_BAR_FROM_BYTES = 64 << 20  # a smaller read is over before a bar would help


def progress_bar(data: list[Path], lang: str) -> Callable[[str, str, float], None] | None:
    """A bar on stderr for long reads (cli_progress), only when a person is watching: not
    for a script, a pipe, a small file or NO_COLOR."""
    if not sys.stderr.isatty() or "NO_COLOR" in os.environ:
        return None
    if sum(p.stat().st_size for p in data if p.is_file()) < _BAR_FROM_BYTES:
        return None
    from sspost.cli_progress import ReadingBar  # Rich's progress only when it is drawn

    return ReadingBar(data, lang)
