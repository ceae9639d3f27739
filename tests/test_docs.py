"""Docs that cannot drift: every command is in the README, and its output excerpt is real."""

from __future__ import annotations

import os

import typer
from tests.conftest import ROOT, run

from sspost.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert set(commands) == {"progress", "check", "report", "validate", "schema", "sample"}
    for name in commands:
        assert f"`sspost {name}" in README, name


def test_readme_starts_with_the_two_commands() -> None:
    blocks = README.split("```sh\n")[1:3]
    assert blocks[0].startswith('python3 -m venv .venv && . .venv/bin/activate && pip install '
                                '-e ".[test]" && sspost progress targets/2025.yaml '
                                "data/sample-2025.csv\n")
    assert blocks[1].startswith("python -m pytest\n")
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_shows_real_progress_output() -> None:
    old = os.getcwd()
    os.chdir(ROOT)
    try:
        result = run("progress", "targets/2025.yaml", "data/sample-2025.csv")
    finally:
        os.chdir(old)
    assert result.exit_code == 0
    assert result.stdout + result.stderr in README
