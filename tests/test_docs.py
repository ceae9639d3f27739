"""Docs that cannot drift: every command is in the README, and its output excerpt is real."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import typer
from tests.conftest import ROOT, run

from sspost.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert set(commands) == {"progress", "check", "report", "renewals", "validate", "schema",
                             "sample", "diff", "plan"}
    for name in commands:
        assert f"`sspost {name}" in README, name
    assert set(commands["plan"].commands) == {"next"}
    assert "`sspost plan next" in README


def test_readme_starts_with_the_two_commands() -> None:
    blocks = README.split("```sh\n")[1:3]
    assert blocks[0].startswith('python3 -m venv .venv && . .venv/bin/activate && pip install '
                                '-e ".[test]" && sspost progress targets/examples/hanoi-2025.yaml '
                                "data/sample-hanoi-2025.csv --by unit\n")
    assert blocks[1].startswith("python -m pytest\n")
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def readme_examples() -> list[tuple[str, str]]:
    """Each ```text block of the README that starts with `$ command`: the command, the rest."""
    found = []
    for block in README.split("```text\n")[1:]:
        body = block.split("```\n", 1)[0]
        if body.startswith("$ "):
            command, _, shown = body.partition("\n")
            found.append((command[2:], shown))
    return found


def test_every_readme_example_prints_what_it_shows() -> None:
    """Issue #22: the README's examples are what the commands print today, whole, in order.
    A pipeline (the diff example) is checked by the test below, which builds its change."""
    examples = readme_examples()
    plain = [(c, shown) for c, shown in examples if "|" not in c]
    assert len(plain) >= 3 and len(examples) - len(plain) == 1
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        for command, shown in plain:
            words = shlex.split(command)
            quiet = words[-1] == "2>/dev/null"
            assert words[0] == "sspost"
            result = run(*words[1:len(words) - quiet])
            assert result.stdout + ("" if quiet else result.stderr) == shown, command
    finally:
        os.chdir(old)


def test_the_first_run_shows_the_product() -> None:
    """The example plan and its sample: valid, and units in every status (issue #13)."""
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        result = run("progress", "targets/examples/hanoi-2025.yaml", "data/sample-hanoi-2025.csv",
                     "--by", "unit", "-f", "json")
        table = run("progress", "targets/examples/hanoi-2025.yaml", "data/sample-hanoi-2025.csv",
                    "--by", "unit")
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.stderr
    statuses = {r["status"] for r in result.json()["breakdown"]["rows"]}
    assert {"on_track", "at_risk", "behind"} <= statuses
    excerpt = table.stdout.split("Household health insurance: Unit")[0]
    unit_table = excerpt.split("Voluntary social insurance: Unit")[1]
    assert unit_table in README
    assert run("validate", ROOT / "targets" / "examples" / "hanoi-2025.yaml").exit_code == 0
    sample = run("sample", "--rows", "30000", "--province", "01")
    assert sample.stdout == (ROOT / "data" / "sample-hanoi-2025.csv").read_text(encoding="utf-8")


def test_readme_shows_a_real_plan_diff(tmp_path: Path) -> None:
    """The README's diff excerpt: the example plan with two targets raised, as a PR would."""
    plan = ROOT / "targets" / "examples" / "hanoi-2025.yaml"
    text = plan.read_text(encoding="utf-8")
    changed = text.replace("target: 29730", "target: 31000").replace(
        '"01-012", name: Gia Lâm, targets: {voluntary_si: 220',
        '"01-012", name: Gia Lâm, targets: {voluntary_si: 300')
    new = tmp_path / "hanoi-2025.yaml"
    new.write_text(changed, encoding="utf-8")
    out = run("diff", plan, new).stdout.splitlines()
    assert len(out) == 4
    for line in out[1:]:
        assert line + "\n" in README
