"""The one door into records/: a run's files opened, read and checked, then counted.

    with records.open(targets, files, options, keep="unit") as run:
        counted = run.count(as_of, keep="unit")
        by_unit = counted.by("unit")

Everything a command needs goes through `Run` and `Counted`; the modules behind them are the
package's two halves, reading (archive, scan, layout, forms, prepare, xlsx, staging, loading,
cache) and counting (tie_rule, key, counting, earliest, dimensions, rejects, sanity).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sspost.problems import UsageError
from sspost.records import counting, dimensions, loading, rejects, renewals, sanity
from sspost.records.layout import COVERAGE
from sspost.records.store import COUNTING, DONE, ReadOptions, RecordStore

if TYPE_CHECKING:
    from sspost.catalogue import Notice
    from sspost.records.key import FirstKey
    from sspost.records.model import Counts, Reconciliation
    from sspost.records.renewals import Due, RenewalCounts
    from sspost.targets import TargetFile

# What a breakdown groups on, and what else it may be asked for: by these a participant's
# earliest record keeps its unit, province or staff member (the tie rule's parts).
KEPT = ("unit", "province", "staff")


@contextmanager
def open(targets: TargetFile, files: list[str], options: ReadOptions | None = None, *,
         keep: str | None = None) -> Iterator[Run]:
    """The files read into one store, each checked; `keep` (unit, province or staff) is the
    attribute a later count will keep of each participant's earliest record."""
    wanted = frozenset({keep} if keep in KEPT else ())
    with RecordStore(targets, replace(options or ReadOptions(),
                                      breakdown_columns=wanted)) as store:
        loading.load(store, files)
        yield Run(store)


def may_have_covers(targets: TargetFile, files: list[str], options: ReadOptions) -> bool:
    """Whether the covers of `files` can be worked out, from their headers alone (a plain
    CSV's first lines; a spreadsheet or an archive is taken to have them, its read will say):
    the plan's months serve every file, else each needs a coverage column."""
    from sspost.records.archive import is_compressed
    from sspost.records.layout import detect_layout
    from sspost.records.prepare import is_spreadsheet

    if targets.renewals.coverage_months:
        return True
    columns = {k: v for k, v in targets.input.columns.model_dump().items() if v}
    columns.update(options.columns)
    for path in files:
        if is_spreadsheet(path) or is_compressed(path):
            continue
        try:
            layout = detect_layout(path, columns, encoding=options.encoding
                                   or targets.input.encoding, program=options.program)
        except UsageError:
            continue  # the read says what is wrong with it
        if not any(name in layout.positions for name in COVERAGE):
            return False
    return True


class Run:
    """A run's loaded files: what was read, and counts over any window of them."""

    def __init__(self, store: RecordStore) -> None:
        self._store = store
        self._counts = 0  # counts made: a Counted is good until the next

    @property
    def targets(self) -> TargetFile:
        return self._store.targets

    @property
    def options(self) -> ReadOptions:
        return self._store.options

    @property
    def has_staff(self) -> bool:
        """Some file names who signed each participant up."""
        return any("staff_id" in s.layout.positions for s in self._store.sources)

    @property
    def has_units(self) -> bool:
        return "unit" in self._store.columns

    @property
    def id_mapped(self) -> bool:
        """An --id-map was given: its ids join people, so mixed id kinds are no warning."""
        return self._store.options.id_map is not None

    def latest(self) -> tuple[dt.date | None, Notice | None]:
        """The latest accepted record date in the period, and a warning when it rests on a
        handful of far-off records (sanity.latest_dates)."""
        return sanity.latest_dates(self._store)

    def stop_if_mostly_rejected(self, reconciliation: Reconciliation | None = None) -> None:
        sanity.stop_if_mostly_rejected(self._store, reconciliation)

    def count(self, as_of: dt.date, keep: str | None = None) -> Counted:
        """Each participant's earliest record in the window from the period's start to `as_of`;
        `keep` (unit, province or staff) is kept of it for a breakdown by it."""
        told = self._store.options.on_progress
        if told:
            told(COUNTING, "", 0.0)
        counts, key = counting.count(self._store, as_of, keep if keep in KEPT else None)
        if told:
            told(DONE, "", 1.0)
        self._counts += 1
        return Counted(counts, self, self._counts, key)

    def files_without_covers(self) -> list[str]:
        """Files of records (not counts) with no coverage column: their covers come from the
        plan's `renewals.coverage_months`, if it says them."""
        return [s.path for s in self._store.sources if not s.layout.aggregate
                and not any(name in s.layout.positions for name in COVERAGE)]

    def export_covers(self, path: str) -> None:
        """This run's covers (read with `covers=True`) as a Parquet file, for the next
        period's run to join spells across the two (records.renewals)."""
        renewals.export_covers(self._store, path)

    def write_rejects(self, path: str) -> int:
        """Every rejected row as it was, with file, line and reason: the only output but the
        renewals worklist that holds ids in full."""
        return rejects.write_rejects(self._store, path)

    def _current(self, counted: Counted) -> RecordStore:
        if counted.generation != self._counts:
            raise RuntimeError("counted again since: a Counted reads the latest count only")
        return self._store


@dataclass(frozen=True)
class Counted:
    """One window's counts, and the breakdowns of that window."""

    counts: Counts
    run: Run = field(repr=False)
    generation: int = field(repr=False)
    key: FirstKey = field(repr=False)

    @property
    def as_of(self) -> dt.date:
        return self.counts.as_of

    @property
    def reconciliation(self) -> Reconciliation:
        return self.counts.reconciliation

    def by(self, dimension: str) -> dict[tuple[str, str | None], int]:
        """(program, key) -> participants by unit, province, staff (kept when counted), month
        or day; every dimension adds up to the program totals."""
        return dimensions.counts_by(self.run._current(self), self.key, dimension)

    def units_with_records(self) -> set[str]:
        """Units named by at least one accepted record in the window: they sent data."""
        return dimensions.units_with_records(self.run._current(self), self.as_of)

    def renewals(self, grace_days: int, by: str | None = None, before: str | None = None,
                 *, worklist: bool = False) -> RenewalCounts:
        """Renewals at this window's end (SPEC section 5a), with last period's covers from
        `before` (Run.export_covers of its run) when given; `by` unit, staff or month;
        `worklist`: `due_list` comes next."""
        return renewals.count(self.run._current(self), self.as_of, grace_days, by, before,
                              attributed=worklist)

    def export_counted(self, path: str) -> None:
        """Who this window counts, as a Parquet file, for last period's run (due_to_renew)."""
        renewals.export_counted(self.run._current(self), path)

    def due_to_renew(self, counted_now: str, as_of: dt.date, period_end: dt.date,
                     grace_days: int) -> dict[str, int]:
        """In last period's run: per program, its participants due or overdue at this period's
        `as_of` whom this period has not counted (`counted_now`, from export_counted)."""
        return renewals.due_to_renew(self.run._current(self), counted_now, as_of, period_end,
                                     grace_days)

    def due_list(self) -> list[Due]:
        """The due, overdue and lapsed of the last `renewals`, with ids in full (the
        worklist only)."""
        return renewals.due_list(self.run._current(self))

    def campaign_staff(self, days: set[dt.date],
                       ) -> dict[tuple[str, dt.date], dict[str | None, int]]:
        """(program, day) -> participants signed up that day per staff member."""
        return dimensions.campaign_staff_counts(self.run._current(self), self.key, days,
                                                self.as_of)
