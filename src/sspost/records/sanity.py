"""Two ways a run can look fine and be wrong (SPEC section 4), found before anything is written.

- A file whose rows are (nearly) all rejected is not a result: a cron job must never publish a
  report of zeros because the dates were in another form or the columns were mixed up.
- The default as-of date is the latest record date; one typo far in the future (2025-12-25 in
  a June export) would move it and halve every pace figure, so the run says so.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from sspost.catalogue import Notice
from sspost.problems import UsageError
from sspost.records.model import DECREASE, REASON_BY_CODE, REASONS, Reconciliation

if TYPE_CHECKING:
    from sspost.records.store import RecordStore

# "None (or only a small minority) accepted": fewer than this share of a file's rows.
_SMALL_MINORITY = 0.10
# Outlying latest dates: at most this many records (or this share), this many days beyond.
_HANDFUL, _HANDFUL_SHARE, _FAR = 10, 0.001, dt.timedelta(days=14)



def stop_if_mostly_rejected(store: RecordStore,
                            reconciliation: Reconciliation | None = None) -> None:
    """Exit 2 (UsageError) naming the main reason and its fix, for the first such file.

    With the run's reconciliation, only files it shows mostly rejected are looked into (the
    usual run pays nothing); without it, every file is.
    """
    suspects = list(range(len(store.sources)))
    if reconciliation is not None:
        suspects = [i for i, f in enumerate(reconciliation.files)
                    if f.rows_read and f.accepted < _SMALL_MINORITY * f.rows_read]
    if not suspects:
        return
    per_file: dict[int, Counter[str]] = {}
    listed = ", ".join(str(i) for i in suspects)
    rows = store.con.execute(
        f"SELECT file_idx, reason, sum(n) FROM row_counts WHERE file_idx IN ({listed}) "
        "GROUP BY file_idx, reason").fetchall()
    for index, reason, n in rows:
        per_file.setdefault(int(index), Counter())[
            "" if reason is None or reason == DECREASE else REASONS[int(reason)]] += int(n)
    for index in suspects:
        source = store.sources[index]
        counts = per_file.get(index, Counter())
        counts["field_count"] += len(source.engine_rejects)
        total = sum(counts.values())
        accepted = counts.pop("", 0)
        if total == 0 or accepted >= _SMALL_MINORITY * total:
            continue
        reason, n = counts.most_common(1)[0]
        raise UsageError.of("mostly_rejected", path=source.path, rejected=total - accepted,
                            rows=total, n=n, reason=REASON_BY_CODE[reason].named,
                            fix=REASON_BY_CODE[reason].fix)


def latest_dates(store: RecordStore) -> tuple[dt.date | None, Notice | None]:
    """The default as-of date, and a warning when it rests on a handful of far-off records."""
    period = store.targets.period
    by_day = sorted((d, int(n)) for d, n in store.con.execute(
        "SELECT d, sum(n) FROM row_counts WHERE reason IS NULL AND d BETWEEN ? AND ? "
        "GROUP BY d",
        [period.start, period.end]).fetchall())
    if not by_day:
        return None, None
    latest = by_day[-1][0]
    limit = max(_HANDFUL, int(_HANDFUL_SHARE * sum(n for _, n in by_day)))
    after = 0
    bulk_end = None
    for i in range(len(by_day) - 1, 0, -1):
        after += by_day[i][1]
        if after > limit:
            break
        if by_day[i][0] - by_day[i - 1][0] > _FAR:
            bulk_end = (by_day[i - 1][0], after)
    if bulk_end is None:
        return latest, None
    end, outliers = bulk_end
    return latest, Notice.of("as_of_outlier", latest=latest, outliers=outliers, end=end)
