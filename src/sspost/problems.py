"""The one problem model shared by every checker and every output format."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sspost.catalogue import Notice
from sspost.shown import clean

_LONGEST_MESSAGE = 500


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """A located finding in an input file (a target file or a CSV).

    Field order is the sort order: by file, then position, so reports read top to bottom.
    """

    file: str
    line: int
    column: int
    severity: Severity
    rule: str
    message: str
    key: str = ""

    def __post_init__(self) -> None:
        # Messages quote values from files: shown as written, never with an id or a control.
        object.__setattr__(self, "message", clean(self.message, _LONGEST_MESSAGE))
        object.__setattr__(self, "key", clean(self.key, _LONGEST_MESSAGE))

    def as_text(self) -> str:
        where = f"{self.key}: " if self.key else ""
        return (
            f"{self.file}:{self.line}:{self.column}: {self.severity.value}: "
            f"{where}{self.message} [{self.rule}]"
        )


class Exit:
    """Exit codes, decided here and nowhere else (README, "Exit codes")."""

    OK = 0
    PROBLEMS = 1
    USAGE = 2
    INTERNAL = 3
    INTERRUPTED = 130


@dataclass(frozen=True)
class Failure:
    """Why a run that wrote its output still fails (`--strict`, `--fail-on`, rows rejected by
    `check`, errors found by `validate`): its exit code, and what to say ("" when the output
    already says it)."""

    code: int = Exit.PROBLEMS
    message: str | Notice = ""  # a Notice is said in the run's language


def strict_failures(rejected: int, strict: bool) -> list[Failure]:
    """--strict: any rejected row fails the run."""
    if strict and rejected:
        return [Failure(message=Notice.error("strict", rejected=rejected))]
    return []


def exit_code(failures: list[Failure]) -> int:
    """The run's exit code: the gravest failure's (a usage error over problems found), else 0.
    Every command ends here, or in the edge's handling of an exception (cli_edge)."""
    return max((f.code for f in failures), default=Exit.OK)


class UsageError(Exception):
    """Input that cannot be used at all: a missing file, a bad option value, undecodable bytes.

    The CLI turns it into one line on stderr and exit code 2. Made `of` a catalogue entry, it
    is said in the run's language (`--lang vi`); else in English, as written.
    """

    def __init__(self, message: str, notice: Notice | None = None) -> None:
        super().__init__(message)
        self.notice = notice

    @classmethod
    def of(cls, key: str, **values: object) -> UsageError:
        notice = Notice.error(key, **values)
        return cls(notice.text("en"), notice)

    def text(self, lang: str) -> str:
        return self.notice.text(lang) if self.notice is not None else str(self)

    def replaced(self, old: str, new: str) -> UsageError:
        """The error naming `new` where it named `old` (a file sspost made for itself, said
        as the user's)."""
        notice = None if self.notice is None else Notice(self.notice.key, tuple(
            (k, v.replace(old, new) if isinstance(v, str) else v) for k, v in self.notice.values))
        return UsageError(str(self).replace(old, new), notice)


class TargetFileError(Exception):
    """A target file that does not load; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(p.as_text() for p in self.problems))


def has_errors(problems: list[Problem], *, strict: bool = False) -> bool:
    return any(p.severity is Severity.ERROR or strict for p in problems)


def interrupted(exc: BaseException | None) -> bool:
    """Whether `exc` is Ctrl-C as it comes out of the engine: DuckDB turns the pending
    KeyboardInterrupt of a query it stops into an error of its own (InterruptException, or
    RuntimeError "Query interrupted"), raised where the query was, perhaps wrapped."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, KeyboardInterrupt) or type(exc).__name__ == "InterruptException":
            return True
        if isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower():
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
