"""Loading target files: the shipped plan, and problems located at line and column."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PLAN, ROOT, run, write

from sspost.targets import load_targets


def test_the_shipped_2025_plan() -> None:
    plan = load_targets(str(ROOT / "targets" / "2025.yaml"))
    assert plan.period.start.isoformat() == "2025-01-01"
    vsi, hi = plan.programs["voluntary_si"], plan.programs["household_hi"]
    assert (vsi.target, hi.target) == (1_250_000, 18_500_000)
    assert vsi.baseline and vsi.baseline.participants == 1_200_000
    assert vsi.baseline.national_share == 0.547
    assert hi.baseline and (hi.baseline.participants, hi.baseline.national_share) == (
        15_000_000, 0.625)
    assert [(t.program, t.participants, str(t.as_of)) for t in plan.national_totals] == [
        ("voluntary_si", 2_016_000, "2025-11-30")]
    assert plan.campaigns[0].per_staff == {"voluntary_si": 2, "household_hi": 5}
    assert plan.units == []
    assert run("validate", ROOT / "targets" / "2025.yaml").exit_code == 0


def validate(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path / "t.yaml", text)
    result = run("validate", path)
    assert result.exit_code in (0, 1), result.stderr
    return [line.replace(str(path), "t.yaml") for line in result.stdout.splitlines()]


def test_problems_are_located(tmp_path: Path) -> None:
    text = PLAN.replace("    target: 100\n", "    target: 100\n    taget: 5\n").replace(
        "period: {start: 2025-01-01, end: 2025-12-31}",
        "period: {start: 2025-01-01, end: 2025-02-30}")
    assert validate(tmp_path, text) == [
        "t.yaml:3:34: error: period.end: no such date: 2025-02-30 [date]",
        't.yaml:9:5: error: programs.voluntary_si.taget: unknown key "taget" '
        '(did you mean "target"?) [unknown-key]',
    ]


def test_duplicate_keys_and_wrong_types(tmp_path: Path) -> None:
    text = PLAN.replace("    target: 10\n", '    target: "10"\n    target: 11\n')
    assert validate(tmp_path, text) == [
        "t.yaml:13:13: error: programs.household_hi.target: must be a valid integer (got '10') "
        "[type]",
        't.yaml:14:5: error: programs.household_hi.target: key "target" repeated (first at line '
        "13); YAML would keep only the last [duplicate-key]",
    ]


def test_unquoted_unit_code_loses_its_zero_and_is_an_error(tmp_path: Path) -> None:
    text = PLAN + "units:\n  - {code: 01, name: Hà Nội}\n"
    assert validate(tmp_path, text) == [
        "t.yaml:19:12: error: units[0].code: must be a valid string (got 1) [type]"]
