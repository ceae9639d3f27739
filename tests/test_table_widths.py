"""What people see at a terminal: every figure whole at any width (SPEC section 6, issue #13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import DATA, ROOT

from sspost.progress import BreakdownRequest, ProgressResult, build_progress
from sspost.render import table
from sspost.render.words import Words
from sspost.targets import load_targets

RIGHT_EDGES = "│┃┓┩┘┐┤┫┪┥"


def result(plan: Path, by: str | None) -> ProgressResult:
    request = BreakdownRequest(by, None, "auto", 3) if by else None
    return build_progress(load_targets(str(plan)), "plan.yaml",
                          [str(ROOT / "data" / "sample-2025.csv")], breakdown=request)


@pytest.mark.parametrize("by", [None, "unit", "province", "month", "staff"])
def test_no_figure_is_cut_at_any_width(by: str | None) -> None:
    plan = DATA / "targets" / "must-pass" / "units-phased.yaml"
    built = result(plan, by)
    for width in (60, 80, 120, 200):
        for lang in ("en", "vi"):
            text = table.render(built, lang, False, width)
            for line in text.splitlines():
                # A unit's name may end in an ellipsis in a narrow terminal (issue #33); a
                # figure, a header or any other line never does.
                cells = line.split("│")[2:] if line.startswith("│") else [line]
                assert not any("…" in cell for cell in cells), (width, lang, line)
                assert len(line) <= width, (width, lang, line)
                if line[:1] in "│┃┏┡└┌├":  # a table's line is never cut at the right edge
                    assert line[-1:] in RIGHT_EDGES, (width, lang, line)
            words = Words(lang)
            for program in built.programs:  # the figures people read, each whole
                m = program.measures
                for figure in (words.number(m.target), words.number(m.expected),
                               words.number(m.gap), words.percent(m.attainment)):
                    assert figure in text, (width, lang, figure)


def test_the_wide_layout_when_it_fits_and_the_stacked_one_below() -> None:
    built = result(ROOT / "targets" / "2025.yaml", None)
    wide = table.render(built, "en", False, 200)
    narrow = table.render(built, "en", False, 60)
    assert "┃ Program" in wide and "18,500,000" in wide
    assert "┃ Program" not in narrow
    assert re.search(r"│ Target\s+│\s+1,250,000 │\s+18,500,000 │", narrow)


def test_xlsx_output_reads_back_typed(tmp_path: Path) -> None:
    import openpyxl
    from tests.conftest import run

    out = tmp_path / "progress.xlsx"
    result = run("progress", ROOT / "targets" / "2025.yaml", ROOT / "data" / "sample-2025.csv",
                 "-o", out, "--by", "province", "--lang", "vi")
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Tiến độ", "Theo tỉnh"]
    programs = book["Tiến độ"]
    header = [c.value for c in programs[4]]
    row = {h: c for h, c in zip(header, programs[5], strict=True)}
    assert row["Chỉ tiêu"].value == 1250000 and isinstance(row["Đã đạt"].value, int)
    assert row["Hoàn thành"].number_format == "0.0%"
    assert programs.freeze_panes == "A5"
    provinces = book["Theo tỉnh"]
    codes = [c.value for c in provinces["B"][4:]]
    assert "01" in codes or any(isinstance(c, str) and c.startswith("0") for c in codes)
    needs = run("progress", ROOT / "targets" / "2025.yaml", ROOT / "data" / "sample-2025.csv",
                "--format", "xlsx")
    assert needs.exit_code == 2 and "--output" in needs.stderr


def test_format_follows_the_output_extension_and_csv_can_carry_a_bom(tmp_path: Path) -> None:
    import json

    from tests.conftest import run

    args = (ROOT / "targets" / "2025.yaml", ROOT / "data" / "sample-2025.csv")
    assert run("progress", *args, "-o", tmp_path / "p.json").exit_code == 0
    json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert run("progress", *args, "-o", tmp_path / "p.md").exit_code == 0
    assert (tmp_path / "p.md").read_text(encoding="utf-8").startswith("**")
    assert run("progress", *args, "-o", tmp_path / "p.csv", "--bom").exit_code == 0
    assert (tmp_path / "p.csv").read_bytes().startswith(b"\xef\xbb\xbfprogram,label")


def test_markdown_breakdowns_carry_the_tables_columns() -> None:
    from sspost.render import markdown

    plan = DATA / "targets" / "must-pass" / "units-phased.yaml"
    month = markdown.render(result(plan, "month"), "en")
    assert "| Program | Month | New | Cumulative | Expected | vs last month |" in month
    assert "| Voluntary social insurance | 2025-02 |" in month
    staff = markdown.render(result(plan, "staff"), "vi")
    assert "| Chương trình | Nhân viên | Đã đạt | Tỷ trọng |" in staff
    assert "| Target |" not in markdown.render(result(plan, "month"), "en").split("Month")[1]


def test_at_80_columns_a_vietnamese_unit_breakdown_stays_a_table() -> None:
    """Issue #33: empty columns go and names end in an ellipsis before rows become blocks."""
    plan = ROOT / "targets" / "examples" / "hanoi-2025.yaml"
    built = build_progress(load_targets(str(plan)), "plan.yaml",
                           [str(ROOT / "data" / "sample-hanoi-2025.csv")],
                           breakdown=BreakdownRequest("unit", None, "auto", None))
    for lang in ("en", "vi"):
        narrow = table.render(built, lang, False, 80).splitlines()
        wide = table.render(built, lang, False, 140).splitlines()
        assert len(narrow) <= len(wide) + 15, (lang, len(narrow), len(wide))
        rows = [line for line in narrow if "01-009" in line]
        assert len(rows) == 2 and all(line.endswith("│") for line in rows)  # one line a unit


