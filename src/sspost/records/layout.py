"""What a CSV export looks like: encoding, delimiter and which header is which column.

Decided from the first line only, in Python, before the engine reads the file.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass

from sspost.catalogue import Notice
from sspost.problems import UsageError
from sspost.records.prepare import (
    BARE_CR,
    FORM,
    HEADER_LINES,
    SEP_LINE,
    SPREADSHEET,
    sep_line,
)
from sspost.records.scan import canonical_encoding, is_utf8
from sspost.shown import clean
from sspost.text import fold, header_key

CANONICAL = ("participant_id", "date", "program", "unit", "province", "staff_id", "participants",
             "coverage_from", "months", "coverage_to")
# What a payment covers (SPEC section 5a): read where present, never required.
COVERAGE = ("coverage_from", "months", "coverage_to")
# The common Vietnamese names of each column (SPEC section 4), recognised without --column:
# matched folded (NFC, case, blanks) and also without tone marks, as some systems export them.
KNOWN_HEADERS = {
    # The header names of VSS's forms (D03-TS, D05-TS) and the collection software's import
    # sheets, their field codes (`MasoBHXH`), and what other exports say (SPEC section 4).
    "participant_id": ("Mã số BHXH", "Mã BHXH", "MasoBHXH", "SOBHXH", "Mã số BHXH/Số định danh",
                       "Số định danh", "Số định danh cá nhân", "Mã định danh", "Số CCCD",
                       "SoCCCD", "SOCMND"),
    "date": ("Ngày biên lai", "NgayBienLai", "NGAYBL", "Ngày tham gia", "Ngày đăng ký",
             "Ngày lập", "Ngày", "Ngày giao dịch"),
    "program": ("Loại hình", "Chương trình", "Nghiệp vụ", "Loại dịch vụ", "Loại"),
    "unit": ("Đơn vị", "Mã đơn vị", "Mã đơn vị/Điểm thu", "Mã điểm thu", "Mã đại lý",
             "Mã bưu cục", "Bưu cục"),
    "province": ("Tỉnh", "Mã tỉnh", "Mã tỉnh đang sinh sống", "Matinh_DangSS", "MA_TINH",
                 "Tỉnh/Thành phố"),
    "staff_id": ("Mã nhân viên", "Mã số nhân viên thu", "Mã nhân viên thu", "MaNhanvienThu",
                 "Nhân viên", "Người thu", "Mã người thu"),
    "participants": ("Số người", "Số người tham gia", "Số lượng"),
    "coverage_from": ("Từ tháng", "Từ tháng/năm", "Từ ngày", "TuNgay", "TUNGAY", "TUTHANG"),
    "months": ("Số tháng", "Số tháng đóng", "Sothang", "SOTHANG"),
    "coverage_to": ("Đến tháng", "Đến ngày", "DENTHANG"),
}
# Of the participant_id names, those of the 12-digit personal number: a file with one of each
# kind carries both ids of a person (SPEC section 4, Two ids on one row).
_PERSONAL = {header_key(name) for name in ("Số định danh", "Số định danh cá nhân",
                                           "Mã định danh", "Số CCCD", "SoCCCD", "SOCMND")}
# `Số CCCD/ĐDCN/Hộ chiếu` and its variants (CNTND, CMND, in any order and spacing).
_ID_PAPERS = re.compile(r"so (?:cccd|cmnd|cntnd|ddcn|ho chieu)(?:[ /]+(?:cccd|cmnd|cntnd|ddcn"
                        r"|ho chieu))*")
DELIMITERS = (",", ";", "\t", "|")
# A header is read whole, up to this size; its columns, up to a spreadsheet's own limit.
_MAX_HEADER_BYTES = 4 << 20
_MAX_COLUMNS = 16_384
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NAMES_SHOWN = 12  # headers quoted in a message about a missing column
_HEADER_LINES = 4  # a header whose cells hold line breaks spans at most this many lines


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
    # Every row's program or unit where the file has no such column: --program, a form's
    # code through the plan's `input.forms`, the unit of a form's title block.
    program: str | None = None
    unit: str | None = None
    form: str | None = None  # a form's code (`D03-TS`), from its title block
    # Headers of columns read that the file repeats (import sheets do): the first is read...
    repeated: tuple[str, ...] = ()
    # ...and each repeat's field is compared with it (`repeated_column`): (first, repeat).
    twins: tuple[tuple[int, int], ...] = ()

    def has(self, column: str) -> bool:
        """Whether rows have a value for `column`: a field of their own, or the file's."""
        return column in self.positions or (column == "program" and self.program is not None) \
            or (column == "unit" and self.unit is not None)

    def taken(self) -> dict[str, str]:
        """What the file gave every row that its rows do not hold (said with the file)."""
        out = {"form": self.form} if self.form else {}
        if self.program is not None and "program" not in self.positions:
            out["program"] = self.program
        if self.unit is not None and "unit" not in self.positions:
            out["unit"] = self.unit
        return out

    @property
    def spreadsheet(self) -> bool:
        return self.prepare == SPREADSHEET

    @property
    def from_rows(self) -> bool:
        """Read from a sheet's rows or a CSV form's records into a CSV of its own."""
        return self.prepare in (SPREADSHEET, FORM)

    @property
    def lines_before_header(self) -> int:
        """In the file's UTF-8 text: a `sep=` line; none in a sheet's CSV (its title rows are
        left out there, though `header_line` keeps the sheet's numbering)."""
        return 0 if self.from_rows else self.header_line - 1

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
    delimiter: str | None = None, require: bool = True, program: str | None = None,
) -> Layout:
    """Read the header of `path` and map it onto the canonical columns."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_MAX_HEADER_BYTES)
    except OSError as exc:
        raise UsageError.of("cannot_open", path=path, why=exc.strerror or exc) from None
    if not head.strip():
        raise UsageError.of("empty_file", path=path)
    encoding = canonical_encoding(encoding) if encoding else _sniff_encoding(head)
    if is_utf8(encoding):
        body = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="surrogateescape")
    else:  # the bytes read may end inside a character: only the first lines matter
        body = head.decode(encoding, errors="replace").lstrip("\ufeff")
    if not body.strip():  # a byte-order mark and nothing else
        raise UsageError.of("empty_file", path=path)
    text, ending, rest = _first_line(path, body, len(head) < _MAX_HEADER_BYTES)
    header_line, prepare = 1, BARE_CR if ending == "\r" else ""
    named = sep_line(text)
    if named is not None:  # Excel's delimiter hint: the header is the next line
        text, ending, rest = _first_line(path, rest, len(head) < _MAX_HEADER_BYTES)
        header_line, prepare, delimiter = 2, SEP_LINE, delimiter or named
    if text.count('"') % 2:  # a quoted header cell holding a line break (Excel's Alt+Enter)
        for _ in range(_HEADER_LINES - 1):
            more, ending, rest = _first_line(path, rest, len(head) < _MAX_HEADER_BYTES)
            text += "\n" + more
            if not text.count('"') % 2:
                prepare = prepare or HEADER_LINES
                break
    bad = re.search("[\udc80-\udcff]", text)
    if bad:
        offset = len(body[:bad.start()].encode("utf-8", errors="surrogateescape"))
        raise UsageError.of("header_not_utf8", where=f"{path}:{header_line}",
                            offset=str(offset))
    header = unicodedata.normalize("NFC", text)
    delimiter = delimiter or detect_delimiter(header)
    names = next(csv.reader(io.StringIO(header, newline=""), delimiter=delimiter), [])
    if len(names) > _MAX_COLUMNS:
        raise UsageError(f"{path}:1: the header has {len(names):,} columns; sspost reads at "
                         f"most {_MAX_COLUMNS:,} (a spreadsheet's own limit)")
    positions = _map_columns(path, names, columns, program is not None) if require else {}
    headers = tuple((c, clean(" ".join(names[i].split()), 80)) for c, i in positions.items())
    twins = twin_fields(names, positions)
    return Layout(encoding, delimiter, len(names), positions, header_line, prepare,
                  headers=headers, program=program, twins=twins,
                  repeated=tuple(dict.fromkeys(clean(" ".join(names[i].split()), 80)
                                               for i, _ in twins)))


def twin_fields(names: list[str], positions: dict[str, int]) -> tuple[tuple[int, int], ...]:
    """(field read, a field under the same header) for each column read that the header
    repeats: import sheets repeat columns, and a repeat is the same column only where its
    values are the same (SPEC section 4)."""
    keys = [header_key(name) for name in names]
    read = sorted(set(positions.values()))
    return tuple((i, j) for i in read for j in range(len(keys))
                 if j != i and keys[j] == keys[i] and j not in read)


def with_repeats(names: list[str], positions: dict[str, int]) -> set[int]:
    """The fields a sheet's rows are copied with: those read and their repeats."""
    return set(positions.values()) | {j for _, j in twin_fields(names, positions)}



