"""The stable JSON of `sspost progress` (SPEC section 6): key names and order are a contract."""

from __future__ import annotations

from typing import Any

from sspost.breakdowns import Breakdown, BreakdownRow
from sspost.progress import CheckResult, ProgramProgress, ProgressResult
from sspost.records import FileReport, Reconciliation
from sspost.shown import json_text

SCHEMA_VERSION = 1


def program_json(p: ProgramProgress) -> dict[str, Any]:
    m = p.measures
    total = p.national_total
    return {
        "program": p.program, "label": p.label, "label_vi": p.label_vi,
        "target": m.target, "achieved": m.achieved, "attainment": m.attainment, "gap": m.gap,
        "elapsed": m.elapsed, "expected": m.expected, "pace": m.pace, "status": m.status,
        "projected": m.projected, "days_left": m.days_left,
        "required_per_day": m.required_per_day, "required_per_month": m.required_per_month,
        "national_total": None if total is None else {
            "participants": total.participants, "as_of": total.as_of.isoformat(),
            "stale": total.stale, "source": total.source,
        },
        "share": p.share,
        "baseline": None if p.baseline is None else {
            "period": p.baseline.period, "participants": p.baseline.participants,
            "national_share": p.baseline.national_share,
        },
        "vs_baseline": p.vs_baseline,
        "id_kinds": p.id_kinds,
        "last_year": None if p.last_year is None else {
            "as_of": p.last_year.as_of.isoformat(), "participants": p.last_year.participants,
            "source": p.last_year.source,
        },
        "vs_last_year": p.vs_last_year,
        "due_to_renew": p.due_to_renew,
    }


DIMENSION_KEYS = {"unit": "unit", "province": "province", "month": "month", "staff": "staff_id"}


def breakdown_row_json(by: str, row: BreakdownRow,
                       last_as_of: str | None = None) -> dict[str, Any]:
    m = row.measures
    out: dict[str, Any] = {"program": row.program, DIMENSION_KEYS[by]: row.key}
    if by in ("unit", "province"):
        out["name"] = row.name
    if by == "unit":
        out |= {"depth": row.depth, "parent": row.parent, "reporting": row.reporting}
    out |= {
        "target": row.target, "achieved": row.achieved, "share": row.share,
        "attainment": m.attainment if m else None, "gap": m.gap if m else None,
        "expected": m.expected if m else None, "pace": m.pace if m else None,
        "status": m.status if m else None,
        "required_per_day": m.required_per_day if m else None,
    }
    if by == "month":
        out |= {"cumulative": row.cumulative, "expected_cumulative": row.expected_cumulative,
                "change": row.change}
    out |= {"last_year": None if row.last_year is None else {
                "as_of": last_as_of, "participants": row.last_year, "source": "data"},
            "vs_last_year": row.vs_last_year}
    return out


def breakdown_json(b: Breakdown) -> dict[str, Any]:
    out: dict[str, Any] = {"by": b.by, "depth": b.depth}
    if b.by == "unit":
        out["reported"] = {program: {"reported": n, "with_target": m}
                           for program, (n, m) in b.reported.items()}
    last_as_of = b.last_year_as_of.isoformat() if b.last_year_as_of else None
    out["rows"] = [breakdown_row_json(b.by, row, last_as_of) for row in b.rows]
    return out


def _form_keys(f: FileReport) -> dict[str, Any]:
    """A form's rows that are not data and what its title block gave: keys only a file that
    has them carries, so the JSON of a plain export stays as it was."""
    out: dict[str, Any] = {}
    if f.skipped:
        out["skipped"] = f.skipped
    if f.taken:
        out["taken"] = f.taken
    if f.number_ids:
        out["ids_from_number_cells"] = f.number_ids
    if f.grouped_ids:
        out["ids_in_groups"] = f.grouped_ids
    if f.repeated:
        out["repeated_headers"] = list(f.repeated)
    return out


def reconciliation_json(r: Reconciliation) -> dict[str, Any]:
    return {
        "files": [{"path": f.path, "rows_read": f.rows_read, "accepted": f.accepted,
                   "rejected": f.rejected, "encoding": f.encoding, "delimiter": f.delimiter,
                   "sha256": f.sha256, "cached": f.cached, "sheet": f.sheet,
                   "date_format": f.date_format, "read_line_by_line": f.prepared or None,
                   "columns": f.columns, **_form_keys(f)}
                  for f in r.files],
        "rows_read": r.rows_read, "accepted": r.accepted, "rejected": r.rejected,
        "counted": r.counted, "outside_window": r.outside_window,
        "duplicate_records": r.duplicate_records,
        # A form's rows under `Giảm`: said only where there are some (a plain export's JSON
        # stays as it was).
        **({"decreases": r.decreases} if r.decreases else {}),
        "rejected_by_reason": r.rejected_by_reason,
        "rejected_rows": [{"file": x.file, "line": x.line, "reason": x.reason,
                           "message": x.message} for x in r.rejected_rows],
    }


def progress_json(result: ProgressResult) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": result.generator,
        "targets": result.targets,
        "period": {"start": result.period_start.isoformat(),
                   "end": result.period_end.isoformat()},
        "as_of": result.as_of.isoformat(),
        "programs": [program_json(p) for p in result.programs],
        "breakdown": None if result.breakdown is None else breakdown_json(result.breakdown),
        "campaigns": [{"name": c.name, "date": c.date.isoformat(), "program": c.program,
                       "per_staff": c.per_staff, "staff_seen": c.staff_seen,
                       "staff_met": c.staff_met, "signed_up": c.signed_up,
                       "roster_size": c.roster_size, "roster_met_share": c.roster_met_share}
                      for c in result.campaigns],
        "reconciliation": reconciliation_json(result.reconciliation),
        "warnings": [str(n) for n in result.warnings],
        "last_year_reconciliation": None if result.last_year_reconciliation is None
        else reconciliation_json(result.last_year_reconciliation),
    }


def render(result: ProgressResult, lang: str = "en", color: bool = False) -> str:
    return json_text(progress_json(result))


def check_json(result: CheckResult, show_skipped: bool = False) -> str:
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION, "generator": result.generator,
        "targets": result.targets, "as_of": result.as_of.isoformat(),
        "reconciliation": reconciliation_json(result.reconciliation),
        "warnings": [str(n) for n in result.warnings]}
    if show_skipped:  # check --show-skipped: the rows that are not data, one by one
        doc["skipped_rows"] = [{"file": f.path, "line": line, "kind": kind}
                               for f in result.reconciliation.files
                               for line, kind in f.skipped_lines]
    return json_text(doc)


def skipped_lines(result: CheckResult) -> str:
    """check --show-skipped as text: `file:line: kind`, a line each."""
    return "".join(f"{f.path}:{line}: {kind}\n" for f in result.reconciliation.files
                   for line, kind in f.skipped_lines)
