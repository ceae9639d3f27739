"""`sspost progress` as a domain operation: files in, one ProgressResult out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sspost import __version__, provinces, records
from sspost.breakdowns import Breakdown, PlanAt, by_month, by_province, by_staff, by_unit
from sspost.campaigns import CampaignResult, campaign_results
from sspost.catalogue import Label, Notice, Share
from sspost.measures import LastYear, Measures, NationalTotalAt, national_total
from sspost.problems import Failure, UsageError, strict_failures
from sspost.records import REASON_BY_CODE, Counted, Counts, ReadOptions, Reconciliation, Run
from sspost.shown import clean
from sspost.targets import TargetFile


@dataclass(frozen=True)
class ReportedBaseline:
    period: str
    participants: int
    national_share: float | None


@dataclass(frozen=True)
class ProgramProgress:
    program: str
    label: str
    label_vi: str | None
    measures: Measures
    national_total: NationalTotalAt | None
    share: float | None
    baseline: ReportedBaseline | None
    vs_baseline: float | None
    id_kinds: dict[str, int]
    last_year: LastYear | None = None  # set by last_year.attach
    vs_last_year: float | None = None
    # Due or overdue participants not counted yet (SPEC section 5a), when covers are known.
    due_to_renew: int | None = None

    def label_in(self, lang: str) -> str:
        """The program's name for people: Vietnamese when asked for and given."""
        return Label(self.label, self.label_vi).text(lang)


REJECTED_SHARE = "warning.rejected_share"  # the notice said beside the figures


@dataclass(frozen=True)
class ProgressResult:
    generator: str
    targets: str
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date
    programs: list[ProgramProgress]
    breakdown: Breakdown | None
    campaigns: list[CampaignResult]
    reconciliation: Reconciliation
    warnings: list[Notice]
    last_year_reconciliation: Reconciliation | None = None  # with --baseline-data
    name: str = ""  # the plan's name, for the titles people read (the workbook's)

    @property
    def beside_figures(self) -> list[Notice]:
        """The warnings a table or workbook shows under its figures, not only on stderr: the
        share of rows rejected (SPEC section 4)."""
        return [w for w in self.warnings if w.key == REJECTED_SHARE]


@dataclass(frozen=True)
class BreakdownRequest:
    by: str  # unit, province, month or staff
    depth: int | None = None
    sort: str = "auto"
    limit: int | None = None


def resolve_as_of(run: Run, as_of: dt.date | None) -> tuple[dt.date, Notice | None]:
    """The as-of date asked for, else the latest record's (with a warning when that rests on a
    handful of far-off records)."""
    period = run.targets.period
    warning = None
    if as_of is None:
        as_of, warning = run.latest()
        if as_of is None:
            run.stop_if_mostly_rejected()  # the likelier cause, said first
            raise UsageError.of("no_records", start=str(period.start), end=str(period.end))
    if as_of < period.start:
        raise UsageError.of("as_of_before", as_of=str(as_of), start=str(period.start))
    return as_of, warning


def program_progress(plan: PlanAt, counts: Counts) -> list[ProgramProgress]:
    targets = plan.targets
    out = []
    for code, program in targets.programs.items():
        count = counts.programs[code]
        measures = plan.measure(program.target, count.achieved)
        total = national_total(
            [(t.as_of, t.participants, t.source) for t in targets.national_totals
             if t.program == code],
            counts.as_of, targets.period.end,
        )
        baseline = program.baseline
        out.append(ProgramProgress(
            program=code,
            label=program.label,
            label_vi=program.label_vi,
            measures=measures,
            national_total=total,
            share=count.achieved / total.participants if total else None,
            baseline=ReportedBaseline(baseline.period, baseline.participants,
                                      baseline.national_share) if baseline else None,
            vs_baseline=count.achieved / baseline.participants
            if baseline and baseline.participants else None,
            id_kinds={"social_insurance_code": count.social_insurance_codes,
                      "personal_number": count.personal_numbers},
        ))
    return out


# More rejected rows than this share is said beside the figures in every output a person
# reads, not only on stderr (SPEC section 4).
REJECTED_SHARE_SAID = 0.01


def rejected_share(reconciliation: Reconciliation) -> Notice | None:
    """The share of rows rejected, its main reason and the fix, when it is over 1%."""
    r = reconciliation
    if not r.rows_read or r.rejected <= REJECTED_SHARE_SAID * r.rows_read:
        return None
    reason = max(r.rejected_by_reason, key=lambda k: (r.rejected_by_reason[k], k))
    return Notice.of(REJECTED_SHARE.removeprefix("warning."), share=Share(r.rejected / r.rows_read),
                     rejected=r.rejected, rows=r.rows_read, reason=REASON_BY_CODE[reason].named,
                     fix=REASON_BY_CODE[reason].fix)


