"""A record's place in the tie rule of SPEC section 4, as one integer (`FirstKey`).

Made by tie_rule.first_key; read back by counting and the breakdowns (dimensions).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Bits for a day, a row and a code packed into one BIGINT key (63 value bits, one to spare).
KEY_BITS = 62
# A key of this many bits or fewer is an INTEGER (the day alone, or a short tie): the aggregate
# that finds each participant's earliest record keeps one per participant, and half the width
# is half its memory (20M rows, --memory-limit 768MB: a BIGINT day ran out of memory, an
# INTEGER one did not).
NARROW_BITS = 31


@dataclass(frozen=True)
class FirstKey:
    """A record's place in the tie rule of SPEC section 4, packed into one integer.

    From the most significant: the day in the window, the time of day, the unit's place among
    unit codes, the province's (after the merger) and the staff id's, each by code point with
    an empty value after any other, and last, where a join on the key must find one row, the
    row id. A count needs no row id: rows equal in all the rest name the same unit, province
    and staff, so which one wins changes no figure (and without it the key is narrower: on 20M
    rows by staff, a BIGINT of 37 bits against 62). `min` of it finds each participant's earliest
    record; the parts a breakdown needs are read back from it, so no second aggregate runs.
    Without a breakdown by unit, province or staff the key is the day alone: the totals and the
    counts by day need no more (a narrower aggregate: 2.1 s against 3.0 s on 20M rows).
    """

    parts: tuple[tuple[str, str, int], ...]  # (name, SQL value over `c`, bits), most first
    start: dt.date
    empty: dict[str, int]  # attribute -> the place of an empty value (after every code)
    complete: bool = False  # the whole tie rule: the key names the record the rule picks

    @property
    def type(self) -> str:
        """The narrowest of the engine's integers that holds every key."""
        bits = sum(bits for _, _, bits in self.parts)
        return "HUGEINT" if bits > KEY_BITS else "BIGINT" if bits > NARROW_BITS else "INTEGER"

    @property
    def sql(self) -> str:
        out = ""
        for _, value, bits in self.parts:
            part = f"({value})::{self.type}"
            out = part if not out else f"({out}) * {1 << bits} + {part}"
        return out

    def _below(self, name: str) -> int:
        names = [n for n, _, _ in self.parts]
        return sum(bits for _, _, bits in self.parts[names.index(name) + 1:])

    def _part(self, key: str, name: str) -> str:
        bits = dict((n, b) for n, _, b in self.parts)[name]
        return f"(({key}) // {1 << self._below(name)}) % {1 << bits}"

    def after(self, day: dt.date) -> int:
        """The smallest key of a record after `day`."""
        return ((day - self.start).days + 1) << self._below("day")

    def day(self, key: str) -> str:
        """Days since 1970 of the record the key stands for."""
        epoch_day = (self.start - dt.date(1970, 1, 1)).days
        return f"({epoch_day} + ({key}) // {1 << self._below('day')})::BIGINT"

    def place(self, name: str) -> str:
        """The place of row `c`'s code in part `name`, NULL where it has none or the key has no
        such part: what `attribute` reads out of a key, worked out of a row (an aggregate row,
        which is counted as it stands and has no key)."""
        value = next((sql for part, sql, _ in self.parts if part == name), None)
        return "NULL::INTEGER" if value is None else f"nullif({value}, {self.empty[name]})"

    def attribute(self, name: str) -> str:
        """The place of the code the key's record has (see `_tie_parts`), NULL where it has
        none."""
        if name not in (n for n, _, _ in self.parts):
            return "NULL::INTEGER"
        place = f"({self._part('first', name)})::INTEGER"
        return f"CASE WHEN {place} < {self.empty[name]} THEN {place} END"
