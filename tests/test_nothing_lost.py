"""Issue #35: every physical line accounted for, whatever the quotes and line endings do.

Each case here lost or mis-numbered rows before: an unclosed quote swallowed the lines after
it, a CRLF line in an LF file was rejected (or lost), a line of blanks shifted the line numbers
of the rows after it."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import PLAN, run, write

HEADER = "participant_id,date,program\n"


def reconcile(tmp_path: Path, body: bytes) -> dict[str, object]:
    plan = write(tmp_path / "plan.yaml", PLAN)
    path = tmp_path / "export.csv"
    path.write_bytes(HEADER.encode() + body)
    result = run("check", plan, path, "-f", "json", "--as-of", "2025-12-31")
    assert result.exit_code in (0, 1), result.stderr
    reconciliation: dict[str, object] = result.json()["reconciliation"]
    return reconciliation


def lines_of(reconciliation: dict[str, object]) -> dict[int, str]:
    rows = reconciliation["rejected_rows"]
    assert isinstance(rows, list)
    return {row["line"]: row["message"] for row in rows}


def test_an_unclosed_quote_is_one_bad_row_and_the_lines_after_it_are_read(
        tmp_path: Path) -> None:
    r = reconcile(tmp_path, b'0123456789,2025-03-01,voluntary_si\n'
                            b'0123456788,2025-03-01,"voluntary_si\n'
                            b'0123456787,2025-03-02,voluntary_si\n'
                            b'0123456786,2025-03-03,voluntary_si\n')
    assert (r["rows_read"], r["accepted"], r["rejected"]) == (4, 3, 1)
    assert lines_of(r) == {3: "a quote that does not close"}


def test_a_quote_closing_lines_later_gives_the_lines_between_back(tmp_path: Path) -> None:
    # The unclosed quote on line 2 would pair with the opening quote on line 4.
    r = reconcile(tmp_path, b'0123456789,2025-03-01,"voluntary_si\n'
                            b'0123456788,2025-03-01,voluntary_si\n'
                            b'0123456787,2025-03-02,"voluntary_si"\n'
                            b'0123456786,2025-03-03,voluntary_si\n')
    assert (r["rows_read"], r["accepted"], r["rejected"]) == (4, 3, 1)
    assert list(lines_of(r)) == [2]


@pytest.mark.parametrize("first, rest", [(b"\n", b"\r\n"), (b"\r\n", b"\n")])
def test_lines_ending_both_ways_lose_and_reject_nothing(
        tmp_path: Path, first: bytes, rest: bytes) -> None:
    body = (b'0123456789,2025-03-01,"voluntary_si"' + first
            + b'0123456788,2025-03-02,"household_hi"' + rest
            + b'0123456787,2025-03-02,voluntary_si' + rest
            + b'0123456786,2025-03-03,"voluntary_si"' + first)
    r = reconcile(tmp_path, body)
    assert (r["rows_read"], r["accepted"], r["rejected"], r["counted"]) == (4, 4, 0, 4)


def test_a_line_of_blanks_is_no_row_and_shifts_no_line(tmp_path: Path) -> None:
    r = reconcile(tmp_path, b'0123456789,2025-03-01,voluntary_si\n'
                            b'   \t\n'
                            b'0123456787,2025-03-02\n'
                            b'0123456786,2025-13-03,voluntary_si\n'
                            b' , ,\n')
    assert (r["rows_read"], r["accepted"], r["rejected"]) == (3, 1, 2)
    assert set(lines_of(r)) == {4, 5}


def test_loose_and_special_dates_are_bad_rows_whatever_the_form(tmp_path: Path) -> None:
    body = (b"0123456789,2025-03-01,voluntary_si\n"
            b"0123456788,2025-3-1  ,voluntary_si\n"    # padded to ten characters
            b"0123456787,2025-03-1 ,voluntary_si\n"
            b"0123456786,infinity,voluntary_si\n"
            b"0123456785,epoch,voluntary_si\n"
            b"0123456784,-infinity,voluntary_si\n"
            b"0123456783, 2025-03-02 ,voluntary_si\n")  # blanks around ISO: allowed
    plan = write(tmp_path / "plan.yaml", PLAN)
    path = tmp_path / "export.csv"
    path.write_bytes(HEADER.encode() + body)
    for extra in ([], ["--date-format", "%d/%m/%Y"]):
        result = run("check", plan, path, "-f", "json", "--as-of", "2025-12-31", *extra)
        r = result.json()["reconciliation"]
        assert sorted(row["line"] for row in r["rejected_rows"]) == [3, 4, 5, 6, 7], extra
        assert (r["accepted"], r["counted"]) == (2, 2)


def test_a_date_form_is_detected_in_files_the_engine_cannot_read_as_they_are(
        tmp_path: Path) -> None:
    r = reconcile(tmp_path, b'0123456789,01/03/2025,"voluntary_si"\r\n'
                            b"0123456788,13/03/2025,voluntary_si\n"
                            b"0123456787,14/03/2025,voluntary_si\n")
    assert (r["accepted"], r["rejected"]) == (3, 0)
    assert r["files"][0]["date_format"] == "%d/%m/%Y"  # type: ignore[index]


@pytest.mark.parametrize("body", [
    b"0123456789,2025-03-01,voluntary_si,ok\n0123456788,2025-03-01,voluntary_si,\xff\n",
    b"0123456789,2025-03-01,voluntary_si,ok\r0123456788,2025-03-01,voluntary_si,\xff\r",
    b'0123456789,2025-03-01,voluntary_si,ok\n0123456788,2025-03-01,voluntary_si,"x"\xff\n',
], ids=["unread column", "CR only", "after a closing quote"])
def test_undecodable_bytes_anywhere_stop_the_run_naming_line_and_offset(
        tmp_path: Path, body: bytes) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    path = tmp_path / "export.csv"
    header = b"participant_id,date,program,note\n"
    path.write_bytes(header + body)
    result = run("check", plan, path)
    offset = (header + body).index(b"\xff")
    assert result.exit_code == 2
    assert result.stderr == (f"sspost: error: {path}:3: bytes that are not utf-8 at byte offset "
                             f"{offset}; name the file's encoding with --encoding\n")


@pytest.mark.parametrize("note", [b"x" * 200_000, b'"' + b"y" * (3 << 20) + b'"'])
def test_a_long_note_is_a_valid_row(tmp_path: Path, note: bytes) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    path = tmp_path / "export.csv"
    path.write_bytes(b"participant_id,date,program,note\n"
                     b"0123456789,2025-03-01,voluntary_si," + note + b"\n"
                     b"0123456788,2025-03-01,voluntary_si,ok\n")
    result = run("check", plan, path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    r = result.json()["reconciliation"]
    assert (r["rows_read"], r["accepted"], r["counted"]) == (2, 2, 2)


PLAN_WITH = """\
schema_version: 1
name: x
period: {{start: {start}, end: {end}}}
programs:
  voluntary_si: {{label: VSI, target: 100}}
{extra}
"""


@pytest.mark.parametrize("extra, start, end", [
    ('input: {delimiter: ";;"}', "2025-01-01", "2025-12-31"),
    ("input: {date_format: '%Q'}", "2025-01-01", "2025-12-31"),
    ("input: {date_format: '%d/%m'}", "2025-01-01", "2025-12-31"),
    ("input: {encoding: rot13}", "2025-01-01", "2025-12-31"),
    ('input: {columns: {participant_id: Mã, date: " mã"}}', "2025-01-01", "2025-12-31"),
    ("<<: 5", "2025-01-01", "2025-12-31"),
    ("", "0001-01-01", "2025-12-31"),
    ("", "2025-01-01", "9999-12-31"),
])
def test_validate_refuses_what_progress_and_plan_next_refuse(
        tmp_path: Path, extra: str, start: str, end: str) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN_WITH.format(extra=extra, start=start, end=end))
    data = tmp_path / "d.csv"
    data.write_text(HEADER + "0123456789,2025-03-01,voluntary_si\n", encoding="utf-8")
    checked = run("validate", plan)
    assert checked.exit_code == 1 and "Traceback" not in checked.stderr
    line = checked.stdout.splitlines()[0]
    assert line.startswith(f"{plan}:") and "error" in line
    assert start in checked.stdout or start == "2025-01-01"  # a plan date, never masked
    for args in (["progress", plan, data], ["plan", "next", plan, data, "-o", tmp_path / "n.y"]):
        result = run(*args)
        assert result.exit_code == 2, result.stderr
        assert "validate" in result.stderr and "internal error" not in result.stderr


def test_options_are_checked_as_the_plan_is(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    data = tmp_path / "d.csv"
    data.write_text(HEADER + "0123456789,2025-03-01,voluntary_si\n", encoding="utf-8")
    for option, value in (("--date-format", "%Q"), ("--delimiter", ";;"),
                          ("--encoding", "rot13")):
        result = run("progress", plan, data, option, value)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"sspost: error: {option} "), result.stderr
