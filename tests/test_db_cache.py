"""`--db FILE`: a rerun reuses unchanged files' rows and answers exactly as a fresh read."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import DATA, PLAN, ROOT, csv_file, run, write

HEADER = "participant_id,date,program,unit,province,staff_id"
UNITS = PLAN + """\
units:
  - {code: HN, name: Ha Noi, targets: {voluntary_si: 60, household_hi: 6}}
  - {code: HCM, name: Ho Chi Minh City, targets: {voluntary_si: 40, household_hi: 4}}
"""


def progress(plan: Path, files: list[Path], *extra: str | Path) -> tuple[dict[str, Any], str]:
    result = run("progress", plan, *files, "--as-of", "2025-12-31", "-f", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return result.json(), result.stderr


def cached(doc: dict[str, Any]) -> list[bool]:
    return [f["cached"] for f in doc["reconciliation"]["files"]]


def without_cache_flags(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for f in doc["reconciliation"]["files"]:
        del f["cached"]
    return doc


def months(tmp_path: Path) -> tuple[Path, Path]:
    # 0100000001 is recorded on the same day by two units, in two files: the tie rule decides.
    jan = csv_file(tmp_path, "jan.csv", [
        "0100000001,2025-01-05,voluntary_si,HN,01,NV1",
        "0100000002,2025-01-06,BHYT_HGD,HCM,79,NV2",
        "0100000003,2025-13-01,voluntary_si,HN,01,NV1",  # bad date
        "0100000004,2025-01-07,voluntary_si,HN",  # too few fields
    ], header=HEADER)
    feb = csv_file(tmp_path, "feb.csv", [
        "0100000001,2025-01-05,voluntary_si,HCM,79,NV2",
        "001234567890,2025-02-03,voluntary_si,HCM,79,NV2",
        "0100000002,2025-02-04,household_hi,HN,01,NV1",
    ], header=HEADER)
    return jan, feb


@pytest.mark.slow  # CI runs it; the default run stays under a minute
def test_a_rerun_reuses_every_file_and_agrees_with_a_fresh_read(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", UNITS)
    files = list(months(tmp_path))
    db = tmp_path / "rows.duckdb"
    fresh_by = {}
    for by in ("unit", "province", "staff", "month"):
        fresh, _ = progress(plan, files, "--by", by)
        fresh_by[by] = fresh
        first, _ = progress(plan, files, "--by", by, "--db", db)
        again, stderr = progress(plan, files, "--by", by, "--db", db)
        assert cached(fresh) == [False, False]
        assert cached(again) == [True, True]
        assert "jan.csv: utf-8, ',', 4 rows (from --db)" in stderr
        assert without_cache_flags(again) == without_cache_flags(first)
        assert without_cache_flags(again) == without_cache_flags(fresh)
    staff = {row["staff_id"]: row["achieved"] for row in fresh_by["staff"]["breakdown"]["rows"]
             if row["program"] == "voluntary_si"}
    # 0100000001's two records of 5 January tie on the day: HCM, the smaller unit code, wins
    # (SPEC section 4), whichever file comes first.
    assert staff == {"NV2": 2}
    reconciliation = again["reconciliation"]
    assert reconciliation["rejected_by_reason"] == {"field_count": 1, "date": 1}
    assert [(r["file"], r["line"]) for r in reconciliation["rejected_rows"]] == [
        (str(files[0]), 4), (str(files[0]), 5)]


@pytest.mark.parametrize("as_of_dates", [
    ("2025-01-05", "2025-02-03"),
    pytest.param(("2025-01-04", "2025-02-04", "2025-06-30"), marks=pytest.mark.slow),
])
def test_one_cache_serves_every_as_of_and_breakdown(tmp_path: Path,
                                                    as_of_dates: tuple[str, ...]) -> None:
    """The earliest records kept by --db are found over every day from the start: a rerun
    with an earlier or later as-of date, or another breakdown, reads them and answers as a
    fresh read does (participants whose earliest record is after the date are not counted).
    Each date is ten runs; the default run takes two of the dates on either side of a
    record's day, the slow run the others."""
    plan = write(tmp_path / "plan.yaml", UNITS)
    files = list(months(tmp_path))
    db = tmp_path / "rows.duckdb"
    progress(plan, files, "--db", db)
    for as_of in as_of_dates:
        for by in ("", "unit", "province", "staff", "month"):
            extra = ("--as-of", as_of, *(("--by", by) if by else ()))
            kept, _ = progress(plan, files, "--db", db, *extra)
            fresh, _ = progress(plan, files, *extra)
            assert cached(kept) == [True, True]
            assert without_cache_flags(kept) == without_cache_flags(fresh), (as_of, by)
    early, _ = progress(plan, files, "--db", db, "--as-of", "2025-01-05")
    assert [p["achieved"] for p in early["programs"]] == [1, 0]


