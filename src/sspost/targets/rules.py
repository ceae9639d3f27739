"""Rules of SPEC section 3 that need more than one value to check.

Each rule is a function from the loaded model and its document to problems; `check` runs them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sspost import input_format
from sspost.measures import previous_period
from sspost.problems import Problem, Severity
from sspost.targets.model import TargetFile, Unit, unit_codes
from sspost.targets.yamlpos import Document, Path
from sspost.text import fold

Rule = Callable[[TargetFile, Document], Iterator[Problem]]


# Dates a plan's period may hold: the periods a year before and after it must exist too
# (baselines, `plan next`), and no social insurance plan lies outside these years.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def period_in_range(model: TargetFile) -> bool:
    return all(FIRST_YEAR <= d.year <= LAST_YEAR for d in (model.period.start, model.period.end))


def period_range(model: TargetFile, doc: Document) -> Iterator[Problem]:
    for key in ("start", "end"):
        day = getattr(model.period, key)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            yield doc.problem(("period", key), "period",
                              f"{day} is not a plan date: periods lie between "
                              f"{FIRST_YEAR}-01-01 and {LAST_YEAR}-12-31")


def input_format_values(model: TargetFile, doc: Document) -> Iterator[Problem]:
    """`input:` as the options that take its place check them (input_format)."""
    given = model.input
    checks = [("delimiter", given.delimiter, input_format.delimiter),
              ("date_format", given.date_format, input_format.date_format),
              ("encoding", given.encoding, input_format.encoding)]
    for key, value, check in checks:
        if value is None:
            continue
        try:
            check(value)
        except ValueError as exc:
            yield doc.problem(("input", key), "input", str(exc))
    for form, program in given.forms.items():
        if program not in model.programs:
            yield _undeclared(model, doc, ("input", "forms", form), program, of_key=False)
    columns = {k: v for k, v in given.columns.model_dump().items() if v}
    for first, second in input_format.shared_headers(columns):
        yield doc.problem(("input", "columns", second), "input",
                          f"{second} and {first} are mapped onto the same header "
                          f"{columns[second]!r}: one header is one column")


def period_order(model: TargetFile, doc: Document) -> Iterator[Problem]:
    if model.period.start > model.period.end:
        yield doc.problem(("period", "end"), "period",
                          f"period ends ({model.period.end}) before it starts "
                          f"({model.period.start})")


def phasing(model: TargetFile, doc: Document) -> Iterator[Problem]:
    if not isinstance(model.phasing, dict) or not model.phasing:
        return
    first = f"{model.period.start:%Y-%m}"
    last = f"{model.period.end:%Y-%m}"
    previous = 0.0
    for month in sorted(model.phasing):
        fraction = model.phasing[month]
        if not first <= month <= last:
            yield doc.problem(("phasing", month), "phasing",
                              f"month {month} is outside the period {first}..{last}", of_key=True)
        if fraction < previous:
            yield doc.problem(("phasing", month), "phasing",
                              f"cumulative fraction decreases ({previous} -> {fraction})")
        previous = max(previous, fraction)
    final = max(model.phasing)
    if model.phasing[final] != 1.0:
        yield doc.problem(("phasing", final), "phasing",
                          f"the last month must reach 1.0 (got {model.phasing[final]})")


def baseline_cumulative(model: TargetFile, doc: Document) -> Iterator[Problem]:
    """Month-end figures of the period a year before this one, never falling."""
    if not period_in_range(model):
        return
    start, end = previous_period(model.period.start, model.period.end)
    first, last = f"{start:%Y-%m}", f"{end:%Y-%m}"
    for code, program in model.programs.items():
        cumulative = program.baseline.cumulative if program.baseline else None
        previous = 0
        for month in sorted(cumulative or {}):
            assert cumulative is not None
            here = ("programs", code, "baseline", "cumulative", month)
            if not first <= month <= last:
                yield doc.problem(here, "baseline", f"month {month} is outside the period "
                                  f"a year before this one ({first}..{last})", of_key=True)
            if cumulative[month] < previous:
                yield doc.problem(here, "baseline", f"cumulative participants decrease "
                                  f"({previous:,} -> {cumulative[month]:,})")
            previous = max(previous, cumulative[month])


def thresholds(model: TargetFile, doc: Document) -> Iterator[Problem]:
    if model.thresholds.at_risk > model.thresholds.on_track:
        yield doc.problem(("thresholds", "at_risk"), "thresholds",
                          f"at_risk ({model.thresholds.at_risk}) must not exceed on_track "
                          f"({model.thresholds.on_track})")


def aliases(model: TargetFile, doc: Document) -> Iterator[Problem]:
    owner = {fold(code): code for code in model.programs}
    for code, program in model.programs.items():
        for i, alias in enumerate(program.aliases):
            seen = owner.setdefault(fold(alias), code)
            if seen != code:
                yield doc.problem(("programs", code, "aliases", i), "alias",
                                  f'alias "{alias}" already names program {seen}')


def _undeclared(
    model: TargetFile, doc: Document, path: Path, code: str, *, of_key: bool = True,
) -> Problem:
    declared = ", ".join(model.programs)
    return doc.problem(path, "undeclared-program",
                       f'program "{code}" is not declared under programs ({declared})',
                       of_key=of_key)


def national_totals(model: TargetFile, doc: Document) -> Iterator[Problem]:
    seen: dict[tuple[str, object], int] = {}
    for i, total in enumerate(model.national_totals):
        if total.program not in model.programs:
            yield _undeclared(model, doc, ("national_totals", i, "program"), total.program,
                              of_key=False)
        key = (total.program, total.as_of)
        if key in seen:
            line = doc.position(("national_totals", seen[key]))[0]
            yield doc.problem(("national_totals", i), "duplicate-total",
                              f"a national total for {total.program} at {total.as_of} is already "
                              f"given at line {line}")
        seen.setdefault(key, i)


def campaigns(model: TargetFile, doc: Document) -> Iterator[Problem]:
    for i, campaign in enumerate(model.campaigns):
        if not model.period.start <= campaign.date <= model.period.end:
            yield doc.problem(("campaigns", i, "date"), "campaign-date",
                              f"campaign date {campaign.date} is outside the period "
                              f"{model.period.start}..{model.period.end}")
        for code in campaign.per_staff:
            if code not in model.programs:
                yield _undeclared(model, doc, ("campaigns", i, "per_staff", code), code)


def units(model: TargetFile, doc: Document) -> Iterator[Problem]:
    seen: dict[str, Path] = {}
    aliases: dict[str, str] = {}  # alias -> the unit it names: unique, never another's code
    codes = unit_codes(model.units)

    def walk(nodes: list[Unit], path: Path) -> Iterator[Problem]:
        for i, unit in enumerate(nodes):
            here = (*path, i)
            if unit.code in seen:
                line = doc.position((*seen[unit.code], "code"))[0]
                yield doc.problem((*here, "code"), "duplicate-unit",
                                  f'unit code "{unit.code}" is already used at line {line}')
            seen.setdefault(unit.code, here)
            for j, alias in enumerate(unit.aliases):
                named = aliases.setdefault(alias, unit.code)
                if named != unit.code or alias in codes:
                    owner = named if named != unit.code else alias
                    yield doc.problem((*here, "aliases", j), "duplicate-unit",
                                      f'unit alias "{alias}" already names unit {owner}')
            for code in unit.targets:
                if code not in model.programs:
                    yield _undeclared(model, doc, (*here, "targets", code), code)
            for code in unit.baseline.participants if unit.baseline else ():
                if code not in model.programs:
                    yield _undeclared(model, doc, (*here, "baseline", "participants", code),
                                      code)
            yield from _children_sum(unit, here, doc)
            yield from walk(unit.units, (*here, "units"))

    yield from walk(model.units, ("units",))


def _children_sum(unit: Unit, here: Path, doc: Document) -> Iterator[Problem]:
    for code, parent_target in unit.targets.items():
        with_target = [(j, c) for j, c in enumerate(unit.units) if code in c.targets]
        if not with_target:
            continue
        total = sum(c.targets[code] for _, c in with_target)
        if total > parent_target:
            message = (f"{code}: children's targets sum to {total:,}, above this unit's "
                       f"{parent_target:,}")
            yield doc.problem((*here, "targets", code), "children-sum", message)
            for j, child in with_target:
                yield doc.problem((*here, "units", j, "targets", code), "children-sum",
                                  f"{code}: {child.targets[code]:,} counts towards a sum above "
                                  f"parent {unit.code}'s {parent_target:,}")
        elif total < parent_target and len(with_target) == len(unit.units):
            yield doc.problem((*here, "targets", code), "children-sum",
                              f"{code}: children's targets sum to {total:,}, below this unit's "
                              f"{parent_target:,}", severity=Severity.WARNING)


RULES: list[Rule] = [period_range, period_order, input_format_values, phasing,
                     baseline_cumulative, thresholds, aliases, national_totals, campaigns, units]


def check(model: TargetFile, doc: Document) -> list[Problem]:
    return [problem for rule in RULES for problem in rule(model, doc)]
