"""Issue #35: outputs that write devices in place, full disks and damaged caches that end in
one line, ids however separated, invisible characters escaped, a rejects file Excel cannot run."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from tests.conftest import csv_file, run

ROWS = ["0100000001,2025-01-05,voluntary_si", "0100000002,2025-02-05,household_hi"]


def one_line(result_stderr: str) -> str:
    lines = result_stderr.strip().splitlines()
    assert len(lines) == 1, result_stderr
    assert "Traceback" not in result_stderr
    return lines[0]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_a_device_is_written_in_place_never_replaced(
        plan: Path, tmp_path: Path, fmt: str) -> None:
    data = csv_file(tmp_path, "d.csv", ROWS)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    result = run("progress", plan, data, "-f", fmt, "-o", "/dev/null")
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # still the device, not a file


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_a_full_disk_is_one_line(plan: Path, tmp_path: Path, fmt: str) -> None:
    data = csv_file(tmp_path, "d.csv", ROWS)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # the machine's own, a full disk
    result = run("progress", plan, data, "-f", fmt, "-o", "/dev/full")
    assert result.exit_code == 2
    assert "No space left on device" in one_line(
        "\n".join(x for x in result.stderr.splitlines() if "warning" not in x))
    rejects = run("check", plan, data, "--rejects", "/dev/full")
    assert rejects.exit_code == 2 and "No space left" in rejects.stderr


def test_a_pipe_output_is_written_through(plan: Path, tmp_path: Path) -> None:
    data = csv_file(tmp_path, "d.csv", ROWS)
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = run("progress", plan, data, "-o", fifo)
    out, _ = reader.communicate(timeout=30)
    assert result.exit_code == 0 and json.loads(out)["programs"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_an_empty_or_damaged_db_is_made_anew_or_said(plan: Path, tmp_path: Path) -> None:
    data = csv_file(tmp_path, "d.csv", ROWS)
    db = tmp_path / "cache.duckdb"
    db.write_bytes(b"")  # what a full disk leaves
    first = run("progress", plan, data, "--db", db, "-f", "json")
    assert first.exit_code == 0, first.stderr
    whole = db.read_bytes()
    db.write_bytes(whole[: len(whole) - 4096])  # a copy cut short
    damaged = run("progress", plan, data, "--db", db, "-f", "json")
    assert damaged.exit_code == 2, damaged.stderr
    assert "--db" in one_line(damaged.stderr)


def test_ctrl_c_while_importing_is_one_line() -> None:
    code = ("import builtins\n"
            "real = builtins.__import__\n"
            "def stop(name, *a, **k):\n"
            "    if name == 'sspost.cli':\n"
            "        raise KeyboardInterrupt\n"
            "    return real(name, *a, **k)\n"
            "builtins.__import__ = stop\n"
            "from sspost.entry import main\n"
            "main()\n")
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60)
    assert (child.returncode, child.stderr) == (130, "sspost: interrupted\n")


def test_ids_however_separated_are_masked_in_messages_and_staff(
        plan: Path, tmp_path: Path) -> None:
    written = ["0123  456  789", "0123 - 456 - 789", "0123\u2013456\u2013789", "7,912,345,678",
               "123 456 789 0"]
    rows = [f'"{w}",2025-01-05,voluntary_si' for w in written]
    rows += [f'0100000001,2025-01-05,voluntary_si,"{w}"' for w in written]
    data = csv_file(tmp_path, "d.csv", rows, header="participant_id,date,program,staff_id")
    for args in (["check", plan, data, "-f", "json"], ["check", plan, data],
                 ["progress", plan, data, "--by", "staff", "-f", "json"],
                 ["progress", plan, data, "--by", "staff", "-f", "csv"],
                 ["progress", plan, data, "--by", "staff", "-f", "markdown"]):
        result = run(*args)
        for w in written:
            digits = "".join(ch for ch in w if ch.isdigit())
            shown = result.stdout + result.stderr
            assert w not in shown and digits not in shown, (args, w)
            assert digits[:6] not in shown.replace(",", ""), (args, w)


def test_invisible_characters_are_escaped_in_json_and_plan_yaml(tmp_path: Path) -> None:
    name = "Hà\u202eNội"  # a plan holds no C1 control (YAML refuses them): the data may
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "schema_version: 1\nname: x\nperiod: {start: 2025-01-01, end: 2025-12-31}\n"
        "programs:\n  voluntary_si: {label: VSI, target: 100}\n"
        f'units:\n  - {{code: "01", name: "{name}", targets: {{voluntary_si: 10}}}}\n',
        encoding="utf-8")
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si,01,NV\u009b1"],
                    header="participant_id,date,program,unit,staff_id")
    result = run("progress", plan, data, "--by", "unit", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "\u202e" not in result.stdout and "\\u202e" in result.stdout
    assert name in {row.get("name") for row in result.json()["breakdown"]["rows"]}
    by_staff = run("progress", plan, data, "--by", "staff", "-f", "json")
    assert "\u009b" not in by_staff.stdout
    new = tmp_path / "next.yaml"
    made = run("plan", "next", plan, data, "-o", new)
    assert made.exit_code == 0, made.stderr
    text = new.read_text(encoding="utf-8")
    assert "\u202e" not in text and "\u0085" not in text
    assert name in json.dumps(yaml.safe_load(text), ensure_ascii=False, default=str)


def test_a_rejects_file_runs_no_formula(plan: Path, tmp_path: Path) -> None:
    data = csv_file(tmp_path, "d.csv", ["=1+2,2025-01-05,voluntary_si",
                                        "+cmd|' /C calc'!A0,2025-01-05,voluntary_si",
                                        "@SUM(1),2025-01-05,voluntary_si", *ROWS])
    rejects = tmp_path / "rejects.csv"
    run("check", plan, data, "--rejects", rejects)
    import csv
    with rejects.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3
    for row in rows:
        assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row.values())
        assert row["record"].startswith("'")
