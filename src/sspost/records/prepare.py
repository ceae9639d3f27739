"""Files the engine cannot read as they are, rewritten as plain CSV it can, lines remembered.

The engine reads clean CSV fast, and most exports are clean: those go to it directly. The rest
come here first (SPEC section 4, Reading):
- a CSV whose lines end in a bare CR (old Mac, or a stray CR inside a field), one that starts
  with Excel's `sep=;` line, or one the engine's parser gives up on (an unclosed quote beside
  quoted newlines): read line by line, every record checked against the header's field count,
  each malformed line set aside as a bad row at its physical line, never the rest of the file;
- a spreadsheet (.xlsx, .xlsm, .xls, .ods): its sheet's rows, title rows above the header
  skipped, date cells as ISO dates and numbers as their digits.

Either way the engine then reads a UTF-8 CSV with one record per line and no blank or empty
rows, and `Prepared.spans` gives each record's physical lines in the input (sheet rows for a
spreadsheet), so every message still names the input's own lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sspost.catalogue import Notice
from sspost.problems import UsageError
from sspost.records import forms, xlsx

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
# Why a file is prepared (Layout.prepare), as said on stderr and in JSON.
SPREADSHEET = "a spreadsheet"
BARE_CR = "a line ending in a bare CR"
SEP_LINE = "Excel's sep= line"
PARSER_STOP = "the engine's parser stopped on it"
SPANNING = "a record spans lines, or a quote does not close"
MIXED_ENDINGS = "lines end in both CRLF and LF"
LONG_LINE = "a line longer than the engine reads"
HEADER_LINES = "a header cell holds a line break"
FORM = "a form (rows above its header)"
_SEP_LINE = re.compile(r"sep=(.)\s*", re.IGNORECASE)
_MAX_RECORD_LINES = 64  # a quoted field longer than this is an unclosed quote, not a note
# A line longer than this is not an export's (a participant row is a few hundred bytes): the
# file is refused rather than held in memory whole. Python's csv module stops at 128 KB
# otherwise; a long note in a column the run does not read is a valid row all the same.
MAX_LINE = 64 << 20
csv.field_size_limit(MAX_LINE)
# What the engine is given of a field it reads: enough for any code, id or date, so that a
# record of the prepared file stays under the engine's own line limit (2 MB); the whole field
# stays in the input, where rejected rows are read back from.
_MAX_FIELD = 4096
_MAX_SHOWN_ROW = 16_384  # characters of a sheet row kept as its text
_SKIPPED_LISTED = 10_000  # rows that are not data, remembered with their lines (--show-skipped)
_HEADER_ROWS = 20  # a spreadsheet's header is among its first rows

Span = tuple[int, int]
SheetRow = tuple[int, Sequence[object]]  # a sheet row's number (1-based) and its cells' values


class Spans:
    """Each record's first and last physical line, in record order: 16 bytes a record, so a
    million-row sheet's map of lines stays small."""

    def __init__(self) -> None:
        self._first = array("q")
        self._last = array("q")

    def append(self, span: Span) -> None:
        self._first.append(span[0])
        self._last.append(span[1])

    def __len__(self) -> int:
        return len(self._first)

    def __getitem__(self, index: int) -> Span:
        return self._first[index], self._last[index]


