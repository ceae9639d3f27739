"""`sspost plan next` (issue #24): the next period's target file from this one and its files.

Through the CLI: a round trip (the 2025 example and its sample -> a 2026 plan -> targets filled
-> progress on 2026 files, with last year's figures), the province merger, refusals and bad
input. Baselines are checked against counts made here, independently, from the CSV itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import ROOT, csv_file, run, write

from sspost.render.plan_yaml import scalar

EXAMPLE = "targets/examples/hanoi-2025.yaml"
SAMPLE = "data/sample-hanoi-2025.csv"
ON_2026_12_06 = "1796515200"  # SOURCE_DATE_EPOCH of the shipped hanoi-2026.yaml


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", ON_2026_12_06)
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(old)


def earliest_records(path: Path, aliases: dict[str, str]) -> dict[tuple[str, str], dt.date]:
    """(program, id) -> the earliest date, read with the csv module: the count to agree with."""
    first: dict[tuple[str, str], dt.date] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (aliases.get(row["program"], row["program"]), row["participant_id"])
            day = dt.date.fromisoformat(row["date"])
            first[key] = min(first.get(key, day), day)
    return first


def filled(plan: dict[str, Any]) -> dict[str, Any]:
    """The placeholders written as the user might: each unit's target its baseline (so a
    parent's is its children's sum), each program's twice its baseline."""
    for program in plan["programs"].values():
        program["target"] = 2 * program["baseline"]["participants"]

    def walk(units: list[dict[str, Any]]) -> None:
        for unit in units:
            unit["targets"] = {p: unit["baseline"]["participants"][p] for p in unit["targets"]}
            walk(unit.get("units", []))
    walk(plan.get("units", []))
    return plan


def test_round_trip_from_2025_to_progress_in_2026(tmp_path: Path, in_root: None) -> None:
    new = tmp_path / "hanoi-2026.yaml"
    made = run("plan", "next", EXAMPLE, SAMPLE, "-o", new)
    assert made.exit_code == 0, made.stderr
    assert f"wrote {new}" in made.stderr and "before the period ends on 2025-12-31" in made.stderr
    text = new.read_text(encoding="utf-8")
    plan = yaml.safe_load(text)
    assert plan["period"] == {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)}
    assert "campaigns" not in plan and "national_totals" not in plan

    # The baselines are what the file counts, once per participant and program.
    old = yaml.safe_load((ROOT / EXAMPLE).read_text(encoding="utf-8"))
    aliases = {a: code for code, p in old["programs"].items() for a in p.get("aliases", [])}
    first = earliest_records(ROOT / SAMPLE, aliases)
    for code, program in plan["programs"].items():
        days = sorted(d for (p, _), d in first.items() if p == code)
        baseline = program["baseline"]
        assert program["target"] == "TODO"
        assert baseline["period"] == "2025" and baseline["participants"] == len(days)
        for month, n in baseline["cumulative"].items():
            year, m = map(int, month.split("-"))
            end = dt.date(year + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)
            assert n == sum(d <= end for d in days), month
        assert list(baseline["cumulative"])[-1] == "2025-11"  # the sample ends on 2025-11-30
        assert "2025-01-01..2025-11-30" in baseline["source"] and "2026-12-06" in baseline["source"]
    by_unit = run("progress", EXAMPLE, SAMPLE, "--by", "unit", "-f", "json").json()
    achieved = {(r["program"], r["unit"]): r["achieved"] for r in by_unit["breakdown"]["rows"]}
    units = [plan["units"][0], *plan["units"][0]["units"]]
    assert len(units) == 13
    for unit in units:
        assert unit["targets"] == {"voluntary_si": "TODO", "household_hi": "TODO"}
        for program, n in unit["baseline"]["participants"].items():
            assert n == achieved[(program, unit["code"])]

    # Not valid until every target is written: validate names each, progress refuses.
    checked = run("validate", new)
    assert checked.exit_code == 1
    assert checked.stdout.count("[placeholder]") == 2 + 2 * 13
    assert not [line for line in checked.stdout.splitlines() if "[placeholder]" not in line]
    refused = run("progress", new, SAMPLE)
    assert refused.exit_code == 2 and "[placeholder]" in refused.stderr

    ready = tmp_path / "hanoi-2026-filled.yaml"
    ready.write_text(yaml.safe_dump(filled(plan), allow_unicode=True, sort_keys=False),
                     encoding="utf-8")
    assert run("validate", ready).exit_code == 0, run("validate", ready).stdout
    files = tmp_path / "2026-q1.csv"
    sample = run("sample", "--rows", "3000", "--province", "01", "--start", "2026-01-01",
                 "--end", "2026-03-31", "-o", files)
    assert sample.exit_code == 0, sample.stderr
    progress = run("progress", ready, files, "-f", "json")
    assert progress.exit_code == 0, progress.stderr
    doc = progress.json()
    assert doc["as_of"] == "2026-03-31"
    for program in doc["programs"]:
        last = program["last_year"]
        assert last["as_of"] == "2025-03-31" and last["source"] == "cumulative"
        assert last["participants"] == plan["programs"][program["program"]]["baseline"][
            "cumulative"]["2025-03"]
        assert program["vs_last_year"] == pytest.approx(program["achieved"] / last["participants"])


