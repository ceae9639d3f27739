"""`sspost renewals` in every format `progress` has: a Rich table, JSON (SPEC section 5a),
CSV, Markdown and a workbook. Every figure comes from the result; none is worked out here."""

from __future__ import annotations

import csv
import io
from typing import Any

from sspost.catalogue import Notice
from sspost.render import workbook
from sspost.render.csv_format import safe_cell
from sspost.render.json_format import SCHEMA_VERSION, reconciliation_json
from sspost.render.words import Words
from sspost.renewals import WORKLIST_HEADER, RenewalsResult, RenewalsRow, worklist_rows
from sspost.shown import clean_all, for_markdown, inert_cell, json_text

COUNTS = ("covered", "due", "overdue", "lapsed", "renewed")
PROGRAM_KEYS = (*COUNTS, "renewal_rate", "due_not_counted", "gap", "gap_share_of_due")
ROW_KEYS = (*COUNTS, "renewal_rate", "due_not_counted")
RATIOS = {"renewal_rate", "gap_share_of_due"}


def _program_values(result: RenewalsResult) -> list[dict[str, Any]]:
    return [{"program": p.program,
             **{k: getattr(p.figures, k) for k in COUNTS},
             "renewal_rate": p.renewal_rate, "due_not_counted": p.due_not_counted,
             "gap": p.gap, "gap_share_of_due": p.gap_share_of_due}
            for p in result.programs]


def _row_values(by: str, row: RenewalsRow) -> dict[str, Any]:
    return {"program": row.program, by: row.key, **{k: getattr(row.figures, k) for k in COUNTS},
            "renewal_rate": row.renewal_rate, "due_not_counted": row.due_not_counted}


def as_json(result: RenewalsResult) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION, "generator": result.generator,
        "targets": result.targets,
        "period": {"start": result.period_start.isoformat(), "end": result.period_end.isoformat()},
        "as_of": result.as_of.isoformat(), "grace_days": result.grace_days,
        "programs": _program_values(result),
        "breakdown": None if result.by is None else {
            "by": result.by, "rows": [_row_values(result.by, r) for r in result.rows]},
        "assumptions": [str(n) for n in result.assumptions],
        "reconciliation": reconciliation_json(result.reconciliation),
        "warnings": [str(n) for n in result.warnings],
        "last_year_reconciliation": None if result.last_year_reconciliation is None
        else reconciliation_json(result.last_year_reconciliation),
    }


def render_json(result: RenewalsResult) -> str:
    return json_text(as_json(result))


def tables(result: RenewalsResult) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(what, header, rows) of values, unformatted: the programs, then the breakdown."""
    programs = _program_values(result)
    out = [("programs", ["program", *PROGRAM_KEYS],
            [[v[k] for k in ("program", *PROGRAM_KEYS)] for v in programs])]
    if result.by is not None:
        keys = ["program", result.by, *ROW_KEYS]
        out.append((result.by, keys,
                    [[_row_values(result.by, r)[k] for k in keys] for r in result.rows]))
    return out


def render_csv(result: RenewalsResult, bom: bool = False) -> str:
    """The programs, or with --by the breakdown's rows (one table per file, as progress)."""
    _, header, rows = tables(result)[-1]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return ("\ufeff" if bom else "") + out.getvalue()


def _shown(w: Words, key: str, value: Any) -> str:
    if key == "gap_share_of_due":  # the gap as a multiple of the people due to renew
        return "-" if value is None else w.number(value, 1) + "×"
    if key in RATIOS:
        return w.percent(value)
    return w.number(value) if isinstance(value, int) or value is None else str(value)


def _headers(w: Words, keys: list[str], by: str | None) -> list[str]:
    names = {"program": w.label("program"), "gap": w.label("gap"),
             "unit": w.word("breakdown.unit"), "staff": w.word("breakdown.staff"),
             "month": w.word("renewals.month")}
    return [names.get(k) or w.word("renewals." + k) for k in keys]


def _labelled(result: RenewalsResult, lang: str, row: list[Any]) -> list[Any]:
    labels = {p.program: p.label_in(lang) for p in result.programs}
    return [labels.get(row[0], row[0]), *row[1:]]


