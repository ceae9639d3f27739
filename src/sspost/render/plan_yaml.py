"""A `NextPlan` as a target file (SPEC section 3), laid out as a person would write one.

Written by hand rather than dumped, so that the file reads like the plan it came from (flow
mappings for short maps, comments where a province code changed) and a diff against last year's
file is a review. Every scalar goes through `scalar`, which leaves quoting to PyYAML: a code
like "01" or a name like "yes" comes back as the text it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import yaml

from sspost.next_plan import NextPlan, NextUnit, ProgramBaseline
from sspost.shown import has_invisible, yaml_quoted
from sspost.targets.loader import PLACEHOLDER

_SCHEMA_COMMENT = "# yaml-language-server: $schema="


def scalar(value: object, *, in_flow: bool = False) -> str:
    """One value as YAML, the one place values are quoted: after `key: `, or `in_flow` inside
    `[...]` or `{...}`, where a plain `a, b` would be two values."""
    if not isinstance(value, bool | int | float | str | dt.date):
        raise TypeError(f"not a scalar: {type(value).__name__}")
    dumped = yaml.safe_dump([value] if in_flow else value, allow_unicode=True,
                            default_flow_style=True, width=1 << 30)
    text = dumped.strip()[1:-1] if in_flow else dumped.removesuffix("\n").removesuffix("\n...")
    if isinstance(value, str) and (has_invisible(value) or yaml.safe_load(
            f"[{text}]" if in_flow else text) != ([value] if in_flow else value)):
        # PyYAML wrote it plain but reads it back otherwise, or left a bidi override or a C1
        # control as it was (YAML calls them printable).
        text = yaml_quoted(value)
    return text


def _flow(items: Iterable[tuple[str, object]]) -> str:
    return "{" + ", ".join(f"{scalar(k)}: {scalar(v)}"
                           for k, v in items) + "}"


def _placeholder_targets(programs: list[str]) -> str:
    return "{" + ", ".join(f"{scalar(p, in_flow=True)}: {PLACEHOLDER}" for p in programs) + "}"


def _files(files: list[str]) -> str:
    return ", ".join(files) if len(files) <= 3 else f"{len(files)} files ({files[0]} ...)"


def _counted(plan: NextPlan) -> str:
    start = plan.old.period.start
    return (f"counted by sspost plan next on {plan.computed_on} from {_files(plan.files)}, "
            f"participants {start}..{plan.counted_to}")


def _unit_source(plan: NextPlan) -> str:
    return (f"counted by sspost plan next on {plan.computed_on}, "
            f"{plan.old.period.start}..{plan.counted_to}")


def _program_source(plan: NextPlan, baseline: ProgramBaseline) -> str:
    source = _counted(plan)
    if baseline.national_total is not None:
        day, total = baseline.national_total
        source += f"; national share of the VSS total {total:,} at {day}"
    return source


def plan_yaml(plan: NextPlan, old_path: str) -> str:
    """The new target file's text."""
    old = plan.old
    lines: list[str] = []
    first = Path(old_path).read_text(encoding="utf-8-sig").split("\n", 1)[0] \
        if Path(old_path).is_file() else ""
    if first.startswith(_SCHEMA_COMMENT):
        lines.append(first)  # the editor's schema; the new file usually sits beside the old
    lines += [
        f"# Made by `sspost plan next` on {plan.computed_on} from {old_path}",
        f"# and {_files(plan.files)}. Each {PLACEHOLDER} is a {plan.label} target still to be "
        "written:",
        "# `sspost validate` lists them, and `sspost progress` refuses this plan until each is a",
        f"# number. Baselines are what the files count for {plan.old_label} (to "
        f"{plan.counted_to}); {plan.old_label}'s",
        "# national totals and campaigns are not carried over: add this period's.",
        "schema_version: 1",
        f"name: {scalar(_renamed(old.name, plan))}",
    ]
    if old.organisation:
        lines.append(f"organisation: {scalar(old.organisation)}")
    lines.append(f"period: {_flow([('start', plan.period.start), ('end', plan.period.end)])}")
    lines.append("programs:")
    for code, program in old.programs.items():
        baseline = plan.programs[code]
        lines += [f"  {scalar(code)}:", f"    label: {scalar(program.label)}"]
        if program.label_vi:
            lines.append(f"    label_vi: {scalar(program.label_vi)}")
        lines.append(f"    target: {PLACEHOLDER}")
        if program.aliases:
            aliases = ", ".join(scalar(a, in_flow=True) for a in program.aliases)
            lines.append(f"    aliases: [{aliases}]")
        lines += ["    baseline:", f"      period: {scalar(plan.old_label)}",
                  f"      participants: {scalar(baseline.participants)}"]
        if baseline.national_share is not None:
            share = float(f"{baseline.national_share:.4g}")  # as precise as the counts
            lines.append(f"      national_share: {scalar(share)}")
        if baseline.cumulative:
            lines.append("      cumulative:")  # a line a month: next year's diff reads well
            lines += [f"        {scalar(m)}: {scalar(n)}" for m, n in baseline.cumulative.items()]
        lines.append(f"      source: {scalar(_program_source(plan, baseline))}")
    if isinstance(old.phasing, dict):
        moved = {f"{int(month[:4]) + 1:04d}{month[4:]}": f for month, f in old.phasing.items()}
        lines.append(f"phasing: {_flow(moved.items())}")
    else:
        lines.append(f"phasing: {scalar(old.phasing)}")
    thresholds = [("on_track", old.thresholds.on_track), ("at_risk", old.thresholds.at_risk)]
    lines.append(f"thresholds: {_flow(thresholds)}")
    if plan.units:
        lines.append("units:")
        lines += _units(plan, plan.units, "  ")
    given = old.input.model_dump(exclude_defaults=True, exclude_none=True)
    if given:
        lines.append("input:")
        for key, value in given.items():
            shown = _flow(value.items()) if isinstance(value, dict) else scalar(value)
            lines.append(f"  {key}: {shown}")
    return "\n".join(lines) + "\n"


def _renamed(name: str, plan: NextPlan) -> str:
    """The old plan's name for the new period: its year moved on, or the period added."""
    if plan.old_label in name:
        return name.replace(plan.old_label, plan.label)
    return f"{name} ({plan.label})"


def _units(plan: NextPlan, units: list[NextUnit], indent: str) -> list[str]:
    lines = []
    for unit in units:
        if unit.merged_from:
            was = " and ".join(f"{code} {name}" for code, name in unit.merged_from)
            lines.append(f"{indent}# was {was} until the provinces merged on 1 July 2025")
        lines += [f"{indent}- code: {scalar(unit.code)}", f"{indent}  name: {scalar(unit.name)}"]
        if unit.programs:
            lines.append(f"{indent}  targets: {_placeholder_targets(unit.programs)}")
        counted = [(p, unit.participants.get(p, 0)) for p in plan.old.programs
                   if p in unit.participants or p in unit.programs]
        if plan.units_counted and counted:
            lines += [f"{indent}  baseline:", f"{indent}    period: {scalar(plan.old_label)}",
                      f"{indent}    participants: {_flow(counted)}",
                      f"{indent}    source: {scalar(_unit_source(plan))}"]
        if unit.units:
            lines.append(f"{indent}  units:")
            lines += _units(plan, unit.units, indent + "    ")
    return lines
