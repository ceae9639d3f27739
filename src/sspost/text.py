"""How names from files compare: headers, program codes and aliases."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """NFC, trimmed, lower case: the form the engine compares too (SQL `lower`)."""
    return unicodedata.normalize("NFC", text).strip().lower()
