"""Physical line numbers for the few rows that need one (rejected rows).

The engine numbers records, not lines: a quoted field spanning lines or a blank line would shift
its count. Lines are worked out here from bytes, only for the rows asked for.
"""

from __future__ import annotations

import csv

_CHUNK = 1 << 22


def line_of_offset(path: str, offsets: list[int]) -> dict[int, int]:
    """Line number (1-based) of each byte offset, in one sequential read."""
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
                result[offset] = newlines + chunk.count(b"\n", 0, offset - consumed) + 1
            newlines += chunk.count(b"\n")
            consumed += len(chunk)
    for offset in pending:
        result[offset] = newlines + 1
    return result


def count_lines(path: str) -> int:
    lines = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def record_lines(
    path: str, delimiter: str, parsed_rows: int, engine_rejected_lines: set[int],
    wanted: list[int],
) -> dict[int, int]:
    """Start line of the parsed rows at the given indexes (0-based, in file order).

    Parsed rows are the records the engine returned: every record after the header that is not
    blank and not among `engine_rejected_lines`.
    """
    if not wanted:
        return {}
    if count_lines(path) == 1 + parsed_rows + len(engine_rejected_lines):
        starts = _one_line_records(engine_rejected_lines, max(wanted))
    else:
        starts = _scanned_records(path, delimiter, engine_rejected_lines, max(wanted))
    return {index: starts[index] for index in wanted if index < len(starts)}


def _one_line_records(rejected: set[int], last_index: int) -> list[int]:
    """Every record is one line: row k is the k-th line after the header not rejected."""
    starts: list[int] = []
    line = 1
    while len(starts) <= last_index:
        line += 1
        if line not in rejected:
            starts.append(line)
    return starts


def _scanned_records(path: str, delimiter: str, rejected: set[int], last_index: int) -> list[int]:
    starts: list[int] = []
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        next(reader, None)
        previous_end = reader.line_num
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not record or start in rejected:
                continue
            starts.append(start)
            if len(starts) > last_index:
                break
    return starts