def test_this_months_file_is_added_to_the_cached_ones(tmp_path: Path, plan: Path) -> None:
    jan, feb = months(tmp_path)
    db = tmp_path / "rows.duckdb"
    progress(plan, [jan], "--db", db)
    doc, _ = progress(plan, [jan, feb], "--db", db)
    assert cached(doc) == [True, False]
    fresh, _ = progress(plan, [jan, feb])
    assert without_cache_flags(doc) == without_cache_flags(fresh)


@pytest.mark.slow  # CI runs it; the default run stays under a minute
def test_an_added_file_is_merged_into_the_kept_earliest_records(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file added to the cached ones with no new code (and row ids as wide) has its rows
    merged into the kept earliest records; a new staff id renumbers the codes, so they are made
    anew. Either way the figures are a fresh read's."""
    from sspost.records import earliest

    merges: list[str] = []
    merge = earliest._merge
    monkeypatch.setattr(earliest, "_merge", lambda store, added: (merges.append(added),
                                                                   merge(store, added)))
    plan = write(tmp_path / "plan.yaml", UNITS)
    first = csv_file(tmp_path, "first.csv", [
        "0100000001,2025-03-05,voluntary_si,HN,01,NV1",
        "0100000002,2025-03-06,household_hi,HCM,79,NV2",
        "0100000003,2025-03-07,voluntary_si,HN,01,NV2",
        "0100000004,2025-03-08,voluntary_si,HCM,79,NV1",
        "0100000005,2025-03-09,voluntary_si,HN,01,NV1",
        *(f"01000000{i},2025-05-0{i - 10},household_hi,HN,01,NV1" for i in (11, 12, 13)),
    ], header=HEADER)  # 8 rows: row ids as wide as with the 4 added (4 bits)
    added = csv_file(tmp_path, "added.csv", [
        "0100000001,2025-02-01,voluntary_si,HCM,79,NV2",  # earlier: replaces the kept record
        "0100000003,2025-03-07,voluntary_si,HCM,79,NV1",  # the same day, the smaller unit
        "0100000004,2025-04-01,voluntary_si,HN,01,NV2",  # later: changes nothing
        "0100000006,2025-03-10,household_hi,HN,01,NV2",  # a new participant
    ], header=HEADER)
    hired = csv_file(tmp_path, "hired.csv", ["0100000007,2025-01-02,voluntary_si,HN,01,NV0"],
                     header=HEADER)
    db = tmp_path / "rows.duckdb"
    progress(plan, [first], "--db", db)
    by_staff = []
    for files, merged in (([first, added], 1), ([first, added, hired], 0)):
        merges.clear()
        for by in ("staff", "unit", "month"):
            kept, _ = progress(plan, files, "--db", db, "--by", by)
            fresh, _ = progress(plan, files, "--by", by)
            assert without_cache_flags(kept) == without_cache_flags(fresh), (len(files), by)
            if by == "staff":
                by_staff.append({(r["program"], r["staff_id"]): r["achieved"]
                                 for r in kept["breakdown"]["rows"]})
        assert len(merges) == merged
    # Participant 1 moves to NV2 (an earlier record), 3 to NV1 (HCM before HN on one day).
    assert by_staff[0] == {("voluntary_si", "NV1"): 3, ("voluntary_si", "NV2"): 1,
                           ("household_hi", "NV2"): 2, ("household_hi", "NV1"): 3}
    assert by_staff[1] == {**by_staff[0], ("voluntary_si", "NV0"): 1}


def test_a_changed_file_or_order_or_plan_is_read_again(tmp_path: Path, plan: Path) -> None:
    jan, feb = months(tmp_path)
    db = tmp_path / "rows.duckdb"
    progress(plan, [jan, feb], "--db", db)
    # Swapped: the tie now goes to the other unit, so every row is read again in the new order.
    swapped, _ = progress(plan, [feb, jan], "--db", db, "--by", "staff")
    assert cached(swapped) == [False, False]
    fresh, _ = progress(plan, [feb, jan], "--by", "staff")
    assert without_cache_flags(swapped) == without_cache_flags(fresh)
    # Edited in place, same size: the checksum tells.
    text = feb.read_text(encoding="utf-8")
    feb.write_text(text.replace("2025-02-03", "2025-02-13"), encoding="utf-8")
    edited, _ = progress(plan, [feb, jan], "--db", db, "--by", "month")
    assert cached(edited) == [False, False]
    again, _ = progress(plan, [feb, jan], "--db", db, "--by", "month")
    assert cached(again) == [True, True]
    assert without_cache_flags(again) == without_cache_flags(edited)
    months_seen = {row["month"]: row["achieved"] for row in edited["breakdown"]["rows"]
                   if row["program"] == "voluntary_si"}
    assert months_seen.get("2025-02") == 1
    # Another plan (an alias more) types the rows differently.
    other = write(tmp_path / "other.yaml", PLAN.replace("aliases: [BHXH_TN]",
                                                        "aliases: [BHXH_TN, VSI]"))
    doc, _ = progress(other, [feb, jan], "--db", db)
    assert cached(doc) == [False, False]


def test_fewer_files_than_cached_are_read_again(tmp_path: Path, plan: Path) -> None:
    jan, feb = months(tmp_path)
    db = tmp_path / "rows.duckdb"
    progress(plan, [jan, feb], "--db", db)
    doc, _ = progress(plan, [jan], "--db", db)
    assert cached(doc) == [False]
    assert doc["reconciliation"]["rows_read"] == 4


@pytest.mark.parametrize("name", ["notes.db", "notes.txt", "cache.csv"])
def test_a_db_that_is_not_a_database_is_refused_and_kept(tmp_path: Path, plan: Path,
                                                         name: str) -> None:
    jan, _ = months(tmp_path)
    not_db = write(tmp_path / name, "not a database\n" * 100)
    before = not_db.read_bytes()
    result = run("progress", plan, jan, "--db", not_db)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"sspost: error: --db {not_db}")
    assert "DuckDB" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert not_db.read_bytes() == before


