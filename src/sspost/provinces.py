"""The provinces before and after the 1 July 2025 merger, from the shipped reference table.

The one reader of `reference/provinces-2025.csv` (see its README for the source and notice).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def reference_rows() -> tuple[tuple[str, str, str, str], ...]:
    """(old code, old name, code from 2025-07-01, name from 2025-07-01), in file order."""
    text = resources.files("sspost").joinpath("reference/provinces-2025.csv").read_text("utf-8")
    rows = list(csv.reader(text.splitlines()))[1:]
    return tuple((r[0], r[1], r[2], r[3]) for r in rows if len(r) >= 4)


def merged_into() -> dict[str, str]:
    """Every valid code, old or new, -> the code in force from 1 July 2025."""
    out = {new: new for _, _, new, _ in reference_rows()}
    out.update({old: new for old, _, new, _ in reference_rows()})
    return out


def names() -> dict[str, str]:
    """Code in force from 1 July 2025 -> its name."""
    return {new: name for _, _, new, name in reference_rows()}
