"""Compressed exports (SPEC section 4): the file inside, unpacked beside the run's scratch files.

National exports travel as `.gz` or `.zip`. The file inside is written, streamed in chunks, to
the run's scratch folder and read from there exactly as the plain file would be: the engine's
parallel reader, the line numbers and the rejected rows' text all work on plain bytes (the
engine reads a gzip stream on one thread only, and its byte offsets would no longer be the
file's). Messages name the archive as the user gave it (`named`).

A truncated or corrupt archive is one error naming the file, before any row is counted: the
whole stream is checked (a gzip's CRC and length, a zip member's CRC) while it is unpacked.
"""

from __future__ import annotations

import gzip
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Protocol

from sspost.problems import UsageError
from sspost.shown import clean

_CHUNK = 1 << 22
GZIP, ZIP, ZSTD = ".gz", ".zip", ".zst"
COMPRESSED = (GZIP, ZIP, ZSTD)
_LISTED = 5  # members named in a message


def is_compressed(path: str) -> bool:
    return Path(path).suffix.lower() in COMPRESSED


def unpack(path: str, folder: Path, index: int, member: str | None = None) -> str:
    """The plain file `path` holds, written into `folder` (`path` itself when not compressed).

    The copy keeps the inner file's extension, so `x.xlsx.gz` or a zip holding `x.xlsx` is
    read as the spreadsheet it is.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in COMPRESSED:
        return path
    if suffix == ZSTD:
        raise UsageError(f"{path}: zstd-compressed files are not read (this Python has no "
                         "zstd decoder); decompress it first (`zstd -d`) or send it as .gz")
    if suffix == GZIP:
        inner = Path(path).stem
        target = folder / f"{index}.unpacked{Path(inner).suffix.lower() or '.csv'}"
        _gunzip(path, target)
        return str(target)
    return _unzip(path, folder, index, member)


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


# What an archive may expand to: exports compress 5-10x (ids are random digits); a bomb of
# zeros, 1000x. Past this ratio (or the scratch folder's free space) the unpacking stops.
MAX_RATIO = 200
_FLOOR = 64 << 20  # a small archive may still hold this much
_KEEP_FREE = 256 << 20  # left free on the scratch folder's disk, for the engine's spills


def _copy_bounded(source: _Readable, target: Path, path: str, packed: int) -> None:
    """Copy the stream, stopping with one line when it expands past MAX_RATIO times its
    packed size or would fill the disk the run works on."""
    limit = max(packed * MAX_RATIO, _FLOOR)
    written = 0
    with open(target, "wb") as out:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > limit:
                raise UsageError(f"{path}: unpacks to more than {limit:,} bytes, {MAX_RATIO} "
                                 "times its size: not an export (a compression bomb?); nothing "
                                 "was counted")
            if written % (64 * _CHUNK) < len(chunk) and \
                    shutil.disk_usage(target.parent).free < _KEEP_FREE + len(chunk):
                raise UsageError(f"{path}: unpacking it would fill the disk sspost works on "
                                 f"({target.parent}); free some space or unpack it "
                                 "elsewhere; nothing was counted")
            out.write(chunk)


def _gunzip(path: str, target: Path) -> None:
    try:
        with gzip.open(path, "rb") as source:
            _copy_bounded(source, target, path, Path(path).stat().st_size)
    except FileNotFoundError:
        raise UsageError(f"cannot open {path}: no such file") from None
    except EOFError:
        raise UsageError(f"{path}: the gzip file is truncated (it ends before its end "
                         "marker): copy or download it again; nothing was counted") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise UsageError(f"{path}: not a readable gzip file ({clean(str(exc), 120)}); "
                         "nothing was counted") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot unpack: {exc.strerror or exc}") from None


def _members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The files a person put in the zip: no folders, no macOS resource forks."""
    return [info for info in archive.infolist()
            if not info.is_dir() and not info.filename.startswith("__MACOSX/")
            and not PurePosixPath(info.filename).name.startswith("._")]


def _unzip(path: str, folder: Path, index: int, member: str | None) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = _members(archive)
            chosen = _chosen(path, members, member)
            free = shutil.disk_usage(folder).free
            if chosen.file_size > free:
                raise UsageError(f"{path}: {chosen.filename} unpacks to "
                                 f"{chosen.file_size:,} bytes, more than the {free:,} free "
                                 f"where sspost works ({folder})")
            suffix = PurePosixPath(chosen.filename).suffix.lower() or ".csv"
            target = folder / f"{index}.unpacked{suffix}"
            with archive.open(chosen) as source:
                _copy_bounded(source, target, path, max(chosen.compress_size, 1))
    except FileNotFoundError:
        raise UsageError(f"cannot open {path}: no such file") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UsageError(f"{path}: not a readable zip file ({clean(str(exc), 120)}): copy or "
                         "download it again; nothing was counted") from None
    except NotImplementedError as exc:  # a compression method Python does not read
        raise UsageError(f"{path}: {clean(str(exc), 120)}; save the zip with the usual "
                         "(deflate) compression") from None
    except RuntimeError as exc:  # an encrypted member
        raise UsageError(f"{path}: {clean(str(exc), 120)}: sspost does not read "
                         "password-protected zips; unpack it first") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot unpack: {exc.strerror or exc}") from None
    return str(target)


def _chosen(path: str, members: list[zipfile.ZipInfo],
            member: str | None) -> zipfile.ZipInfo:
    names = [info.filename for info in members]
    listed = ", ".join(clean(n, 60) for n in names[:_LISTED])
    listed += f" and {len(names) - _LISTED:,} more" if len(names) > _LISTED else ""
    if member is not None:
        for info in members:
            if member in (info.filename, PurePosixPath(info.filename).name):
                return info
        raise UsageError(f"{path}: no member named {clean(member, 60)!r} "
                         f"(it holds {listed or 'no file'})")
    if not members:
        raise UsageError(f"{path}: the zip holds no file")
    if len(members) > 1:
        raise UsageError(f"{path}: the zip holds {len(members):,} files ({listed}); name the "
                         "one to read with --member NAME")
    return members[0]


@contextmanager
def named(plain: str, path: str) -> Iterator[None]:
    """Messages about the unpacked copy `plain` name the archive `path` the user gave."""
    if plain == path:
        yield
        return
    try:
        yield
    except UsageError as exc:
        raise exc.replaced(plain, path) from None