def render_markdown(result: RenewalsResult, lang: str = "en") -> str:
    w = Words(lang)
    lines = [f"**{for_markdown(result.targets)}**, {w.word('renewals.title')}, "
             f"{w.label('as_of')} {w.date(result.as_of)}", ""]
    for _, header, rows in tables(result):
        lines.append("| " + " | ".join(for_markdown(h) for h in
                                        _headers(w, header, result.by)) + " |")
        lines.append("|" + "|".join(":--" if i < len(header) - len(ROW_KEYS) else "--:"
                                    for i in range(len(header))) + "|")
        for row in rows:
            cells = [_shown(w, k, v) if i else str(v) for i, (k, v) in
                     enumerate(zip(header, _labelled(result, lang, row), strict=True))]
            lines.append("| " + " | ".join(for_markdown(c) for c in cells) + " |")
        lines.append("")
    lines.append(f"- {for_markdown(w.say('renewals.grace', days=result.grace_days))}")
    lines += [f"- ⚠ {for_markdown(n.text(lang))}" for n in _notices(result)]
    return "\n".join(lines) + "\n"


def _notices(result: RenewalsResult) -> list[Notice]:
    return [*result.assumptions, *result.warnings]


def render_table(result: RenewalsResult, lang: str = "en", color: bool = False) -> str:
    from rich.table import Table
    from rich.text import Text

    from sspost.render.fitting import fits, records
    from sspost.render.table import make_console

    w = Words(lang)
    buffer = io.StringIO()
    console = make_console(buffer, color, None)
    console.print(Text(clean_all(f"{result.targets}: {w.word('renewals.title')}, "
                                 f"{w.label('as_of')} {w.date(result.as_of)}"), style="bold"))
    for what, header, rows in tables(result):
        table = Table(header_style="bold", title=None if what == "programs" else
                      _headers(w, [what], result.by)[0], title_justify="left")
        words = len(header) - (len(PROGRAM_KEYS) if what == "programs" else len(ROW_KEYS))
        for i, name in enumerate(_headers(w, header, result.by)):
            table.add_column(name, justify="left" if i < words else "right", no_wrap=i >= words,
                             overflow="fold")
        for row in rows:
            cells = [clean_all(str(v if v is not None else "-")) if i < words
                     else _shown(w, k, v) for i, (k, v) in
                     enumerate(zip(header, _labelled(result, lang, row), strict=True))]
            table.add_row(*(Text(c) for c in cells))
        console.print(table if fits(console, table) else records(table, words))
    console.print(Text(clean_all(w.say("renewals.grace", days=result.grace_days)), style="dim"))
    for notice in _notices(result):
        console.print(Text(clean_all("⚠ " + notice.text(lang)), style="bold"))
    text = buffer.getvalue()
    return text if color else "\n".join(line.rstrip() for line in text.split("\n"))


def render_xlsx(result: RenewalsResult, lang: str) -> bytes:
    """The workbook people read (render.workbook): a sheet for the programs, one for the
    breakdown."""
    w = Words(lang)
    kinds = {**{k: "people" for k in (*COUNTS, "due_not_counted", "gap")},
             "renewal_rate": "ratio", "gap_share_of_due": "multiple"}
    subtitle = (f"{w.label('as_of')} {w.date(result.as_of)} · "
                f"{w.say('renewals.grace', days=result.grace_days)}")
    notes = [n.text(lang) for n in _notices(result)]
    sheets = []
    for what, header, rows in tables(result):
        name = w.word("renewals.title") if what == "programs" else _headers(w, [what], None)[0]
        columns = [workbook.Column(key, title, kinds.get(key, "text"))
                   for key, title in zip(header, _headers(w, header, result.by), strict=True)]
        sheets.append(workbook.Sheet(name, f"{result.name or result.targets} · {name}",
                                     subtitle, columns,
                                     [_labelled(result, lang, row) for row in rows], notes))
    return workbook.render(sheets, title=f"{result.name or result.targets} {result.as_of}",
                           as_of=result.as_of, lang=lang)


def render_worklist(result: RenewalsResult) -> str:
    """The worklist CSV: ids in full (only written when asked, SPEC section 7); cells that a
    spreadsheet would run as formulas are made inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(WORKLIST_HEADER)
    # Written as read: the worklist and the rejects file are the two outputs holding ids.
    writer.writerows([v if isinstance(v, int) else inert_cell("" if v is None else str(v))
                      for v in row] for row in worklist_rows(result))
    return out.getvalue()
