"""`sspost sample`, and the shipped sample counted independently in plain SQL."""

from __future__ import annotations

from pathlib import Path

import duckdb
from tests.conftest import ROOT, run

SAMPLE = ROOT / "data" / "sample-2025.csv"
TARGETS = ROOT / "targets" / "2025.yaml"

# An independent count: distinct ids per program in the window, aliases spelled out by hand.
INDEPENDENT = """
SELECT CASE WHEN program IN ('voluntary_si', 'BHXH_TN', 'BHXH tự nguyện') THEN 'voluntary_si'
            ELSE 'household_hi' END AS code,
       count(DISTINCT participant_id)
FROM read_csv(?, all_varchar = true)
WHERE CAST(date AS DATE) BETWEEN DATE '2025-01-01' AND DATE '2025-11-30'
GROUP BY code ORDER BY code
"""


def test_sample_is_deterministic(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    assert run("sample", "--rows", "300", "--seed", "7", "-o", a).exit_code == 0
    run("sample", "--rows", "300", "--seed", "7", "-o", b)
    run("sample", "--rows", "300", "--seed", "8", "-o", c)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    lines = a.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "participant_id,date,program,unit,province,staff_id"
    assert len(lines) == 301


def test_sample_looks_real(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    run("sample", "--rows", "4000", "--seed", "1", "-o", path)
    rows = [line.split(",") for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    ids = {r[0] for r in rows}
    assert {len(i) for i in ids} == {10, 12}
    assert any(i.startswith("0") for i in ids)
    vsi = {r[0] for r in rows if r[2] in ("voluntary_si", "BHXH_TN", "BHXH tự nguyện")}
    assert 0.04 < len(vsi) / len(ids) < 0.10
    vsi_records = [r for r in rows if r[0] in vsi]
    assert len(vsi_records) > len(vsi)  # some pay monthly
    assert {r[1][:7] for r in rows} >= {f"2025-{m:02d}" for m in range(1, 12)}
    provinces = {r[4] for r in rows}
    assert "74" in provinces and "79" in provinces  # a code retired on 1 July and one kept


def test_shipped_sample_agrees_with_an_independent_sql_count() -> None:
    doc = run("progress", TARGETS, SAMPLE, "--format", "json").json()
    con = duckdb.connect()
    expected = dict(con.execute(INDEPENDENT, [str(SAMPLE)]).fetchall())
    assert doc["as_of"] == "2025-11-30"
    assert {p["program"]: p["achieved"] for p in doc["programs"]} == expected
    recon = doc["reconciliation"]
    assert recon["rows_read"] == 5000 and recon["rejected"] == 0
    assert recon["rows_read"] == recon["accepted"] + recon["rejected"]
    assert recon["accepted"] == (recon["counted"] + recon["outside_window"]
                                 + recon["duplicate_records"])
