"""Spreadsheet exports as they come (SPEC section 4, Reading).

An .xlsx is streamed row by row by `sspost.records.xlsx`; its cells are checked here against
python-calamine, an independent reader, on workbooks Hypothesis makes. .xls and .ods exports are
written by real libraries (xlwt, odfpy) and read through the CLI with a title row, date cells,
ids the spreadsheet keeps as numbers, bad dates and extra cells, each at its sheet row.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import PLAN, csv_file, run, write

from sspost.records.prepare import _cell_text
from sspost.records.xlsx import Workbook

# --- the streamed .xlsx reader against python-calamine --------------------------------------

CELLS = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=12),
    st.integers(-10**15, 10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda f: abs(f) < 1e300),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)).map(
        lambda d: d.replace(microsecond=0)),
)
GRIDS = st.lists(st.lists(CELLS, max_size=6), max_size=12)


def xlsxwriter_book(path: Path, grid: list[list[Any]], *, constant_memory: bool = False,
                    top: int = 0) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory,
                                           "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("Data")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            at = (top + r, c)
            if isinstance(value, dt.datetime):
                sheet.write_datetime(*at, value, moment)
            elif isinstance(value, dt.date):
                sheet.write_datetime(*at, dt.datetime.combine(value, dt.time()), day)
            elif isinstance(value, bool):
                sheet.write_boolean(*at, value)
            elif isinstance(value, int | float):
                sheet.write_number(*at, value)
            elif isinstance(value, str):
                sheet.write_string(*at, value)
    book.close()
    return path


def streamed(path: Path) -> dict[int, list[str]]:
    book = Workbook(str(path))
    try:
        texts = {number: trimmed([_cell_text(v) for v in cells])
                 for number, cells in book.rows(next(iter(book.sheets)))}
        return {n: row for n, row in texts.items() if row}
    finally:
        book.close()


def by_calamine(path: Path) -> dict[int, list[str]]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(
        skip_empty_area=False)
    texts = {n: trimmed([_cell_text(v) for v in row]) for n, row in enumerate(rows, start=1)}
    return {n: row for n, row in texts.items() if row}


def trimmed(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row.pop()
    return row


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grid=GRIDS, constant_memory=st.booleans(), top=st.integers(0, 3))
def test_streamed_cells_agree_with_calamine(tmp_path: Path, grid: list[list[Any]],
                                            constant_memory: bool, top: int) -> None:
    path = xlsxwriter_book(tmp_path / "grid.xlsx", grid, constant_memory=constant_memory,
                           top=top)
    assert streamed(path) == by_calamine(path)


def test_a_workbook_written_by_openpyxl_agrees_with_calamine(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["B2"] = "Báo cáo"
    sheet["A4"], sheet["B4"], sheet["D4"] = 123456789012, dt.date(2025, 3, 1), "a_x0041_b"
    sheet["C5"] = dt.datetime(2025, 3, 1, 10, 30)
    sheet["A6"], sheet["B6"] = True, 0.1
    sheet["AA7"] = "far right"
    sheet["A8"] = "=1+1"
    sheet["A9"] = " padded "
    path = tmp_path / "openpyxl.xlsx"
    book.save(path)
    ours = streamed(path)
    assert ours == by_calamine(path)
    assert ours[4][:2] == ["123456789012", "2025-03-01"]


# --- hostile workbooks: one clear error naming the file, exit 2 -----------------------------

def good_book(tmp_path: Path) -> Path:
    return xlsxwriter_book(tmp_path / "good.xlsx", [
        ["participant_id", "date", "program"],
        *[[f"01000000{i:02d}", dt.date(2025, 1, 5), "voluntary_si"] for i in range(50)]])


def rewritten(source: Path, target: Path, part: str, change: Any) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            new.writestr(item, change(data) if item.filename == part else data)
    return target


def refused(plan: Path, book: Path, *words: str) -> None:
    for command in ("progress", "check"):
        result = run(command, plan, book)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.startswith(f"sspost: error: {book}: cannot read as a spreadsheet")
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert all(word in result.stderr for word in words), result.stderr


def test_a_truncated_workbook_is_refused(tmp_path: Path, plan: Path) -> None:
    whole = good_book(tmp_path).read_bytes()
    for cut in (len(whole) // 3, len(whole) - 30):
        book = tmp_path / f"cut-{cut}.xlsx"
        book.write_bytes(whole[:cut])
        refused(plan, book)


def test_a_sheet_cut_inside_its_xml_is_refused(tmp_path: Path, plan: Path) -> None:
    book = rewritten(good_book(tmp_path), tmp_path / "cut.xlsx", "xl/worksheets/sheet1.xml",
                     lambda data: data[: len(data) // 2])
    refused(plan, book)


def test_a_dtd_in_a_workbook_is_refused(tmp_path: Path, plan: Path) -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    book = rewritten(good_book(tmp_path), tmp_path / "dtd.xlsx", "xl/worksheets/sheet1.xml",
                     lambda data: laughs + data.split(b"?>", 1)[1])
    refused(plan, book, "DTD")


def test_a_shared_string_that_does_not_exist_is_refused(tmp_path: Path, plan: Path) -> None:
    source = good_book(tmp_path)  # XlsxWriter keeps text in the shared strings table
    broken = rewritten(source, tmp_path / "broken.xlsx", "xl/worksheets/sheet1.xml",
                       lambda data: re.sub(rb'(<c r="C2"[^>]*t="s"[^>]*><v>)\d+', rb"\g<1>999",
                                           data))
    assert broken.read_bytes() != source.read_bytes()
    refused(plan, broken)


# --- .xls and .ods written by real libraries, read through the CLI --------------------------

TITLE = "Báo cáo phát triển đối tượng tháng 3"
# Sheet rows from 3 (row 1 a title, row 2 empty): header, then data rows, one of them empty.
ROWS: list[list[Any]] = [
    ["Mã số BHXH", "Ngày tham gia", "Loại hình"],               # 3: Vietnamese headers
    [123456789012.0, dt.date(2025, 1, 5), "BHXH_TN"],            # 4: a 12-digit id as a number
    ["0100000002", dt.date(2025, 1, 6), "voluntary_si"],         # 5
    [100000003.0, dt.date(2025, 1, 7), "household_hi"],          # 6: lost its leading 0
    ["0100000004", "2025-02-30", "household_hi"],                # 7: no such day
    ["0100000005", dt.date(2025, 3, 1), "household_hi", "x"],    # 8: a note past the header
    [],                                                          # 9: empty
    ["0100000006", "2025-03-02", "household_hi"],                # 10: an ISO date as text
]
# Row 8's note in an unheaded column is not a field (SPEC section 4): the row is read without it.
REJECTED = [(6, "numeric_id"), (7, "date")]  # row 6: a number cell lost the id's zero


def xls_book(path: Path) -> Path:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Data")
    day = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    sheet.write(0, 0, TITLE)
    for r, row in enumerate(ROWS, start=2):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, dt.datetime.combine(value, dt.time()), day)
            else:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def ods_book(path: Path) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Data")

    def cell(value: Any) -> Any:
        if isinstance(value, dt.date):
            made = TableCell(valuetype="date", datevalue=value.isoformat())
        elif isinstance(value, float):
            made = TableCell(valuetype="float", value=repr(value))
        else:
            made = TableCell(valuetype="string")
        made.addElement(P(text=value.isoformat() if isinstance(value, dt.date) else str(value)))
        return made

    for row in [[TITLE], [], *ROWS]:
        line = TableRow()
        for value in row:
            line.addElement(cell(value))
        table.addElement(line)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def xlsx_book(path: Path) -> Path:
    return xlsxwriter_book(path, [[TITLE], [], *ROWS])


@pytest.mark.parametrize("make", [xls_book, ods_book, xlsx_book], ids=["xls", "ods", "xlsx"])
def test_real_spreadsheet_formats_read_the_same(tmp_path: Path, plan: Path, make: Any) -> None:
    book = make(tmp_path / f"export.{make.__name__.removesuffix('_book')}")
    result = run("check", plan, book, "-f", "json", "--as-of", "2025-12-31")
    assert result.exit_code == 1, result.stderr  # rows were rejected
    r = result.json()["reconciliation"]
    assert [(x["line"], x["reason"]) for x in r["rejected_rows"]] == REJECTED
    assert (r["rows_read"], r["accepted"]) == (6, 4)
    assert r["files"][0]["sheet"] == "Data"
    progress = run("progress", plan, book, "-f", "json", "--as-of", "2025-12-31")
    achieved = {p["program"]: p["achieved"] for p in progress.json()["programs"]}
    assert achieved == {"voluntary_si": 2, "household_hi": 2}
    as_csv = csv_file(tmp_path, "same.csv", ["123456789012,2025-01-05,BHXH_TN",
                                              "0100000002,2025-01-06,voluntary_si",
                                              "0100000005,2025-03-01,household_hi",
                                              "0100000006,2025-03-02,household_hi"])
    plain = run("progress", plan, as_csv, "-f", "json", "--as-of", "2025-12-31")
    assert progress.json()["programs"] == plain.json()["programs"]


def test_the_rejects_file_quotes_the_sheet_rows(tmp_path: Path, plan: Path) -> None:
    book = ods_book(tmp_path / "export.ods")
    out = tmp_path / "rejects.csv"
    run("check", plan, book, "--as-of", "2025-12-31", "--rejects", out)
    text = out.read_text(encoding="utf-8")  # the one output that shows rows as they were
    assert "0100000004,2025-02-30,household_hi" in text  # (SPEC section 7)
    assert "100000003,2025-01-07,household_hi" in text  # the number's digits, not 1.0E8
    assert "0100000005" not in text  # its note past the header is no field: a good row


def test_a_plan_file_is_not_a_sheet(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    fake = tmp_path / "fake.ods"
    fake.write_bytes(b"PK\x03\x04 not really")
    refused(plan, fake)


# --- bombs: bounded, one line, before memory or disk runs out (issue #35) -------------------

@pytest.mark.parametrize("number", [b"2000000000", b"1000000000000000", b"1048577"])
def test_a_row_number_past_a_sheets_end_is_refused(
        tmp_path: Path, plan: Path, number: bytes) -> None:
    book = rewritten(good_book(tmp_path), tmp_path / "far.xlsx", "xl/worksheets/sheet1.xml",
                     lambda data: data.replace(b'<row r="3"', b'<row r="' + number + b'"', 1))
    refused(plan, book, "rows go up")


def test_rows_out_of_order_are_refused(tmp_path: Path, plan: Path) -> None:
    book = rewritten(good_book(tmp_path), tmp_path / "back.xlsx", "xl/worksheets/sheet1.xml",
                     lambda data: data.replace(b'<row r="5"', b'<row r="2"', 1))
    refused(plan, book, "rows go up")


def test_too_many_shared_strings_are_refused_at_once(tmp_path: Path, plan: Path) -> None:
    book = rewritten(good_book(tmp_path), tmp_path / "sst.xlsx", "xl/sharedStrings.xml",
                     lambda data: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="30000000"', data))
    refused(plan, book, "distinct texts")


@pytest.mark.slow
def test_a_sheet_of_every_column_reads_only_those_it_needs(tmp_path: Path, plan: Path) -> None:
    wide = [["participant_id", "date", "program", *[f"c{i}" for i in range(3, 16_384)]],
            *[[f"01000000{i:02d}", dt.date(2025, 1, 5), "voluntary_si", *["x"] * 16_381]
              for i in range(20)]]
    book = xlsxwriter_book(tmp_path / "wide.xlsx", wide, constant_memory=True)
    result = run("check", plan, book, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["reconciliation"]["counted"] == 20
