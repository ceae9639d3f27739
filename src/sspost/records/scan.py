"""Bytes before the engine: one pass for the checksum and line count, and transcoding.

The engine reads UTF-8. A file in another encoding (UTF-16, Windows-1258, ...) is decoded here,
NFC-normalised (Windows-1258 stores tone marks as separate combining characters) and written as
UTF-8 to a temporary file with the same lines, so line numbers stay those of the original.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sspost import input_format
from sspost.problems import UsageError

_CHUNK = 1 << 22


@dataclass(frozen=True)
class Scan:
    sha256: str
    lines: int
    has_nul: bool
    bare_cr: bool = False  # a CR not followed by LF: a line break the engine does not see
    # Lines ending in CRLF and others in LF alone: the engine takes the CR of a CRLF line in
    # an LF file for part of its last field (a quoted one then is a bad row).
    mixed_endings: bool = False
    # Byte offset of the first byte that is not UTF-8 (-1: none), wherever it is: in a column
    # the run does not read too, as SPEC section 4 asks (the engine checks only what it reads).
    bad_utf8: int = -1


def scan(path: str, check_utf8: bool = True) -> Scan:
    """Checksum, physical line count, and whether any NUL byte, bare CR or mix of line endings
    occurs, in one read; with `check_utf8`, where the first byte that is not UTF-8 is (0.6 s
    a GB of text that is not all ASCII: asked only where the engine does not check it)."""
    digest = hashlib.sha256()
    newlines = crlf = consumed = 0
    has_nul = bare_cr = False
    last = b"\n"
    utf8 = _Utf8Check()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            if check_utf8:
                utf8.feed(chunk, consumed)
            consumed += len(chunk)
            newlines += chunk.count(b"\n")
            if b"\r" in chunk:  # counting pairs costs twice counting LFs: only where a CR is
                crlf += chunk.count(b"\r\n")
            crlf += last == b"\r" and chunk.startswith(b"\n")
            has_nul = has_nul or b"\x00" in chunk
            if not bare_cr and (b"\r" in chunk or last == b"\r"):
                bare_cr = _bare_cr(last, chunk)
            last = chunk[-1:]
    if last == b"\r":
        bare_cr = True
    return Scan(digest.hexdigest(), newlines + (last != b"\n"), has_nul, bare_cr,
                mixed_endings=0 < crlf < newlines, bad_utf8=utf8.end(consumed))


def first_bad_utf8(path: str) -> int:
    """Byte offset of the first byte of `path` that is not UTF-8, -1 when there is none."""
    utf8 = _Utf8Check()
    consumed = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            utf8.feed(chunk, consumed)
            consumed += len(chunk)
    return utf8.end(consumed)


class _Utf8Check:
    """Where the first byte that is not UTF-8 is, fed chunk by chunk (an ASCII chunk, the
    usual one, costs a test of its bytes only)."""

    def __init__(self) -> None:
        self.bad = -1
        self._tail = b""  # a character cut by the chunk's end, completed by the next one

    def feed(self, chunk: bytes, offset: int) -> None:
        if self.bad >= 0 or (not self._tail and chunk.isascii()):
            return
        data, start = self._tail + chunk, offset - len(self._tail)
        try:
            data.decode("utf-8")
            self._tail = b""
        except UnicodeDecodeError as exc:
            if exc.end == len(data) and len(data) - exc.start < 4 \
                    and exc.reason == "unexpected end of data":
                self._tail = data[exc.start:]  # cut by the chunk's end: wait for the rest
                try:
                    data[:exc.start].decode("utf-8")
                except UnicodeDecodeError as inner:
                    self.bad = start + inner.start
            else:
                self.bad = start + exc.start

    def end(self, consumed: int) -> int:
        if self.bad < 0 and self._tail:  # the file ends inside a character
            self.bad = consumed - len(self._tail)
        return self.bad


def checksum(path: str) -> str:
    """The file's sha256 alone (on 20M rows 0.67 s, against 1.15 s for all of `scan`)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _bare_cr(before: bytes, chunk: bytes) -> bool:
    """Whether `chunk` holds a CR that no LF follows (the chunk's last byte is left to the
    next chunk, or to the end of the file); `before` is the previous chunk's last byte."""
    crs = chunk.count(b"\r") - chunk.endswith(b"\r")
    pairs = chunk.count(b"\r\n")
    return crs > pairs or (before == b"\r" and not chunk.startswith(b"\n"))


def canonical_encoding(name: str) -> str:
    """The codec's own name for --encoding or `input.encoding` (input_format.encoding)."""
    try:
        return input_format.encoding(name)
    except ValueError as exc:
        raise UsageError(f"--encoding {exc}") from None


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
                raise UsageError.of("bad_byte", where=f"{path}:{number}",
                                    byte=f"0x{raw[exc.start]:02x}",
                                    offset=str(offset + exc.start), encoding=encoding) from None
            out.write(unicodedata.normalize("NFC", text))
            offset += len(raw)


def _transcode_whole(path: str, encoding: str, target: Path) -> None:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        raise UsageError.of("bytes_not", where=f"{path}:{line}", offset=str(exc.start),
                            encoding=encoding) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    target.write_text(unicodedata.normalize("NFC", text), encoding="utf-8", newline="")
