"""Reading participant CSVs into the engine's `checked` table (SPEC section 4).

One typed pass per file (see staging); with --db, files whose rows are cached are not read
again (see cache). Python reads bytes only for checksums and line counts (in a thread, beside
the engine) and for the few rows that are rejected.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from sspost.problems import UsageError, interrupted
from sspost.records import archive, cache, dates, earliest, id_map
from sspost.records.layout import Layout, detect_layout, map_header, recognise, with_repeats
from sspost.records.lines import (
    is_blank,
    line_at_byte,
    line_counts,
    line_of_offset,
    unaccounted_lines,
)
from sspost.records.prepare import (
    BARE_CR,
    FORM,
    LONG_LINE,
    MIXED_ENDINGS,
    PARSER_STOP,
    SPANNING,
    SPREADSHEET,
    Prepared,
    is_spreadsheet,
    prepare_csv,
    prepare_csv_form,
    prepare_sheet,
)
from sspost.records.scan import Scan, checksum, first_bad_utf8, is_utf8, scan, transcode
from sspost.records.sql import csv_scan
from sspost.records.staging import BASE_COLUMNS, CHECKED_COLUMNS, staging_sql
from sspost.records.store import READING, RecordStore, Source

_ENGINE_MESSAGES = {"TOO MANY COLUMNS": "more fields than the header",
                    "MISSING COLUMNS": "fewer fields than the header",
                    "UNQUOTED VALUE": "a quote that does not close",
                    "LINE SIZE OVER MAXIMUM": "a line longer than the engine's maximum"}


def read_rows(path: str, delimiter: str | None = None) -> list[list[str]]:
    """The fields of a UTF-8 file's data rows as the engine reads them (for tests and tools)."""
    import duckdb

    layout = detect_layout(path, {}, delimiter=delimiter, require=False)
    with duckdb.connect() as con:
        rows = con.execute("SELECT * FROM " + csv_scan(path, layout, "rejects")).fetchall()
    return [[value if value is not None else "" for value in row] for row in rows]


def load(store: RecordStore, paths: list[str]) -> None:
    """Read `paths` into `checked`, one Source each on `store.sources` (the module's
    docstring); with --db, reuse the files whose rows are cached."""
    store.forget_tie_parts()
    input_format = store.targets.input
    columns = {k: v for k, v in input_format.columns.model_dump().items() if v}
    columns.update(store.options.columns)
    store.rewritten = {}
    layouts = []
    plain: list[str] = []  # what is read of each file: itself, or what its archive holds
    for index, path in enumerate(paths):  # every header checked before any long read
        unpacked = archive.unpack(path, Path(store.folder), index, store.options.member)
        plain.append(unpacked)
        with archive.named(unpacked, path):
            if is_spreadsheet(unpacked):
                layouts.append(_sheet_layout(store, index, unpacked, columns))
                continue
            encoding = store.options.encoding or input_format.encoding
            delimiter = store.options.delimiter or input_format.delimiter
            try:
                layouts.append(detect_layout(unpacked, columns, encoding=encoding,
                                             delimiter=delimiter,
                                             program=_program_option(store)))
            except UsageError as no_header:  # a form: a title block above its header?
                form = _csv_form_layout(store, index, unpacked, columns, encoding)
                if form is None:
                    raise no_header from None
                layouts.append(form)
    # Rows of empty fields are filtered where a read is done once and kept (--db), or
    # would cost a whole second read to redo (a UTF-8 copy); elsewhere only when found.
    layouts = [replace(layout, skip_empty=True)
               if store.options.db or not is_utf8(layout.encoding) else layout
               for layout in layouts]
    if not store.rules.date_format:
        layouts = [_with_date_format(store, i, path, plain[i], layout)
                   for i, (path, layout) in enumerate(zip(paths, layouts, strict=True))]
    store.columns = _columns_read(store, layouts)
    columns_sql = ", ".join(f"{c} {CHECKED_COLUMNS[c]}" for c in store.columns)
    scans: dict[int, Scan] = {}
    cached = cache.cached_files(store.con, store.options.db) if store.options.db else []
    reused = _reusable(store, plain, layouts, cached, scans)
    if not reused:
        store.con.execute(f"CREATE OR REPLACE TABLE checked ({columns_sql})")
    if store.options.db:
        if not reused:  # every row read anew: so are participants' earliest records
            earliest.forget(store)
            cache.reset(store.con)
        # Scanned first, so a file with NUL bytes is read once, the right way: rows deleted
        # from a persistent table may be renumbered when the engine compacts it.
        scans.update({i: scan(path, _engine_skips_bytes(layouts[i]))
                      for i, path in enumerate(plain) if i not in scans})
    with ThreadPoolExecutor(max_workers=1) as pool:
        for index, (path, layout) in enumerate(zip(paths, layouts, strict=True)):
            if store.options.on_progress:  # the bar from the file's first moment
                store.options.on_progress(READING, path, 0.0)
            with archive.named(plain[index], path):
                if index < reused:
                    _reuse(store, path, plain[index], layout, scans[index], cached[index])
                else:
                    _stage(store, pool, path, plain[index], layout, scans.get(index))
    id_map.load(store.con, store.options.id_map, store.error)
    if "paired" in store.columns:
        store.joined_ids, store.ambiguous_codes = id_map.add_pairs(store.con)
    # Rows by file, reason and day, in one scan: the reconciliation of any window, the
    # default as-of date and the files mostly rejected read these few rows, not `checked`.
    store.con.execute("CREATE OR REPLACE TEMP TABLE row_counts AS "
                      "SELECT file_idx, reason, d, count(*) AS n FROM checked GROUP BY ALL")


