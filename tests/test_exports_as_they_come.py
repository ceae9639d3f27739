"""Exports as analysts get them (issue #22): loose dates among ISO ones, compressed files,
Vietnamese headers, ids that a spreadsheet wrote in scientific notation, Ctrl-C and outputs
that are complete or absent. Through the real CLI, with files built here."""

from __future__ import annotations

import gzip
import json
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import PLAN, csv_file, run, write

HEADER = "participant_id,date,program,unit,province,staff_id"


def rows(n: int, start: int = 0) -> list[str]:
    return [f"{100000000 + i:010d},2025-{1 + i % 9:02d}-{1 + i % 27:02d},"
            f"{'voluntary_si' if i % 3 else 'household_hi'},U{i % 4},01,NV{i % 5}"
            for i in range(start, start + n)]


def progress_json(*args: str | Path) -> tuple[dict[str, Any], str]:
    result = run("progress", *args, "-f", "json", "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.stderr
    return result.json(), result.stderr


def without_paths(doc: dict[str, Any]) -> dict[str, Any]:
    """The figures and the rejected rows' lines, whatever the file was called."""
    recon = doc["reconciliation"]
    return {"programs": doc["programs"],
            "rows": [(r["line"], r["reason"], r["message"]) for r in recon["rejected_rows"]],
            "counts": {k: recon[k] for k in ("rows_read", "accepted", "rejected", "counted",
                                             "outside_window", "duplicate_records")},
            "by_reason": recon["rejected_by_reason"]}


# -- 1. loose dates in a mostly-ISO file ---------------------------------------------------

def test_loose_dates_among_iso_ones_are_bad_rows_at_their_lines(tmp_path: Path,
                                                                plan: Path) -> None:
    data = rows(60)
    loose = {7: "2025/03/01", 21: "01-03-2025", 40: "3/1/2025"}
    for index, value in loose.items():
        fields = data[index].split(",")
        fields[1] = value
        data[index] = ",".join(fields)
    doc, _ = progress_json(plan, csv_file(tmp_path, "loose.csv", data, HEADER))
    recon = doc["reconciliation"]
    assert [(r["line"], r["reason"]) for r in recon["rejected_rows"]] == [
        (index + 2, "date") for index in sorted(loose)]
    assert recon["files"][0]["date_format"] is None
    assert "YYYY-MM-DD" in recon["rejected_rows"][0]["message"]


def test_a_column_mostly_day_first_is_still_read_day_first(tmp_path: Path, plan: Path) -> None:
    data = [f"{100000000 + i:010d},{1 + i % 28:02d}/0{1 + i % 9}/2025,voluntary_si"
            for i in range(30)] + ["0200000001,2025-02-03,voluntary_si"]
    doc, _ = progress_json(plan, csv_file(tmp_path, "dmy.csv", data))
    assert doc["reconciliation"]["files"][0]["date_format"] == "%d/%m/%Y"
    assert doc["reconciliation"]["rejected"] == 0
    assert doc["programs"][0]["achieved"] == 31


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["iso", "iso", "iso", "slash", "dmy", "mdy", "junk"]),
                min_size=1, max_size=40))
def test_in_a_mostly_iso_column_every_loose_date_is_one_bad_row(
        tmp_path: Path, kinds: list[str]) -> None:
    loose = sum(k in ("slash", "dmy", "mdy") for k in kinds)
    iso = kinds.count("iso")
    if loose * 2 > loose + iso:  # a mostly non-ISO column is another case (detection)
        return
    plan = write(tmp_path / "plan.yaml", PLAN)
    written = {"iso": "2025-03-04", "slash": "2025/03/04", "dmy": "04-03-2025",
               "mdy": "3/4/2025", "junk": "soon"}
    data = [f"{300000000 + i:010d},{written[k]},voluntary_si" for i, k in enumerate(kinds)]
    result = run("check", plan, csv_file(tmp_path, "mix.csv", data), "-f", "json")
    recon = result.json()["reconciliation"]
    expected = [i + 2 for i, k in enumerate(kinds) if k != "iso"]
    assert [r["line"] for r in recon["rejected_rows"]] == expected
    assert recon["accepted"] == iso


# -- 2. compressed exports -------------------------------------------------------------------

@pytest.fixture
def export(tmp_path: Path) -> Path:
    data = rows(40)
    data[5] = "0100000005,2025-02-30,voluntary_si,U1,01,NV1"  # no such date
    data[9] = "0100000009,2025-02-03"  # too few fields
    data[12] = '0100000012,2025-02-03,voluntary_si,"a unit\nover two lines",01,NV2'
    return csv_file(tmp_path, "export.csv", data, HEADER)


