"""VSS's list forms (D03-TS, D05-TS) and collection-software import sheets, read as they come
(SPEC section 4, Forms): which rows are the header, which are data, and what the others are.

A form is not a table. Above the header, a title block (`Mẫu D03-TS`, `Mã đơn vị/Điểm thu:
BI0113G`); a header of up to four rows, merged cells leaving a group's label over the names of
its columns, or a row of labels over a row of field codes; a row numbering the columns; then
sections (`I | Tăng`, `II | Giảm`), subtotals (`Cộng tăng`) and data rows; then a footer of
signatures and notes. Here each row is told apart, from its cells' text alone, so that the
reader (records.prepare) writes the data rows and counts every other row by kind.

Pure functions over rows of text: no file, no engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sspost.text import fold, header_key

HEADER_ROWS_MAX = 4  # a header spans at most this many rows
# Kinds of rows that are not data, as said on stderr and in JSON (SPEC section 4).
TITLE, HEADER, NUMBERING, SECTION, SUBTOTAL, FOOTER, NOTE, DECREASE = (
    "title", "header", "numbering", "section", "subtotal", "footer", "note", "decrease")
KINDS = (TITLE, HEADER, NUMBERING, SECTION, SUBTOTAL, FOOTER, NOTE, DECREASE)

_FORM_CODE = re.compile(r"\b(D\d{2}[a-z]?-TS)\b", re.IGNORECASE)
_TITLE_UNIT = re.compile(r"(?:mã đơn vị|mã điểm thu|mã đại lý)[^:]*:\s*([A-Za-z0-9][\w.-]*)",
                         re.IGNORECASE)
# A column's number under the header: A, B, 1, 2, ... or (1), (2), ...
_NUMBER_CELL = re.compile(r"\(?\s*(?:[A-Za-z]|\d{1,3})\s*\)?")
_ROMAN = r"(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)"
_SECTION_MARK = re.compile(rf"{_ROMAN}(?:\.\d{{1,2}})*[.)]?|[A-Z][.)]|\d{{1,2}}\.\d{{1,2}}[.)]?")
_SECTION_TEXT = re.compile(rf"({_ROMAN}(?:\.\d{{1,2}})*[.)]?)\s+(\S.*)")
_SUBTOTAL = re.compile(r"(?:tổng cộng|cộng)\b", re.IGNORECASE)
_FOOTER = re.compile(r"tổng số thẻ|ngày\s*\S*\s*tháng\s*\S*\s*năm|\(\s*ký|người lập biểu"
                     r"|thủ trưởng đơn vị|giám đốc", re.IGNORECASE)
_NOTE = re.compile(r"(?:lưu ý|ghi chú|chú ý|note)\b", re.IGNORECASE)
_DECREASE = re.compile(r"\bgiảm\b", re.IGNORECASE)
_INCREASE = re.compile(r"\btăng\b", re.IGNORECASE)
_ID_LIKE = re.compile(r"\d[\d .-]{7,}\d")
_DIGIT = re.compile(r"\d")
_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}.*|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")


@dataclass
class Header:
    names: list[str]  # one per column: the cell that named it, else its cells joined
    first_row: int  # the rows it spans (row numbers of the sheet or file)
    last_row: int
    columns: dict[str, int]  # canonical column -> field index


@dataclass
class TitleBlock:
    form: str | None = None  # `D03-TS`, from `Mẫu D03-TS`
    unit: str | None = None  # from `Mã đơn vị/Điểm thu: BI0113G`


def title_block(rows: Sequence[Sequence[str]]) -> TitleBlock:
    """What the rows above a header say of every row under it."""
    block = TitleBlock()
    for row in rows:
        for cell in row:
            if block.form is None and (match := _FORM_CODE.search(cell)):
                block.form = match.group(1).upper()
            if block.unit is None and (match := _TITLE_UNIT.search(cell)):
                block.unit = match.group(1)
    return block


def _looks_like_data(row: Sequence[str]) -> bool:
    return any(_ID_LIKE.fullmatch(c.strip()) or _DATE_LIKE.fullmatch(c.strip()) for c in row)


def is_numbering(row: Sequence[str]) -> bool:
    """A row that only numbers the columns (`A, B, 1, 2, ...` or `(1), (2), ...`)."""
    cells = [c.strip() for c in row if c.strip()]
    return len(cells) >= 2 and all(_NUMBER_CELL.fullmatch(c) for c in cells)


def find_header(rows: Sequence[tuple[int, Sequence[str]]],
                recognise: Callable[[str], str | None],
                required: Sequence[set[str]]) -> tuple[int, Header] | None:
    """The header among `rows` (number, cells): the first row naming a column that, with at
    most three rows under it, names one column of each `required` set; then as many rows
    under it (up to four in all) as read as header rows too (no id or date in them, not a
    row numbering the columns). Returns the index in `rows` of its first row, and it."""
    for start, (_, first) in enumerate(rows):
        if not any(recognise(cell) for cell in first if cell.strip()):
            continue
        for span in range(1, HEADER_ROWS_MAX + 1):
            block = rows[start:start + span]
            if len(block) < span:
                break
            columns = _columns(block, recognise)
            if all(columns.keys() & wanted for wanted in required):
                while span < HEADER_ROWS_MAX and start + span < len(rows):
                    following = rows[start + span][1]
                    if (not any(c.strip() for c in following) or is_numbering(following)
                            or _looks_like_data(following) or section_of(following)):
                        break
                    span += 1
                block = rows[start:start + span]
                return start, Header(_names(block, recognise), block[0][0], block[-1][0],
                                     _columns(block, recognise))
    return None


def _columns(block: Sequence[tuple[int, Sequence[str]]],
             recognise: Callable[[str], str | None]) -> dict[str, int]:
    """Canonical column -> the first field index any of whose cells names it."""
    found: dict[str, int] = {}
    width = max(len(cells) for _, cells in block)
    for index in range(width):
        for _, cells in block:
            canonical = recognise(cells[index]) if index < len(cells) and cells[index] else None
            if canonical is not None:
                found.setdefault(canonical, index)
                break
    return found


def _names(block: Sequence[tuple[int, Sequence[str]]],
           recognise: Callable[[str], str | None]) -> list[str]:
    """Each column's name: its cell that names a canonical column, else its cells top to
    bottom; a line break in a cell read as a space."""
    width = max(len(cells) for _, cells in block)
    names = []
    for index in range(width):
        cells = [" ".join(cells[index].split()) for _, cells in block
                 if index < len(cells) and cells[index].strip()]
        named = next((c for c in cells if recognise(c)), None)
        names.append(named if named is not None else " ".join(cells))
    while names and not names[-1]:
        names.pop()
    return names


def section_of(row: Sequence[str]) -> str | None:
    """A section row's title (`I | Tăng` -> `Tăng`, `II. Giảm` -> `II. Giảm`), else None."""
    cells = [c.strip() for c in row if c.strip()]
    if not cells or len(cells) > 3:
        return None
    if _SECTION_MARK.fullmatch(cells[0]) and len(cells) >= 2 and not _looks_like_data(cells):
        return " ".join(cells[1:])
    match = _SECTION_TEXT.fullmatch(cells[0])
    if match and len(cells) == 1:
        return match.group(2)
    return None


