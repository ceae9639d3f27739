"""Fuzzed CSV bytes and YAML documents through the real CLI: an answer, never a crash.

Bounded for the default run; `python benchmarks/fuzz.py --examples N` runs the same tests
longer (SSPOST_FUZZ_EXAMPLES) and prints how many inputs were tried.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import DATA, PLAN, run, write

EXAMPLES = int(os.environ.get("SSPOST_FUZZ_EXAMPLES", "8"))  # CI: 200 (benchmarks/fuzz.py)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 15,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])
NAUGHTY = [line for line in (DATA / "corpora" / "naughty-strings" / "blns.txt")
           .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
PIECES = [",", ";", "\t", "|", '"', "\r", "\n", "\r\n", " ", "\x00", "\ufeff", "sep=;",
          "participant_id", "date", "program", "unit", "province", "staff_id", "participants",
          "voluntary_si", "household_hi", "BHXH_TN", "0100000001", "012345678901",
          "0123-456-789", "2025-01-05", "2025-02-30", "05/01/2025", "01", "79", "-3", "7",
          "[/x]", "$x$", "\x1b[31m", "é", "Hà Nội"]


def _check_answer(result_stderr: str, code: int, plan: Path) -> None:
    """An exit code of the SPEC's, and stderr made only of sspost's lines and plan problems."""
    assert code in (0, 1, 2), (code, result_stderr)
    assert "Traceback" not in result_stderr
    starts = ("sspost", "  ", f"{plan}:")
    assert all(line.startswith(starts) for line in result_stderr.splitlines()), result_stderr


csv_bytes = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from(PIECES) | st.sampled_from(NAUGHTY), max_size=60)
    .map(lambda parts: "participant_id,date,program,unit\n" + "".join(parts))
    .map(lambda text: text.encode("utf-8", errors="surrogatepass")),
)


@FUZZ
@given(body=csv_bytes)
def test_fuzzed_csv_bytes(tmp_path: Path, body: bytes) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN)
    data = tmp_path / "fuzz.csv"
    data.write_bytes(body)
    result = run("progress", plan, data, "-f", "json")
    _check_answer(result.stderr, result.exit_code, plan)
    if result.exit_code == 0:
        r = json.loads(result.stdout)["reconciliation"]
        assert r["rows_read"] == r["accepted"] + r["rejected"]
        assert r["accepted"] == r["counted"] + r["outside_window"] + r["duplicate_records"]
    checked = run("check", plan, data, "-f", "json")
    _check_answer(checked.stderr, checked.exit_code, plan)


YAML_PIECES = ["schema_version: 1\n", "name: x\n", "period: {start: 2025-01-01, end: 2025-12-31}\n",
               "programs:\n", "  voluntary_si: {label: V, target: 5}\n", "  ", "- ", "&a ", "*a",
               "<<: *a\n", "[", "]", "{", "}", ": ", "\n", "!!python/object:os.system ", "'",
               '"', "#", "? ", "|\n", ">\n", "1e400", "9" * 40, ".nan", "~", "---\n", "...\n",
               "units:\n", "  - {code: '01', name: Hà Nội}\n", "phasing: {2025-01: 0.5}\n"]
yaml_text = st.one_of(
    st.lists(st.sampled_from(YAML_PIECES) | st.sampled_from(NAUGHTY), max_size=40).map("".join),
    st.text(max_size=300),
)


@FUZZ
@given(text=yaml_text)
def test_fuzzed_yaml_documents(tmp_path: Path, text: str) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    result = run("validate", plan)
    _check_answer(result.stderr, result.exit_code, plan)
    data = write(tmp_path / "d.csv", "participant_id,date,program\n0100000001,2025-01-05,"
                                     "voluntary_si\n")
    progress = run("progress", plan, data, "-f", "json")
    _check_answer(progress.stderr, progress.exit_code, plan)
    if result.exit_code == 1:  # validate and progress judge a target file alike
        assert progress.exit_code == 2 and "the target file has" in progress.stderr
    else:
        assert "the target file has" not in progress.stderr