def test_a_database_with_other_tables_is_left_alone(tmp_path: Path, plan: Path) -> None:
    import duckdb

    jan, _ = months(tmp_path)
    theirs = tmp_path / "theirs.duckdb"
    with duckdb.connect(str(theirs)) as con:
        con.execute("CREATE TABLE checked AS SELECT 42 AS answer")
    result = run("progress", plan, jan, "--db", theirs)
    assert result.exit_code == 2
    assert result.stderr == (f"sspost: error: --db {theirs} holds tables sspost did not write "
                             "(checked); give it a file of its own\n")
    with duckdb.connect(str(theirs)) as con:
        assert con.execute("SELECT answer FROM checked").fetchall() == [(42,)]


@pytest.mark.slow  # CI runs it; the default run stays under a minute
def test_check_and_report_read_the_same_rows_from_the_cache(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", UNITS)
    files = list(months(tmp_path))
    db = tmp_path / "rows.duckdb"
    outputs = []
    for name in ("fresh", "fills", "reuses"):
        extra = [] if name == "fresh" else ["--db", db]
        rejects = tmp_path / f"rejects-{name}.csv"
        check = run("check", plan, *files, "-f", "json", "--rejects", rejects, *extra)
        assert check.exit_code == 1, check.stderr  # bad rows found
        report = tmp_path / f"report-{name}"
        made = run("report", plan, *files, "--month", "2025-02", "--output-dir", report, *extra)
        assert made.exit_code == 0, made.stderr
        outputs.append((without_cache_flags({"reconciliation": check.json()["reconciliation"]}),
                        rejects.read_text(encoding="utf-8"),
                        (report / "report.md").read_text(encoding="utf-8")))
    assert "(from --db)" in made.stderr
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0][1].count("\n") == 3  # header and the two rejected rows


@pytest.mark.parametrize(("name", "plan_name", "extra"), [
    ("windows-1258.csv", "csv/plan-vi.yaml", ["--encoding", "windows-1258"]),
    ("nul.csv", None, []),
    ("quoted-newlines.csv", None, []),
])
def test_awkward_files_read_back_the_same_from_the_cache(
    tmp_path: Path, name: str, plan_name: str | None, extra: list[str],
) -> None:
    plan = DATA / plan_name if plan_name else ROOT / "targets" / "2025.yaml"
    db = tmp_path / "rows.duckdb"
    seen = []
    for run_name, db_args in (("fresh", []), ("fills", ["--db", db]), ("reuses", ["--db", db])):
        rejects = tmp_path / f"rejects-{run_name}.csv"
        result = run("check", plan, DATA / "csv" / name, *extra, *db_args, "-f", "json",
                     "--rejects", rejects)
        assert result.exit_code in (0, 1), result.stderr
        doc = result.json()
        seen.append((cached(doc), without_cache_flags(doc)["reconciliation"],
                     rejects.read_text(encoding="utf-8")))
    assert [s[0] for s in seen] == [[False], [False], [True]]
    assert seen[0][1:] == seen[1][1:] == seen[2][1:]
