"""The monthly report as one self-contained HTML file and as Markdown."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from sspost.breakdowns import BreakdownRow
from sspost.catalogue import section
from sspost.render import charts
from sspost.render.reconciliation import reconciliation_lines
from sspost.render.words import STATUS_COLOURS, Words
from sspost.report import MonthlyReport
from sspost.shown import clean_all, for_markdown

ID_NOTES = {"warning.id_kinds", "warning.ambiguous_codes"}
# The report's own words, over the table headers it shares with every other output.
TEXT = {lang: {**section("label")[lang],
               **{k: section("breakdown")[lang][k] for k in ("unit", "province")},
               **words} for lang, words in section("report").items()}


def _month_label(month: str, lang: str) -> str:
    return f"{month[5:]}/{month[:4]}" if lang == "vi" else month


def context(report: MonthlyReport, lang: str, *, with_charts: bool = True) -> dict[str, Any]:
    """Every string the report shows, formatted for `lang`: the templates only place them."""
    result = report.result
    w = Words(lang)
    by = result.breakdown.by if result.breakdown else "unit"
    labels = {p.program: clean_all(p.label_in(lang)) for p in result.programs}
    programs = []
    for n, (p, series) in enumerate(zip(result.programs, report.series, strict=True), 1):
        m = p.measures
        label = labels[p.program]
        national = None
        if p.national_total is not None:
            total = p.national_total
            national = (f"{w.number(total.participants)}, {w.date(total.as_of)}"
                        + (f", {clean_all(total.source)}" if total.source else ""))
        rows = [r for r in (result.breakdown.rows if result.breakdown else [])
                if r.program == p.program]
        chart = report.charted[p.program]
        status = w.status(m.status)
        status = status[:1].upper() + status[1:]  # the sentence's first word
        lead = (w.say("report.lead_done", status=status, achieved=w.number(m.achieved),
                      target=w.number(m.target)) if m.status == "achieved" else
                w.say("report.lead", status=status, expected=w.number(m.expected),
                      short=w.number(m.shortfall), per_day=w.rate(m.required_per_day),
                      days=w.number(m.days_left), rate=w.rate(m.rate_per_day),
                      projected=w.number(m.projected), target=w.number(m.target)))
        programs.append({
            "code": p.program, "label": label, "lead": lead, "achieved": w.number(m.achieved),
            "target": w.number(m.target), "attainment": w.percent(m.attainment),
            "pace": w.percent(m.pace), "status": m.status, "status_text": w.status(m.status),
            "gap": w.number(m.gap), "per_month": w.number(m.required_per_month),
            "share": w.percent(p.share, 2), "national": national,
            "this_month": w.number(series.this_month),
            "last_month": None if series.last_month is None else w.number(series.last_month),
            "ids": w.say("report.ids", codes=p.id_kinds["social_insurance_code"],
                         numbers=p.id_kinds["personal_number"]),
            "burnup": charts.burnup(series, label, lang, f"burnup-{n}") if with_charts else "",
            "bars": charts.bars(chart, by, label, lang, f"bars-{n}")
            if with_charts and rows else "",
            "chart_note": None if chart.complete else w.say(
                "report.top_bottom", top=chart.top, bottom=chart.bottom, n=chart.total),
            "last_year": None if p.last_year is None else w.say(
                "report.last_year", participants=p.last_year.participants,
                date=p.last_year.as_of, ratio=w.percent(p.vs_last_year)),
            "rows": [_row(x, w, labels) for x in rows],
            "with_last_year": any(x.last_year is not None for x in rows),
            "has_targets": any(x.target is not None for x in rows),
            "all_rows": w.say("report.all_rows", n=len(rows)),
        })
    r = result.reconciliation
    return {
        "lang": lang, "t": TEXT[lang], "month": report.month, "by": by,
        "palette": STATUS_COLOURS,
        "by_title": TEXT[lang]["by_" + ("province" if by == "province" else "unit")],
        "month_label": _month_label(report.month, lang), "name": clean_all(report.name),
        "organisation": clean_all(report.organisation) if report.organisation else None,
        "as_of": w.date(result.as_of),
        "generator": result.generator,
        "stamp": report.stamp, "programs": programs,
        "behind": [_row(x, w, labels) for x in report.behind],
        "silent": [_row(x, w, labels) for x in report.silent],
        "campaigns": [{"name": clean_all(f"{c.name} ({w.date(c.date)})"),
                       "program": labels.get(c.program, c.program),
                       "per_staff": w.number(c.per_staff), "staff_seen": w.number(c.staff_seen),
                       "staff_met": w.number(c.staff_met), "signed_up": w.number(c.signed_up)}
                      for c in result.campaigns],
        "reconciliation": {
            "summary": reconciliation_lines(r, lang, shown=0)[0],
            "files": [{"path": clean_all(f.path), "rows": w.number(f.rows_read),
                       "accepted": w.number(f.accepted), "rejected": w.number(f.rejected),
                       "format": f"{f.encoding}, {f.delimiter!r}", "sha256": f.sha256}
                      for f in r.files],
        },
        # What qualifies the figures goes under them; what an analyst acts on (which ids to
        # join), with the notes at the end: a director reads the first screen.
        "warnings": [clean_all(x.text(lang)) for x in result.warnings
                     if x.key not in ID_NOTES],
        "id_notes": [clean_all(x.text(lang)) for x in result.warnings if x.key in ID_NOTES],
        "renewals": _renewals(report, w, labels),
    }


def _renewals(report: MonthlyReport, w: Words,
              labels: dict[str, str]) -> list[dict[str, Any]] | None:
    """The renewals section: each program's summary and its units, most due next month
    first (report.UnitRenewals)."""
    if report.renewals is None:
        return None
    none = w.word("breakdown.(unassigned)")
    return [{"label": labels[r.program],
             "summary": w.say("report.renewals_summary", program=labels[r.program],
                              due=w.number(r.due_to_renew), next=w.number(r.due_next_month),
                              lapsed=w.number(r.lapsed), rate=w.percent(r.renewal_rate)),
             "units": [{"unit": clean_all(u.unit) if u.unit else none,
                        "due_next_month": w.number(u.due_next_month), "due": w.number(u.due),
                        "overdue": w.number(u.overdue), "lapsed": w.number(u.lapsed),
                        "rate": w.percent(u.renewal_rate)} for u in r.units]}
            for r in report.renewals]


def _row(row: BreakdownRow, w: Words, labels: dict[str, str]) -> dict[str, Any]:
    m = row.measures
    return {"program": labels.get(row.program, row.program),
            "unit": clean_all(w.row_key(row.key) + (f" {row.name}" if row.name else "")),
            "depth": row.depth, "parent": row.parent,
            "target": w.number(row.target), "achieved": w.number(row.achieved),
            "attainment": w.percent(m.attainment if m else None),
            "pace": w.percent(m.pace if m else None),
            "gap": w.number(m.gap if m else None),
            "per_day": w.rate(m.required_per_day if m else None),
            "status": m.status if m else None, "status_text": w.status(m.status) if m else "",
            "no_data": w.word("breakdown.no_data") if row.reporting is False else "",
            "share": w.percent(row.share), "last_year": w.number(row.last_year),
            "vs_last_year": w.percent(row.vs_last_year)}


def _escaped(value: Any) -> Any:
    """The context with every string escaped for Markdown (words of ours are plain text too)."""
    if isinstance(value, str):
        return for_markdown(value)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def render_html(report: MonthlyReport, lang: str) -> str:
    env = Environment(loader=PackageLoader("sspost", "render/templates"),
                      autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)
    return env.get_template("report.html.j2").render(context(report, lang))


def render_markdown(report: MonthlyReport, lang: str) -> str:
    c = _escaped(context(report, lang, with_charts=False))
    t = c["t"]
    lines = [f"# {t['title']} {c['month_label']}", "",
             f"{c['name']} · {t['as_of']} {c['as_of']} · {c['generator']}", "",
             f"## {t['headline']}", "",
             *[f"- **{p['label']}**: {p['lead']}" for p in c["programs"]], "",
             f"| {t['program']} | {t['achieved']} | {t['target']} | {t['attainment']} | "
             f"{t['pace']} | {t['status']} | {t['share']} | {t['this_month']} | "
             f"{t['last_month']} |", "|:--|--:|--:|--:|--:|:--|--:|--:|--:|"]
    for p in c["programs"]:
        lines.append(f"| {p['label']} | {p['achieved']} | {p['target']} | {p['attainment']} | "
                     f"{p['pace']} | {p['status_text']} | {p['share']} | {p['this_month']} | "
                     f"{p['last_month'] or '-'} |")
    lines += [""] + [f"- {p['label']}: {p['last_year']}" for p in c["programs"]
                     if p["last_year"]]
    lines += ["", f"## {t['behind']}", ""]  # the units that lag, what each must do
    lines += [f"- {r['program']}: {r['unit']} ({r['achieved']} / {r['target']}, "
              f"{r['status_text']}; {t['gap'].lower()} {r['gap']}, "
              f"{t['required_per_day'].lower()} {r['per_day']})" for r in c["behind"]] \
        or [t["none"]]
    if c["warnings"]:  # they qualify every figure above
        lines += [""] + [f"> ⚠ {warning}" for warning in c["warnings"]]
    lines += ["", f"## {c['by_title']}"]
    for p in c["programs"]:
        if not p["rows"]:
            continue
        lines += ["", f"### {p['label']}", "", p["all_rows"], ""]
        where = t["unit"] if c["by"] == "unit" else t["province"]
        if p["has_targets"]:
            lines += [f"| {where} | {t['target']} | {t['achieved']} | {t['attainment']} | "
                      f"{t['pace']} | {t['status']} | {t['gap']} | {t['required_per_day']} |",
                      "|:--|--:|--:|--:|--:|:--|--:|--:|"]
            lines += [f"| {'&nbsp;' * 2 * (r['depth'] - 1)}{r['unit']} | {r['target']} | "
                      f"{r['achieved']} | {r['attainment']} | {r['pace']} | "
                      f"{' '.join(x for x in (r['status_text'], r['no_data']) if x)} | "
                      f"{r['gap']} | {r['per_day']} |" for r in p["rows"]]
        else:
            lines += [f"| {where} | {t['achieved']} | {t['row_share']} |", "|:--|--:|--:|"]
            lines += [f"| {r['unit']} | {r['achieved']} | {r['share']} |" for r in p["rows"]]
    lines += ["", f"## {t['silent']}", ""]
    lines += [f"- {r['program']}: {r['unit']} ({r['achieved']} / {r['target']}, "
              f"{r['status_text']})" for r in c["silent"]] or [t["none"]]
    if c["renewals"]:
        lines += ["", f"## {t['renewals']}"]
        for r in c["renewals"]:
            lines += ["", f"### {r['label']}", "", r["summary"], "",
                      f"| {t['unit']} | {t['due_next_month']} | {t['due']} | {t['overdue']} | "
                      f"{t['lapsed']} | {t['renewal_rate']} |", "|:--|--:|--:|--:|--:|--:|"]
            lines += [f"| {u['unit']} | {u['due_next_month']} | {u['due']} | {u['overdue']} | "
                      f"{u['lapsed']} | {u['rate']} |" for u in r["units"]]
    lines += ["", f"## {t['campaigns']}", ""]
    lines += [f"- {x['name']}, {x['program']}: {x['staff_met']} / {x['staff_seen']} "
              f"{t['staff_met'].lower()}, {x['signed_up']} {t['signed_up'].lower()}"
              for x in c["campaigns"]] or [t["none"]]
    lines += ["", f"## {t['notes']}", ""] + [f"- {p['label']}: {p['ids']}" for p in c["programs"]]
    lines += [f"- {note}" for note in c["id_notes"]]
    lines += ["", f"## {t['reconciliation']}", "", c["reconciliation"]["summary"], ""]
    lines += [f"- {f['path']}: {f['rows']} ({f['format']}), sha256 `{f['sha256']}`"
              for f in c["reconciliation"]["files"]]
    return "\n".join(lines) + "\n"
