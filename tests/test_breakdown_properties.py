"""Property: every breakdown adds up, parents hold their own participants plus their children's,
each participant lands in exactly the row of their earliest record under the tie rule (SPEC
section 4), and the rows in reverse order give the same answer."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import run

PROVINCES = ["01", "74", "77", "79", "02", "08"]
MERGED = {"01": "01", "74": "79", "77": "79", "79": "79", "02": "08", "08": "08"}


@st.composite
def trees(draw: st.DrawFn) -> list[dict]:
    units = []
    for i in range(draw(st.integers(1, 3))):
        children = [{"code": f"U{i}-{j}", "name": f"Child {j}",
                     "targets": {"voluntary_si": draw(st.integers(0, 5))}}
                    for j in range(draw(st.integers(0, 3)))]
        parent_target = sum(c["targets"]["voluntary_si"] for c in children) + draw(
            st.integers(0, 5))
        units.append({"code": f"U{i}", "name": f"Unit {i}",
                      "targets": {"voluntary_si": parent_target}, "units": children})
    return units


def codes(units: list[dict]) -> list[str]:
    return [c for u in units for c in (u["code"], *codes(u.get("units", [])))]


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[dict], list[tuple[str, str, str, str, str, str]]]:
    units = draw(trees())
    unit_choices = [*codes(units), "ZZ", ""]
    records = draw(st.lists(st.tuples(
        st.integers(1, 12).map(lambda i: f"{i:010d}"),
        # Few days and a few times of day: ties on a participant's earliest day are common.
        st.tuples(st.integers(0, 20), st.sampled_from(["", " 08:00", " 09:30", "T09:30:00"]))
        .map(lambda d: (dt.date(2025, 1, 1) + dt.timedelta(d[0])).isoformat() + d[1]),
        st.sampled_from(["voluntary_si", "household_hi"]),
        st.sampled_from(unit_choices),
        st.sampled_from(PROVINCES),
        st.sampled_from(["S1", "S2", "S3", ""]),
    ), min_size=1, max_size=40))
    return units, records


def subtree(unit: dict) -> list[str]:
    return [unit["code"], *[c for child in unit.get("units", []) for c in subtree(child)]]


QUICK = settings(max_examples=2, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])
LONGER = settings(QUICK, max_examples=12, derandomize=False)


@QUICK
@given(case=cases())
def test_breakdowns_add_up(tmp_path: Path, case: tuple[list[dict], list[tuple]]) -> None:
    """A few fixed cases in the default run (each is eight runs of the CLI)."""
    breakdowns_add_up(tmp_path, case)


@pytest.mark.slow  # .ci/run runs it
@LONGER
@given(case=cases())
def test_breakdowns_add_up_on_more_cases(tmp_path: Path,
                                         case: tuple[list[dict], list[tuple]]) -> None:
    breakdowns_add_up(tmp_path, case)


def breakdowns_add_up(tmp_path: Path, case: tuple[list[dict], list[tuple]]) -> None:
    units, records = case
    plan = {"schema_version": 1, "name": "P", "period": {"start": "2025-01-01",
                                                         "end": "2025-12-31"},
            "programs": {"voluntary_si": {"label": "V", "target": 10},
                         "household_hi": {"label": "H", "target": 10}},
            "units": units}
    plan_path = tmp_path / "plan.json.yaml"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")  # JSON is YAML
    data, backwards = tmp_path / "data.csv", tmp_path / "backwards.csv"
    for path, rows in ((data, records), (backwards, records[::-1])):
        path.write_text("participant_id,date,program,unit,province,staff_id\n"
                        + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")

    def order(record: tuple[str, ...]) -> tuple[object, ...]:
        """The tie rule, written out here: day, time of day (none: the start of the day),
        unit, province after the merger, staff id; an empty value after any other."""
        _, when, _, unit, province, staff = record
        day, time = when[:10], when[11:16] or "00:00"
        return (day, time, unit == "", unit, province == "", MERGED.get(province, ""),
                staff == "", staff)

    first: dict[tuple[str, str], tuple] = {}
    for record in records:
        key = (record[2], record[0])  # (program, participant)
        if key not in first or order(record) < order(first[key]):
            first[key] = record
    first = {k: (r[1][:10], None, r[3], r[4], r[5]) for k, r in first.items()}
    for by in ("unit", "province", "month", "staff"):
        result = run("progress", plan_path, data, "--as-of", "2025-12-31", "--by", by,
                     "-f", "json")
        assert result.exit_code == 0, result.stderr
        doc = json.loads(result.stdout)
        reversed_doc = run("progress", plan_path, backwards, "--as-of", "2025-12-31", "--by",
                           by, "-f", "json").json()
        for d in (doc, reversed_doc):  # the same figures; only the file name differs
            for f in d["reconciliation"]["files"]:
                f.pop("path"), f.pop("sha256")
        assert doc["programs"] == reversed_doc["programs"]
        assert doc["breakdown"] == reversed_doc["breakdown"]
        for program in ("voluntary_si", "household_hi"):
            people = {pid: v for (p, pid), v in first.items() if p == program}
            total = next(p["achieved"] for p in doc["programs"] if p["program"] == program)
            assert total == len(people)
            rows = [r for r in doc["breakdown"]["rows"] if r["program"] == program]
            if by == "unit":
                by_code = {r["unit"]: r["achieved"] for r in rows}
                own = {c: sum(1 for v in people.values() if v[2] == c) for c in codes(units)}
                for unit in [u for top in units for u in (top, *top["units"])]:
                    assert by_code[unit["code"]] == sum(own[c] for c in subtree(unit))
                top_level = sum(by_code[u["code"]] for u in units)
                assert top_level + by_code.get("(unassigned)", 0) == total
            else:
                assert sum(r["achieved"] for r in rows) == total
            if by == "province":
                expected: dict[str, int] = {}
                for v in people.values():
                    expected[MERGED[v[3]]] = expected.get(MERGED[v[3]], 0) + 1
                assert {r["province"]: r["achieved"] for r in rows} == expected
            if by == "staff":
                expected = {}
                for v in people.values():
                    expected[v[4] or "(none)"] = expected.get(v[4] or "(none)", 0) + 1
                assert {r["staff_id"]: r["achieved"] for r in rows} == expected
