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

