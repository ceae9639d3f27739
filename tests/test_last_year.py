"""Against last year at this date: from the plan's month-end figures and from last year's files."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from conftest import csv_file, run, write
from sspost.measures import last_year_from_cumulative, same_day_last_year

PLAN = """\
schema_version: 1
name: Last year
period: {start: 2025-01-01, end: 2025-12-31}
programs:
  voluntary_si:
    label: Voluntary SI
    target: 1000
    baseline:
      period: "2024"
      participants: 900
      cumulative: {2024-01: 31, 2024-02: 89, 2024-04: 200}
  household_hi: {label: Household HI, target: 100}
units:
  - code: "01"
    name: North
    targets: {voluntary_si: 600}
    units:
      - {code: "01-001", name: One, targets: {voluntary_si: 300}}
      - {code: "01-002", name: Two, targets: {voluntary_si: 300}}
  - {code: "79", name: South, targets: {voluntary_si: 400}}
"""


def _program(doc: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in doc["programs"] if p["program"] == code)


@pytest.mark.parametrize(("as_of", "day", "expected"), [
    ("2025-01-31", "2024-01-31", 31.0),  # a month end: the published figure
    ("2025-02-10", "2024-02-10", 31 + (89 - 31) * 10 / 29),  # inside a month of 29 days
    ("2025-03-15", "2024-03-15", 89.0),  # March left out: February's figure holds
    ("2025-04-30", "2024-04-30", 200.0),
    ("2025-05-01", None, None),  # after the last month given: not known, never zero
])
def test_vs_last_year_from_cumulative_figures(tmp_path: Path, as_of: str, day: str | None,
                                             expected: float | None) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    data = csv_file(tmp_path, "d.csv", [f"01000000{i:02d},2025-01-0{1 + i % 9},voluntary_si"
                                        for i in range(45)])
    doc = run("progress", plan, data, "--as-of", as_of, "-f", "json").json()
    vsi = _program(doc, "voluntary_si")
    if expected is None:
        assert vsi["last_year"] is None and vsi["vs_last_year"] is None
        return
    assert vsi["last_year"] == {"as_of": day, "participants": pytest.approx(expected),
                                "source": "cumulative"}
    assert vsi["vs_last_year"] == pytest.approx(45 / expected)
    assert _program(doc, "household_hi")["last_year"] is None  # no figures given for it


def test_29_february_maps_to_28_february() -> None:
    assert same_day_last_year(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert same_day_last_year(dt.date(2025, 3, 1)) == dt.date(2024, 3, 1)
    # A leap-year plan read against a common year's figures: the 29th is the 28th, the month
    # end, so it is February's published figure.
    last = last_year_from_cumulative({"2023-01": 10, "2023-02": 38}, dt.date(2024, 1, 1),
                                     dt.date(2024, 12, 31), dt.date(2024, 2, 29))
    assert last is not None and last.as_of == dt.date(2023, 2, 28) and last.participants == 38


def test_cumulative_figures_are_checked(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.yaml", PLAN.replace(
        "{2024-01: 31, 2024-02: 89, 2024-04: 200}", "{2024-01: 31, 2024-02: 20, 2025-04: 200}"))
    out = run("validate", bad)
    assert out.exit_code == 1
    assert "month 2025-04 is outside the period a year before this one (2024-01..2024-12) " \
           "[baseline]" in out.stdout
    assert "cumulative participants decrease (31 -> 20) [baseline]" in out.stdout


# Last year's files: each row is (id, day, unit, staff); this year two participants.
LAST_YEAR_ROWS = [
    ("0200000001", "2024-01-05", "01-001", "S1"),
    ("0200000002", "2024-02-28", "01-002", "S2"),
    ("0200000003", "2024-02-29", "01-002", "S2"),  # after 28 Feb: outside the window
    ("0200000004", "2024-02-10", "79", "S3"),
    ("0200000005", "2024-02-11", "99", "S9"),  # a unit not in the plan: (unassigned)
    ("0200000001", "2024-02-01", "79", "S3"),  # a later record of the same person
]


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    plan = write(tmp_path / "plan.yaml", PLAN)
    header = "participant_id,date,program,unit,staff_id"
    this = csv_file(tmp_path, "2025.csv", ["0100000001,2025-01-10,voluntary_si,01-001,S1",
                                           "0100000002,2025-02-27,voluntary_si,79,S3"],
                    header=header)
    last = csv_file(tmp_path, "2024.csv", [f"{i},{d},voluntary_si,{u},{s}"
                                           for i, d, u, s in LAST_YEAR_ROWS], header=header)
    return plan, this, last


def test_vs_last_year_from_last_years_files(tmp_path: Path) -> None:
    plan, this, last = _files(tmp_path)
    result = run("progress", plan, this, "--as-of", "2025-02-28", "--baseline-data", last,
                 "-f", "json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    vsi = _program(doc, "voluntary_si")
    # Counted by hand: 0200000001..5 but not 3 (29 Feb is after 28 Feb): four participants.
    assert vsi["last_year"] == {"as_of": "2024-02-28", "participants": 4, "source": "data"}
    assert vsi["vs_last_year"] == 2 / 4
    assert _program(doc, "household_hi")["last_year"]["participants"] == 0
    assert _program(doc, "household_hi")["vs_last_year"] is None
    recon = doc["last_year_reconciliation"]
    assert (recon["rows_read"], recon["counted"], recon["outside_window"],
            recon["duplicate_records"]) == (6, 4, 1, 1)
    assert "sspost: last year: read 6 rows from 1 file" in result.stderr


@pytest.mark.parametrize("by", ["unit", "province", "month", "staff"])
def test_last_year_breakdowns_add_up(tmp_path: Path, by: str) -> None:
    plan, this, last = _files(tmp_path)
    doc = run("progress", plan, this, "--as-of", "2025-02-28", "--baseline-data", last,
              "--by", by, "-f", "json").json()
    rows = [r for r in doc["breakdown"]["rows"] if r["program"] == "voluntary_si"]
    if by == "unit":
        rows = [r for r in rows if r["depth"] == 1]  # parents include their children
    assert sum(r["last_year"]["participants"] for r in rows) == 4
    keyed = {r[{"unit": "unit", "province": "province", "month": "month",
                "staff": "staff_id"}[by]]: r["last_year"]["participants"] for r in rows}
    expected = {"unit": {"01": 2, "79": 1, "(unassigned)": 1},
                "month": {"2025-01": 1, "2025-02": 3},
                "staff": {"S1": 1, "S2": 1, "S3": 1, "S9": 1}}.get(by)
    if expected is not None:
        assert {k: v for k, v in keyed.items() if v} == expected


def test_last_year_data_takes_precedence_and_shows_everywhere(tmp_path: Path) -> None:
    plan, this, last = _files(tmp_path)
    args = ("progress", plan, this, "--as-of", "2025-02-28", "--baseline-data", str(last))
    table = run(*args, "--by", "unit").stdout
    assert "vs last year" in table and "Last year" in table
    md = run(*args, "-f", "markdown").stdout
    assert "| Last year | vs last year |" in md
    csv_text = run(*args, "-f", "csv").stdout
    assert csv_text.splitlines()[0].endswith(
        "last_year_as_of,last_year_participants,last_year_source,vs_last_year")
    assert ",2024-02-28,4,data,0.5" in csv_text


def test_a_quoted_pattern_names_many_files(tmp_path: Path) -> None:
    plan, this, last = _files(tmp_path)
    (tmp_path / "old").mkdir()
    rows = [f"{i},{d},voluntary_si,{u},{s}" for i, d, u, s in LAST_YEAR_ROWS]
    random.Random(4).shuffle(rows)  # split and reordered: the same figures
    for n, part in enumerate((rows[:3], rows[3:])):
        csv_file(tmp_path / "old", f"2024-{n}.csv", part,
                 header="participant_id,date,program,unit,staff_id")
    one = run("progress", plan, this, "--as-of", "2025-02-28", "--baseline-data", last,
              "-f", "json").json()
    many = run("progress", plan, this, "--as-of", "2025-02-28", "--baseline-data",
               str(tmp_path / "old" / "2024-*.csv"), "-f", "json").json()
    assert _program(one, "voluntary_si")["last_year"] == _program(many, "voluntary_si")[
        "last_year"]
    missing = run("progress", plan, this, "--baseline-data", str(tmp_path / "none-*.csv"))
    assert missing.exit_code == 2 and "no file matches" in missing.stderr
    same = run("progress", plan, this, "--baseline-data", last, "-o", last)
    assert same.exit_code == 2


def test_db_keeps_last_years_rows_beside_this_years(tmp_path: Path) -> None:
    plan, this, last = _files(tmp_path)
    db = tmp_path / "cache.duckdb"
    args = ("progress", plan, this, "--as-of", "2025-02-28", "--baseline-data", str(last),
            "--db", str(db), "-f", "json")
    first = run(*args).json()
    assert db.exists() and (tmp_path / "cache.duckdb.last-year").exists()
    second = run(*args).json()
    assert second["last_year_reconciliation"]["files"][0]["cached"] is True
    assert second["reconciliation"]["files"][0]["cached"] is True
    for doc in (first, second):
        assert _program(doc, "voluntary_si")["last_year"]["participants"] == 4
