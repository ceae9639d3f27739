"""What a CSV export looks like: encoding, delimiter and which header is which column.

Decided from the first line only, in Python, before the engine reads the file.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass

from sspost.problems import UsageError
from sspost.records.prepare import BARE_CR, SEP_LINE, SPREADSHEET, sep_line
from sspost.records.source import canonical_encoding, is_utf8
from sspost.shown import clean
from sspost.text import fold

CANONICAL = ("participant_id", "date", "program", "unit", "province", "staff_id", "participants")
DELIMITERS = (",", ";", "\t", "|")
# A header is read whole, up to this size; its columns, up to a spreadsheet's own limit.
_MAX_HEADER_BYTES = 4 << 20
_MAX_COLUMNS = 16_384
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NAMES_SHOWN = 12  # headers quoted in a message about a missing column


@dataclass(frozen=True)
class Layout:
    """One file's encoding, delimiter and the field index of each canonical column present."""

    encoding: str
    delimiter: str
    field_count: int
    positions: dict[str, int]
    header_line: int = 1  # 2 after Excel's `sep=;` line
    # Why the file goes through records.prepare before the engine ("" when it need not).
    prepare: str = ""
    date_format: str | None = None  # detected for this file's non-ISO dates (SPEC section 4)
    skip_empty: bool = False  # filter rows of empty fields (a cost, paid only when present)

    @property
    def spreadsheet(self) -> bool:
        return self.prepare == SPREADSHEET

    @property
    def lines_before_header(self) -> int:
        """In the file's UTF-8 text: a `sep=` line; none in a sheet's CSV (its title rows are
        left out there, though `header_line` keeps the sheet's numbering)."""
        return 0 if self.spreadsheet else self.header_line - 1

    @property
    def aggregate(self) -> bool:
        """A count per row (`participants`) instead of one row per participant."""
        return "participant_id" not in self.positions


def _sniff_encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"


def detect_delimiter(header: str) -> str:
    """The candidate found most often outside quotes in the header line (`,` on a tie of none)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def detect_layout(
    path: str, columns: dict[str, str], *, encoding: str | None = None,
    delimiter: str | None = None, require: bool = True,
) -> Layout:
    """Read the header of `path` and map it onto the canonical columns."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_MAX_HEADER_BYTES)
    except OSError as exc:
        raise UsageError(f"cannot open {path}: {exc.strerror or exc}") from None
    if not head.strip():
        raise UsageError(f"{path}: the file is empty: expected a header line")
    encoding = canonical_encoding(encoding) if encoding else _sniff_encoding(head)
    if is_utf8(encoding):
        body = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="surrogateescape")
    else:  # the bytes read may end inside a character: only the first lines matter
        body = head.decode(encoding, errors="replace").lstrip("\ufeff")
    if not body.strip():  # a byte-order mark and nothing else
        raise UsageError(f"{path}: the file is empty: expected a header line")
    text, ending, rest = _first_line(path, body, len(head) < _MAX_HEADER_BYTES)
    header_line, prepare = 1, BARE_CR if ending == "\r" else ""
    named = sep_line(text)
    if named is not None:  # Excel's delimiter hint: the header is the next line
        text, ending, rest = _first_line(path, rest, len(head) < _MAX_HEADER_BYTES)
        header_line, prepare, delimiter = 2, SEP_LINE, delimiter or named
    bad = re.search("[\udc80-\udcff]", text)
    if bad:
        offset = len(body[:bad.start()].encode("utf-8", errors="surrogateescape"))
        raise UsageError(f"{path}:{header_line}: the header is not UTF-8 (byte offset "
                         f"{offset}); name the file's encoding with --encoding, e.g. "
                         "windows-1258")
    header = unicodedata.normalize("NFC", text)
    delimiter = delimiter or detect_delimiter(header)
    names = next(csv.reader([header], delimiter=delimiter), [])
    if len(names) > _MAX_COLUMNS:
        raise UsageError(f"{path}:1: the header has {len(names):,} columns; sspost reads at "
                         f"most {_MAX_COLUMNS:,} (a spreadsheet's own limit)")
    positions = _map_columns(path, names, columns) if require else {}
    return Layout(encoding, delimiter, len(names), positions, header_line, prepare)


def _first_line(path: str, text: str, whole: bool) -> tuple[str, str, str]:
    """The first line of `text`, its ending, and what follows it."""
    match = _LINE_BREAK.search(text)
    if match is None:
        if not whole:
            raise UsageError(f"{path}:1: the header line is longer than "
                             f"{_MAX_HEADER_BYTES >> 20} MB: not a participant export")
        return text, "", ""
    return text[:match.start()], match.group(0), text[match.end():]


def _map_columns(path: str, names: list[str], columns: dict[str, str]) -> dict[str, int]:
    found = {fold(name): i for i, name in reversed(list(enumerate(names)))}
    positions: dict[str, int] = {}
    for canonical in CANONICAL:
        for wanted in (columns.get(canonical), canonical):
            if wanted is not None and fold(wanted) in found:
                positions[canonical] = found[fold(wanted)]
                break
    required = ["date", "program"]
    if "participants" not in positions:
        required.insert(0, "participant_id")
    for canonical in required:
        if canonical not in positions:
            wanted = columns.get(canonical, canonical)
            close = difflib.get_close_matches(fold(wanted), list(found), n=1, cutoff=0.5)
            hint = f"; closest: {clean(names[found[close[0]]], 40)!r}" if close else ""
            shown = ", ".join(repr(clean(n, 40)) for n in names[:_NAMES_SHOWN])
            shown += f" and {len(names) - _NAMES_SHOWN:,} more" if len(names) > _NAMES_SHOWN else ""
            raise UsageError(
                f"{path}:1: missing required column {wanted!r} (headers found: {shown}{hint}); "
                f"map it with --column {canonical}=HEADER"
            )
    return positions
