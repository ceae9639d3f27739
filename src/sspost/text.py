"""How names from files compare: headers, program codes and aliases."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """NFC, trimmed, lower case: the form the engine compares too (SQL `lower`)."""
    return unicodedata.normalize("NFC", text).strip().lower()


def bare(text: str) -> str:
    """Folded, without tone marks or inner runs of blanks: `Mã số  BHXH` -> `ma so bhxh`
    (headers some systems export without their diacritics still name their column)."""
    decomposed = unicodedata.normalize("NFD", fold(text).replace("đ", "d"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())
