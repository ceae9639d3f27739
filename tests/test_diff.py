"""`sspost diff`: plan changes matched by identity, through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import run, write

OLD = """\
schema_version: 1
name: Plan
period: {start: 2025-01-01, end: 2025-12-31}
programs:
  voluntary_si:
    label: Voluntary SI
    target: 1000
    aliases: [A, B]
    baseline: {period: "2024", participants: 800}
  household_hi: {label: Household HI, target: 500}
  old_program: {label: Old, target: 5}
national_totals:
  - {program: voluntary_si, as_of: 2025-03-31, participants: 4000}
  - {program: voluntary_si, as_of: 2025-06-30, participants: 5000}
phasing: {2025-06: 0.5, 2025-12: 1.0}
thresholds: {on_track: 1.0, at_risk: 0.9}
units:
  - code: "01"
    name: Hà Nội
    targets: {voluntary_si: 600}
    units:
      - {code: "01-001", name: Ba Đình, targets: {voluntary_si: 300}}
      - {code: "01-002", name: Hoàn Kiếm, targets: {voluntary_si: 300}}
  - code: "79"
    name: Hồ Chí Minh
    targets: {voluntary_si: 400}
    units:
      - {code: "79-001", name: Quận 1, targets: {voluntary_si: 400}}
  - {code: "99", name: Gone, targets: {voluntary_si: 0}}
campaigns:
  - {name: Launch, date: 2025-04-12, per_staff: {voluntary_si: 2}}
  - {name: Autumn, date: 2025-09-01, per_staff: {voluntary_si: 1}}
"""

# The same plan, every list and mapping in another order: no change at all.
REORDERED = """\
schema_version: 1
name: Plan
period: {end: 2025-12-31, start: 2025-01-01}
programs:
  old_program: {label: Old, target: 5}
  household_hi: {target: 500, label: Household HI}
  voluntary_si:
    aliases: [B, A]
    target: 1000
    label: Voluntary SI
    baseline: {participants: 800, period: "2024"}
national_totals:
  - {program: voluntary_si, as_of: 2025-06-30, participants: 5000}
  - {program: voluntary_si, as_of: 2025-03-31, participants: 4000}
phasing: {2025-12: 1.0, 2025-06: 0.5}
thresholds: {at_risk: 0.9, on_track: 1.0}
units:
  - {code: "99", name: Gone, targets: {voluntary_si: 0}}
  - code: "79"
    name: Hồ Chí Minh
    targets: {voluntary_si: 400}
    units:
      - {code: "79-001", name: Quận 1, targets: {voluntary_si: 400}}
  - code: "01"
    name: Hà Nội
    targets: {voluntary_si: 600}
    units:
      - {code: "01-002", name: Hoàn Kiếm, targets: {voluntary_si: 300}}
      - {code: "01-001", name: Ba Đình, targets: {voluntary_si: 300}}
campaigns:
  - {name: Autumn, date: 2025-09-01, per_staff: {voluntary_si: 1}}
  - {name: Launch, date: 2025-04-12, per_staff: {voluntary_si: 2}}
"""

NEW = """\
schema_version: 1
name: Plan
period: {start: 2025-01-01, end: 2025-12-31}
programs:
  voluntary_si:
    label: Voluntary social insurance
    target: 1100
    aliases: [A, C]
    baseline: {period: "2024", participants: 850}
  household_hi: {label: Household HI, target: 500}
  new_program: {label: New, target: 7}
national_totals:
  - {program: voluntary_si, as_of: 2025-06-30, participants: 5200}
  - {program: voluntary_si, as_of: 2025-09-30, participants: 6000}
phasing: {2025-06: 0.45, 2025-12: 1.0}
thresholds: {on_track: 1.0, at_risk: 0.85}
units:
  - code: "01"
    name: Hà Nội
    targets: {voluntary_si: 600}
    units:
      - {code: "01-001", name: Ba Đình, targets: {voluntary_si: 310}}
      - {code: "79-001", name: Quận Một, targets: {voluntary_si: 400}}
  - code: "79"
    name: Hồ Chí Minh
    targets: {voluntary_si: 400}
    units:
      - {code: "79-002", name: Quận 2, targets: {voluntary_si: 100}}
