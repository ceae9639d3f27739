"""The command line: parse options, call the domain, hand the result to a renderer, exit.

Heavy modules (DuckDB, Babel, Rich tables) are imported inside the commands that need them, so
`sspost --help` and `sspost validate` start fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, ParamSpec, TypeVar

import typer

from sspost import __version__
from sspost.cli_edge import Edge, error, say, silence_stdout
from sspost.cli_options import (
    AsOf,
    BaselineData,
    By,
    CheckFormat,
    Columns,
    DateFormat,
    Db,
    Delimiter,
    DiffFormat,
    Encoding,
    FailOn,
    IdMap,
    Lang,
    MaxErrors,
    Member,
    MemoryLimit,
    ProblemFormat,
    ProgramOption,
    ProgressFormat,
    Rejects,
    Sheet,
    Sort,
    Strict,
    Threads,
    baseline_files,
    parse_date,
    progress_format,
    read_options,
)
from sspost.outputs import REPORT_FILES, Output, check_outputs, last_year_db, replacing
from sspost.problems import Exit, TargetFileError, UsageError

if TYPE_CHECKING:
    from sspost.catalogue import Notice
    from sspost.progress import ProgressResult
    from sspost.records import Reconciliation
    from sspost.targets import TargetFile

app = typer.Typer(
    cls=Edge, add_completion=True, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Progress of Vietnam Post's voluntary SI and household HI enrolment against targets.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
_debug = False

# Shown at the end of each command's --help (\b keeps click from rewrapping the lines).
_EXAMPLES = {
    "progress": ["sspost progress targets/2025.yaml data/sample-2025.csv --by province",
                 "sspost progress targets/2025.yaml exports/*.xlsx -o progress.xlsx --lang vi"],
    "check": ["sspost check targets/2025.yaml exports/2025-06.csv --rejects rejects.csv"],
    "report": ["sspost report targets/2025.yaml exports/*.csv --month 2025-06 "
               "--output-dir reports/2025-06"],
    "validate": ["sspost validate targets/*.yaml --strict"],
    "schema": ["sspost schema > schema/targets.schema.json"],
    "diff": ["sspost diff <(git show main:targets/2025.yaml) targets/2025.yaml",
             "git show main:targets/2025.yaml | sspost diff - targets/2025.yaml -f markdown"],
    "sample": ["sspost sample --rows 100000 --seed 7 -o sample.csv"],
    "plan next": ["sspost plan next targets/2025.yaml exports/2025-*.csv -o targets/2026.yaml",
                  "sspost plan next targets/examples/hanoi-2025.yaml data/sample-hanoi-2025.csv "
                  "-o hanoi-2026.yaml"],
}


def _example(command: str) -> str:
    return "Examples:\n\n\b\n" + "\n".join(_EXAMPLES[command])


def _fail(message: str, code: int = Exit.USAGE) -> NoReturn:
    error(message)
    raise typer.Exit(code)


P = ParamSpec("P")
R = TypeVar("R")


def _clean_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Domain errors become one line on stderr and exit code 2, never a traceback."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except UsageError as exc:
            if _debug:
                raise
            _fail(str(exc))
        except BrokenPipeError:  # the reader went away (`| head`): said by the exit code only
            silence_stdout()
            raise typer.Exit(Exit.USAGE) from None

    return run


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sspost {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", metavar="", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", metavar="",
        help="Show tracebacks on errors.")] = False,
) -> None:
    global _debug
    _debug = debug


def _use_color(output: Path | None) -> bool:
    """Rich tables and colour on a terminal that shows them; plain text otherwise."""
    return (output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
            and os.environ.get("TERM") != "dumb")


def _write(text: str | bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if isinstance(text, str) else text.decode("utf-8"))
        return
    try:
        with replacing(output) as partial, open(partial, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")


def _write_workbook(result: ProgressResult, lang: str, output: Path) -> None:
    from sspost.render import xlsx_format

    _write(xlsx_format.render(result, lang), output)


def _tell(reconciliation: Reconciliation, warnings: list[Notice], lang: str,
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


def _inputs(targets: Path, data: list[Path], id_map: Path | None = None,
            staff: Path | None = None) -> list[tuple[str, Path]]:
    pairs = [("the target file", targets)] + [("a data file", p) for p in data]
    pairs += [("the --id-map file", id_map)] if id_map else []
    return pairs + ([("the --staff roster", staff)] if staff else [])


def _outputs(output: Path | None = None, rejects: Path | None = None,
             db: Path | None = None, *, last_year: bool = False) -> list[Output]:
    outs = [Output("--output", output)] if output else []
    outs += [Output("--rejects", rejects)] if rejects else []
    outs += [Output("--db", db, database=True)] if db else []
    kept = Path(last_year_db(str(db))) if db and last_year else None
    return outs + ([Output("--db (last year's rows)", kept, database=True)] if kept else [])


def _load_targets(path: Path) -> TargetFile:
    from sspost.targets import load_targets

    try:
        return load_targets(str(path))
    except TargetFileError as exc:
        for problem in exc.problems:
            say(problem.as_text())
        count = len(exc.problems)
        _fail(f"{path}: the target file has {count:,} problem{'s' * (count != 1)}; "
              f"`sspost validate {path}` explains them")


@app.command(epilog=_example("progress"))
@_clean_errors
def progress(
    targets: Annotated[Path, typer.Argument(help="Target file (YAML).")],
    data: Annotated[list[Path], typer.Argument(
        help="Participant exports (CSV or spreadsheets), read as one set.")],
    as_of: AsOf = None,
    output_format: Annotated[ProgressFormat | None, typer.Option(
        "--format", "-f", help="Default: from the --output extension (.json .csv .md .xlsx), "
        "else table.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="Write here, not stdout.")] = None,
    bom: Annotated[bool, typer.Option(
        "--bom", metavar="", help="--format csv: start with a UTF-8 byte-order mark, so that Excel "
        "shows Vietnamese letters right.")] = False,
    lang: Annotated[Lang, typer.Option("--lang", help="Language for people.")] = Lang.en,
    column: Columns = None,
    date_format: DateFormat = None,
    delimiter: Delimiter = None,
    encoding: Encoding = None,
    id_map: IdMap = None,
    max_errors: MaxErrors = 100,
    rejects: Rejects = None,
    strict: Strict = False,
    memory_limit: MemoryLimit = None,
    threads: Threads = None,
    db: Db = None,
    sheet: Sheet = None,
    member: Member = None,
    program: ProgramOption = None,
    fail_on: Annotated[FailOn | None, typer.Option(
        "--fail-on", help="Exit 1 when a program is at this status or worse.")] = None,
    by: Annotated[By | None, typer.Option("--by", help="Add a breakdown.")] = None,
    depth: Annotated[int | None, typer.Option(
        "--depth", metavar="N", min=1, help="Levels of the unit tree shown (--by unit).")] = None,
    sort: Annotated[Sort, typer.Option(
        "--sort", help="Row order: auto is laggards first (lowest pace, or fewest "
        "participants), months in order.")] = Sort.auto,
    limit: Annotated[int | None, typer.Option(
        "--limit", metavar="N", min=1, help="--by staff: only the N lowest and N highest.")] = None,
    staff: Annotated[Path | None, typer.Option(
        "--staff", metavar="FILE",
        help="Roster CSV (staff_id, unit): rostered staff without records count "
        "as not meeting a campaign quota.")] = None,
    baseline_data: BaselineData = None,
) -> None:
    """Progress per program: achieved, expected, gap, pace, share of the national total."""
    from sspost.campaigns import load_roster
    from sspost.last_year import with_last_year
    from sspost.progress import BreakdownRequest, build_progress
    from sspost.render.formats import PROGRESS_RENDERERS

    report_date = parse_date(as_of, "--as-of")
    chosen = progress_format(output_format, output)
    last_files = baseline_files(baseline_data)
    check_outputs(_inputs(targets, data + last_files, id_map, staff),
                  _outputs(output, rejects, db, last_year=bool(last_files)))
    plan = _load_targets(targets)
    options = read_options(column=column, date_format=date_format, delimiter=delimiter,
                           encoding=encoding, id_map=id_map, max_errors=max_errors,
                           memory_limit=memory_limit, threads=threads, data=data, db=db,
                           sheet=sheet, member=member, program=program)
    request = BreakdownRequest(by.value, depth, sort.value, limit) if by else None
    result = build_progress(plan, str(targets), [str(p) for p in data], as_of=report_date,
                            options=options, rejects=str(rejects) if rejects else None,
                            breakdown=request, roster=load_roster(str(staff)) if staff else None)
    result = with_last_year(result, plan, [str(p) for p in last_files], options=options,
                            breakdown=request)[0]
    if chosen is ProgressFormat.xlsx:
        assert output is not None  # progress_format insists on it
        _write_workbook(result, lang.value, output)
    else:
        renderer = "csv_bom" if chosen is ProgressFormat.csv and bom else chosen.value
        _write(PROGRESS_RENDERERS[renderer](result, lang.value, _use_color(output)), output)
    _tell(result.reconciliation, result.warnings, lang.value,
          last_year=result.last_year_reconciliation)
    failing = {"behind": {"behind"}, "at_risk": {"behind", "at_risk"}}
    if fail_on:
        late = [p.program for p in result.programs if p.measures.status in failing[fail_on.value]]
        if late:
            _fail(f"--fail-on {fail_on.value}: {', '.join(late)} "
                  f"{'is' if len(late) == 1 else 'are'} {fail_on.value.replace('_', ' ')}"
                  f"{' or worse' if fail_on is FailOn.at_risk else ''}", Exit.PROBLEMS)
    if strict and result.reconciliation.rejected:
        rejected = result.reconciliation.rejected
        _fail(f"--strict: {rejected:,} row{'s' * (rejected != 1)} rejected", Exit.PROBLEMS)


@app.command(epilog=_example("check"))
@_clean_errors
def check(
    targets: Annotated[Path, typer.Argument(help="Target file (YAML).")],
    data: Annotated[list[Path], typer.Argument(
        help="Participant exports (CSV or spreadsheets), read as one set.")],
    as_of: AsOf = None,
    output_format: Annotated[CheckFormat, typer.Option("--format", "-f")] = CheckFormat.text,
    column: Columns = None,
    date_format: DateFormat = None,
    delimiter: Delimiter = None,
    encoding: Encoding = None,
    id_map: IdMap = None,
    max_errors: MaxErrors = 100,
    rejects: Rejects = None,
    memory_limit: MemoryLimit = None,
    threads: Threads = None,
    db: Db = None,
    sheet: Sheet = None,
    member: Member = None,
    program: ProgramOption = None,
    show_skipped: Annotated[bool, typer.Option(
        "--show-skipped", metavar="", help="Also list the rows that are not data (a form's "
        "title, header, sections, subtotals, footer, notes), with their lines.")] = False,
) -> None:
    """Report bad rows and the reconciliation only; exit 1 when any row is rejected."""
    from sspost.progress import build_check
    from sspost.render.json_format import check_json, skipped_lines
    from sspost.render.problems import PROBLEM_RENDERERS

    check_outputs(_inputs(targets, data, id_map), _outputs(rejects=rejects, db=db))
    plan = _load_targets(targets)
    options = read_options(column=column, date_format=date_format, delimiter=delimiter,
                           encoding=encoding, id_map=id_map, max_errors=max_errors,
                           memory_limit=memory_limit, threads=threads, data=data, db=db,
                           sheet=sheet, member=member, program=program)
    result = build_check(plan, str(targets), [str(p) for p in data],
                         as_of=parse_date(as_of, "--as-of"), options=options,
                         rejects=str(rejects) if rejects else None)
    recon = result.reconciliation
    if output_format is CheckFormat.json:
        sys.stdout.write(check_json(result, show_skipped))
    else:
        problems = [row.as_problem() for row in recon.rejected_rows]
        sys.stdout.write(PROBLEM_RENDERERS[output_format.value](problems, []))
        sys.stdout.write(skipped_lines(result) if show_skipped else "")
    _tell(recon, result.warnings, "en", shown=0)  # the rows themselves went to stdout
    if recon.rejected:
        raise typer.Exit(Exit.PROBLEMS)


@app.command(epilog=_example("report"))
@_clean_errors
def report(
    targets: Annotated[Path, typer.Argument(help="Target file (YAML).")],
    data: Annotated[list[Path], typer.Argument(
        help="Participant exports (CSV or spreadsheets), read as one set.")],
    month: Annotated[str, typer.Option("--month", metavar="YYYY-MM",
        help="The month reported, YYYY-MM.")],
    output_dir: Annotated[Path, typer.Option(
        "--output-dir", metavar="DIR",
        help="Where report.html, report.md, progress.json and progress.csv "
        "are written.")],
    lang: Annotated[Lang, typer.Option("--lang", help="Language for people.")] = Lang.en,
    stamp: Annotated[bool, typer.Option(
        "--stamp", metavar="", help="Write the time of writing into the report (off: reruns are "
        "byte-identical).")] = False,
    column: Columns = None,
    date_format: DateFormat = None,
    delimiter: Delimiter = None,
    encoding: Encoding = None,
    id_map: IdMap = None,
    memory_limit: MemoryLimit = None,
    threads: Threads = None,
    db: Db = None,
    sheet: Sheet = None,
    member: Member = None,
    program: ProgramOption = None,
    staff: Annotated[Path | None, typer.Option(
        "--staff", metavar="FILE", help="Roster CSV (staff_id, unit) for campaign quotas.")] = None,
    baseline_data: BaselineData = None,
) -> None:
    """Write the monthly report: self-contained HTML, Markdown, JSON and CSV."""
    from sspost.campaigns import load_roster
    from sspost.render import csv_format, json_format
    from sspost.render.report_html import render_html, render_markdown
    from sspost.render.words import Words
    from sspost.report import build_report

    last_files = baseline_files(baseline_data)
    check_outputs(_inputs(targets, data + last_files, id_map, staff),
                  [Output("--output-dir", output_dir, directory=True),
                   *_outputs(db=db, last_year=bool(last_files))])
    plan = _load_targets(targets)
    options = read_options(column=column, date_format=date_format, delimiter=delimiter,
                           encoding=encoding, id_map=id_map, max_errors=100,
                           memory_limit=memory_limit, threads=threads, data=data, db=db,
                           sheet=sheet, member=member, program=program)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if stamp else None
    result = build_report(plan, str(targets), [str(p) for p in data], month, options=options,
                          roster=load_roster(str(staff)) if staff else None, stamp=when,
                          baseline_data=[str(p) for p in last_files])
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(f"cannot create {output_dir}: {exc.strerror or exc}")
    files = dict(zip(REPORT_FILES[:4], (render_html(result, lang.value),
                                        render_markdown(result, lang.value),
                                        json_format.render(result.result),
                                        csv_format.render(result.result)), strict=True))
    for name, text in files.items():
        _write(text, output_dir / name)
    _write_workbook(result.result, lang.value, output_dir / REPORT_FILES[4])
    _tell(result.result.reconciliation, result.result.warnings, lang.value,
          last_year=result.result.last_year_reconciliation)
    say("sspost: " + Words(lang.value).say("report.wrote", files=", ".join(REPORT_FILES),
                                           folder=str(output_dir)))


@app.command(epilog=_example("validate"))
@_clean_errors
def validate(
    targets: Annotated[list[Path], typer.Argument(help="Target files (YAML).")],
    output_format: Annotated[ProblemFormat, typer.Option(
        "--format", "-f", help="auto: github under GitHub Actions, text otherwise.",
    )] = ProblemFormat.auto,
    strict: Annotated[bool, typer.Option("--strict", metavar="",
        help="Warnings fail too.")] = False,
) -> None:
    """Check target files and report every problem with its line, column and rule."""
    from sspost.problems import Problem, has_errors
    from sspost.render.problems import PROBLEM_RENDERERS, summary
    from sspost.targets import validate_file

    problems: list[Problem] = []
    unreadable: list[str] = []
    for path in targets:
        try:
            problems += validate_file(str(path))[1]
        except UsageError as exc:
            unreadable.append(str(exc))
    name = output_format.value
    if name == "auto":
        name = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    files = [str(p) for p in targets]
    sys.stdout.write(PROBLEM_RENDERERS[name](sorted(problems), files))
    on_terminal = sys.stdout.isatty()  # success is said to a person, quiet in a pipe
    if (problems and name != "json") or (not problems and not unreadable and on_terminal):
        say(f"sspost: {summary(problems, files)}")
    if unreadable:
        for message in unreadable:
            error(message)
        raise typer.Exit(Exit.USAGE)
    if has_errors(problems, strict=strict):
        raise typer.Exit(Exit.PROBLEMS)


@app.command(epilog=_example("diff"))
@_clean_errors
def diff(
    old: Annotated[Path, typer.Argument(help="The plan before: a target file, or - for stdin.")],
    new: Annotated[Path, typer.Argument(help="The plan after.")],
    output_format: Annotated[DiffFormat, typer.Option(
        "--format", "-f", help="markdown reads well as a pull request comment.",
    )] = DiffFormat.text,
    exit_code: Annotated[bool, typer.Option("--exit-code", metavar="",
        help="Exit 1 when anything changed (as git diff --exit-code).")] = False,
) -> None:
    """What changed between two versions of a target file, matched by identity: units by
    code wherever they sit, national totals by program and date, campaigns by name and date."""
    from sspost.plan_diff import diff as plan_diff
    from sspost.problems import Severity
    from sspost.render.diff_format import DIFF_RENDERERS
    from sspost.targets.loader import Placeholders, read_plan_and_placeholders

    plans, errors, placeholders = [], 0, list[Placeholders]()
    for path in (old, new):
        plan, problems, unfilled = read_plan_and_placeholders(str(path))
        placeholders.append(unfilled)
        for problem in problems:
            say(problem.as_text())
        errors += sum(p.severity is Severity.ERROR for p in problems)
        if plan is None:
            _fail(f"{path}: the target file cannot be read as a plan; `sspost validate "
                  f"{path}` explains why", Exit.PROBLEMS)
        plans.append(plan)
    changes = plan_diff(plans[0], plans[1], (placeholders[0], placeholders[1]))
    sys.stdout.write(DIFF_RENDERERS[output_format.value](str(old), str(new), changes))
    if errors:  # compared, and said, but a plan that breaks a rule fails as validate would
        _fail(f"{errors:,} error{'s' * (errors != 1)} in the plans (above)", Exit.PROBLEMS)
    if exit_code and changes:
        raise typer.Exit(Exit.PROBLEMS)


@app.command(epilog=_example("schema"))
@_clean_errors
def schema() -> None:
    """Print the JSON Schema of the target file format."""
    from sspost.targets.schema import json_schema

    sys.stdout.write(json_schema())


@app.command(epilog=_example("sample"))
@_clean_errors
def sample(
    rows: Annotated[int, typer.Option("--rows", metavar="N",
        min=0, help="Data rows to write.")] = 5000,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Same seed, same file.")] = 2025,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE")] = None,
    start: Annotated[str, typer.Option("--start", metavar="DATE",
        help="First record date.")] = "2025-01-01",
    province: Annotated[str | None, typer.Option(
        "--province", metavar="CODE", help="Only this province's offices (a GSO code before "
        "the merger, e.g. 01), at the scale of one provincial post office.")] = None,
    end: Annotated[str, typer.Option("--end", metavar="DATE",
        help="Last record date.")] = "2025-11-30",
    layout: Annotated[str, typer.Option("--layout", metavar="csv|d03|d05|import",
        help="A plain CSV, or a workbook (-o FILE.xlsx) laid out as VSS's D03-TS or D05-TS "
        "list or a collection-software import sheet.")] = "csv",
) -> None:
    """Write a deterministic synthetic participant CSV (or a form-shaped workbook)."""
    from sspost.sample import write_sample

    first, last = parse_date(start, "--start"), parse_date(end, "--end")
    assert first is not None and last is not None
    if last < first:
        _fail("--end is before --start")
    from sspost.provinces import reference_rows

    if province is not None and province not in {row[0] for row in reference_rows()}:
        _fail(f"--province {province!r}: not a province code before the merger (01, 79, ...)")
    if layout != "csv":
        _sample_form(layout, output, rows, seed, first, last, province)
        return
    if output is None:
        write_sample(sys.stdout, rows, seed, first, last, province)
        return
    try:
        with replacing(output) as partial, \
                open(partial, "w", encoding="utf-8", newline="") as handle:
            write_sample(handle, rows, seed, first, last, province)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")


def _sample_form(layout: str, output: Path | None, rows: int, seed: int, first: dt.date,
                 last: dt.date, province: str | None) -> None:
    from sspost.sample_forms import LAYOUTS, write_form

    if layout not in LAYOUTS:
        _fail(f"--layout {layout!r}: use csv, {', '.join(LAYOUTS)}")
    if output is None or output.suffix.lower() != ".xlsx":
        _fail(f"--layout {layout} writes a workbook: name it with -o FILE.xlsx")
    try:
        with replacing(output) as partial:
            write_form(partial, layout, rows, seed, first, last, province)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")


plan_app = typer.Typer(cls=Edge, no_args_is_help=True,
                       help="Plans from one period to the next.")
app.add_typer(plan_app, name="plan")


@plan_app.command("next", epilog=_example("plan next"))
@_clean_errors
def plan_next(
    targets: Annotated[Path, typer.Argument(help="This period's target file (YAML).")],
    data: Annotated[list[Path], typer.Argument(
        help="This period's exports (CSV or spreadsheets): they give the baselines.")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="NEW",
        help="The next period's target file; never overwritten.")],
    column: Columns = None,
    date_format: DateFormat = None,
    delimiter: Delimiter = None,
    encoding: Encoding = None,
    id_map: IdMap = None,
    max_errors: MaxErrors = 100,
    memory_limit: MemoryLimit = None,
    threads: Threads = None,
    sheet: Sheet = None,
    member: Member = None,
    program: ProgramOption = None,
) -> None:
    """Write the next period's target file from this one: the same programs, aliases, units,
    thresholds and phasing, the period a year on, baselines counted from the files, and each
    target a TODO for you to write."""
    from sspost.next_plan import next_plan
    from sspost.render.plan_yaml import plan_yaml

    if output.exists() or output.is_symlink():
        _fail(f"--output {output} already exists; refusing to overwrite it: name a new file")
    check_outputs(_inputs(targets, data, id_map), _outputs(output=output))
    plan = _load_targets(targets)
    options = read_options(column=column, date_format=date_format, delimiter=delimiter,
                           encoding=encoding, id_map=id_map, max_errors=max_errors,
                           memory_limit=memory_limit, threads=threads, data=data, db=None,
                           sheet=sheet, member=member, program=program)
    made = next_plan(plan, [str(p) for p in data], options=options)
    text = plan_yaml(made, str(targets))
    try:
        with replacing(output, exclusive=True) as partial:
            Path(partial).write_text(text, encoding="utf-8")
    except FileExistsError:
        _fail(f"--output {output} already exists; refusing to overwrite it: name a new file")
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")
    _tell(made.reconciliation, made.warnings, "en")
    say(f"sspost: wrote {output}: the {made.label} plan, its targets TODO; "
        f"`sspost validate {output}` lists them")


def main() -> None:
    app()