def warnings_for(targets: TargetFile, counts: Counts, *,
                 id_map: bool = False) -> list[Notice]:
    share = rejected_share(counts.reconciliation)
    warnings = [share] if share else []
    for code, count in counts.programs.items():
        if count.social_insurance_codes and count.personal_numbers and not id_map:
            # SPEC section 4: the same person may appear under both; only an id map joins them.
            program = targets.programs[code]
            warnings.append(Notice.of("id_kinds",
                                      program=Label(program.label, program.label_vi),
                                      codes=count.social_insurance_codes,
                                      numbers=count.personal_numbers))
    if counts.unknown_units:
        codes = sorted(counts.unknown_units)
        shown = ", ".join(clean(code, 40) for code in codes[:10])
        more = len(codes) - 10
        warnings.append(Notice.of("unknown_units_more" if more > 0 else "unknown_units",
                                  records=sum(counts.unknown_units.values()), codes=shown,
                                  more=more))
    if counts.ambiguous_codes:
        warnings.append(Notice.of("ambiguous_codes", codes=counts.ambiguous_codes))
    for report in counts.reconciliation.files:
        if report.number_ids:
            warnings.append(Notice.of("number_ids", path=report.path, ids=report.number_ids))
        if report.rows_read == 0:
            warnings.append(Notice.of("no_rows", path=report.path))
    return warnings


@dataclass(frozen=True)
class CheckResult:
    generator: str
    targets: str
    as_of: dt.date
    reconciliation: Reconciliation
    warnings: list[Notice]


def build_check(
    targets: TargetFile, targets_path: str, data: list[str], *, as_of: dt.date | None = None,
    options: ReadOptions | None = None, rejects: str | None = None,
) -> CheckResult:
    """Read the CSVs only for their bad rows and reconciliation."""
    with records.open(targets, data, options) as run:
        if as_of is None:  # no record in the period is no reason to stop a check
            as_of = run.latest()[0] or targets.period.end
        as_of = resolve_as_of(run, as_of)[0]
        counts = run.count(as_of).counts
        if rejects is not None:
            run.write_rejects(rejects)
    return CheckResult(f"sspost {__version__}", targets_path, as_of, counts.reconciliation,
                       warnings_for(targets, counts, id_map=bool(options and options.id_map)))


def build_progress(
    targets: TargetFile, targets_path: str, data: list[str], *, as_of: dt.date | None = None,
    options: ReadOptions | None = None, rejects: str | None = None,
    breakdown: BreakdownRequest | None = None, roster: set[str] | None = None,
    counted_to: str | None = None,
) -> ProgressResult:
    """`counted_to`: who is counted is written there too (Parquet), for last period's run to
    work out who is due to renew (last_year.with_last_year)."""
    with records.open(targets, data, options, keep=breakdown.by if breakdown else None) as run:
        result, counted = collect(run, targets_path, *resolve_as_of(run, as_of), rejects=rejects,
                                  breakdown=breakdown, roster=roster)
        if counted_to is not None:
            counted.export_counted(counted_to)
        return result


def collect(
    run: Run, targets_path: str, as_of: dt.date, as_of_warning: Notice | None = None, *,
    rejects: str | None = None, breakdown: BreakdownRequest | None = None,
    roster: set[str] | None = None,
) -> tuple[ProgressResult, Counted]:
    """Everything `progress` reports, from a run whose files are loaded; and the window
    counted, for what else a caller reads of it."""
    targets = run.targets
    counted = run.count(as_of, keep=breakdown.by if breakdown else None)
    counts = counted.counts
    run.stop_if_mostly_rejected(counts.reconciliation)  # before anything is written
    if rejects is not None:
        run.write_rejects(rejects)
    plan = PlanAt(targets, as_of, {p: c.achieved for p, c in counts.programs.items()})
    return ProgressResult(
        generator=f"sspost {__version__}",
        targets=targets_path,
        name=targets.name,
        period_start=targets.period.start,
        period_end=targets.period.end,
        as_of=as_of,
        programs=program_progress(plan, counts),
        breakdown=breakdown_of(counted, plan, breakdown) if breakdown else None,
        campaigns=campaign_results(
            targets, counted.campaign_staff({c.date for c in targets.campaigns}),
            run.has_staff, roster),
        reconciliation=counts.reconciliation,
        warnings=warnings_for(targets, counts, id_map=run.id_mapped)
        + ([as_of_warning] if as_of_warning else []),
    ), counted


def breakdown_of(counted: Counted, plan: PlanAt, request: BreakdownRequest) -> Breakdown:
    counts = counted.by(request.by)
    if request.by == "unit":
        return by_unit(plan, counts, counted.units_with_records(), request.depth, request.sort)
    if request.by == "province":
        return by_province(plan, counts, provinces.names(), request.sort)
    if request.by == "month":
        return by_month(plan, counts, request.sort)
    return by_staff(plan, counts, request.sort, request.limit)


# --fail-on: the statuses at or worse than each.
_AT_OR_WORSE = {"behind": ("behind",), "at_risk": ("behind", "at_risk")}


def failures(result: ProgressResult, *, fail_on: str | None, strict: bool) -> list[Failure]:
    """Why a progress run that wrote its result fails: a program at the --fail-on status or
    worse, any row rejected under --strict."""
    out = []
    late = [p.program for p in result.programs
            if fail_on and p.measures.status in _AT_OR_WORSE[fail_on]]
    if late:
        out.append(Failure(message=Notice.error(f"fail_on_{fail_on}", programs=", ".join(late),
                                                n=len(late))))
    return out + strict_failures(result.reconciliation.rejected, strict)
