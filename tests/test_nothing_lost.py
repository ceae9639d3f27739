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