def has_digit(text: str) -> bool:
    """Whether an id cell holds an id at all (a note typed across it holds no digit)."""
    return _DIGIT.search(text) is not None


@dataclass
class RowKinds:
    """Tells apart the rows under a header, one at a time (its state: in a decrease section,
    in the footer)."""

    id_column: int | None
    decreasing: bool = False
    in_footer: bool = False

    def kind(self, row: Sequence[str]) -> str | None:
        """The kind of a row that is not data (advancing the state), or None for data."""
        if self.in_footer:
            return FOOTER
        # An id holds digits: a note typed across the id column (`LƯU Ý: ...`) is no id. A
        # data row (nearly every row) is told by this alone.
        has_id = (self.id_column is not None and self.id_column < len(row)
                  and has_digit(row[self.id_column]))
        if has_id:
            return DECREASE if self.decreasing else None
        cells = [c.strip() for c in row if c.strip()]
        if any(_FOOTER.search(c) for c in cells):
            self.in_footer = True
            return FOOTER
        title = section_of(row)
        if title is not None:
            if _DECREASE.search(title):
                self.decreasing = True
            elif _INCREASE.search(title) or not self.decreasing:
                self.decreasing = False
            return SECTION
        if cells and _SUBTOTAL.match(fold(cells[0])):
            return SUBTOTAL
        if len(cells) == 1 and (_NOTE.match(fold(cells[0])) or len(cells[0].split()) >= 6):
            return NOTE
        return DECREASE if self.decreasing and cells else None


def header_text(name: str) -> str:
    """A header name as the CSV the engine reads gets it: one line."""
    return " ".join(name.split()) if "\n" in name or "\r" in name else name


__all__ = ["KINDS", "Header", "RowKinds", "TitleBlock", "find_header", "has_digit",
           "header_key", "header_text", "is_numbering", "section_of", "title_block"]
