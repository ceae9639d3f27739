"""Command-line conventions people expect (issue #13): examples in --help, placeholders a
person reads, shell completion, plurals in messages."""

from __future__ import annotations

import pytest
from tests.conftest import ROOT, run


@pytest.mark.parametrize("command", ["progress", "check", "report", "validate", "schema",
                                     "sample"])
def test_every_command_help_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and f"sspost {command}" in result.stdout
    options = [line for line in result.stdout.splitlines() if line.startswith("│ --")]
    ours = "\n".join(line for line in options if "--help" not in line)  # Typer's own
    for placeholder in ("<bool>", "<list[Path]>", "<int range>", "<str>"):
        assert placeholder not in ours, placeholder


def test_completion_is_offered() -> None:
    assert "--install-completion" in run("--help").stdout


def test_counts_in_messages_are_grouped_and_plural(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "d.csv"
    data.write_text("participant_id,date,program\n0100000001,2025-01-05,voluntary_si\n",
                    encoding="utf-8")
    result = run("progress", ROOT / "targets" / "2025.yaml", data, "-f", "json")
    assert "read 1 row from 1 file: " in result.stderr and "0 duplicate records" in result.stderr
    assert "d.csv: utf-8, ',', 1 row" in result.stderr