def _first_line(path: str, text: str, whole: bool) -> tuple[str, str, str]:
    """The first line of `text`, its ending, and what follows it."""
    match = _LINE_BREAK.search(text)
    if match is None:
        if not whole:
            raise UsageError(f"{path}:1: the header line is longer than "
                             f"{_MAX_HEADER_BYTES >> 20} MB: not a participant export")
        return text, "", ""
    return text[:match.start()], match.group(0), text[match.end():]


_KNOWN = {column: {header_key(name) for name in names}
          for column, names in KNOWN_HEADERS.items()}


def names_column(name: str, canonical: str) -> bool:
    """Whether the header `name` names `canonical` by its own name or a recognised one."""
    key = header_key(name)
    if fold(name) == canonical or key == canonical or key in _KNOWN.get(canonical, set()):
        return True
    return canonical == "participant_id" and _ID_PAPERS.fullmatch(key) is not None


def recognise(name: str, columns: dict[str, str]) -> str | None:
    """The canonical column a header names: by an explicit mapping first (--column, the
    plan's `input.columns`), else by its own or a recognised name; None for another column."""
    key = header_key(name)
    for canonical, wanted in columns.items():
        if fold(wanted) == fold(name) or header_key(wanted) == key:
            return canonical
    return next((c for c in CANONICAL if names_column(name, c)), None)


