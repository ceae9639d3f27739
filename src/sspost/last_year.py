"""Against last year at this date (SPEC section 5, `last_year` and `vs_last_year`).

Two sources. `baseline.cumulative` in the plan: the earlier period's published month-end
figures, read at the same day last year. `--baseline-data FILE...`: last year's exports, read,
checked and reconciled like this year's and counted over the period a year before up to the same
day (29 February maps to 28 February); they take precedence, and they alone give every breakdown
row its own last-year figure. A breakdown of last year is made with this year's rules (the same
tree of units, the same 34 provinces, the same tie rule), then matched to this year's rows by key.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, replace

from sspost import progress, records
from sspost.breakdowns import Breakdown, BreakdownRow, PlanAt
from sspost.measures import (
    LastYear,
    last_year_from_cumulative,
    previous_period,
    same_day_last_year,
)
from sspost.outputs import last_year_db
from sspost.progress import BreakdownRequest, ProgressResult, breakdown_of
from sspost.records import ReadOptions, Reconciliation
from sspost.targets import TargetFile
from sspost.targets.model import Period


@dataclass(frozen=True)
class LastYearData:
    """What last year's exports say at the same day."""

    as_of: dt.date
    programs: dict[str, int]  # program -> participants by the same day last year
    rows: dict[tuple[str, str], int]  # (program, this year's row key) -> participants
    per_day: dict[tuple[str, str | None], int]  # (program, ISO day) -> new, over the period
    reconciliation: Reconciliation
    every_row: bool = True  # False when this year's rows are a selection (--limit)
    # Last year's participants due or overdue at this year's as-of date and not counted this
    # year (SPEC section 5a), per program; None when last year's covers are unknown.
    due_to_renew: dict[str, int] | None = None


def previous_plan(targets: TargetFile) -> TargetFile:
    """The same plan over the period a year before (read and counted with the same rules)."""
    start, end = previous_period(targets.period.start, targets.period.end)
    return targets.model_copy(update={"period": Period(start=start, end=end)})


def _this_years_key(by: str, key: str) -> str:
    return f"{int(key[:4]) + 1:04d}{key[4:]}" if by == "month" else key


def count_last_year(
    targets: TargetFile, data: list[str], as_of: dt.date, *,
    options: ReadOptions | None = None, breakdown: BreakdownRequest | None = None,
    counted_now: str | None = None,
) -> LastYearData:
    """Last year's exports counted up to the same day last year as `as_of`; with
    `counted_now` (who this year counts, Parquet), who of them is due to renew."""
    plan = previous_plan(targets)
    day = same_day_last_year(min(as_of, targets.period.end))
    keep = breakdown.by if breakdown else None
    covers = counted_now is not None and records.may_have_covers(plan, data, options
                                                                 or ReadOptions())
    options = replace(options or ReadOptions(), covers=covers)
    due = None
    with records.open(plan, data, options, keep=keep) as run:
        # The whole earlier period first, for the burn-up's curve: a participant's first
        # record is the same whatever the window's end, so these days cumulate to any day.
        per_day = run.count(plan.period.end).by("day")
        counted = run.count(day, keep)
        counts = counted.counts
        run.stop_if_mostly_rejected(counts.reconciliation)
        rows: dict[tuple[str, str], int] = {}
        if breakdown is not None:
            totals = {p: c.achieved for p, c in counts.programs.items()}
            last = breakdown_of(counted, PlanAt(plan, day, totals), replace(breakdown, limit=None))
            rows = {(r.program, _this_years_key(breakdown.by, r.key)): r.achieved
                    for r in last.rows}
        if counted_now is not None and covers and (targets.renewals.coverage_months
                                                   or not run.files_without_covers()):
            due = counted.due_to_renew(counted_now, as_of, targets.period.end,
                                       targets.renewals.grace_days)
    return LastYearData(day, {p: c.achieved for p, c in counts.programs.items()}, rows,
                        per_day, counts.reconciliation,
                        every_row=breakdown is None or breakdown.limit is None,
                        due_to_renew=due)


