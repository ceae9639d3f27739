"""The target file (SPEC section 3) as pydantic models.

Types, ranges and unknown keys are checked here; rules that need the whole file (dates inside the
period, children's targets against the parent's, ...) live in `rules.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Strict so that `target: "5"`, `target: 5.0` and `target: true` are errors, not silent casts.
# Counts are people: a billion is more than any program has, and keeps every sum exact.
MAX_COUNT = 1_000_000_000
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]
PositiveCount = Annotated[int, Field(strict=True, gt=0, le=MAX_COUNT)]
ProgramCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
# Unit codes must be strings: an unquoted `01` is the integer 1 in YAML and loses its zero.
UnitCode = Annotated[str, Field(strict=True, min_length=1)]
Text = Annotated[str, Field(strict=True)]
Fraction = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]
Ratio = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]
MonthKey = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(Strict):
    start: dt.date = Field(description="First day of the plan, inclusive.")
    end: dt.date = Field(description="Last day of the plan, inclusive.")


class Baseline(Strict):
    period: Text = Field(description='The earlier period, e.g. "2024".')
    participants: Count = Field(description="Participants achieved in that period.")
    national_share: Fraction | None = Field(
        default=None, description="Share of the national total reached then, in (0, 1]."
    )
    cumulative: dict[MonthKey, Count] | None = Field(
        default=None, description="The earlier period's cumulative participants at each month "
        "end (published monthly figures), month (YYYY-MM) -> participants; read against the "
        "same day last year, interpolated by day.")
    source: Text | None = None


class Program(Strict):
    label: Text = Field(description="Name shown in English output.")
    label_vi: Text | None = Field(default=None, description="Name shown with --lang vi.")
    target: Count = Field(description="Participants to reach by the end of the period.")
    aliases: list[Text] = Field(
        default_factory=list, description="Other values accepted in the CSV program column."
    )
    baseline: Baseline | None = None
    source: Text | None = None


class NationalTotal(Strict):
    program: ProgramCode
    as_of: dt.date
    participants: PositiveCount
    source: Text | None = None


class Thresholds(Strict):
    on_track: Ratio = Field(default=1.0, description="pace at or above: on track")
    at_risk: Ratio = Field(default=0.9, description="pace at or above: at risk")


class UnitBaseline(Strict):
    period: Text = Field(description='The earlier period, e.g. "2025".')
    participants: dict[ProgramCode, Count] = Field(
        description="Participants the unit (with its sub-units) reached then, per program.")
    source: Text | None = None


class Unit(Strict):
    code: UnitCode
    name: Text
    aliases: list[UnitCode] = Field(
        default_factory=list,
        description="Other codes exports name the unit by (VSS's collection-point code).")
    targets: dict[ProgramCode, Count] = Field(default_factory=dict)
    baseline: UnitBaseline | None = None
    units: list[Unit] = Field(default_factory=list)


def unit_codes(units: list[Unit]) -> set[str]:
    """Every code of the unit tree under `units`, theirs included."""
    return {code for unit in units for code in (unit.code, *unit_codes(unit.units))}


def unit_aliases(units: list[Unit]) -> dict[str, str]:
    """Each alias in the unit tree under `units`, and the code of the unit it names."""
    out: dict[str, str] = {}
    for unit in units:
        out.update({alias: unit.code for alias in unit.aliases})
        out.update(unit_aliases(unit.units))
    return out


class Campaign(Strict):
    name: Text
    date: dt.date
    per_staff: dict[ProgramCode, Count] = Field(
        description="New participants each staff member is asked to sign up that day."
    )
    source: Text | None = None


class InputColumns(Strict):
    participant_id: Text | None = None
    date: Text | None = None
    program: Text | None = None
    unit: Text | None = None
    province: Text | None = None
    staff_id: Text | None = None
    participants: Text | None = None
    coverage_from: Text | None = None
    months: Text | None = None
    coverage_to: Text | None = None


class InputFormat(Strict):
    columns: InputColumns = Field(default_factory=InputColumns)
    date_format: Text | None = Field(default=None, description='strftime format, e.g. "%d/%m/%Y"')
    encoding: Text | None = None
    delimiter: Text | None = None
    forms: dict[Text, Text] = Field(
        default_factory=dict,
        description="the program of each VSS form's rows, by form code: {D03-TS: household_hi}")


class Renewals(Strict):
    """How covers are read and joined (SPEC section 5a)."""

    grace_days: Annotated[int, Field(strict=True, ge=0, le=366)] = Field(
        default=30, description="Days after a cover ends within which a payment continues it.")
    coverage_months: dict[ProgramCode, Annotated[int, Field(strict=True, ge=1, le=60)]] = Field(
        default_factory=dict,
        description="Months a payment covers, by program, for exports without coverage "
        "columns (said as an assumption).")


class TargetFile(Strict):
    """A plan: its period, programs and targets, and optional breakdowns."""

    schema_version: Literal[1]
    name: Text
    organisation: Text | None = None
    period: Period
    source: Text | None = None
    programs: dict[ProgramCode, Program] = Field(min_length=1)
    national_totals: list[NationalTotal] = Field(default_factory=list)
    phasing: Literal["linear"] | dict[
        MonthKey, Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]] = Field(
        default="linear",
        description="`linear`, or month (YYYY-MM) -> cumulative fraction expected by month end.",
    )
    thresholds: Thresholds = Field(default_factory=Thresholds)
    units: list[Unit] = Field(default_factory=list)
    campaigns: list[Campaign] = Field(default_factory=list)
    input: InputFormat = Field(default_factory=InputFormat)
    renewals: Renewals = Field(default_factory=Renewals)
