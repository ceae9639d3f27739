"""The monthly report as one self-contained HTML file and as Markdown."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from sspost.catalogue import section
from sspost.render import charts
from sspost.render.reconciliation import reconciliation_lines
from sspost.render.words import Words
from sspost.report import MonthlyReport
from sspost.shown import clean_all, for_markdown

TEXT = section("report")


def _month_label(month: str, lang: str) -> str:
    return f"{month[5:]}/{month[:4]}" if lang == "vi" else month


def context(report: MonthlyReport, lang: str, *, with_charts: bool = True) -> dict[str, Any]:
    """Every string the report shows, formatted for `lang`: the templates only place them."""
    result = report.result
    w = Words(lang)
    by = result.breakdown.by if result.breakdown else "unit"
    programs = []
    for p, series in zip(result.programs, report.series, strict=True):
        m = p.measures
        label = clean_all(p.label_in(lang))
        national = None
        if p.national_total is not None:
            total = p.national_total
            national = (f"{w.number(total.participants)}, {w.date(total.as_of)}"
                        + (f", {clean_all(total.source)}" if total.source else ""))
        rows = [r for r in (result.breakdown.rows if result.breakdown else [])
                if r.program == p.program]
        programs.append({
            "code": p.program, "label": label, "achieved": w.number(m.achieved),
            "target": w.number(m.target), "attainment": w.percent(m.attainment),
            "pace": w.percent(m.pace), "status": m.status, "status_text": w.status(m.status),
            "gap": w.number(m.gap), "per_month": w.number(m.required_per_month),
            "share": w.percent(p.share, 2), "national": national,
            "this_month": w.number(series.this_month),
            "last_month": None if series.last_month is None else w.number(series.last_month),
            "burnup": charts.burnup(series, label, lang) if with_charts else "",
            "bars": charts.bars(rows, by, label, lang) if with_charts else "",
        })
    r = result.reconciliation
    return {
        "lang": lang, "t": TEXT[lang], "month": report.month,
        "month_label": _month_label(report.month, lang), "name": clean_all(report.name),
        "organisation": clean_all(report.organisation) if report.organisation else None,
        "as_of": w.date(result.as_of),
        "generator": result.generator,
        "stamp": report.stamp, "programs": programs,
        "behind": [_row(x, w) for x in report.behind], "silent": [_row(x, w)
                                                              for x in report.silent],
        "campaigns": [{"name": clean_all(f"{c.name} ({w.date(c.date)})"), "program": c.program,
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
        "warnings": [clean_all(x.text(lang)) for x in result.warnings],
    }


def _row(row: Any, w: Words) -> dict[str, str]:
    m = row.measures
    return {"program": row.program,
            "unit": clean_all(row.key + (f" {row.name}" if row.name else "")),
            "target": w.number(row.target), "achieved": w.number(row.achieved),
            "pace": w.percent(m.pace if m else None), "status": w.status(m.status) if m else ""}


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
             f"| {t['program']} | {t['achieved']} | {t['target']} | {t['attainment']} | "
             f"{t['pace']} | {t['status']} | {t['share']} | {t['this_month']} | "
             f"{t['last_month']} |", "|:--|--:|--:|--:|--:|:--|--:|--:|--:|"]
    for p in c["programs"]:
        lines.append(f"| {p['label']} | {p['achieved']} | {p['target']} | {p['attainment']} | "
                     f"{p['pace']} | {p['status_text']} | {p['share']} | {p['this_month']} | "
                     f"{p['last_month'] or '-'} |")
    if c["warnings"]:  # near the headline: they qualify every figure above
        lines += [""] + [f"> ⚠ {warning}" for warning in c["warnings"]]
    for key, rows in (("behind", c["behind"]), ("silent", c["silent"])):
        lines += ["", f"## {t[key]}", ""]
        lines += [f"- {r['program']}: {r['unit']} ({r['achieved']} / {r['target']}, "
                  f"{r['status']})" for r in rows] or [t["none"]]
    lines += ["", f"## {t['campaigns']}", ""]
    lines += [f"- {x['name']}, {x['program']}: {x['staff_met']} / {x['staff_seen']} "
              f"{t['staff_met'].lower()}, {x['signed_up']} {t['signed_up'].lower()}"
              for x in c["campaigns"]] or [t["none"]]
    lines += ["", f"## {t['reconciliation']}", "", c["reconciliation"]["summary"], ""]
    lines += [f"- {f['path']}: {f['rows']} ({f['format']}), sha256 `{f['sha256']}`"
              for f in c["reconciliation"]["files"]]
    return "\n".join(lines) + "\n"
