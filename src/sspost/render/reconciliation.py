"""The reconciliation and bad rows as lines for stderr."""

from __future__ import annotations

from sspost.records import Reconciliation
from sspost.render.words import Words


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": "','", ";": "';'", "|": "'|'"}.get(delimiter, repr(delimiter))


def reconciliation_lines(r: Reconciliation, lang: str = "en", shown: int = 20) -> list[str]:
    w = Words(lang)
    def some(n: int, word: str) -> str:
        return f"{w.number(n)} {word}{'s' * (n != 1)}"

    lines = [
        f"read {some(r.rows_read, 'row')} from {some(len(r.files), 'file')}: "
        f"{w.number(r.accepted)} accepted, {w.number(r.rejected)} rejected; "
        f"{w.number(r.counted)} counted, {w.number(r.outside_window)} outside the window, "
        f"{some(r.duplicate_records, 'duplicate record')}"
    ]
    lines += [f"  {f.path}: "
              + (f"sheet {f.sheet!r}" if f.sheet is not None
                 else f"{f.encoding}, {_delimiter_name(f.delimiter)}")
              + f", {some(f.rows_read, 'row')}{' (from --db)' if f.cached else ''}"
              + (f", dates {f.date_format}" if f.date_format else "")
              + (f"; read line by line first ({f.prepared})"
                 if f.prepared and f.sheet is None else "")
              for f in r.files]
    if r.rejected:
        counts = ", ".join(f"{reason} {w.number(n)}" for reason, n in r.rejected_by_reason.items())
        lines.append(f"rejected rows by reason: {counts}")
        lines += [f"  {x.file}:{x.line}: {x.reason}: {x.message}" for x in r.rejected_rows[:shown]]
        if shown and r.rejected > min(shown, len(r.rejected_rows)):
            lines.append(f"  ... and {w.number(r.rejected - min(shown, len(r.rejected_rows)))} "
                         "more")
    return lines
