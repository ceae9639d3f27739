"""A Markdown table for wikis, tickets and the monthly report."""

from __future__ import annotations

from sspost.progress import ProgressResult
from sspost.render.breakdown_table import HEADERS
from sspost.render.words import Words
from sspost.shown import for_markdown

KEYS = ("program", "target", "achieved", "attainment", "expected", "pace", "status", "gap",
        "required_per_month", "projected", "share")


def _cell(text: str) -> str:
    return for_markdown(text)


def render(result: ProgressResult, lang: str = "en", color: bool = False) -> str:
    w = Words(lang)
    with_last_year = any(p.last_year is not None for p in result.programs)
    keys = KEYS + (("last_year", "vs_last_year") if with_last_year else ())
    lines = [f"**{_cell(result.targets)}**, {w.label('as_of')} {w.date(result.as_of)}", ""]
    lines.append("| " + " | ".join(w.label(k) for k in keys) + " |")
    lines.append("|" + "|".join(":--" if k in ("program", "status") else "--:" for k in keys)
                 + "|")
    for p in result.programs:
        m = p.measures
        label = p.label_in(lang)
        cells = [label, w.number(m.target), w.number(m.achieved), w.percent(m.attainment),
                 w.number(m.expected), w.percent(m.pace), w.status(m.status), w.number(m.gap),
                 w.number(m.required_per_month), w.number(m.projected), w.percent(p.share, 2)]
        if with_last_year:
            cells += [w.number(p.last_year.participants if p.last_year else None),
                      w.percent(p.vs_last_year)]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines.append("")
    for p in result.programs:
        kinds = p.id_kinds
        lines.append("- " + _cell(w.say("label.id_kinds", program=p.label_in(lang),
                                        codes=kinds["social_insurance_code"],
                                        numbers=kinds["personal_number"])))
    lines += [f"- ⚠ {_cell(warning.text(lang))}" for warning in result.warnings]
    if result.breakdown is not None:
        lines += ["", *_breakdown(result, w)]
    return "\n".join(lines) + "\n"


def _breakdown(result: ProgressResult, w: Words) -> list[str]:
    """The breakdown with the columns the terminal shows for it, headers in the language."""
    b = result.breakdown
    assert b is not None
    h = HEADERS[w.lang]
    labels = {p.program: p.label_in(w.lang) for p in result.programs}
    if b.by == "month":
        heads = [w.label("program"), h["month"], h["new"], h["cumulative"],
                 h["expected_cumulative"], h["change"]]
        align = ":--|:--|--:|--:|--:|--:"
    elif b.by == "unit":
        heads = [w.label("program"), h["unit"], w.label("target"), w.label("achieved"),
                 w.label("attainment"), w.label("pace"), w.label("status"), w.label("gap"),
                 w.label("required_per_day")]
        align = ":--|:--|--:|--:|--:|--:|:--|--:|--:"
    else:
        heads = [w.label("program"), h[b.by], w.label("achieved"), h["share"]]
        align = ":--|:--|--:|--:"
    with_last_year = any(r.last_year is not None for r in b.rows)
    if with_last_year:
        heads += [w.label("last_year"), w.label("vs_last_year")]
        align += "|--:|--:"
    lines = ["| " + " | ".join(_cell(x) for x in heads) + " |", "|" + align + "|"]
    for r in b.rows:
        m = r.measures
        indent = "&nbsp;" * 2 * (r.depth - 1)  # markup of ours, so outside the escaped cell
        key = w.row_key(r.key) + (f" {r.name}" if r.name else "")
        if b.by == "month":
            values = [w.number(r.achieved), w.number(r.cumulative),
                      w.number(r.expected_cumulative), w.signed(r.change)]
        elif b.by == "unit":
            values = [w.number(r.target), w.number(r.achieved),
                      w.percent(m.attainment if m else None), w.percent(m.pace if m else None),
                      w.status(m.status) if m else "", w.number(m.gap if m else None),
                      w.rate(m.required_per_day if m else None)]
        else:
            values = [w.number(r.achieved), w.percent(r.share)]
        if with_last_year:
            values += [w.number(r.last_year), w.percent(r.vs_last_year)]
        cells = [_cell(labels.get(r.program, r.program)), indent + _cell(key),
                 *(_cell(v) for v in values)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
