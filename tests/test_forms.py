"""Issue #30: the lists people really have. VSS's D03-TS and D05-TS forms and collection-software
import sheets, read with no option; every row that is not data counted by kind; headers as they
are written; two ids on a row; ids typed as numbers never counted as someone else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import run, write

from sspost.sample_forms import write_form

PLAN = """\
schema_version: 1
name: Forms
period: {start: 2025-01-01, end: 2025-12-31}
programs:
  voluntary_si: {label: Voluntary social insurance, target: 100, aliases: [BHXH_TN]}
  household_hi: {label: Household health insurance, target: 100, aliases: [BHYT_HGD]}
units:
  - {code: "01", name: Hà Nội, units: [{code: "01-001", name: Ba Đình}]}
input:
  forms: {D03-TS: household_hi, D05-TS: voluntary_si}
"""
END = dt.date(2025, 11, 30)


@pytest.mark.parametrize("layout", ["d03", "d05", "import", "import-hi"])
def test_a_form_gives_the_counts_of_its_people_with_no_option(
        tmp_path: Path, layout: str) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    book = tmp_path / f"{layout}.xlsx"
    written = write_form(str(book), layout, 250, 7, dt.date(2025, 1, 1), END)
    # An import sheet without a program column takes it from --program (and nothing else).
    given = ("--program", "household_hi") if layout == "import-hi" else ()
    if given:
        alone = run("progress", plan, book)
        assert alone.exit_code == 2 and "--program" in alone.stderr
    result = run("progress", plan, book, "-f", "json", "--as-of", str(END), *given)
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    r = doc["reconciliation"]
    # The independent count: distinct people of each program among the data rows written.
    people: dict[str, set[str]] = {"voluntary_si": set(), "household_hi": set()}
    for pid, _, program in written.data:
        people[program].add(pid)
    assert {p["program"]: p["achieved"] for p in doc["programs"]} == \
        {program: len(ids) for program, ids in people.items()}
    rows = len(written.data) + written.decreases  # rows under Giảm are read, never counted
    assert (r["rows_read"], r["accepted"], r["rejected"]) == (rows, rows, 0)
    assert r.get("decreases", 0) == written.decreases
    assert r["accepted"] == r["counted"] + r["outside_window"] + r["duplicate_records"] + \
        r.get("decreases", 0)
    assert r["files"][0]["skipped"] == written.skipped
    if layout == "import":  # its id column is repeated: one column, said
        assert r["files"][0]["repeated_headers"] == ["Mã số BHXH"]
        assert "'Mã số BHXH' repeated" in result.stderr
    elif layout == "import-hi":  # labels over field codes of another spelling, both ids
        columns = dict(r["files"][0]["columns"])
        assert set(columns) >= {"participant_id", "personal_number", "date", "province",
                                "unit", "staff_id", "coverage_from", "months"}, columns
        assert r["files"][0]["taken"] == {"program": "household_hi"}
    else:
        assert r["files"][0]["taken"]["form"] == layout.upper() + "-TS"
        assert r["files"][0]["taken"]["unit"] == "01-001"


def test_sample_writes_a_form_through_the_cli(tmp_path: Path) -> None:
    book = tmp_path / "d03.xlsx"
    made = run("sample", "--layout", "d03", "--rows", "40", "-o", book)
    assert made.exit_code == 0 and book.stat().st_size > 0
    again = tmp_path / "again.xlsx"
    run("sample", "--layout", "d03", "--rows", "40", "-o", again)
    plan = write(tmp_path / "plan.yaml", PLAN)
    first = run("check", plan, book, "-f", "json")
    assert first.exit_code == 0, first.stderr
    assert first.json()["reconciliation"]["rows_read"] == 40
    assert first.json()["reconciliation"]["decreases"] == 2  # read, never counted
    refused = run("sample", "--layout", "d03", "-o", tmp_path / "x.csv")
    assert refused.exit_code == 2 and ".xlsx" in refused.stderr


def sheet(path: Path, rows: list[list[Any]], *, first_sheet: list[list[Any]] | None = None,
          number_ids: bool = False) -> Path:
    book = xlsxwriter.Workbook(str(path))
    if first_sheet is not None:
        notes = book.add_worksheet("Hướng dẫn")
        for r, cells in enumerate(first_sheet):
            notes.write_row(r, 0, cells)
    data = book.add_worksheet("Danh sách")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if isinstance(value, dt.date):
                data.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
            elif isinstance(value, int) and number_ids:
                data.write_number(r, c, value)
            elif value is not None:
                data.write_string(r, c, str(value))
    book.close()
    return path


def test_decorated_headers_with_line_breaks_and_notes_after_the_data(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    rows: list[list[Any]] = [
        ["DANH SÁCH THU (tháng 3)"],                                          # 1 title
        ["(1) Mã số\nBHXH:", "Ngày tham gia (2)", "[3] Loại\nhình", "Ghi chú"],  # 2 header
        ["0100000001", dt.date(2025, 3, 1), "BHXH_TN", "ok"],                 # 3
        ["0100000002", dt.date(2025, 3, 2), "BHYT_HGD", None, "một ghi chú lạc"],  # 4
        ["0100000003", "2025-02-30", "BHYT_HGD"],                             # 5 bad date
        [None, "Cộng", None],                                                 # 6 subtotal
        ["LƯU Ý: mỗi người một dòng, không gộp ô"],                           # 7 note
    ]
    book = sheet(tmp_path / "decorated.xlsx", rows)
    result = run("check", plan, book, "-f", "json")
    r = result.json()["reconciliation"]
    assert [(x["line"], x["reason"]) for x in r["rejected_rows"]] == [(5, "date")]
    assert (r["rows_read"], r["accepted"]) == (3, 2)
    assert r["files"][0]["skipped"] == {"title": 1, "header": 1, "subtotal": 1, "note": 1}
    assert r["files"][0]["columns"]["participant_id"] == "(1) Mã số BHXH:"


def test_a_workbook_that_opens_on_instructions_names_the_sheet_of_data(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    book = sheet(tmp_path / "two.xlsx",
                 [["Mã số BHXH", "Ngày biên lai", "Loại dịch vụ"],
                  ["0100000001", dt.date(2025, 3, 1), "BHXH_TN"]],
                 first_sheet=[["Hướng dẫn nhập liệu"], ["Cột A: mã số BHXH của người tham gia"]])
    result = run("check", plan, book)
    assert result.exit_code == 2
    assert "'Danh sách'" in result.stderr and "--sheet" in result.stderr
    assert "/tmp/sspost-" not in result.stderr  # the user's file, never sspost's own
    ok = run("check", plan, book, "--sheet", "Danh sách")
    assert ok.exit_code == 0, ok.stderr


def test_ha_noi_numbers_typed_as_numbers_are_never_counted_twice(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    # A personal number of Hà Nội (001...) in a number cell loses two zeros and looks like
    # a 10-digit code; beside the same person written as text, it would count twice.
    rows: list[list[Any]] = [["Số định danh cá nhân", "Ngày biên lai", "Loại dịch vụ"],
                             [1095012345, dt.date(2025, 9, 1), "BHYT_HGD"],    # 2: lost 00
                             ["001095012345", dt.date(2025, 9, 2), "BHYT_HGD"],  # 3: as text
                             [123456789, dt.date(2025, 3, 1), "BHYT_HGD"],       # 4: lost a 0
                             [112345678, dt.date(2025, 3, 1), "BHXH_TN"]]        # 5: 9 digits
    book = sheet(tmp_path / "numbers.xlsx", rows, number_ids=True)
    result = run("progress", plan, book, "-f", "json", "--as-of", "2025-11-30")
    doc = result.json()
    r = doc["reconciliation"]
    assert [(x["line"], x["reason"]) for x in r["rejected_rows"]] == \
        [(2, "numeric_id"), (4, "numeric_id"), (5, "numeric_id")]
    assert {p["program"]: p["achieved"] for p in doc["programs"]} == \
        {"voluntary_si": 0, "household_hi": 1}
    assert r["files"][0]["ids_from_number_cells"] == 3
    assert any("number cells" in w for w in doc["warnings"])
    assert "1095012345" not in result.stdout + result.stderr


def test_two_ids_on_a_row_join_the_person_across_files(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    both = sheet(tmp_path / "both.xlsx", [
        ["Mã số BHXH", "Số CCCD/ĐDCN/Hộ chiếu", "Ngày biên lai", "Loại dịch vụ"],
        ["0100000001", "001095000001", dt.date(2025, 8, 5), "BHYT_HGD"],
        ["0100000002", "", dt.date(2025, 8, 6), "BHYT_HGD"]])
    codes = tmp_path / "march.csv"  # the same people under their codes, before August
    codes.write_text("participant_id,date,program\n0100000001,2025-03-01,BHYT_HGD\n"
                     "0100000002,2025-03-01,BHYT_HGD\n", encoding="utf-8")
    result = run("progress", plan, codes, both, "-f", "json", "--as-of", "2025-11-30")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    hi = next(p for p in doc["programs"] if p["program"] == "household_hi")
    assert hi["achieved"] == 2  # not 3: the code and the number are one person
    assert hi["id_kinds"] == {"social_insurance_code": 1, "personal_number": 1}


def test_a_form_without_a_program_says_how_to_give_one(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN.split("input:")[0])  # no input.forms
    book = tmp_path / "d03.xlsx"
    write_form(str(book), "d03", 20, 1, dt.date(2025, 1, 1), END)
    result = run("check", plan, book)
    assert result.exit_code == 2
    assert "--program" in result.stderr and "input.forms" in result.stderr
    assert "/tmp/sspost-" not in result.stderr
    given = run("check", plan, book, "--program", "household_hi", "-f", "json")
    assert given.exit_code == 0, given.stderr
    assert given.json()["reconciliation"]["files"][0]["taken"]["program"] == "household_hi"
    unknown = run("check", plan, book, "--program", "pension")
    assert unknown.exit_code == 2 and "not a program of the plan" in unknown.stderr


def test_a_rejected_share_over_one_percent_is_said_beside_the_figures(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    data = tmp_path / "d.csv"
    rows = [f"01000000{i:02d},2025-03-01,BHXH_TN" for i in range(90)]
    rows += [f"01000001{i:02d},2025-03-01,Bảo hiểm tự nguyện" for i in range(10)]  # undeclared
    data.write_text("participant_id,date,program\n" + "\n".join(rows) + "\n", encoding="utf-8")
    table = run("progress", plan, data)
    assert table.exit_code == 0
    said = "10.0% of the rows were rejected (10 of 100), most for program"
    assert said in table.stdout.replace("\n", " ")  # on stdout, under the table
    assert said in run("progress", plan, data, "-f", "markdown").stdout
    assert said in run("progress", plan, data, "-f", "json").json()["warnings"][0]
    assert "10,0% số dòng bị loại" in run("progress", plan, data, "--lang", "vi").stdout
    book = tmp_path / "p.xlsx"
    run("progress", plan, data, "-o", book)
    import openpyxl
    cells = [str(c.value) for row in openpyxl.load_workbook(book).active.iter_rows()
             for c in row if c.value]
    assert any(said in cell for cell in cells)
    report = tmp_path / "report"
    run("report", plan, data, "--month", "2025-03", "--output-dir", report)
    assert said in (report / "report.md").read_text(encoding="utf-8")
    one = tmp_path / "one.csv"  # one in a hundred is not said beside the figures
    good = [f"01000002{i:02d},2025-03-01,BHXH_TN" for i in range(99)]
    one.write_text("participant_id,date,program\n" + "\n".join([*good, "x,y,z"]) + "\n",
                   encoding="utf-8")
    assert "of the rows were rejected" not in run("progress", plan, one).stdout


def test_unit_aliases_name_their_unit_and_are_checked(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN.replace(
        '{code: "01-001", name: Ba Đình}',
        '{code: "01-001", name: Ba Đình, aliases: [BI0113G], targets: {household_hi: 10}}'))
    data = tmp_path / "d.csv"
    data.write_text("participant_id,date,program,unit\n0100000001,2025-03-01,BHYT_HGD,BI0113G\n"
                    "0100000002,2025-03-01,BHYT_HGD, BI0113G \n"
                    "0100000003,2025-03-01,BHYT_HGD,01-001\n", encoding="utf-8")
    doc = run("progress", plan, data, "--by", "unit", "-f", "json").json()
    rows = {(r["program"], r["unit"]): r["achieved"] for r in doc["breakdown"]["rows"]}
    assert rows[("household_hi", "01-001")] == 3
    assert not any("not in the target file" in w for w in doc["warnings"])
    twice = write(tmp_path / "twice.yaml", PLAN.replace(
        '{code: "01", name: Hà Nội, units:', '{code: "01", name: Hà Nội, aliases: [X1], units:')
        .replace('{code: "01-001", name: Ba Đình}',
                 '{code: "01-001", name: Ba Đình, aliases: [X1, "01"]}'))
    checked = run("validate", twice)
    assert checked.exit_code == 1
    assert checked.stdout.count("[duplicate-unit]") == 2, checked.stdout


def test_a_csv_laid_out_as_a_form_is_read_as_one(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN.replace(
        '{code: "01-001", name: Ba Đình}', '{code: "01-001", name: Ba Đình, aliases: [BI0113G]}'))
    form = tmp_path / "d03.csv"
    form.write_text(
        "BẢO HIỂM XÃ HỘI VIỆT NAM;;;;;;;Mẫu D03-TS\n"                      # 1
        "Mã đơn vị/Điểm thu: BI0113G;;;;;;;\n"                             # 2
        ";;;;;;;\n"                                                         # 3
        'STT;Họ và tên;Mã số BHXH;"Số CCCD/\nĐDCN/hộ chiếu";Ngày biên lai;'  # 4-5 header
        "Thời gian tham gia;;Ghi chú\n"
        ";;;;;Từ tháng;Số tháng;\n"                                         # 6 header
        "A;B;1;2;3;4;5;6\n"                                                 # 7 numbering
        "I;Tăng;;;;;;\n"                                                    # 8 section
        "1;Nguyễn Văn An;0112345601;;2025-03-01;03/2025;12;\n"              # 9
        "2;Trần Thị Bình;;001 095 012 345;2025-03-02;03/2025;12;\n"         # 10
        "3;Lê Văn Cường;0112345603;;2025-02-30;03/2025;12;\n"               # 11 bad date
        ";Cộng tăng;;;;;;\n"                                                # 12 subtotal
        "II;Giảm;;;;;;\n"                                                   # 13 section
        "1;Phạm Văn Dũng;0112345604;;2025-03-04;03/2025;12;chuyển đi\n"     # 14 decrease
        ";;;;Hà Nội, ngày 31 tháng 3 năm 2025;;;\n"                         # 15 footer
        ";Người lập biểu;;;Thủ trưởng đơn vị;;;\n", encoding="utf-8")       # 16 footer
    result = run("progress", plan, form, "--by", "unit", "-f", "json", "--as-of", "2025-11-30")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    r = doc["reconciliation"]
    assert [(x["line"], x["reason"]) for x in r["rejected_rows"]] == [(11, "date")]
    assert (r["rows_read"], r["accepted"], r["decreases"]) == (4, 3, 1)
    assert r["files"][0]["skipped"] == {"title": 2, "header": 2, "numbering": 1, "section": 2,
                                        "subtotal": 1, "footer": 2}
    assert r["files"][0]["ids_in_groups"] == 1
    units = {(x["program"], x["unit"]): x["achieved"] for x in doc["breakdown"]["rows"]}
    assert units[("household_hi", "01-001")] == 2  # the title block's code, an alias
    assert "001 095 012 345" not in result.stdout + result.stderr
    listed = run("check", plan, form, "--show-skipped").stdout.splitlines()
    assert f"{form}:4: header" in listed and f"{form}:6: header" in listed
    assert f"{form}:13: section" in listed and f"{form}:16: footer" in listed
    assert f"{form}:14: decrease" not in listed  # a row, read: not skipped
    as_json = run("check", plan, form, "--show-skipped", "-f", "json").json()["skipped_rows"]
    assert {"file": str(form), "line": 7, "kind": "numbering"} in as_json
    assert len(as_json) == sum(r["files"][0]["skipped"].values())


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_repeated_column_is_one_column_only_where_its_copies_agree(
        tmp_path: Path, kind: str) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    header = ["MasoBHXH", "NgayBienLai", "Loại hình", "Họ tên", "MasoBHXH", "NgayBienLai"]
    rows = [  # the copies: equal, blank, padded, or another id or day (a bad row)
        ["0100000001", "2025-03-01", "BHXH_TN", "A", "0100000001", "2025-03-01"],
        ["0100000002", "2025-03-01", "BHXH_TN", "B", "", "2025-03-01"],
        ["0100000003", "2025-03-01", "BHXH_TN", "C", " 0100000003 ", ""],
        ["0100000004", "2025-03-01", "BHXH_TN", "D", "0100000099", "2025-03-01"],
        ["0100000005", "2025-03-01", "BHXH_TN", "E", "0100000005", "2025-04-01"],
        ["0100000006", "2025-03-01", "BHXH_TN", "F", "0100000006", "2025-03-01"],
    ]
    data = tmp_path / f"repeated.{kind}"
    if kind == "csv":
        data.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n",
                        encoding="utf-8")
    else:
        book = xlsxwriter.Workbook(str(data))
        sheet = book.add_worksheet("Data")
        for number, cells in enumerate([header, *rows]):
            sheet.write_row(number, 0, cells)
        book.close()
    result = run("progress", plan, data, "-f", "json", "--as-of", str(END))
    assert result.exit_code == 0, result.stderr
    r = result.json()["reconciliation"]
    agree = [row[0] for row in rows if not (row[4].strip() and row[4].strip() != row[0])
             and not (row[5] and row[5] != row[1])]
    assert r["counted"] == len(agree) == 4
    assert [(x["line"], x["reason"]) for x in r["rejected_rows"]] == \
        [(5, "repeated_column"), (6, "repeated_column")]
    assert "'MasoBHXH'" in r["rejected_rows"][0]["message"]
    assert "'NgayBienLai'" in r["rejected_rows"][1]["message"]
    assert "0100000099" not in result.stdout + result.stderr
    assert r["files"][0]["repeated_headers"] == ["MasoBHXH", "NgayBienLai"]
    vi = run("check", plan, data, "--lang", "vi")
    assert "khác nhau ở dòng này" in vi.stdout + vi.stderr


_COPY = ("same", "blank", "padded", "other")


@pytest.mark.slow
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(copies=st.lists(st.tuples(st.sampled_from(_COPY), st.sampled_from(_COPY)),
                       min_size=1, max_size=30),
       extra=st.integers(min_value=1, max_value=2))
def test_repeated_columns_against_an_independent_count(
        tmp_path: Path, copies: list[tuple[str, str]], extra: int) -> None:
    """Ids and dates repeated once or twice more, each copy the same, blank, padded or
    another: a row counts where no two non-blank copies differ (counted here by hand)."""
    plan = write(tmp_path / "plan.yaml", PLAN)
    header = ["MasoBHXH", "NgayBienLai", "Loại hình"] + ["MasoBHXH", "NgayBienLai"] * extra
    lines, counted, bad = [",".join(header)], set(), []
    for i, (id_copy, date_copy) in enumerate(copies, start=1):
        pid, day = f"01000{i:05d}", "2025-03-01"
        shown = {"same": (pid, day), "blank": ("", ""), "padded": (f" {pid} ", f" {day} "),
                 "other": (f"01999{i:05d}", "2025-04-01")}
        cells = [pid, day, "BHXH_TN"] + [pid, day] * (extra - 1)  # copies that agree...
        cells += [shown[id_copy][0], shown[date_copy][1]]  # ...and the last one, as drawn
        lines.append(",".join(cells))
        if "other" in (id_copy, date_copy):
            bad.append(i + 1)
        else:
            counted.add(pid)
    data = tmp_path / "d.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("progress", plan, data, "-f", "json", "--as-of", str(END))
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:  # most rows rejected: the run says so rather than count
        assert len(bad) * 10 > len(copies) * 9 and "repeated_column" in result.stderr
        return
    r = result.json()["reconciliation"]
    assert r["counted"] == len(counted)
    assert [x["line"] for x in r["rejected_rows"]] == bad
    assert all(x["reason"] == "repeated_column" for x in r["rejected_rows"])
