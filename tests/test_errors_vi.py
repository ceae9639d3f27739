"""`--lang vi` says errors in Vietnamese too (issue #33): the prefix, the common errors a new
user meets, and a bad row's reason and fix in the share said beside the figures. English runs
keep their words, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import ROOT, run

from sspost.catalogue import CATALOGUE
from sspost.cli_edge import lang_of
from sspost.records.model import REASONS

PLAN = ROOT / "targets" / "2025.yaml"
DATA = ROOT / "data" / "sample-2025.csv"


def _error(result_stderr: str) -> str:
    lines = [x for x in result_stderr.splitlines() if x.startswith("sspost: l") or
             x.startswith("sspost: error")]
    assert len(lines) == 1, result_stderr
    return lines[0]


@pytest.mark.parametrize(("args", "vi", "en"), [
    (("progress", PLAN, "/nonexistent/d.csv"), "không mở được", "cannot open"),
    (("progress", PLAN, DATA, "--as-of", "31-12"), "không phải ngày dạng",
     "is not a date in the form"),
    (("progress", PLAN, DATA, "-f", "xlsx"), "ghi ra sổ tính", "writes a workbook"),
    (("progress", PLAN, "EMPTY"), "tệp rỗng", "the file is empty"),
    (("progress", PLAN, "NOPROGRAM"), "thiếu cột bắt buộc 'program'",
     "missing required column 'program'"),
    (("progress", PLAN, DATA, "--as-of", "2020-01-01"), "trước ngày bắt đầu kỳ",
     "is before the period starts"),
    (("progress", PLAN, DATA, "--program", "pension"), "không phải loại hình",
     "is not a program of the plan"),
    (("progress", PLAN, DATA, "-o", "OUTDIR"), "là thư mục; hãy đặt tên một tệp",
     "is a directory; name a file"),
    (("progress", PLAN, "BOOK", "--sheet", "Nope"), "không có trang tính tên 'Nope'",
     "no sheet named 'Nope'"),
    (("progress", PLAN, "BOOK"), "không có dòng tiêu đề nêu các cột bắt buộc",
     "has no header row naming the required columns"),
    (("report", PLAN, DATA, "--month", "2025/06", "--output-dir", "OUTDIR"),
     "hãy viết tháng dạng YYYY-MM", "write the month as YYYY-MM"),
    (("progress", PLAN, "AMBIGUOUS"), "ngày hợp cả hai dạng", "its dates fit both"),
    (("progress", PLAN, "TWOHEADERS"), "hai tiêu đề cùng chỉ cột date",
     "two headers name the date column"),
    (("progress", PLAN, DATA, "--id-map", "/nonexistent/map.csv"), "không mở được tệp ghép mã",
     "cannot open id map"),
    (("progress", "/nonexistent/plan.yaml", DATA), "không mở được tệp chỉ tiêu",
     "cannot open target file"),
    (("progress", PLAN, DATA, "--memory-limit", "lots"), "hãy viết dung lượng",
     "write a size such as 512MB"),
    (("progress", PLAN, DATA, "--column", "nonsense"), "cần dạng CANONICAL=TiêuĐề",
     "expected CANONICAL=Header"),
])
def test_common_errors_in_both_languages(tmp_path: Path, args: tuple[object, ...], vi: str,
                                         en: str) -> None:
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    (tmp_path / "noprogram.csv").write_text("participant_id,date,programme\n"
                                            "0100000001,2025-03-01,BHXH_TN\n", encoding="utf-8")
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "book.xlsx"))
    book.add_worksheet("Notes").write_row(0, 0, ["Hướng dẫn", "không có dữ liệu"])
    book.close()
    (tmp_path / "out").mkdir()
    (tmp_path / "ambiguous.csv").write_text("participant_id,date,program\n" + "".join(
        f"01000000{i:02d},0{i % 9 + 1}/0{i % 7 + 1}/2025,BHXH_TN\n" for i in range(30)),
        encoding="utf-8")
    (tmp_path / "two.csv").write_text("participant_id,Ngày biên lai,Ngày lập,program\n"
                                      "0100000001,2025-03-01,2025-03-02,BHXH_TN\n",
                                      encoding="utf-8")
    named = {"EMPTY": tmp_path / "empty.csv", "NOPROGRAM": tmp_path / "noprogram.csv",
             "BOOK": tmp_path / "book.xlsx", "OUTDIR": tmp_path / "out",
             "AMBIGUOUS": tmp_path / "ambiguous.csv", "TWOHEADERS": tmp_path / "two.csv"}
    given = [named.get(a, a) if isinstance(a, str) else a for a in args]
    english = run(*given)
    assert english.exit_code == 2
    assert _error(english.stderr).startswith("sspost: error: ") and en in english.stderr
    vietnamese = run(*given, "--lang", "vi")
    assert vietnamese.exit_code == 2
    line = _error(vietnamese.stderr)
    assert line.startswith("sspost: lỗi: ") and vi in line, line
    if "NOPROGRAM" in args:  # the closest header and the way out, in Vietnamese too
        assert "gần nhất: 'programme'" in line and "--program MÃ" in line


def test_a_bad_rows_reason_and_fix_are_said_in_vietnamese(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    rows = [f"01000000{i:02d},2025-03-01,BHXH_TN" for i in range(1, 20)]
    data.write_text("participant_id,date,program\n" + "\n".join(
        [*rows, "0100000099,2025-13-45,BHXH_TN", "0100000098,01.03.2025,BHXH_TN"]) + "\n",
        encoding="utf-8")
    said = run("progress", PLAN, data, "--lang", "vi").stdout
    assert "chủ yếu vì ngày: ngày có viết theo dạng khác không?" in said.replace("\n", " ")
    english = run("progress", PLAN, data).stdout.replace("\n", " ")
    assert "most for date: are the dates in another form?" in english


def test_every_reason_has_a_fix_in_both_languages() -> None:
    for lang, words in CATALOGUE.items():
        for reason in REASONS:
            assert words.get(f"fix.{reason}") and words.get(f"reason.{reason}"), (lang, reason)


def test_the_language_is_read_off_the_command_line() -> None:
    assert lang_of(["progress", "p.yaml", "--lang", "vi"]) == "vi"
    assert lang_of(["progress", "--lang=vi"]) == "vi"
    assert lang_of(["progress", "--lang", "fr"]) == "en"
    assert lang_of(["progress", "--lang"]) == "en"


def test_fail_on_and_strict_say_why_in_the_run_s_language(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("participant_id,date,program\n0100000001,2025-03-01,BHXH_TN\nx,y,z\n",
                    encoding="utf-8")
    english = run("progress", PLAN, data, "--fail-on", "behind", "--strict")
    vietnamese = run("progress", PLAN, data, "--fail-on", "behind", "--strict", "--lang", "vi")
    assert english.exit_code == vietnamese.exit_code == 1
    assert "sspost: error: --fail-on behind: voluntary_si, household_hi are behind" in \
        english.stderr and "--strict: 1 row rejected" in english.stderr
    assert "sspost: lỗi: --fail-on behind: 2 chương trình chậm tiến độ" in vietnamese.stderr
    assert "--strict: 1 dòng bị loại" in vietnamese.stderr