def test_gz_and_zip_read_as_the_file_inside(tmp_path: Path, plan: Path, export: Path) -> None:
    plain, _ = progress_json(plan, export)
    gz = tmp_path / "export.csv.gz"
    gz.write_bytes(gzip.compress(export.read_bytes()))
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(export, "folder/export.csv")
        z.writestr("__MACOSX/folder/._export.csv", b"\x00\x05")
    for packed in (gz, archive):
        doc, stderr = progress_json(plan, packed)
        assert without_paths(doc) == without_paths(plain)
        assert doc["reconciliation"]["rejected_rows"][0]["file"] == str(packed)
        assert "unpacked" not in stderr  # the archive is named, never the copy read
        rejects = tmp_path / f"{packed.name}.rejects.csv"
        assert run("check", plan, packed, "--rejects", rejects).exit_code == 1
        assert rejects.read_text(encoding="utf-8").count(str(packed)) == 2


def test_a_zip_of_several_files_needs_member(tmp_path: Path, plan: Path) -> None:
    archive = tmp_path / "months.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2025-01.csv", "\n".join([HEADER, *rows(5)]) + "\n")
        z.writestr("2025-02.csv", "\n".join([HEADER, *rows(7, 100)]) + "\n")
    result = run("progress", plan, archive)
    assert result.exit_code == 2
    assert "2025-01.csv, 2025-02.csv" in result.stderr and "--member" in result.stderr
    doc, _ = progress_json(plan, archive, "--member", "2025-02.csv")
    assert doc["reconciliation"]["rows_read"] == 7
    missing = run("progress", plan, archive, "--member", "2025-03.csv")
    assert missing.exit_code == 2 and "no member named '2025-03.csv'" in missing.stderr


def test_a_spreadsheet_inside_a_zip_is_read_as_a_spreadsheet(tmp_path: Path,
                                                             plan: Path) -> None:
    import xlsxwriter

    book_path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(book_path))
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["Danh sách người tham gia"])  # a title row above the header
    sheet.write_row(2, 0, ["Mã số BHXH", "Ngày tham gia", "Loại hình"])
    for r in range(5):
        sheet.write_row(3 + r, 0, [f"01000000{r:02d}", f"2025-03-0{r + 1}", "BHXH_TN"])
    book.close()
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(book_path, "export.xlsx")
    doc, _ = progress_json(plan, archive)
    assert doc["programs"][0]["achieved"] == 5
    assert doc["reconciliation"]["files"][0]["sheet"] == "Data"


