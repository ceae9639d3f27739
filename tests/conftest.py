"""Helpers: run the real CLI, and write small target files and CSVs inside a test."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sspost.cli import app

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent

PLAN = """\
schema_version: 1
name: Test plan
period: {start: 2025-01-01, end: 2025-12-31}
programs:
  voluntary_si:
    label: Voluntary social insurance
    label_vi: Bảo hiểm xã hội tự nguyện
    target: 100
    aliases: [BHXH_TN]
    baseline: {period: "2024", participants: 80, national_share: 0.5}
  household_hi:
    label: Household health insurance
    target: 10
    aliases: [BHYT_HGD]
national_totals:
  - {program: voluntary_si, as_of: 2025-01-31, participants: 400}
  - {program: voluntary_si, as_of: 2025-03-01, participants: 500}
"""


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run(*args: str | Path) -> Run:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def output_text(path: Path) -> str:
    """What a written output says: its text, or for a workbook every cell's value."""
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        return "\n".join("\t".join("" if v is None else str(v) for v in row)
                         for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
    return path.read_text(encoding="utf-8")


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write(tmp_path / "plan.yaml", PLAN)


def csv_file(tmp_path: Path, name: str, rows: list[str],
             header: str = "participant_id,date,program") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path
