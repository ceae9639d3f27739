"""The bar on stderr (issue #33): from the first moment, rows read and their speed, then a
spinner while counting; in the language asked. Drawn here into a terminal of our own."""

from __future__ import annotations

import io
import time
from pathlib import Path

from rich.console import Console

from sspost.cli_progress import ReadingBar, RowsColumn, bytes_per_row
from sspost.records import COUNTING, DONE, READING


def _drawn(bar: ReadingBar, out: io.StringIO) -> str:
    bar.progress.refresh()
    return out.getvalue()


def test_the_bar_says_the_rows_read_then_counting(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    line = "participant_id,date,program\n"  # 28 bytes a line
    data.write_text(line * 10_000, encoding="utf-8")
    assert bytes_per_row(data) == len(line)
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    bar = ReadingBar([data], "vi", console=console)
    bar(READING, str(data), 0.0)
    assert "đang đọc d.csv" in _drawn(bar, out)  # from the first moment, before any row
    bar(READING, str(data), 0.5)
    drawn = _drawn(bar, out)
    assert "≈5.000 dòng" in drawn and "/giây" in drawn, drawn  # half of 10,000 lines
    bar(READING, str(data), 1.0)
    task = bar.progress.tasks[0]
    column = RowsColumn("vi")
    said = column.render(task).plain
    time.sleep(0.3)
    assert column.render(task).plain == said  # a read done keeps the speed it ended with
    bar(COUNTING, "", 0.0)
    assert "đang đếm" in _drawn(bar, out)
    bar(DONE, "", 1.0)
    assert not bar.progress.live.is_started
    bar(READING, str(data), 0.0)  # a later read (last year's files) shows again
    assert bar.progress.live.is_started
    bar(DONE, "", 1.0)
    assert not bar.progress.live.is_started


def test_an_archive_shows_its_bytes(tmp_path: Path) -> None:
    packed = tmp_path / "d.zip"
    packed.write_bytes(b"\0" * 2_000_000)
    assert bytes_per_row(packed) is None
    out = io.StringIO()
    bar = ReadingBar([packed], "en", console=Console(file=out, force_terminal=True, width=120))
    bar(READING, str(packed), 0.5)
    assert "1 MB" in _drawn(bar, out)
    bar.stop()


def test_a_hostile_file_name_is_shown_as_written_and_masked(tmp_path: Path) -> None:
    data = tmp_path / "[bold red]0123456789 \x1b[31m.csv"
    data.write_text("participant_id,date,program\n", encoding="utf-8")
    out = io.StringIO()
    bar = ReadingBar([data], "en", console=Console(file=out, force_terminal=True, width=160,
                                                   color_system=None))
    bar(READING, str(data), 0.5)  # Rich markup in a name would raise or restyle
    drawn = _drawn(bar, out)
    bar.stop()
    assert "[bold red]" in drawn and "0123456789" not in drawn and "\x1b[31m" not in drawn