@dataclass
class Prepared:
    read_path: str  # what the engine reads: a header line, then one record per line
    spans: Spans = field(default_factory=Spans)  # each record's lines in the input
    bad: dict[int, tuple[str, str]] = field(default_factory=dict)  # line: (why, its text)
    text_path: str = ""  # a file whose line N is the input's line N (rejected rows' text)
    header_line: int = 1
    sheet: str | None = None  # the sheet read, for a spreadsheet
    # For a sheet: the sheet column of each CSV column (the CSV keeps only those read).
    columns: list[int] = field(default_factory=list)
    title: forms.TitleBlock = field(default_factory=forms.TitleBlock)  # above the header
    skipped: dict[str, int] = field(default_factory=dict)  # rows that are not data, by kind
    skipped_lines: list[tuple[int, str]] = field(default_factory=list)  # (line, kind)
    number_ids: int = 0  # data rows whose id a number cell held

    def skip(self, line: int, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1
        if len(self.skipped_lines) < _SKIPPED_LISTED:
            self.skipped_lines.append((line, kind))


def is_spreadsheet(path: str) -> bool:
    return Path(path).suffix.lower() in SPREADSHEETS


def sep_line(first_line: str) -> str | None:
    """The delimiter an Excel `sep=;` first line names, if the line is one."""
    match = _SEP_LINE.fullmatch(first_line.strip("\ufeff"))
    return match.group(1) if match else None


def _fields(record: str, delimiter: str) -> list[str] | None:
    """The fields of one record's text, or None when a quote is left open."""
    if '"' not in record:
        return record.rstrip("\n").split(delimiter)
    if record.count('"') % 2:  # quotes come in pairs in a closed record ("" inside a field)
        return None
    rows = list(csv.reader(io.StringIO(record.rstrip("\n"), newline=""), delimiter=delimiter,
                           strict=False))
    return rows[0] if len(rows) == 1 else None  # two records on one line: not RFC 4180


def _well_formed(record: str, delimiter: str) -> bool:
    """Whether a record's text follows RFC 4180 to the letter (no quote inside an unquoted
    field, nothing after a closing quote but a delimiter)."""
    try:
        list(csv.reader(io.StringIO(record.rstrip("\n"), newline=""), delimiter=delimiter,
                        strict=True))
    except csv.Error:
        return False
    return True


def _empty(fields: list[str]) -> bool:
    """A row of empty or blank fields (lines.is_blank): not a data row."""
    return all(f.strip(" \t") == "" for f in fields)


class _Lines:
    """The physical lines of a text file, numbered, with room to step back a few.

    Read with universal newlines: LF, CRLF and CR alone all end a line (SPEC section 4).
    """

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self._back: list[str] = []  # lines stepped back over, the next one last
        self.number = 0  # physical number of the last line given

    def next(self) -> str | None:
        line = self._back.pop() if self._back else self._handle.readline(MAX_LINE + 1)
        if not line:
            return None
        if len(line) > MAX_LINE:
            raise UsageError(f"line {self.number + 1} is longer than {MAX_LINE >> 20} MB: "
                             "not a participant export")
        self.number += 1
        return line

    def step_back(self, lines: list[str]) -> None:
        """Give `lines` (in file order, the last ones given) again."""
        self._back.extend(reversed(lines))
        self.number -= len(lines)


def prepare_csv(text_path: str, delimiter: str, target: Path,
                read: frozenset[int] = frozenset()) -> Prepared:
    """Rewrite a UTF-8 CSV that the engine cannot read as it is; see the module's docstring.

    Only the fields at the positions in `read` are written (the others empty, as the engine
    never looks at them), each cut at _MAX_FIELD characters."""
    def kept(fields: list[str]) -> list[str]:
        return [f[:_MAX_FIELD] if i in read else "" for i, f in enumerate(fields)]

    prepared = Prepared(str(target), text_path=text_path)
    with open(text_path, encoding="utf-8-sig", errors="replace", newline=None) as source, \
            open(target, "w", encoding="utf-8", newline="") as out:
        lines = _Lines(source)
        first = lines.next()
        if first is not None and sep_line(first.rstrip("\n")):
            prepared.header_line = 2
            first = lines.next()
        if first is None:
            raise UsageError(f"{text_path}: the file has no header line")
        header_lines = [first]
        while _fields("".join(header_lines), delimiter) is None and len(header_lines) < 4:
            more = lines.next()  # a quoted header cell holding a line break
            if more is None:
                break
            header_lines.append(more)
        header = _fields("".join(header_lines), delimiter) or [first.rstrip("\n")]
        header = [" ".join(name.split()) if "\n" in name else name for name in header]
        width = len(header)
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(kept(header))
        while (line := lines.next()) is not None:
            start = lines.number
            taken = [line]
            fields = _fields(line, delimiter)
            while fields is None and len(taken) < _MAX_RECORD_LINES:
                more = lines.next()
                if more is None:
                    break
                taken.append(more)
                fields = _fields("".join(taken), delimiter)
            if fields is None or (len(taken) > 1
                                  and not _well_formed("".join(taken), delimiter)):
                # The quote never closes, or closes on a later line into text that is not
                # RFC 4180 (a quote closing inside a field): the first line alone is bad, and
                # the lines it took are read again.
                prepared.bad[start] = ("a quote that does not close", line.rstrip("\n"))
                lines.step_back(taken[1:])
                continue
            if _empty(fields):
                continue  # a blank line or a row of empty cells is not a data row
            if len(fields) != width:
                why = ("more fields than the header" if len(fields) > width
                       else "fewer fields than the header")
                prepared.bad[start] = (why, "".join(taken).rstrip("\n"))
                continue
            writer.writerow(kept(fields))
            prepared.spans.append((start, lines.number))
    return prepared


def _cell_text(value: object) -> str:
    """A cell as the text an export would hold: dates in ISO, whole numbers as their digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    return str(value).strip() if isinstance(value, str) else str(value)


def _calamine_rows(path: str, sheet: str | None) -> tuple[str, Iterator[SheetRow]]:
    """An .xls or .ods sheet's rows (the reader holds the sheet: .xls stops at 65,536 rows)."""
    try:
        from python_calamine import CalamineWorkbook
        workbook = CalamineWorkbook.from_path(path)
        names = list(workbook.sheet_names)
        chosen = _chosen(path, sheet, names)
        rows = workbook.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except UsageError:
        raise
    except Exception as exc:  # the reader's errors carry no common base class
        raise UsageError.of("not_a_spreadsheet", path=path, why=str(exc).splitlines()[0][:200]
                            if str(exc) else type(exc).__name__) from None
    return chosen, ((number, row) for number, row in enumerate(rows, start=1))


def _chosen(path: str, sheet: str | None, names: list[str]) -> str:
    if not names:
        raise UsageError.of("no_sheet", path=path)
    if sheet is not None and sheet not in names:
        raise UsageError.of("no_such_sheet", path=path, sheet=repr(sheet),
                            sheets=", ".join(repr(n) for n in names[:20]))
    return sheet if sheet is not None else names[0]


def _sheet_rows(path: str, sheet: str | None) -> tuple[str, Iterator[SheetRow]]:
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        workbook = xlsx.Workbook(path)
        chosen = _chosen(path, sheet, list(workbook.sheets))
        return chosen, workbook.rows(chosen)
    return _calamine_rows(path, sheet)


Recognise = Callable[[str], "str | None"]


def _first_rows(rows: Iterator[SheetRow]) -> list[SheetRow]:
    """The rows a header may be among (and the rows a header of several rows spans)."""
    first: list[SheetRow] = []
    for number, cells in rows:
        first.append((number, list(cells)))
        if number >= _HEADER_ROWS + forms.HEADER_ROWS_MAX - 1:
            break
    return first


def _as_text(rows: list[SheetRow]) -> list[tuple[int, list[str]]]:
    return [(number, [_cell_text(v) for v in cells]) for number, cells in rows]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


NUMBER_ID = "sspost:id-was-a-number"  # the column that says a row's id cell held a number
DECREASE_ROW = "sspost:decrease"  # and the one that says it lies under a form's `Giảm`


def _no_header(path: str, sheet: str, first: list[tuple[int, list[str]]],
               recognise: Recognise, required: list[set[str]],
               others: Callable[[], list[str]]) -> UsageError:
    """The help a CSV's missing column gets: the headers seen, what is missing, --column;
    and the sheets that might hold the data."""
    best = max(first, key=lambda r: sum(1 for c in r[1] if c and recognise(c)), default=None)
    seen = [c for c in best[1] if c.strip()][:12] if best else []
    found = {recognise(c) for c in (best[1] if best else []) if c.strip()}
    missing = [sorted(w)[0] for w in required if not found & w]
    sheets = others()
    return UsageError.of(
        "no_header_row", path=path, sheet=repr(sheet), rows=str(_HEADER_ROWS),
        missing=", ".join(missing) or Notice.error("a_column"),
        closest=", ".join(repr(" ".join(c.split())[:40]) for c in seen) or Notice.error("none"),
        where=Notice.error("sheets_with_header", sheets=", ".join(repr(n) for n in sheets))
        if sheets else "")


def csv_rows(text_path: str, delimiter: str) -> Iterator[SheetRow]:
    """A UTF-8 CSV's records as rows numbered by the physical line each starts on (a CSV
    form, read as a sheet is: records.forms)."""
    with open(text_path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        end = 0
        for record in reader:
            start, end = end + 1, reader.line_num
            if record:
                yield start, record


def form_delimiter(text_path: str) -> str:
    """The delimiter of a CSV form: the candidate most lines of its start hold (its first
    line is a title, with none)."""
    with open(text_path, encoding="utf-8-sig", errors="replace") as handle:
        lines = list(itertools.islice(handle, _HEADER_ROWS + forms.HEADER_ROWS_MAX))
    return max((",", ";", "\t", "|"), key=lambda d: (sum(d in line for line in lines),
                                                      sum(line.count(d) for line in lines)))


def prepare_csv_form(path: str, text_path: str, recognise: Recognise,
                     required: list[set[str]], target: Path, text_target: Path,
                     read: Callable[[list[str]], set[int]] | None = None) -> Prepared | None:
    """A CSV laid out as a form (a title block above its header), as a sheet is read; None
    when no header is found under its first line either."""
    delimiter = form_delimiter(text_path)
    rows = csv_rows(text_path, delimiter)
    first = _first_rows(rows)
    found = forms.find_header(_as_text(first), recognise, required)
    if found is None or found[1].first_row == 1:  # no form: the plain CSV's error stands
        return None
    return _prepare_rows(path, None, first, rows, recognise, required, ",", target,
                         text_target, read)


def prepare_sheet(path: str, sheet: str | None, recognise: Recognise, required: list[set[str]],
                  delimiter: str, target: Path, text_target: Path,
                  read: Callable[[list[str]], set[int]] | None = None) -> Prepared:
    """A spreadsheet's sheet as CSV, streamed: its header found (records.forms: a form's
    title block, a header of several rows), its data rows written, every other row counted
    by kind. `recognise` names a header's column, `required` the columns (one of each set)
    that make a row the header.

    Rows are written as they are read; only the first rows wait, until the header is found.
    The CSV holds the columns `read` picks from the header (all without it), in sheet order:
    a sheet thousands of columns wide costs no more than the few the run reads.
    """
    chosen, rows = _sheet_rows(path, sheet)
    first_cells = _first_rows(rows)
    found = forms.find_header(_as_text(first_cells), recognise, required)
    if found is None:
        raise _no_header(path, chosen, _as_text(first_cells), recognise, required,
                         lambda: [] if sheet is not None
                         else _sheets_with_header(path, chosen, recognise, required))
    return _prepare_rows(path, chosen, first_cells, rows, recognise, required, delimiter,
                         target, text_target, read)


def _prepare_rows(path: str, chosen: str | None, first_cells: list[SheetRow],
                  rows: Iterator[SheetRow], recognise: Recognise, required: list[set[str]],
                  delimiter: str, target: Path, text_target: Path,
                  read: Callable[[list[str]], set[int]] | None) -> Prepared:
    """The rows of a sheet (or of a CSV form) as CSV: see prepare_sheet."""
    first = _as_text(first_cells)
    found = forms.find_header(first, recognise, required)
    assert found is not None
    start, found_header = found
    header = found_header.names
    width = len(header)
    header_line = found_header.last_row
    columns = sorted(read(header)) if read is not None else list(range(width))
    prepared = Prepared(str(target), text_path=str(text_target), header_line=header_line,
                        sheet=chosen, columns=[*columns, -1, -1],  # NUMBER_ID, DECREASE_ROW
                        title=forms.title_block([cells for _, cells in first[:start]]))
    id_column = found_header.columns.get("participant_id")
    kinds = forms.RowKinds(id_column)
    # The row a numbering row may be: the first one under the header that holds anything.
    numbering_row = _next_row(first[start:], header_line)
    # The id columns whose cells may hold numbers: said to the engine row by row (NUMBER_ID).
    ids = [i for i, name in enumerate(header) if recognise(name) == "participant_id"]
    leading = columns == list(range(len(columns)))  # the columns read are the first ones
    with open(target, "w", encoding="utf-8", newline="") as out, \
            open(text_target, "w", encoding="utf-8", newline="") as text_out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow([forms.header_text(header[i]) for i in columns]
                        + [NUMBER_ID, DECREASE_ROW])
        lines_written = 0
        for number, cells in itertools.chain(first_cells, rows):
            # Text cells, nearly all of them, without a call each.
            row = [v.strip() if type(v) is str else _cell_text(v) for v in cells]
            number_id = False
            for i in ids:  # one or two columns: a loop, not a generator, per row
                number_id = number_id or (i < len(cells) and _is_number(cells[i]))
            used = list(row)
            while used and used[-1] == "":
                used.pop()
            shown = delimiter.join(used)
            if "\n" in shown or "\r" in shown:  # a cell's line breaks: the row is one line
                shown = shown.replace("\n", " ").replace("\r", " ")
            shown = shown[:_MAX_SHOWN_ROW]  # a row's text, for its message and the rejects file
            text_out.write("\n" * (number - 1 - lines_written))  # rows with nothing in them
            text_out.write(shown + "\n")  # line N of this file is sheet row N
            lines_written = number
            if not used:
                continue
            if number < found_header.first_row:
                prepared.skip(number, forms.TITLE)
                continue
            if number <= header_line:
                prepared.skip(number, forms.HEADER)
                continue
            if number == numbering_row and forms.is_numbering(used):
                prepared.skip(number, forms.NUMBERING)
                continue
            # A row with an id outside a decrease section and the footer is data: told here,
            # without a call, for the million rows of a big sheet.
            plain_data = (id_column is not None and id_column < len(used)
                          and not kinds.decreasing and not kinds.in_footer
                          and forms.has_digit(used[id_column]))
            kind = None if plain_data else kinds.kind(used[:width])
            if kind is not None and kind != forms.DECREASE:
                prepared.skip(number, kind)
                continue
            # A cell beside the header's last column (a note in an unheaded column) is not a
            # field (SPEC section 4): the row is read without it.
            if leading and len(shown) <= _MAX_FIELD:  # the usual row: a slice, nothing cut
                fields = row[:len(columns)]
                fields += [""] * (len(columns) - len(fields))
            else:
                fields = [row[i][:_MAX_FIELD] if i < len(row) else "" for i in columns]
            fields.append("1" if number_id else "")
            fields.append("1" if kind == forms.DECREASE else "")  # read, never counted
            writer.writerow(fields)
            prepared.number_ids += number_id
            prepared.spans.append((number, number))
    return prepared


def _next_row(rows: list[tuple[int, list[str]]], after: int) -> int:
    """The number of the first row after `after` that holds anything."""
    return next((n for n, cells in rows if n > after and any(c.strip() for c in cells)), -1)


def _sheets_with_header(path: str, skipped: str, recognise: Recognise,
                        required: list[set[str]]) -> list[str]:
    """The other sheets of a workbook whose first rows hold a header (for the message)."""
    try:
        names = (list(xlsx.Workbook(path).sheets) if Path(path).suffix.lower()
                 in (".xlsx", ".xlsm") else _calamine_names(path))
    except UsageError:
        return []
    found = []
    for name in names:
        if name == skipped:
            continue
        try:
            first = _as_text(_first_rows(_sheet_rows(path, name)[1]))
        except UsageError:
            continue
        if forms.find_header(first, recognise, required) is not None:
            found.append(name)
    return found[:5]


def _calamine_names(path: str) -> list[str]:
    from python_calamine import CalamineWorkbook
    try:
        return list(CalamineWorkbook.from_path(path).sheet_names)
    except Exception:  # the reader's errors carry no common base class
        return []
