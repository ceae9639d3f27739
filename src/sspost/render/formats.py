"""The renderers, one interface per result kind: `render(result, style) -> text or bytes`.

Only the CLI writes what they return. Each registry is keyed by the `--format` name (the monthly
report's by file name).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from sspost.render import csv_format, json_format

if TYPE_CHECKING:
    from sspost.progress import CheckResult, ProgressResult
    from sspost.renewals import RenewalsResult
    from sspost.report import MonthlyReport


@dataclass(frozen=True)
class Style:
    """How the reader asked for it."""

    lang: str = "en"
    color: bool = False  # Rich colour on a terminal
    bom: bool = False  # CSV: a UTF-8 byte-order mark first, for Excel
    show_skipped: bool = False  # check: the rows that are not data too


R = TypeVar("R")
Renderer = Callable[[R, Style], str | bytes]


def _workbook(result: ProgressResult, style: Style) -> bytes:
    from sspost.render import xlsx_format  # XlsxWriter only when a workbook is asked for

    return xlsx_format.render(result, style.lang)


def _csv(result: ProgressResult, style: Style) -> str:
    return (csv_format.render_with_bom if style.bom else csv_format.render)(result)


def _table(result: ProgressResult, style: Style) -> str:
    from sspost.render import table  # Rich's tables only when a table is asked for

    return table.render(result, style.lang, style.color)


def _markdown(result: ProgressResult, style: Style) -> str:
    from sspost.render import markdown

    return markdown.render(result, style.lang)


PROGRESS: dict[str, Renderer[ProgressResult]] = {
    "table": _table,
    "json": lambda result, style: json_format.render(result),
    "csv": _csv,
    "markdown": _markdown,
    "xlsx": _workbook,
}


def _check_problems(name: str) -> Renderer[CheckResult]:
    def render(result: CheckResult, style: Style) -> str:
        from sspost.render.problems import PROBLEM_RENDERERS

        problems = [row.as_problem(style.lang) for row in result.reconciliation.rejected_rows]
        text = PROBLEM_RENDERERS[name](problems, [])
        return text + (json_format.skipped_lines(result) if style.show_skipped else "")
    return render


CHECK: dict[str, Renderer[CheckResult]] = {
    "text": _check_problems("text"),
    "github": _check_problems("github"),
    "json": lambda result, style: json_format.check_json(result, style.show_skipped),
}


def _report_page(kind: str) -> Renderer[MonthlyReport]:
    def render(report: MonthlyReport, style: Style) -> str:
        from sspost.render import report_html

        return (report_html.render_html if kind == "html"
                else report_html.render_markdown)(report, style.lang)
    return render


# The monthly report's files, in the order they are written and named.
REPORT: dict[str, Renderer[MonthlyReport]] = {
    "report.html": _report_page("html"),
    "report.md": _report_page("markdown"),
    "progress.json": lambda report, style: PROGRESS["json"](report.result, style),
    "progress.csv": lambda report, style: csv_format.render(report.result),
    "progress.xlsx": lambda report, style: _workbook(report.result, style),
}


def _renewals(kind: str) -> Renderer[RenewalsResult]:
    def render(result: RenewalsResult, style: Style) -> str | bytes:
        from sspost.render import renewals_format as f  # Rich and XlsxWriter when asked for

        renderers: dict[str, Callable[[], str | bytes]] = {
            "table": lambda: f.render_table(result, style.lang, style.color),
            "json": lambda: f.render_json(result),
            "csv": lambda: f.render_csv(result, style.bom),
            "markdown": lambda: f.render_markdown(result, style.lang),
            "xlsx": lambda: f.render_xlsx(result, style.lang)}
        return renderers[kind]()
    return render


RENEWALS: dict[str, Renderer[RenewalsResult]] = {
    kind: _renewals(kind) for kind in ("table", "json", "csv", "markdown", "xlsx")}
