"""`sspost renewals` (SPEC section 5a) against an independent count in plain Python.

The model below works from the SPEC's words over the rows as written: covers (a month's first
day, for `months` months or to a month's last day), one cover per payment however often it is
exported, spells joined within the grace days, each participant's state at the as-of date, who
renewed, the covers that ended and were continued, and the due not yet counted. The engine is
never asked how.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import run

EXAMPLES = int(os.environ.get("SSPOST_FUZZ_EXAMPLES", "8"))
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
GRACE = 30
PLAN = """\
schema_version: 1
name: Renewals test plan
period: {start: 2025-01-01, end: 2025-12-31}
programs:
  voluntary_si: {label: Voluntary social insurance, label_vi: Bảo hiểm xã hội tự nguyện,
                 target: 500}
  household_hi: {label: Household health insurance, target: 900}
units:
  - {code: "A", name: Unit A, targets: {voluntary_si: 200, household_hi: 400}}
  - {code: "B", name: Unit B, targets: {voluntary_si: 300, household_hi: 500}}
"""
HEADER = ["participant_id", "date", "program", "unit", "staff_id", "coverage_from"]


def month_end(start: dt.date, months: int) -> dt.date:
    """The last day of a cover of `months` months from the month of `start`."""
    index = start.year * 12 + start.month - 1 + months - 1
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Payment:
    pid: str
    program: str
    day: dt.date  # the record's date
    start: dt.date  # the cover's first day
    end: dt.date  # its last
    unit: str
    staff: str
    months: int | None = None  # a cover of whole months, from the first of `start`'s month

    @classmethod
    def of_months(cls, pid: str, program: str, day: dt.date, start: dt.date, months: int,
                  unit: str, staff: str) -> Payment:
        start = start.replace(day=1)
        return cls(pid, program, day, start, month_end(start, months), unit, staff, months)


def _write(path: Path, payments: list[Payment], *, to_month: bool) -> None:
    """One export: `Từ tháng` and `Số tháng` (whole months), or `to_month`: the first and
    last day (`Từ ngày`, `Đến ngày`), as ISO days, or as months where they are whole."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*HEADER, "coverage_to" if to_month else "months"])
        for p in payments:
            if not to_month:
                assert p.months is not None
                cover = [f"{p.start:%m/%Y}", p.months]
            elif p.months is not None and p.day.day % 2:  # whole months, written as months
                cover = [f"{p.start:%m/%Y}", f"{p.end:%m/%Y}"]
            else:
                cover = [p.start.isoformat(), p.end.isoformat()]
            writer.writerow([p.pid, p.day.isoformat(), p.program, p.unit, p.staff, *cover])


def expected(this: list[Payment], last: list[Payment], as_of: dt.date,
             known: bool = True) -> dict[str, dict[str, Any]]:
    """The SPEC's figures per program, counted in plain Python."""
    window = [(p, True) for p in this if START <= p.day <= as_of]
    window += [(p, False) for p in last if START.replace(year=2024) <= p.day
               <= END.replace(year=2024)]
    kept: dict[tuple[str, str, dt.date, dt.date], tuple[Payment, bool]] = {}
    for p, now in window:  # one cover per payment: this period's latest copy kept
        key = (p.pid, p.program, p.start, p.end)
        if key not in kept or (now, p.day) > (kept[key][1], kept[key][0].day):
            kept[key] = (p, now)
    people: dict[tuple[str, str], list[tuple[Payment, bool]]] = {}
    for (pid, program, _, _), item in kept.items():
        people.setdefault((pid, program), []).append(item)
    counted_now = {(p.pid, p.program) for p in this if START <= p.day <= as_of}
    out = {code: dict.fromkeys(["covered", "due", "overdue", "lapsed", "renewed",
                                "due_not_counted", "ended", "continued"], 0)
           for code in ("voluntary_si", "household_hi")}
    grace = dt.timedelta(days=GRACE)
    for (pid, program), covers in people.items():
        covers.sort(key=lambda item: (item[0].start, item[0].end))
        figures = out[program]
        latest_end: dt.date | None = None
        spell_start = covers[0][0].start
        renewed = False
        for i, (p, now) in enumerate(covers):
            if latest_end is None or p.start > latest_end + grace:
                spell_start = p.start
            elif now and p.start > spell_start:
                renewed = True
            latest_end = max(latest_end or p.end, p.end)
            if START <= p.end <= as_of - grace:
                figures["ended"] += 1
                following = covers[i + 1][0].start if i + 1 < len(covers) else None
                figures["continued"] += following is not None and following <= p.end + grace
        end = max(p.end for p, _ in covers)
        state = ("covered" if end >= as_of and end >= END else "due" if end >= as_of
                 else "overdue" if end >= as_of - grace else "lapsed" if end >= START else None)
        if state:
            figures[state] += 1
            figures["due_not_counted"] += state in ("due", "overdue") and \
                (pid, program) not in counted_now
        figures["renewed"] += renewed
    for figures in out.values():
        figures["renewal_rate"] = figures["continued"] / figures["ended"] \
            if figures["ended"] else None
        if not known:
            figures["due_not_counted"] = None
    return out


