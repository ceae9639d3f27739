"""A deterministic synthetic participant export, for trying sspost and for benchmarks.

Same `rows`, `seed`, `start` and `end` give the same bytes on every machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from typing import TextIO

from sspost.provinces import reference_rows

HEADER = ("participant_id", "date", "program", "unit", "province", "staff_id")
PROGRAM_NAMES = {
    "voluntary_si": ("voluntary_si", "BHXH_TN", "BHXH tự nguyện"),
    "household_hi": ("household_hi", "BHYT_HGD"),
}
MERGER = dt.date(2025, 7, 1)
LAUNCH = dt.date(2025, 4, 12)


Record = tuple[str, str, str, str, str, str]


def people_records(rng: random.Random, start: dt.date, end: dt.date,
            province: str | None = None) -> Iterator[list[Record]]:
    provinces = [(old, new) for old, _, new, _ in reference_rows()
                 if province is None or old == province]
    days = (end - start).days + 1
    while True:
        old, new = rng.choice(provinces)
        if rng.random() < 0.6:  # the 10-digit social insurance code starts with the province
            pid = old + f"{rng.randrange(10**8):08d}"
        else:  # the 12-digit personal number: 0 + province, sex/century, year, serial
            pid = f"0{old}{rng.choice('0123')}{rng.randrange(100):02d}{rng.randrange(10**6):06d}"
        program = "voluntary_si" if rng.random() < 0.07 else "household_hi"
        launch_day = rng.random() < 0.05 and start <= LAUNCH <= end
        first = LAUNCH if launch_day else start + dt.timedelta(days=rng.randrange(days))
        district = f"{old}-{rng.randrange(1, 13):03d}"
        # On launch day each provincial office's lead signs people up; other days anyone does.
        staff = f"NV{old}{0 if launch_day else rng.randrange(40):03d}"
        dates = [first]
        if program == "voluntary_si" and rng.random() < 0.3:  # paying monthly
            dates += [first + dt.timedelta(days=30 * k) for k in range(1, rng.randrange(2, 7))]
        elif rng.random() < 0.02:  # the same enrolment exported twice
            dates.append(first)
        records: list[Record] = []
        for date in dates:
            if date > end:
                break
            province = new if date >= MERGER else old
            unit = district if rng.random() < 0.7 else old
            records.append((pid, date.isoformat(), rng.choice(PROGRAM_NAMES[program]), unit,
                            province, staff))
        yield records


def write_sample(out: TextIO, rows: int, seed: int, start: dt.date, end: dt.date,
                 province: str | None = None) -> int:
    """Write exactly `rows` data rows (of one province's offices, if given); returns the
    number written."""
    rng = random.Random(seed)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    written = 0
    people = people_records(rng, start, end, province)
    while written < rows:
        for record in next(people)[: rows - written]:
            writer.writerow(record)
            written += 1
    return written



# Renewal behaviour (SPEC section 5a): at each cover's end most pay again on time, some late
# (after the grace days), some never; a few pay ahead. Histories run over these years whatever
# window is written, so the same seed gives the same people in every year's file.
HISTORY = (dt.date(2023, 1, 1), dt.date(2026, 12, 31))
ON_TIME, LATE = 0.72, 0.10  # the rest stop paying
COVER_HEADER = (*HEADER, "coverage_from", "months")


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def payment_history(rng: random.Random, province: str | None = None,
                    ) -> Iterator[list[tuple[Record, dt.date, int]]]:
    """Each person's payments over HISTORY: (record, cover's first day, months)."""
    provinces = [old for old, _, _, _ in reference_rows()
                 if province is None or old == province]
    span = (HISTORY[1] - HISTORY[0]).days
    while True:
        old = rng.choice(provinces)
        pid = old + f"{rng.randrange(10**8):08d}"
        program = "voluntary_si" if rng.random() < 0.2 else "household_hi"
        months = 12 if program == "household_hi" and rng.random() < 0.8 \
            else rng.choice((1, 3, 6, 12))
        unit = f"{old}-{rng.randrange(1, 13):03d}"
        staff = f"NV{old}{rng.randrange(40):03d}"
        paid = HISTORY[0] + dt.timedelta(days=rng.randrange(span))
        cover = _month_start(paid)
        payments = []
        while paid <= HISTORY[1]:
            payments.append(((pid, paid.isoformat(), program, unit, old, staff), cover, months))
            end = _add_months(cover, months) - dt.timedelta(days=1)
            luck = rng.random()
            if luck < ON_TIME:  # within the last three weeks of the cover, or a little ahead
                paid = end - dt.timedelta(days=rng.randrange(0, 21 if rng.random() < 0.9
                                                             else 60))
                cover = end + dt.timedelta(days=1)
            elif luck < ON_TIME + LATE:  # after the grace days: a new spell
                paid = end + dt.timedelta(days=rng.randrange(35, 200))
                cover = _month_start(paid)
            else:
                break
        yield payments


def write_renewals_sample(out: TextIO, people: int, seed: int, start: dt.date, end: dt.date,
                          province: str | None = None) -> int:
    """The payments dated `start` to `end` of `people` people, with their covers (from the
    month, for months); returns the number of rows written."""
    rng = random.Random(seed)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COVER_HEADER)
    history = payment_history(rng, province)
    rows = []
    for _ in range(people):
        rows += [(*record, f"{cover:%m/%Y}", months) for record, cover, months in next(history)
                 if start.isoformat() <= record[1] <= end.isoformat()]
    rows.sort(key=lambda row: (row[1], row[0]))  # an export is in date order
    writer.writerows(rows)
    return len(rows)
