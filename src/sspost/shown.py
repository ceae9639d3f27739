"""Text from data, made safe to show: ids masked, control characters replaced, markup escaped.

Every value that comes from an input file (a cell, a header, a name or code in a target file)
passes through here before a person or a program reads it (SPEC sections 6 and 7):

- `mask_ids` finds participant ids however they are written (`0123456789`, `0123-456-789`,
  `012 345 6789`, `0123.456.789`, `0123 - 456 - 789`, `7,912,345,678`) and keeps only their
  last two digits;
- `clean` does that, replaces control characters (terminal escapes, bidi overrides, newlines)
  and bounds the length, for one line of plain text;
- `for_markdown` and `for_chart` add the escaping of their medium. Terminals get `clean` text
  as Rich `Text` objects (never markup); HTML keeps Jinja's autoescape.
"""

from __future__ import annotations

import json
import re

_LONGEST = 200  # characters of one value shown in a message

# Dates, date-times and thousands-grouped counts look like digit runs but are not ids; they are
# tried first at each position. A grouped count starts with 1-9 (ids keep their leading zeros).
# How people separate the groups of an id's digits: up to three blanks or dashes (any Unicode
# dash or minus: `0123  456  789`, `0123 - 456 - 789`, `0123–456–789`), or one dot, slash,
# underscore or comma (`7,912,345,678`, a number cell shown with grouping). A comma and a blank
# separate items of a list (`01, 79`) and two dots a range (`2024-01..2024-12`), not digits.
_GAP = r"(?:[ \t\-\u00a0\u2009\u202f\u2010-\u2015\u2212\ufe63\uff0d]{1,3}|[./_,])"
# An ISO date of any year (`0001-01-01` is a plan date, not an id; `2025-13-01` a bad row's
# date) that no more digits follow (else its digits may be part of an id written in groups).
_DATE = (r"\d{4}-\d{2}-\d{2}"
         rf"(?:[ T]\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)?(?!{_GAP}\d)"
         r"|\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}(?: \d{1,2}:\d{2}(?::\d{2})?)?"
         r"|(?:19|20)\d{2}[./]\d{1,2}[./]\d{1,2}")
_GROUPED = (r"[1-9]\d{0,2}(?P<sep>[,. \u00a0])\d{3}(?:(?P=sep)\d{3})*"
            rf"(?!{_GAP}\d)")  # a count only when the digits stop with it
_RUN = rf"\d(?:{_GAP}?\d)*"
_TOKEN = re.compile(rf"(?<!\d)(?:(?P<date>{_DATE})|(?P<grouped>{_GROUPED})|(?P<run>{_RUN}))(?!\d)")
_ID_DIGITS = 8  # a run of this many digits could be an id (or what is left of one)
# Grouped counts up to 999,999,999 read as counts (a national year is about 20 million rows);
# ten grouped digits or more are an id that a number cell wrote with thousands separators.
_SMALL_GROUPED = 9


def mask(participant_id: str) -> str:
    """SPEC section 7: all but the last two characters hidden."""
    return "*" * max(len(participant_id) - 2, 0) + participant_id[-2:]


def _replace(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if match.group("date") is not None:
        return text
    if match.group("grouped") is not None:
        sep = match.group("sep")
        round_number = set(text[text.index(sep):]) <= {"0", sep}
        if len(digits) <= _SMALL_GROUPED or round_number:
            return text  # a count, or a round limit (`1,000,000,000`): no id is that round
    return mask(digits) if len(digits) >= _ID_DIGITS else text


def mask_ids(text: str) -> str:
    """`text` with anything that could be a participant id masked to its last two digits."""
    return _TOKEN.sub(_replace, text)


# Characters that change how the text around them looks, not what it says: C1 controls,
# bidi overrides and marks, line and paragraph separators, surrogates, private use. The one
# list: JSON and YAML escape them, a line of plain text replaces them (with C0 controls).
_INVISIBLE_CHARS = ("\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                    "\u2028\u2029\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff")
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")  # JSON escapes C0 controls itself
_UNSHOWN = re.compile(f"[\u0000-\u001f{_INVISIBLE_CHARS}]")
_BLANKS = re.compile("[\t\n\r\v\f]")


def _escape_invisible(text: str) -> str:
    return _INVISIBLE.sub(lambda m: "".join(f"\\u{unit:04x}" for unit in
                                            _utf16_units(m.group(0))), text)


def _utf16_units(ch: str) -> list[int]:
    data = ch.encode("utf-16-be", errors="surrogatepass")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def json_text(doc: object) -> str:
    """`doc` as indented JSON, letters as written and every invisible character (C1 controls,
    bidi overrides) escaped: the values stay as the data had them, but `cat` shows no trick.
    The one way sspost writes JSON."""
    return _escape_invisible(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n"


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted string of `text`, invisible characters escaped."""
    return _INVISIBLE.sub(lambda m: f"\\U{ord(m.group(0)):08x}",
                          json.dumps(text, ensure_ascii=False))


def has_invisible(text: str) -> bool:
    return _UNSHOWN.search(text) is not None


def clean(text: str, longest: int = _LONGEST) -> str:
    """One line of plain text: controls replaced, ids masked, at most `longest` characters."""
    text = _UNSHOWN.sub("\ufffd", _BLANKS.sub(" ", str(text)))
    text = mask_ids(text)
    return text if len(text) <= longest else text[: longest - 1] + "…"


def clean_all(text: str) -> str:
    """`clean` without a length bound (table cells and names, which are short by nature)."""
    return clean(text, longest=len(text) + 1)


# Every character CommonMark and GitHub's tables give a meaning inline, escaped wherever it is.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#$!])")
# What starts a block when a text opens a line or a list item (`- x`, `+ x`, `1. x`, `===`).
# Only a marker followed by a blank is one (`3.0%` and `01-001` are not); `---` or `===` alone
# is a rule or a heading's underline.
_MARKDOWN_BLOCK_START = re.compile(r"^(\s*)([-+](?=\s|$)|[-=](?=[-=\s]*$)|\d{1,9}(?=[.)](?:\s|$)))")
# What GitHub turns into a link with no markup: `https://...`, `www.x`, `a@b.c`.
_MARKDOWN_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=www)(\.)|(@)")


def for_markdown(text: str) -> str:
    """Clean text that Markdown shows as written, in a table cell, a list item or a heading:
    no HTML, no links (GitHub's bare-URL ones too), no emphasis, no new block, no table break.

    The one escaping of text from plans and data for Markdown (SPEC section 6): every renderer
    of Markdown passes such text through here, and only here.
    """
    # Leading blanks go: Markdown shows none, and four of them start a code block.
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", clean_all(text).lstrip())
    escaped = _MARKDOWN_AUTOLINK.sub(lambda m: "\\" + m.group(0), escaped)
    digits = _MARKDOWN_BLOCK_START.match(escaped)
    if digits is None:
        return escaped
    lead, marker = digits.groups()
    if marker[0].isdigit():  # `1.` stays 1, its dot escaped: `1\.`
        end = digits.end()
        return escaped[:end] + "\\" + escaped[end:]
    return lead + "\\" + escaped[len(lead):]


# What makes a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`, and a tab or CR
# before one).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: one that would start a formula gets a leading
    `'`, which Excel and LibreOffice take as "text" and do not display (OWASP's advice on CSV
    injection). The one such guard, for every CSV sspost writes."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def for_chart(text: str) -> str:
    """Clean text that matplotlib shows as written (`$...$` would be read as mathtext)."""
    return clean_all(text).replace("$", r"\$")
