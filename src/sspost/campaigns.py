"""Campaign days: who met the per-staff quota (SPEC section 3, `campaigns`)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass

from sspost.problems import UsageError
from sspost.targets.model import TargetFile

# (program, day) -> participants signed up that day per staff id (None: no staff given)
StaffCounts = dict[tuple[str, dt.date], dict[str | None, int]]


@dataclass(frozen=True)
class CampaignResult:
    name: str
    date: dt.date
    program: str
    per_staff: int
    staff_seen: int | None  # None when no file has a staff_id column
    staff_met: int | None
    signed_up: int
    roster_size: int | None = None
    roster_met_share: float | None = None


def load_roster(path: str) -> set[str]:
    """Staff ids of a roster CSV (columns staff_id and unit)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "staff_id" not in [f.strip() for f in reader.fieldnames]:
                raise UsageError.of("roster_columns", path=path)
            key = next(f for f in reader.fieldnames if f.strip() == "staff_id")
            return {row[key].strip() for row in reader if (row.get(key) or "").strip()}
    except OSError as exc:
        raise UsageError.of("roster_missing", path=path, why=exc.strerror or exc) from None
    except UnicodeDecodeError:
        raise UsageError.of("roster_utf8", path=path) from None


def campaign_results(targets: TargetFile, staff_counts: StaffCounts, has_staff: bool,
                     roster: set[str] | None = None) -> list[CampaignResult]:
    out = []
    for campaign in targets.campaigns:
        for program, quota in campaign.per_staff.items():
            counts = staff_counts.get((program, campaign.date), {})
            named = {staff: n for staff, n in counts.items() if staff is not None}
            met = {staff for staff, n in named.items() if n >= quota}
            roster_met = None
            if roster is not None:  # rostered staff with no record count as not met
                roster_met = len(met & roster) / len(roster) if roster else None
            out.append(CampaignResult(
                campaign.name, campaign.date, program, quota,
                len(named) if has_staff else None, len(met) if has_staff else None,
                sum(counts.values()),
                len(roster) if roster is not None else None, roster_met,
            ))
    return out
