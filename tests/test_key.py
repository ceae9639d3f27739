"""The tie rule's key (records.key.FirstKey) as pure code: its parts pack into the narrowest
integer that holds them, and read back as they went in."""

from __future__ import annotations

import datetime as dt

import duckdb
from hypothesis import given
from hypothesis import strategies as st

from sspost.records.key import KEY_BITS, NARROW_BITS, FirstKey

START = dt.date(2025, 1, 1)


def key(*bits: int) -> FirstKey:
    names = ("day", "unit", "staff", "row")
    parts = tuple((names[i], f"c.p{i}", b) for i, b in enumerate(bits))
    return FirstKey(parts, START, {"unit": (1 << bits[1]) - 1} if len(bits) > 1 else {})


def test_a_key_is_the_narrowest_integer_that_holds_it() -> None:
    assert key(9).type == "INTEGER"  # the day alone: one per participant, half a BIGINT
    assert key(9, NARROW_BITS - 9).type == "INTEGER"
    assert key(9, NARROW_BITS - 8).type == "BIGINT"
    assert key(9, KEY_BITS - 9).type == "BIGINT"
    assert key(9, KEY_BITS - 8).type == "HUGEINT"


CON = duckdb.connect()  # one for every example: a connection costs more than the query


@given(st.data())
def test_parts_read_back_as_they_went_in(data: st.DataObject) -> None:
    # Up to 120 bits: a HUGEINT holds 127 (the widest real key, every tie part and the row,
    # is about 100: day 9, time 17, unit 12, province 6, staff 20, row 35).
    widths = data.draw(st.lists(st.integers(1, 30), min_size=2, max_size=4))
    values = [data.draw(st.integers(0, (1 << b) - 1)) for b in widths]
    packed = key(*widths)
    columns = ", ".join(f"{v}::HUGEINT AS p{i}" for i, v in enumerate(values))
    row = CON.execute(f"SELECT {packed.sql} FROM (SELECT {columns}) c").fetchone()
    assert row is not None
    got = int(row[0])
    assert got >> sum(widths[1:]) == values[0]
    assert got == sum(v << sum(widths[i + 1:]) for i, v in enumerate(values))
    day = CON.execute(f"SELECT {packed.day(str(got))}").fetchone()
    assert day is not None
    assert int(day[0]) == (START - dt.date(1970, 1, 1)).days + values[0]
