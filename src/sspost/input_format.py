"""How exports are written (delimiter, date format, encoding, column map): the one check of
each value, whether it comes from an option (`--delimiter`) or from a plan's `input:` section,
so that `validate` refuses what `progress` would refuse (SPEC sections 3 and 4).

Each check returns the value in its canonical form, or raises ValueError with the reason.
Nothing here imports the engine: `validate` runs these too.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re

from sspost.problems import UsageError
from sspost.text import fold

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
# The engine's strptime directives (a `-` may follow the `%`: no zero padding).
_DIRECTIVES = set("aAwdbBhmyYHIpMSfzZjUWgGuV%")
_DIRECTIVE = re.compile(r"%(-?)(.)")
_PROBE = "participant_id,date;program|unit\t0123456789\n"
_ENCODING_HINT = "try utf-8, utf-16 or windows-1258"


def delimiter(value: str) -> str:
    value = _DELIMITER_NAMES.get(value, value)
    if value not in DELIMITERS:
        raise ValueError(f"{value!r} is not a delimiter sspost reads: use one of , ; | tab")
    return value


def date_format(value: str) -> str:
    """A strptime format the engine reads, that gives a whole date (year, month and day)."""
    found = _DIRECTIVE.findall(value)
    unknown = sorted({d for _, d in found if d not in _DIRECTIVES})
    if unknown or value.count("%") != len(found) + sum(d == "%" for _, d in found):
        shown = ", ".join(f"%{d}" for d in unknown) or "a lone %"
        raise ValueError(f"{value!r} is not a date format: {shown} is not a directive "
                         "(e.g. %d/%m/%Y)")
    used = {d for _, d in found}
    if not (used & set("yYG") and ((used & set("mbBh") and "d" in used) or "j" in used)):
        raise ValueError(f"{value!r} does not give a whole date: it needs a year, a month and "
                         "a day (e.g. %d/%m/%Y)")
    return value


def encoding(name: str) -> str:
    """The codec's own name; only text encodings that write CSV punctuation as ASCII or
    UTF-16/32. Python's codec registry also holds transforms (rot13, hex, base64, zlib) and
    oddities (idna, unicode_escape) that are not how any export is written."""
    try:
        info = codecs.lookup(name)
        wide = info.name.startswith(("utf-16", "utf-32"))
        ascii_bytes = _PROBE.encode(info.name).removeprefix(codecs.BOM_UTF8)
        if not wide and ascii_bytes != _PROBE.encode("ascii"):
            raise LookupError
        if _PROBE.encode(info.name).decode(info.name) != _PROBE:
            raise LookupError
    except (LookupError, TypeError, ValueError, UnicodeError):
        raise ValueError(f"{name[:40]!r} is not a text encoding sspost can read "
                         f"({_ENCODING_HINT})") from None
    if info.name in ("idna", "punycode", "raw_unicode_escape", "unicode_escape", "utf-7"):
        raise ValueError(f"{name!r} is not an encoding exports are written in "
                         f"({_ENCODING_HINT})")
    return info.name


def shared_headers(columns: dict[str, str]) -> list[tuple[str, str]]:
    """Pairs of canonical columns mapped onto the same header (one header cannot be two
    columns), compared as headers are matched: trimmed, case-folded, NFC."""
    seen: dict[str, str] = {}
    pairs = []
    for canonical, header in columns.items():
        key = fold(header)
        if key in seen:
            pairs.append((seen[key], canonical))
        seen.setdefault(key, canonical)
    return pairs


def day(value: str, option: str) -> dt.date:
    """A date given as an option: YYYY-MM-DD, or dd/mm/yyyy as Vietnamese outputs write it."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    try:
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value.strip()):
            return dt.datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        pass
    raise UsageError.of("not_a_date", option=option, value=repr(value))
