"""`sspost report`: the files, their structure, numbers equal to the JSON, and safety."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import DATA, ROOT, run

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
    for words in ("cumulative participants", "Participants", "Expected (plan)",
                  "At this pace", "Target", "As of 2025-06-30"):
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


@pytest.mark.slow  # CI runs it; the default run stays under a minute
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


@pytest.mark.slow  # checks/report/run opens every report in Chromium too (CI runs both)
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


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _provinces_plan(tmp_path: Path) -> Path:
    """A plan whose 40 units have targets: more rows than a chart holds."""
    units = "\n".join(f'  - {{code: "U{i:02d}", name: Unit {i}, targets: {{voluntary_si: '
                      f'{10 + i}}}}}' for i in range(40))
    plan = tmp_path / "many.yaml"
    plan.write_text(f"""\
schema_version: 1
name: Many units
period: {{start: 2025-01-01, end: 2025-12-31}}
programs:
  voluntary_si: {{label: Voluntary social insurance, target: 1000}}
units:
{units}
""", encoding="utf-8")
    return plan


def test_report_html_is_a_bulletin(tmp_path: Path) -> None:
    """Unique ids, a main landmark, every chart an image with a name and a description, every
    breakdown row present though the chart draws 30, badges readable, the whole period."""
    plan = _provinces_plan(tmp_path)
    # Unit i gets i participants: attainment rises with i, so the extremes are known.
    rows = [f"{9_000_000_000 + i * 100 + k},2025-03-{1 + k % 28:02d},voluntary_si,U{i:02d}"
            for i in range(40) for k in range(i)]
    data = tmp_path / "d.csv"
    data.write_text("participant_id,date,program,unit\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    html = (make_report(tmp_path, plan, data) / "report.html").read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)) and len(ids) > 20
    assert html.count("<main>") == 1 and "<rdf:" not in html and "<metadata" not in html
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) == 2
    for svg in svgs:
        labelled = re.search(r'role="img" aria-labelledby="(\S+) (\S+)"', svg)
        assert labelled, svg
        assert f'<title id="{labelled.group(1)}">' in html
        assert f'<desc id="{labelled.group(2)}">' in html
    # The chart draws the 15 best and the 15 worst; the table lists all 40.
    table = html.split('data-table="breakdown"')[1].split("</table>")[0]
    assert all(f">U{i:02d} Unit {i}<" in table for i in range(40))
    bars = html.split('data-chart="bars"')[1].split("</figure>")[0]
    drawn = {i for i in range(40) if f"U{i:02d} Unit {i}<" in bars}
    assert drawn == set(range(15)) | set(range(25, 40))
    assert "15 highest and 15 lowest of 40 rows" in bars
    # The burn-up runs to the end of the period, past the as-of date.
    burnup = html.split('data-chart="burnup"')[1].split("</figure>")[0]
    assert "2025-12" in burnup and "from 2025-01-01 to 2025-12-31" in burnup
    for status, colour in re.findall(r"\.(achieved|on_track|at_risk|behind) \{ background: "
                                     r"(#[0-9a-f]{6}); \}", html):
        assert _contrast(colour, "#ffffff") >= 4.5, status
    assert "@page { size: A4" in html


@pytest.mark.slow  # CI runs it; the default run stays under a minute
def test_report_speaks_one_language(tmp_path: Path, sample: Path) -> None:
    """Labels, never program codes, where people read; no English words left in Vietnamese."""
    for lang in ("en", "vi"):
        out = make_report(tmp_path / lang, PLAN, sample, "--lang", lang)
        for name in ("report.html", "report.md"):
            text = (out / name).read_text(encoding="utf-8")
            visible = re.sub(r"<style>.*</style>", "", text, flags=re.S)
            visible = re.sub(r'(data-[a-z-]+|class|id|aria-labelledby)="[^"]*"', "", visible)
            assert "voluntary_si" not in visible and "household_hi" not in visible, (lang, name)
            if lang == "vi":
                for english in ("Achieved", "Target", "Status", "unassigned", " rows",
                                "accepted", "on track", "behind"):
                    assert english not in visible, (name, english)


def test_charted_keeps_the_extremes_and_says_how_many() -> None:
    """Pure: the chart's rows on built objects, without the engine."""
    import datetime as dt

    from sspost.breakdowns import BreakdownRow
    from sspost.measures import PaceThresholds, measure
    from sspost.report import charted

    def row(key: str, achieved: int, target: int | None) -> BreakdownRow:
        m = None if target is None else measure(
            target=target, achieved=achieved, start=dt.date(2025, 1, 1),
            end=dt.date(2025, 12, 31), as_of=dt.date(2025, 6, 30), phasing="linear",
            thresholds=PaceThresholds(0.95, 0.8))
        return BreakdownRow("voluntary_si", key, None, achieved, depth=2, target=target,
                            measures=m)

    few = [row(f"u{i}", i, 10) for i in range(5)]
    assert charted(few).rows == few and charted(few).complete
    many = [row(f"u{i:02d}", i, 100) for i in range(50)] + [row("none", 7, None)]
    chart = charted(many, limit=10)
    assert (chart.top, chart.bottom, chart.total) == (5, 5, 51) and not chart.complete
    assert [r.key for r in chart.rows] == [f"u{i:02d}" for i in (49, 48, 47, 46, 45,
                                                                 4, 3, 2, 1, 0)]
    assert all(r.depth == 1 for r in chart.rows)  # a ranked list has no tree to indent
    plain = [row(f"p{i}", i, None) for i in range(12)]
    assert [r.key for r in charted(plain, limit=4).rows] == ["p11", "p10", "p1", "p0"]


