"""`sspost progress` end to end, against answers worked out by hand in each test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import PLAN, ROOT, csv_file, run, write

VSI = "voluntary_si"


def program(doc: dict, code: str) -> dict:
    return next(p for p in doc["programs"] if p["program"] == code)


def test_every_measure_linear(tmp_path: Path, plan: Path) -> None:
    # 4 voluntary SI participants by 2025-03-31 (one paying monthly: 3 records), 1 HI.
    data = csv_file(tmp_path, "a.csv", [
        "0100000001,2025-01-05,voluntary_si",
        "0100000001,2025-02-05,BHXH_TN",
        "0100000001,2025-03-05,bhxh_tn",
        "0100000002,2025-02-10,voluntary_si",
        "001234567890,2025-03-31,voluntary_si",
        "0100000003,2025-03-01,voluntary_si",
        "0100000004,2025-01-02,BHYT_HGD",
    ])
    result = run("progress", plan, data, "--as-of", "2025-03-31", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    vsi = program(doc, VSI)
    elapsed = 90 / 365  # 1 Jan..31 Mar inclusive, of 365 days
    expected = 100 * elapsed
    assert vsi["achieved"] == 4
    assert vsi["attainment"] == pytest.approx(0.04)
    assert vsi["gap"] == 96
    assert vsi["elapsed"] == pytest.approx(elapsed)
    assert vsi["expected"] == pytest.approx(expected)
    assert vsi["pace"] == pytest.approx(4 / expected)
    assert vsi["status"] == "behind"
    assert vsi["projected"] == pytest.approx(4 / elapsed)
    assert vsi["days_left"] == 275  # 31 Mar -> 31 Dec
    assert vsi["required_per_day"] == pytest.approx(96 / 275)
    assert vsi["required_per_month"] == pytest.approx(96 / 275 * 365.25 / 12)
    # The latest total on or before as-of is the 1 March one; 30 days old, not stale.
    assert vsi["national_total"] == {"participants": 500, "as_of": "2025-03-01",
                                     "stale": False, "source": None}
    assert vsi["share"] == pytest.approx(4 / 500)
    assert vsi["baseline"] == {"period": "2024", "participants": 80, "national_share": 0.5}
    assert vsi["vs_baseline"] == pytest.approx(4 / 80)
    assert vsi["id_kinds"] == {"social_insurance_code": 3, "personal_number": 1}
    hi = program(doc, "household_hi")
    assert hi["achieved"] == 1
    assert hi["national_total"] is None and hi["share"] is None and hi["vs_baseline"] is None
    recon = doc["reconciliation"]
    assert (recon["rows_read"], recon["accepted"], recon["rejected"]) == (7, 7, 0)
    assert (recon["counted"], recon["outside_window"], recon["duplicate_records"]) == (5, 0, 2)


def test_statuses_and_stale_national_total(tmp_path: Path, plan: Path) -> None:
    # household_hi target 10; at 2025-07-02 (elapsed 183/365) expected = 5.0137.
    rows = [f"02000000{i:02d},2025-01-0{1 + i % 9},household_hi" for i in range(5)]
    data = csv_file(tmp_path, "a.csv", rows)
    doc = run("progress", plan, data, "--as-of", "2025-07-02", "-f", "json").json()
    hi = program(doc, "household_hi")
    assert hi["pace"] == pytest.approx(5 / (10 * 183 / 365))
    assert hi["status"] == "at_risk"  # 0.997 is under 1.0 but at or over 0.9
    vsi = program(doc, VSI)
    assert vsi["status"] == "behind"
    assert vsi["national_total"]["stale"] is True  # 1 March is 123 days before 2 July
    ten = rows + [f"03000000{i:02d},2025-02-01,BHYT_HGD" for i in range(5)]
    doc = run("progress", plan, csv_file(tmp_path, "b.csv", ten), "--as-of", "2025-07-02",
              "-f", "json").json()
    assert program(doc, "household_hi")["status"] == "achieved"


def test_phased_elapsed_interpolates_within_the_month(tmp_path: Path) -> None:
    months = {f"2025-{m:02d}": round(0.1 * m, 1) if m < 10 else 1.0 for m in range(1, 13)}
    months["2025-02"] = 0.3
    phasing = "{" + ", ".join(f"{k}: {v}" for k, v in months.items()) + "}"
    plan = write(tmp_path / "p.yaml", PLAN + f"phasing: {phasing}\n")
    data = csv_file(tmp_path, "a.csv", ["0100000001,2025-01-05,voluntary_si"])
    doc = run("progress", plan, data, "--as-of", "2025-02-14", "-f", "json").json()
    # End of January 0.1, end of February 0.3: 14 of 28 days -> 0.1 + 0.2 * 0.5.
    assert program(doc, VSI)["elapsed"] == pytest.approx(0.2)
    assert program(doc, VSI)["expected"] == pytest.approx(20.0)
    doc = run("progress", plan, data, "--as-of", "2025-01-31", "-f", "json").json()
    assert program(doc, VSI)["elapsed"] == pytest.approx(0.1)


def test_deduplicated_within_and_across_files_and_leading_zeros_kept(
    tmp_path: Path, plan: Path
) -> None:
    first = csv_file(tmp_path, "jan.csv", [
        "0000000012,2025-01-03,voluntary_si",
        "0000000012,2025-01-04,voluntary_si",   # same person, same file
        "000000000012,2025-01-05,voluntary_si",  # same number, but a 12-digit id: another person
        "0000000012,2025-01-06,household_hi",   # same person, other program: counted there
    ])
    second = csv_file(tmp_path, "feb.csv", [
        "0000000012,2025-02-01,BHXH_TN",          # already counted in jan.csv
        "0000000013,2025-02-02,voluntary_si",
    ])
    doc = run("progress", plan, first, second, "--as-of", "2025-02-28", "-f", "json").json()
    assert program(doc, VSI)["achieved"] == 3
    assert program(doc, "household_hi")["achieved"] == 1
    recon = doc["reconciliation"]
    assert recon["counted"] == 4 and recon["duplicate_records"] == 2
    assert [f["rows_read"] for f in recon["files"]] == [4, 2]


def test_window_edges(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "a.csv", [
        "0100000001,2024-12-31,voluntary_si",  # before the start: outside
        "0100000002,2025-01-01,voluntary_si",  # on the start: counted
        "0100000003,2025-06-30,voluntary_si",  # on as-of: counted
        "0100000004,2025-07-01,voluntary_si",  # the day after as-of: outside
        "0100000001,2025-06-01,voluntary_si",  # first outside, then inside: counted once
    ])
    doc = run("progress", plan, data, "--as-of", "2025-06-30", "-f", "json").json()
    assert program(doc, VSI)["achieved"] == 3
    recon = doc["reconciliation"]
    assert (recon["counted"], recon["outside_window"], recon["duplicate_records"]) == (3, 2, 0)


def test_default_as_of_is_the_latest_record_inside_the_period(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "a.csv", [
        "0100000001,2025-03-04,voluntary_si",
        "0100000002,2026-01-09,voluntary_si",  # after the period: not the as-of date
    ])
    doc = run("progress", plan, data, "-f", "json").json()
    assert doc["as_of"] == "2025-03-04"
    assert doc["reconciliation"]["outside_window"] == 1


def test_as_of_after_the_period_clamps(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "a.csv", ["0100000001,2025-03-04,voluntary_si"])
    vsi = program(run("progress", plan, data, "--as-of", "2026-02-01", "-f", "json").json(), VSI)
    assert vsi["elapsed"] == 1.0 and vsi["days_left"] == 0
    assert vsi["required_per_day"] is None and vsi["required_per_month"] is None


def test_as_of_before_the_period_is_a_usage_error(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "a.csv", ["0100000001,2025-03-04,voluntary_si"])
    result = run("progress", plan, data, "--as-of", "2024-12-31")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "sspost: error: --as-of 2024-12-31 is before the period starts (2025-01-01)")


def test_json_keys_and_types(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "a.csv", ["0100000001,2025-03-04,voluntary_si"])
    doc = run("progress", plan, data, "-f", "json").json()
    assert list(doc) == ["schema_version", "generator", "targets", "period", "as_of", "programs",
                         "breakdown", "campaigns", "reconciliation", "warnings",
                         "last_year_reconciliation"]
    assert doc["schema_version"] == 1 and doc["generator"].startswith("sspost ")
    types = {"program": str, "label": str, "target": int, "achieved": int, "attainment": float,
             "gap": int, "elapsed": float, "expected": float, "pace": float, "status": str,
             "projected": float, "days_left": int, "required_per_day": float,
             "required_per_month": float, "national_total": dict, "share": float,
             "baseline": dict, "vs_baseline": float}
    vsi = program(doc, VSI)
    for key, kind in types.items():
        assert isinstance(vsi[key], kind), key
    recon_keys = {"files", "rows_read", "accepted", "rejected", "counted", "outside_window",
                  "duplicate_records", "rejected_by_reason", "rejected_rows"}
    assert recon_keys <= set(doc["reconciliation"])
    assert set(doc["reconciliation"]["files"][0]) >= {"path", "rows_read", "accepted",
                                                      "rejected", "encoding", "delimiter"}


def test_identical_output_on_rerun(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "a.csv", [f"01000000{i:02d},2025-0{1 + i % 9}-11,voluntary_si"
                                        for i in range(60)])
    for fmt in ("json", "csv", "markdown", "table"):
        first = run("progress", plan, data, "-f", fmt)
        assert first.stdout == run("progress", plan, data, "-f", fmt).stdout
        assert first.stdout


def test_output_file(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "a.csv", ["0100000001,2025-03-04,voluntary_si"])
    out = tmp_path / "out.json"
    result = run("progress", plan, data, "-f", "json", "--output", out)
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == run("progress", plan, data, "-f", "json").stdout


def test_exit_codes(tmp_path: Path, plan: Path) -> None:
    good = csv_file(tmp_path, "a.csv", ["0100000001,2025-03-04,voluntary_si"])
    bad = csv_file(tmp_path, "b.csv", ["0100000001,2025-03-04,voluntary_si",
                                        "0100000002,2025-02-30,voluntary_si"])
    assert run("progress", plan, good).exit_code == 0
    assert run("progress", plan, good, "--fail-on", "behind").exit_code == 1
    assert run("progress", plan, bad).exit_code == 0
    assert run("progress", plan, bad, "--strict").exit_code == 1
    refused = run("progress", plan, good, "--memory-limit", "lots")
    assert refused.exit_code == 2 and "--memory-limit 'lots': write a size" in refused.stderr
    assert run("progress", plan, good, "--memory-limit", "256MB", "--threads", "1").exit_code == 0
    starved = run("progress", plan, good, "--memory-limit", "1MB")
    assert starved.exit_code == 2 and "Traceback" not in starved.stderr
    assert starved.stderr.startswith("sspost: error: the engine ran out of memory within "
                                     "--memory-limit 1MB")
    missing = run("progress", plan, tmp_path / "nope.csv")
    assert missing.exit_code == 2
    assert missing.stderr.startswith("sspost: error: cannot open ")
    assert "Traceback" not in missing.stderr


def test_a_bad_row_is_reported_with_file_line_and_reason(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "a.csv", ["0100000001,2025-03-04,voluntary_si",
                                         "0100000002,2025-02-30,voluntary_si",
                                         "0100000003,2025-03-01,pension"])
    result = run("progress", plan, data, "-f", "json")
    recon = result.json()["reconciliation"]
    assert recon["rejected_by_reason"] == {"date": 1, "program": 1}
    assert recon["rejected_rows"] == [
        {"file": str(data), "line": 3, "reason": "date", "message": "no such date: 2025-02-30"},
        {"file": str(data), "line": 4, "reason": "program",
         "message": "unknown program 'pension'"},
    ]
    assert f"{data}:3: date: no such date: 2025-02-30" in result.stderr


def test_invalid_target_file_is_a_usage_error_with_located_problems(
    tmp_path: Path,
) -> None:
    plan = write(tmp_path / "p.yaml", PLAN.replace("target: 10", "target: -5"))
    data = csv_file(tmp_path, "a.csv", ["0100000001,2025-03-04,voluntary_si"])
    result = run("progress", plan, data)
    assert result.exit_code == 2
    assert f"{plan}:13:13: error: programs.household_hi.target: must be >= 0 (got -5) [range]" \
        in result.stderr


def test_table_csv_and_markdown(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "a.csv", [f"01000{i:05d},2025-01-{1 + i % 28:02d},voluntary_si"
                                        for i in range(1500)])
    table = run("progress", plan, data, "--as-of", "2025-12-31")
    assert "Voluntary social insurance" in table.stdout
    assert "1,500" in table.stdout and "achieved" in table.stdout
    assert "\x1b[" not in table.stdout  # no colour when not a terminal
    assert re.search(r"read 1,500 rows from 1 file: 1,500 accepted", table.stderr)
    vi = run("progress", plan, data, "--as-of", "2025-12-31", "--lang", "vi")
    assert "Bảo hiểm xã hội tự nguyện" in vi.stdout and "1.500" in vi.stdout
    assert "đã đạt" in vi.stdout
    csv_out = run("progress", plan, data, "--as-of", "2025-12-31", "-f", "csv").stdout
    header, first = csv_out.splitlines()[:2]
    assert header.startswith("program,label,as_of,target,achieved,attainment")
    assert first.startswith("voluntary_si,Voluntary social insurance,2025-12-31,100,1500,15.0,")
    md = run("progress", plan, data, "--as-of", "2025-12-31", "-f", "markdown").stdout
    assert "| Voluntary social insurance | 100 | 1,500 | 1,500.0% |" in md


def test_as_of_with_no_records_in_the_period(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "a.csv", ["0100000001,2024-03-04,voluntary_si"])
    result = run("progress", plan, data)
    assert result.exit_code == 2
    assert "no accepted record is dated inside the period" in result.stderr


def test_every_format_choice_has_a_renderer() -> None:
    from sspost.cli import ProblemFormat, ProgressFormat
    from sspost.render.formats import PROGRESS
    from sspost.render.problems import PROBLEM_RENDERERS

    assert {f.value for f in ProgressFormat} == set(PROGRESS)
    assert {f.value for f in ProblemFormat} - {"auto"} == set(PROBLEM_RENDERERS)


def test_as_of_in_the_vietnamese_form_is_the_same_day(tmp_path: Path) -> None:
    plan = ROOT / "targets" / "2025.yaml"
    data = ROOT / "data" / "sample-2025.csv"
    iso = run("progress", plan, data, "--as-of", "2025-06-30", "-f", "json")
    vietnamese = run("progress", plan, data, "--as-of", "30/06/2025", "-f", "json")
    assert iso.exit_code == vietnamese.exit_code == 0
    assert iso.stdout == vietnamese.stdout
    wrong = run("progress", plan, data, "--as-of", "31/02/2025")
    assert wrong.exit_code == 2 and "dd/mm/yyyy" in wrong.stderr