def test_columns_with_nothing_in_them_are_left_out(tmp_path: Path) -> None:
    """No national totals, no baseline, every unit reporting: no column says only `-`."""
    from tests.conftest import run

    hanoi = ROOT / "targets" / "examples" / "hanoi-2025.yaml"
    data = ROOT / "data" / "sample-hanoi-2025.csv"
    table = run("progress", hanoi, data, "--by", "unit").stdout
    header_lines = [line for line in table.splitlines() if line.startswith("┃")]
    assert header_lines and not any("National share" in h or "vs baseline" in h or
                                    "┃ Data" in h for h in header_lines)
    national = run("progress", ROOT / "targets" / "2025.yaml",
                   ROOT / "data" / "sample-2025.csv").stdout
    assert "National share" in national  # the plan gives national totals: the column stays
    # A unit with a target that sent nothing: the column says so.
    few = tmp_path / "few.csv"
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    few.write_text("".join(line for i, line in enumerate(lines)
                           if i == 0 or "01-001" not in line), encoding="utf-8")
    assert "sent no data" in run("progress", hanoi, few, "--by", "unit").stdout


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_at_80_columns_a_unit_keeps_its_status_gap_and_rate_needed(lang: str) -> None:
    """What a unit must do survives the narrow terminal: attainment and pace go first."""
    built = build_progress(load_targets(str(ROOT / "targets" / "examples" / "hanoi-2025.yaml")),
                           "plan.yaml", [str(ROOT / "data" / "sample-hanoi-2025.csv")],
                           breakdown=BreakdownRequest("unit", None, "auto", None))
    words = Words(lang)
    text = table.render(built, lang, False, 80)
    heads = [line for line in text.splitlines() if line.startswith("┃") and
             words.word("breakdown.unit") in line]
    assert heads
    for head in heads:
        for kept in ("status", "gap", "required_per_day"):
            assert words.label(kept) in head, (lang, kept, head)
        assert words.label("attainment") not in head
