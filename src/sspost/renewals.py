"""`sspost renewals` as a domain operation (SPEC section 5a): who is covered, due, overdue or
lapsed at the as-of date, who renewed, and how much of the gap renewals can close.

Last period's files (--baseline-data) are read in a run of their own, with last period's plan,
and hand their covers to this period's run; without them the covers paid last period are
unknown, and `due_not_counted` is null rather than a wrong figure.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from sspost import __version__, records
from sspost.breakdowns import PlanAt
from sspost.catalogue import Label, Notice
from sspost.last_year import previous_plan
from sspost.outputs import last_year_db
from sspost.problems import UsageError
from sspost.progress import resolve_as_of, warnings_for
from sspost.records import Due, ReadOptions, Reconciliation, RenewalFigures, Run
from sspost.targets import TargetFile

BY = ("unit", "staff", "month")


def by_option(value: str | None) -> str | None:
    """--by: unit, staff or the month a spell ends (SPEC section 5a)."""
    if value is not None and value not in BY:
        raise UsageError.of("renewals_by", value=repr(value))
    return value


@dataclass(frozen=True)
class ProgramRenewals:
    program: str
    label: str
    label_vi: str | None
    figures: RenewalFigures
    due_not_counted: int | None  # null without last period's files
    gap: int
    gap_share_of_due: float | None

    @property
    def renewal_rate(self) -> float | None:
        return self.figures.renewal_rate

    def label_in(self, lang: str) -> str:
        return Label(self.label, self.label_vi).text(lang)


@dataclass(frozen=True)
class RenewalsRow:
    program: str
    key: str | None  # unit or staff code, or month (YYYY-MM) of spell end
    figures: RenewalFigures
    due_not_counted: int | None

    @property
    def renewal_rate(self) -> float | None:
        return self.figures.renewal_rate


@dataclass(frozen=True)
class RenewalsResult:
    generator: str
    targets: str
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date
    grace_days: int
    programs: list[ProgramRenewals]
    by: str | None
    rows: list[RenewalsRow]
    assumptions: list[Notice]
    reconciliation: Reconciliation
    warnings: list[Notice]
    last_year_reconciliation: Reconciliation | None = None
    worklist: list[Due] | None = None  # only when asked (ids in full)
    name: str = ""  # the plan's name, for the titles people read (the workbook's)


def _covers_known(run: Run) -> list[Notice]:
    """The assumption each file without coverage columns rests on; exit 2 when nothing says
    its covers (SPEC section 5a)."""
    months = run.targets.renewals.coverage_months
    out = []
    for path in run.files_without_covers():
        if not months:
            raise CoversUnknown(
                f"{path}: no coverage columns (coverage_from, months, coverage_to: Từ tháng, "
                "Số tháng, Đến tháng) and the plan has no renewals.coverage_months, so no cover "
                "can be worked out; map the columns with --column or add the plan key")
        said = ", ".join(f"{code} {n}" for code, n in sorted(months.items()))
        out.append(Notice.of("renewals_assumed", path=path, months=said))
    return out


@contextmanager
def last_period_covers(targets: TargetFile, this_period: list[str], files: list[str],
                       options: ReadOptions, keep: str | None = None) -> Iterator[str | None]:
    """For `progress` and `report`: last period's covers as a Parquet file while the block
    runs, when the covers of both periods' files can be worked out (else None, and nothing is
    read); `keep` unit or staff: kept of each record, for a breakdown by it."""
    if not files or not (records.may_have_covers(targets, files, options)
                         and records.may_have_covers(targets, this_period, options)):
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="sspost-renewals-") as folder:
        try:
            path = _last_period_covers(targets, files, replace(options, covers=True), keep,
                                       folder)[0]
        except CoversUnknown:
            path = None
        yield path


class CoversUnknown(UsageError):
    """A file whose covers nothing says (SPEC section 5a): `renewals` stops (exit 2)."""


def _last_period_covers(targets: TargetFile, files: list[str], options: ReadOptions,
                        by: str | None, folder: str) -> tuple[str, Reconciliation]:
    """Last period's files read with its plan; their covers as a Parquet file in `folder`."""
    plan = previous_plan(targets)
    path = os.path.join(folder, "covers-before.parquet")
    kept = replace(options, db=last_year_db(options.db) if options.db else None)
    with records.open(plan, files, kept, keep=by) as run:
        counted = run.count(plan.period.end)
        run.stop_if_mostly_rejected(counted.reconciliation)
        _covers_known(run)
        run.export_covers(path)
    return path, counted.reconciliation


def build_renewals(
    targets: TargetFile, targets_path: str, data: list[str], *,
    last_files: list[str] | None = None, as_of: dt.date | None = None,
    options: ReadOptions | None = None, by: str | None = None, worklist: bool = False,
) -> RenewalsResult:
    options = replace(options or ReadOptions(), covers=True)
    grace = targets.renewals.grace_days
    # The worklist names each person's unit and staff: both kept of their records.
    keep = "staff" if worklist else by
    with tempfile.TemporaryDirectory(prefix="sspost-renewals-") as folder:
        before, before_recon = (_last_period_covers(targets, last_files, options, keep, folder)
                                if last_files else (None, None))
        with records.open(targets, data, options, keep=keep) as run:
            as_of, as_of_warning = resolve_as_of(run, as_of)
            assumptions = _covers_known(run)
            counted = run.count(as_of)
            run.stop_if_mostly_rejected(counted.reconciliation)
            counts = counted.renewals(grace, by, before, worklist=worklist)
            due = counted.due_list() if worklist else None
    plan = PlanAt(targets, as_of, {p: c.achieved for p, c in counted.counts.programs.items()})
    known = before is not None
    programs = []
    for code, program in targets.programs.items():
        figures = counts.programs[code]
        gap = plan.measure(program.target, plan.totals.get(code, 0)).gap
        pool = figures.due_not_counted if known else None
        programs.append(ProgramRenewals(code, program.label, program.label_vi, figures, pool,
                                        gap, gap / pool if pool else None))
    order = list(targets.programs)  # the plan's order, then the key's
    rows = [RenewalsRow(program, key, figures, figures.due_not_counted if known else None)
            for (program, key), figures in sorted(
                counts.rows.items(), key=lambda item: (order.index(item[0][0]),
                                                       item[0][1] is None, item[0][1] or ""))]
    warnings = warnings_for(targets, counted.counts, id_map=run.id_mapped)
    warnings += [as_of_warning] if as_of_warning else []
    if not known:
        warnings.append(Notice.of("renewals_no_last_year"))
    if counts.without_cover:
        warnings.append(Notice.of("renewals_without_cover", records=counts.without_cover))
    return RenewalsResult(
        f"sspost {__version__}", targets_path, targets.period.start, targets.period.end, as_of,
        grace, programs, by, rows, assumptions, counted.reconciliation, warnings,
        before_recon, due, name=targets.name)


WORKLIST_HEADER = ("state", "spell_end", "days", "program", "unit", "staff_id", "participant_id",
                   "latest_record", "latest_from")


def worklist_rows(result: RenewalsResult) -> list[tuple[object, ...]]:
    """One row per due, overdue and lapsed participant: the state, the spell's end and the
    days to it (negative: since it), unit, staff, then the person and their latest record."""
    return [(d.state, d.spell_end.isoformat(), (d.spell_end - result.as_of).days, d.program,
             d.unit, d.staff, d.participant, d.latest.isoformat(),
             "this period" if d.this_period else "last period")
            for d in result.worklist or []]
