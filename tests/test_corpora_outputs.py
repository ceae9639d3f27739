"""The naughty-strings corpus as plan names, labels, unit names and CSV cells, and the YAML test
suite as target files, through every command and format: no traceback, no raw HTML or markup."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from tests.conftest import DATA, output_text, run, write

NAUGHTY = [line for line in (DATA / "corpora" / "naughty-strings" / "blns.txt")
           .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
CHUNK = 60
CHUNKS = [NAUGHTY[i:i + CHUNK] for i in range(0, len(NAUGHTY), CHUNK)]
RAW_TAG = re.compile(r"(?<!\\)<[a-zA-Z/!]")  # an HTML tag Markdown would pass through
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def plan_with(strings: list[str]) -> str:
    plan = {
        "schema_version": 1, "name": strings[0], "organisation": strings[1],
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "programs": {"voluntary_si": {"label": strings[2], "label_vi": strings[3],
                                      "target": 1000}},
        "units": [{"code": f"U{i}", "name": s, "targets": {"voluntary_si": 10}}
                  for i, s in enumerate(strings)],
        "campaigns": [{"name": strings[4], "date": "2025-01-10",
                       "per_staff": {"voluntary_si": 1}}],
    }
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)


def data_with(strings: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["participant_id", "date", "program", "unit", "staff_id"])
    for i, s in enumerate(strings):
        writer.writerow([f"01{i:08d}", "2025-01-10", "voluntary_si", f"U{i}", s])
        writer.writerow([f"02{i:08d}", "2025-01-11", "voluntary_si", s, s])  # unknown units
    return out.getvalue()


def assert_shown_as_written(outputs: dict[str, str]) -> None:
    for name, text in outputs.items():
        assert "Traceback" not in text, name
        if not name.endswith(("json", "csv")):  # data formats keep values as written
            assert not CONTROLS.search(text), (name, CONTROLS.search(text))
        if name.endswith(("markdown", ".md")):
            assert not RAW_TAG.search(text), (name, RAW_TAG.search(text))
        if name.endswith(".html"):
            assert "<script" not in text.lower() and "<img" not in text.lower(), name


def run_chunk(tmp_path: Path, strings: list[str]) -> None:
    plan = write(tmp_path / "plan.yaml", plan_with(strings))
    data = tmp_path / "data.csv"
    data.write_text(data_with(strings), encoding="utf-8")
    checked = run("validate", plan)
    assert checked.exit_code == 0, checked.stdout
    outputs: dict[str, str] = {}
    for fmt in ("table", "json", "csv", "markdown"):
        for by in ("unit", "staff"):
            for lang in ("en", "vi"):
                result = run("progress", plan, data, "-f", fmt, "--by", by, "--lang", lang)
                assert result.exit_code == 0, result.stderr
                outputs[f"{by}-{lang}-{fmt}"] = result.stdout
                outputs[f"{by}-{lang}-{fmt}-stderr"] = result.stderr
                if fmt == "json":
                    json.loads(result.stdout)
    report = tmp_path / "report"
    result = run("report", plan, data, "--month", "2025-01", "--output-dir", report)
    assert result.exit_code == 0, result.stderr
    outputs.update({p.name: output_text(p) for p in report.iterdir()})
    assert_shown_as_written(outputs)


@pytest.mark.slow  # every chunk, the first included (its 4 s are the default run's dearest)
@pytest.mark.parametrize("index", range(len(CHUNKS)))
def test_naughty_strings_every_chunk(tmp_path: Path, index: int) -> None:
    run_chunk(tmp_path, CHUNKS[index])


SUITE = sorted((DATA / "corpora" / "yaml-test-suite").glob("*.yaml"))


@pytest.mark.parametrize("files", [pytest.param(SUITE[::10], id="every-tenth"),
                                   pytest.param(SUITE, id="all", marks=pytest.mark.slow)])
def test_yaml_test_suite_through_progress(tmp_path: Path, files: list[Path]) -> None:
    data = write(tmp_path / "d.csv", "participant_id,date,program\n0100000001,2025-01-05,"
                                     "voluntary_si\n")
    for path in files:
        result = run("progress", path, data)
        assert result.exit_code == 2, (path, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines()[-1].startswith("sspost: error: ")
