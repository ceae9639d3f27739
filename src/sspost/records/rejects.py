"""Rejected rows: where they are (physical lines), why, and the rejects file."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

from sspost.outputs import replacing
from sspost.problems import UsageError
from sspost.records.lines import read_spans, record_spans
from sspost.records.model import DECREASE, REASON_BY_CODE, REASONS, RejectedRow
from sspost.shown import clean, inert_cell

if TYPE_CHECKING:
    from sspost.records.store import RecordStore


def rejected_rows(store: RecordStore, limit: int | None) -> list[RejectedRow]:
    """Bad rows in file order with their physical lines, up to `limit` (None: all)."""
    out: list[RejectedRow] = []
    date_hint = "YYYY-MM-DD" + (f" or {store.rules.date_format}" if store.rules.date_format
                                else "")
    if not store.rules.date_format:
        named = {s.layout.date_format for s in store.sources if s.layout.date_format}
        date_hint += "".join(f" or {f}" for f in sorted(named))
    for i, source in enumerate(store.sources):
        engine = sorted(source.engine_rejects.items())[:limit]
        out += [RejectedRow(source.path, line, "field_count", why, text, (line, line))
                for line, (why, text) in engine]
        rows = store.con.execute(
            f"SELECT rowid, reason FROM checked WHERE file_idx = ? AND reason IS NOT NULL "
            f"AND reason <> {DECREASE} "
            "ORDER BY rowid" + ("" if limit is None else f" LIMIT {int(limit)}"), [i],
        ).fetchall()
        if not rows:
            continue
        wanted = [int(r[0]) - source.first_rowid for r in rows]
        if source.prepared is not None:  # its line map was made while preparing it
            line_map = source.prepared.spans
            spans = {i: line_map[i] for i in wanted if 0 <= i < len(line_map)}
            text_path = source.prepared.text_path
        else:
            spans = record_spans(
                source.read_path, source.layout.delimiter, physical_lines=source.scan.lines,
                parsed_rows=source.parsed_rows, engine_rejected=set(source.engine_rejects),
                wanted=wanted, header_lines=source.layout.header_line)
            text_path = source.read_path
        found = [(REASONS[int(code)], spans.get(int(rowid) - source.first_rowid, (0, 0)))
                 for rowid, code in rows]
        texts = read_spans(text_path, [span for _, span in found])
        for reason, span in found:
            text = texts.get(span, "")
            column = REASON_BY_CODE[reason].column
            position = source.layout.positions.get(column) if column else None
            if position is not None and source.prepared is not None and source.prepared.columns:
                position = source.prepared.columns[position]  # the sheet's own column
                position = position if position >= 0 else None
            value = _field(text, source.layout.delimiter, position)
            message = reason_message(reason, value, date_hint,
                                     spreadsheet=source.layout.spreadsheet)
            out.append(RejectedRow(source.path, span[0], reason, message, text, span))
    order = {source.path: i for i, source in enumerate(store.sources)}
    out.sort(key=lambda r: (order[r.file], r.line))
    return out if limit is None else out[:limit]


def _field(text: str, delimiter: str, position: int | None) -> str:
    """The offending value, read back from the record's text."""
    if position is None:
        return ""
    fields = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    return fields[position].strip() if position < len(fields) else ""


def write_rejects(store: RecordStore, target: str) -> int:
    """Every rejected row as it was, plus file, line and reason; a cell a spreadsheet would
    run as a formula starts with `'` (shown.inert_cell). Returns the row count."""
    rows = rejected_rows(store, None)
    try:
        with replacing(target) as partial, \
                open(partial, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["file", "line", "reason", "message", "record"])
            for r in rows:
                writer.writerow([inert_cell(r.file), r.line, r.reason, inert_cell(r.message),
                                 inert_cell(r.text or "")])
    except OSError as exc:
        raise UsageError(f"cannot write rejects file {target}: {exc.strerror}") from None
    return len(rows)


def reason_message(reason: str, value: str, date_hint: str, *, spreadsheet: bool = False) -> str:
    shown = clean(value)
    if reason == "encoding":
        return "a NUL byte in the row"
    if reason == "date":
        if not value:
            return "missing date"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return f"no such date: {value}"
        return f"not a date in the form {date_hint}: {shown!r}"
    if reason == "program":
        return f"unknown program {shown!r}" if value else "missing program"
    if reason == "participant_id":
        if not value:
            return "missing participant_id"
        hint = ("; a number cell drops leading zeros: format the id column as text in the "
                "spreadsheet" if spreadsheet and value.isdigit() else "")
        return (f"participant_id must be 10 or 12 digits (got {shown}, {len(value)} "
                f"characters){hint}")
    if reason == "numeric_id":
        return (f"participant_id read from a number cell ({shown}, {len(value)} digits): a "
                "number drops an id's leading zeros, so this may be another person's id; "
                "format the id column as text and export again")
    if reason == "scientific_id":
        return (f"participant_id written in scientific notation ({shown}): a spreadsheet "
                "turned the id into a number and lost digits; format the id column as text "
                "and export again")
    if reason == "province":
        return f"unknown province code {shown!r}"
    if reason == "coverage":
        return (f"the cover is not a real range (from {shown!r}): a month (mm/yyyy) or day "
                "to start and end, 1 to 60 months, an end on or after the start")
    if not value:
        return "missing participants count"
    return f"participants must be a whole number >= 0 (got {shown!r})"
