"""One catalogue of words: both languages carry every key, and every surface uses it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import PLAN, csv_file, run, write
from sspost.catalogue import CATALOGUE, Notice, phrase

_PLACE = re.compile(r"\{(\w+)(?:\|[^|{}]*\|[^|{}]*)?\}")


def test_both_languages_have_every_key() -> None:
    assert set(CATALOGUE["en"]) == set(CATALOGUE["vi"])


def test_both_languages_place_the_same_values() -> None:
    for key, english in CATALOGUE["en"].items():
        assert set(_PLACE.findall(english)) == set(_PLACE.findall(CATALOGUE["vi"][key])), key


def test_phrases_group_counts_choose_plurals_and_write_dates_the_languages_way() -> None:
    assert phrase("en", "recon.more", n=1234567) == "... and 1,234,567 more"
    assert phrase("vi", "recon.more", n=1234567) == "... và 1.234.567 dòng nữa"
    one = Notice.of("as_of_outlier", latest=dt.date(2025, 12, 25), outliers=1,
                    end=dt.date(2025, 6, 30))
    assert "rests on 1 record dated after 2025-06-30" in one.text("en")
    assert "25/12/2025" in one.text("vi") and "30/06/2025" in one.text("vi")
    many = Notice.of("as_of_outlier", latest=dt.date(2025, 12, 25), outliers=2,
                     end=dt.date(2025, 6, 30))
    assert "rests on 2 records" in str(many)


def test_a_value_with_braces_is_placed_as_written() -> None:
    assert phrase("en", "warning.no_rows", path="{rows|a|b}.csv").startswith("{rows|a|b}.csv ")


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write(tmp_path / "units.yaml", PLAN + """\
units:
  - {code: "01", name: Hà Nội, targets: {voluntary_si: 60}}
""")


def _mixed(tmp_path: Path) -> Path:
    # Both id kinds and a unit code not in the plan: two warnings, plus one rejected row.
    return csv_file(tmp_path, "d.csv", [
        "0100000001,2025-03-01,voluntary_si,99",
        "010000000002,2025-03-02,voluntary_si,99",
        "0100000003,2025-02-30,voluntary_si,99",
    ], header="participant_id,date,program,unit")


def test_stderr_speaks_vietnamese_with_lang_vi(plan: Path, tmp_path: Path) -> None:
    data = _mixed(tmp_path)
    vi = run("progress", plan, data, "--lang", "vi")
    assert vi.exit_code == 0, vi.stderr
    assert "đã đọc 3 dòng từ 1 tệp: 2 hợp lệ, 1 bị loại" in vi.stderr
    assert ("cảnh báo: Bảo hiểm xã hội tự nguyện có 1 mã số BHXH 10 chữ số và 1 số định danh"
            in vi.stderr)  # the program's label, never its code
    assert "không thuộc đơn vị nào" in vi.stderr
    for english in ("read ", "accepted", "warning:", "record", "counts"):
        assert english not in vi.stderr, english
    en = run("progress", plan, data)
    assert "read 3 rows from 1 file: 2 accepted, 1 rejected" in en.stderr
    assert ("warning: Voluntary social insurance counts 1 social insurance code of 10 digits "
            "and 1 personal number of 12 digits") in en.stderr


def test_json_keeps_english_warnings_whatever_the_language(plan: Path, tmp_path: Path) -> None:
    data = _mixed(tmp_path)
    en = run("progress", plan, data, "--format", "json").json()["warnings"]
    vi = run("progress", plan, data, "--format", "json", "--lang", "vi").json()["warnings"]
    assert en == vi and len(en) == 3
    assert en[0].startswith("33.3% of the rows were rejected (1 of 3), most for date")
    assert en[2] == ("2 records name unit codes not in the target file, "
                     "counted as (unassigned): 99")


def test_markdown_warnings_and_id_kinds_in_vietnamese(plan: Path, tmp_path: Path) -> None:
    out = run("progress", plan, _mixed(tmp_path), "--format", "markdown", "--lang", "vi").stdout
    assert "mã 10 chữ số" in out and "ids" not in out
    assert "⚠ Bảo hiểm xã hội tự nguyện có 1 mã số BHXH" in out


def test_a_measure_has_one_name_in_every_output() -> None:
    """The terminal's header, the report's card and the workbook's column say a measure the
    same way (issue #33: `Thị phần` in one, `Tỷ trọng trên toàn quốc` in another)."""
    from sspost.catalogue import CATALOGUE

    for lang, words in CATALOGUE.items():
        labels = {k.split(".", 1)[1]: v for k, v in words.items() if k.startswith("label.")}
        for key, text in words.items():
            section, name = key.split(".", 1)
            if section in ("report", "renewals") and name in labels and "{" not in text:
                assert text.casefold() == labels[name].casefold(), (lang, key, text)
        statuses = [words["status." + s] for s in ("achieved", "on_track", "at_risk", "behind")]
        assert len({s.casefold() for s in statuses}) == 4, statuses


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_no_phrase_puts_a_count_where_the_id_mask_takes_it_for_an_id(lang: str) -> None:
    """A count beside a digit of the phrase (`868,606 10-digit codes`) reads as an id written
    in groups, and every message is masked before it is shown: each value of each phrase,
    placed as a count at national scale (the others as words), stays whole once cleaned."""
    from sspost.shown import clean_all

    shown = "868,606" if lang == "en" else "868.606"
    for key, template in CATALOGUE[lang].items():
        names = set(_PLACE.findall(template))
        for name in set(re.findall(r"\{(\w+)\}", template)):  # shown, not a plural's choice
            values: dict[str, object] = dict.fromkeys(names, "word")
            text = phrase(lang, key, **{**values, name: 868_606})
            assert shown in clean_all(text), (key, name, clean_all(text))
