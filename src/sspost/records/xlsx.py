"""The rows of an .xlsx (or .xlsm) sheet, streamed: memory stays flat however long the sheet.

An .xlsx is a zip of XML parts. Whole-sheet readers (python-calamine, openpyxl's default mode)
hold every cell at once, about 1 GB for Excel's 1,048,576 rows; openpyxl's read-only mode
streams but takes ten times as long (benchmarks/sheet_memory.py). So the sheet's XML is read
here with expat, chunk by chunk, and each row given as it ends. What is held is the shared
strings table (each distinct text once) and the date styles.

Cells come as the values a spreadsheet holds: str, float, bool, datetime, or None when empty.
A number whose cell style is a date format is a date (Excel keeps dates as day counts).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from typing import IO
from xml.parsers import expat

from sspost.problems import UsageError

Cell = str | float | bool | dt.datetime | None
Row = tuple[int, list[Cell]]  # the sheet's row number (1-based) and its cells from column A

_CHUNK = 1 << 20
MAX_ROWS = 1_048_576  # a sheet's rows (Excel's limit)
MAX_COLUMNS = 16_384  # and columns (XFD)
# Distinct texts a workbook may hold, and their size: a million-row export of names,
# addresses and ids as text holds a few million; a bomb of 30 million took 2.2 GB.
MAX_SHARED_STRINGS = 12_000_000
MAX_SHARED_BYTES = 1 << 30
_UNPACKED = 1_000_000
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
# Excel's built-in number formats that show a date or a time (ECMA-376 part 1, 18.8.30, and
# the East Asian ones some locales write).
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_NOT_DATE_PARTS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')  # quoted text, escapes, [Red]
_DATE_LETTERS = re.compile(r"[dmyhs]", re.IGNORECASE)
_EPOCH_1900 = dt.datetime(1899, 12, 30)  # serial 61 is 1900-03-01 (Excel keeps 1900-02-29)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_DIGITS = "0123456789"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # a character XML cannot hold (ECMA-376 22.9.2.19)


def _unescaped(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


class _LocalNames(dict[str, str]):
    """An element's name without its prefix: `x:row` and `row` are one element. Remembered,
    since a sheet has millions of elements and a handful of names."""

    def __missing__(self, name: str) -> str:
        local = self[name] = name.rpartition(":")[2]
        return local


class _Columns(dict[str, int]):
    """The 0-based column of a cell reference's letters (`C` of `C12`), remembered; -1 for
    what is not a column's letters."""

    def __missing__(self, letters: str) -> int:
        if not (letters.isascii() and letters.isalpha() and len(letters) <= 3):
            self[letters] = -1
            return -1
        index = 0
        for letter in letters.upper():
            index = index * 26 + ord(letter) - 64
        self[letters] = index - 1 if index <= MAX_COLUMNS else -1
        return self[letters]


_local = _LocalNames().__getitem__


def _parser(start: Callable[[str, dict[str, str]], None] | None = None,
            end: Callable[[str], None] | None = None,
            text: Callable[[str], None] | None = None) -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text

    def no_dtd(*_: object) -> None:  # a spreadsheet part has no DTD; one is an attack
        raise ValueError("the workbook's XML declares a DTD")

    parser.StartDoctypeDeclHandler = no_dtd
    return parser


def _parse(part: IO[bytes], parser: expat.XMLParserType) -> Iterator[None]:
    """Feed `part` to `parser` a chunk at a time, yielding after each chunk."""
    while chunk := part.read(_CHUNK):
        parser.Parse(chunk, False)
        yield
    parser.Parse(b"", True)


def _elements(book: zipfile.ZipFile, name: str) -> list[tuple[str, dict[str, str]]]:
    """Every element of a small part, in order: its local name and attributes."""
    found: list[tuple[str, dict[str, str]]] = []
    parser = _parser(start=lambda tag, attrs: found.append((_local(tag), attrs)))
    with book.open(name) as part:
        for _ in _parse(part, parser):
            pass
    return found


def _attr(attrs: dict[str, str], name: str) -> str | None:
    for key, value in attrs.items():
        if _local(key) == name:
            return value
    return None


def _is_date_format(code: str) -> bool:
    return bool(_DATE_LETTERS.search(_NOT_DATE_PARTS.sub("", code)))


