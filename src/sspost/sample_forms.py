"""Synthetic exports laid out as the lists people really have (`sspost sample --layout`): VSS's
D03-TS (household HI) and D05-TS (voluntary SI) participant lists, and a collection-software
import sheet. Same arguments, same workbook; the people are made up (sspost.sample).

The layouts follow the published forms' structure (Decision 490/QĐ-BHXH): a title block with
the form's code and the collection point's code, a header of several rows with merged cells
and line breaks, a row numbering the columns, sections (`I | Tăng`, `II | Giảm`), subtotals
and a signature footer. An import sheet has a note row, a row of labels over a row of field
codes, and a column repeated.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from sspost.sample import people_records

LAYOUTS = ("d03", "d05", "import", "import-hi")
_STREAMED_FROM = 50_000
_FORM = {"d03": ("D03-TS", "household_hi"), "d05": ("D05-TS", "voluntary_si")}


@dataclass
class Written:
    """What a form holds, for the reader to be checked against: its data rows' ids and
    dates by program, how many rows lie under `Giảm` (read, never counted), and every other
    row by kind."""

    data: list[tuple[str, str, str]] = field(default_factory=list)  # (id, date, program)
    decreases: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, kind: str, n: int = 1) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + n


def write_form(path: str, layout: str, rows: int, seed: int, start: dt.date, end: dt.date,
               province: str | None = None) -> Written:
    """Write `rows` data rows in the `layout` form to the .xlsx at `path`."""
    import xlsxwriter

    rng = random.Random(seed)
    province = province or "01"
    people = people_records(rng, start, end, province)
    # A big workbook streams its rows (XlsxWriter's constant memory: merged cells written as
    # their top-left cell, which is all a reader sees of them).
    big = rows > _STREAMED_FROM
    book = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False,
                                      "constant_memory": big})
    if layout == "import":
        written = _import_sheet(book, people, rows, rng)
    elif layout == "import-hi":
        written = _household_import_sheet(book, people, rows, rng)
    else:  # one collection point's list: a district office of the province
        written = _list_form(book, layout, people, rows, rng, f"{province}-001")
    book.close()
    return written


class _Sheet:
    """Rows written one after another, dates as date cells."""

    def __init__(self, book: Any, name: str) -> None:
        self.book = book
        self.sheet = book.add_worksheet(name)
        self.wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
        self.date = book.add_format({"num_format": "dd/mm/yyyy", "border": 1})
        self.row = 0

    def write(self, cells: list[Any]) -> None:
        for col, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, dt.date):
                self.sheet.write_datetime(self.row, col, dt.datetime.combine(value, dt.time()),
                                          self.date)
            elif isinstance(value, int | float):
                self.sheet.write_number(self.row, col, value, self.wrap)
            else:
                self.sheet.write_string(self.row, col, value, self.wrap)
        self.row += 1

    def header(self, cells: list[tuple[int, int, int, int, str]]) -> None:
        """Header cells (first row, first column, last row, last column, text), merged where
        they span several, written in row order (as a streamed sheet must be)."""
        streamed = self.book.constant_memory
        for first_row, first_col, last_row, last_col, text in sorted(cells):
            if (first_row, first_col) == (last_row, last_col) or streamed:
                self.sheet.write_string(first_row, first_col, text, self.wrap)
            else:
                self.sheet.merge_range(first_row, first_col, last_row, last_col, text,
                                       self.wrap)


_NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em",
          "Vũ Thị Giang", "Đặng Văn Hải", "Bùi Thị Hoa")


def _ids(pid: str) -> tuple[str, str]:
    """The row's code and personal number cells: a 12-digit id is the personal number; a
    10-digit one is the code, and a fifth of those people's rows also carry their number
    (one per person, made from the code)."""
    if len(pid) == 12:
        return ("", pid)
    own = random.Random(pid)
    return (pid, f"0{pid[:2]}{own.randrange(10**9):09d}" if own.random() < 0.2 else "")


def _list_form(book: Any, layout: str, people: Any, rows: int, rng: random.Random,
               unit: str) -> Written:
    code, program = _FORM[layout]
    s = _Sheet(book, code)
    written = Written()
    title: list[list[Any]] = [
        ["BẢO HIỂM XÃ HỘI VIỆT NAM", None, None, None, None, None, None, f"Mẫu {code}"],
        ["Tên đơn vị: Bưu điện (dữ liệu mẫu)"]]
    for cells in title:
        s.write(cells)
    s.write([f"Mã đơn vị/Điểm thu: {unit}"])
    s.write(["Mã đối tượng: GD" if layout == "d03" else "Mã đối tượng: TN"])
    s.write([("DANH SÁCH NGƯỜI CHỈ THAM GIA BẢO HIỂM Y TẾ" if layout == "d03" else
              "DANH SÁCH NGƯỜI THAM GIA BẢO HIỂM XÃ HỘI TỰ NGUYỆN")])
    written.skip("title", 5)
    top = s.row
    if layout == "d03":
        s.header([*((top, col, top + 1, col, text) for col, text in enumerate(
            ["STT", "Họ và tên", "Mã số BHXH", "Số CCCD/\nCNTND\nĐDCN/hộ chiếu",
             "Ngày biên lai"])),
            (top, 5, top, 6, "Thời gian tham gia"), (top + 1, 5, top + 1, 5, "Từ tháng"),
            (top + 1, 6, top + 1, 6, "Số tháng"), (top, 7, top + 1, 7, "Ghi chú")])
        s.row = top + 2
        written.skip("header", 2)
    else:  # D05-TS: a header of four rows
        s.header([*((top, col, top + 3, col, text) for col, text in enumerate(
            ["STT", "Họ và tên", "Mã số BHXH", "Số định danh\ncá nhân"])),
            (top, 4, top, 8, "Đóng BHXH tự nguyện"), (top + 1, 4, top + 3, 4, "Ngày biên lai"),
            (top + 1, 5, top + 1, 6, "Thời gian đóng"), (top + 2, 5, top + 3, 5, "Từ tháng"),
            (top + 2, 6, top + 3, 6, "Số tháng"), (top + 1, 7, top + 1, 8, "Số tiền"),
            (top + 2, 7, top + 2, 7, "Mức thu nhập"), (top + 2, 8, top + 2, 8, "Số tiền đóng"),
            (top + 3, 7, top + 3, 7, "(đồng)"), (top + 3, 8, top + 3, 8, "(đồng)"),
            (top, 9, top + 3, 9, "Ghi chú")])
        s.row = top + 4
        written.skip("header", 4)
    s.write(["A", "B", "1", "2", "3", "4", "5", "6", "7", "8"][: 8 if layout == "d03" else 10])
    written.skip("numbering")
    s.write(["I", "Tăng"])
    s.write(["I.1", "Người tham gia"])
    written.skip("section", 2)
    decreasing = max(1, rows // 20) if rows else 0
    number = 0
    pending: list[tuple[str, str, str]] = []
    while len(written.data) < rows - decreasing:
        for pid, date, _ in pending[: rows - decreasing - len(written.data)]:
            number += 1
            s.write(_person_row(layout, number, pid, date, rng))
            written.data.append((pid, date, program))
        pending = [r[:3] for r in next(people) if _program(r[2]) == program]
    s.write([None, "Cộng tăng"])
    s.write(["II", "Giảm"])
    written.skip("subtotal")
    written.skip("section")
    for k in range(decreasing):
        person = next(people)[0]
        s.write(_person_row(layout, k + 1, person[0], person[1], rng, note="chuyển đi"))
        written.decreases += 1
    s.write([None, "Cộng giảm"])
    s.write([None, "Tổng cộng"])
    written.skip("subtotal", 2)
    s.row += 1
    s.write([None, None, None, None, "…, ngày … tháng … năm …"])
    s.write([None, "Người lập biểu", None, None, "Thủ trưởng đơn vị"])
    s.write([None, "(Ký, ghi rõ họ tên)", None, None, "(Ký, ghi rõ họ tên, đóng dấu)"])
    written.skip("footer", 3)
    return written


def _person_row(layout: str, number: int, pid: str, date: str, rng: random.Random,
                note: str | None = None) -> list[Any]:
    code, personal = _ids(pid)
    day = dt.date.fromisoformat(date)
    months = rng.choice((1, 3, 6, 12))
    name = rng.choice(_NAMES)
    if layout == "d03":
        return [number, name, code, personal, day, f"{day:%m/%Y}", 12, note]
    income = rng.choice((1_500_000, 2_000_000, 3_000_000))
    return [number, name, code, personal, day, f"{day:%m/%Y}", months, income,
            round(income * 0.22 * months), note]


def _program(name: str) -> str:
    return "voluntary_si" if name in ("voluntary_si", "BHXH_TN", "BHXH tự nguyện") \
        else "household_hi"


def _import_sheet(book: Any, people: Any, rows: int, rng: random.Random) -> Written:
    s = _Sheet(book, "Import")
    written = Written()
    s.write(["Lưu ý: không sửa dòng mã trường (dòng 3); mỗi dòng một người tham gia"])
    written.skip("title")
    labels = ["Mã số BHXH", "Họ tên", "Ngày biên lai", "Loại dịch vụ", "Mã đại lý",
              "Mã nhân viên thu", "Mã số BHXH"]
    codes = ["MasoBHXH", "HoTen", "NgayBienLai", "LoaiDV", "MaDaiLy", "MaNhanvienThu",
             "MasoBHXH"]
    s.write(labels)
    s.write(codes)
    written.skip("header", 2)
    while len(written.data) < rows:
        for pid, date, name, unit, _, staff in next(people)[: rows - len(written.data)]:
            service = "BHXH_TN" if _program(name) == "voluntary_si" else "BHYT_HGD"
            s.write([pid, rng.choice(_NAMES), dt.date.fromisoformat(date), service, unit,
                     staff, pid])
            written.data.append((pid, date, _program(name)))
    return written


def _household_import_sheet(book: Any, people: Any, rows: int, rng: random.Random) -> Written:
    """A household HI collection sheet as import software takes it: no program column (the
    sheet is all household HI: `--program household_hi`), both ids, field codes of another
    spelling (NGAYBL, TUTHANG, SOTHANG, Matinh_DangSS) under their labels, covers in months."""
    s = _Sheet(book, "Import BHYT HGD")
    written = Written()
    s.write(["Lưu ý: nhập đủ các cột có dấu *; không đổi tên dòng mã trường"])
    written.skip("title")
    s.write(["STT", "Họ và tên*", "Mã số BHXH*", "Số CCCD", "Ngày biên lai*", "Từ tháng*",
             "Số tháng*", "Mã tỉnh đang sinh sống", "Mã đại lý", "Mã nhân viên thu"])
    s.write(["STT", "HoTen", "MasoBHXH", "SoCCCD", "NGAYBL", "TUTHANG", "SOTHANG",
             "Matinh_DangSS", "MaDaiLy", "MaNhanvienThu"])
    written.skip("header", 2)
    number = 0
    while len(written.data) < rows:
        for pid, date, name, unit, province, staff in next(people):
            if _program(name) != "household_hi" or len(written.data) >= rows:
                continue
            number += 1
            code, personal = _ids(pid)
            day = dt.date.fromisoformat(date)
            s.write([number, rng.choice(_NAMES), code or None, personal or None, day,
                     f"{day:%m/%Y}", rng.choice((3, 6, 12)), province, unit, staff])
            written.data.append((pid, date, "household_hi"))
    return written

