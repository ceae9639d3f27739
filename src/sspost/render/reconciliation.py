"""The reconciliation and bad rows as lines for stderr."""

from __future__ import annotations

from sspost.records import Reconciliation
from sspost.render.words import Words
from sspost.text import fold


def _delimiter_name(delimiter: str, w: Words) -> str:
    return {"\t": w.word("recon.tab"), ",": "','", ";": "';'", "|": "'|'"}.get(
        delimiter, repr(delimiter))


def reconciliation_lines(r: Reconciliation, lang: str = "en", shown: int = 20) -> list[str]:
    w = Words(lang)
    lines = [w.say("recon.read", rows=r.rows_read, files=len(r.files), accepted=r.accepted,
                   rejected=r.rejected, counted=r.counted, outside=r.outside_window,
                   duplicates=r.duplicate_records)
             + (w.say("recon.decreases", n=r.decreases) if r.decreases else "")]
    for f in r.files:
        line = (w.say("recon.file_sheet", path=f.path, sheet=repr(f.sheet), rows=f.rows_read)
                if f.sheet is not None else
                w.say("recon.file_text", path=f.path, encoding=f.encoding,
                      delimiter=_delimiter_name(f.delimiter, w), rows=f.rows_read))
        line += w.word("recon.cached") if f.cached else ""
        line += w.say("recon.dates", format=f.date_format) if f.date_format else ""
        line += w.say("recon.prepared", why=f.prepared) if f.prepared and f.sheet is None else ""
        # Headers taken by another name than the column's own: a wrong guess is visible.
        renamed = [f"{column}={header!r}" for column, header in f.columns.items()
                   if fold(header) != column]
        line += w.say("recon.columns", columns=", ".join(renamed)) if renamed else ""
        if f.grouped_ids:
            line += w.say("recon.grouped", n=f.grouped_ids)
        if f.repeated:
            line += w.say("recon.repeated", headers=", ".join(repr(h) for h in f.repeated))
        if set(f.taken) == {"program"}:  # no title gave it: --program did
            line += w.say("recon.program_given", program=f.taken["program"])
        elif f.taken:
            line += w.say("recon.taken", taken=", ".join(f"{k} {v}" for k, v in f.taken.items()))
        if f.skipped:
            kinds = ", ".join(f"{w.word('skipped.' + kind)} {w.number(n)}"
                              for kind, n in f.skipped.items())
            line += w.say("recon.skipped", n=sum(f.skipped.values()), kinds=kinds)
        lines.append("  " + line)
    if r.rejected:
        counts = ", ".join(f"{w.word('reason.' + reason)} {w.number(n)}"
                           for reason, n in r.rejected_by_reason.items())
        lines.append(w.say("recon.by_reason", counts=counts))
        lines += [f"  {x.file}:{x.line}: {w.word('reason.' + x.reason)}: {x.said(lang)}"
                  for x in r.rejected_rows[:shown]]
        if shown and r.rejected > min(shown, len(r.rejected_rows)):
            lines.append("  " + w.say("recon.more",
                                      n=r.rejected - min(shown, len(r.rejected_rows))))
    return lines