@pytest.mark.slow  # CI runs it; the default run stays under a minute
def test_report_compares_with_last_year(tmp_path: Path, sample: Path) -> None:
    """With last year's files the cards say last year at this date, the burn-up draws its
    curve, and the breakdown table carries it row by row."""
    last = tmp_path / "2024.csv"
    assert run("sample", "--rows", "2000", "--seed", "8", "--start", "2024-01-01", "--end",
               "2024-12-31", "-o", last).exit_code == 0
    out = make_report(tmp_path, PLAN, sample, "--baseline-data", str(last))
    html = (out / "report.html").read_text(encoding="utf-8")
    doc = json.loads((out / "progress.json").read_text(encoding="utf-8"))
    for program in doc["programs"]:
        assert program["last_year"]["as_of"] == "2024-06-30"
        card = html.split(f'data-program="{program["program"]}"')[1].split("</div>\n  </div>")[0]
        assert f"Last year at this date (2024-06-30): {program['last_year']['participants']:,}" \
            in card
    burnup = html.split('data-chart="burnup"')[1].split("</figure>")[0]
    assert ">Last year<" in burnup
    assert html.count("<th scope=\"col\" class=\"num\">vs last year</th>") == 2


def test_status_colours_stay_apart_for_colour_blind_readers() -> None:
    """Any two status colours at least 15 CIE76 units apart in normal vision and as
    protanopia and deuteranopia simulate them (Machado, Oliveira and Fernandes 2009, severity
    1), and white text on each at 4.5:1 or more (WCAG AA). The report's CSS uses them."""
    import itertools
    import math

    from sspost.render.words import STATUS_COLOURS

    simulations = {
        "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
        "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                       (-0.003882, -0.048116, 1.051998)),
        "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                         (-0.011820, 0.042940, 0.968881)),
    }

    def linear(hex_colour: str) -> tuple[float, ...]:
        values = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        return tuple(v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
                     for v in values)

    def lab(rgb: tuple[float, ...]) -> tuple[float, float, float]:
        x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047
        y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
        z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883

        def f(t: float) -> float:
            return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

        return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))

    assert set(STATUS_COLOURS) == {"achieved", "on_track", "at_risk", "behind"}
    for name, matrix in simulations.items():
        seen = {status: lab(tuple(min(1.0, max(0.0, sum(m * c for m, c in
                                                          zip(row, linear(colour), strict=True))))
                                  for row in matrix))
                for status, colour in STATUS_COLOURS.items()}
        for a, b in itertools.combinations(seen, 2):
            assert math.dist(seen[a], seen[b]) >= 15, (name, a, b)
    for colour in STATUS_COLOURS.values():
        rgb = linear(colour)
        luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
        assert 1.05 / (luminance + 0.05) >= 4.5, colour
    old = ["#145a32", "#1a7340", "#8a5a00", "#a93226"]  # the check tells the old ones apart
    old_labs = [lab(tuple(min(1.0, max(0.0, sum(m * c for m, c in zip(row, linear(h),
                                                                      strict=True))))
                          for row in simulations["deuteranopia"])) for h in old]
    assert min(math.dist(a, b) for a, b in itertools.combinations(old_labs, 2)) < 15


@pytest.mark.slow  # CI runs it; the default run stays under a minute
def test_the_report_css_uses_the_status_colours(tmp_path: Path) -> None:
    from sspost.render.words import STATUS_COLOURS

    out = tmp_path / "r"
    assert run("report", ROOT / "targets" / "2025.yaml", ROOT / "data" / "sample-2025.csv",
               "--month", "2025-06", "--output-dir", out).exit_code == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    for status, colour in STATUS_COLOURS.items():
        assert f".{status} {{ background: {colour}; }}" in html