# A form has no program column (its code says it): a header is found without one.
_FORM_REQUIRED = [{"date"}, {"participant_id", "participants"}]


def _csv_form_layout(store: RecordStore, index: int, path: str, columns: dict[str, str],
                     encoding: str | None) -> Layout | None:
    """A CSV whose first line is not its header, read as a form (a title block above its
    header, sections, a footer) the way a sheet is; None when it is not one either."""
    plain = detect_layout(path, columns, encoding=encoding, require=False)
    text_path = _readable(store, index, path, plain)
    folder = Path(store.folder)
    prepared = prepare_csv_form(path, text_path, lambda name: recognise(name, columns),
                                _FORM_REQUIRED, folder / f"{index}.form.csv",
                                folder / f"{index}.rows.txt",
                                lambda names: with_repeats(names, map_header(path, names, columns)))
    if prepared is None:
        return None
    layout = _prepared_layout(store, index, path, prepared, columns)
    return replace(layout, encoding=plain.encoding, prepare=FORM)


def _sheet_layout(store: RecordStore, index: int, path: str, columns: dict[str, str]) -> Layout:
    """A spreadsheet's first (or --sheet) sheet as CSV; its layout, named for people."""
    folder = Path(store.folder)
    prepared = prepare_sheet(path, store.options.sheet, lambda name: recognise(name, columns),
                             _FORM_REQUIRED, ",", folder / f"{index}.sheet.csv",
                             folder / f"{index}.rows.txt",
                             lambda names: with_repeats(names, map_header(path, names, columns)))
    layout = _prepared_layout(store, index, path, prepared, columns)
    return replace(layout, encoding=Path(path).suffix.lower().lstrip("."), prepare=SPREADSHEET)


def _prepared_layout(store: RecordStore, index: int, path: str, prepared: Prepared,
                     columns: dict[str, str]) -> Layout:
    """The layout of the CSV made of a sheet's (or a CSV form's) rows, named for people."""
    store.rewritten[index] = prepared
    form = prepared.title.form
    forms = {code.upper(): program for code, program in store.targets.input.forms.items()}
    program = _program_option(store) or (forms.get(form) if form else None)
    try:
        layout = detect_layout(prepared.read_path, columns, encoding="utf-8", delimiter=",",
                               program=program)
    except UsageError as exc:  # about the CSV made of the rows: said of the user's file
        where = f"sheet {prepared.sheet!r} row" if prepared.sheet else "line"
        raise exc.replaced(f"{prepared.read_path}:1",
                           f"{path}: {where} {prepared.header_line}") from None
    unit = prepared.title.unit if "unit" not in layout.positions else None
    # The two columns records.prepare adds: NUMBER_ID and DECREASE_ROW.
    positions = {**layout.positions, "number_id": layout.field_count - 2,
                 "decrease": layout.field_count - 1}
    return replace(layout, positions=positions, header_line=prepared.header_line, unit=unit,
                   form=form)


def _program_option(store: RecordStore) -> str | None:
    """--program, checked against the plan's programs."""
    program = store.options.program
    if program is not None and program not in store.targets.programs:
        raise UsageError.of("not_a_program", program=repr(program),
                            programs=", ".join(store.targets.programs))
    return program


def _with_date_format(store: RecordStore, index: int, path: str, plain: str,
                      layout: Layout) -> Layout:
    """The layout with the form of its non-ISO dates, when it has some (SPEC section 4)."""
    with archive.named(plain, path):
        text_path = _readable(store, index, plain, layout)
    if not dates.needs_detection(text_path, layout):
        return layout
    return replace(layout, date_format=dates.detect(store.con, path, text_path, layout))


