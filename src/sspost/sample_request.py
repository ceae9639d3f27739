"""What `sspost sample` is asked to write, checked, and writing it: a CSV (sample) or a
form-shaped workbook (sample_forms)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sspost import input_format
from sspost.problems import UsageError
from sspost.provinces import reference_rows
from sspost.sample import write_renewals_sample, write_sample
from sspost.sample_forms import LAYOUTS as FORM_LAYOUTS

LAYOUTS = ("csv", *FORM_LAYOUTS)


@dataclass(frozen=True)
class SampleRequest:
    """What `sspost sample` was asked to write, checked."""

    rows: int
    seed: int
    start: dt.date
    end: dt.date
    province: str | None
    layout: str
    covers: bool = False  # payments with their covers over two years (renewals)

    @classmethod
    def of(cls, rows: int, seed: int, start: str, end: str, province: str | None, layout: str,
           output: Path | None, covers: bool = False) -> SampleRequest:
        """The request from the options' values; a UsageError names the one that is wrong."""
        first, last = input_format.day(start, "--start"), input_format.day(end, "--end")
        if last < first:
            raise UsageError("--end is before --start")
        if province is not None and province not in {row[0] for row in reference_rows()}:
            raise UsageError(f"--province {province!r}: not a province code before the merger "
                             "(01, 79, ...)")
        if layout not in LAYOUTS:
            raise UsageError(f"--layout {layout!r}: use {', '.join(LAYOUTS)}")
        if layout != "csv" and (output is None or output.suffix.lower() != ".xlsx"):
            raise UsageError(f"--layout {layout} writes a workbook: name it with -o FILE.xlsx")
        if covers and layout != "csv":
            raise UsageError("--covers writes a CSV: leave out --layout")
        return cls(rows, seed, first, last, province, layout, covers)

    def write(self, out: TextIO) -> None:
        """The CSV, to an open text stream."""
        if self.covers:
            write_renewals_sample(out, self.rows, self.seed, self.start, self.end,
                                  self.province)
            return
        write_sample(out, self.rows, self.seed, self.start, self.end, self.province)

    def write_file(self, path: str) -> None:
        """The CSV or the form-shaped workbook, to `path`."""
        if self.layout == "csv":
            with open(path, "w", encoding="utf-8", newline="") as handle:
                self.write(handle)
            return
        from sspost.sample_forms import write_form  # XlsxWriter only for a workbook

        write_form(path, self.layout, self.rows, self.seed, self.start, self.end, self.province)
