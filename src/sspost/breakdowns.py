"""SPEC sections 4-6: where the gap is, by unit tree, province, month or staff member.

Counts come from the engine (`records.dimensions`); this module only arranges them: rollups up
the unit tree, sorting, and the measures of rows that have a target.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sspost.measures import Measures, PaceThresholds, elapsed, measure
from sspost.shown import clean_all
from sspost.targets.model import TargetFile, Unit

UNASSIGNED = "(unassigned)"
NONE = "(none)"
SORTS = ("auto", "pace", "achieved", "code")


@dataclass(frozen=True)
class BreakdownRow:
    program: str
    key: str  # the unit code, province code, month (YYYY-MM) or staff id
    name: str | None
    achieved: int
    depth: int = 1
    target: int | None = None
    measures: Measures | None = None
    reporting: bool | None = None  # units with a target: did they send any record?
    parent: bool = False
    share: float | None = None  # of the program's total
    cumulative: int | None = None  # months: running total
    expected_cumulative: float | None = None
    change: int | None = None  # months: against the month before
    last_year: int | None = None  # with --baseline-data: the same row, the same day last year
    vs_last_year: float | None = None


@dataclass(frozen=True)
class Breakdown:
    by: str
    rows: list[BreakdownRow]
    depth: int | None = None
    # units: program -> (units with a target that sent records, units with a target)
    reported: dict[str, tuple[int, int]] = field(default_factory=dict)
    last_year_as_of: dt.date | None = None  # with --baseline-data: the rows' day last year


@dataclass(frozen=True)
class PlanAt:
    """The plan at the as-of date: what every measure and breakdown needs of the target file
    and the run."""

    targets: TargetFile
    as_of: dt.date
    totals: dict[str, int]  # program -> achieved

    def measure(self, target: int, achieved: int) -> Measures:
        t = self.targets
        return measure(target=target, achieved=achieved, start=t.period.start, end=t.period.end,
                       as_of=self.as_of, phasing=t.phasing,
                       thresholds=PaceThresholds(t.thresholds.on_track, t.thresholds.at_risk))


def _pace_key(row: BreakdownRow) -> tuple[Any, ...]:
    pace = row.measures.pace if row.measures and row.measures.pace is not None else math.inf
    return (pace, row.key)


def _sort_key(sort: str, default: str) -> Callable[[BreakdownRow], tuple[Any, ...]]:
    sort = default if sort == "auto" else sort
    if sort == "pace":
        return _pace_key
    if sort == "achieved":
        return lambda r: (r.achieved, r.key)
    return lambda r: (r.key,)


def _sorted(rows: list[BreakdownRow], sort: str, default: str) -> list[BreakdownRow]:
    return sorted(rows, key=_sort_key(sort, default))


@dataclass
class _UnitWalk:
    """One program's walk down the unit tree."""

    plan: PlanAt
    program: str
    own: dict[str, int]  # unit code -> participants whose earliest record names it
    sent: set[str]
    depth: int | None
    sort: str
    reported: int = 0
    with_target: int = 0

    def visit(self, unit: Unit, level: int) -> tuple[list[BreakdownRow], int, bool]:
        """The rows of a unit and its subtree, its rolled-up achieved, and whether it reported."""
        children = [self.visit(child, level + 1) for child in unit.units]
        achieved = self.own.get(unit.code, 0) + sum(c[1] for c in children)
        reporting = unit.code in self.sent or any(c[2] for c in children)
        target = unit.targets.get(self.program)
        if target is not None:
            self.reported += reporting
            self.with_target += 1
        total = self.plan.totals[self.program]
        row = BreakdownRow(
            self.program, unit.code, unit.name, achieved, level, target,
            self.plan.measure(target, achieved) if target is not None else None,
            reporting if target is not None else None, bool(unit.units), _share(achieved, total),
        )
        below = [r for c in _sorted_children(children, self.sort) for r in c[0]]
        shown = [row] if self.depth is None or level <= self.depth else []
        return shown + below, achieved, reporting