def _prepare(store: RecordStore, index: int, text_path: str, layout: Layout) -> Prepared:
    prepared = prepare_csv(text_path, layout.delimiter,
                           Path(store.folder) / f"{index}.prepared.csv",
                           frozenset(layout.positions.values()))
    store.rewritten[index] = prepared
    return prepared


def _fingerprint(store: RecordStore, index: int, layout: Layout, scanned: Scan) -> str:
    sql = staging_sql(index, "", layout, store.rules, check_nul=scanned.has_nul,
                      columns=store.columns)
    return cache.fingerprint(scanned, sql, layout.encoding)


def _reusable(store: RecordStore, plain: list[str], layouts: list[Layout],
              cached: list[cache.CachedFile], scans: dict[int, Scan]) -> int:
    """How many files, from the first, have their rows in the --db cache (0 or all cached
    ones); the files compared are scanned into `scans`."""
    if not cached or len(plain) < len(cached):
        return 0
    for index, entry in enumerate(cached):
        # The checksum alone: the file's other facts are the cached ones while it is the same.
        if checksum(plain[index]) != entry.scan.sha256:
            return 0
        scans[index] = entry.scan
        if _fingerprint(store, index, layouts[index], scans[index]) != entry.fingerprint:
            return 0
    return len(cached) if cache.rows_in_place(store.con, cached) else 0


def _reuse(store: RecordStore, path: str, plain: str, layout: Layout, scanned: Scan,
           entry: cache.CachedFile) -> None:
    index = len(store.sources)
    read_path = _readable(store, index, plain, layout)  # rejected rows are read back from it
    prepared = store.rewritten.get(index)
    if entry.prepare and prepared is None:  # its line map is made again, not cached
        layout = replace(layout, prepare=entry.prepare)
        prepared = _prepare(store, index, read_path, layout)
    store.sources.append(Source(path, prepared.read_path if prepared else read_path, layout,
                                scanned, entry.parsed_rows, entry.first_rowid,
                                entry.engine_rejects, cached=True, prepared=prepared))


def _readable(store: RecordStore, index: int, path: str, layout: Layout) -> str:
    """The file at `path` (unpacked, when it came compressed) as UTF-8 text with its own
    lines: the file, or a UTF-8 copy of it."""
    if layout.from_rows:
        return store.rewritten[index].read_path
    if is_utf8(layout.encoding):
        return path
    read_path = Path(store.folder) / f"{index}.csv"
    if not read_path.exists():  # made once per run
        transcode(path, layout.encoding, read_path)
    return str(read_path)


def _columns_read(store: RecordStore, layouts: list[Layout]) -> tuple[str, ...]:
    """The columns of `checked` this run reads: the base ones, and each other one only
    where some file has it and something (a breakdown, a campaign, the unit check) reads
    it."""
    def given(name: str) -> bool:
        return any(layout.has(name) for layout in layouts)

    optional = {
        "unit": "unit" in store.rules.keep and store.rules.has_units and given("unit"),
        "unit_text": (store.rules.has_units or "unit_text" in store.rules.keep)
        and given("unit"),
        "province": "province" in store.rules.keep and given("province"),
        "staff": "staff" in store.rules.keep and given("staff_id"),
        "secs": "secs" in store.rules.keep and given("date"),
        "n": any(layout.aggregate for layout in layouts),
        "paired": any("personal_number" in layout.positions for layout in layouts),
        "grouped": any(not layout.aggregate for layout in layouts),
        "cover_from": "cover_from" in store.rules.keep,
        "cover_to": "cover_to" in store.rules.keep,
    }
    return tuple(c for c in CHECKED_COLUMNS if c in BASE_COLUMNS or optional.get(c))


