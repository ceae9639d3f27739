"""Rejected rows: where they are (physical lines), why, and the rejects file."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

from sspost.catalogue import Notice
from sspost.outputs import replacing
from sspost.problems import UsageError
from sspost.records.lines import read_spans, record_spans
from sspost.records.model import DECREASE, REASON_BY_CODE, REASONS, RejectedRow
from sspost.shown import clean, inert_cell

if TYPE_CHECKING:
    from sspost.records.store import RecordStore, Source


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
        out += [RejectedRow(source.path, line, "field_count", why, text, (line, line),
                            field_count_message(why))
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
            fields = _fields(text, source.layout.delimiter) \
                if position is not None or reason == "repeated_column" else []
            value = (_differing(fields, source) if reason == "repeated_column"
                     else _value_at(fields, source, position))
            notice = reason_message(reason, value, date_hint,
                                    spreadsheet=source.layout.spreadsheet)
            out.append(RejectedRow(source.path, span[0], reason, str(notice), text, span,
                                   notice))
    order = {source.path: i for i, source in enumerate(store.sources)}
    out.sort(key=lambda r: (order[r.file], r.line))
    return out if limit is None else out[:limit]


def _fields(text: str, delimiter: str) -> list[str]:
    """A record's fields, read back from its text."""
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])


def _value_at(fields: list[str], source: Source, position: int | None) -> str:
    """The value of the layout's field `position` in a record's fields: a sheet's own column
    where the sheet was copied with only the columns read (records.prepare)."""
    if position is None:
        return ""
    columns = source.prepared.columns if source.prepared is not None else None
    at = columns[position] if columns else position
    return fields[at].strip() if 0 <= at < len(fields) else ""


def _differing(fields: list[str], source: Source) -> str:
    """The header of the repeated column whose copies differ in a record's fields."""
    layout = source.layout

    def value(position: int) -> str:
        return _value_at(fields, source, position)

    headers = dict(layout.headers)
    named = {position: headers.get(column, "") for column, position in layout.positions.items()}
    first = next((a for a, b in layout.twins if value(a) and value(b) and value(a) != value(b)),
                 layout.twins[0][0])
    return repr(named.get(first) or layout.repeated[0])


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
        raise UsageError.of("rejects_file", path=target, why=exc.strerror) from None
    return len(rows)


def reason_message(reason: str, value: str, date_hint: str, *,
                   spreadsheet: bool = False) -> Notice:
    """Why the row is bad, in the catalogue's words (quoting the value, ids masked)."""
    shown = repr(clean(value))
    if reason == "encoding":
        return Notice.rejected("encoding")
    if reason == "date":
        if not value:
            return Notice.rejected("date_missing")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return Notice.rejected("date_no_such", value=value)
        return Notice.rejected("date_form", hint=date_hint, value=shown)
    if reason == "program":
        return Notice.rejected("program_unknown", value=shown) if value \
            else Notice.rejected("program_missing")
    if reason == "participant_id":
        if not value:
            return Notice.rejected("id_missing")
        return Notice.rejected("id_length_sheet" if spreadsheet and value.isdigit()
                               else "id_length", value=clean(value), n=str(len(value)))
    if reason in ("numeric_id", "scientific_id"):
        return Notice.rejected(reason, value=clean(value), n=str(len(value)))
    if reason == "repeated_column":  # `value` is the column's header, quoted
        return Notice.rejected(reason, value=value)
    if reason in ("province", "coverage"):
        return Notice.rejected(reason, value=shown)
    if not value:
        return Notice.rejected("participants_missing")
    return Notice.rejected("participants", value=shown)


# The reader's reasons for a line it set aside (loading, prepare), in the catalogue's words.
FIELD_COUNT_WORDS = {"more fields than the header": "more_fields",
                     "fewer fields than the header": "fewer_fields",
                     "a quote that does not close": "open_quote",
                     "a line longer than the engine's maximum": "long_line"}


def field_count_message(why: str) -> Notice | None:
    key = FIELD_COUNT_WORDS.get(why)
    return Notice.rejected(key) if key else None
