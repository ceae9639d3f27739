"""The workbook as a report (issue #33): opened back as a reader would, in both languages, its
figures against the JSON of the same run."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from tests.conftest import ROOT, run

from sspost.catalogue import CATALOGUE
from sspost.render.words import STATUS_COLOURS

PLAN = ROOT / "targets" / "examples" / "hanoi-2025.yaml"
DATA = ROOT / "data" / "sample-hanoi-2025.csv"


def _table(sheet: Any) -> tuple[list[str], list[list[Any]]]:
    """The header (row 4, under the title, the as-of line and a blank row) and the rows."""
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=4)]
    header = [c.value for c in rows[0]]
    body = []
    for row in rows[1:]:
        if all(c.value is None for c in row):
            break  # the notes follow a blank row
        body.append(row)
    return header, body


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_workbook_reads_as_a_report(tmp_path: Path, lang: str) -> None:
    out = tmp_path / "progress.xlsx"
    args = ("progress", PLAN, DATA, "--by", "unit", "--as-of", "2025-11-30", "--lang", lang)
    assert run(*args, "-o", out).exit_code == 0
    doc = run(*args, "-f", "json").json()
    words = CATALOGUE[lang]
    book = openpyxl.load_workbook(out)
    for sheet in book.worksheets:
        assert "Hà Nội" in sheet["A1"].value  # the plan's name, not its file
        assert ("30/11/2025" if lang == "vi" else "30 Nov 2025") in sheet["A2"].value \
            or "2025-11-30" in sheet["A2"].value
        header, body = _table(sheet)
        # Headers in the language, never a machine's key; every column holds something.
        assert not [h for h in header if re.fullmatch(r"[a-z_]+", str(h))], header
        for col, title in enumerate(header):
            assert any(row[col].value is not None for row in body), title
        assert sheet.auto_filter.ref == f"A4:{sheet.cell(4, len(header)).column_letter}" \
                                        f"{4 + len(body)}"
        assert sheet.freeze_panes == "A5"
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToHeight == 0 and sheet.print_title_rows == "$4:$4"
        status = header.index(words["label.status"])
        statuses = {words["status." + s]: s for s in STATUS_COLOURS}
        for row in body:
            cell = row[status]
            if cell.value is None:
                continue
            assert cell.value in statuses, cell.value  # a word, never `at_risk`
            assert cell.fill.fgColor.rgb[-6:].lower() == \
                STATUS_COLOURS[statuses[cell.value]].lstrip("#")
        people = [header.index(words[k]) for k in ("label.target", "label.achieved",
                                                   "label.gap", "label.expected")]
        for row in body:  # whole people, typed
            assert all(row[c].value is None or isinstance(row[c].value, int) for c in people)
    national = tmp_path / "national.xlsx"  # a plan with national totals: their dates typed
    assert run("progress", ROOT / "targets" / "2025.yaml", ROOT / "data" / "sample-2025.csv",
               "--lang", lang, "-o", national).exit_code == 0
    header, body = _table(openpyxl.load_workbook(national).worksheets[0])
    as_of = header.index(words["column.national_total_as_of"])
    assert isinstance(body[0][as_of].value, dt.datetime)
    assert body[0][as_of].number_format == ("dd/mm/yyyy" if lang == "vi" else "yyyy-mm-dd")
    # The unit sheet's figures are the JSON's, and a unit is indented under its parent.
    header, body = _table(book.worksheets[1])
    unit, achieved, gap = (header.index(words[k]) for k in
                           ("breakdown.unit", "label.achieved", "label.gap"))
    expected = {(r["unit"], r["achieved"], r["gap"]) for r in doc["breakdown"]["rows"]
                if r["unit"] != "(unassigned)"}
    shown = {(r[unit].value, r[achieved].value, r[gap].value) for r in body}
    assert expected <= shown
    depth = {r["unit"]: r["depth"] for r in doc["breakdown"]["rows"]}
    for row in body:
        code = row[unit].value
        if code in depth:
            assert (row[unit].alignment.indent or 0) == depth[code] - 1, code
