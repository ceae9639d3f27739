"""Real exports, read as far as they can be (SPEC section 4, Reading): every case of issue #11
through the CLI, with files built here, checking counts, rejected lines and the rejects file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import PLAN, ROOT, csv_file, run, write

HEADER = "participant_id,date,program"


def check(plan: Path, data: Path, *args: str | Path) -> tuple[dict[str, Any], str]:
    result = run("check", plan, data, "-f", "json", "--as-of", "2025-12-31", *args)
    assert result.exit_code in (0, 1), result.stderr
    return result.json()["reconciliation"], result.stderr


def lines_and_reasons(r: dict[str, Any]) -> list[tuple[int, str]]:
    return [(x["line"], x["reason"]) for x in r["rejected_rows"]]


def rejects_file(path: Path) -> list[tuple[int, str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(int(r["line"]), r["reason"], r["record"]) for r in csv.DictReader(handle)]


def test_quoted_notes_and_a_stray_cr_do_not_stop_the_file(tmp_path: Path, plan: Path) -> None:
    data = tmp_path / "notes.csv"
    data.write_bytes(
        b"participant_id,date,program,note\n"
        b'0100000001,2025-01-05,voluntary_si,"a note\nover two lines"\n'
        b"0100000002,2025-01-06,voluntary_si,stray\rcr\n"
        b'0100000003,2025-01-07,voluntary_si,"never closed\n'
        b"0100000004,2025-01-08,voluntary_si,fine\n"
        b'0100000005,2025-01-09,voluntary_si,"and ""quoted"" text"\n')
    r, stderr = check(plan, data, "--rejects", tmp_path / "rejects.csv")
    # The CR ends line 4 (a whole record, its note "stray"); line 5 holds "cr" alone.
    assert lines_and_reasons(r) == [(5, "field_count"), (6, "field_count")]
    assert (r["rows_read"], r["accepted"], r["rejected"]) == (6, 4, 2)
    assert "read line by line first" in stderr
    texts = rejects_file(tmp_path / "rejects.csv")
    assert [t[2] for t in texts] == ["cr", '0100000003,2025-01-07,voluntary_si,"never closed']
    assert [m["message"] for m in r["rejected_rows"]] == ["fewer fields than the header",
                                                          "a quote that does not close"]


def test_quoted_newlines_beside_a_ragged_row(tmp_path: Path, plan: Path) -> None:
    data = tmp_path / "ragged.csv"
    data.write_text(HEADER + ",note\n"
                    '0100000001,2025-01-05,voluntary_si,"one\ntwo\nthree"\n'
                    "0100000002,2025-01-06,voluntary_si\n"
                    "0100000003,2025-02-30,voluntary_si,x\n", encoding="utf-8")
    r, _ = check(plan, data)
    assert lines_and_reasons(r) == [(5, "field_count"), (6, "date")]
    assert r["accepted"] == 1


def test_crlf_with_blank_lines_keeps_lines_and_texts(tmp_path: Path, plan: Path) -> None:
    lines = [HEADER]
    bad: list[int] = []
    for i in range(1, 700):
        if i % 45 == 0:
            lines.append("")
        if i % 97 == 0:
            lines.append(f"0{i:09d},2025-01-05,voluntary_si,extra")
            bad.append(len(lines))
        elif i % 101 == 0:
            lines.append(f"0{i:09d},2025-02-30,voluntary_si")
            bad.append(len(lines))
        else:
            lines.append(f"0{i:09d},2025-01-05,voluntary_si")
    data = tmp_path / "crlf.csv"
    data.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    r, _ = check(plan, data, "--rejects", tmp_path / "rejects.csv", "--max-errors", "100")
    assert [x["line"] for x in r["rejected_rows"]] == bad
    for line, _, record in rejects_file(tmp_path / "rejects.csv"):
        assert record == lines[line - 1]


@pytest.mark.parametrize("ending", [b"\r", b"\r\n", b"\n"])
def test_line_endings_and_a_header_ending_in_cr(tmp_path: Path, plan: Path,
                                                ending: bytes) -> None:
    rows = [HEADER.encode(), b"0100000001,2025-01-05,voluntary_si", b"",
            b"0100000002,2025-02-30,voluntary_si", b"0100000003,2025-01-07,household_hi"]
    data = tmp_path / "endings.csv"
    data.write_bytes(ending.join(rows) + ending)
    r, _ = check(plan, data)
    assert lines_and_reasons(r) == [(4, "date")]
    assert (r["rows_read"], r["accepted"]) == (3, 2)
    mixed = tmp_path / "mixed.csv"  # a header ending in a bare CR, the rest LF
    mixed.write_bytes(HEADER.encode() + b"\r0100000001,2025-01-05,voluntary_si\n"
                      b"0100000002,2025-13-01,voluntary_si\n")
    r, _ = check(plan, mixed)
    assert lines_and_reasons(r) == [(3, "date")]


def test_excel_sep_line_and_rows_of_empty_cells(tmp_path: Path, plan: Path) -> None:
    data = tmp_path / "excel.csv"
    data.write_bytes("\ufeffsep=;\r\nparticipant_id;date;program;unit\r\n"
                     "0100000001;2025-01-05;voluntary_si;\r\n;;;\r\n;;;\r\n"
                     "0100000002;2025-01-32;voluntary_si;\r\n".encode())
    r, _ = check(plan, data)
    assert lines_and_reasons(r) == [(6, "date")]
    assert (r["rows_read"], r["accepted"], r["files"][0]["delimiter"]) == (2, 1, ";")
    plain = tmp_path / "empty-rows.csv"  # the engine's own path: no sep= line
    plain.write_text("participant_id;date;program\n0100000001;2025-01-05;voluntary_si\n;;\n"
                     "0100000002;x;voluntary_si\n", encoding="utf-8")
    r, _ = check(plan, plain)
    assert lines_and_reasons(r) == [(4, "date")] and r["rows_read"] == 2


@pytest.mark.parametrize("value", ["2025/03/01", "2025-3-1", "02025-03-01", "infinity", "epoch",
                                   "225-07-06", "2025-03-01 25:00", "2025-03-01x"])
def test_dates_the_spec_does_not_accept_are_bad_rows(tmp_path: Path, plan: Path,
                                                      value: str) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-03-02,voluntary_si",
                                        f"0100000002,{value},voluntary_si"])
    r, _ = check(plan, data)
    assert lines_and_reasons(r) == [(3, "date")]


def test_iso_dates_with_a_time_of_day(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-03-02 10:15,voluntary_si",
                                        "0100000002,2025-03-02T10:15:00,voluntary_si",
                                        "0100000003, 2025-03-03 ,voluntary_si"])
    r, _ = check(plan, data)
    assert r["accepted"] == 3


def test_day_first_dates_are_detected_and_said(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,05/01/2025,voluntary_si",
                                        "0100000002,25/01/2025,voluntary_si",
                                        "0100000003,2025-01-06,voluntary_si",
                                        "0100000004,31/02/2025,voluntary_si"])
    result = run("progress", plan, data, "-f", "json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["reconciliation"]["files"][0]["date_format"] == "%d/%m/%Y"
    assert "dates %d/%m/%Y" in result.stderr
    assert doc["programs"][0]["achieved"] == 3 and doc["as_of"] == "2025-01-25"
    assert doc["reconciliation"]["rejected_by_reason"] == {"date": 1}


def test_ambiguous_dates_stop_the_run_naming_the_option(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,05/01/2025,voluntary_si",
                                        "0100000002,06/02/2025,voluntary_si"])
    for command in (["progress"], ["progress", "--as-of", "2025-06-30"],
                    ["report", "--month", "2025-02", "--output-dir", tmp_path / "r"]):
        result = run(command[0], plan, data, *command[1:])
        assert result.exit_code == 2
        assert "--date-format" in result.stderr and "12 or less" in result.stderr
    assert not (tmp_path / "r").exists()
    named = run("progress", plan, data, "--date-format", "%m/%d/%Y", "-f", "json")
    assert named.exit_code == 0 and named.json()["as_of"] == "2025-06-02"


def test_mostly_rejected_stops_before_any_output(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "d.csv", [f"01000000{i:02d},2025-01-{i + 1:02d},pension"
                                        for i in range(20)] +
                    ["0100000099,2025-01-05,voluntary_si"])
    out = tmp_path / "out.json"
    result = run("progress", plan, data, "--as-of", "2025-06-30", "-o", out)
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr.startswith(f"sspost: error: {data}: 20 of 21 rows rejected "
                                    "(20 for program)")
    assert "aliases" in result.stderr
    report = run("report", plan, data, "--month", "2025-01", "--output-dir", tmp_path / "r")
    assert report.exit_code == 2 and not (tmp_path / "r").exists()
    assert run("check", plan, data).exit_code == 1  # check still lists the rows


def test_a_far_off_latest_date_is_warned_about(tmp_path: Path, plan: Path) -> None:
    rows = [f"01000{i:05d},2025-{1 + i % 6:02d}-{1 + i % 28:02d},voluntary_si"
            for i in range(300)] + ["0199999999,2025-12-25,voluntary_si"]
    data = csv_file(tmp_path, "d.csv", rows)
    result = run("progress", plan, data, "-f", "json")
    doc = result.json()
    assert doc["as_of"] == "2025-12-25"
    warning = [w for w in doc["warnings"] if "default as-of date" in w]
    assert warning and "2025-06-28" in warning[0] and "--as-of 2025-06-28" in warning[0]
    assert "warning: the default as-of date 2025-12-25 rests on 1 record" in result.stderr
    quiet = run("progress", plan, data, "-f", "json", "--as-of", "2025-06-30")
    assert not [w for w in quiet.json()["warnings"] if "default as-of" in w]


# --- spreadsheets ----------------------------------------------------------------------------

def workbook(path: Path, rows: list[list[Any]], *, title: str | None = None,
             sheet: str = "Data", other_first: bool = False) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    if other_first:
        book.add_worksheet("Notes").write(0, 0, "nothing here")
    ws = book.add_worksheet(sheet)
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    top = 0
    if title:
        ws.write(0, 0, title)
        top = 2
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(top + r, c, dt.datetime.combine(value, dt.time()), dates)
            elif value is not None:
                ws.write(top + r, c, value)
    book.close()
    return path


def test_an_xlsx_export_agrees_with_the_same_rows_as_csv(tmp_path: Path) -> None:
    targets = ROOT / "targets" / "2025.yaml"
    sample = (ROOT / "data" / "sample-2025.csv").read_text(encoding="utf-8").splitlines()
    header, body = sample[0].split(","), [line.split(",") for line in sample[1:400]]
    cells: list[list[Any]] = [header]
    for row in body:
        typed: list[Any] = list(row)
        typed[header.index("date")] = dt.date.fromisoformat(row[header.index("date")])
        cells.append(typed)
    book = workbook(tmp_path / "export.xlsx", cells, title="Báo cáo tháng")
    as_csv = tmp_path / "export.csv"
    as_csv.write_text("\n".join(sample[:400]) + "\n", encoding="utf-8")
    from_book = run("progress", targets, book, "-f", "json")
    from_csv = run("progress", targets, as_csv, "-f", "json")
    assert from_book.exit_code == 0, from_book.stderr
    a, b = from_book.json(), from_csv.json()
    assert a["programs"] == b["programs"] and a["as_of"] == b["as_of"]
    ra, rb = a["reconciliation"], b["reconciliation"]
    assert {k: ra[k] for k in ("rows_read", "accepted", "counted")} == \
        {k: rb[k] for k in ("rows_read", "accepted", "counted")}
    assert ra["files"][0]["sheet"] == "Data"
    assert "sheet 'Data'" in from_book.stderr
    table = run("progress", targets, book)
    assert table.exit_code == 0 and "Voluntary social insurance" in table.stdout


def test_spreadsheet_rows_numbers_ids_and_sheets(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN + "input:\n  columns: {participant_id: Mã số, "
                 "date: Ngày, program: Loại}\n")
    rows: list[list[Any]] = [["Mã số", "Ngày", "Loại"],
                             [123456789, dt.date(2025, 1, 5), "voluntary_si"],  # lost its 0
                             ["0100000002", dt.date(2025, 1, 6), "BHXH_TN"],
                             [None, None, None],
                             ["0100000003", "2025-01-07", "household_hi", "a note"],
                             ["0100000004", "2025-02-30", "household_hi"],
                             [100000005, dt.date(2025, 1, 8), "household_hi"]]
    book = workbook(tmp_path / "export.xlsx", rows, title="Title row", other_first=True)
    missing = run("check", plan, book)
    assert missing.exit_code == 2 and "no header row" in missing.stderr  # the Notes sheet
    assert "sheets that have one: 'Data'" in missing.stderr and "--sheet" in missing.stderr
    r, _ = check(plan, book, "--sheet", "Data", "--rejects", tmp_path / "rejects.csv")
    # Row 7's note in an unheaded column is no field (SPEC section 4): a good row.
    assert lines_and_reasons(r) == [(4, "numeric_id"), (8, "date"), (9, "numeric_id")]
    messages = [x["message"] for x in r["rejected_rows"]]
    assert "format the id column as text" in messages[0]
    assert (r["rows_read"], r["accepted"]) == (5, 2)
    assert [t[2] for t in rejects_file(tmp_path / "rejects.csv")][1] == \
        "0100000004,2025-02-30,household_hi"
    wrong = run("check", plan, book, "--sheet", "Nope")
    assert wrong.exit_code == 2 and "no sheet named 'Nope'" in wrong.stderr


def test_a_file_that_is_not_a_workbook(tmp_path: Path, plan: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("participant_id,date,program\n", encoding="utf-8")
    result = run("progress", plan, fake)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"sspost: error: {fake}: cannot read as a spreadsheet")
    assert "--encoding" not in result.stderr


def test_prepared_files_and_workbooks_read_back_the_same_from_db(tmp_path: Path,
                                                                  plan: Path) -> None:
    cr = tmp_path / "cr.csv"
    cr.write_bytes(HEADER.encode() + b"\r0100000001,2025-01-05,voluntary_si\r"
                   b"0100000002,2025-02-30,voluntary_si\r")
    book = workbook(tmp_path / "b.xlsx", [HEADER.split(","),
                                         ["0100000003", dt.date(2025, 1, 6), "household_hi"],
                                         [100000004, dt.date(2025, 1, 7), "household_hi"]])
    db = tmp_path / "cache.duckdb"
    seen = []
    for _ in range(2):
        r, _ = check(plan, cr, book, "--db", db)
        seen.append((lines_and_reasons(r), r["accepted"], [f["cached"] for f in r["files"]]))
    assert seen[0][:2] == seen[1][:2] == ([(3, "date"), (3, "numeric_id")], 2)
    assert seen[0][2] == [False, False] and seen[1][2] == [True, True]


def test_text_dates_in_a_workbook_with_a_title_row_are_detected(tmp_path: Path,
                                                                plan: Path) -> None:
    book = workbook(tmp_path / "d.xlsx", [HEADER.split(","),
                                         ["0100000001", "25/01/2025", "voluntary_si"],
                                         ["0100000002", "05/02/2025", "voluntary_si"]],
                    title="Báo cáo")
    result = run("progress", plan, book, "-f", "json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["reconciliation"]["files"][0]["date_format"] == "%d/%m/%Y"
    assert doc["programs"][0]["achieved"] == 2 and doc["as_of"] == "2025-02-05"
