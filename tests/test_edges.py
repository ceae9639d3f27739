"""Safety at the edges (SPEC sections 6 and 7): no input destroyed, no id shown, no traceback,
no hang. Each test runs the real CLI and checks the exit code, the one-line message, that the
inputs are unchanged, and that no id appears in what was printed or written."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import PLAN, ROOT, Run, csv_file, output_text, run, write

from sspost import cli_options
from sspost.shown import clean, for_chart, for_markdown, mask_ids

UNITS_PLAN = PLAN + """\
units:
  - {code: "01", name: Hà Nội, targets: {voluntary_si: 50}}
"""
IDS_WRITTEN = ["0123-456-789", "012 345 6789", "0123.456.789", "0123456789", "012345678901",
               "0123 4567 8901", "0123  456  789", "0123 - 456 - 789", "0123\u2013456\u2013789",
               "7,912,345,678", "123 456 789 0", "001.095.012.345", "0123\u00a0456\u00a0789"]


def digest(*paths: Path) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def one_line_error(result: Run, code: int = 2) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sspost: error: ")
    assert "Traceback" not in result.stderr and "╭" not in result.stderr
    return lines[0]


def no_id_in(text: str, ids: list[str]) -> None:
    for written in ids:
        assert written not in text
        assert "".join(ch for ch in written if ch.isdigit()) not in text


# --- data loss -----------------------------------------------------------------------------

@pytest.mark.parametrize("option", ["--output", "--rejects", "--db"])
def test_an_output_naming_an_input_is_refused_before_reading(tmp_path: Path, plan: Path,
                                                             option: str) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])
    before = digest(plan, data)
    for target in (data, plan):
        line = one_line_error(run("progress", plan, data, option, target))
        assert "is an input" in line and "refusing to overwrite" in line
    assert digest(plan, data) == before


def test_links_to_an_input_are_the_input(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])
    before = digest(data)
    (tmp_path / "soft.csv").symlink_to(data)
    os.link(data, tmp_path / "hard.csv")
    for link in ("soft.csv", "hard.csv"):
        one_line_error(run("progress", plan, data, "-o", tmp_path / link))
        one_line_error(run("check", plan, data, "--rejects", tmp_path / link))
    assert digest(data) == before


def test_report_never_overwrites_an_input_in_its_folder(tmp_path: Path, plan: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    data = csv_file(out, "progress.csv", ["0100000001,2025-01-05,voluntary_si"])
    before = digest(data)
    line = one_line_error(run("report", plan, data, "--month", "2025-01", "--output-dir", out))
    assert "progress.csv is an input" in line
    assert digest(data) == before
    assert sorted(p.name for p in out.iterdir()) == ["progress.csv"]  # nothing else written


def test_outputs_that_cannot_be_written_are_found_before_reading(tmp_path: Path,
                                                                  plan: Path) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])
    missing = tmp_path / "no-such-folder" / "out.json"
    line = one_line_error(run("progress", plan, data, "-o", missing))
    assert "cannot be written" in line
    line = one_line_error(run("progress", plan, data, "-o", tmp_path))
    assert "is a directory" in line
    line = one_line_error(run("report", plan, data, "--month", "2025-01", "--output-dir", data))
    assert "is a file, not a directory" in line
    same = one_line_error(run("progress", plan, data, "-o", tmp_path / "x.csv",
                              "--rejects", tmp_path / "x.csv"))
    assert "name the same file" in same


# --- privacy ---------------------------------------------------------------------------------

def test_a_file_without_header_does_not_print_its_first_row(tmp_path: Path, plan: Path) -> None:
    for written in IDS_WRITTEN:
        data = tmp_path / "noheader.csv"
        data.write_text(f"{written},2025-01-05,voluntary_si\n", encoding="utf-8")
        line = one_line_error(run("progress", plan, data))
        assert "missing required column" in line
        no_id_in(line, [written])


def test_ids_written_with_separators_are_masked_everywhere(tmp_path: Path) -> None:
    plan = write(tmp_path / "plan.yaml", UNITS_PLAN)
    rows = ["0100000001,2025-01-05,voluntary_si,01"]
    rows += [f"{i},2025-01-0{n + 1},voluntary_si,01" for n, i in enumerate(IDS_WRITTEN)]
    rows += [f"0100000009,{i},voluntary_si,01" for i in IDS_WRITTEN]      # in the date column
    rows += [f"0100000009,2025-01-05,{i},01" for i in IDS_WRITTEN]        # in the program column
    rows += [f"0100000008,2025-01-05,voluntary_si,{i}" for i in IDS_WRITTEN]  # as a unit code
    data = csv_file(tmp_path, "d.csv", rows, header="participant_id,date,program,unit")
    printed: list[str] = []
    for fmt in ("table", "json", "csv", "markdown"):
        result = run("progress", plan, data, "-f", fmt, "--by", "unit")
        assert result.exit_code == 0, result.stderr
        printed += [result.stdout, result.stderr]
    for fmt in ("text", "github", "json"):
        result = run("check", plan, data, "-f", fmt)
        assert result.exit_code == 1
        printed += [result.stdout, result.stderr]
    report = tmp_path / "report"
    assert run("report", plan, data, "--month", "2025-01", "--output-dir", report).exit_code == 0
    printed += [output_text(p) for p in report.iterdir()]
    everything = "\n".join(printed)
    assert "name unit codes not in the target file" in everything
    assert "**********89" in everything or "********89" in everything
    for written in IDS_WRITTEN:
        assert written not in everything, written


def test_a_wrong_encoding_prints_no_file_content(tmp_path: Path, plan: Path) -> None:
    data = tmp_path / "d.csv"
    body = "".join(f"0{n:09d},2025-01-05,voluntary_si\n" for n in range(5000))
    data.write_text("participant_id,date,program\n" + body, encoding="utf-8")
    for encoding in ("utf-16", "utf-32"):
        line = one_line_error(run("progress", plan, data, "--encoding", encoding))
        assert len(line) < 1200
        no_id_in(line, ["0000000001", "0000004999"])


# --- no traceback --------------------------------------------------------------------------

def test_hostile_text_in_data_is_shown_as_written(tmp_path: Path) -> None:
    label = 'Voluntary [/b] SI [link=https://example.org]x[/link] $\\frac$ <script>|'
    plan = write(tmp_path / "plan.yaml", UNITS_PLAN.replace(
        "label: Voluntary social insurance", f"label: {label!r}".replace("'", '"')
        .replace('\\\\', '\\\\\\\\')))
    assert run("validate", plan).exit_code == 0
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si,[/x],01",
                                        "0100000002,2025-01-06,voluntary_si,\x1b[31mred,01",
                                        "0100000003,2025-01-06,voluntary_si,$x^2$,\u202e01"],
                    header="participant_id,date,program,staff_id,unit")
    table = run("progress", plan, data, "--by", "staff")
    assert table.exit_code == 0, table.stderr
    assert "[/x]" in table.stdout and "[/b]" in table.stdout and "[link=" in table.stdout
    assert "\x1b" not in table.stdout + table.stderr and "\u202e" not in table.stderr
    as_csv = run("progress", plan, data, "-f", "csv", "--by", "staff").stdout
    assert "\x1b" not in as_csv and "[/x]" in as_csv
    markdown = run("progress", plan, data, "-f", "markdown", "--by", "staff").stdout
    assert "<script>" not in markdown and "\\<script\\>" in markdown and "\\[/x\\]" in markdown
    out = tmp_path / "report"
    result = run("report", plan, data, "--month", "2025-01", "--output-dir", out)
    assert result.exit_code == 0, result.stderr
    assert "<script>" not in (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("encoding", ["rot13", "hex", "base64", "zlib", "idna", "bogus"])
def test_encodings_that_are_not_text_encodings(tmp_path: Path, plan: Path,
                                               encoding: str) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])
    line = one_line_error(run("progress", plan, data, "--encoding", encoding))
    assert "--encoding" in line


def test_a_header_ending_in_a_bare_cr(tmp_path: Path, plan: Path) -> None:
    data = tmp_path / "cr.csv"
    data.write_bytes(b"participant_id,date,program\r0100000001,2025-01-05,voluntary_si\r"
                     b"0100000002,2025-01-06,voluntary_si\r")
    result = run("progress", plan, data, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["programs"][0]["achieved"] == 2


def test_huge_numbers_and_bad_months(tmp_path: Path, plan: Path) -> None:
    big = write(tmp_path / "big.yaml", PLAN.replace("target: 100", "target: " + "3" * 330))
    result = run("validate", big)
    assert result.exit_code == 1 and "must be <= 1,000,000,000" in result.stdout
    assert len(result.stdout.splitlines()[0]) < 300
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])
    result = run("progress", big, data)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].endswith(f"the target file has 1 problem; "
                                                   f"`sspost validate {big}` explains them")
    for month in ("0000-01", "2025-13", "2025-1", "x"):
        line = one_line_error(run("report", plan, data, "--month", month, "--output-dir",
                                  tmp_path / "r"))
        assert "--month" in line


def test_stdout_on_a_full_disk(tmp_path: Path, plan: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full")
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "sspost", "progress", str(plan), str(data)],
                              stdout=full, stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == ("sspost: error: cannot write the output: "
                                            "No space left on device")
    assert "Traceback" not in done.stderr


def test_ctrl_c_and_internal_errors(tmp_path: Path, plan: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug holding 0123456789")

    import sspost.progress
    monkeypatch.setattr(sspost.progress, "build_progress", interrupted)
    result = run("progress", plan, data)
    assert result.exit_code == 130 and result.stderr == "sspost: interrupted\n"
    monkeypatch.setattr(sspost.progress, "build_progress", broken)
    line = one_line_error(run("progress", plan, data), code=3)
    assert "internal error" in line and "--debug" in line and "0123456789" not in line
    debugged = run("--debug", "progress", plan, data)  # the traceback, its ids masked too
    assert debugged.exit_code == 3 and "Traceback" in debugged.stderr
    assert "RuntimeError: a bug holding ********89" in debugged.stderr
    assert "0123456789" not in debugged.stderr


# --- hangs and blow-ups ----------------------------------------------------------------------

def test_yaml_alias_bombs_and_deep_nesting_are_problems(tmp_path: Path) -> None:
    levels = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    bomb = write(tmp_path / "bomb.yaml", "\n".join(levels) + "\n")
    result = run("validate", bomb)
    assert result.exit_code == 1 and "[limit]" in result.stdout
    assert "aliases expand the file" in result.stdout
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])
    assert run("progress", bomb, data).exit_code == 2
    deep = write(tmp_path / "deep.yaml", "a: " + "[" * 600 + "]" * 600 + "\n")
    result = run("validate", deep)
    assert result.exit_code == 1 and "nesting deeper than 64 levels [limit]" in result.stdout
    loop = write(tmp_path / "loop.yaml", "a: &x [1, *x]\n")
    assert "[limit]" in run("validate", loop).stdout


def test_threads_are_bounded(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])
    line = one_line_error(run("progress", plan, data, "--threads", "100000"))
    assert "--threads" in line
    assert cli_options.threads_option(1000) == (os.cpu_count() or 1)
    assert run("progress", plan, data, "--threads", "1000").exit_code == 0


def test_wide_and_long_headers(tmp_path: Path, plan: Path) -> None:
    wide = tmp_path / "wide.csv"
    names = ["participant_id", "date", "program", *(f"c{i}" for i in range(400_000))]
    wide.write_text(",".join(names) + "\n0100000001,2025-01-05,voluntary_si\n", encoding="utf-8")
    line = one_line_error(run("progress", plan, wide))
    assert "400,003 columns" in line
    long = tmp_path / "long.csv"
    long.write_text("notes_" + "x" * 70_000 + ",participant_id,date,program\n"
                    "n,0100000001,2025-01-05,voluntary_si\n", encoding="utf-8")
    result = run("progress", plan, long, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["programs"][0]["achieved"] == 1


# --- validate and progress agree -------------------------------------------------------------

@pytest.mark.parametrize("value", ["abc", "-0.5", "1.5", "null", ".inf", ".nan"])
def test_every_value_validate_accepts_progress_accepts(tmp_path: Path, value: str) -> None:
    plan = write(tmp_path / "p.yaml", PLAN + f"phasing: {{2025-01: {value}, 2025-12: 1.0}}\n")
    result = run("validate", plan)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{plan}:") and "phasing.2025-01" in result.stdout
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])
    progress = run("progress", plan, data)
    assert progress.exit_code == 2 and "0 problem" not in progress.stderr


def test_one_bad_list_item_does_not_hide_the_next_ones_problems(tmp_path: Path) -> None:
    plan = write(tmp_path / "p.yaml", PLAN.replace("schema_version: 1", "schema_version: 7") + """\