class _Texts:
    """A workbook's shared strings: the first million as Python strings (a lookup per cell
    must be cheap), the rest packed, their UTF-8 bytes in one buffer and where each starts (a
    Python string each would cost 50-75 bytes more per text: 30 million took 2.2 GB)."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._bytes = bytearray()
        self._starts = array("Q", [0])
        self._size = 0

    def append(self, text: str) -> None:
        self._size += len(text)
        if len(self._texts) < _UNPACKED:
            self._texts.append(text)
        else:
            self._bytes += text.encode("utf-8", errors="surrogatepass")
            self._starts.append(len(self._bytes))
        count = len(self._texts) + len(self._starts) - 1
        if count > MAX_SHARED_STRINGS or self._size > MAX_SHARED_BYTES:
            raise ValueError(f"it holds more than {MAX_SHARED_STRINGS:,} distinct texts or "
                             f"{MAX_SHARED_BYTES >> 20:,} MB of them; save the sheet as CSV")

    @property
    def unpacked(self) -> bool:
        return len(self._starts) == 1

    @property
    def texts(self) -> list[str]:
        return self._texts

    def __getitem__(self, index: int) -> str:
        if 0 <= index < len(self._texts):
            return self._texts[index]
        packed = index - len(self._texts)
        if not 0 <= packed < len(self._starts) - 1:
            raise IndexError(f"shared string {index} of {len(self._texts) + len(self._starts)}")
        return self._bytes[self._starts[packed]:self._starts[packed + 1]].decode(
            "utf-8", errors="surrogatepass")


class Workbook:
    """An .xlsx opened for its sheet names and for streaming one sheet's rows."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
            book = _elements(self._zip, "xl/workbook.xml")
            rels = {_attr(a, "Id"): a.get("Target", "") for tag, a in
                    _elements(self._zip, "xl/_rels/workbook.xml.rels") if tag == "Relationship"}
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, ValueError,
                expat.ExpatError) as exc:
            raise self._unreadable(exc) from None
        self.sheets: dict[str, str] = {}  # name: the part holding its rows
        for tag, attrs in book:
            if tag == "sheet" and "name" in attrs:
                target = rels.get(_attr(attrs, "id"), "")
                self.sheets[attrs["name"]] = (target.lstrip("/") if target.startswith("/")
                                              else posixpath.normpath(f"xl/{target}"))
        self._date1904 = any(tag == "workbookPr" and attrs.get("date1904") in ("1", "true")
                             for tag, attrs in book)

    def _unreadable(self, exc: BaseException) -> UsageError:
        said = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return UsageError.of("not_a_spreadsheet", path=self.path, why=said)

    def close(self) -> None:
        self._zip.close()

    def _date_styles(self) -> list[bool]:
        """For each cell style (the `s` of a cell), whether it shows a date."""
        if "xl/styles.xml" not in self._zip.namelist():
            return []
        custom: dict[str, str] = {}
        styles: list[bool] = []
        in_cell_styles = False

        def start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal in_cell_styles
            tag = _local(tag)
            if tag == "numFmt":
                custom[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")
            elif tag == "cellXfs":
                in_cell_styles = True
            elif tag == "xf" and in_cell_styles:
                number_format = attrs.get("numFmtId", "0")
                styles.append(_is_date_format(custom[number_format]) if number_format in custom
                              else number_format.isdigit()
                              and int(number_format) in _DATE_FORMAT_IDS)

        def end(tag: str) -> None:
            nonlocal in_cell_styles
            if _local(tag) == "cellXfs":
                in_cell_styles = False

        parser = _parser(start, end)
        with self._zip.open("xl/styles.xml") as part:
            for _ in _parse(part, parser):
                pass
        return styles

    def _shared_strings(self) -> _Texts:
        names = self._zip.namelist()
        name = next((n for n in names if n.lower() == "xl/sharedstrings.xml"), None)
        strings = _Texts()
        if name is None:
            return strings
        pieces: list[str] = []
        depth = {"t": 0, "rPh": 0}

        def start(tag: str, attrs: dict[str, str]) -> None:
            tag = _local(tag)
            if tag in depth:
                depth[tag] += 1
            elif tag == "sst" and int(attrs.get("uniqueCount", "0") or 0) > MAX_SHARED_STRINGS:
                raise ValueError(f"it declares {attrs['uniqueCount']} distinct texts, more "
                                 f"than the {MAX_SHARED_STRINGS:,} sspost reads; save the "
                                 "sheet as CSV")

        def end(tag: str) -> None:
            tag = _local(tag)
            if tag in depth:
                depth[tag] -= 1
            elif tag == "si":
                strings.append(_unescaped("".join(pieces)))
                pieces.clear()

        def text(data: str) -> None:
            if depth["t"] and not depth["rPh"]:  # phonetic hints are not the cell's text
                pieces.append(data)

        with self._zip.open(name) as part:
            for _ in _parse(part, _parser(start, end, text)):
                pass
        return strings

    def rows(self, sheet: str) -> Iterator[Row]:
        """The sheet's rows that hold anything, in order, each with its row number."""
        try:
            yield from self._rows(sheet)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, ValueError,
                IndexError, expat.ExpatError) as exc:
            raise self._unreadable(exc) from None

    def _rows(self, sheet: str) -> Iterator[Row]:
        # The handlers run for each of a sheet's millions of elements: they do the least.
        shared = self._shared_strings()
        # A plain list when nothing was packed (every workbook but the biggest): indexing a
        # list is what a sheet's millions of text cells can afford, not a method call.
        strings: _Texts | list[str] = shared.texts if shared.unpacked else shared
        date_styles = {str(index) for index, is_date in enumerate(self._date_styles())
                       if is_date}
        epoch = _EPOCH_1904 if self._date1904 else _EPOCH_1900
        done: list[Row] = []
        cells: list[Cell] = []
        row_number = 0
        ref: str | None = None
        kind: str | None = None
        is_date = False
        pieces: list[str] = []
        taking = False  # inside a cell's <v>, or an inline string's <t>
        phonetic = 0
        columns = _Columns()

        def number(text: str) -> Cell:
            try:
                value = float(text)
            except ValueError:
                return text
            if is_date and 0 <= value < 2_958_466:  # before 10000-01-01
                if not self._date1904 and value < 61:
                    value += 1  # before Excel's phantom 1900-02-29
                return epoch + dt.timedelta(seconds=round(value * 86_400))
            return value

        def value() -> Cell:
            text = "".join(pieces)
            if kind == "s":
                return strings[int(text)] if text else None
            if kind is None or kind == "n":
                return number(text) if text else None
            if kind == "b":
                return text.strip() in ("1", "true")
            if kind == "d":
                try:
                    return dt.datetime.fromisoformat(text)
                except ValueError:
                    return text
            return _unescaped(text)  # inlineStr, str (a formula's text), e (an error: #N/A)

        def start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal row_number, ref, kind, is_date, taking, phonetic
            tag = _local(tag)
            if tag == "c":
                ref, kind, is_date = attrs.get("r"), attrs.get("t"), attrs.get("s") in date_styles
                pieces.clear()
            elif tag == "v" or tag == "t":
                taking = not phonetic
            elif tag == "row":
                given = attrs.get("r")
                number = int(given[:12]) if given and given.isdigit() else row_number + 1
                if not row_number < number <= MAX_ROWS:  # what Excel writes, and no bomb
                    raise ValueError(f"row {given or number} after row {row_number}: rows go "
                                     f"up, to {MAX_ROWS:,} at most")
                row_number = number
                cells.clear()
            elif tag == "rPh":
                phonetic += 1

        def end(tag: str) -> None:
            nonlocal taking, phonetic
            tag = _local(tag)
            if tag == "c":
                column = columns[ref.rstrip(_DIGITS)] if ref else -1
                if column > len(cells):
                    cells.extend([None] * (column - len(cells)))
                if kind == "s" and len(pieces) == 1:  # a shared text, most cells: no call
                    cells.append(strings[int(pieces[0])])
                else:
                    cells.append(value())
            elif tag == "v" or tag == "t":
                taking = False
            elif tag == "row":
                if any(cell is not None and cell != "" for cell in cells):
                    done.append((row_number, list(cells)))
            elif tag == "rPh":
                phonetic -= 1

        def text(data: str) -> None:
            if taking:
                pieces.append(data)

        part_name = self.sheets[sheet]
        if part_name not in self._zip.namelist():
            raise UsageError.of("chart_sheet", path=self.path, sheet=repr(sheet))
        with self._zip.open(part_name) as part:
            for _ in _parse(part, _parser(start, end, text)):
                yield from done
                done.clear()
        yield from done