def test_the_shipped_2026_example_is_what_the_command_makes(tmp_path: Path,
                                                           in_root: None) -> None:
    new = tmp_path / "hanoi-2026.yaml"
    assert run("plan", "next", EXAMPLE, SAMPLE, "-o", new).exit_code == 0
    shipped = ROOT / "targets" / "examples" / "hanoi-2026.yaml"
    assert new.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")


def test_the_diff_between_the_years_reads_as_a_review(tmp_path: Path, in_root: None) -> None:
    new = tmp_path / "hanoi-2026.yaml"
    run("plan", "next", EXAMPLE, SAMPLE, "-o", new)
    result = run("diff", EXAMPLE, new)
    assert result.exit_code == 1  # the new plan breaks the placeholder rule until filled
    out = result.stdout
    for line in ("changed  programs.voluntary_si.target: 2,310 -> TODO",
                 "changed  units[01-012].targets.voluntary_si: 220 -> TODO",
                 "changed  period.start: 2025-01-01 -> 2026-01-01",
                 'changed  programs.household_hi.baseline: - -> {"period": "2025", '
                 '"participants": 25968,',
                 "added    units[01-012].baseline:",
                 "removed  campaigns[Launch day,2025-04-12]:"):
        assert line in out, out
    assert "[placeholder]" in result.stderr


MERGER_PLAN = """\
schema_version: 1
name: Northern provinces 2025
period: {start: 2025-01-01, end: 2025-12-31}
programs:
  voluntary_si: {label: Voluntary social insurance, target: 300}
  household_hi: {label: Household health insurance, target: 3000}
national_totals:
  - {program: voluntary_si, as_of: 2025-06-30, participants: 1000}
phasing: {2025-06: 0.5, 2025-12: 1.0}
units:
  - code: "02"
    name: Hà Giang
    targets: {voluntary_si: 100}
    units:
      - {code: "02-001", name: Hà Giang city, targets: {voluntary_si: 50}}
  - {code: "08", name: Tuyên Quang, targets: {voluntary_si: 100, household_hi: 1000}}
  - {code: "01", name: Hà Nội, targets: {household_hi: 2000}}
"""


def test_merged_provinces_move_to_their_new_codes(tmp_path: Path) -> None:
    plan = write(tmp_path / "north-2025.yaml", MERGER_PLAN)
    data = csv_file(tmp_path, "north.csv", [
        "0100000001,2025-01-05,voluntary_si,02-001", "0100000002,2025-02-05,voluntary_si,02",
        "0100000003,2025-03-05,voluntary_si,08", "0100000004,2025-06-30,household_hi,08",
        "0100000005,2025-04-05,household_hi,01", "0100000001,2025-05-05,voluntary_si,08",
    ], header="participant_id,date,program,unit")
    new = tmp_path / "north-2026.yaml"
    result = run("plan", "next", plan, data, "-o", new)
    assert result.exit_code == 0, result.stderr
    text = new.read_text(encoding="utf-8")
    assert "# was 02 Hà Giang and 08 Tuyên Quang until the provinces merged on 1 July 2025" in text
    written = yaml.safe_load(text)
    units = {u["code"]: u for u in written["units"]}
    assert list(units) == ["08", "01"]
    merged = units["08"]
    assert merged["name"] == "Tuyên Quang"
    assert merged["targets"] == {"voluntary_si": "TODO", "household_hi": "TODO"}
    # 0100000001 counts once, at its earliest record (in 02-001); 02 and 08 put together
    assert merged["baseline"]["participants"] == {"voluntary_si": 3, "household_hi": 1}
    assert [u["code"] for u in merged["units"]] == ["02-001"]
    assert units["01"]["baseline"]["participants"] == {"voluntary_si": 0, "household_hi": 1}
    assert written["phasing"] == {"2026-06": 0.5, "2026-12": 1.0}
    assert written["name"] == "Northern provinces 2026"
    # the national total is dated 2025-06-30, the files' last day: the share at that day
    vsi = written["programs"]["voluntary_si"]["baseline"]
    assert vsi["participants"] == 3 and vsi["national_share"] == pytest.approx(3 / 1000)
    assert "national share of the VSS total 1,000 at 2025-06-30" in vsi["source"]
    assert "national_share" not in written["programs"]["household_hi"]["baseline"]
    ready = tmp_path / "ready.yaml"
    ready.write_text(re.sub(r"\bTODO\b", "500", text).replace(
        "targets: {voluntary_si: 500}", "targets: {voluntary_si: 100}"), encoding="utf-8")
    assert run("validate", ready).exit_code == 0, run("validate", ready).stdout


