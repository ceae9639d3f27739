"""Physical line numbers for the few rows that need one (rejected rows).

The engine numbers records, not lines: a quoted field spanning lines or a blank line would shift
its count. Lines are worked out here, only for the rows asked for: by arithmetic when every
record is one line (the usual case), else by one scan of the file with Python's csv reader.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

_CHUNK = 1 << 22

Span = tuple[int, int]  # first and last physical line of a record


def line_of_offset(path: str, offsets: Iterable[int]) -> dict[int, int]:
    """Line number (1-based) of the record starting at each byte offset, in one read.

    The engine may give the offset of the line break before a record (after a blank line in a
    CRLF file it points into the blank line): the record starts at the first byte that is not
    a line break.
    """
    result: dict[int, int] = {}
    pending = sorted(set(offsets))
    newlines = 0
    consumed = 0
    with open(path, "rb") as handle:
        while pending:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            while pending and pending[0] < consumed + len(chunk):
                offset = pending.pop(0)
                at = offset - consumed
                while at < len(chunk) and chunk[at] in b"\r\n":
                    at += 1
                result[offset] = newlines + chunk.count(b"\n", 0, at) + 1
            newlines += chunk.count(b"\n")
            consumed += len(chunk)
    for offset in pending:
        result[offset] = newlines + 1
    return result


def record_spans(
    path: str, delimiter: str, *, physical_lines: int, parsed_rows: int,
    engine_rejected: set[int], wanted: list[int],
) -> dict[int, Span]:
    """Lines of the parsed rows at the given indexes (0-based, in file order).

    Parsed rows are the records the engine returned: every record after the header that is not
    blank and does not start on one of the `engine_rejected` lines.
    """
    if not wanted:
        return {}
    last = max(wanted)
    if physical_lines == 1 + parsed_rows + len(engine_rejected):
        spans = _one_line_records(engine_rejected, last)
    else:
        spans = _scanned_records(path, delimiter, engine_rejected, last)
    return {index: spans[index] for index in wanted if index < len(spans)}


def _one_line_records(rejected: set[int], last_index: int) -> list[Span]:
    spans: list[Span] = []
    line = 1
    while len(spans) <= last_index:
        line += 1
        if line not in rejected:
            spans.append((line, line))
    return spans


def _scanned_records(path: str, delimiter: str, rejected: set[int], last_index: int) -> list[Span]:
    spans: list[Span] = []
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader, None)
        previous_end = reader.line_num
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if all(value == "" for value in record) or start in rejected:
                continue  # blank lines and rows of empty cells are not data rows
            spans.append((start, previous_end))
            if len(spans) > last_index:
                break
    return spans


def read_spans(path: str, spans: list[Span]) -> dict[Span, str]:
    """The text of each span of lines, in one pass over the file."""
    wanted = sorted(set(spans))
    out: dict[Span, str] = {}
    if not wanted:
        return out
    collecting: dict[Span, list[str]] = {}
    # Universal newlines: LF, CRLF and CR alone end a line, as they do for line numbers.
    with open(path, encoding="utf-8", errors="replace", newline=None) as handle:
        position = 0
        for number, line in enumerate(handle, start=1):
            line = line.lstrip("\ufeff") if number == 1 else line
            while position < len(wanted) and wanted[position][0] == number:
                collecting[wanted[position]] = []
                position += 1
            for span, parts in list(collecting.items()):
                parts.append(line)
                if number >= span[1]:
                    out[span] = "".join(parts).rstrip("\r\n")
                    del collecting[span]
            if position >= len(wanted) and not collecting:
                break
    return out