def _stage(store: RecordStore, pool: ThreadPoolExecutor, path: str, plain: str,
           layout: Layout, scanned: Scan | None) -> None:
    """Read one file into `checked`: once, and once more, the right way, in the rare cases
    the first read shows it needs another (NUL bytes, rows of empty fields, a bare CR or
    a parser stop, which send it through records.prepare)."""
    index = len(store.sources)
    text_path = _readable(store, index, plain, layout)
    prepared = store.rewritten.get(index)
    utf8_scanned = _engine_skips_bytes(layout)  # what the scan checks (see the --db scans)
    if prepared is None and (layout.prepare or _needs_preparing(scanned)):
        layout = replace(layout, prepare=layout.prepare or _needs_preparing(scanned))
        prepared = _prepare(store, index, text_path, layout)
    check_nul = scanned is not None and scanned.has_nul
    # Checksum, line count and the rare cases needing another read, beside the engine.
    scanning = pool.submit(scan, plain, utf8_scanned) if scanned is None else None
    refused = _insert(store, index, path, _engine_path(text_path, prepared), layout,
                      check_nul=check_nul)
    scanned = scanning.result() if scanning is not None else scanned
    assert scanned is not None
    _refuse_bad_utf8(path, plain, layout, scanned.bad_utf8)
    again = replace(layout, skip_empty=layout.skip_empty or (
        refused is None and _maybe_empty_rows(store, index)))
    if prepared is None and (refused is not None or _needs_preparing(scanned)):
        again = replace(again, prepare=_needs_preparing(scanned) if refused is None
                        else PARSER_STOP)
    if again != layout or scanned.has_nul != check_nul:
        layout = again
        if prepared is None and layout.prepare:
            prepared = _prepare(store, index, text_path, layout)
        refused = _read_again(store, index, path, _engine_path(text_path, prepared), layout,
                              scanned.has_nul)
    if refused is not None:
        raise UsageError.of("not_csv", path=path, why=refused)
    parsed = _parsed_rows(store, index)
    engine_rejects = _engine_rejects(store, index, path, _engine_path(text_path, prepared),
                                     layout)
    long_line = any(why == _ENGINE_MESSAGES["LINE SIZE OVER MAXIMUM"]
                    for why, _ in engine_rejects.values())
    if prepared is None and (long_line or _unaccounted(
            text_path, plain, layout, scanned, parsed[1], len(engine_rejects))):
        # Records spanning lines, a quote that never closes or a line the engine will not
        # read (a long note): read line by line instead.
        layout = replace(layout, prepare=LONG_LINE if long_line else SPANNING)
        prepared = _prepare(store, index, text_path, layout)
        refused = _read_again(store, index, path, prepared.read_path, layout, scanned.has_nul)
        if refused is not None:
            raise UsageError.of("not_csv", path=path, why=refused)
        parsed = _parsed_rows(store, index)
        engine_rejects = _engine_rejects(store, index, path, prepared.read_path, layout)
    if not utf8_scanned and (engine_rejects or prepared is not None):
        # Bytes the engine may have taken for a bad line, or a line-by-line read replaced.
        _refuse_bad_utf8(path, plain, layout, first_bad_utf8(plain))
    if prepared is not None:  # lines set aside before the engine read the file
        engine_rejects.update(prepared.bad)
    source = Source(path, _engine_path(text_path, prepared), layout, scanned,
                    prepared=prepared, engine_rejects=engine_rejects)
    # Rows of one file have consecutive rowids in file order: a row's index in its file is
    # its rowid minus the first one.
    source.first_rowid, source.parsed_rows = parsed
    store.sources.append(source)
    if store.options.db:
        cache.remember(store.con, index, _fingerprint(store, index, layout, source.scan),
                       source.first_rowid, source.parsed_rows, source.scan,
                       source.engine_rejects, layout.prepare if prepared is not None else "")


def _read_again(store: RecordStore, index: int, path: str, read_path: str, layout: Layout,
                check_nul: bool) -> str | None:
    """Stage file `index` anew, the rows and lines the engine set aside of its last read
    forgotten; returns what `_insert` does."""
    store.con.execute("DELETE FROM checked WHERE file_idx = ?", [index])
    store.con.execute(f"DROP TABLE IF EXISTS rejects_{index}; "
                      f"DROP TABLE IF EXISTS rejects_{index}_scan")
    return _insert(store, index, path, read_path, layout, check_nul=check_nul)


def _insert(store: RecordStore, index: int, path: str, read_path: str, layout: Layout, *,
            check_nul: bool) -> str | None:
    """Stage one file; messages and progress name `path`, the engine reads `read_path`.

    Returns the engine's complaint when its CSV parser gave up on the file, else None."""
    sql = staging_sql(index, read_path, layout, store.rules, check_nul=check_nul,
                      columns=store.columns)
    done = threading.Event()
    watcher = threading.Thread(target=_watch, args=(store, path, done), daemon=True)
    if store.options.on_progress:
        watcher.start()
    try:
        store.con.execute(f"INSERT INTO checked {sql}")
    except store.error as exc:
        if store.is_out_of_memory(exc) or interrupted(exc):
            raise
        return str(exc).splitlines()[0]
    finally:
        done.set()
        if watcher.is_alive():
            watcher.join()
    return None


