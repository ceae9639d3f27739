"""The command line: each command parses, builds its result in the domain, renders, exits.

Options are declared in cli_options (the reading ones once, for every command that reads
records); what the commands share at the edge is in cli_io; every way a run ends is decided in
cli_edge (exceptions) and problems.exit_code (failures). Heavy modules (DuckDB, Babel, Rich
tables) are imported inside the commands that need them, so `sspost --help` and `sspost
validate` start fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from sspost import __version__
from sspost import cli_options as opt
from sspost.cli_edge import Edge, fail, finish, readable_help_types, say
from sspost.cli_io import (
    example,
    inputs,
    load_targets,
    outputs,
    tell,
    use_color,
    write,
    write_with,
)
from sspost.cli_options import ProblemFormat, ProgressFormat, Reading, reads_records
from sspost.outputs import REPORT_FILES, Output, check_outputs
from sspost.problems import Exit, Failure, UsageError, strict_failures

__all__ = ["ProblemFormat", "ProgressFormat", "app", "main"]

readable_help_types()
app = typer.Typer(
    cls=Edge, add_completion=True, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Progress of Vietnam Post's voluntary SI and household HI enrolment against targets.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sspost {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", metavar="", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", metavar="",
        help="Show tracebacks on errors (read by the edge, cli_edge).")] = False,
) -> None:
    """Options before the command."""


def _paths(paths: list[Path]) -> list[str]:
    return [str(p) for p in paths]


@app.command(epilog=example("progress"))
@reads_records
def progress(
    targets: opt.Targets, data: opt.Data, as_of: opt.AsOf = None, by: opt.ByOption = None,
    depth: opt.Depth = None, sort: opt.SortOption = opt.Sort.auto, limit: opt.Limit = None,
    staff: opt.Staff = None, baseline_data: opt.BaselineData = None,
    output_format: opt.ProgressFormatOption = None,
    output: opt.OutputFile = None, lang: opt.LangOption = opt.Lang.en, bom: opt.Bom = False,
    rejects: opt.Rejects = None, strict: opt.Strict = False, fail_on: opt.FailOnOption = None, *,
    reading: Reading,
) -> None:
    """Progress per program: achieved, expected, gap, pace, share of the national total."""
    from sspost.campaigns import load_roster
    from sspost.last_year import progress_with_last_year
    from sspost.progress import BreakdownRequest, failures
    from sspost.render.formats import PROGRESS, Style

    chosen = opt.progress_format(output_format, output)
    last_files = opt.baseline_files(baseline_data)
    check_outputs(inputs(targets, data + last_files, reading.id_map, staff),
                  outputs(output, rejects, reading.db, last_year=bool(last_files)))
    request = BreakdownRequest(by.value, depth, sort.value, limit) if by else None
    result = progress_with_last_year(
        load_targets(targets), str(targets), _paths(data), _paths(last_files),
        as_of=opt.parse_date(as_of, "--as-of"), options=reading.options(data, lang.value),
        rejects=str(rejects) if rejects else None, breakdown=request,
        roster=load_roster(str(staff)) if staff else None)
    write(PROGRESS[chosen.value](result, Style(lang.value, use_color(output), bom)), output)
    tell(result.reconciliation, result.warnings, lang.value,
         last_year=result.last_year_reconciliation)
    finish(failures(result, fail_on=fail_on.value if fail_on else None, strict=strict))


@app.command(epilog=example("check"))
@reads_records
def check(
    targets: opt.Targets, data: opt.Data, as_of: opt.AsOf = None,
    output_format: opt.CheckFormatOption = opt.CheckFormat.text, rejects: opt.Rejects = None,
    show_skipped: opt.ShowSkipped = False, lang: opt.LangOption = opt.Lang.en, *,
    reading: Reading,
) -> None:
    """Report bad rows and the reconciliation only; exit 1 when any row is rejected."""
    from sspost.progress import build_check
    from sspost.render.formats import CHECK, Style

    check_outputs(inputs(targets, data, reading.id_map), outputs(rejects=rejects, db=reading.db))
    result = build_check(load_targets(targets), str(targets), _paths(data),
                         as_of=opt.parse_date(as_of, "--as-of"),
                         options=reading.options(data, lang.value),
                         rejects=str(rejects) if rejects else None)
    write(CHECK[output_format.value](result, Style(lang.value, show_skipped=show_skipped)), None)
    tell(result.reconciliation, result.warnings, lang.value, shown=0)  # rows went to stdout
    finish([Failure()] if result.reconciliation.rejected else [])


@app.command(epilog=example("report"))
@reads_records
def report(
    targets: opt.Targets, data: opt.Data,
    month: opt.Month, output_dir: opt.OutputDir, staff: opt.Staff = None,
    baseline_data: opt.BaselineData = None, lang: opt.LangOption = opt.Lang.en,
    stamp: opt.Stamp = False, *,
    reading: Reading,
) -> None:
    """Write the monthly report: self-contained HTML, Markdown, JSON, CSV and a workbook."""
    from sspost.campaigns import load_roster
    from sspost.render.formats import REPORT, Style
    from sspost.render.words import Words
    from sspost.report import build_report

    last_files = opt.baseline_files(baseline_data)
    check_outputs(inputs(targets, data + last_files, reading.id_map, staff),
                  [Output("--output-dir", output_dir, directory=True),
                   *outputs(db=reading.db, last_year=bool(last_files))])
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if stamp else None
    made = build_report(load_targets(targets), str(targets), _paths(data), month,
                        options=reading.options(data, lang.value), stamp=when,
                        roster=load_roster(str(staff)) if staff else None,
                        baseline_data=_paths(last_files))
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(UsageError.of("cannot_create_dir", path=str(output_dir), why=exc.strerror or exc))
    for name in REPORT_FILES:
        write(REPORT[name](made, Style(lang.value)), output_dir / name)
    tell(made.result.reconciliation, made.result.warnings, lang.value,
         last_year=made.result.last_year_reconciliation)
    say("sspost: " + Words(lang.value).say("report.wrote", files=", ".join(REPORT_FILES),
                                           folder=str(output_dir)))


@app.command(epilog=example("renewals"))
@reads_records
def renewals(
    targets: opt.Targets, data: opt.Data, as_of: opt.AsOf = None, by: opt.RenewalsBy = None,
    baseline_data: opt.BaselineData = None, output_format: opt.ProgressFormatOption = None,
    output: opt.OutputFile = None, lang: opt.LangOption = opt.Lang.en, bom: opt.Bom = False,
    worklist: opt.Worklist = None, strict: opt.Strict = False, *, reading: Reading,
) -> None:
    """Renewals at the as-of date: covered, due, overdue, lapsed, renewed, the renewal rate,
    and the due not yet counted, from which renewals close the gap."""
    from sspost.render.formats import RENEWALS, Style
    from sspost.render.renewals_format import render_worklist
    from sspost.renewals import build_renewals, by_option

    chosen = opt.progress_format(output_format, output)
    last_files = opt.baseline_files(baseline_data)
    check_outputs(inputs(targets, data + last_files, reading.id_map),
                  outputs(output, None, reading.db, last_year=bool(last_files), worklist=worklist))
    result = build_renewals(load_targets(targets), str(targets), _paths(data),
                            last_files=_paths(last_files), as_of=opt.parse_date(as_of, "--as-of"),
                            options=reading.options(data, lang.value), by=by_option(by),
                            worklist=worklist is not None)
    write(RENEWALS[chosen.value](result, Style(lang.value, use_color(output), bom)), output)
    if worklist is not None:
        write(render_worklist(result), worklist)
    tell(result.reconciliation, result.warnings, lang.value,
         last_year=result.last_year_reconciliation)
    finish(strict_failures(result.reconciliation.rejected, strict))


@app.command(epilog=example("validate"))
def validate(
    targets: opt.TargetFiles, output_format: opt.ProblemFormatOption = ProblemFormat.auto,
    strict: opt.WarningsFail = False,
) -> None:
    """Check target files and report every problem with its line, column and rule."""
    from sspost.problems import has_errors
    from sspost.render.problems import PROBLEM_RENDERERS, summary
    from sspost.targets import validate_files

    problems, messages = validate_files(_paths(targets))
    unreadable = [Failure(Exit.USAGE, message) for message in messages]
    name = output_format.value
    if name == "auto":
        name = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    files = _paths(targets)
    write(PROBLEM_RENDERERS[name](problems, files), None)
    on_terminal = sys.stdout.isatty()  # success is said to a person, quiet in a pipe
    if (problems and name != "json") or (not problems and not unreadable and on_terminal):
        say(f"sspost: {summary(problems, files)}")
    finish(unreadable or ([Failure()] if has_errors(problems, strict=strict) else []))


@app.command(epilog=example("diff"))
def diff(
    old: Annotated[Path, typer.Argument(help="The plan before: a target file, or - for stdin.")],
    new: Annotated[Path, typer.Argument(help="The plan after.")],
    output_format: Annotated[opt.DiffFormat, typer.Option(
        "--format", "-f", help="markdown reads well as a pull request comment.",
    )] = opt.DiffFormat.text,
    exit_code: Annotated[bool, typer.Option("--exit-code", metavar="",
        help="Exit 1 when anything changed (as git diff --exit-code).")] = False,
) -> None:
    """What changed between two versions of a target file, matched by identity: units by
    code wherever they sit, national totals by program and date, campaigns by name and date."""
    from sspost.plan_diff import compare_files
    from sspost.render.diff_format import DIFF_RENDERERS

    compared = compare_files(str(old), str(new))
    for problem in compared.problems:
        say(problem.as_text())
    if compared.changes is None:
        fail(UsageError.of("diff_unreadable", path=str(compared.unreadable)), Exit.PROBLEMS)
    write(DIFF_RENDERERS[output_format.value](str(old), str(new), compared.changes), None)
    finish(compared.failures(exit_code=exit_code))


@app.command(epilog=example("schema"))
def schema() -> None:
    """Print the JSON Schema of the target file format."""
    from sspost.targets.schema import json_schema

    write(json_schema(), None)


@app.command(epilog=example("sample"))
def sample(
    rows: opt.SampleRows = 5000, seed: opt.Seed = 2025, output: opt.SampleOutput = None,
    start: opt.Start = "2025-01-01", end: opt.End = "2025-11-30",
    province: opt.Province = None, layout: opt.Layout = "csv", covers: opt.Covers = False,
) -> None:
    """Write a deterministic synthetic participant CSV (or a form-shaped workbook)."""
    from sspost.sample_request import SampleRequest

    asked = SampleRequest.of(rows, seed, start, end, province, layout, output, covers)
    if output is None:
        asked.write(sys.stdout)
    else:
        write_with(output, asked.write_file)


plan_app = typer.Typer(cls=Edge, no_args_is_help=True,
                       help="Plans from one period to the next.")
app.add_typer(plan_app, name="plan")


@plan_app.command("next", epilog=example("plan next"))
@reads_records
def plan_next(
    targets: Annotated[Path, typer.Argument(help="This period's target file (YAML).")],
    data: Annotated[list[Path], typer.Argument(
        help="This period's exports (CSV or spreadsheets): they give the baselines.")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="NEW",
        help="The next period's target file; never overwritten.", rich_help_panel=opt.OUTPUT)],
    *, reading: Reading,
) -> None:
    """Write the next period's target file from this one: the same programs, aliases, units,
    thresholds and phasing, the period a year on, baselines counted from the files, and each
    target a TODO for you to write."""
    from sspost.next_plan import next_plan
    from sspost.render.plan_yaml import plan_yaml

    if output.exists() or output.is_symlink():
        fail(UsageError.of("output_exists", output=str(output)))
    check_outputs(inputs(targets, data, reading.id_map), outputs(output=output, db=reading.db))
    made = next_plan(load_targets(targets), _paths(data), options=reading.options(data))
    text = plan_yaml(made, str(targets))
    write_with(output, lambda path: Path(path).write_text(text, encoding="utf-8"),
               exclusive=True)
    tell(made.reconciliation, made.warnings, "en")
    say(f"sspost: wrote {output}: the {made.label} plan, its targets TODO; "
        f"`sspost validate {output}` lists them")


def main() -> None:
    app()