campaigns:
  - {name: Launch, date: 2025-04-12, per_staff: {voluntary_si: 3}}
  - {name: Winter, date: 2025-12-01, per_staff: {voluntary_si: 1}}
"""


def _plans(tmp_path: Path) -> tuple[Path, Path, Path]:
    return (write(tmp_path / "old.yaml", OLD), write(tmp_path / "new.yaml", NEW),
            write(tmp_path / "reordered.yaml", REORDERED))


def test_a_reordered_plan_is_no_change(tmp_path: Path) -> None:
    old, _, reordered = _plans(tmp_path)
    result = run("diff", old, reordered, "--exit-code")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.endswith(": no change\n")
    assert run("diff", old, reordered, "-f", "json").json()["changes"] == []


def test_every_kind_of_change_in_json(tmp_path: Path) -> None:
    old, new, _ = _plans(tmp_path)
    result = run("diff", old, new, "-f", "json")
    # The new plan puts 01's children above 01: still compared, and failed as validate would.
    assert result.exit_code == 1
    assert "children's targets sum to 710, above this unit's 600 [children-sum]" in result.stderr
    assert result.stderr.endswith("sspost: error: 3 errors in the plans (above)\n")
    doc = result.json()
    assert (doc["schema_version"], doc["old"], doc["new"]) == (1, str(old), str(new))
    expected = [
        {"path": "programs.new_program", "kind": "added", "old": None,
         "new": {"label": "New", "label_vi": None, "target": 7, "aliases": [], "baseline": None,
                 "source": None}},
        {"path": "programs.old_program", "kind": "removed",
         "old": {"label": "Old", "label_vi": None, "target": 5, "aliases": [], "baseline": None,
                 "source": None}, "new": None},
        {"path": "programs.voluntary_si.aliases", "kind": "changed", "old": ["A", "B"],
         "new": ["A", "C"]},
        {"path": "programs.voluntary_si.baseline.participants", "kind": "changed", "old": 800,
         "new": 850, "difference": 50, "ratio": 850 / 800 - 1},
        {"path": "programs.voluntary_si.label", "kind": "changed", "old": "Voluntary SI",
         "new": "Voluntary social insurance"},
        {"path": "programs.voluntary_si.target", "kind": "changed", "old": 1000, "new": 1100,
         "difference": 100, "ratio": 1100 / 1000 - 1},
        {"path": "campaigns[Autumn,2025-09-01]", "kind": "removed",
         "old": {"per_staff": {"voluntary_si": 1}, "source": None}, "new": None},
        {"path": "campaigns[Launch,2025-04-12].per_staff.voluntary_si", "kind": "changed",
         "old": 2, "new": 3, "difference": 1, "ratio": 3 / 2 - 1},
        {"path": "campaigns[Winter,2025-12-01]", "kind": "added", "old": None,
         "new": {"per_staff": {"voluntary_si": 1}, "source": None}},
        {"path": "national_totals[voluntary_si,2025-03-31]", "kind": "removed",
         "old": {"participants": 4000, "source": None}, "new": None},
        {"path": "national_totals[voluntary_si,2025-06-30].participants", "kind": "changed",
         "old": 5000, "new": 5200, "difference": 200, "ratio": 5200 / 5000 - 1},
        {"path": "national_totals[voluntary_si,2025-09-30]", "kind": "added", "old": None,
         "new": {"participants": 6000, "source": None}},
        {"path": "phasing.2025-06", "kind": "changed", "old": 0.5, "new": 0.45,
         "difference": 0.45 - 0.5, "ratio": 0.45 / 0.5 - 1},
        {"path": "thresholds.at_risk", "kind": "changed", "old": 0.9, "new": 0.85,
         "difference": 0.85 - 0.9, "ratio": 0.85 / 0.9 - 1},
        {"path": "units[01-001].targets.voluntary_si", "kind": "changed", "old": 300,
         "new": 310, "difference": 10, "ratio": 310 / 300 - 1},
        {"path": "units[01-002]", "kind": "removed",
         "old": {"name": "Hoàn Kiếm", "parent": "01", "targets": {"voluntary_si": 300}},
         "new": None},
        {"path": "units[01].children_sum.voluntary_si", "kind": "changed", "old": 600,
         "new": 710, "difference": 110, "ratio": 710 / 600 - 1, "parent_target": 600,
         "against_parent": "above"},
        {"path": "units[79-001]", "kind": "moved", "old": "79", "new": "01"},
        {"path": "units[79-001].name", "kind": "changed", "old": "Quận 1", "new": "Quận Một"},
        {"path": "units[79-002]", "kind": "added", "old": None,
         "new": {"name": "Quận 2", "parent": "79", "targets": {"voluntary_si": 100}}},
        {"path": "units[79].children_sum.voluntary_si", "kind": "changed", "old": 400,
         "new": 100, "difference": -300, "ratio": 100 / 400 - 1, "parent_target": 400,
         "against_parent": "below"},
        {"path": "units[99]", "kind": "removed",
         "old": {"name": "Gone", "parent": None, "targets": {"voluntary_si": 0}}, "new": None},
    ]
    assert doc["changes"] == expected


def test_text_and_markdown_for_people(tmp_path: Path) -> None:
    old, new, _ = _plans(tmp_path)
    text = run("diff", old, new).stdout
    assert text.startswith(f"{old} -> {new}: 22 changes\n")
    assert "  changed  programs.voluntary_si.target: 1,000 -> 1,100 (+100, +10.0%)\n" in text
    assert "  moved    units[79-001]: from 79 to 01\n" in text
    assert ("units[01].children_sum.voluntary_si: 600 -> 710 (+110, +18.3%; children of 01 "
            "now sum to 710 of 600: above the parent)") in text
    md = run("diff", old, new, "-f", "markdown").stdout.splitlines()
    assert md[0] == f"### Plan changes: {old} → {new}".replace("_", "\\_")
    assert md[2] == "22 changes."
    assert md[4] == "| Change | Where | Old | New | Difference |"
    rows = [line for line in md[6:] if line.startswith("| ")]
    assert len(rows) == 22 and all(line.count(" | ") == 4 for line in rows)
    assert "| changed | programs.voluntary\\_si.target | 1,000 | 1,100 | +100, +10.0% |" in md


def test_exit_code_and_stdin(tmp_path: Path) -> None:
    old, new, _ = _plans(tmp_path)
    fine = write(tmp_path / "fine.yaml", OLD.replace("target: 1000", "target: 1001"))
    assert run("diff", old, fine, "--exit-code").exit_code == 1
    assert run("diff", old, fine).exit_code == 0
    from typer.testing import CliRunner

    from sspost.cli import app

    piped = CliRunner().invoke(app, ["diff", "-", str(new), "-f", "json"], input=OLD)
    assert '"old": "-"' in piped.stdout
    assert len(__import__("json").loads(piped.stdout)["changes"]) == 22


def test_both_files_are_validated_first(tmp_path: Path) -> None:
    old, _, _ = _plans(tmp_path)
    bad = write(tmp_path / "bad.yaml", OLD.replace("target: 1000", "target: -5"))
    result = run("diff", old, bad)
    assert result.exit_code == 1 and result.stdout == ""
    assert f"{bad}:7:13: error: programs.voluntary_si.target: must be >= 0" in result.stderr
    assert f"{bad}: the target file cannot be read as a plan" in result.stderr
    missing = run("diff", old, tmp_path / "nope.yaml")
    assert missing.exit_code == 2 and "cannot open target file" in missing.stderr
