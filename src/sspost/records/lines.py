"""Physical line numbers for the few rows that need one (rejected rows), and the check that
the engine's read of a file accounts for every line of it.

The engine numbers records, not lines. A file it reads directly has one record per line (a file
whose records span lines is read through records.prepare instead: see `unaccounted_lines`), so
lines are worked out here, only for the rows asked for: by arithmetic when the file has no blank
line (the usual case), else by one pass over its lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_CHUNK = 1 << 22
_BLANKS = " \t"

Span = tuple[int, int]  # first and last physical line of a record


def is_blank(line: str, delimiter: str) -> bool:
    """Whether a line holds no data: empty, blanks only, or empty fields only (`;;;;`).

    The one test of "not a data row" for a line read whole (SPEC section 4, Reading)."""
    return line.strip(_BLANKS + "\r\n" + delimiter) == ""


def _blank_line_pattern(delimiter: str) -> re.Pattern[bytes]:
    chars = re.escape((_BLANKS + delimiter).encode("utf-8"))
    return re.compile(rb"(?m)^[" + chars + rb"]*\r?$")


def line_counts(path: str, delimiter: str) -> tuple[int, int]:
    """Physical lines of a UTF-8 file with LF or CRLF endings, and how many are blank
    (`is_blank`), in one read."""
    pattern = _blank_line_pattern(delimiter)
    # A blank line other than the first starts right after a line break: chunks holding none
    # of these pairs are not searched (most exports have no blank line at all).
    starts = [b"\n" + c.encode("utf-8") for c in "\n\r" + _BLANKS + delimiter]
    newlines = blanks = 0
    carry = b""
    first = True
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            data = carry + chunk
            cut = data.rfind(b"\n") + 1  # whole lines only; the rest waits for the next chunk
            if cut:
                newlines += data.count(b"\n", 0, cut)
                if first or any(data.find(s, 0, cut) >= 0 for s in starts):
                    blanks += sum(1 for _ in pattern.finditer(data, 0, cut - 1))
                first = False
                carry = data[cut:]
            else:
                carry = data
    if carry:
        newlines += 1
        blanks += pattern.fullmatch(carry) is not None
    return newlines, blanks


def line_at_byte(path: str, offset: int) -> int:
    """The physical line (LF, CRLF or CR alone ending a line) holding the byte at `offset`:
    for a message about that byte, so read plainly."""
    with open(path, "rb") as handle:
        before = handle.read(offset)
    return len(re.findall(rb"\r\n|\r|\n", before)) + 1


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
    engine_rejected: set[int], wanted: list[int], header_lines: int = 1,
) -> dict[int, Span]:
    """Lines of the parsed rows at the given indexes (0-based, in file order).

    Parsed rows are the records the engine returned from a file read with one record per line
    (`unaccounted_lines` is 0): every line after the header that is not blank and is not one
    of the `engine_rejected` lines.
    """
    if not wanted:
        return {}
    last = max(wanted)
    if physical_lines == header_lines + parsed_rows + len(engine_rejected):
        spans = _one_line_records(engine_rejected, last, header_lines)
    else:
        spans = _data_lines(path, delimiter, engine_rejected, last, header_lines)
    return {index: spans[index] for index in wanted if index < len(spans)}


def unaccounted_lines(physical_lines: int, header_lines: int, parsed_rows: int,
                      engine_rejected: int, blank: Callable[[], int]) -> int:
    """Lines of a file that the engine's read of it left out (positive) or read twice
    (negative): 0 when every line is the header, a parsed row, a line the engine set aside or a
    blank line. Anything else (a quoted field spanning lines, or a quote that never closes
    and swallows the lines after it) sends the file through records.prepare, which reads it
    line by line. `blank` counts the blank lines, asked only when the rest do not add up."""
    left = physical_lines - header_lines - parsed_rows - engine_rejected
    return left - blank() if left else 0


def _one_line_records(rejected: set[int], last_index: int, header_lines: int) -> list[Span]:
    spans: list[Span] = []
    line = header_lines
    while len(spans) <= last_index:
        line += 1
        if line not in rejected:
            spans.append((line, line))
    return spans


def _data_lines(path: str, delimiter: str, rejected: set[int], last_index: int,
                header_lines: int) -> list[Span]:
    spans: list[Span] = []
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if number <= header_lines or number in rejected or is_blank(line, delimiter):
                continue
            spans.append((number, number))
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
