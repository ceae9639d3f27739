"""SPEC section 5: the measures, as pure functions of counts and dates."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

STALE_AFTER_DAYS = 45
DAYS_PER_MONTH = 365.25 / 12

Phasing = str | dict[str, float]


@dataclass(frozen=True)
class PaceThresholds:
    on_track: float
    at_risk: float


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _month_end(month: str) -> dt.date:
    year, mon = int(month[:4]), int(month[5:7])
    return dt.date(year, mon, calendar.monthrange(year, mon)[1])


def _by_day(month_ends: dict[str, float], start: dt.date, end: dt.date, day: dt.date) -> float:
    """A cumulative figure given at month ends, read at `day` (start <= day <= end): the
    month's rise spread evenly over its days; a month left out keeps the previous figure."""
    previous = 0.0
    month = dt.date(day.year, day.month, 1)
    for key in sorted(month_ends):
        if _month_end(key) < month:
            previous = month_ends[key]
    current = month_ends.get(f"{day:%Y-%m}", previous)
    first_day = max(month, start)
    last_day = min(_month_end(f"{day:%Y-%m}"), end)
    share = ((day - first_day).days + 1) / ((last_day - first_day).days + 1)
    return previous + (current - previous) * share


def elapsed(start: dt.date, end: dt.date, as_of: dt.date, phasing: Phasing) -> float:
    """Fraction of the target expected by `as_of`, clamped to [0, 1]."""
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    if not isinstance(phasing, dict):
        return min(1.0, ((as_of - start).days + 1) / ((end - start).days + 1))
    return min(1.0, max(0.0, _by_day(phasing, start, end, as_of)))


def same_day_last_year(day: dt.date) -> dt.date:
    """The day a year before; 29 February maps to 28 February."""
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period a year before this one (a calendar year before a calendar year)."""
    return same_day_last_year(start), same_day_last_year(end)


@dataclass(frozen=True)
class LastYear:
    """Last period's participants at the same day (SPEC section 5, `last_year`)."""

    as_of: dt.date  # the same day last year
    participants: float  # counted (whole) or interpolated from month-end figures
    source: str  # "cumulative" or "data"


def last_year_from_cumulative(cumulative: dict[str, int], start: dt.date, end: dt.date,
                              as_of: dt.date) -> LastYear | None:
    """Last year at `as_of` (start <= as_of) from the earlier period's month-end cumulative
    figures, interpolated by day like phasing; None past the last month given (not published
    yet is not zero)."""
    if not cumulative:
        return None
    day = same_day_last_year(min(as_of, end))
    first, last = previous_period(start, end)
    if day > _month_end(max(cumulative)):
        return None
    values = {k: float(v) for k, v in cumulative.items()}
    return LastYear(day, _by_day(values, first, last, day), "cumulative")  # day <= last


def status(achieved: int, target: int, pace: float | None, thresholds: PaceThresholds) -> str:
    if achieved >= target:
        return "achieved"
    if pace is None:  # nothing expected yet: nobody is behind a zero
        return "on_track"
    if pace >= thresholds.on_track:
        return "on_track"
    if pace >= thresholds.at_risk:
        return "at_risk"
    return "behind"


@dataclass(frozen=True)
class Measures:
    """Every measure of SPEC section 5 for one target, unrounded."""

    target: int
    achieved: int
    attainment: float | None
    gap: int
    elapsed: float
    expected: float
    pace: float | None
    status: str
    projected: float | None
    days_left: int
    required_per_day: float | None
    required_per_month: float | None
    # Participants a day so far, over the days from the start to the as-of date: what the
    # rate needed per day is set against (the report's first sentence).
    rate_per_day: float | None = None

    @property
    def shortfall(self) -> float:
        """How far below the expected path, in people (0 when on or above it)."""
        return max(self.expected - self.achieved, 0.0)


def measure(
    *, target: int, achieved: int, start: dt.date, end: dt.date, as_of: dt.date,
    phasing: Phasing, thresholds: PaceThresholds,
) -> Measures:
    fraction = elapsed(start, end, as_of, phasing)
    expected = target * fraction
    pace = _ratio(achieved, expected)
    gap = max(target - achieved, 0)
    days_left = max((end - as_of).days, 0)
    per_day = _ratio(gap, days_left)
    return Measures(
        target=target,
        achieved=achieved,
        attainment=_ratio(achieved, target),
        gap=gap,
        elapsed=fraction,
        expected=expected,
        pace=pace,
        status=status(achieved, target, pace, thresholds),
        projected=_ratio(achieved, fraction),
        days_left=days_left,
        required_per_day=per_day,
        required_per_month=None if per_day is None else per_day * DAYS_PER_MONTH,
        rate_per_day=_ratio(achieved, (min(as_of, end) - start).days + 1),
    )


@dataclass(frozen=True)
class NationalTotalAt:
    """The VSS figure a share is of at the as-of date (targets.model.NationalTotal is an entry
    of the plan)."""

    participants: int
    as_of: dt.date
    stale: bool
    source: str | None


def national_total(
    entries: list[tuple[dt.date, int, str | None]], as_of: dt.date, period_end: dt.date,
) -> NationalTotalAt | None:
    """The latest VSS figure dated on or before `as_of` (and not after the period)."""
    usable = [e for e in entries if e[0] <= as_of and e[0] <= period_end]
    if not usable:
        return None
    date, participants, source = max(usable, key=lambda e: e[0])
    return NationalTotalAt(participants, date, (as_of - date).days > STALE_AFTER_DAYS, source)