def histories(rng: random.Random, people: int) -> list[Payment]:
    """Payments over 2024 and 2025: on time, paid ahead, late within the grace days, back
    after a lapse, never again; covers of mixed months; some payments exported twice."""
    out = []
    for n in range(people):
        pid = f"{rng.randrange(10**9):09d}{n % 10}"
        program = rng.choice(("voluntary_si", "household_hi"))
        unit, staff = rng.choice("AB"), f"S{rng.randrange(5)}"
        start = dt.date(2024, rng.randrange(1, 13), 1)
        day = start + dt.timedelta(days=rng.randrange(28))
        while day <= dt.date(2025, 12, 20):
            if rng.random() < 0.3:  # a cover of days: any start, 20 to 400 days
                p = Payment(pid, program, day, start, start + dt.timedelta(
                    days=rng.randrange(20, 400)), unit, staff)
            else:
                p = Payment.of_months(pid, program, day, start, rng.choice((1, 3, 6, 12)),
                                      unit, staff)
            out.append(p)
            if rng.random() < 0.05:  # the same payment exported twice, maybe a day apart
                out.append(Payment(p.pid, p.program, p.day + dt.timedelta(
                    days=rng.randrange(2)), p.start, p.end, p.unit, p.staff, p.months))
            if rng.random() < 0.05:  # corrected: the same start, paid again for longer
                out.append(Payment(p.pid, p.program, p.day + dt.timedelta(days=3), p.start,
                                   p.end + dt.timedelta(days=31), p.unit, p.staff))
            luck = rng.random()
            following = p.end + dt.timedelta(days=1)
            if luck < 0.55:  # on time: paid in the cover's last weeks
                day, start = p.end - dt.timedelta(days=rng.randrange(20)), following
            elif luck < 0.65:  # well ahead
                day, start = p.end - dt.timedelta(days=rng.randrange(40, 90)), following
            elif luck < 0.75:  # late, about the grace days: the cover starts when they pay
                gap = rng.randrange(GRACE - 3, GRACE + 4)
                day = start = p.end + dt.timedelta(days=gap)
            elif luck < 0.85:  # back after a lapse
                day = start = p.end + dt.timedelta(days=rng.randrange(45, 150))
            else:
                break
            if rng.random() < 0.2:
                unit = rng.choice("AB")  # their latest record names another unit
    return out


def _files(tmp_path: Path, payments: list[Payment], year: int) -> list[Path]:
    """A year's payments in two files, one with `Số tháng` and one with `Đến tháng`."""
    mine = sorted((p for p in payments if p.day.year == year), key=lambda p: p.day)
    files = [tmp_path / f"{year}-a.csv", tmp_path / f"{year}-b.csv"]
    in_months = [p for i, p in enumerate(mine) if p.months is not None and i % 2]
    _write(files[0], in_months, to_month=False)
    _write(files[1], [p for p in mine if p not in in_months], to_month=True)
    return files


def _renewals(tmp_path: Path, payments: list[Payment], as_of: dt.date, *args: str,
              last: bool = True) -> dict[str, Any]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    before = [a for f in _files(tmp_path, payments, 2024) for a in ("--baseline-data", str(f))]
    result = run("renewals", plan, *_files(tmp_path, payments, 2025), "--as-of",
                 as_of.isoformat(), "-f", "json", *(before if last else []), *args)
    assert result.exit_code == 0, result.stderr
    return dict(result.json())


