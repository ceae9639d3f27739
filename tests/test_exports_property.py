"""Random exports (delimiters, quoting, embedded newlines, LF/CRLF/CR and both mixed line by
line, blank, blank-only and empty rows, ragged rows, quotes that never close, bad values) against
an independent count written here: the achieved figures, the
reconciliation and every rejected line with its reason must agree, and nothing may crash."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import PLAN, run, write

EXAMPLES = int(os.environ.get("SSPOST_FUZZ_EXAMPLES", "10"))  # CI: 200 (benchmarks/fuzz.py)
START, AS_OF = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
PROGRAMS = {"voluntary_si": "voluntary_si", "BHXH_TN": "voluntary_si",
            "household_hi": "household_hi", "bhyt_hgd": "household_hi"}
BAD = {"date": ["2025-02-30", "infinity", "epoch", "2025/03/01", "2025-3-1", "02025-03-01",
                "225-07-06", ""],
       "program": ["pension", "", "voluntary"], "participant_id": ["123", "01234567890", "",
                                                                  "0123-456-78"]}
# (An id written in groups, `0123-456-789`, is its digits: SPEC section 4.)


@dataclass
class Row:
    kind: str  # good, date, program, participant_id, field_count, unclosed, blank, spaces, empty
    pid: str = ""
    date: str = ""
    program: str = ""
    note: str = ""


@st.composite
def rows(draw: st.DrawFn) -> list[Row]:
    out = []
    for _ in range(draw(st.integers(1, 40))):
        kind = draw(st.sampled_from(["good"] * 6 + ["date", "program", "participant_id",
                                                    "field_count", "unclosed", "blank",
                                                    "spaces", "empty"]))
        row = Row(kind, pid=f"01{draw(st.integers(0, 30)):08d}",
                  date=str(draw(st.dates(dt.date(2024, 11, 1), dt.date(2025, 12, 31)))),
                  program=draw(st.sampled_from(sorted(PROGRAMS))),
                  note=draw(st.sampled_from(["", "plain", "with, comma", 'say "hi"', "two\nlines",
                                             "semi;colon|pipe\ttab", "ba\u0300 Hà Nội"])))
        if kind in BAD:
            setattr(row, "pid" if kind == "participant_id" else kind,
                    draw(st.sampled_from(BAD[kind])))
        out.append(row)
    return out


def quote(value: str, delimiter: str, ending: str) -> str:
    value = value.replace("\n", ending)
    if any(ch in value for ch in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


def render(data: list[Row], delimiter: str, endings: list[str]) -> tuple[str, dict[int, str]]:
    """The file's text, and the independent answer: each rejected line and its reason. Row i
    ends with endings[i % len(endings)] (the header with the last)."""
    text = delimiter.join(["participant_id", "date", "program", "note"]) + endings[-1]
    rejected: dict[int, str] = {}
    line = 2
    for index, row in enumerate(data):
        ending = endings[index % len(endings)]
        blank = {"blank": "", "spaces": "  \t ", "empty": delimiter * 3}.get(row.kind)
        if blank is not None:  # not a data row: neither read nor rejected
            text += blank + ending
            line += 1
            continue
        if row.kind == "unclosed":  # a quote that never closes: this line alone is bad
            text += delimiter.join([row.pid, row.date, row.program, '"no end']) + ending
            rejected[line] = "field_count"
            line += 1
            continue
        fields = [row.pid, row.date, row.program, quote(row.note, delimiter, ending)]
        if row.kind == "field_count":
            fields.append("extra")
        if row.kind != "good":
            rejected[line] = row.kind
        text += delimiter.join(fields) + ending
        line += 1 + row.note.count("\n")
    return text, rejected


def independent_achieved(data: list[Row]) -> dict[str, int]:
    seen: dict[str, set[str]] = {"voluntary_si": set(), "household_hi": set()}
    for row in data:
        if row.kind == "good" and START <= dt.date.fromisoformat(row.date) <= AS_OF:
            seen[PROGRAMS[row.program]].add(row.pid)
    return {program: len(ids) for program, ids in seen.items()}


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 20,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=rows(), delimiter=st.sampled_from([",", ";", "\t", "|"]),
       endings=st.one_of(st.sampled_from([["\n"], ["\r\n"], ["\r"]]),
                         st.lists(st.sampled_from(["\n", "\r\n"]), min_size=2, max_size=7)))
def test_random_exports_agree_with_an_independent_count(
        tmp_path: Path, data: list[Row], delimiter: str, endings: list[str]) -> None:
    plan = write(tmp_path / "plan.yaml", PLAN.replace("aliases: [BHYT_HGD]",
                                                      "aliases: [BHYT_HGD, bhyt_hgd]"))
    text, rejected = render(data, delimiter, endings)
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("utf-8"))
    checked = run("check", plan, path, "-f", "json", "--as-of", str(AS_OF),
                  "--max-errors", "1000", "--delimiter", delimiter)
    assert checked.exit_code in (0, 1), checked.stderr
    r = checked.json()["reconciliation"]
    good = [row for row in data if row.kind == "good"]
    in_window = [row for row in good if dt.date.fromisoformat(row.date) >= START]
    achieved = independent_achieved(data)
    assert {x["line"]: x["reason"] for x in r["rejected_rows"]} == rejected
    assert r["rows_read"] == len(good) + len(rejected)
    assert (r["accepted"], r["rejected"]) == (len(good), len(rejected))
    assert r["counted"] == sum(achieved.values())
    assert r["outside_window"] == len(good) - len(in_window)
    assert r["duplicate_records"] == len(in_window) - sum(achieved.values())
    progress = run("progress", plan, path, "-f", "json", "--as-of", str(AS_OF),
                   "--delimiter", delimiter)
    if len(good) < 0.1 * (len(good) + len(rejected)):
        assert progress.exit_code == 2 and "rows rejected" in progress.stderr
        return
    assert progress.exit_code == 0, progress.stderr
    assert {p["program"]: p["achieved"] for p in progress.json()["programs"]} == achieved