def with_last_year(
    result: ProgressResult, targets: TargetFile, files: list[str], *,
    options: ReadOptions | None = None, breakdown: BreakdownRequest | None = None,
    counted_now: str | None = None,
) -> tuple[ProgressResult, LastYearData | None]:
    """The result with last year at its as-of date: from `files` (last year's exports, read
    with the same options; with --db their rows kept beside it) when given, else from the
    plan's month-end figures; with `counted_now`, each program's due to renew. Also what the
    files said, for the report's burn-up."""
    if not files:
        return attach(result, targets), None
    options = options or ReadOptions()
    counted = count_last_year(
        targets, files, result.as_of, breakdown=breakdown, counted_now=counted_now,
        options=replace(options, db=last_year_db(options.db) if options.db else None))
    return attach(result, targets, counted), counted


def progress_with_last_year(
    targets: TargetFile, targets_path: str, data: list[str], files: list[str], *,
    as_of: dt.date | None = None, options: ReadOptions | None = None,
    rejects: str | None = None, breakdown: BreakdownRequest | None = None,
    roster: set[str] | None = None,
) -> ProgressResult:
    """`sspost progress`: this year's files counted, then last year's (`files`) at the same
    day, which also say who of last year's participants is due to renew."""
    with tempfile.TemporaryDirectory(prefix="sspost-") as folder:
        counted_now = os.path.join(folder, "counted.parquet") if files else None
        result = progress.build_progress(targets, targets_path, data, as_of=as_of,
                                         options=options, rejects=rejects, breakdown=breakdown,
                                         roster=roster, counted_to=counted_now)
        return with_last_year(result, targets, files, options=options, breakdown=breakdown,
                              counted_now=counted_now)[0]


def _ratio(achieved: float, last: float | None) -> float | None:
    return achieved / last if last else None


def attach(result: ProgressResult, targets: TargetFile,
           data: LastYearData | None = None) -> ProgressResult:
    """The result with `last_year` and `vs_last_year` on each program (and, from data, on each
    breakdown row); unchanged where neither source says anything."""
    programs = []
    for p in result.programs:
        last: LastYear | None = None
        if data is not None:
            last = LastYear(data.as_of, data.programs.get(p.program, 0), "data")
        else:
            baseline = targets.programs[p.program].baseline
            if baseline is not None and baseline.cumulative:
                last = last_year_from_cumulative(baseline.cumulative, targets.period.start,
                                                 targets.period.end, result.as_of)
        due = data.due_to_renew if data is not None else None
        programs.append(replace(p, last_year=last, vs_last_year=_ratio(
            p.measures.achieved, last.participants if last else None),
            due_to_renew=due.get(p.program, 0) if due is not None else None))
    breakdown = result.breakdown
    if breakdown is not None and data is not None:
        breakdown = _with_rows(breakdown, data)
    return replace(result, programs=programs, breakdown=breakdown,
                   last_year_reconciliation=data.reconciliation if data else None)


def _with_rows(breakdown: Breakdown, data: LastYearData) -> Breakdown:
    """Each row with its figure last year; a key seen only last year (a staff member who has
    left, codes now unassigned) gets a row of its own, so the rows still add up."""
    def row(r: BreakdownRow) -> BreakdownRow:
        last = data.rows.get((r.program, r.key), 0)
        return replace(r, last_year=last, vs_last_year=_ratio(r.achieved, last))
    rows = [row(r) for r in breakdown.rows]
    if data.every_row:
        seen = {(r.program, r.key) for r in rows}
        rows += [BreakdownRow(program, key, None, 0, last_year=n, vs_last_year=0.0)
                 for (program, key), n in sorted(data.rows.items())
                 if (program, key) not in seen and n]
    return replace(breakdown, rows=rows, last_year_as_of=data.as_of)


def cumulative_by_day(targets: TargetFile, program: str, days: list[dt.date],
                      data: LastYearData | None) -> list[float] | None:
    """Last year's cumulative participants at the same day as each of `days` (the burn-up's
    last-year curve), or None when no source gives it."""
    if data is not None:
        per_day = sorted((dt.date.fromisoformat(key), n)
                         for (p, key), n in data.per_day.items() if p == program and key)
        out, running, i = [], 0, 0
        for day in days:
            then = same_day_last_year(day)
            while i < len(per_day) and per_day[i][0] <= then:
                running += per_day[i][1]
                i += 1
            out.append(float(running))
        return out
    baseline = targets.programs[program].baseline
    if baseline is None or not baseline.cumulative:
        return None
    values = [last_year_from_cumulative(baseline.cumulative, targets.period.start,
                                        targets.period.end, day) for day in days]
    return [float("nan") if v is None else v.participants  # NaN: not published, not drawn
            for v in values]
