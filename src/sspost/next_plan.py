"""The next period's plan from this one (SPEC section 6, `sspost plan next`).

Everything that stays from year to year is carried over: programs, aliases, labels, the unit
tree, thresholds, phasing (moved a year) and how the exports look. What the old period's files
count becomes each program's and each unit's `baseline`, with a source saying how and when.
Targets are the user's to set: each is written as a placeholder that `validate` reports, so the
new file is never silently valid with a made-up target. National totals and campaigns belong to
their year and are not carried over. Province units whose codes changed in the 1 July 2025
merger move to their new codes, several old provinces becoming one unit.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from sspost import provinces, records
from sspost.breakdowns import PlanAt, by_unit
from sspost.catalogue import Notice
from sspost.measures import national_total
from sspost.problems import UsageError
from sspost.progress import warnings_for
from sspost.records import ReadOptions, Reconciliation
from sspost.targets import TargetFile
from sspost.targets.model import Period, Unit


@dataclass(frozen=True)
class NextUnit:
    code: str
    name: str
    programs: list[str]  # programs with a target last period: a placeholder each now
    participants: dict[str, int]  # last period, the unit with its sub-units
    merged_from: list[tuple[str, str]] = field(default_factory=list)  # (old code, old name)
    units: list[NextUnit] = field(default_factory=list)


@dataclass(frozen=True)
class ProgramBaseline:
    participants: int
    national_share: float | None
    national_total: tuple[dt.date, int] | None  # the VSS figure the share is of
    cumulative: dict[str, int]  # month (YYYY-MM) -> participants by its end


@dataclass(frozen=True)
class NextPlan:
    old: TargetFile
    period: Period
    old_label: str  # "2025", or start..end for a period that is not a calendar year
    label: str
    counted_to: dt.date  # the last day counted: the old period's end, or the files' last date
    files: list[str]
    computed_on: dt.date
    programs: dict[str, ProgramBaseline]
    units: list[NextUnit]
    units_counted: bool  # False when the files have no unit column
    reconciliation: Reconciliation
    warnings: list[Notice]


def a_year_later(day: dt.date) -> dt.date:
    """The same day a year on; 29 February becomes 28 February."""
    if day.month == 2 and day.day == 29:
        return dt.date(day.year + 1, 2, 28)
    return day.replace(year=day.year + 1)


def period_label(period: Period) -> str:
    start, end = period.start, period.end
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    return f"{start}..{end}"


def computed_on() -> dt.date:
    """Today, or the day SOURCE_DATE_EPOCH names (reproducible builds' convention), so a file
    made again from the same inputs can be the same file."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def next_plan(targets: TargetFile, data: list[str], *,
              options: ReadOptions | None = None) -> NextPlan:
    """The next period's plan, its baselines counted from `data` over this plan's period."""
    period = targets.period
    old_label = period_label(period)
    with records.open(targets, data, options, keep="unit") as run:
        latest, _ = run.latest()
        if latest is None:
            run.stop_if_mostly_rejected()
            raise UsageError.of("next_no_records", label=old_label, start=str(period.start),
                                end=str(period.end))
        has_units = run.has_units
        counted = run.count(latest, "unit" if has_units else None)
        counts = counted.counts
        run.stop_if_mostly_rejected(counts.reconciliation)
        recon = counts.reconciliation
        if recon.outside_window > recon.counted + recon.duplicate_records:
            raise UsageError.of("next_outside", outside=recon.outside_window,
                                accepted=recon.accepted, label=old_label,
                                start=str(period.start), end=str(period.end))
        totals = {p: c.achieved for p, c in counts.programs.items()}
        per_day = counted.by("day")
        units: dict[tuple[str, str], int] = {}
        if has_units and targets.units:
            plan = PlanAt(targets, latest, totals)
            breakdown = by_unit(plan, counted.by("unit"), counted.units_with_records(), None,
                                "code")
            units = {(r.program, r.key): r.achieved for r in breakdown.rows}
        warnings = warnings_for(targets, counts, id_map=run.id_mapped)
        if targets.units and not has_units:
            warnings.append(Notice.of("next_plan_no_units"))
    if latest < period.end:
        warnings.append(Notice.of("next_plan_short", last=latest.isoformat(),
                                  end=period.end.isoformat()))
    return NextPlan(
        old=targets, period=Period(start=a_year_later(period.start),
                                   end=a_year_later(period.end)),
        old_label=old_label,
        label=period_label(Period(start=a_year_later(period.start),
                                  end=a_year_later(period.end))),
        counted_to=latest, files=data, computed_on=computed_on(),
        programs={code: _baseline(targets, code, totals.get(code, 0), per_day, latest)
                  for code in targets.programs},
        units=_merged(_next_units(targets.units, units), list(targets.programs)),
        units_counted=has_units,
        reconciliation=recon, warnings=warnings)


def _baseline(targets: TargetFile, code: str, participants: int,
              per_day: dict[tuple[str, str | None], int], last: dt.date) -> ProgramBaseline:
    total = national_total([(t.as_of, t.participants, t.source)
                            for t in targets.national_totals if t.program == code],
                           last, targets.period.end)
    at_end = total if total is not None and total.as_of == last else None
    share = participants / at_end.participants if at_end and participants else None
    return ProgramBaseline(participants, share, (at_end.as_of, at_end.participants)
                           if at_end else None, _cumulative(code, per_day, targets.period, last))


def _cumulative(code: str, per_day: dict[tuple[str, str | None], int], period: Period,
                last: dt.date) -> dict[str, int]:
    """Participants by the end of each month of the period that the files cover whole."""
    new_by_month: dict[str, int] = {}
    for (program, day), n in per_day.items():
        if program == code and day is not None:
            new_by_month[day[:7]] = new_by_month.get(day[:7], 0) + n
    out, running = {}, 0
    month = dt.date(period.start.year, period.start.month, 1)
    while month <= last:
        following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        key = f"{month:%Y-%m}"
        running += new_by_month.get(key, 0)
        if following - dt.timedelta(days=1) <= last:
            out[key] = running
        month = following
    return out


def _next_units(units: list[Unit], counted: dict[tuple[str, str], int]) -> list[NextUnit]:
    return [NextUnit(u.code, u.name, list(u.targets),
                     {program: n for (program, code), n in counted.items() if code == u.code},
                     units=_next_units(u.units, counted))
            for u in units]


def _merged(units: list[NextUnit], programs: list[str]) -> list[NextUnit]:
    """Top-level units whose codes are pre-merger province codes, under the code in force from
    1 July 2025: provinces that merged become one unit (their sub-units and participants put
    together; each participant counts in one unit, so the sum is theirs)."""
    new_code = {old: new for old, _, new, _ in provinces.reference_rows()}
    merged_names = provinces.names()
    by_code: dict[str, list[NextUnit]] = {}
    for unit in units:
        by_code.setdefault(new_code.get(unit.code, unit.code), []).append(unit)
    out = []
    for code, group in by_code.items():
        if len(group) == 1 and group[0].code == code:
            out.append(group[0])
            continue
        participants: dict[str, int] = {}
        for unit in group:
            for program, n in unit.participants.items():
                participants[program] = participants.get(program, 0) + n
        out.append(NextUnit(
            code, merged_names.get(code, group[0].name),
            [p for p in programs if any(p in u.programs for u in group)],
            participants, [(u.code, u.name) for u in group],
            [child for u in group for child in u.units]))
    return out