@pytest.mark.parametrize("damage", ["truncated", "flipped", "not gzip"])
def test_a_damaged_gzip_is_one_error_and_no_count(tmp_path: Path, plan: Path, export: Path,
                                                  damage: str) -> None:
    packed = gzip.compress(export.read_bytes())
    broken = {"truncated": packed[: len(packed) // 2],
              "flipped": packed[:30] + bytes([packed[30] ^ 0xFF]) + packed[31:],
              "not gzip": export.read_bytes()}[damage]
    path = tmp_path / "export.csv.gz"
    path.write_bytes(broken)
    for command in ("progress", "check"):
        result = run(command, plan, path)
        assert result.exit_code == 2, (damage, result.stderr)
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1 and str(path) in result.stderr


def test_a_damaged_zip_is_one_error(tmp_path: Path, plan: Path, export: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:  # stored: bytes to change
        z.write(export, "export.csv")
    whole = path.read_bytes()
    assert b"0100000001" in whole
    for broken in (whole[: len(whole) // 2], whole.replace(b"0100000001", b"0100000991")):
        path.write_bytes(broken)
        result = run("progress", plan, path)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith(f"sspost: error: {path}: not a readable zip")


def test_zstd_is_refused_with_a_way_forward(tmp_path: Path, plan: Path) -> None:
    path = tmp_path / "export.csv.zst"
    path.write_bytes(b"\x28\xb5\x2f\xfd")
    result = run("progress", plan, path)
    assert result.exit_code == 2 and "zstd -d" in result.stderr


# -- 3. Vietnamese headers ---------------------------------------------------------------------

VI_HEADER = "Mã số BHXH,Ngày tham gia,Loại hình,Đơn vị,Tỉnh,Mã nhân viên"


def test_vietnamese_headers_in_nfd_name_their_columns(tmp_path: Path, plan: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN.replace("aliases: [BHXH_TN]",
                                                      "aliases: [BHXH_TN, BHXH tự nguyện]"))
    data = [r.replace("voluntary_si", "BHXH tự nguyện") for r in rows(12)]
    text = unicodedata.normalize("NFD", "\n".join([VI_HEADER.upper(), *data]) + "\n")
    path = tmp_path / "vi.csv"
    path.write_text(text, encoding="utf-8")
    doc, stderr = progress_json(plan, path, "--by", "staff")
    assert doc["reconciliation"]["rejected"] == 0
    assert doc["programs"][0]["achieved"] == 8
    columns = doc["reconciliation"]["files"][0]["columns"]
    assert columns == {"participant_id": "MÃ SỐ BHXH", "date": "NGÀY THAM GIA",
                       "program": "LOẠI HÌNH", "unit": "ĐƠN VỊ", "province": "TỈNH",
                       "staff_id": "MÃ NHÂN VIÊN"}
    assert "participant_id='MÃ SỐ BHXH'" in stderr
    assert {r["staff_id"] for r in doc["breakdown"]["rows"]} == {f"NV{i}" for i in range(5)}


def test_headers_without_tone_marks_are_recognised(tmp_path: Path, plan: Path) -> None:
    path = csv_file(tmp_path, "ascii.csv", rows(4), "Ma so BHXH,Ngay tham gia,Loai hinh,"
                    "Don vi,Tinh,Ma nhan vien")
    doc, _ = progress_json(plan, path)
    assert doc["reconciliation"]["accepted"] == 4


def test_two_headers_for_one_column_is_an_error_naming_both(tmp_path: Path,
                                                            plan: Path) -> None:
    path = csv_file(tmp_path, "two.csv", ["0100000001,2025-01-02,x,voluntary_si"],
                    "Mã số BHXH,Ngày,Ngày đăng ký,Loại hình")
    result = run("progress", plan, path)
    assert result.exit_code == 2
    assert "'Ngày' and 'Ngày đăng ký'" in result.stderr and "--column date=" in result.stderr
    # An explicit mapping always wins, and settles it.
    doc, _ = progress_json(plan, path, "--column", "date=Ngày")
    assert doc["reconciliation"]["files"][0]["columns"]["date"] == "Ngày"


# -- 4. ids that Excel turned into numbers -------------------------------------------------

def test_scientific_notation_ids_have_their_own_reason(tmp_path: Path, plan: Path) -> None:
    data = ["1.23457E+11,2025-01-02,voluntary_si", "0100000001,2025-01-02,voluntary_si",
            "1,23457E+11,2025-01-02,voluntary_si", "12345,2025-01-02,voluntary_si",
            "9.87654321012e11,2025-01-03,voluntary_si"]
    data[2] = '"1,23457E+11",2025-01-02,voluntary_si'  # a Vietnamese-locale decimal comma
    result = run("check", plan, csv_file(tmp_path, "sci.csv", data), "-f", "json")
    recon = result.json()["reconciliation"]
    assert recon["rejected_by_reason"] == {"scientific_id": 3, "participant_id": 1}
    first = recon["rejected_rows"][0]
    assert first["line"] == 2 and "format the id column as text" in first["message"]
    assert "987654321012" not in result.stdout + result.stderr  # still masked


def test_a_file_of_scientific_ids_stops_with_the_fix(tmp_path: Path, plan: Path) -> None:
    data = [f"1.2345{i}E+11,2025-01-02,voluntary_si" for i in range(10)]
    result = run("progress", plan, csv_file(tmp_path, "all.csv", data))
    assert result.exit_code == 2 and "format the id column as text" in result.stderr


# -- 6. Ctrl-C and outputs that are complete or absent ------------------------------------

@pytest.mark.parametrize("raised", [KeyboardInterrupt(), RuntimeError("Query interrupted")])
def test_ctrl_c_anywhere_is_exit_130_in_one_line(tmp_path: Path, plan: Path, export: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 raised: BaseException) -> None:
    import sspost.progress

    def interrupted(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(sspost.progress, "build_progress", interrupted)
    result = run("progress", plan, export)
    assert result.exit_code == 130
    assert result.stderr == "sspost: interrupted\n"


def test_an_output_is_complete_or_absent(tmp_path: Path, plan: Path, export: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "progress.json"
    out.write_text("the previous run's output", encoding="utf-8")
    from sspost.render import formats

    def half_written(*args: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setitem(formats.PROGRESS, "json", half_written)
    result = run("progress", plan, export, "-o", out)
    assert result.exit_code == 130
    assert out.read_text(encoding="utf-8") == "the previous run's output"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    monkeypatch.undo()
    assert run("progress", plan, export, "-o", out).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["programs"]