def test_an_existing_file_is_never_overwritten(tmp_path: Path, in_root: None) -> None:
    there = tmp_path / "2026.yaml"
    there.write_text("mine\n", encoding="utf-8")
    for output in (there, Path(EXAMPLE), Path(SAMPLE)):
        before = output.read_bytes()
        result = run("plan", "next", EXAMPLE, SAMPLE, "-o", output)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"sspost: error: --output {output} already exists")
        assert output.read_bytes() == before


def test_bad_input_is_one_clear_error(tmp_path: Path, plan: Path) -> None:
    no_end = write(tmp_path / "no-end.yaml", MERGER_PLAN.replace(
        "period: {start: 2025-01-01, end: 2025-12-31}", "period: {start: 2025-01-01}"))
    data = csv_file(tmp_path, "2025.csv", ["0100000001,2025-01-05,voluntary_si"])
    result = run("plan", "next", no_end, data, "-o", tmp_path / "a.yaml")
    assert result.exit_code == 2 and "period.end: required key is missing" in result.stderr
    wrong_year = csv_file(tmp_path, "2026.csv", ["0100000001,2026-01-05,voluntary_si",
                                                  "0100000002,2026-02-05,household_hi"])
    result = run("plan", "next", plan, wrong_year, "-o", tmp_path / "b.yaml")
    assert result.exit_code == 2
    assert "no accepted record is dated inside 2025 (2025-01-01..2025-12-31)" in result.stderr
    mostly = csv_file(tmp_path, "mostly.csv", [f"01000000{i:02d},2024-06-05,voluntary_si"
                                               for i in range(9)] +
                      ["0100000099,2025-01-05,voluntary_si"])
    result = run("plan", "next", plan, mostly, "-o", tmp_path / "c.yaml")
    assert result.exit_code == 2
    assert "9 of 10 accepted records are dated outside 2025" in result.stderr
    assert not list(tmp_path.glob("[abc].yaml")) and result.stderr.count("\n") == 1


NAMES = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)


@given(NAMES)
def test_every_text_is_written_as_itself(text: str) -> None:
    assert yaml.safe_load(f"key: {scalar(text)}")["key"] == text
    flow = scalar(text, in_flow=True)
    assert yaml.safe_load(f"[{flow}, {flow}]") == [text, text]
    assert yaml.safe_load(f"{{{flow}: {flow}}}") == {text: text}


def test_hostile_names_come_back_as_written(tmp_path: Path) -> None:
    names = ["yes", "#not a comment", "a: b", "'quoted'", "- dash", "01", "{flow}", "x\\y",
             "a, b", "[x]", " padded ", "é\u0301"]
    units = "\n".join(f"  - {{code: U{i}, name: {scalar(n, in_flow=True)}, "
                      f"targets: {{voluntary_si: 1}}}}" for i, n in enumerate(names))
    plan = write(tmp_path / "plan.yaml", MERGER_PLAN.split("units:")[0] + "units:\n" + units +
                 "\n")
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si,U3"],
                    header="participant_id,date,program,unit")
    new = tmp_path / "new.yaml"
    assert run("plan", "next", plan, data, "-o", new).exit_code == 0
    written = yaml.safe_load(new.read_text(encoding="utf-8"))
    assert [u["name"] for u in written["units"]] == names
    problems = run("validate", new).stdout.splitlines()
    assert problems and all("[placeholder]" in line for line in problems)


def test_files_without_a_unit_column_give_the_units_no_baseline(tmp_path: Path) -> None:
    plan = write(tmp_path / "north-2025.yaml", MERGER_PLAN)
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])
    new = tmp_path / "new.yaml"
    result = run("plan", "next", plan, data, "-o", new)
    assert result.exit_code == 0, result.stderr
    assert "warning: the files have no unit column: the units get no baseline" in result.stderr
    written = yaml.safe_load(new.read_text(encoding="utf-8"))
    assert [u["code"] for u in written["units"]] == ["08", "01"]
    assert not any("baseline" in u for u in written["units"])
    assert written["programs"]["voluntary_si"]["baseline"]["participants"] == 1
