"""How names from files compare: headers, program codes and aliases."""

from __future__ import annotations

import re
import unicodedata

# A column number written beside a header: `(1)`, `[02]`, `3.`, `A.` before it, `(2)` after it;
# and a trailing colon (`Mã số BHXH:`). VSS's forms and import sheets number their columns so.
_NUMBER = r"(?:\(\s*[0-9a-z]{1,3}\s*\)|\[\s*[0-9a-z]{1,3}\s*\]|[0-9]{1,3}[.)]|[a-z][.)])"
_BEFORE = re.compile(rf"^\s*{_NUMBER}\s*")
_AFTER = re.compile(r"\s*(?:\(\s*[0-9a-z]{1,3}\s*\)|\[\s*[0-9a-z]{1,3}\s*\])\s*$")


def fold(text: str) -> str:
    """NFC, trimmed, lower case: the form the engine compares too (SQL `lower`)."""
    return unicodedata.normalize("NFC", text).strip().lower()


def bare(text: str) -> str:
    """Folded, without tone marks or inner runs of blanks: `Mã số  BHXH` -> `ma so bhxh`
    (headers some systems export without their diacritics still name their column)."""
    decomposed = unicodedata.normalize("NFD", fold(text).replace("đ", "d"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def header_key(text: str) -> str:
    """A header as it is matched (SPEC section 4): folded, a line break read as a space
    (Excel's Alt+Enter), without a column number before or after it or a trailing colon, and
    without tone marks (`(1) Mã số\nBHXH:` -> `ma so bhxh`)."""
    folded = " ".join(fold(text).split())
    for _ in range(2):  # `(1) Mã số BHXH (2):` has both
        folded = _AFTER.sub("", _BEFORE.sub("", folded.rstrip(":").rstrip()))
    return bare(folded.rstrip(":"))