def is_personal_number(name: str) -> bool:
    key = header_key(name)
    return key in _PERSONAL or _ID_PAPERS.fullmatch(key) is not None


def _recognised(path: str, names: list[str], canonical: str) -> int | None:
    """The one header that names `canonical` by its own or a known Vietnamese name."""
    hits = [i for i, name in enumerate(names) if names_column(name, canonical)]
    distinct = {header_key(names[i]): i for i in reversed(hits)}  # a repeated header is one
    if canonical == "participant_id" and len(distinct) == 2:
        personal = [i for i in distinct.values() if is_personal_number(names[i])]
        if len(personal) == 1:  # a code and a personal number: the code here, both read
            return next(i for i in distinct.values() if i not in personal)
    if len(distinct) > 1:
        first, second = (repr(clean(names[i], 40)) for i in sorted(distinct.values())[:2])
        raise UsageError.of("two_headers", where=f"{path}:1", canonical=canonical,
                            first=first, second=second)
    return next(iter(distinct.values()), None)


def map_header(path: str, names: list[str], columns: dict[str, str]) -> dict[str, int]:
    """The field index of each canonical column in a header read elsewhere (a sheet's row);
    a required column may be missing here (the caller says so)."""
    return _map_columns(path, [unicodedata.normalize("NFC", n) for n in names], columns,
                        program_given=True)


def _map_columns(path: str, names: list[str], columns: dict[str, str],
                 program_given: bool = False) -> dict[str, int]:
    """The field index of each canonical column: an explicit mapping (--column, the plan's
    `input.columns`) always wins; else the canonical name or a known Vietnamese one."""
    found = {fold(name): i for i, name in reversed(list(enumerate(names)))}
    keyed = {header_key(name): i for i, name in reversed(list(enumerate(names)))}
    positions: dict[str, int] = {}
    for canonical in CANONICAL:
        wanted = columns.get(canonical)
        if wanted is not None and (fold(wanted) in found or header_key(wanted) in keyed):
            positions[canonical] = found.get(fold(wanted), keyed.get(header_key(wanted), 0))
            continue
        index = _recognised(path, names, canonical)
        if index is not None and index not in positions.values():
            positions[canonical] = index
            if canonical == "participant_id":
                personal = [i for i, name in enumerate(names)
                            if i != index and names_column(name, canonical)
                            and is_personal_number(name) and not is_personal_number(names[index])]
                if personal:  # two ids on a row: the person is the personal number
                    positions["personal_number"] = personal[0]
    required = ["date"] if program_given else ["date", "program"]
    if "participants" not in positions:
        required.insert(0, "participant_id")
    for canonical in required:
        if canonical not in positions:
            wanted = columns.get(canonical, canonical)
            close = difflib.get_close_matches(fold(wanted), list(found), n=1, cutoff=0.5)
            more = len(names) - _NAMES_SHOWN
            raise UsageError.of(
                "missing_column", where=f"{path}:1", wanted=repr(wanted),
                shown=", ".join(repr(clean(n, 40)) for n in names[:_NAMES_SHOWN]),
                more=Notice.error("more", n=more) if more > 0 else "",
                closest=Notice.error("closest", name=repr(clean(names[found[close[0]]], 40)))
                if close else "", canonical=canonical,
                program=Notice.error("or_program") if canonical == "program" else "")
    return positions