campaigns:
  - {name: A, date: 2025-04-12, per_staff: 5}
  - {name: B, date: 2026-04-12, per_staff: {voluntary_si: 2}}
""")
    lines = run("validate", plan).stdout.splitlines()
    keys = [line.split(": ")[2] for line in lines]
    assert keys == ["schema_version", "campaigns[0].per_staff", "campaigns[1].date"], lines
    assert lines[2].startswith(f"{plan}:") and ":" in lines[2]


# --- messages ------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["--format", "nope"], ["--memory-limit", "-5MB"], ["--by", "planet"],
    ["--as-of", "yesterday"], ["--depth", "0"], ["--no-such-option"],
])
def test_bad_option_values_are_one_line(tmp_path: Path, plan: Path, args: list[str]) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si"])
    line = one_line_error(run("progress", plan, data, *args))
    assert "Value error" not in line
    assert args[0] in line


def test_fail_on_and_strict_say_why(tmp_path: Path, plan: Path) -> None:
    data = csv_file(tmp_path, "d.csv", ["0100000001,2025-01-05,voluntary_si",
                                        "0100000002,2025-02-30,voluntary_si"])
    result = run("progress", plan, data, "--fail-on", "behind", "-f", "json")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == ("sspost: error: --fail-on behind: voluntary_si, "
                                              "household_hi are behind")
    result = run("progress", plan, data, "--strict", "-f", "json")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "sspost: error: --strict: 1 row rejected"


# --- the sanitiser itself --------------------------------------------------------------------

def test_mask_ids_finds_ids_however_written_and_keeps_dates_and_counts() -> None:
    for written in IDS_WRITTEN:
        last_two = re.sub(r"\D", "", written)[-2:]
        assert mask_ids(f"x {written} y").endswith(f"{last_two} y")
        assert written not in mask_ids(f"x {written} y")
    for kept in ("2025-03-01", "2025-03-01 10:15:00", "01/02/2025", "1,250,000",
                 "18.500.000", "20,000,000,000", "NV01001", "line 1234567"):
        assert mask_ids(kept) == kept
    assert clean("a\x1b[31mb\u202ec\nd") == "a\ufffd[31mb\ufffdc d"
    assert for_markdown("a|b<c>[d](e)") == "a\\|b\\<c\\>\\[d\\](e)"
    assert for_chart("$x$") == "\\$x\\$"


def test_the_edge_lives_in_one_place() -> None:
    text = (ROOT / "src" / "sspost" / "cli.py").read_text(encoding="utf-8")
    assert "typer.echo(" not in text.replace('typer.echo(f"sspost {__version__}")', "")


def test_a_reader_that_goes_away_ends_the_run_quietly() -> None:
    child = subprocess.Popen([sys.executable, "-m", "sspost", "sample", "--rows", "300000"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.readline()
    child.stdout.close()  # as `| head -1` does
    errors = child.stderr.read()
    child.stderr.close()
    assert child.wait() == 2
    assert errors == b""
