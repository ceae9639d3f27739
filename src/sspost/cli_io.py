"""What the commands share at the edge: the files a run reads and writes, the target file
loaded for a command, writing an output whole, and telling the reconciliation on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sspost.cli_edge import fail, say
from sspost.outputs import Output, last_year_db, replacing
from sspost.problems import TargetFileError, UsageError

if TYPE_CHECKING:
    from sspost.catalogue import Notice
    from sspost.records import Reconciliation
    from sspost.targets import TargetFile

# Shown at the end of each command's --help (\b keeps click from rewrapping the lines).
EXAMPLES = {
    "progress": ["sspost progress targets/2025.yaml data/sample-2025.csv --by province",
                 "sspost progress targets/2025.yaml exports/*.xlsx -o progress.xlsx --lang vi"],
    "check": ["sspost check targets/2025.yaml exports/2025-06.csv --rejects rejects.csv"],
    "report": ["sspost report targets/2025.yaml exports/*.csv --month 2025-06 "
               "--output-dir reports/2025-06"],
    "renewals": ["sspost renewals targets/2025.yaml data/sample-2025.csv "
                 "--baseline-data data/sample-2024.csv --by unit",
                 "sspost renewals targets/2025.yaml exports/2025-*.csv --baseline-data "
                 "'exports/2024-*.csv' --worklist due.csv"],
    "validate": ["sspost validate targets/*.yaml --strict"],
    "schema": ["sspost schema > schema/targets.schema.json"],
    "diff": ["sspost diff <(git show main:targets/2025.yaml) targets/2025.yaml",
             "git show main:targets/2025.yaml | sspost diff - targets/2025.yaml -f markdown"],
    "sample": ["sspost sample --rows 100000 --seed 7 -o sample.csv"],
    "plan next": ["sspost plan next targets/2025.yaml exports/2025-*.csv -o targets/2026.yaml",
                  "sspost plan next targets/examples/hanoi-2025.yaml data/sample-hanoi-2025.csv "
                  "-o hanoi-2026.yaml"],
}


def example(command: str) -> str:
    return "Examples:\n\n\b\n" + "\n".join(EXAMPLES[command])


def use_color(output: Path | None) -> bool:
    """Rich tables and colour on a terminal that shows them; plain text otherwise."""
    return (output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
            and os.environ.get("TERM") != "dumb")


def write(text: str | bytes, output: Path | None) -> None:
    """A renderer's text or bytes, to stdout or whole into `output` (never half a file)."""
    if output is None:
        sys.stdout.write(text if isinstance(text, str) else text.decode("utf-8"))
        return
    try:
        with replacing(output) as partial, open(partial, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
    except OSError as exc:
        fail(UsageError.of("cannot_write", output=str(output), why=exc.strerror or exc))


def tell(reconciliation: Reconciliation, warnings: list[Notice], lang: str,
         shown: int = 20, last_year: Reconciliation | None = None) -> None:
    """The reconciliation, bad rows and warnings, on stderr: results stay alone on stdout."""
    from sspost.render.reconciliation import reconciliation_lines
    from sspost.render.words import Words

    for line in reconciliation_lines(reconciliation, lang, shown=shown):
        say(f"sspost: {line}")
    if last_year is not None:
        prefix = Words(lang).word("recon.last_year")
        for line in reconciliation_lines(last_year, lang, shown=shown):
            say(f"sspost: {prefix}{line}")
    label = Words(lang).label("warning")
    for warning in warnings:
        say(f"sspost: {label}: {warning.text(lang)}")


def inputs(targets: Path, data: list[Path], id_map: Path | None = None,
           staff: Path | None = None) -> list[tuple[str, Path]]:
    """What a run reads, named for the message refusing an output that would overwrite it."""
    pairs = [("the target file", targets)] + [("a data file", p) for p in data]
    pairs += [("the --id-map file", id_map)] if id_map else []
    return pairs + ([("the --staff roster", staff)] if staff else [])


def outputs(output: Path | None = None, rejects: Path | None = None,
            db: Path | None = None, *, last_year: bool = False,
            worklist: Path | None = None) -> list[Output]:
    """What a run writes: checked before anything is read (outputs.check_outputs)."""
    outs = [Output("--output", output)] if output else []
    outs += [Output("--rejects", rejects)] if rejects else []
    outs += [Output("--worklist", worklist)] if worklist else []
    outs += [Output("--db", db, database=True)] if db else []
    kept = Path(last_year_db(str(db))) if db and last_year else None
    return outs + ([Output("--db (last year's rows)", kept, database=True)] if kept else [])


def load_targets(path: Path) -> TargetFile:
    """The plan, or its problems on stderr and exit 2."""
    from sspost.targets import load_targets as load

    try:
        return load(str(path))
    except TargetFileError as exc:
        for problem in exc.problems:
            say(problem.as_text())
        count = len(exc.problems)
        fail(UsageError.of("plan_problems", path=str(path), count=count))


def write_with(output: Path, make: Callable[[str], object], *, exclusive: bool = False) -> None:
    """`make(path)` writes the file at a temporary path that then replaces `output`."""
    try:
        with replacing(output, exclusive=exclusive) as partial:
            make(str(partial))
    except FileExistsError:
        fail(UsageError.of("output_exists", output=str(output)))
    except OSError as exc:
        fail(UsageError.of("cannot_write", output=str(output), why=exc.strerror or exc))
