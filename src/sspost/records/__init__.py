"""Participant CSVs: layout detection, reading into the engine, counting, reconciliation."""

from sspost.records.model import Counts, Reconciliation, RejectedRow
from sspost.records.store import ReadOptions, RecordStore

__all__ = ["Counts", "ReadOptions", "Reconciliation", "RecordStore", "RejectedRow"]
