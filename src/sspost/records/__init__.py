"""Participant exports: read, checked and counted, behind one door (`records.open`, see run).

Reading: archive, scan (of a file's bytes), layout and forms (its header), prepare
and xlsx (files the engine cannot read as they are), staging (each row typed and checked),
loading (all of it into the store) and cache (--db). Counting: tie_rule and key (the earliest
record), counting, earliest (--db), dimensions (breakdowns), renewals, rejects and sanity.
"""

from sspost.records.layout import CANONICAL
from sspost.records.model import REASON_BY_CODE, Counts, FileReport, Reconciliation, RejectedRow
from sspost.records.renewals import Due, RenewalCounts, RenewalFigures
from sspost.records.run import KEPT, Counted, Run, may_have_covers, open
from sspost.records.store import COUNTING, DONE, READING, ReadOptions

__all__ = ["CANONICAL", "COUNTING", "DONE", "KEPT", "READING", "REASON_BY_CODE", "Counted",
           "Counts", "Due", "FileReport", "ReadOptions", "Reconciliation", "RejectedRow",
           "RenewalCounts", "RenewalFigures", "Run", "may_have_covers", "open"]
