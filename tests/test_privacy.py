"""SPEC section 7: no participant id in full in any output, message or written file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.conftest import ROOT, output_text, run

TARGETS = ROOT / "targets" / "2025.yaml"


def test_no_id_leaks_from_any_command_or_format(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    assert run("sample", "--rows", "400", "--seed", "3", "-o", data).exit_code == 0
    lines = data.read_text(encoding="utf-8").splitlines()
    # Bad rows that put ids where they do not belong: every message must still mask them.
    lines += [
        "0123456789,0987654321,household_hi,01,01,NV01001",   # id in the date column
        "0223456789,2025-03-01,1123456789,01,01,NV01001",     # id in the program column
        "0323456789,2025-03-01,household_hi,01,2123456789,x",  # id in the province column
        "042345678,2025-03-01,household_hi,01,01,NV01001",     # a 9-digit id
        "05234567891,2025-03-01,household_hi,01,01,NV01001",   # an 11-digit id
    ]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ids = {line.split(",")[0] for line in lines[1:]} | {"0987654321", "1123456789",
                                                         "2123456789"}
    outputs: list[str] = []
    written = tmp_path / "out"
    written.mkdir()
    for fmt in ("table", "json", "csv", "markdown"):
        for lang in ("en", "vi"):
            result = run("progress", TARGETS, data, "-f", fmt, "--lang", lang,
                         "--rejects", tmp_path / "rejects.csv", "-o", written / f"{fmt}-{lang}")
            outputs += [result.stdout, result.stderr]
            result = run("progress", TARGETS, data, "-f", fmt, "--lang", lang)
            outputs += [result.stdout, result.stderr]
    for fmt in ("text", "github", "json"):
        result = run("check", TARGETS, data, "-f", fmt)
        outputs += [result.stdout, result.stderr]
    for lang in ("en", "vi"):
        result = run("report", TARGETS, data, "--month", "2025-06", "--lang", lang,
                     "--output-dir", written / f"report-{lang}")
        assert result.exit_code == 0, result.stderr
        outputs += [result.stdout, result.stderr]
        outputs += [output_text(p) for p in (written / f"report-{lang}").iterdir()]
    outputs += [output_text(p) for p in written.iterdir() if p.is_file()]
    everything = "\n".join(outputs)
    assert "********89" in everything  # masked ids are shown where a message needs one
    leaked = sorted(i for i in ids if i in everything)
    assert leaked == []
    # The rejects file is the one exception: it holds the rows as they were.
    assert "0123456789,0987654321" in (tmp_path / "rejects.csv").read_text(encoding="utf-8")


def test_csv_output_neutralises_formula_cells(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    text = (ROOT / "targets" / "2025.yaml").read_text(encoding="utf-8")
    plan.write_text(text.replace("label: Voluntary social insurance",
                                 'label: "=HYPERLINK(\\"http://x\\")"'), encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("participant_id,date,program\n0100000001,2025-01-05,voluntary_si\n",
                    encoding="utf-8")
    out = run("progress", plan, data, "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["label"] == "'=HYPERLINK(\"http://x\")"