def _compare(doc: dict[str, Any], model: dict[str, dict[str, Any]]) -> None:
    for entry in doc["programs"]:
        want = model[entry["program"]]
        for key in ("covered", "due", "overdue", "lapsed", "renewed", "due_not_counted"):
            assert entry[key] == want[key], (entry["program"], key)
        assert entry["renewal_rate"] == pytest.approx(want["renewal_rate"]) \
            if want["renewal_rate"] is not None else entry["renewal_rate"] is None


@pytest.mark.parametrize("seed,as_of", [(1, dt.date(2025, 6, 30)), (2, dt.date(2025, 2, 10)),
                                        (3, dt.date(2025, 11, 30))])
def test_every_measure_agrees_with_an_independent_count(tmp_path: Path, seed: int,
                                                        as_of: dt.date) -> None:
    payments = histories(random.Random(seed), 150)
    doc = _renewals(tmp_path, payments, as_of)
    model = expected([p for p in payments if p.day.year == 2025],
                     [p for p in payments if p.day.year == 2024], as_of)
    _compare(doc, model)
    assert sum(e["lapsed"] + e["due"] for e in doc["programs"]) > 0  # the data has both
    for entry in doc["programs"]:  # the gap against the pool renewals can close
        pool = entry["due_not_counted"]
        assert entry["gap_share_of_due"] == (entry["gap"] / pool if pool else None)


def test_without_last_years_files_due_to_renew_is_unknown(tmp_path: Path) -> None:
    payments = histories(random.Random(4), 120)
    as_of = dt.date(2025, 7, 31)
    result = _renewals(tmp_path, payments, as_of, last=False)
    model = expected([p for p in payments if p.day.year == 2025], [], as_of, known=False)
    _compare(result, model)
    assert all(e["due_not_counted"] is None and e["gap_share_of_due"] is None
               for e in result["programs"])
    assert any("--baseline-data" in w for w in result["warnings"])


def test_breakdown_rows_add_up_to_the_programs(tmp_path: Path) -> None:
    payments = histories(random.Random(5), 150)
    for by in ("unit", "staff", "month"):
        doc = _renewals(tmp_path, payments, dt.date(2025, 8, 31), "--by", by)
        for entry in doc["programs"]:
            rows = [r for r in doc["breakdown"]["rows"] if r["program"] == entry["program"]]
            for key in ("covered", "due", "overdue", "lapsed", "renewed", "due_not_counted"):
                assert sum(r[key] for r in rows) == entry[key], (by, key)
            assert all(set(r) >= {"program", by} for r in rows)


def test_the_worklist_holds_exactly_the_due_overdue_and_lapsed(tmp_path: Path) -> None:
    payments = histories(random.Random(6), 150)
    as_of = dt.date(2025, 6, 30)
    worklist = tmp_path / "due.csv"
    doc = _renewals(tmp_path, payments, as_of, "--worklist", str(worklist))
    with worklist.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for entry in doc["programs"]:
        listed = [r for r in rows if r["program"] == entry["program"]]
        for state in ("due", "overdue", "lapsed"):
            assert sum(r["state"] == state for r in listed) == entry[state]
    assert len({(r["participant_id"], r["program"]) for r in rows}) == len(rows)
    ids = {p.pid for p in payments}
    assert {r["participant_id"] for r in rows} <= ids  # in full, as written
    for r in rows:
        days = (dt.date.fromisoformat(r["spell_end"]) - as_of).days
        assert int(r["days"]) == days
    # Everything but the worklist masks ids.
    text = (tmp_path / "out.txt")
    shown = run("renewals", tmp_path / "plan.yaml", *sorted(tmp_path.glob("2025-*.csv")),
                "--by", "staff", "-o", text)
    assert shown.exit_code == 0
    said = text.read_text(encoding="utf-8") + shown.stderr
    assert not any(pid in said for pid in ids)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 20,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from(("voluntary_si", "household_hi")),
                          st.integers(0, 23), st.integers(-1, 2), st.sampled_from((1, 3, 6, 12)),
                          st.integers(1, 28)), min_size=1, max_size=25),
       st.integers(0, 364))
