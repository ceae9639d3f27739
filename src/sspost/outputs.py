"""Where a run will write, checked against what it reads before anything is read (SPEC section 6).

An output that is an input (the same path, a link to it, or a hard link) would destroy the data
it was computed from; an output that cannot be written would be found only after minutes of
reading. Both are usage errors, found here, in one place, for every command.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sspost.problems import UsageError

REPORT_FILES = ("report.html", "report.md", "progress.json", "progress.csv", "progress.xlsx")
LAST_YEAR_DB = ".last-year"  # --db FILE keeps last year's rows in FILE.last-year


def last_year_db(db: str) -> str:
    """Where --db keeps last year's rows: beside this year's, never in the same tables."""
    return db + LAST_YEAR_DB


_DUCKDB_MAGIC = b"DUCK"  # bytes 8..11 of every DuckDB database file
_NOT_A_DB = (".csv", ".tsv", ".txt", ".json", ".md", ".yaml", ".yml", ".xlsx", ".xls", ".html")


@dataclass(frozen=True)
class Output:
    option: str  # how the user named it, for the message: "--output", "--rejects", ...
    path: Path
    directory: bool = False  # report --output-dir: created when missing
    database: bool = False  # --db: reused when it exists, so it must be one of ours


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def _writable_dir(path: Path) -> tuple[bool, Path]:
    """Whether the nearest existing ancestor of `path` is a directory we may write in."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK), probe


def _check_writable(out: Output) -> None:
    path = out.path
    if out.directory:
        if path.exists() and not path.is_dir():
            raise UsageError.of("not_a_directory", option=out.option, path=str(path))
        ok, where = _writable_dir(path)
        if not ok:
            raise UsageError.of("cannot_create", option=out.option, path=str(path),
                                where=str(where))
        return
    if path.is_dir():
        raise UsageError.of("is_a_directory", option=out.option, path=str(path))
    if path.exists():
        if not os.access(path, os.W_OK):
            raise UsageError.of("permission", option=out.option, path=str(path))
    elif not (path.parent.is_dir() and os.access(path.parent, os.W_OK | os.X_OK)):
        raise UsageError.of("no_folder", option=out.option, path=str(path),
                            folder=str(path.parent))


def _check_database(out: Output) -> None:
    path = out.path
    if path.suffix.lower() in _NOT_A_DB:
        raise UsageError(f"{out.option} {path}: the cache is a DuckDB database; give it a name "
                         "such as cache.duckdb")
    if path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            head = handle.read(12)
        if head[8:12] != _DUCKDB_MAGIC:
            raise UsageError(f"{out.option} {path} exists and is not a DuckDB database; "
                             "refusing to replace it")


def check_outputs(inputs: list[tuple[str, Path]], outputs: list[Output]) -> None:
    """Refuse outputs that would overwrite an input or each other, or cannot be written.

    `inputs` are (what it is, path) pairs: the target file, data files, an id map, a roster.
    """
    seen: list[Output] = []
    for out in outputs:
        files = ([out.path / name for name in REPORT_FILES] if out.directory else [out.path])
        for file in files:
            for kind, path in inputs:
                if _same(file, path):
                    raise UsageError.of("is_an_input", option=out.option, path=str(file),
                                        kind=kind)
            for other in seen:
                if not other.directory and _same(file, other.path):
                    raise UsageError.of("same_file", option=out.option, other=other.option,
                                        path=str(file))
        _check_writable(out)
        if out.database:
            _check_database(out)
        seen.append(out)



def _exists_not_regular(path: Path) -> bool:
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)  # follows links (/dev/stdout)
    except OSError:
        return False


@contextmanager
def replacing(target: str | Path, *, exclusive: bool = False) -> Iterator[str]:
    """A temporary path beside `target`, renamed onto it when the block ends well.

    An output is complete or absent: Ctrl-C, a full disk or a failed render in the middle of
    writing leaves the previous file (or none), never half of one. The rename is atomic
    because the temporary file is in the same folder. A target that exists and is not a regular
    file (a device, a pipe) is written in place. `exclusive`: FileExistsError rather than
    replace a file that appeared meanwhile (a hard link is made, which never replaces).
    """
    if _exists_not_regular(Path(target)):
        # A device, a pipe or a terminal (`-o /dev/null`, `/dev/stdout`): written in place.
        # A rename would replace the device itself with a regular file (as root, it can).
        yield str(target)
        return
    target = Path(os.path.realpath(target))  # a link is written through, never replaced
    handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.",
                                         suffix=".part")
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temporary, 0o666 & ~umask)  # as a plain open() would have made it
        yield temporary
        if exclusive:
            os.link(temporary, target)
            Path(temporary).unlink()
        else:
            os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
