"""Bytes before the engine: one pass for the checksum and line count, and transcoding.

The engine reads UTF-8. A file in another encoding (UTF-16, Windows-1258, ...) is decoded here,
NFC-normalised (Windows-1258 stores tone marks as separate combining characters) and written as
UTF-8 to a temporary file with the same lines, so line numbers stay those of the original.
"""

from __future__ import annotations

import codecs
import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sspost.problems import UsageError

_CHUNK = 1 << 22


@dataclass(frozen=True)
class Scan:
    sha256: str
    lines: int
    has_nul: bool


def scan(path: str) -> Scan:
    """Checksum, physical line count and whether any NUL byte occurs, in one read."""
    digest = hashlib.sha256()
    newlines = 0
    has_nul = False
    last = b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            newlines += chunk.count(b"\n")
            has_nul = has_nul or b"\x00" in chunk
            last = chunk[-1:]
    return Scan(digest.hexdigest(), newlines + (last != b"\n"), has_nul)


def canonical_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UsageError(f"unknown encoding {name!r} (try utf-8, utf-16 or windows-1258)") from None


def is_utf8(encoding: str) -> bool:
    return encoding in ("utf-8", "utf-8-sig")


def transcode(path: str, encoding: str, target: Path) -> None:
    """Write `path` decoded from `encoding` as NFC UTF-8; undecodable bytes are a usage error."""
    if encoding.startswith("utf-16") or encoding.startswith("utf-32"):
        _transcode_whole(path, encoding, target)
        return
    offset = 0
    with open(path, "rb") as source, open(target, "w", encoding="utf-8", newline="") as out:
        for number, raw in enumerate(source, start=1):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UsageError(
                    f"{path}:{number}: byte 0x{raw[exc.start]:02x} at byte offset "
                    f"{offset + exc.start} is not {encoding}; name the file's encoding with "
                    "--encoding"
                ) from None
            out.write(unicodedata.normalize("NFC", text))
            offset += len(raw)


def _transcode_whole(path: str, encoding: str, target: Path) -> None:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        raise UsageError(f"{path}:{line}: bytes at byte offset {exc.start} are not {encoding}; "
                         "name the file's encoding with --encoding") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    target.write_text(unicodedata.normalize("NFC", text), encoding="utf-8", newline="")
