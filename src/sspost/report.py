"""`sspost report`: the monthly report's content, as plain values (SPEC section 6).

The report is the progress result for the month's last day (or the latest record when the month
is not over), plus what only a report shows: the burn-up series, this month against last month,
and the units behind or silent.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field, replace

from sspost import records
from sspost.breakdowns import BreakdownRow
from sspost.last_year import LastYearData, cumulative_by_day, with_last_year
from sspost.measures import elapsed
from sspost.problems import UsageError
from sspost.progress import BreakdownRequest, ProgressResult, collect
from sspost.records import Counted, ReadOptions, Run
from sspost.renewals import last_period_covers
from sspost.targets import TargetFile


@dataclass(frozen=True)
class ProgramSeries:
    """A program's burn-up: the expected path over the whole period, one point per day, and
    cumulative achieved for the days up to the as-of date (`achieved[i]` is `days[i]`'s)."""

    program: str
    days: list[dt.date]
    achieved: list[int]
    expected: list[float]
    target: int
    as_of: dt.date
    this_month: int  # new participants in the report month
    last_month: int | None  # None when the month before is outside the period
    last_year: list[float] | None = None  # the same day last year, for each of `days`
    # From the as-of date to the period's end at the pace so far (the plan's path scaled by
    # the pace): where the period ends if nothing changes; `projection[0]` is the as-of day's.
    projection: list[float] = field(default_factory=list)

    @property
    def projected_shortfall(self) -> float:
        """How far short of the target the period ends at the pace so far (0 when it does
        not)."""
        return max(self.target - self.projection[-1], 0.0) if self.projection else 0.0


CHART_ROWS = 30  # bars a page holds; the table under each chart lists every row


@dataclass(frozen=True)
class Charted:
    """The rows a bar chart draws: all of them, or the `top` best and `bottom` worst."""

    rows: list[BreakdownRow]
    top: int
    bottom: int
    total: int

    @property
    def complete(self) -> bool:
        return len(self.rows) == self.total


def charted(rows: list[BreakdownRow], limit: int = CHART_ROWS) -> Charted:
    """Every row when they fit; else the best and the worst half each (by attainment where
    rows have targets, by participants otherwise), best first, so no extreme goes unseen."""
    if len(rows) <= limit:
        return Charted(rows, len(rows), 0, len(rows))
    ranked = [r for r in rows if _attainment(r) is not None]
    if ranked:
        ranked.sort(key=lambda r: (-(_attainment(r) or 0.0), r.key))
    else:
        ranked = sorted(rows, key=lambda r: (-r.achieved, r.key))
    top = min(limit // 2, len(ranked))
    bottom = min(limit - top, len(ranked) - top)
    chosen = ranked[:top] + ranked[len(ranked) - bottom:] if bottom else ranked[:top]
    return Charted([replace(r, depth=1) for r in chosen], top, bottom, len(rows))


def _attainment(row: BreakdownRow) -> float | None:
    return row.measures.attainment if row.measures else None


@dataclass(frozen=True)
class UnitRenewals:
    """A unit's renewals in the report: who must pay again next month, and who lapsed."""

    unit: str | None
    due_next_month: int
    due: int
    overdue: int
    lapsed: int
    renewal_rate: float | None


@dataclass(frozen=True)
class ProgramRenewalsShown:
    program: str
    due_to_renew: int | None  # due or overdue, not counted this period yet
    due_next_month: int
    lapsed: int
    renewal_rate: float | None
    units: list[UnitRenewals]


@dataclass(frozen=True)
class MonthlyReport:
    month: str
    name: str  # the plan's name and organisation, for the title
    organisation: str | None
    result: ProgressResult
    series: list[ProgramSeries]
    behind: list[BreakdownRow]  # units with a target at risk or behind, laggards first
    silent: list[BreakdownRow]  # units with a target that sent no record
    stamp: str | None
    charted: dict[str, Charted]  # program -> the breakdown rows its bar chart draws
    renewals: list[ProgramRenewalsShown] | None = None  # when covers are known, both years


def parse_month(month: str, targets: TargetFile) -> tuple[dt.date, dt.date]:
    if not re.fullmatch(r"(?!0000)\d{4}-(0[1-9]|1[0-2])", month):
        raise UsageError.of("month_form", month=repr(month))
    year, mon = int(month[:4]), int(month[5:])
    first, last = dt.date(year, mon, 1), dt.date(year, mon, calendar.monthrange(year, mon)[1])
    period = targets.period
    if last < period.start or first > period.end:
        raise UsageError.of("month_outside", month=month, start=str(period.start),
                            end=str(period.end))
    return first, last


def report_as_of(run: Run, first: dt.date, last: dt.date) -> dt.date:
    """The month's last day, or the latest record inside it when the month is not over."""
    latest = run.latest()[0]
    if latest is not None and first <= latest < last:
        return latest
    return min(last, run.targets.period.end)


def build_report(
    targets: TargetFile, targets_path: str, data: list[str], month: str, *,
    options: ReadOptions | None = None, roster: set[str] | None = None,
    stamp: str | None = None, baseline_data: list[str] | None = None,
) -> MonthlyReport:
    first, last = parse_month(month, targets)
    request = BreakdownRequest("unit" if targets.units else "province")
    # The renewals section joins both years' spells: last year's covers come first.
    with last_period_covers(targets, data, baseline_data or [], options or ReadOptions(),
                            keep="unit") as before:
        reading = replace(options or ReadOptions(), covers=True) if before else options
        with records.open(targets, data, reading, keep=request.by) as run:
            as_of = report_as_of(run, first, last)
            result, window = collect(run, targets_path, as_of, breakdown=request,
                                     roster=roster)
            per_day = window.by("day")
            shown = _renewals(targets, window, before, result, last) if before else None
    result, counted = with_last_year(result, targets, baseline_data or [], options=options,
                                     breakdown=request)
    if shown is not None:  # the section's spells say it: no second count in last year's run
        due = {r.program: r.due_to_renew for r in shown}
        result = replace(result, programs=[replace(p, due_to_renew=due[p.program])
                                           for p in result.programs])
    paces = {p.program: p.measures.pace for p in result.programs}
    series = [_series(targets, code, per_day, as_of, first, counted, paces[code])
              for code in targets.programs]
    rows = result.breakdown.rows if result.breakdown else []
    behind = [r for r in rows if r.measures and r.measures.status in ("behind", "at_risk")]
    silent = [r for r in rows if r.reporting is False]
    charts = {code: charted([r for r in rows if r.program == code]) for code in targets.programs}
    return MonthlyReport(month, targets.name, targets.organisation, result, series, behind,
                         silent, stamp, charts, shown)


def _renewals(targets: TargetFile, window: Counted, before: str, result: ProgressResult,
              month_end: dt.date) -> list[ProgramRenewalsShown]:
    """Each program's renewals for the report: due next month by unit, lapsed, the rate."""
    following = (month_end + dt.timedelta(days=1)).strftime("%Y-%m")
    counts = window.renewals(targets.renewals.grace_days, "unit_month", before)
    out = []
    for p in result.programs:
        units: dict[str | None, list[int]] = {}
        for (program, key), f in counts.rows.items():
            if program != p.program or key is None:
                continue
            unit, _, ends = key.rpartition("|")
            figures = units.setdefault(unit or None, [0] * 6)
            for i, n in enumerate((f.due if ends == following else 0, f.due, f.overdue,
                                   f.lapsed, f.ended, f.continued)):
                figures[i] += n
        whole = counts.programs[p.program]
        shown = [UnitRenewals(unit, n[0], n[1], n[2], n[3], n[5] / n[4] if n[4] else None)
                 for unit, n in sorted(units.items(), key=lambda u: (-u[1][0], u[0] or ""))]
        out.append(ProgramRenewalsShown(
            p.program, whole.due_not_counted, sum(u.due_next_month for u in shown), whole.lapsed,
            whole.renewal_rate, shown))
    return out


def _series(targets: TargetFile, program: str, per_day: dict[tuple[str, str | None], int],
            as_of: dt.date, month_start: dt.date, last_year: LastYearData | None,
            pace: float | None) -> ProgramSeries:
    """The program's burn-up; `pace` (its measures') draws the path on from the as-of date."""
    start, end = targets.period.start, targets.period.end
    target = targets.programs[program].target
    days, achieved, expected = [], [], []
    running = 0
    day = start
    while day <= end:
        if day <= as_of:
            running += per_day.get((program, day.isoformat()), 0)
            achieved.append(running)
        days.append(day)
        expected.append(target * elapsed(start, end, day, targets.phasing))
        day += dt.timedelta(days=1)

    def new_between(first: dt.date, last: dt.date) -> int:
        return sum(n for (p, key), n in per_day.items()
                   if p == program and key is not None
                   and first.isoformat() <= key <= last.isoformat())

    previous_end = month_start - dt.timedelta(days=1)
    previous_start = previous_end.replace(day=1)
    done = len(achieved)
    projection = [e * pace for e in expected[done - 1:]] if pace is not None and done else []
    return ProgramSeries(
        program, days, achieved, expected, target, min(as_of, end), projection=projection,
        this_month=new_between(month_start, as_of),
        last_month=new_between(previous_start, previous_end) if previous_end >= start else None,
        last_year=cumulative_by_day(targets, program, days, last_year),
    )