def _maybe_empty_rows(store: RecordStore, index: int) -> bool:
    """Whether the file's rejected rows may include rows of empty fields (id, date and
    program all missing): then it is read again with the filter."""
    row = store.con.execute(
        "SELECT count(*) FROM checked WHERE file_idx = ? AND reason IS NOT NULL "
        "AND pid IS NULL AND d IS NULL AND program IS NULL", [index]).fetchone()
    return bool(row and row[0])


def _watch(store: RecordStore, path: str, done: threading.Event) -> None:
    assert store.options.on_progress is not None
    while not done.wait(0.2):
        percent = store.con.query_progress()
        if percent >= 0:
            store.options.on_progress(READING, path, percent / 100)
    store.options.on_progress(READING, path, 1.0)


def _engine_skips_bytes(layout: Layout) -> bool:
    """Whether bytes that are not UTF-8 could pass the engine unseen: in a column it does not
    read, or in a file read line by line first (SPEC section 4: they stop the run wherever
    they are). The engine checks every field it reads itself."""
    read = len(set(layout.positions.values()))
    return is_utf8(layout.encoding) and (bool(layout.prepare) or layout.field_count > read)


def _refuse_bad_utf8(path: str, plain: str, layout: Layout, offset: int) -> None:
    if offset >= 0 and is_utf8(layout.encoding):
        raise UsageError.of("bad_bytes", where=f"{path}:{line_at_byte(plain, offset)}",
                            encoding="utf-8", offset=str(offset))


def _needs_preparing(scanned: Scan | None) -> str:
    """Why the scan of a file says the engine cannot read it as it is ("" when it can)."""
    if scanned is None:
        return ""
    return BARE_CR if scanned.bare_cr else MIXED_ENDINGS if scanned.mixed_endings else ""


def _parsed_rows(store: RecordStore, index: int) -> tuple[int, int]:
    """The first rowid of file `index` in `checked`, and how many rows it has there."""
    row = store.con.execute("SELECT coalesce(min(rowid), 0), count(*) FROM checked "
                            "WHERE file_idx = ?", [index]).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def _unaccounted(text_path: str, plain: str, layout: Layout, scanned: Scan, parsed: int,
                 engine_rejected: int) -> bool:
    """Whether the engine's read of a file left lines out (lines.unaccounted_lines)."""
    if text_path == plain:
        left = unaccounted_lines(scanned.lines, layout.header_line, parsed, engine_rejected,
                                 lambda: line_counts(text_path, layout.delimiter)[1])
    else:  # a UTF-8 copy, counted on its own lines (the original's bytes may not be ASCII's)
        physical, blank = line_counts(text_path, layout.delimiter)
        left = unaccounted_lines(physical, layout.header_line, parsed, engine_rejected,
                                 lambda: blank)
    return left != 0


def _engine_rejects(store: RecordStore, index: int, path: str, read_path: str,
                    layout: Layout) -> dict[int, tuple[str, str]]:
    """The lines the engine's parser set aside in file `index`: line -> (why, its text)."""
    errors = store.con.execute(
        f"SELECT line_byte_position, error_type::VARCHAR, csv_line "
        f"FROM rejects_{index} ORDER BY line_byte_position"
    ).fetchall()
    lines = line_of_offset(read_path, [int(e[0]) for e in errors])
    found: dict[int, tuple[str, str]] = {}
    for start, kind, text in errors:
        line = lines[int(start)]
        if kind == "INVALID ENCODING":
            offset = _first_invalid_utf8(read_path, int(start))
            raise UsageError.of("bad_bytes", where=f"{path}:{line}", encoding=layout.encoding,
                                offset=str(offset))
        why = _ENGINE_MESSAGES.get(str(kind), str(kind).lower())
        record = str(text or "").strip("\r\n")
        if is_blank(record, layout.delimiter):
            continue  # `;;` or blanks in a wider file: every field empty, not a data row
        found.setdefault(line, (why, record))
    return found


def _engine_path(text_path: str, prepared: Prepared | None) -> str:
    """What the engine reads: the prepared CSV, or the file's UTF-8 text itself."""
    return prepared.read_path if prepared is not None else text_path


def _first_invalid_utf8(path: str, near: int) -> int:
    """Byte offset of the first byte that is not UTF-8, from the line the engine pointed at."""
    base = max(near - 2, 0)
    with open(path, "rb") as handle:
        handle.seek(base)
        chunk = handle.read(1 << 16)
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        return base + exc.start
    return near