def test_random_payment_histories(tmp_path_factory: pytest.TempPathFactory,
                                  raw: list[tuple[int, str, int, int, int, int]],
                                  as_of_day: int) -> None:
    """Any history of payments: the engine and the model agree on every figure."""
    tmp_path = tmp_path_factory.mktemp("hist")
    payments = []
    for person, program, month, shift, months, day in raw:
        paid = dt.date(2024 + month // 12, month % 12 + 1, day)
        start = paid + dt.timedelta(days=shift * 15)
        pid = f"01000000{person:02d}"
        payments.append(Payment.of_months(pid, program, paid, start, months, "A", "S1")
                        if day % 3 else Payment(pid, program, paid, start, start +
                                                dt.timedelta(days=months * 30), "A", "S1"))
    as_of = START + dt.timedelta(days=as_of_day)
    if not any(START <= p.day <= as_of for p in payments):
        payments.append(Payment.of_months("0100000099", "household_hi", START, START, 1, "A",
                                          "S1"))
    doc = _renewals(tmp_path, payments, as_of)
    _compare(doc, expected([p for p in payments if p.day.year == 2025],
                           [p for p in payments if p.day.year == 2024], as_of))


def test_a_cover_that_is_not_a_real_range_is_a_bad_row(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    data = tmp_path / "covers.csv"
    data.write_text(
        "participant_id,date,program,coverage_from,months,coverage_to\n"
        "0100000001,2025-02-01,voluntary_si,02/2025,3,\n"
        "0100000002,2025-02-01,voluntary_si,02/2025,0,\n"
        "0100000003,2025-02-01,voluntary_si,02/2025,61,\n"
        "0100000004,2025-02-01,voluntary_si,13/2025,3,\n"
        "0100000005,2025-02-01,voluntary_si,05/2025,,03/2025\n"
        "0100000006,2025-02-01,voluntary_si,2025-02-15,,2025-03-14\n"
        "0100000007,2025-02-01,voluntary_si,02/2025,three,\n", encoding="utf-8")
    result = run("check", plan, data, "-f", "json")
    assert result.exit_code == 1
    rows = result.json()["reconciliation"]["rejected_rows"]
    assert [(r["line"], r["reason"]) for r in rows] == [(3, "coverage"), (4, "coverage"),
                                                        (5, "coverage"), (6, "coverage"),
                                                        (8, "coverage")]


def test_covers_from_the_plan_are_said_and_none_at_all_stops(tmp_path: Path) -> None:
    data = tmp_path / "plain.csv"
    data.write_text("participant_id,date,program\n0100000001,2025-02-01,household_hi\n"
                    "0100000002,2024-12-20,household_hi\n", encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    stopped = run("renewals", plan, data)
    assert stopped.exit_code == 2
    assert "renewals.coverage_months" in stopped.stderr and "Từ tháng" in stopped.stderr
    plan.write_text(PLAN + "renewals: {coverage_months: {household_hi: 12}}\n", encoding="utf-8")
    result = run("renewals", plan, data, "-f", "json", "--as-of", "2025-03-31")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert "renewals.coverage_months (household_hi 12)" in doc["assumptions"][0]
    hi = next(e for e in doc["programs"] if e["program"] == "household_hi")
    assert hi["covered"] == 1  # from 1/2025 for 12 months: to 31/1/2026


def test_every_format_and_vietnamese(tmp_path: Path) -> None:
    payments = histories(random.Random(7), 60)
    _renewals(tmp_path, payments, dt.date(2025, 6, 30))
    plan = tmp_path / "plan.yaml"
    files = sorted(tmp_path.glob("2025-*.csv"))
    table = run("renewals", plan, *files, "--lang", "vi", "--as-of", "2025-06-30")
    assert "Tái tục" in table.stdout and "Đến hạn" in table.stdout
    assert "Bảo hiểm xã hội tự nguyện" in table.stdout
    for suffix in ("md", "csv", "xlsx"):
        out = tmp_path / f"renewals.{suffix}"
        assert run("renewals", plan, *files, "-o", out, "--by", "unit").exit_code == 0
        assert out.stat().st_size > 0
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "renewals.xlsx")
    assert book.sheetnames == ["Renewals", "Unit"]
    assert [c.value for c in book["Renewals"][4]][:3] == ["Program", "Covered", "Due"]
    assert book["Renewals"]["A1"].value == "Renewals test plan · Renewals"
    assert book["Renewals"]["B5"].number_format == "#,##0"


@pytest.mark.slow  # CI runs it; the default run stays under a minute
def test_progress_and_the_report_show_renewals_where_covers_are_known(tmp_path: Path) -> None:
    payments = histories(random.Random(8), 150)
    as_of = dt.date(2025, 6, 30)
    doc = _renewals(tmp_path, payments, as_of, "--by", "unit")
    plan = tmp_path / "plan.yaml"
    this, last = sorted(tmp_path.glob("2025-*.csv")), sorted(tmp_path.glob("2024-*.csv"))
    before = [a for f in last for a in ("--baseline-data", str(f))]
    progress = run("progress", plan, *this, *before, "--as-of", as_of.isoformat(), "-f", "json")
    assert progress.exit_code == 0, progress.stderr
    due = {e["program"]: e["due_not_counted"] for e in doc["programs"]}
    assert {p["program"]: p["due_to_renew"] for p in progress.json()["programs"]} == due
    table = run("progress", plan, *this, *before, "--as-of", as_of.isoformat())
    assert "Due to renew" in table.stdout
    alone = run("progress", plan, *this, "--as-of", as_of.isoformat(), "-f", "json")
    assert all(p["due_to_renew"] is None for p in alone.json()["programs"])
    assert "Due to renew" not in run("progress", plan, *this).stdout

    report = tmp_path / "report"
    made = run("report", plan, *this, *before, "--month", "2025-06", "--output-dir", report)
    assert made.exit_code == 0, made.stderr
    text = (report / "report.md").read_text(encoding="utf-8")
    assert "## Renewals" in text
    for entry in doc["programs"]:
        rows = [r for r in doc["breakdown"]["rows"] if r["program"] == entry["program"]]
        label = ("Voluntary social insurance" if entry["program"] == "voluntary_si"
                 else "Household health insurance")
        assert f"{label}: {entry['due_not_counted']:,} due to renew and not counted yet" in text
        assert f"{entry['lapsed']:,} lapsed" in text
        assert sum(r["due"] for r in rows) == entry["due"]
    assert "Renewals" in (report / "report.html").read_text(encoding="utf-8")


def test_the_grace_days_at_their_edges(tmp_path: Path) -> None:
    """A payment starting exactly `grace` days after a cover ends continues it; a day later
    starts a new spell. The same edges for the covers that ended and for overdue."""
    def paid(pid: str, day: str, start: str, end: str) -> Payment:
        return Payment(pid, "household_hi", dt.date.fromisoformat(day),
                       dt.date.fromisoformat(start), dt.date.fromisoformat(end), "A", "S1")

    as_of = dt.date(2025, 6, 30)
    last = [paid("0100000001", "2024-01-05", "2024-01-01", "2024-12-31"),
            paid("0100000002", "2024-01-05", "2024-01-01", "2024-12-31"),
            paid("0100000003", "2024-06-05", "2024-06-01", "2025-05-31")]
    this = [paid("0100000001", "2025-01-30", "2025-01-30", "2025-12-31"),  # 30 days: renewed
            paid("0100000002", "2025-01-31", "2025-01-31", "2025-12-31"),  # 31: a new spell
            paid("0100000004", "2025-02-01", "2025-02-01", "2025-05-31")]  # ends 30 days back
    for year, payments in ((2024, last), (2025, this)):
        _write(tmp_path / f"{year}-a.csv", payments, to_month=True)
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    doc = run("renewals", plan, tmp_path / "2025-a.csv", "--baseline-data",
              tmp_path / "2024-a.csv", "--as-of", as_of.isoformat(), "-f", "json").json()
    hi = next(e for e in doc["programs"] if e["program"] == "household_hi")
    model = expected(this, last, as_of)["household_hi"]
    assert (hi["renewed"], hi["covered"], hi["overdue"]) == (1, 2, 2)
    # The covers ended from the period's start to 30 days back: 0..03's and 0..04's, both on
    # 31 May (as_of less the grace days, so counted), neither continued.
    assert hi["renewal_rate"] == 0.0
    assert hi["renewed"] == model["renewed"] and hi["overdue"] == model["overdue"]