def test_the_first_screen_says_what_must_be_done(tmp_path: Path) -> None:
    """Issue #33: per program, one sentence: status, expected by now and the shortfall, needed
    a day against the rate so far, where the period ends at this pace; then the units that
    lag with their gap and rate needed; the notes on ids at the end."""
    plan = ROOT / "targets" / "examples" / "hanoi-2025.yaml"
    data = ROOT / "data" / "sample-hanoi-2025.csv"
    out = tmp_path / "r"
    assert run("report", plan, data, "--month", "2025-11", "--output-dir", out).exit_code == 0
    doc = json.loads((out / "progress.json").read_text(encoding="utf-8"))
    md = (out / "report.md").read_text(encoding="utf-8")
    days_so_far = (dt.date.fromisoformat(doc["as_of"]) - dt.date(2025, 1, 1)).days + 1
    for p in doc["programs"]:
        short = max(p["expected"] - p["achieved"], 0)
        rate = p["achieved"] / days_so_far
        said = (f"{round(p['expected']):,} expected by now, {round(short):,} short. "
                f"{p['required_per_day']:,.0f} a day needed for the {p['days_left']} days left, "
                f"against {rate:,.1f} a day so far; at this pace the period ends at "
                f"{round(p['projected']):,} of {p['target']:,}.")
        if p["required_per_day"] < 10:
            said = said.replace(f"{p['required_per_day']:,.0f} a day",
                                f"{p['required_per_day']:,.1f} a day")
        if rate >= 10:
            said = said.replace(f"against {rate:,.1f}", f"against {rate:,.0f}")
        assert said in md, said
    headline = md.split("## By unit", 1)[0]
    assert "## Units behind" in headline and "gap " in headline  # lagging units come first
    assert "10-digit" not in headline.split("## Units behind")[0].split("> ⚠")[0]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.index('data-field="lead"') < html.index('id="behind"') < html.index('id="burnup"')
    assert html.index('id="notes"') > html.index('id="campaigns"')  # ids at the end


def test_the_burnup_projects_the_pace_and_labels_the_shortfall() -> None:
    """Built directly: where the period ends at the pace so far, and how far short of the
    target that is, worked out here from the series' own points."""
    from sspost.render.charts import burnup
    from sspost.report import ProgramSeries

    start = dt.date(2025, 1, 1)
    days = [start + dt.timedelta(days=i) for i in range(100)]
    expected = [1000 * (i + 1) / 100 for i in range(100)]
    achieved = [round(0.6 * e) for e in expected[:40]]  # 60% of the plan by day 40
    pace = achieved[-1] / expected[39]
    projection = [e * pace for e in expected[39:]]
    series = ProgramSeries("p", days, achieved, expected, 1000, days[39], 0, None,
                           projection=projection)
    svg = burnup(series, "P", "en", "b1")
    short = round(1000 - projection[-1])
    assert short == 400 and f"{short} short" in svg and "At this pace" in svg
    vi = burnup(series, "P", "vi", "b2")
    assert "thiếu 400" in vi and "T1" in vi  # months as Vietnamese write them short
    on_pace = ProgramSeries("p", days, [round(e) for e in expected[:40]], expected, 1000,
                            days[39], 0, None, projection=expected[39:])
    assert " short" not in burnup(on_pace, "P", "en", "b3")


def test_bars_carry_their_values_and_the_legend_goes_from_worst_to_best(
        tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert run("report", ROOT / "targets" / "examples" / "hanoi-2025.yaml",
               ROOT / "data" / "sample-hanoi-2025.csv", "--month", "2025-06",
               "--output-dir", out).exit_code == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    doc = json.loads((out / "progress.json").read_text(encoding="utf-8"))
    figures = re.findall(r'<figure class="chart" data-chart="bars".*?</figure>', html, re.S)
    assert figures
    rows = [r for r in doc["breakdown"]["rows"] if r["program"] == "voluntary_si"]
    bars = figures[0]
    for row in rows[:5]:  # each bar's attainment as text beside it
        assert f">{round(row['attainment'] * 100)}%<" in bars.replace(" ", ""), row["unit"]
    order = [bars.find(f">{word}<") for word in ("behind", "at risk", "on track")]
    present = [i for i in order if i >= 0]
    assert len(present) >= 2 and present == sorted(present), order


@pytest.mark.slow  # CI runs it; the default run stays under a minute
def test_a_card_says_the_national_share_only_where_the_plan_gives_totals(
        tmp_path: Path) -> None:
    for plan, data, shown in (("examples/hanoi-2025.yaml", "sample-hanoi-2025.csv", False),
                              ("2025.yaml", "sample-2025.csv", True)):
        out = tmp_path / plan.replace("/", "-")
        assert run("report", ROOT / "targets" / plan, ROOT / "data" / data, "--month",
                   "2025-11", "--output-dir", out).exit_code == 0
        html = (out / "report.html").read_text(encoding="utf-8")
        assert ('data-field="share"' in html) is shown, plan
