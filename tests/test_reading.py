"""Real-world exports (tests/data/csv): every row counted or rejected with its line and reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import DATA, ROOT, csv_file, run

CSV = DATA / "csv"
TARGETS = ROOT / "targets" / "2025.yaml"


def check(*args: str | Path) -> tuple[int, dict[str, Any]]:
    result = run("check", TARGETS, *args, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)


def summary(doc: dict[str, Any]) -> tuple[int, int, int, list[tuple[int, str]]]:
    recon = doc["reconciliation"]
    assert recon["rows_read"] == recon["accepted"] + recon["rejected"]
    assert recon["accepted"] == (recon["counted"] + recon["outside_window"]
                                 + recon["duplicate_records"])
    rejected = [(r["line"], r["reason"]) for r in recon["rejected_rows"]]
    return recon["rows_read"], recon["accepted"], recon["rejected"], rejected


@pytest.mark.parametrize(("name", "args", "expected"), [
    ("bom.csv", [], (2, 2, 0, [])),
    ("semicolon.csv", [], (3, 2, 1, [(4, "date")])),
    ("tab.tsv", [], (2, 2, 0, [])),
    ("crlf.csv", [], (3, 2, 1, [(4, "program")])),
    ("quoted-newlines.csv", [], (4, 2, 2, [(4, "program"), (6, "date")])),
    ("dd-mm-yyyy.csv", ["--date-format", "%d/%m/%Y"], (4, 3, 1, [(5, "date")])),
    ("utf16.csv", [], (2, 2, 0, [])),
    ("trailing-delimiter.csv", [], (2, 2, 0, [])),
    ("blank-lines.csv", [], (3, 2, 1, [(7, "program")])),
    ("header-only.csv", [], (0, 0, 0, [])),
    ("ragged.csv", [], (4, 2, 2, [(3, "field_count"), (4, "field_count")])),
    ("nul.csv", [], (3, 2, 1, [(3, "encoding")])),
    ("bad-reasons.csv", [], (8, 1, 7, [(3, "date"), (4, "program"), (5, "participant_id"),
                                       (6, "province"), (7, "participant_id"), (8, "date"),
                                       (9, "program")])),
    ("aggregate.csv", [], (5, 3, 2, [(4, "participants"), (5, "participants")])),
])
def test_quirk_files(name: str, args: list[str], expected: tuple[Any, ...]) -> None:
    code, doc = check(CSV / name, *args)
    assert summary(doc) == expected
    assert code == (1 if expected[2] else 0)


def test_encoding_and_delimiter_are_said(tmp_path: Path) -> None:
    _, doc = check(CSV / "bom.csv", CSV / "semicolon.csv", CSV / "utf16.csv", CSV / "tab.tsv")
    said = [(f["encoding"], f["delimiter"]) for f in doc["reconciliation"]["files"]]
    assert said == [("utf-8-sig", ","), ("utf-8", ";"), ("utf-16", ","), ("utf-8", "\t")]
    result = run("check", TARGETS, CSV / "semicolon.csv")
    assert f"{CSV / 'semicolon.csv'}: utf-8, ';', 3 rows" in result.stderr


def test_vietnamese_headers_and_dates_from_the_target_file() -> None:
    plan = CSV / "plan-vi.yaml"
    result = run("progress", plan, CSV / "vietnamese-headers.csv", "-f", "json")
    doc = json.loads(result.stdout)
    # NFD "BHXH tự nguyện" in the file is the NFC alias in the plan.
    assert {p["program"]: p["achieved"] for p in doc["programs"]} == {
        "voluntary_si": 1, "household_hi": 1}
    assert summary(doc)[3] == [(4, "date")]
    assert doc["as_of"] == "2025-01-06"


def test_windows_1258_needs_naming_and_then_reads_the_same() -> None:
    plan = CSV / "plan-vi.yaml"
    unnamed = run("progress", plan, CSV / "windows-1258.csv")
    assert unnamed.exit_code == 2
    assert unnamed.stderr == (f"sspost: error: {CSV / 'windows-1258.csv'}:1: the header is not "
                              "UTF-8 (byte offset 2); name the file's encoding with --encoding, "
                              "e.g. windows-1258\n")
    named = run("progress", plan, CSV / "windows-1258.csv", "--encoding", "windows-1258",
                "-f", "json")
    utf8 = run("progress", plan, CSV / "vietnamese-headers.csv", "-f", "json")
    assert json.loads(named.stdout)["programs"] == json.loads(utf8.stdout)["programs"]
    assert json.loads(named.stdout)["reconciliation"]["files"][0]["encoding"] == "cp1258"


def test_undecodable_bytes_are_one_clear_error() -> None:
    result = run("check", TARGETS, CSV / "invalid-utf8.csv")
    assert result.exit_code == 2
    assert result.stderr == (f"sspost: error: {CSV / 'invalid-utf8.csv'}:3: bytes that are not "
                             "utf-8 at byte offset 91; name the file's encoding with --encoding\n")


def test_empty_file_and_missing_column_are_usage_errors(tmp_path: Path) -> None:
    empty = run("progress", TARGETS, CSV / "empty.csv")
    assert (empty.exit_code, empty.stderr) == (
        2, f"sspost: error: {CSV / 'empty.csv'}: the file is empty: expected a header line\n")
    data = csv_file(tmp_path, "a.csv", ["0100000001,2025-01-05,voluntary_si"],
                    header="participant_id,Date ,programme")
    result = run("progress", TARGETS, data)
    assert result.exit_code == 2
    assert result.stderr == (
        f"sspost: error: {data}:1: missing required column 'program' (headers found: "
        "'participant_id', 'Date ', 'programme'; closest: 'programme'); map it with "
        "--column program=HEADER, or give every row's program with --program CODE (a form's "
        "through the plan's input.forms)\n")
    mapped = run("progress", TARGETS, data, "--column", "program=Programme", "-f", "json")
    assert json.loads(mapped.stdout)["reconciliation"]["accepted"] == 1


def test_aggregate_layout_adds_counts() -> None:
    doc = json.loads(run("progress", TARGETS, CSV / "aggregate.csv", "-f", "json").stdout)
    assert {p["program"]: p["achieved"] for p in doc["programs"]} == {
        "voluntary_si": 10, "household_hi": 250}
    assert doc["reconciliation"]["outside_window"] == 1


def test_id_map_joins_old_code_and_new_number() -> None:
    ids = CSV / "ids-old-new.csv"
    without = json.loads(run("progress", TARGETS, ids, "-f", "json").stdout)
    vsi = without["programs"][0]
    assert vsi["achieved"] == 3
    assert vsi["id_kinds"] == {"social_insurance_code": 2, "personal_number": 1}
    mapped = json.loads(run("progress", TARGETS, ids, "--id-map", CSV / "id-map.csv",
                            "-f", "json").stdout)
    vsi = mapped["programs"][0]
    assert vsi["achieved"] == 2
    assert vsi["id_kinds"] == {"social_insurance_code": 1, "personal_number": 1}
    assert mapped["reconciliation"]["duplicate_records"] == 1


def test_bad_id_map_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "map.csv"
    bad.write_text("old_id,new_id\n123,001090000001\n", encoding="utf-8")
    result = run("progress", TARGETS, CSV / "ids-old-new.csv", "--id-map", bad)
    assert result.exit_code == 2
    assert "1 rows do not map a 10-digit code to a 12-digit personal number" in result.stderr
    bad.write_text("old_id,new_id\n0100000001,001090000001\n0100000001,001090000002\n",
                   encoding="utf-8")
    result = run("progress", TARGETS, CSV / "ids-old-new.csv", "--id-map", bad)
    assert result.exit_code == 2
    assert result.stderr == (f"sspost: error: {bad}: 1 old codes are mapped to more than one "
                             "number\n")


def test_rejects_file_holds_rows_as_they_were(tmp_path: Path) -> None:
    out = tmp_path / "rejects.csv"
    code, _ = check(CSV / "quoted-newlines.csv", CSV / "ragged.csv", "--rejects", out)
    assert code == 1
    assert out.read_text(encoding="utf-8") == (
        "file,line,reason,message,record\n"
        f"{CSV / 'quoted-newlines.csv'},4,program,\"unknown program 'house,hold'\","
        '"0100000002,2025-01-06,""house,hold"",01"\n'
        f"{CSV / 'quoted-newlines.csv'},6,date,no such date: 2025-02-30,"
        "\"0100000004,2025-02-30,household_hi,01\"\n"
        f"{CSV / 'ragged.csv'},3,field_count,fewer fields than the header,"
        "\"0100000002,2025-01-06\"\n"
        f"{CSV / 'ragged.csv'},4,field_count,more fields than the header,"
        "\"0100000003,2025-01-07,household_hi,extra\"\n"
    )


def test_max_errors_limits_the_list_not_the_counts(tmp_path: Path) -> None:
    rows = [f"01000000{i:02d},2025-02-30,voluntary_si" for i in range(30)]
    rows += [f"02000000{i:02d},2025-02-03,voluntary_si" for i in range(30)]  # half accepted
    data = csv_file(tmp_path, "a.csv", rows)
    _, doc = check(data, "--max-errors", "5")
    assert doc["reconciliation"]["rejected"] == 30
    assert doc["reconciliation"]["rejected_by_reason"] == {"date": 30}
    assert [r["line"] for r in doc["reconciliation"]["rejected_rows"]] == [2, 3, 4, 5, 6]
    text = run("progress", TARGETS, data, "--as-of", "2025-03-01")
    assert text.stderr.count(": date: no such date") == 20
    assert "... and 10 more" in text.stderr


def test_check_formats(tmp_path: Path) -> None:
    text = run("check", TARGETS, CSV / "crlf.csv")
    assert text.stdout == f"{CSV / 'crlf.csv'}:4:1: error: unknown program 'pension' [program]\n"
    github = run("check", TARGETS, CSV / "crlf.csv", "--format", "github")
    assert github.stdout == (f"::error file={CSV / 'crlf.csv'},line=4,col=1,title=program::"
                             "unknown program 'pension'\n")
    clean = run("check", TARGETS, CSV / "bom.csv")
    assert (clean.exit_code, clean.stdout) == (0, "")


def test_same_rows_in_files_of_different_shapes_count_once() -> None:
    doc = json.loads(run("progress", TARGETS, CSV / "bom.csv", CSV / "tab.tsv",
                         CSV / "crlf.csv", "-f", "json").stdout)
    # The same two people in three files: counted once each.
    assert {p["program"]: p["achieved"] for p in doc["programs"]} == {
        "voluntary_si": 1, "household_hi": 1}
    assert doc["reconciliation"]["duplicate_records"] == 4


SPECTRUM = DATA / "corpora" / "csv-spectrum"
SPECTRUM_ERRATA = {"location_coordinates": {"Contact Phone Number": "2095257564"}}


@pytest.mark.parametrize("name", sorted(p.stem for p in (SPECTRUM / "csvs").glob("*.csv")))
def test_csv_spectrum_reads_as_its_json_twin(name: str, tmp_path: Path) -> None:
    from sspost.records.loading import read_rows

    expected = json.loads((SPECTRUM / "json" / f"{name}.json").read_text(encoding="utf-8"))
    expected = expected if isinstance(expected, list) else [expected]
    for row in expected:  # csv-spectrum's own twin disagrees with its CSV on this one value
        row.update(SPECTRUM_ERRATA.get(name, {}))
    path = SPECTRUM / "csvs" / f"{name}.csv"
    if name.endswith("_crlf"):
        # The copy in the corpus lost its carriage returns; its JSON twin still has them.
        path = tmp_path / path.name
        path.write_bytes((SPECTRUM / "csvs" / f"{name}.csv").read_bytes().replace(b"\n", b"\r\n"))
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    rows = read_rows(str(path))
    assert [dict(zip(header, row, strict=True)) for row in rows] == expected


@pytest.mark.slow  # 3 s of a 1M-row read: CI runs it (the default run stays under a minute)
def test_file_order_survives_a_parallel_read(tmp_path: Path) -> None:
    # Big enough for the engine to read it in parallel pieces (it is one piece below ~5 MB):
    # row ids must still follow the file, for the lines of bad rows and for same-day ties.
    sample = tmp_path / "big.csv"
    assert run("sample", "--rows", "300000", "--seed", "3", "-o", sample).exit_code == 0
    lines = sample.read_text(encoding="utf-8").splitlines(keepends=True)
    bad_lines = [1_001, 150_001, 299_001]  # physical lines, the header being line 1
    for number in bad_lines:
        fields = lines[number - 1].split(",")
        lines[number - 1] = ",".join([fields[0], "2025-02-30", *fields[2:]])
    # Two people, each recorded twice on one day by different staff: the earlier line wins.
    # (Province 99 does not exist, so the sample never makes these ids.)
    ties = {100_000: "A", 250_000: "B", 260_000: "C", 270_000: "D"}
    for number, staff in ties.items():
        pid = "9999999999" if staff in "AB" else "9999999998"
        lines[number - 1] = f"{pid},2025-03-03,voluntary_si,01-001,01,TIE-{staff}\n"
    sample.write_text("".join(lines), encoding="utf-8")
    targets = ROOT / "targets" / "2025.yaml"

    check = run("check", targets, sample, "-f", "json", "--threads", "2")
    assert check.exit_code == 1
    found = [(r["line"], r["reason"]) for r in check.json()["reconciliation"]["rejected_rows"]]
    assert found == [(line, "date") for line in bad_lines]

    staff = run("progress", targets, sample, "-f", "json", "--threads", "2", "--by", "staff")
    assert staff.exit_code == 0, staff.stderr
    achieved = {r["staff_id"]: r["achieved"] for r in staff.json()["breakdown"]["rows"]
                if r["staff_id"].startswith("TIE-")}
    assert achieved == {"TIE-A": 1, "TIE-C": 1}


def test_bad_rows_are_said_in_vietnamese_under_lang_vi(tmp_path: Path) -> None:
    """Issue #33: a bad row's reason and message in the language asked for, on stderr and in
    check's lines; JSON and the rejects file keep English."""
    plan = ROOT / "targets" / "2025.yaml"
    data = ROOT / "tests" / "data" / "csv" / "bad-reasons.csv"
    vi = run("check", plan, data, "--lang", "vi", "--as-of", "2025-06-30")
    assert "không có ngày 2025-02-29" in vi.stdout and "[date]" in vi.stdout
    assert "dòng bị loại theo lý do: ngày 2" in vi.stderr
    progress = run("progress", plan, data, "--lang", "vi", "--as-of", "2025-06-30")
    assert "ngày: không có ngày 2025-02-29" in progress.stderr
    english = run("check", plan, data, "-f", "json", "--lang", "vi", "--as-of", "2025-06-30")
    assert {r["message"] for r in english.json()["reconciliation"]["rejected_rows"]} >= {
        "no such date: 2025-02-29"}
