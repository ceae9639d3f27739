"""Text from plans and data in Markdown (issue #22, item 7): shown as written, whatever it holds.

Rendered back with markdown-it (CommonMark, GitHub's tables and bare-URL links, raw HTML on, as
a permissive viewer would), text through `for_markdown` must read as itself: no HTML, no link,
no emphasis, no new block, no extra table cell.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from tests.conftest import DATA, run, write

from sspost.shown import clean_all, for_markdown

MD = MarkdownIt("commonmark", {"html": True, "linkify": True}).enable(["table", "linkify"])
# As GitHub: links for `https://...` and `a@b.c` with no markup, not for a bare `x.co.uk`; its
# `www.x` links are checked apart (linkify-it ties them to the bare-domain ones).
MD.linkify.set({"fuzzy_link": False})
NAUGHTY = [line for line in (DATA / "corpora" / "naughty-strings" / "blns.txt").read_text(
    encoding="utf-8").splitlines() if line and not line.startswith("#")]
MARKUP = st.text(alphabet=st.sampled_from(list("<>|`*_[]()!#&;:/.@-+=~\\ wx1.\u00a0")),
                 max_size=30)
TEXT = st.one_of(MARKUP, st.sampled_from(NAUGHTY), st.text(max_size=30))


def _flat(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        out += _flat(token.children or [])
    return out


def _shown(tokens: list[Token]) -> str:
    return "".join(t.content for t in _flat(tokens) if t.type in ("text", "code_inline"))


def _plain(text: str) -> str:
    """What a reader sees of it: blanks collapsed and trimmed, as Markdown does."""
    return " ".join(clean_all(text).split())


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_text_in_a_table_cell_reads_as_itself(text: str) -> None:
    tokens = MD.parse(f"| a | b |\n|--|--|\n| x | {for_markdown(text)} |\n")
    kinds = {t.type for t in _flat(tokens)}
    assert not kinds & {"html_inline", "html_block", "link_open", "image", "em_open",
                        "strong_open", "s_open", "code_inline"}
    assert "www." not in for_markdown(text).lower()
    cells = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "td_open"]
    assert len(cells) == 2  # no extra cell from a pipe
    assert " ".join(_shown(cells[1].children or []).split()) == _plain(text)


@settings(max_examples=300, deadline=None)
@given(TEXT)
@example("    ")  # four blanks after `- ` made an indented code block (found by Hypothesis)
def test_text_in_a_list_item_stays_one_item_of_text(text: str) -> None:
    tokens = MD.parse(f"- {for_markdown(text)}: 12 rows\n")
    kinds = [t.type for t in _flat(tokens)]
    assert kinds.count("bullet_list_open") == 1 and "ordered_list_open" not in kinds
    assert not {"html_inline", "html_block", "link_open", "heading_open", "hr"} & set(kinds)
    assert " ".join(_shown(tokens).split()) == " ".join(f"{clean_all(text)}: 12 rows".split())


def test_hostile_names_in_every_markdown_output(tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)> | `x` *y* https://evil.example www.evil.example"
    plan = write(tmp_path / "plan.yaml", f"""\
        schema_version: 1
        name: "Plan {hostile}"
        period: {{start: 2025-01-01, end: 2025-12-31}}
        programs:
          voluntary_si:
            label: "VSI {hostile}"
            target: 100
        units:
          - code: "01"
            name: "- 1. {hostile}"
            targets: {{voluntary_si: 50}}
        campaigns:
          - {{name: "Launch {hostile}", date: 2025-04-12, per_staff: {{voluntary_si: 2}}}}
        """)
    data = tmp_path / "d.csv"
    data.write_text("participant_id,date,program,unit,staff_id\n"
                    "0123456789,2025-03-01,voluntary_si,01,<b>NV1</b>\n"
                    f'0123456780,2025-04-12,voluntary_si,"{hostile}",NV|2\n', encoding="utf-8")
    texts = [run("progress", plan, data, "--by", by, "-f", "markdown").stdout
             for by in ("unit", "staff", "month")]
    assert run("report", plan, data, "--month", "2025-04", "--output-dir",
               tmp_path / "r").exit_code == 0
    texts.append((tmp_path / "r" / "report.md").read_text(encoding="utf-8"))
    changed = write(tmp_path / "plan2.yaml", plan.read_text(encoding="utf-8").replace(
        "target: 100", "target: 120"))
    texts.append(run("diff", plan, changed, "-f", "markdown").stdout)
    for text in texts:
        html = MD.render(text)
        assert not re.search(r"<(img|script|b|a|em|ol)\b", html), html
        header = next(line for line in text.splitlines() if line.startswith("|"))
        cells = len(re.findall(r"(?<!\\)\|", header))
        for line in text.splitlines():  # the first table's rows have its header's cells
            if not line.startswith("|"):
                break
            assert len(re.findall(r"(?<!\\)\|", line)) == cells, line
