"""Text from data, made safe to show: ids masked, control characters replaced, markup escaped.

Every value that comes from an input file (a cell, a header, a name or code in a target file)
passes through here before a person or a program reads it (SPEC sections 6 and 7):

- `mask_ids` finds participant ids however they are written (`0123456789`, `0123-456-789`,
  `012 345 6789`, `0123.456.789`) and keeps only their last two digits;
- `clean` does that, replaces control characters (terminal escapes, bidi overrides, newlines)
  and bounds the length, for one line of plain text;
- `for_markdown` and `for_chart` add the escaping of their medium. Terminals get `clean` text
  as Rich `Text` objects (never markup); HTML keeps Jinja's autoescape.
"""

from __future__ import annotations

import re
import unicodedata

_LONGEST = 200  # characters of one value shown in a message

# Dates, date-times and thousands-grouped counts look like digit runs but are not ids; they are
# tried first at each position. A grouped count starts with 1-9 (ids keep their leading zeros).
_DATE = (r"(?:19|20)\d{2}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
         r"|\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}(?: \d{1,2}:\d{2}(?::\d{2})?)?"
         r"|(?:19|20)\d{2}[./]\d{1,2}[./]\d{1,2}")
_GROUPED = r"[1-9]\d{0,2}(?P<sep>[,. \u00a0])\d{3}(?:(?P=sep)\d{3})*"
# Digits with at most one separator between two of them: how people write ids.
_RUN = r"\d(?:[ \-./_\u00a0]?\d)*"
_TOKEN = re.compile(rf"(?<!\d)(?:(?P<date>{_DATE})|(?P<grouped>{_GROUPED})|(?P<run>{_RUN}))(?!\d)")
_ID_DIGITS = 8  # a run of this many digits could be an id (or what is left of one)
_SMALL_GROUPED = 9  # '.'- or space-grouped counts up to 999.999.999 read as counts

_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
         "\u2069", "\u200e", "\u200f", "\u061c"}


def mask(participant_id: str) -> str:
    """SPEC section 7: all but the last two characters hidden."""
    return "*" * max(len(participant_id) - 2, 0) + participant_id[-2:]


def _replace(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    if match.group("date") is not None:
        return text
    if match.group("grouped") is not None and (
            match.group("sep") == "," or len(digits) <= _SMALL_GROUPED):
        return text
    return mask(digits) if len(digits) >= _ID_DIGITS else text


def mask_ids(text: str) -> str:
    """`text` with anything that could be a participant id masked to its last two digits."""
    return _TOKEN.sub(_replace, text)


def _visible(ch: str) -> str:
    if ch in "\t\n\r\v\f":
        return " "
    if ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs", "Co"):
        return "\ufffd"
    return ch


def clean(text: str, longest: int = _LONGEST) -> str:
    """One line of plain text: controls replaced, ids masked, at most `longest` characters."""
    text = "".join(_visible(ch) for ch in str(text))
    text = mask_ids(text)
    return text if len(text) <= longest else text[: longest - 1] + "…"


def clean_all(text: str) -> str:
    """`clean` without a length bound (table cells and names, which are short by nature)."""
    return clean(text, longest=len(text) + 1)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#$!])")


def for_markdown(text: str) -> str:
    """Clean text that Markdown shows as written: no HTML, no links, no emphasis, no table break."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", clean_all(text))


def for_chart(text: str) -> str:
    """Clean text that matplotlib shows as written (`$...$` would be read as mathtext)."""
    return clean_all(text).replace("$", r"\$")
