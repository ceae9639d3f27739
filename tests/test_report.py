"""`sspost report`: the files, their structure, numbers equal to the JSON, and safety."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import DATA, run

PLAN = DATA / "targets" / "must-pass" / "units-phased.yaml"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "sample.csv"
    assert run("sample", "--rows", "3000", "--seed", "5", "-o", path).exit_code == 0
    return path


def make_report(tmp_path: Path, plan: Path, data: Path, *args: str) -> Path:
    out = tmp_path / "report"
    result = run("report", plan, data, "--month", "2025-06", "--output-dir", out, *args)
    assert result.exit_code == 0, result.stderr
    return out


def test_report_files_and_structure(tmp_path: Path, sample: Path) -> None:
    out = make_report(tmp_path, PLAN, sample)
    assert sorted(p.name for p in out.iterdir()) == [
        "progress.csv", "progress.json", "progress.xlsx", "report.html", "report.md"]
    html = (out / "report.html").read_text(encoding="utf-8")
    doc = json.loads((out / "progress.json").read_text(encoding="utf-8"))
    assert doc["as_of"] == "2025-06-30"
    assert doc["breakdown"]["by"] == "unit"
    # One burn-up chart and one bar chart per program, each an inline SVG with a title, axis
    # labels and a legend (matplotlib writes text as text).
    assert html.count('data-chart="burnup"') == 2 and html.count('data-chart="bars"') == 2
    assert html.count("<svg") == 4
    for words in ("cumulative participants", "Participants", "Date", "Expected (plan)",
                  "Target", "As of 2025-06-30"):
        assert words in html
    # The headline's numbers are the JSON's.
    for program in doc["programs"]:
        card = html.split(f'data-program="{program["program"]}"')[1].split("</div>\n  </div>")[0]
        achieved = re.search(r'data-field="achieved">([^<]+)<', card)
        target = re.search(r'data-field="target">([^<]+)<', card)
        status = re.search(r'data-field="status">([^<]+)<', card)
        assert achieved and achieved.group(1) == f"{program['achieved']:,}"
        assert target and target.group(1) == f"{program['target']:,}"
        assert status and status.group(1) == program["status"].replace("_", " ")
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## Units behind" in md and "## Input files and reconciliation" in md
    assert (out / "progress.csv").read_text(encoding="utf-8").startswith("program,unit,name,")


def test_report_loads_nothing_from_anywhere(tmp_path: Path, sample: Path) -> None:
    html = (make_report(tmp_path, PLAN, sample) / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)


def test_untrusted_names_are_escaped(tmp_path: Path, sample: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.read_text(encoding="utf-8").replace(
        "name: Hà Nội", 'name: "<script>alert(1)</script>"'), encoding="utf-8")
    html = (make_report(tmp_path, plan, sample) / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_reproducible_unless_stamped(tmp_path: Path, sample: Path) -> None:
    first = make_report(tmp_path / "a", PLAN, sample)
    second = make_report(tmp_path / "b", PLAN, sample)
    for name in ("report.html", "report.md", "progress.json", "progress.csv", "progress.xlsx"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    stamped = make_report(tmp_path / "c", PLAN, sample, "--stamp")
    assert "generated" in (stamped / "report.html").read_text(encoding="utf-8")


def test_vietnamese_report_and_table(tmp_path: Path, sample: Path) -> None:
    out = make_report(tmp_path, PLAN, sample, "--lang", "vi")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in html and "Báo cáo phát triển người tham gia 06/2025" in html
    assert "tính đến 30/06/2025" in html and "Tính đến 30/06/2025" in html
    assert re.search(r'data-field="target">20\.000<', html)
    table = run("progress", PLAN, sample, "--lang", "vi", "--as-of", "2025-06-30").stdout
    assert "Chỉ tiêu" in table and "20.000" in table and "30/06/2025" in table


def test_month_outside_the_period_is_a_usage_error(tmp_path: Path, sample: Path) -> None:
    result = run("report", PLAN, sample, "--month", "2026-01", "--output-dir", tmp_path)
    assert result.exit_code == 2
    assert "--month 2026-01 is outside the period" in result.stderr


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed on this machine")
def test_report_opens_in_chromium_without_console_errors(tmp_path: Path, sample: Path) -> None:
    assert CHROMIUM is not None
    html = make_report(tmp_path, PLAN, sample) / "report.html"
    profile = tmp_path / "profile"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--dump-dom", html.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert "Enrolment report 2025-06" in result.stdout
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    assert console == []
