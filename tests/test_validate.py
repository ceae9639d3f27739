"""`sspost validate`: every rule located at its line and column, every format, the corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tests.conftest import DATA, ROOT, run

HEAD = """\
schema_version: 1
name: Rules
period: {start: 2025-01-01, end: 2025-12-31}
programs:
  voluntary_si: {label: V, target: 100, aliases: [BHXH_TN]}
  household_hi: {label: H, target: 50}
"""  # 6 lines: whatever a case adds starts on line 7


def problems(tmp_path: Path, text: str, *args: str) -> tuple[int, list[str]]:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("validate", path, "--format", "text", *args)
    assert "Traceback" not in result.stderr
    return result.exit_code, [line.replace(str(path), "t") for line in result.stdout.splitlines()]


CASES = {
    "schema-version": (HEAD.replace("schema_version: 1", "schema_version: 2"),
                       "t:1:17: error: schema_version: unsupported schema_version 2 (this sspost "
                       "reads version 1) [schema-version]"),
    "unknown-key": (HEAD + "thresholds: {on_trak: 1.0}\n",
                    't:7:14: error: thresholds.on_trak: unknown key "on_trak" (did you mean '
                    '"on_track"?) [unknown-key]'),
    "duplicate-key": (HEAD + "name: Again\n",
                      't:7:1: error: name: key "name" repeated (first at line 2); YAML would '
                      "keep only the last [duplicate-key]"),
    "type": (HEAD.replace("target: 50", "target: fifty"),
             "t:6:36: error: programs.household_hi.target: must be a valid integer (got 'fifty') "
             "[type]"),
    "date": (HEAD.replace("end: 2025-12-31", "end: 2025-02-29"),
             "t:3:34: error: period.end: no such date: 2025-02-29 [date]"),
    "range": (HEAD.replace("target: 50", "target: -5"),
              "t:6:36: error: programs.household_hi.target: must be >= 0 (got -5) [range]"),
    "program-code": (HEAD + "  Pension: {label: P, target: 1}\n",
                     "t:7:3: error: programs.Pension: program code 'Pension' must match "
                     "[a-z][a-z0-9_]* [program-code]"),
    "period": (HEAD.replace("start: 2025-01-01", "start: 2026-01-01"),
               "t:3:34: error: period.end: period ends (2025-12-31) before it starts (2026-01-01) "
               "[period]"),
    "alias": (HEAD.replace("target: 50}", "target: 50, aliases: [bhxh_tn]}"),
              "t:6:50: error: programs.household_hi.aliases[0]: alias \"bhxh_tn\" already names "
              "program voluntary_si [alias]"),
    "phasing-decreases": (HEAD + "phasing: {2025-06: 0.6, 2025-07: 0.5, 2025-12: 1.0}\n",
                          "t:7:34: error: phasing.2025-07: cumulative fraction decreases (0.6 -> "
                          "0.5) [phasing]"),
    "phasing-end": (HEAD + "phasing: {2025-06: 0.6, 2025-12: 0.9}\n",
                    "t:7:34: error: phasing.2025-12: the last month must reach 1.0 (got 0.9) "
                    "[phasing]"),
    "phasing-month": (HEAD + "phasing: {2024-12: 0.1, 2025-12: 1.0}\n",
                      "t:7:11: error: phasing.2024-12: month 2024-12 is outside the period "
                      "2025-01..2025-12 [phasing]"),
    "thresholds": (HEAD + "thresholds: {on_track: 0.8, at_risk: 0.9}\n",
                   "t:7:38: error: thresholds.at_risk: at_risk (0.9) must not exceed on_track "
                   "(0.8) [thresholds]"),
    "national-total-program": (HEAD + "national_totals:\n"
                               "  - {program: pension, as_of: 2025-03-01, participants: 5}\n",
                               "t:8:15: error: national_totals[0].program: program \"pension\" is "
                               "not declared under programs (voluntary_si, household_hi) "
                               "[undeclared-program]"),
    "national-total-range": (HEAD + "national_totals:\n"
                             "  - {program: voluntary_si, as_of: 2025-03-01, participants: 0}\n",
                             "t:8:62: error: national_totals[0].participants: must be > 0 "
                             "(got 0) [range]"),
    "duplicate-total": (HEAD + "national_totals:\n"
                        "  - {program: voluntary_si, as_of: 2025-03-01, participants: 5}\n"
                        "  - {program: voluntary_si, as_of: 2025-03-01, participants: 6}\n",
                        "t:9:5: error: national_totals[1]: a national total for voluntary_si at "
                        "2025-03-01 is already given at line 8 [duplicate-total]"),
    "share": (HEAD.replace("target: 50}", "target: 50, baseline: {period: '2024', "
                           "participants: 1, national_share: 1.5}}"),
              "t:6:100: error: programs.household_hi.baseline.national_share: must be <= 1.0 "
              "(got 1.5) [range]"),
    "duplicate-unit": (HEAD + "units:\n  - {code: '01', name: A}\n"
                       "  - {code: '02', name: B, units: [{code: '01', name: C}]}\n",
                       "t:9:42: error: units[1].units[0].code: unit code \"01\" is already used "
                       "at line 8 [duplicate-unit]"),
    "campaign-date": (HEAD + "campaigns:\n  - {name: L, date: 2026-04-12, per_staff: "
                      "{voluntary_si: 2}}\n",
                      "t:8:21: error: campaigns[0].date: campaign date 2026-04-12 is outside the "
                      "period 2025-01-01..2025-12-31 [campaign-date]"),
    "campaign-program": (HEAD + "campaigns:\n  - {name: L, date: 2025-04-12, per_staff: "
                         "{pension: 2}}\n",
                         "t:8:45: error: campaigns[0].per_staff.pension: program \"pension\" is "
                         "not declared under programs (voluntary_si, household_hi) "
                         "[undeclared-program]"),
    "required": (HEAD.replace("name: Rules\n", ""),
                 "t:1:1: error: name: required key is missing [required]"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_is_located(tmp_path: Path, case: str) -> None:
    text, expected = CASES[case]
    code, lines = problems(tmp_path, text)
    assert lines == [expected]
    assert code == 1


UNITS = HEAD + textwrap.dedent("""\
    units:
      - code: "01"
        name: Hà Nội
        targets: {voluntary_si: 10, household_hi: 10}
        units:
          - {code: "01-001", name: Ba Đình, targets: {voluntary_si: 6, household_hi: 4}}
          - {code: "01-002", name: Hoàn Kiếm, targets: {voluntary_si: 6, household_hi: 5}}
    """)


def test_children_above_the_parent_point_at_parent_and_children(tmp_path: Path) -> None:
    code, lines = problems(tmp_path, UNITS)
    assert lines == [
        "t:10:29: error: units[0].targets.voluntary_si: voluntary_si: children's targets sum to "
        "12, above this unit's 10 [children-sum]",
        "t:10:47: warning: units[0].targets.household_hi: household_hi: children's targets sum "
        "to 9, below this unit's 10 [children-sum]",
        "t:12:65: error: units[0].units[0].targets.voluntary_si: voluntary_si: 6 counts towards "
        "a sum above parent 01's 10 [children-sum]",
        "t:13:67: error: units[0].units[1].targets.voluntary_si: voluntary_si: 6 counts towards "
        "a sum above parent 01's 10 [children-sum]",
    ]
    assert code == 1


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    text = UNITS.replace("voluntary_si: 6, household_hi: 4", "voluntary_si: 4, household_hi: 4")
    assert problems(tmp_path, text)[0] == 0
    assert problems(tmp_path, text, "--strict")[0] == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("", "t:1:1: error: empty file: expected a target mapping [document]"),
    ("# only a comment\n", "t:1:1: error: empty file: expected a target mapping [document]"),
    ("- a\n- b\n", "t:1:1: error: the document is a list: expected a mapping of keys such as "
                   "schema_version [document]"),
    ("just words\n", "t:1:1: error: the document is a single value: expected a mapping of keys "
                     "such as schema_version [document]"),
    ("a: [1, 2\n", "t:2:1: error: while parsing a flow sequence expected ',' or ']', but got "
                   "'<stream end>' [syntax]"),
    ("a:\n\tb: 1\n", "t:2:1: error: while scanning for the next token found character '\\t' "
                     "that cannot start any token [syntax]"),
    ("\x00\x01\xff junk", "t:1:1: error: not UTF-8 text: a target file must be UTF-8 "
                          "[encoding]"),
    (HEAD + "---\n" + HEAD, "t:8:1: error: several YAML documents: a target file holds exactly "
                            "one [document]"),
])
def test_files_that_are_not_target_mappings(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(text.encode("utf-8", "surrogateescape") if "\xff" not in text
                     else text.encode("latin-1"))
    result = run("validate", path, "-f", "text")
    assert result.exit_code == 1
    assert [line.replace(str(path), "t") for line in result.stdout.splitlines()] == [expected]


def test_all_files_in_one_run_sorted(tmp_path: Path) -> None:
    b = tmp_path / "b.yaml"
    a = tmp_path / "a.yaml"
    b.write_text(HEAD.replace("target: 50", "target: -1"), encoding="utf-8")
    a.write_text(HEAD + "name: Again\nextra: 1\n", encoding="utf-8")
    result = run("validate", b, a, "-f", "text")
    located = [line.split(": ")[0].replace(str(tmp_path) + "/", "")
               for line in result.stdout.splitlines()]
    assert located == ["a.yaml:7:1", "a.yaml:8:1", "b.yaml:6:36"]
    assert result.stderr == "sspost: 3 errors, 0 warnings in 2 files\n"


def test_formats(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(HEAD.replace("target: 50", "target: -5"), encoding="utf-8")
    github = run("validate", path, "--format", "github")
    assert github.stdout == (
        f"::error file={path},line=6,col=36,title=range::programs.household_hi.target: "
        "must be >= 0 (got -5)\n")
    doc = json.loads(run("validate", path, "--format", "json").stdout)
    assert doc["errors"] == 1 and doc["warnings"] == 0
    assert doc["files"] == [{"path": str(path), "errors": 1, "warnings": 0}]
    assert doc["problems"] == [{"file": str(path), "line": 6, "column": 36, "severity": "error",
                                "rule": "range", "key": "programs.household_hi.target",
                                "message": "must be >= 0 (got -5)"}]


def test_auto_format_picks_github_under_actions(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(HEAD.replace("target: 50", "target: -5"), encoding="utf-8")
    assert run("validate", path).stdout.startswith(f"{path}:6:36: error:")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run("validate", path).stdout.startswith("::error file=")


def test_exit_codes(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(HEAD, encoding="utf-8")
    clean = run("validate", path)
    assert (clean.exit_code, clean.stdout, clean.stderr) == (0, "", "")
    missing = run("validate", path, tmp_path / "nope.yaml")
    assert missing.exit_code == 2
    assert "sspost: error: cannot open target file" in missing.stderr


def test_shipped_targets_are_valid_and_point_editors_at_the_schema() -> None:
    targets = ROOT / "targets" / "2025.yaml"
    assert run("validate", targets).exit_code == 0
    first = targets.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/targets.schema.json"


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "schema" / "targets.schema.json").read_text(encoding="utf-8")
    assert run("schema").stdout == committed, "run: sspost schema > schema/targets.schema.json"
    schema = json.loads(committed)
    assert schema["properties"]["programs"]["patternProperties"] == {
        "^[a-z][a-z0-9_]*$": {"$ref": "#/$defs/Program"}}
    assert schema["$defs"]["Program"]["additionalProperties"] is False


def test_yaml_test_suite_never_crashes() -> None:
    files = sorted((DATA / "corpora" / "yaml-test-suite").glob("*.yaml"))
    assert len(files) > 300
    result = run("validate", "--format", "json", *files)
    assert result.exit_code == 1  # none of them is a target file
    doc = json.loads(result.stdout)
    assert {f["path"] for f in doc["files"]} == {str(f) for f in files}
    assert all(f["errors"] > 0 for f in doc["files"])


def test_validate_and_help_do_not_load_the_engine(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from sspost.cli import app\n"
        f"CliRunner().invoke(app, ['validate', {str(ROOT / 'targets' / '2025.yaml')!r}])\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "heavy = sorted(m for m in ('duckdb', 'babel', 'jinja2') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"


EXAMPLES = DATA / "targets"


@pytest.mark.parametrize("path", sorted((EXAMPLES / "must-pass").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_examples_that_must_pass(path: Path) -> None:
    result = run("validate", path, "--strict")
    assert (result.exit_code, result.stdout) == (0, "")


@pytest.mark.parametrize("path", sorted((EXAMPLES / "must-fail").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_examples_that_must_fail(path: Path) -> None:
    result = run("validate", path)
    assert result.exit_code == 1 and result.stdout.startswith(f"{path}:")


def test_readme_shows_real_validate_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    path = "tests/data/targets/must-fail/typos.yaml"
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        result = run("validate", path)
    finally:
        os.chdir(old)
    assert result.stdout in readme


def test_rules_still_run_beside_type_errors(tmp_path: Path) -> None:
    text = HEAD.replace("target: 100", "target: -1") + textwrap.dedent("""\
        thresholds: {on_track: 0.8, at_risk: 0.9}
        units:
          - {code: "01", name: A, targets: {household_hi: 1}, units: [{code: "02", name: B,
             targets: {household_hi: 3}}]}
          - {code: "03", name: C, targets: {household_hi: "a lot"}}
        campaigns:
          - {name: L, date: 2026-01-01, per_staff: {voluntary_si: 1}}
        """)
    code, lines = problems(tmp_path, text)
    assert code == 1
    assert [line.split(" [")[-1] for line in lines] == [
        "range]", "thresholds]", "children-sum]", "children-sum]", "type]", "campaign-date]"]
    # voluntary_si was set aside for its bad target: no rule complains it is undeclared.
    assert not any("undeclared-program" in line for line in lines)