def by_unit(plan: PlanAt, counts: dict[tuple[str, str | None], int], sent: set[str],
            depth: int | None, sort: str) -> Breakdown:
    rows: list[BreakdownRow] = []
    reported: dict[str, tuple[int, int]] = {}
    for program in plan.targets.programs:
        own = {key: n for (p, key), n in counts.items() if p == program and key is not None}
        walk = _UnitWalk(plan, program, own, sent, depth, sort)
        top = [walk.visit(unit, 1) for unit in plan.targets.units]
        for tree_rows, _, _ in _sorted_children(top, sort):
            rows += tree_rows
        # Records naming no unit of the tree (or none at all) are counted, never dropped.
        unassigned = plan.totals[program] - sum(t[1] for t in top)
        if unassigned or not plan.targets.units:
            rows.append(BreakdownRow(program, UNASSIGNED, None, unassigned,
                                     share=_share(unassigned, plan.totals[program])))
        reported[program] = (walk.reported, walk.with_target)
    return Breakdown("unit", rows, depth, reported)


def _sorted_children(children: list[tuple[list[BreakdownRow], int, bool]],
                     sort: str) -> list[tuple[list[BreakdownRow], int, bool]]:
    """Siblings in the sort order of their own rows, each keeping its subtree under it."""
    key = _sort_key(sort, "pace")
    shown = sorted((c for c in children if c[0]), key=lambda c: key(c[0][0]))
    return shown + [c for c in children if not c[0]]  # hidden by --depth: order is moot


def _share(part: int, total: int) -> float | None:
    return part / total if total else None


def by_province(plan: PlanAt, counts: dict[tuple[str, str | None], int],
                names: dict[str, str], sort: str) -> Breakdown:
    rows: list[BreakdownRow] = []
    for program in plan.targets.programs:
        total = plan.totals[program]
        found = [BreakdownRow(program, key or NONE, names.get(key or "") if key else None, n,
                              share=_share(n, total))
                 for (p, key), n in counts.items() if p == program]
        rows += _sorted(found, sort, "achieved")
    return Breakdown("province", rows)


def by_staff(plan: PlanAt, counts: dict[tuple[str, str | None], int], sort: str,
             limit: int | None) -> Breakdown:
    rows: list[BreakdownRow] = []
    for program in plan.targets.programs:
        total = plan.totals[program]
        # A staff id is data: shown as written, masked if it could be a participant id.
        found = _sorted([BreakdownRow(program, clean_all(key) if key else NONE, None, n,
                                      share=_share(n, total))
                         for (p, key), n in counts.items() if p == program], sort, "achieved")
        if limit is not None and len(found) > 2 * limit:
            found = found[:limit] + found[-limit:]  # the bottom and the top
        rows += found
    return Breakdown("staff", rows)


def _months(start: dt.date, end: dt.date) -> list[str]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_end(month: str, cap: dt.date) -> dt.date:
    year, mon = int(month[:4]), int(month[5:])
    first_next = dt.date(year + mon // 12, mon % 12 + 1, 1)
    return min(first_next - dt.timedelta(days=1), cap)


def by_month(plan: PlanAt, counts: dict[tuple[str, str | None], int], sort: str) -> Breakdown:
    t = plan.targets
    rows: list[BreakdownRow] = []
    for program, spec in t.programs.items():
        cumulative = 0
        previous: int | None = None
        found = []
        for month in _months(t.period.start, min(plan.as_of, t.period.end)):
            new = counts.get((program, month), 0)
            cumulative += new
            fraction = elapsed(t.period.start, t.period.end, _month_end(month, plan.as_of),
                               t.phasing)
            found.append(BreakdownRow(
                program, month, None, new, share=_share(new, plan.totals[program]),
                cumulative=cumulative, expected_cumulative=spec.target * fraction,
                change=None if previous is None else new - previous,
            ))
            previous = new
        rows += _sorted(found, sort, "code")
    return Breakdown("month", rows)
