"""The scale benchmark still runs (on 10,000 rows); its figures are not asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import ROOT


@pytest.mark.slow  # a minute's worth of subprocesses; .ci/run runs it
def test_benchmark_script_runs_on_a_small_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--rows", "10000", "--runs", "1",
         "--workdir", str(tmp_path)],
        capture_output=True, text=True, check=True, timeout=300,
    )
    assert "one file and 12 monthly files give the same results: True" in result.stdout
    assert "10,000: sspost progress " in result.stdout
    assert "10,000 with 1% bad rows: sspost progress " in result.stdout
    assert "10,000: sspost progress --db (rerun) " in result.stdout


@pytest.mark.slow  # four seconds of a Python count; .ci/run runs it
def test_independent_count_agrees_on_the_shipped_sample() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "independent_count.py"),
         str(ROOT / "targets" / "2025.yaml"), str(ROOT / "data" / "sample-2025.csv")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("agree") == 6  # totals, campaigns and four breakdowns
    assert "DISAGREE" not in result.stdout


@pytest.mark.slow  # two dozen subprocesses; .ci/run runs it
def test_independent_count_agrees_on_shuffled_split_rows_through_the_cache(
        tmp_path: Path) -> None:
    """The shipped sample's rows shuffled into two files: the same figures as the independent
    count, read fresh, into a new --db cache and from it."""
    import random

    lines = (ROOT / "data" / "sample-2025.csv").read_text(encoding="utf-8").splitlines()
    rows = random.Random(7).sample(lines[1:], len(lines) - 1)
    parts = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for part, chunk in zip(parts, (rows[::2], rows[1::2]), strict=True):
        part.write_text("\n".join([lines[0], *chunk]) + "\n", encoding="utf-8")
    db = ["--db", str(tmp_path / "rows.duckdb")]
    for extra in ([], db, db):  # fresh, filling the cache, from it
        result = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "independent_count.py"),
             str(ROOT / "targets" / "2025.yaml"), *map(str, parts), *extra],
            capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.count("agree") == 6


@pytest.mark.slow  # nine processes; .ci/run runs it
def test_the_renewals_benchmark_runs(tmp_path: Path) -> None:
    """benchmarks/renewals.py runs the product (designs.py, which timed records/ internals,
    was retired in #31): it must keep running as the commands change."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "renewals.py"), "--people", "2000",
         "--runs", "1", "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=ROOT / "benchmarks",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.endswith("  0")]
    assert [line.split()[0] for line in lines] == ["progress", "progress", "renewals"]
    assert all(float(line.split()[-4]) > 0 for line in lines)  # median seconds, each


@pytest.mark.slow  # four seconds of a Python count; .ci/run runs it
def test_independent_count_agrees_where_rows_have_impossible_dates(tmp_path: Path) -> None:
    """run.py's 1%-bad file: every 50th row of the shipped sample dated 2025-02-30, which
    sspost rejects; the independent count must leave those rows out as well."""
    lines = (ROOT / "data" / "sample-2025.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    where = header.index("date")
    rows = [line.split(",") for line in lines[1:]]
    for fields in rows[49::50]:
        fields[where] = "2025-02-30"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], *map(",".join, rows)]) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "independent_count.py"),
         str(ROOT / "targets" / "2025.yaml"), str(bad)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("agree") == 6
    assert "DISAGREE" not in result.stdout
