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
from sspost.text import bare, fold

CANONICAL = ("participant_id", "date", "program", "unit", "province", "staff_id", "participants")
# The common Vietnamese names of each column (SPEC section 4), recognised without --column:
# matched folded (NFC, case, blanks) and also without tone marks, as some systems export them.
KNOWN_HEADERS = {
    "participant_id": ("Mã số BHXH", "Mã BHXH", "Số định danh", "Mã định danh",
                       "Số định danh cá nhân", "Mã số BHXH/Số định danh"),
    "date": ("Ngày", "Ngày tham gia", "Ngày đăng ký", "Ngày giao dịch"),
    "program": ("Loại hình", "Chương trình", "Nghiệp vụ", "Loại"),
    "unit": ("Đơn vị", "Mã đơn vị", "Mã bưu cục", "Bưu cục"),
    "province": ("Tỉnh", "Mã tỉnh", "Tỉnh/Thành phố"),
    "staff_id": ("Mã nhân viên", "Nhân viên", "Người thu", "Mã người thu"),
    "participants": ("Số người", "Số người tham gia", "Số lượng"),
}
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
    # The header taken for each canonical column, as written (said on stderr and in JSON).
    headers: tuple[tuple[str, str], ...] = ()
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
    headers = tuple((c, clean(names[i], 80)) for c, i in positions.items())
    return Layout(encoding, delimiter, len(names), positions, header_line, prepare,
                  headers=headers)


def _first_line(path: str, text: str, whole: bool) -> tuple[str, str, str]:
    """The first line of `text`, its ending, and what follows it."""
    match = _LINE_BREAK.search(text)
    if match is None:
        if not whole:
            raise UsageError(f"{path}:1: the header line is longer than "
                             f"{_MAX_HEADER_BYTES >> 20} MB: not a participant export")
        return text, "", ""
    return text[:match.start()], match.group(0), text[match.end():]


_KNOWN = {column: {bare(name) for name in names} for column, names in KNOWN_HEADERS.items()}


def header_names(canonical: str, columns: dict[str, str]) -> set[str]:
    """The names, folded and bare, that may head `canonical` (for finding a spreadsheet's
    header row)."""
    named = columns.get(canonical)
    names = {fold(canonical), bare(canonical)} | _KNOWN.get(canonical, set())
    return names | ({fold(named), bare(named)} if named is not None else set())


def _recognised(path: str, names: list[str], canonical: str) -> int | None:
    """The one header that names `canonical` by its own or a known Vietnamese name."""
    hits = [i for i, name in enumerate(names)
            if fold(name) == canonical or bare(name) in _KNOWN.get(canonical, set())]
    distinct = {fold(names[i]): i for i in reversed(hits)}  # a repeated header is one
    if len(distinct) > 1:
        both = " and ".join(repr(clean(names[i], 40)) for i in sorted(distinct.values())[:2])
        raise UsageError(f"{path}:1: two headers name the {canonical} column: {both}; say "
                         f"which one with --column {canonical}=HEADER")
    return next(iter(distinct.values()), None)


def map_header(path: str, names: list[str], columns: dict[str, str]) -> dict[str, int]:
    """The field index of each canonical column in a header read elsewhere (a sheet's row)."""
    return _map_columns(path, [unicodedata.normalize("NFC", n) for n in names], columns)


def _map_columns(path: str, names: list[str], columns: dict[str, str]) -> dict[str, int]:
    """The field index of each canonical column: an explicit mapping (--column, the plan's
    `input.columns`) always wins; else the canonical name or a known Vietnamese one."""
    found = {fold(name): i for i, name in reversed(list(enumerate(names)))}
    positions: dict[str, int] = {}
    for canonical in CANONICAL:
        wanted = columns.get(canonical)
        if wanted is not None and fold(wanted) in found:
            positions[canonical] = found[fold(wanted)]
            continue
        index = _recognised(path, names, canonical)
        if index is not None and index not in positions.values():
            positions[canonical] = index
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
