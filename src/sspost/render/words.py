"""Words and number formats for people, in English or Vietnamese (CLDR through Babel)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.numbers import format_decimal, format_percent

from sspost.catalogue import CATALOGUE, date_text, number, phrase

STATUS_STYLE = {"achieved": "bold green", "on_track": "green", "at_risk": "yellow",
                "behind": "bold red"}

# The statuses' colours (the report's badges and charts, the workbook's status cells): white
# text on each reaches 4.5:1, and any two stay at least 25 CIE76 units apart as people with
# protanopia or deuteranopia see them (chosen by search near the old hues;
# tests/test_report.py simulates and measures them).
STATUS_COLOURS = {"achieved": "#404090", "on_track": "#308050", "at_risk": "#a06000",
                  "behind": "#801010"}


@dataclass(frozen=True)
class Words:
    """Formats numbers, ratios and dates the way `lang` writes them."""

    lang: str = "en"

    def label(self, key: str) -> str:
        return CATALOGUE[self.lang]["label." + key]

    def status(self, status: str) -> str:
        return CATALOGUE[self.lang]["status." + status]

    def word(self, key: str) -> str:
        """Any catalogue entry with no values to place, e.g. `breakdown.month`."""
        return CATALOGUE[self.lang][key]

    def row_key(self, key: str) -> str:
        """A breakdown row's key: a code as written, or our own `(unassigned)` in words."""
        return CATALOGUE[self.lang].get("breakdown." + key, key) if key.startswith("(") else key

    def say(self, key: str, **values: object) -> str:
        return phrase(self.lang, key, **values)

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return "-"
        if not digits:
            return number(value, self.lang)
        return str(format_decimal(round(value, digits), "#,##0." + "0" * digits,
                                  locale=self.lang))

    def rate(self, value: float | None) -> str:
        """People a day: one decimal below ten (0.4 a day is not 0), whole above."""
        if value is None:
            return "-"
        return self.number(value, 1) if abs(value) < 10 else self.number(value)

    def signed(self, value: int | None) -> str:
        """A change: +12, -3, 0."""
        return "-" if value is None else ("+" if value > 0 else "") + self.number(value)

    def percent(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return "-"
        if 0 < abs(value) < 0.01:  # small shares would all read 0.0%
            digits = max(digits, 2)
        return str(format_percent(value, "#,##0." + "0" * digits + "%", locale=self.lang))

    def date(self, value: dt.date) -> str:
        return date_text(value, self.lang)
